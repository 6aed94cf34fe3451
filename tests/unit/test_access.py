"""Effective access: grants followed through group memberships, for `mlenv access` and the permission files."""

from __future__ import annotations

import csv
import io
import json

from generator.model.checked import load_and_check
from generator.model.effective_access import effective_access
from generator.model.grants import GROUP, Grant
from generator.model.permission_model import PermissionModel
from generator.model.registries import MODEL_REGISTRIES
from tests.support.repository import REPOSITORY

PROD_RUNNER = "b18e5f3c-9d2a-4e7b-a6c1-3d0f4e5a6b03"
ACC_RUNNER = "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01"


def _reach(grants, principal):
    return {(g.object, g.permission_level, g.via) for g in grants if g.principal == principal}


def test_example_runners_reach_exactly_their_own_environment():
    grants = effective_access(load_and_check(REPOSITORY).model)
    assert _reach(grants, PROD_RUNNER) == {
        ("/experiments/prod", "CAN_MANAGE", ("apps_prod",)),
        ("churn_prod", "CAN_MANAGE_PRODUCTION_VERSIONS", ("apps_prod",)),
        ("fraud_prod", "CAN_MANAGE_PRODUCTION_VERSIONS", ("apps_prod",)),
    }
    assert _reach(grants, ACC_RUNNER) == {
        ("/experiments/acc", "CAN_MANAGE", ("apps_acc",)),
        ("churn_acc", "CAN_MANAGE_STAGING_VERSIONS", ("apps_acc",)),
        ("fraud_acc", "CAN_MANAGE_STAGING_VERSIONS", ("apps_acc",)),
    }
    assert {g.via for g in grants if g.principal == "apps_prod"} == {()}


def _model(*grants: Grant) -> PermissionModel:
    return PermissionModel(tuple(sorted(grants)), {}, "apps_all", MODEL_REGISTRIES["workspace"])


def test_grants_to_an_enclosing_group_are_reached_through_the_whole_chain():
    model = _model(
        Grant("acc", GROUP, "apps_acc", "service_principal", "sp-1", "MEMBER"),
        Grant("acc", GROUP, "apps_all", GROUP, "apps_acc", "MEMBER"),
        Grant("acc", "directory", "/shared", GROUP, "apps_all", "CAN_READ"),
        Grant("acc", "directory", "/experiments/acc", GROUP, "apps_acc", "CAN_MANAGE"),
        Grant("acc", "directory", "/experiments/acc", "service_principal", "sp-1", "CAN_READ"),
    )
    assert _reach(effective_access(model), "sp-1") == {
        ("/experiments/acc", "CAN_READ", ()),
        ("/experiments/acc", "CAN_MANAGE", ("apps_acc",)),
        ("/shared", "CAN_READ", ("apps_acc", "apps_all")),
    }
    assert _reach(effective_access(model), "apps_acc") == {
        ("/experiments/acc", "CAN_MANAGE", ()),
        ("/shared", "CAN_READ", ("apps_all",)),
    }


def test_membership_cycles_end():
    model = _model(
        Grant("acc", GROUP, "b", GROUP, "a", "MEMBER"),
        Grant("acc", GROUP, "a", GROUP, "b", "MEMBER"),
        Grant("acc", "directory", "/d", GROUP, "a", "CAN_READ"),
    )
    assert _reach(effective_access(model), "b") == {("/d", "CAN_READ", ("a",))}
    assert _reach(effective_access(model), "a") == {("/d", "CAN_READ", ())}


def test_access_by_display_name_or_application_id(mlenv):
    by_name = mlenv("--repository", REPOSITORY, "access", "--principal", "ml-prod-runner", "--format", "json")
    by_id = mlenv("--repository", REPOSITORY, "access", "--principal", PROD_RUNNER.upper(), "--format", "json")
    assert by_name.code == by_id.code == 0, by_name.err + by_id.err
    assert by_name.out == by_id.out
    rows = json.loads(by_name.out)
    assert list(rows[0]) == [
        "principal",
        "principal_type",
        "environment",
        "object_type",
        "object",
        "permission_level",
        "via",
        "implicit",
        "principal_name",
    ]
    assert {row["principal_name"] for row in rows} == {"ml-prod-runner"}
    assert {(row["object"], row["permission_level"]) for row in rows} == {
        ("/experiments/prod", "CAN_MANAGE"),
        ("churn_prod", "CAN_MANAGE_PRODUCTION_VERSIONS"),
        ("fraud_prod", "CAN_MANAGE_PRODUCTION_VERSIONS"),
    }
    assert all(row["via"] == ["apps_prod"] and row["implicit"] is False for row in rows)


def test_who_can_reach_a_production_model(mlenv):
    result = mlenv("--repository", REPOSITORY, "access", "--object", "churn_prod", "--format", "csv")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert {
        (row["principal"], row["principal_name"], row["permission_level"], row["via"], row["implicit"]) for row in rows
    } == {
        ("admins", "", "CAN_MANAGE", "", "true"),
        ("0d6e4c2b-5a7f-4e1d-9b3c-8f2a6e4d1c05", "Terraform identity", "CAN_MANAGE", "", "true"),
        ("apps_prod", "", "CAN_MANAGE_PRODUCTION_VERSIONS", "", "false"),
        (PROD_RUNNER, "ml-prod-runner", "CAN_MANAGE_PRODUCTION_VERSIONS", "apps_prod", "false"),
    }


def test_table_and_environment_filter(mlenv):
    result = mlenv("--repository", REPOSITORY, "access", "--env", "acc")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split() == [
        "PRINCIPAL",
        "NAME",
        "PRINCIPAL",
        "TYPE",
        "OBJECT",
        "TYPE",
        "OBJECT",
        "LEVEL",
        "THROUGH",
        "IMPLICIT",
    ]
    assert all("_acc" in line or "/experiments/acc" in line for line in lines[1:])
    assert any(line.startswith(ACC_RUNNER) and line.rstrip().endswith("apps_acc") for line in lines)


def test_unknown_principal_or_object_is_invalid_input(mlenv):
    principal = mlenv("--repository", REPOSITORY, "access", "--principal", "apps_prd")
    assert principal.code == 2 and principal.out == ""
    assert "--principal: no principal named 'apps_prd'" in principal.err and "apps_prod" in principal.err
    unknown = mlenv("--repository", REPOSITORY, "access", "--object", "churn_live")
    assert unknown.code == 2 and "no object named 'churn_live'" in unknown.err
    short = mlenv("--repository", REPOSITORY, "access", "--object", "churn")
    assert short.code == 2 and "(did you mean churn_acc, churn_preprod, churn_prod?)" in short.err
    env = mlenv("--repository", REPOSITORY, "access", "--env", "nope")
    assert env.code == 2 and "no environment named 'nope'" in env.err


def test_permission_files_show_what_each_runner_reaches():
    prod = (REPOSITORY / "permissions/prod.md").read_text()
    section = prod.split("## What the service principals of this environment can reach", 1)[1]
    assert (
        f"| `{PROD_RUNNER}` (ml-prod-runner) | `churn_prod` | registered_model | CAN_MANAGE_PRODUCTION_VERSIONS | "
        "`apps_prod` |" in section
    )
    assert "_acc" not in section and "_preprod" not in section
