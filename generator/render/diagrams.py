"""Pictures of access: Mermaid ``flowchart LR`` and Graphviz DOT of who reaches which object.

One small graph is built, either from effective access (``mlenv access``, the permission files)
or from access changes (``mlenv diff``), and written as Mermaid here or as DOT by
:mod:`generator.render.diagram_dot`. Principals and groups sit
on the left, each environment's objects in a box of their own on the right, production first and
highlighted. Everything is sorted; nothing depends on the time or on the order of the manifests.

No name can break the syntax: node ids are derived from names with every character but ASCII
letters and digits escaped (``_`` as ``__``, others as ``_<hex>_``) behind a prefix per kind, and
labels are quoted with every character outside a small safe set written as a Mermaid entity code
(``#34;``) or, in DOT, backslash-escaped.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import NamedTuple

from generator.model.access_diff import AccessChange
from generator.model.effective_access import EffectiveGrant, containers
from generator.model.grants import CATALOG, DIRECTORY, GROUP, REGISTERED_MODEL, SCHEMA
from generator.model.levels import MEMBER

#: Edge styles: a membership, a grant the manifests give, a grant Databricks adds, and the three kinds of change.
MEMBERSHIP, GRANT, IMPLICIT, ADDED, REMOVED, CHANGED = "membership", "grant", "implicit", "added", "removed", "changed"
#: Edge style of a Unity Catalog catalog to its schema and a schema to its models (grants flow down them).
CONTAINS = "contains"

#: Mermaid's default limits (``maxEdges``, ``maxTextSize``): larger diagrams are not drawn by GitHub and others.
MERMAID_MAX_EDGES = 500
MERMAID_MAX_TEXT = 50_000
#: Appended to the label of an implicit grant.
IMPLICIT_SUFFIX = " (implicit)"

OBJECT_KINDS = (DIRECTORY, REGISTERED_MODEL, CATALOG, SCHEMA)
_STYLE_ORDER = (MEMBERSHIP, ADDED, CHANGED, REMOVED, GRANT, IMPLICIT, CONTAINS)
_STYLE_RANK = {style: rank for rank, style in enumerate(_STYLE_ORDER)}
#: Objects in an environment's box: directories, then catalog, schema and models as Unity Catalog nests them.
_TREE = (DIRECTORY, CATALOG, SCHEMA, REGISTERED_MODEL)
_ID_PREFIX = {
    "service_principal": "sp_",
    "user": "usr_",
    "terraform_identity": "tfi_",
    GROUP: "grp_",
    DIRECTORY: "dir_",
    REGISTERED_MODEL: "mdl_",
    CATALOG: "cat_",
    SCHEMA: "sch_",
}
_CAPTION = {GROUP: "group", DIRECTORY: "experiment directory", REGISTERED_MODEL: "registered model"}
_CAPTION |= {CATALOG: "catalog", SCHEMA: "schema"}
#: Mermaid shapes (open, close) per kind: principals as stadiums, groups rounded, directories boxes, models
#: cylinders, catalogs subroutines, schemas hexagons.
_MERMAID_SHAPE = {GROUP: ("(", ")"), DIRECTORY: ("[", "]"), REGISTERED_MODEL: ("[(", ")]")}
_MERMAID_SHAPE |= {CATALOG: ("[[", "]]"), SCHEMA: ("{{", "}}")}
#: Characters written as they are inside a quoted Mermaid label; every other one becomes ``#<code>;``.
_PLAIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ._/@+-,()")

#: Node colours (fill, stroke) per class, and how each class is drawn.
NODE_COLOURS = {
    "principal": ("#e8f0fe", "#1a73e8"),
    "group": ("#f3e8fd", "#8430ce"),
    "implicit": ("#f1f3f4", "#5f6368"),
    "object": ("#e6f4ea", "#188038"),
    "production": ("#fce8e6", "#c5221f"),
}
_EXTRA = {"implicit": ",stroke-dasharray:5 3", "production": ",stroke-width:3px,font-weight:bold"}
#: Edge colour and width per style; implicit and removed edges are also dashed.
_EDGE_COLOURS = {
    MEMBERSHIP: ("#5f6368", 1),
    GRANT: ("#188038", 2),
    IMPLICIT: ("#9aa0a6", 1),
    ADDED: ("#1e8e3e", 3),
    REMOVED: ("#d93025", 3),
    CHANGED: ("#e37400", 3),
    CONTAINS: ("#188038", 1),
}
_PRODUCTION_GRANT = ("#c5221f", 2)
ENVIRONMENT_COLOURS = {True: ("#fff5f4", "#c5221f"), False: ("#f8f9fa", "#9aa0a6")}


class Node(NamedTuple):
    """A principal (``kind`` is its principal type) or an object (its object type)."""

    kind: str
    name: str


class Edge(NamedTuple):
    """A membership (principal to group) or a grant (principal to object), labelled."""

    source: Node
    target: Node
    label: str
    style: str

    @property
    def dashed(self) -> bool:
        """Implicit grants and removed access are drawn dashed."""
        return self.style in (IMPLICIT, REMOVED)


@dataclass
class Graph:
    """Edges, the environment of every object, the production environments and the principals' display names."""

    production: frozenset[str]
    names: Mapping[str, str]
    environment_of: dict[Node, str] = field(default_factory=dict)
    _edges: dict[Edge, bool] = field(default_factory=dict)
    #: What is derived from the edges, computed once after the last ``add`` (a picture reads it several times).
    _sorted: list[Edge] | None = None
    _implicit_sources: dict[Node, bool] | None = None

    def add(self, edge: Edge, production: bool) -> None:
        """Add ``edge``; ``production`` puts it among the first (an edge added twice is drawn once)."""
        self._edges[edge] = self._edges.get(edge, False) or production
        self._sorted = self._implicit_sources = None

    @property
    def edges(self) -> list[Edge]:
        """Every edge, production ones first, then sorted."""
        if self._sorted is None:
            first = self._edges
            self._sorted = sorted(first, key=lambda edge: (not first[edge], _STYLE_RANK[edge.style], edge))
        return self._sorted

    def nodes(self) -> list[Node]:
        """Every node that is not an object: principals, then groups, then those with only implicit grants."""
        ends = {node for edge in self._edges for node in (edge.source, edge.target)}
        implicit = self._implicit()
        return sorted(
            (node for node in ends if node.kind not in OBJECT_KINDS),
            key=lambda node: (implicit.get(node, False), node.kind == GROUP, node),
        )

    def environments(self) -> list[tuple[str, list[Node]]]:
        """Each environment with its objects, production environments first."""
        members: dict[str, list[Node]] = {}
        for node, environment in self.environment_of.items():
            members.setdefault(environment, []).append(node)
        order = sorted(members, key=lambda name: (name not in self.production, name))
        return [(name, sorted(members[name], key=lambda node: (_TREE.index(node.kind), node))) for name in order]

    def classes(self) -> dict[Node, str]:
        """The class every node is drawn with: production or other object, implicit principal, group, principal."""
        implicit = self._implicit()
        classes = {
            node: "production" if environment in self.production else "object"
            for node, environment in self.environment_of.items()
        }
        for node in self.nodes():
            classes[node] = "implicit" if implicit.get(node) else "group" if node.kind == GROUP else "principal"
        return classes

    def title(self, environment: str) -> str:
        """The title of an environment's box."""
        return environment + (" (production)" if environment in self.production else "")

    def _implicit(self) -> dict[Node, bool]:
        """For every node with outgoing edges: whether all of them are implicit grants."""
        if self._implicit_sources is None:
            implicit: dict[Node, bool] = {}
            for edge in self._edges:
                is_implicit = edge.style == IMPLICIT or edge.label.endswith(IMPLICIT_SUFFIX)
                implicit[edge.source] = implicit.get(edge.source, True) and is_implicit
            self._implicit_sources = implicit
        return self._implicit_sources

    def label(self, node: Node) -> tuple[str, ...]:
        """The lines of a node's label: its name (display name and id for a principal) and a caption."""
        if node.kind in _CAPTION:
            return (node.name, _CAPTION[node.kind])
        display = self.names.get(node.name)
        return (display, node.name) if display else (node.name,)


