"""The file ``mlenv adopt`` writes: one Terraform ``import`` block per object that already exists."""

from __future__ import annotations

from collections.abc import Iterable

from generator.addresses import ImportTarget
from generator.render.hcl import hcl_value


def render_imports(targets: Iterable[ImportTarget], host: str) -> str:
    """The imports file: a header naming the workspace, then one ``import`` block per target, sorted by address."""
    lines = [
        f"# Written by `mlenv adopt` from the workspace {host}: objects the manifests declare that existed",
        "# before Terraform managed them. Terraform imports each one on the next `mlenv plan` / `mlenv apply`",
        "# and ignores a block whose object it already manages. Delete this file after applying, or keep it",
        "# as a record; `mlenv render` never touches it.",
    ]
    for target in sorted(targets):
        lines += [
            "",
            f"# {target.description}",
            "import {",
            f"  to = {target.address}",
            f"  id = {hcl_value(target.import_id)}",
            "}",
        ]
    return "\n".join(lines) + "\n"
