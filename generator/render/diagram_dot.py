"""Pictures of access as Graphviz DOT: the graph of :mod:`generator.render.diagrams`, drawn the same way.

Ids are the Mermaid ones (safe as they are) and every string is quoted with ``\\`` and ``"`` escaped and
control characters replaced, so no name can break out of its string.
"""

from __future__ import annotations

from generator.model.grants import CATALOG, DIRECTORY, GROUP, REGISTERED_MODEL, SCHEMA
from generator.render.diagrams import ENVIRONMENT_COLOURS, NODE_COLOURS, Graph, Node, edge_colour, node_id

_DOT_SHAPE = {GROUP: "ellipse", DIRECTORY: "folder", REGISTERED_MODEL: "cylinder", CATALOG: "box3d", SCHEMA: "tab"}


def dot(graph: Graph, name: str = "access") -> str:
    """The graph as a Graphviz ``digraph`` laid out left to right, ending with a newline."""
    lines = [
        f"digraph {_dot_string(name)} {{",
        "  rankdir=LR;",
        '  graph [fontname="Helvetica", fontsize=11, nodesep=0.25, ranksep=1.2];',
        '  node [fontname="Helvetica", fontsize=10, style=filled];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    classes = graph.classes()
    lines += [f"  {_dot_node(graph, node, classes[node])}" for node in graph.nodes()]
    for environment, objects in graph.environments():
        fill, stroke = ENVIRONMENT_COLOURS[environment in graph.production]
        lines.append(f"  subgraph {_dot_string('cluster_env_' + environment)} {{")
        title = _dot_string(graph.title(environment))
        lines.append(f'    label={title}; style="filled,rounded"; fillcolor="{fill}"; color="{stroke}";')
        lines += [f"    {_dot_node(graph, node, classes[node])}" for node in objects]
        lines.append("  }")
    for edge in graph.edges:
        colour, width = edge_colour(graph, edge)
        dashed = ", style=dashed" if edge.dashed else ""
        lines.append(
            f"  {_dot_string(node_id(edge.source))} -> {_dot_string(node_id(edge.target))} "
            f'[label={_dot_string(edge.label)}, color="{colour}", penwidth={width}{dashed}];'
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_node(graph: Graph, node: Node, drawn_as: str) -> str:
    fill, stroke = NODE_COLOURS[drawn_as]
    shape = _DOT_SHAPE.get(node.kind, "box")
    style = "filled,rounded" if shape == "box" else "filled"
    style += {"implicit": ",dashed", "production": ",bold"}.get(drawn_as, "")
    label = "\\n".join(_dot_escape(line) for line in graph.label(node))
    return (
        f'{_dot_string(node_id(node))} [label="{label}", shape={shape}, style="{style}", '
        f'fillcolor="{fill}", color="{stroke}"];'
    )


def _dot_escape(value: str) -> str:
    return "".join(
        "\\\\" if char == "\\" else '\\"' if char == '"' else " " if ord(char) < 32 or ord(char) == 127 else char
        for char in value
    )


def _dot_string(value: str) -> str:
    return f'"{_dot_escape(value)}"'
