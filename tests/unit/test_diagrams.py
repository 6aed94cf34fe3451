"""Pictures of access (Mermaid and DOT): structure, escaping of hostile names, determinism, highlighting.

The real Mermaid parser and Graphviz read the same diagrams in tests/integration/test_diagrams_parse.py;
here every line is checked against the few shapes the writers may produce, so that no name can break out.
"""

from __future__ import annotations

import random
import re

import pytest

from generator.model.access_diff import AccessChange
from generator.model.checked import load_and_check
from generator.model.effective_access import EffectiveGrant, effective_access
from generator.render.diagram_dot import dot
from generator.render.diagrams import (
    MERMAID_MAX_EDGES,
    Node,
    access_graph,
    changes_graph,
    drawable_mermaid,
    mermaid,
    node_id,
)
from generator.render.diff_report import diff_markdown
from generator.render.header import generated_header
from generator.render.permission_files import render_reports
from tests.support.diagram_cases import HOSTILE_NAMES, hostile_access, hostile_access_graph, hostile_changes_graph
from tests.support.repository import REPOSITORY, run_module
from tests.support.synthetic import synthesize

PROD_RUNNER = "b18e5f3c-9d2a-4e7b-a6c1-3d0f4e5a6b03"
TF = "0d6e4c2b-5a7f-4e1d-9b3c-8f2a6e4d1c05"

ID = r"[A-Za-z0-9_]+"
#: What may stand inside a quoted Mermaid label: safe characters, entity codes and line breaks.
LABEL = r'"(?:[A-Za-z0-9 ._/@+\-,()]|#\d+;|<br/>)*"'
MERMAID_LINE = re.compile(
    "|".join(
        (
            r"flowchart LR",
            rf"  classDef {ID} [a-z-]+:[#0-9a-z ]+(?:,[a-z-]+:[#0-9a-z ]+)*",
            rf" {{2,4}}{ID}(?:\(\[{LABEL}\]\)|\({LABEL}\)|\[{LABEL}\]|\[\({LABEL}\)\])",
            rf"  subgraph env_{ID} \[{LABEL}\]",
            r"  end",
            rf"  {ID} (?:-->|-\.->)\|{LABEL}\| {ID}",
            rf"  class {ID}(?:,{ID})* [a-z]+",
            rf"  style env_{ID} [a-z-]+:[#0-9a-z]+(?:,[a-z-]+:[#0-9a-z]+)*",
            r"  linkStyle \d+(?:,\d+)* stroke:#[0-9a-f]{6},stroke-width:\dpx",
        )
    )
)
DOT_STRING = r'"(?:[^"\\\x00-\x1f]|\\.)*"'
DOT_LINE = re.compile(
    "|".join(
        (
            rf"digraph {DOT_STRING} \{{",
            r"  rankdir=LR;",
            r"  (?:graph|node|edge) \[[^\]\"]*(?:\"[A-Za-z]+\"[^\]\"]*)*\];",
            rf" {{2,4}}{DOT_STRING} \[label={DOT_STRING}, shape=[a-z]+, style=\"[a-z,]+\", "
            r'fillcolor="#[0-9a-f]{6}", color="#[0-9a-f]{6}"\];',
            rf"  subgraph {DOT_STRING} \{{",
            rf'    label={DOT_STRING}; style="filled,rounded"; fillcolor="#[0-9a-f]{{6}}"; color="#[0-9a-f]{{6}}";',
            r"  \}",
            rf"  {DOT_STRING} -> {DOT_STRING} \[label={DOT_STRING}, "
            r'color="#[0-9a-f]{6}", penwidth=\d(?:, style=dashed)?\];',
            r"\}",
        )
    )
)


@pytest.fixture(scope="module")
def example():
    checked = load_and_check(REPOSITORY)
    production = {name for name, facts in checked.model.environments.items() if facts.production}
    return effective_access(checked.model), production, checked.manifests.display_names()


def _environment_picture(example, environment):
    grants, production, names = example
    return mermaid(access_graph([g for g in grants if g.environment == environment], production, names))


def test_production_picture_structure(example):
    text = _environment_picture(example, "prod")
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    box = lines.index('  subgraph env_prod ["prod (production)"]')
    assert lines[box + 1 : box + 5] == [
        '    dir__2f_experiments_2f_prod["/experiments/prod<br/>experiment directory"]',
        '    mdl_churn__prod[("churn_prod<br/>registered model")]',
        '    mdl_fraud__prod[("fraud_prod<br/>registered model")]',
        "  end",
    ]
    runner = node_id(Node("service_principal", PROD_RUNNER))
    assert f'  {runner}(["ml-prod-runner<br/>{PROD_RUNNER}"])' in lines
    assert f'  {node_id(Node("service_principal", TF))}(["Terraform identity<br/>{TF}"])' in lines
    assert f'  {runner} -->|"member"| grp_apps__prod' in lines
    assert '  grp_apps__prod -->|"CAN_MANAGE_PRODUCTION_VERSIONS"| mdl_churn__prod' in lines
    assert "  class dir__2f_experiments_2f_prod,mdl_churn__prod,mdl_fraud__prod production" in lines
    assert "  style env_prod fill:#fff5f4,stroke:#c5221f,stroke-width:2px,color:#202124" in lines
    assert "acc" not in text and "apps_all" not in text  # only prod's objects and who reaches them