def access_graph(grants: Iterable[EffectiveGrant], production: Collection[str], names: Mapping[str, str]) -> Graph:
    """Effective grants as memberships (principal to group to group) and grants (holder to object); a grant
    inherited in Unity Catalog is drawn on the catalog or schema that holds it, which ``contains`` the object."""
    graph = Graph(frozenset(production), names)
    for grant in grants:
        in_production = grant.environment in graph.production
        chain = [Node(grant.principal_type, grant.principal), *(Node(GROUP, group) for group in grant.via)]
        for member, group in pairwise(chain):
            graph.add(Edge(member, group, "member", MEMBERSHIP), in_production)
        target = Node(grant.object_type, grant.object)
        graph.environment_of[target] = grant.environment
        for kind, name in containers(grant.object_type, grant.object) if grant.inherited_from else ():
            container = Node(kind, name)
            graph.environment_of[container] = grant.environment
            graph.add(Edge(container, target, CONTAINS, CONTAINS), in_production)
            target = container
            if name == grant.inherited_from:
                break
        label = grant.permission_level + (IMPLICIT_SUFFIX if grant.implicit else "")
        graph.add(Edge(chain[-1], target, label, IMPLICIT if grant.implicit else GRANT), in_production)
    return graph


def changes_graph(changes: Iterable[AccessChange], names: Mapping[str, str]) -> Graph:
    """Access changes as edges: added or joined, removed or left, and changed in level."""
    changes = list(changes)
    graph = Graph(frozenset(c.environment for c in changes if c.production), names)
    for change in changes:
        target = Node(change.object_type, change.object)
        if change.object_type in OBJECT_KINDS:
            graph.environment_of[target] = change.environment
        if change.change == "level changed":
            label, style = f"{change.before} → {change.after}", CHANGED
        elif change.after:
            label, style = ("joins" if change.after == MEMBER else f"added {change.after}"), ADDED
        else:
            label, style = ("leaves" if change.before == MEMBER else f"removed {change.before}"), REMOVED
        label += IMPLICIT_SUFFIX if change.implicit else ""
        graph.add(Edge(Node(change.principal_type, change.principal), target, label, style), change.production)
    return graph


