"""``mlenv diff`` output: access changes as Markdown for a pull request, production first, then a picture."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict

from generator.model.access_diff import AccessChange, ObjectChange
from generator.render.diagrams import MERMAID_MAX_EDGES, changes_graph, drawable_mermaid
from generator.tables import Table, code


def diff_markdown(
    objects: Sequence[ObjectChange],
    changes: Sequence[AccessChange],
    base: str,
    head: str,
    names: Mapping[str, str] | None = None,
) -> str:
    """The changes between ``base`` and ``head`` as Markdown: objects created or deleted, then access changes
    production first, then a Mermaid picture of them; ``names`` are the display names of principals known by id.

    Implicit grants on objects that are created or deleted come and go with their object: they are counted,
    not listed.
    """
    lines = [f"## Access changes: `{base}` → `{head}`", ""]
    if not changes and not objects:
        return "\n".join([*lines, "No access changes.", ""])
    lines += _objects_section(objects)
    moving = {(change.object_type, change.object) for change in objects}
    folded = [c for c in changes if c.implicit and (c.object_type, c.object) in moving]
    listed = [c for c in changes if c not in folded]
    for title, selected in (
        ("Production", [c for c in listed if c.production]),
        ("Other environments", [c for c in listed if not c.production]),
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
    if folded:
        lines += [
            f"Not listed: {len(folded)} implicit grant{'s' if len(folded) != 1 else ''} (admins, the identity running "
            "Terraform) that come and go with the objects above.",
            "",
        ]
    return "\n".join([*lines, *_picture(changes, names or {})])


def diff_json(objects: Sequence[ObjectChange], changes: Sequence[AccessChange], base: str, head: str) -> str:
    """The same changes as JSON; ``production`` says whether any production environment is touched."""
    document = {
        "base": base,
        "head": head,
        "production": any(change.production for change in objects) or any(change.production for change in changes),
        "objects": [asdict(change) | {"consequence": change.consequence} for change in objects],
        "changes": [asdict(change) for change in changes],
    }
    return json.dumps(document, indent=1) + "\n"


def _objects_section(objects: Sequence[ObjectChange]) -> list[str]:
    if not objects:
        return []
    deleted = sum(1 for change in objects if change.change == "deleted")
    lines = [f"### Objects created and deleted ({len(objects)})", ""]
    if deleted:
        lines += [
            f"> **{deleted} object{'s' if deleted != 1 else ''} deleted.** `mlenv apply` refuses deletions unless "
            "given `--allow-destroy`; check that each is intended.",
            "",
        ]
    lines += Table(
        ("Change", "Environment", "Object", "What happens"),
        [
            (
                change.change,
                change.environment + (" (production)" if change.production else ""),
                f"{change.object_type} {code(change.object)}",
                change.consequence,
            )
            for change in objects
        ],
    ).markdown()
    return [*lines, ""]


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
