"""Graphs with hostile names for the diagram tests: every name tries to break out of its label or its id."""

from __future__ import annotations

from generator.model.access_diff import AccessChange
from generator.model.effective_access import EffectiveGrant
from generator.render.diagrams import Graph, access_graph, changes_graph

#: Quotes, brackets, Mermaid comments and directives, arrows, keywords, entity codes, HTML, Markdown,
#: DOT escapes, control characters and non-ASCII letters.
HOSTILE_NAMES = (
    'a"b',
    "x]y[z",
    "(p)",
    "{c}",
    "%% comment",
    '%%{init: {"theme": "dark"}}%%',
    "a-->b",
    "a --- o b",
    "A---oB",
    "end",
    "style",
    "class",
    "classDef",
    "click",
    "default",
    "graph",
    "subgraph",
    "linkStyle x:#1;",
    "o",
    "x",
    "q;r",
    "#quot;",
    "#35;",
    "<b>bold</b>",
    "<img src=x onerror=alert(1)>",
    "a|b",
    "`markdown`",
    "&amp;",
    "back\\slash",
    "new\nline",
    "tab\there",
    "é ü 漢",
    "apps_prod",
    "apps__prod",
    "a_2d_b",
    "a-b",
)


def hostile_access() -> list[EffectiveGrant]:
    """Effective grants where every principal, group, object and level carries a hostile name."""
    grants = []
    for name in HOSTILE_NAMES:
        grants.append(
            EffectiveGrant(
                name, "service_principal", "prod", "registered_model", f"{name}_m", "CAN_READ", (name,), False
            )
        )
        grants.append(EffectiveGrant(name, "group", "prod", "registered_model", f"{name}_m", "CAN_READ", (), False))
        grants.append(EffectiveGrant(name, "user", "acc", "directory", f"/d/{name}", f"LEVEL {name}", (), True))
    return grants


def hostile_access_graph() -> Graph:
    """:func:`hostile_access` as a graph; ``prod`` is production, one principal has a hostile display name."""
    return access_graph(hostile_access(), {"prod"}, {"end": 'display "name" -->'})


def hostile_changes_graph() -> Graph:
    """Access changes of every kind with hostile names."""
    changes = []
    for index, name in enumerate(HOSTILE_NAMES):
        kind, before, after = [("added", "", name), ("removed", name, ""), ("level changed", name, f"{name}2")][
            index % 3
        ]
        production = index % 2 == 0
        environment = "prod" if production else "acc"
        changes.append(
            AccessChange(
                production, environment, "registered_model", f"m {name}", "group", name, kind, before, after, False
            )
        )
        changes.append(
            AccessChange(production, environment, "group", name, "user", f"u {name}", "joins", "", "MEMBER", False)
        )
    return changes_graph(sorted(changes, key=lambda change: (not change.production, change)), {})
