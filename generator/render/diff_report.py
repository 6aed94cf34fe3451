"""``mlenv diff`` output: access changes as Markdown for a pull request, production first."""

from __future__ import annotations

from collections.abc import Sequence

from generator.model.access_diff import AccessChange
from generator.tables import Table, code


def diff_markdown(changes: Sequence[AccessChange], base: str, head: str) -> str:
    """The changes between revisions ``base`` and ``head`` as Markdown, production first."""
    lines = [f"## Access changes: `{base}` → `{head}`", ""]
    if not changes:
        return "\n".join([*lines, "No access changes.", ""])
    for title, selected in (
        ("Production", [c for c in changes if c.production]),
        ("Other environments", [c for c in changes if not c.production]),
    ):
        if not selected:
            continue
        lines += [f"### {title} ({len(selected)} change{'s' if len(selected) != 1 else ''})", ""]
        lines += Table(
            ("Change", "Environment", "Object", "Principal", "Before", "After"),
            [
                (
                    c.change + (" (implicit)" if c.implicit else ""),
                    c.environment,
                    f"{c.object_type} {code(c.object)}",
                    f"{c.principal_type} {code(c.principal)}",
                    c.before,
                    c.after,
                )
                for c in selected
            ],
        ).markdown()
        lines.append("")
    return "\n".join(lines)
