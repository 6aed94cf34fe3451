"""Every diagram mlenv writes parses with the real Mermaid parser (and Graphviz, when installed) and says what it means.

The Mermaid parser is the ``mermaid`` npm package run by Node with jsdom (``tests/support/mermaid``); it is
installed with ``npm ci`` into the cache on first use, so this needs Node.js, npm and the npm registry once.
Besides "it parses", the parser's own reading of each diagram is compared with the graph it was written from:
the same nodes with the same labels and classes, the same edges, the same boxes, so no hostile name can add
a node, an edge or a directive.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.render.diagram_dot import dot
from generator.render.diagrams import Graph, mermaid, node_id
from tests.support.diagram_cases import hostile_access_graph, hostile_changes_graph
from tests.support.mermaid_parser import missing_tools, parse
from tests.support.repository import REPOSITORY, commit_everything

pytestmark = [
    pytest.mark.mermaid,
    pytest.mark.skipif(missing_tools() is not None, reason=f"the Mermaid parser {missing_tools()}"),
]

FENCED = re.compile(r"^```mermaid\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _cli(*arguments: str | Path) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main([str(argument) for argument in arguments]) == 0
    return out.getvalue()


def _diff_output(root: Path) -> str:
    """``mlenv diff`` over a change that adds a production model, drops a reader and adds an environment."""
    for name in ("environments", "modules", "versions.tf"):
        source = REPOSITORY / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns(".terraform*"))
        else:
            shutil.copy2(source, root / name)
    commit_everything(root, "base")
    prod = root / "environments/prod.yaml"
    prod.write_text(prod.read_text().replace("  - churn\n", "  - churn\n  - name: upsell\n    readers: [auditors]\n"))
    acc = root / "environments/acc.yaml"
    acc.write_text(acc.read_text().replace("experiment_readers: [data-scientists]\n", ""))
    (root / "environments/teamx.yaml").write_text(
        "production: false\nservice_principals:\n  - application_id: 11111111-2222-4333-8444-555555555555\n"
    )
    commit_everything(root, "change")
    return _cli("--repository", root, "diff", "HEAD~1")


@pytest.fixture(scope="module")
def diagrams(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every kind of diagram mlenv writes, by a name saying where it comes from."""
    found = {
        f"permissions/{path.name}": block
        for path in sorted((REPOSITORY / "permissions").glob("*.md"))
        for block in FENCED.findall(path.read_text(encoding="utf-8"))
    }
    assert set(found) == {"permissions/acc.md", "permissions/preprod.md", "permissions/prod.md"}
    for arguments in ((), ("--env", "prod"), ("--principal", "ml-prod-runner"), ("--object", "churn_prod")):
        found[" ".join(("access", *arguments))] = _cli(
            "--repository", REPOSITORY, "access", *arguments, "--format", "mermaid"
        )
    (diff,) = FENCED.findall(_diff_output(tmp_path_factory.mktemp("diff")))
    found["diff"] = diff
    found["hostile access"] = mermaid(hostile_access_graph())
    found["hostile changes"] = mermaid(hostile_changes_graph())
    return found


@pytest.fixture(scope="module")
def parsed(diagrams: dict[str, str]) -> dict[str, dict[str, Any]]:
    return parse(diagrams)


def test_every_diagram_parses_as_a_flowchart(parsed):
    failures = {name: result.get("error") for name, result in parsed.items() if not result["ok"]}
    assert failures == {}
    assert {result["type"] for result in parsed.values()} == {"flowchart-v2"}


@pytest.mark.parametrize(
    ("name", "build"), [("hostile access", hostile_access_graph), ("hostile changes", hostile_changes_graph)]
)
def test_the_parser_reads_exactly_the_graph_written(parsed, name: str, build: Callable[[], Graph]):
    graph, result = build(), parsed[name]
    classes = graph.classes()
    expected_vertices = {node_id(node): (graph.label(node), [classes[node]]) for node in classes}
    boxes = {subgraph["id"] for subgraph in result["subgraphs"]}  # `style <box>` makes the parser list it too
    vertices = {
        vertex["id"]: (tuple(html.unescape(line) for line in vertex["text"].split("<br>")), vertex["classes"])
        for vertex in result["vertices"]
        if vertex["id"] not in boxes
    }
    assert vertices == expected_vertices
    expected_edges = [
        (node_id(edge.source), node_id(edge.target), edge.label, "dotted" if edge.dashed else "normal")
        for edge in graph.edges
    ]
    edges = [(e["start"], e["end"], html.unescape(e["text"]), e["stroke"]) for e in result["edges"]]
    assert edges == expected_edges
    titles = {s["id"]: (html.unescape(s["title"]), sorted(s["nodes"])) for s in result["subgraphs"]}
    assert titles == {
        f"env_{environment}": (graph.title(environment), sorted(node_id(node) for node in objects))
        for environment, objects in graph.environments()
    }


def test_production_picture_highlights_production_and_dashes_implicit_grants(parsed):
    result = parsed["permissions/prod.md"]
    classes = {vertex["id"]: vertex["classes"] for vertex in result["vertices"]}
    assert classes["mdl_churn__prod"] == ["production"] and classes["dir__2f_experiments_2f_prod"] == ["production"]
    assert classes["grp_admins"] == ["implicit"]
    assert [s["title"] for s in result["subgraphs"]] == ["prod (production)"]
    for edge in result["edges"]:
        assert (edge["stroke"] == "dotted") == edge["text"].endswith("(implicit)"), edge
    production_grants = [e for e in result["edges"] if e["start"] == "grp_apps__prod"]
    assert len(production_grants) == 3 and all("stroke:#c5221f" in e["style"] for e in production_grants)


def test_diff_picture_draws_added_green_and_removed_red_dashed(parsed):
    edges = parsed["diff"]["edges"]
    removed = [e for e in edges if e["text"].startswith("removed")]
    assert [(e["start"], e["end"]) for e in removed] == [("grp_data_2d_scientists", "dir__2f_experiments_2f_acc")]
    assert removed[0]["stroke"] == "dotted" and "stroke:#d93025" in removed[0]["style"]
    added = [e for e in edges if e["text"].startswith(("added", "joins"))]
    assert added and all(e["stroke"] == "normal" and "stroke:#1e8e3e" in e["style"] for e in added)
    assert [s["title"] for s in parsed["diff"]["subgraphs"]] == ["prod (production)", "acc", "teamx"]


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz dot on PATH")
@pytest.mark.parametrize("build", [hostile_access_graph, hostile_changes_graph])
def test_graphviz_reads_exactly_the_dot_written(build: Callable[[], Graph]):
    graph = build()
    completed = subprocess.run(["dot", "-Tjson0"], input=dot(graph), capture_output=True, text=True, check=True)
    document = json.loads(completed.stdout)
    objects = document.get("objects", [])
    nodes = {o["name"]: o["label"] for o in objects if "nodes" not in o}
    classes = graph.classes()
    assert nodes == {node_id(node): "\\n".join(_dot_label(line) for line in graph.label(node)) for node in classes}
    clusters = sorted(o["label"] for o in objects if "nodes" in o)
    assert clusters == sorted(graph.title(environment) for environment, _ in graph.environments())
    assert len(document.get("edges", [])) == len(graph.edges)


def _dot_label(line: str) -> str:
    """How Graphviz reports a label written by ``diagram_dot``: quotes read, other escapes kept, control characters
    as spaces."""
    return "".join("\\\\" if c == "\\" else " " if ord(c) < 32 or ord(c) == 127 else c for c in line)
