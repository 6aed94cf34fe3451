"""Unity Catalog mode: `mlenv access` follows catalog > schema > model inheritance as well as group membership."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from generator.model.checked import load_and_check
from generator.model.effective_access import containers, effective_access
from generator.model.grants import CATALOG, GROUP, REGISTERED_MODEL, SCHEMA, Grant
from generator.model.levels import LEVEL_ORDER, level_order
from generator.model.permission_model import EnvironmentFacts, PermissionModel
from generator.model.registries import MODEL_REGISTRIES
from generator.render.diagram_dot import dot
from generator.render.diagrams import access_graph, mermaid
from tests.support.repository import TERRAFORM_IDENTITY, unity_catalog_repository

PROD_RUNNER = "b18e5f3c-9d2a-4e7b-a6c1-3d0f4e5a6b03"


@pytest.fixture(scope="module")
def uc_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return unity_catalog_repository(tmp_path_factory.mktemp("uc") / "repo")


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_who_reaches_a_production_model_through_ownership_inheritance_and_groups(uc_root, mlenv):
    result = mlenv("--repository", uc_root, "access", "--object", "ml_prod.models.churn", "--format", "csv")
    assert result.code == 0, result.err
    rows = {
        (row["principal"], row["permission_level"], row["via"], row["inherited_from"], row["implicit"])
        for row in _rows(result.out)
    }
    assert rows == {
        ("apps_prod", "OWNER", "", "", "false"),
        (PROD_RUNNER, "OWNER", "apps_prod", "", "false"),
        # The owner of the schema and of the catalog can grant itself anything below: it holds the model.
        (TERRAFORM_IDENTITY, "OWNER", "", "ml_prod.models", "true"),
        (TERRAFORM_IDENTITY, "OWNER", "", "ml_prod", "true"),
        ("metastore admins", "MANAGE", "", "ml_prod", "true"),
    }


def test_readers_reach_their_model_with_execute_and_nothing_inherits_use_catalog(uc_root, mlenv):
    result = mlenv("--repository", uc_root, "access", "--principal", "data-scientists", "--format", "json")
    assert result.code == 0, result.err
    reach = {(row["object"], row["permission_level"], row["inherited_from"]) for row in json.loads(result.out)}
    assert reach == {
        ("/experiments/acc", "CAN_READ", ""),
        ("ml_acc", "USE_CATALOG", ""),
        ("ml_acc.models", "USE_SCHEMA", ""),
        ("ml_acc.models.fraud", "EXECUTE", ""),
    }


def test_a_runner_holds_its_environment_through_its_group(uc_root, mlenv):
    result = mlenv("--repository", uc_root, "access", "--principal", "ml-prod-runner", "--format", "json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert list(rows[0]) == [
        "principal",
        "principal_type",
        "environment",
        "object_type",
        "object",
        "permission_level",
        "via",
        "inherited_from",
        "implicit",
        "principal_name",
    ]
    assert {(row["object"], row["permission_level"]) for row in rows} == {
        ("/experiments/prod", "CAN_MANAGE"),
        ("ml_prod", "USE_CATALOG"),
        ("ml_prod.models", "USE_SCHEMA"),
        ("ml_prod.models.churn", "OWNER"),
        ("ml_prod.models.fraud", "OWNER"),
    }
    assert all(row["via"] == ["apps_prod"] and row["inherited_from"] == "" for row in rows)


def test_the_table_says_where_an_inherited_grant_comes_from(uc_root, mlenv):
    result = mlenv("--repository", uc_root, "access", "--object", "ml_prod.models.churn")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert any(line.startswith("metastore admins") and "inherited from ml_prod " in line for line in lines)
    assert any(line.startswith(TERRAFORM_IDENTITY) and "inherited from ml_prod.models" in line for line in lines)


def _uc_model(*grants: Grant) -> PermissionModel:
    facts = EnvironmentFacts(
        "acc", False, "apps_acc", ("sp-1",), "/experiments/acc", ("c.s.m1", "c.s.m2"), "c", "c.s", "tf"
    )
    return PermissionModel(tuple(sorted(grants)), {"acc": facts}, "apps_all", MODEL_REGISTRIES["unity_catalog"])


def _reach(model: PermissionModel, principal: str) -> set[tuple[str, str, tuple[str, ...], str]]:
    return {
        (g.object, g.permission_level, g.via, g.inherited_from)
        for g in effective_access(model)
        if g.principal == principal
    }


def test_catalog_grants_reach_schemas_and_models_as_far_as_they_apply():
    model = _uc_model(
        Grant("acc", GROUP, "readers", "service_principal", "sp-1", "MEMBER"),
        Grant("acc", CATALOG, "c", GROUP, "readers", "USE_CATALOG"),
        Grant("acc", CATALOG, "c", GROUP, "readers", "USE_SCHEMA"),
        Grant("acc", CATALOG, "c", GROUP, "readers", "EXECUTE"),
        Grant("acc", SCHEMA, "c.s", GROUP, "owners", "OWNER"),
    )
    assert _reach(model, "sp-1") == {
        ("c", "USE_CATALOG", ("readers",), ""),
        ("c", "USE_SCHEMA", ("readers",), ""),
        ("c.s", "USE_SCHEMA", ("readers",), "c"),
        ("c", "EXECUTE", ("readers",), ""),
        ("c.s", "EXECUTE", ("readers",), "c"),
        ("c.s.m1", "EXECUTE", ("readers",), "c"),
        ("c.s.m2", "EXECUTE", ("readers",), "c"),
    }
    assert _reach(model, "owners") == {
        ("c.s", "OWNER", (), ""),
        ("c.s.m1", "OWNER", (), "c.s"),
        ("c.s.m2", "OWNER", (), "c.s"),
    }


def test_workspace_objects_and_containers_are_not_confused():
    assert containers(REGISTERED_MODEL, "ml_prod.models.churn") == [(SCHEMA, "ml_prod.models"), (CATALOG, "ml_prod")]
    assert containers(SCHEMA, "ml_prod.models") == [(CATALOG, "ml_prod")]
    assert containers(CATALOG, "ml_prod") == []
    assert containers(REGISTERED_MODEL, "churn_prod") == []
    assert containers("directory", "/experiments/prod") == []


def test_effective_access_is_deterministic(uc_root):
    first = effective_access(load_and_check(uc_root).model)
    second = effective_access(load_and_check(uc_root).model)
    assert first == second and list(first) == sorted(first)


def test_levels_order_unity_catalog_privileges_and_keep_the_workspace_order():
    assert LEVEL_ORDER[:6] == (
        "CAN_READ",
        "CAN_RUN",
        "CAN_EDIT",
        "CAN_MANAGE_STAGING_VERSIONS",
        "CAN_MANAGE_PRODUCTION_VERSIONS",
        "CAN_MANAGE",
    )
    ordered = ["USE_CATALOG", "USE_SCHEMA", "EXECUTE", "MANAGE", "OWNER", "MEMBER"]
    assert [level_order(level) for level in ordered] == sorted(level_order(level) for level in ordered)
    assert level_order("USE_SCHEMA") < level_order("EXECUTE") < level_order("ALL_PRIVILEGES") < level_order("MANAGE")


def test_diagrams_draw_catalogs_and_schemas_and_what_they_contain(uc_root):
    model = load_and_check(uc_root).model
    grants = [g for g in effective_access(model) if g.object == "ml_prod.models.churn"]
    graph = access_graph(grants, {"prod"}, {TERRAFORM_IDENTITY: "Terraform identity"})
    text = mermaid(graph)
    assert 'cat_ml__prod[["ml_prod<br/>catalog"]]' in text
    assert 'sch_ml__prod_2e_models{{"ml_prod.models<br/>schema"}}' in text
    assert 'cat_ml__prod -->|"contains"| sch_ml__prod_2e_models' in text
    assert 'sch_ml__prod_2e_models -->|"contains"| mdl_ml__prod_2e_models_2e_churn' in text
    # The identity's ownership is drawn where it is held: on the catalog and the schema, not on the model.
    assert '-.->|"OWNER (implicit)"| cat_ml__prod' in text
    assert '-.->|"OWNER (implicit)"| sch_ml__prod_2e_models' in text
    assert '-.->|"OWNER (implicit)"| mdl_' not in text
    box = text.split('subgraph env_prod ["prod (production)"]', 1)[1].split("  end", 1)[0]
    assert box.index("cat_") < box.index("sch_") < box.index("mdl_")
    graphviz = dot(graph)
    assert "shape=box3d" in graphviz and "shape=tab" in graphviz
    assert '"cat_ml__prod" -> "sch_ml__prod_2e_models" [label="contains"' in graphviz


def test_a_short_model_name_suggests_the_full_names(uc_root, mlenv):
    result = mlenv("--repository", uc_root, "access", "--object", "churn")
    assert result.code == 2
    assert "(did you mean ml_acc.models.churn, ml_preprod.models.churn, ml_prod.models.churn?)" in result.err
