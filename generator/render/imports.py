"""The file ``mlenv adopt`` (and ``mlenv plan --adopt``) writes: one Terraform ``import`` block per object that
already exists."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from generator.addresses import ImportTarget
from generator.atomic_files import write_atomically
from generator.render.hcl import hcl_value


def render_imports(targets: Iterable[ImportTarget], host: str) -> str:
    """The imports file: a header naming the workspace, then one ``import`` block per target, sorted by address."""
    lines = [
        f"# Written by `mlenv adopt` (or `mlenv plan --adopt`) from the workspace {host}: objects the manifests",
        "# declare that existed before Terraform managed them (or that an interrupted apply created). Terraform",
        "# imports each one on the next `mlenv plan` / `mlenv apply` and ignores a block whose object it already",
        "# manages. Delete this file after applying, or keep it as a record; `mlenv render` never touches it.",
    ]
    for target in sorted(targets):
        lines += _block(target)
    return "\n".join(lines) + "\n"


def add_imports(path: Path, targets: Iterable[ImportTarget], host: str) -> list[ImportTarget]:
    """Add an import block for each target whose address ``path`` does not import yet (writing the file with its
    header when there is none); the targets added."""
    existing = path.read_text(encoding="utf-8") if path.is_file() else ""
    added = [target for target in sorted(targets) if f"  to = {target.address}\n" not in existing]
    if not existing:
        write_atomically(path, render_imports(added, host))
    elif added:
        write_atomically(
            path, existing.rstrip("\n") + "\n" + "\n".join(line for t in added for line in _block(t)) + "\n"
        )
    return added


def _block(target: ImportTarget) -> list[str]:
    return [
        "",
        f"# {target.description}",
        "import {",
        f"  to = {target.address}",
        f"  id = {hcl_value(target.import_id)}",
        "}",
    ]