def test_implicit_grants_are_dashed_and_labelled_and_explicit_ones_are_not(example):
    edges = [line for line in _environment_picture(example, "prod").splitlines() if "->|" in line]
    implicit = [line for line in edges if "(implicit)" in line]
    assert len(implicit) == 5  # admins on the directory and both models, the Terraform identity on both models
    assert all(" -.->|" in line for line in implicit)
    assert all(" -->|" in line for line in edges if line not in implicit)
    assert '  grp_admins -.->|"CAN_MANAGE (implicit)"| mdl_churn__prod' in edges


def test_every_edge_gets_exactly_one_link_style(example):
    text = _environment_picture(example, "acc")
    edges = sum(1 for line in text.splitlines() if "->|" in line)
    styled = [
        int(i) for line in text.splitlines() if line.startswith("  linkStyle ") for i in line.split()[1].split(",")
    ]
    assert sorted(styled) == list(range(edges))


def test_non_production_objects_are_not_highlighted(example):
    text = _environment_picture(example, "acc")
    assert "production" not in text.split("  class ", 1)[1].replace("classDef production", "")
    assert '  subgraph env_acc ["acc"]' in text
    assert "stroke:#c5221f" not in text.split("  style ", 1)[1]


def test_whole_workspace_puts_production_first(example):
    grants, production, names = example
    text = mermaid(access_graph(grants, production, names))
    boxes = re.findall(r"subgraph env_(\w+)", text)
    assert boxes == ["prod", "acc", "preprod"]


@pytest.mark.parametrize("build", [hostile_access_graph, hostile_changes_graph])
def test_hostile_names_cannot_break_the_mermaid_syntax(build):
    text = mermaid(build())
    assert [line for line in text.splitlines() if not MERMAID_LINE.fullmatch(line)] == []
    assert "%%" not in text and "-->b" not in text and "<b>" not in text and "`" not in text


@pytest.mark.parametrize("build", [hostile_access_graph, hostile_changes_graph])
def test_hostile_names_cannot_break_the_dot_syntax(build):
    graph = build()
    text = dot(graph)
    assert [line for line in text.splitlines() if not DOT_LINE.fullmatch(line)] == []
    assert sum(1 for line in text.splitlines() if " -> " in line) == len(graph.edges)


def test_hostile_labels_are_entity_codes():
    text = mermaid(hostile_access_graph())
    assert 'a#34;b<br/>group"' in text  # the group named a"b
    assert '"#37;#37; comment"' in text
    assert "a--#62;b" in text
    assert '"display #34;name#34; --#62;<br/>end"' in text  # a display name is escaped like any name
    assert "new#10;line" in text and "#28450;" in text


def test_node_ids_are_safe_and_distinct():
    names = [*HOSTILE_NAMES, *(name + "_" for name in HOSTILE_NAMES), "a_b", "a__b", "a_5f_b", "a b"]
    ids = {node_id(Node("group", name)) for name in names}
    assert len(ids) == len(set(names))
    assert all(re.fullmatch(r"grp_[A-Za-z0-9_]*", identifier) for identifier in ids)
    assert node_id(Node("group", "end")) == "grp_end"
    assert node_id(Node("group", "apps_prod")) != node_id(Node("service_principal", "apps_prod"))
    assert re.fullmatch(r"n_[A-Za-z0-9_]+", node_id(Node('weird "kind"', "x")))


def test_output_is_deterministic_whatever_the_order_of_the_grants():
    grants = hostile_access()
    first = (mermaid(hostile_access_graph()), dot(hostile_access_graph()))
    for seed in range(5):
        shuffled = grants[:]
        random.Random(seed).shuffle(shuffled)
        graph = access_graph(shuffled, {"prod"}, {"end": 'display "name" -->'})
        assert (mermaid(graph), dot(graph)) == first


def test_dot_mirrors_the_mermaid_picture(example):
    grants, production, names = example
    text = dot(access_graph([g for g in grants if g.environment == "prod"], production, names))
    assert text.startswith('digraph "access" {\n  rankdir=LR;\n')
    assert '  subgraph "cluster_env_prod" {\n    label="prod (production)";' in text
    assert f'[label="ml-prod-runner\\n{PROD_RUNNER}", shape=box, style="filled,rounded"' in text
    assert (
        '"grp_admins" -> "mdl_churn__prod" [label="CAN_MANAGE (implicit)", color="#9aa0a6", penwidth=1, style=dashed];'
        in text
    )
    assert (
        '"grp_apps__prod" -> "mdl_churn__prod" [label="CAN_MANAGE_PRODUCTION_VERSIONS", color="#c5221f", penwidth=2];'
        in text
    )
    assert '"mdl_churn__prod" [label="churn_prod\\nregistered model", shape=cylinder, style="filled,bold"' in text


