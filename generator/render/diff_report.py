"""``mlenv diff`` output: access changes as Markdown for a pull request, production first, then a picture."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict

from generator.model.access_diff import AccessChange, Holding, MovedAccess, ObjectChange, RegistryChange
from generator.render.diagrams import MERMAID_MAX_EDGES, changes_graph, drawable_mermaid
from generator.tables import Table, code


def diff_markdown(
    objects: Sequence[ObjectChange],
    changes: Sequence[AccessChange],
    base: str,
    head: str,
    names: Mapping[str, str] | None = None,
    moves: Sequence[MovedAccess] = (),
    registries: RegistryChange | None = None,
) -> str:
    """The changes between ``base`` and ``head`` as Markdown: the registry change and what moves with it (when
    ``registries`` says it changes), objects created or deleted, then access changes production first, then a
    Mermaid picture of them; ``names`` are the display names of principals known by id.

    Implicit grants on objects that are created or deleted come and go with their object: they are counted,
    not listed.
    """
    lines = [f"## Access changes: `{base}` → `{head}`", ""]
    if not changes and not objects:
        return "\n".join([*lines, "No access changes.", ""])
    lines += _registry_section(registries, moves, names or {})
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
        metastore = "metastore admins, " if any(c.principal == "metastore admins" for c in folded) else ""
        lines += [
            f"Not listed: {len(folded)} implicit grant{'s' if len(folded) != 1 else ''} (admins, {metastore}the "
            "identity running Terraform) that come and go with the objects above.",
            "",
        ]
    return "\n".join([*lines, *_picture(changes, names or {})])


def diff_json(
    objects: Sequence[ObjectChange],
    changes: Sequence[AccessChange],
    base: str,
    head: str,
    moves: Sequence[MovedAccess] = (),
    registries: RegistryChange | None = None,
) -> str:
    """The same changes as JSON; ``production`` says whether any production environment is touched, ``registry``
    which registry base and head use, ``moves`` what each principal holds on a model before and after it moves
    between them."""
    document = {
        "base": base,
        "head": head,
        "production": any(change.production for change in objects) or any(change.production for change in changes),
        "registry": {"base": registries.before, "head": registries.after} if registries else {},
        "objects": [asdict(change) | {"consequence": change.consequence} for change in objects],
        "changes": [asdict(change) for change in changes],
        "moves": [asdict(move) for move in moves],
    }
    return json.dumps(document, indent=1) + "\n"


def _registry_section(
    registries: RegistryChange | None, moves: Sequence[MovedAccess], names: Mapping[str, str]
) -> list[str]:
    """The registry change: what happens to the models and their versions, and who holds what on each, before and
    after (after includes what a catalog or schema passes down)."""
    if registries is None or not registries.changed:
        return []
    lines = [
        f"### Registry: {registries.before_title} → {registries.after_title}",
        "",
        (
            "> **Every model moves to a new registered model in Unity Catalog.** The old ones stay in the workspace "
            "with every version, no longer managed by Terraform (`removed` blocks): nothing is deleted. "
            "`mlenv migrate` copies the versions with their tags, descriptions and stages (as aliases: the runtime "
            "client maps `Staging` to `challenger` and `Production` to `champion`) and verifies them; Unity "
            "Catalog needs a signature on every version."
            if registries.models_kept
            else "> **Every model moves to a new, empty registered model.** The old ones are deleted with every "
            "version in them: versions are not moved. Register the versions to keep in the new models first (for "
            "example with MLflow's `MlflowClient.copy_model_version`), then `mlenv apply --allow-destroy`."
        ),
        "",
    ]
    if moves:
        lines += [
            "Who holds what on each model, before and after (a principal's own grants and ownership; "
            "groups are followed by `mlenv access`):",
            "",
        ]
        lines += Table(
            ("Environment", "Model", "Principal", "Before", "After"),
            [
                (
                    move.environment + (" (production)" if move.production else ""),
                    f"{code(move.before_model)} → {code(move.after_model)}",
                    f"{move.principal_type} {code(move.principal)}"
                    + (f" ({names[move.principal]})" if move.principal in names else ""),
                    _holdings_text(move.before),
                    _holdings_text(move.after),
                )
                for move in moves
            ],
        ).markdown()
        lines.append("")
    return lines


def _holdings_text(holdings: Sequence[Holding]) -> str:
    """``OWNER``, ``CAN_MANAGE (implicit)``, ``MANAGE (implicit, from `ml_prod`)`` or ``OWNER (implicit, owner of
    `ml_prod`, `ml_prod.models`)``; ``none``."""
    grouped: dict[tuple[str, bool], list[str]] = {}
    for holding in holdings:
        sources = grouped.setdefault((holding.level, holding.implicit), [])
        if holding.inherited_from:
            sources.append(code(holding.inherited_from))
    texts = []
    for (level, implicit), sources in sorted(grouped.items()):
        notes = ["implicit"] if implicit else []
        notes += [f"{'owner of' if level == 'OWNER' else 'from'} {', '.join(sources)}"] if sources else []
        texts.append(level + (f" ({', '.join(notes)})" if notes else ""))
    return "; ".join(texts) or "none"


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
