"""``mlenv diff`` output: access changes as Markdown for a pull request, production first, then a picture."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from generator.model.access_diff import AccessChange
from generator.render.diagrams import MERMAID_MAX_EDGES, changes_graph, drawable_mermaid
from generator.tables import Table, code


def diff_markdown(changes: Sequence[AccessChange], base: str, head: str, names: Mapping[str, str] | None = None) -> str:
    """The changes between revisions ``base`` and ``head`` as Markdown, production first, then a Mermaid picture
    of them; ``names`` are the display names of principals known by id."""
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
    return "\n".join([*lines, *_picture(changes, names or {})])


def _picture(changes: Sequence[AccessChange], names: Mapping[str, str]) -> list[str]:
    graph = changes_graph(changes, names)
    lines = ["### Picture", ""]
    text = drawable_mermaid(graph)
    if text is None:
        return [
            *lines,
            f"Too many changes to draw ({len(graph.edges)} arrows; Mermaid draws up to {MERMAID_MAX_EDGES}).",
            "",
        ]
    legend = (
        "Green solid arrows are added access and new memberships, red dashed arrows removed access and memberships "
        "left, orange arrows a changed level; production environments first, in red boxes."
    )
    return [*lines, legend, "", "```mermaid", text.rstrip("\n"), "```", ""]