def _change(kind, before, after, production=True, principal="apps_prod", environment="prod", implicit=False):
    return AccessChange(
        production,
        environment,
        "registered_model",
        f"upsell_{environment}",
        "group",
        principal,
        kind,
        before,
        after,
        implicit,
    )


def test_changes_are_green_solid_red_dashed_and_orange():
    changes = [
        _change("added", "", "CAN_READ", principal="auditors"),
        _change("added", "", "CAN_MANAGE", principal="admins", implicit=True),
        _change("level changed", "CAN_MANAGE_STAGING_VERSIONS", "CAN_MANAGE_PRODUCTION_VERSIONS"),
        _change("removed", "CAN_READ", "", production=False, principal="data-scientists", environment="acc"),
        AccessChange(
            False, "acc", "group", "apps_acc", "service_principal", PROD_RUNNER, "leaves", "MEMBER", "", False
        ),
    ]
    lines = mermaid(changes_graph(changes, {PROD_RUNNER: "ml-prod-runner"})).splitlines()
    edges = [line for line in lines if "->|" in line]
    assert edges == [
        '  grp_admins -->|"added CAN_MANAGE (implicit)"| mdl_upsell__prod',
        '  grp_auditors -->|"added CAN_READ"| mdl_upsell__prod',
        '  grp_apps__prod -->|"CAN_MANAGE_STAGING_VERSIONS #8594; CAN_MANAGE_PRODUCTION_VERSIONS"| mdl_upsell__prod',
        '  grp_data_2d_scientists -.->|"removed CAN_READ"| mdl_upsell__acc',
        f'  {node_id(Node("service_principal", PROD_RUNNER))} -.->|"leaves"| grp_apps__acc',
    ]
    assert "  linkStyle 0,1 stroke:#1e8e3e,stroke-width:3px" in lines
    assert "  linkStyle 2 stroke:#e37400,stroke-width:3px" in lines
    assert "  linkStyle 3,4 stroke:#d93025,stroke-width:3px" in lines
    assert re.findall(r"subgraph env_(\w+)", "\n".join(lines)) == ["prod", "acc"]


def test_diff_markdown_draws_the_changes_after_the_tables_and_nothing_without_changes():
    text = diff_markdown([], [_change("added", "", "CAN_READ", principal="auditors")], "base", "HEAD")
    assert text.index("| added | prod |") < text.index("### Picture") < text.index("```mermaid\nflowchart LR\n")
    assert text.endswith("```\n")
    assert "### Picture" not in diff_markdown([], [], "base", "HEAD")


def test_too_large_a_picture_is_not_drawn():
    grants = [
        EffectiveGrant("g", "group", "prod", "registered_model", f"m{index:04d}", "CAN_READ", (), False)
        for index in range(MERMAID_MAX_EDGES + 1)
    ]
    assert drawable_mermaid(access_graph(grants, {"prod"}, {})) is None
    assert drawable_mermaid(access_graph(grants[:-1], {"prod"}, {})) is not None


def test_permission_files_carry_the_picture_of_mlenv_access(mlenv):
    for environment in ("acc", "preprod", "prod"):
        report = (REPOSITORY / f"permissions/{environment}.md").read_text(encoding="utf-8")
        result = mlenv("--repository", REPOSITORY, "access", "--env", environment, "--format", "mermaid")
        assert result.code == 0, result.err
        assert f"## Picture\n\nWho reaches the objects of this environment (`mlenv access --env {environment}" in report
        assert f"```mermaid\n{result.out}```\n" in report
        assert report.index("## Picture") < report.index("## Grants and memberships")


def test_access_formats_honour_the_filters(mlenv):
    result = mlenv("--repository", REPOSITORY, "access", "--principal", "ml-prod-runner", "--format", "mermaid")
    assert result.code == 0, result.err
    nodes = re.findall(r"^ +(\w+)[(\[]", result.out, re.MULTILINE)
    runner = node_id(Node("service_principal", PROD_RUNNER))
    assert sorted(nodes) == sorted(
        [runner, "grp_apps__prod", "dir__2f_experiments_2f_prod", "mdl_churn__prod", "mdl_fraud__prod"]
    )
    result = mlenv("--repository", REPOSITORY, "access", "--object", "churn_prod", "--format", "dot")
    assert result.code == 0, result.err
    assert result.out.startswith('digraph "access" {')
    targets = set(re.findall(r' -> "(\w+)"', result.out))
    assert targets == {"mdl_churn__prod", "grp_apps__prod"}
    result = run_module("--repository", REPOSITORY, "access", "--format", "png")
    assert result.code == 2 and "invalid choice" in result.err


def test_a_permission_file_too_large_for_mermaid_points_at_dot(tmp_path):
    synthesize(tmp_path, 1, 170)  # one production environment: 3 grants a model, a reader on every third
    checked = load_and_check(tmp_path)
    report = render_reports(checked.manifests, checked.model, generated_header)["permissions/env000.md"]
    assert "## Picture\n\nToo large to draw here (" in report
    assert "`mlenv access --env env000 --format dot` writes it for Graphviz." in report
    assert "```mermaid" not in report