@functools.lru_cache(maxsize=65536)
def node_id(node: Node) -> str:
    """A Mermaid and DOT id for ``node``: a prefix per kind, then the name with everything but [A-Za-z0-9] escaped."""
    prefix = _ID_PREFIX.get(node.kind) or "n_" + _escape_id(node.kind) + "_"
    return prefix + _escape_id(node.name)


def mermaid(graph: Graph) -> str:
    """The graph as a Mermaid ``flowchart LR``, ending with a newline."""
    lines = ["flowchart LR"]
    lines += [
        f"  classDef {name} fill:{fill},stroke:{stroke},color:#202124{_EXTRA.get(name, '')}"
        for name, (fill, stroke) in NODE_COLOURS.items()
    ]
    lines += [f"  {_mermaid_node(graph, node)}" for node in graph.nodes()]
    for environment, objects in graph.environments():
        lines.append(f'  subgraph env_{_escape_id(environment)} ["{_text(graph.title(environment))}"]')
        lines += [f"    {_mermaid_node(graph, node)}" for node in objects]
        lines.append("  end")
    edges = graph.edges
    for edge in edges:
        arrow = "-.->" if edge.dashed else "-->"
        lines.append(f'  {node_id(edge.source)} {arrow}|"{_text(edge.label)}"| {node_id(edge.target)}')
    by_class: dict[str, list[str]] = {}
    for node, name in sorted(graph.classes().items()):
        by_class.setdefault(name, []).append(node_id(node))
    lines += [f"  class {','.join(ids)} {name}" for name, ids in sorted(by_class.items())]
    for environment, _ in graph.environments():
        fill, stroke = ENVIRONMENT_COLOURS[environment in graph.production]
        lines.append(
            f"  style env_{_escape_id(environment)} fill:{fill},stroke:{stroke},stroke-width:2px,color:#202124"
        )
    styles: dict[tuple[str, int], list[str]] = {}
    for index, edge in enumerate(edges):
        styles.setdefault(edge_colour(graph, edge), []).append(str(index))
    lines += [
        f"  linkStyle {','.join(indexes)} stroke:{colour},stroke-width:{width}px"
        for (colour, width), indexes in sorted(styles.items())
    ]
    return "\n".join(lines) + "\n"


def drawable_mermaid(graph: Graph) -> str | None:
    """The Mermaid of ``graph``, or None when it is over Mermaid's default limits (then GitHub would not draw it)."""
    if len(graph.edges) > MERMAID_MAX_EDGES:
        return None
    text = mermaid(graph)
    return text if len(text) <= MERMAID_MAX_TEXT else None


def edge_colour(graph: Graph, edge: Edge) -> tuple[str, int]:
    """Colour and width of an edge: by style; grants on production objects in red."""
    if edge.style == GRANT and graph.environment_of.get(edge.target) in graph.production:
        return _PRODUCTION_GRANT
    return _EDGE_COLOURS[edge.style]


def _mermaid_node(graph: Graph, node: Node) -> str:
    opening, closing = _MERMAID_SHAPE.get(node.kind, ("([", "])"))
    label = "<br/>".join(_text(line) for line in graph.label(node))
    return f'{node_id(node)}{opening}"{label}"{closing}'


@functools.lru_cache(maxsize=65536)
def _escape_id(name: str) -> str:
    # Cached (as _text): the same principals, objects and levels are named on every edge of every picture.
    if name.isascii() and name.replace("_", "").isalnum():  # most names: letters, digits and underscores
        return name.replace("_", "__")
    return "".join(
        char if char.isascii() and char.isalnum() else "__" if char == "_" else f"_{ord(char):x}_" for char in name
    )


@functools.lru_cache(maxsize=65536)
def _text(value: str) -> str:
    """``value`` for inside a quoted Mermaid label: entity codes for anything Mermaid, Markdown or HTML could read."""
    return "".join(char if char in _PLAIN else f"#{ord(char)};" for char in value)
