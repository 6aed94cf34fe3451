"""mlenv adopt: import blocks for declared objects that already exist, read with the real databricks-sdk from a
local stand-in of the Databricks REST API, then planned by real Terraform with the real provider."""

from __future__ import annotations

import json

import pytest

from tests.support.repository import name_stand_in_deployer_as_terraform_identity, run_module
from tests.support.stand_in import FakeDatabricks, FakeWorkspace

IMPORTS = "mlenv_imports.tf"


def _old_client_workspace() -> FakeWorkspace:
    """What a team using a runtime client has: its group and a model the client created on first use."""
    workspace = FakeWorkspace()
    workspace.group("apps_acc")
    workspace.version("churn_acc", 1, "Staging", "ml-acc-runner")
    return workspace


def test_nothing_to_adopt_writes_nothing(rendered, mlenv, point_at_stand_in):
    with FakeDatabricks(FakeWorkspace()) as server:
        point_at_stand_in(server)
        result = mlenv("--repository", rendered, "adopt")
    assert result.code == 0, result.err
    assert "nothing to adopt" in result.out
    assert not (rendered / IMPORTS).exists()


def test_existing_group_and_model_get_import_blocks(rendered, mlenv, point_at_stand_in):
    workspace = _old_client_workspace()
    with FakeDatabricks(workspace) as server:
        point_at_stand_in(server)
        result = mlenv("--repository", rendered, "adopt")
        text = (rendered / IMPORTS).read_text()
        again = mlenv("--repository", rendered, "adopt", "--dry-run")
    assert result.code == 0, result.err
    group_id = workspace.groups["apps_acc"]["id"]
    assert text.startswith(f"# Written by `mlenv adopt` (or `mlenv plan --adopt`) from the workspace {server.host}: ")
    assert text.endswith(
        "\n# group apps_acc (acc)\nimport {\n  to = module.acc_group.databricks_group.this\n"
        f'  id = "{group_id}"\n}}\n'
        "\n# registered_model churn_acc (acc)\nimport {\n"
        '  to = module.acc_models.databricks_mlflow_model.this["churn_acc"]\n  id = "churn_acc"\n}\n'
    )
    assert "adopt registered_model churn_acc -> module.acc_models" in result.out
    assert again.code == 0 and again.out == text  # deterministic; --dry-run prints what would be written
    render = mlenv("--repository", rendered, "render")
    assert render.code == 0 and (rendered / IMPORTS).read_text() == text  # render never touches it
    assert mlenv("--repository", rendered, "render", "--check").code == 0


def test_existing_production_model_is_refused_unless_asked(rendered, mlenv, point_at_stand_in):
    workspace = _old_client_workspace()
    workspace.version("churn_prod", 1, "Staging", "ml-prod-runner")
    workspace.version("churn_prod", 2, "Production", "someone@example.com")
    with FakeDatabricks(workspace) as server:
        point_at_stand_in(server)
        refused = mlenv("--repository", rendered, "adopt")
        assert refused.code == 4
        assert not (rendered / IMPORTS).exists()
        accepted = mlenv("--repository", rendered, "adopt", "--include-production")
    assert (
        "production model churn_prod already exists: version 1 in Staging, registered by ml-prod-runner; "
        "version 2 in Production, registered by someone@example.com"
    ) in refused.err
    assert "rerun with --include-production" in refused.err
    assert accepted.code == 0, accepted.err
    assert 'module.prod_models.databricks_mlflow_model.this["churn_prod"]' in (rendered / IMPORTS).read_text()


def test_unreachable_or_refusing_workspace_is_exit_3(rendered, mlenv, point_at_stand_in):
    with FakeDatabricks(_old_client_workspace()) as server:
        point_at_stand_in(server, token="wrong")
        result = mlenv("--repository", rendered, "adopt", "--timeout", "5")
    assert result.code == 3
    assert result.err.startswith("mlenv: cannot read the workspace: ") and len(result.err.splitlines()) == 1
    assert not (rendered / IMPORTS).exists()


@pytest.mark.terraform
def test_terraform_plans_the_imports_with_the_real_provider(rendered, mlenv, point_at_stand_in):
    workspace = _old_client_workspace()
    with FakeDatabricks(workspace) as server:
        point_at_stand_in(server)
        assert mlenv("--repository", rendered, "adopt").code == 0
        plan = run_module("--repository", rendered, "plan")
    assert plan.code == 0, plan.out + plan.err
    group_id = workspace.groups["apps_acc"]["id"]
    assert f"module.acc_group.databricks_group.this: Preparing import... [id={group_id}]" in plan.out
    assert 'module.acc_models.databricks_mlflow_model.this["churn_acc"]: Preparing import... [id=churn_acc]' in plan.out
    assert "Plan: 2 to import, 29 to add, 0 to change, 0 to destroy." in plan.out
    assert "saved plan .mlenv/tfplan: 29 changes, 2 imports, 0 deletes or replaces" in plan.out
    assert ("GET", f"/api/2.0/preview/scim/v2/Groups/{group_id}") in workspace.requests


@pytest.mark.terraform
def test_adopted_objects_are_imported_and_their_access_replaced(rendered, mlenv, point_at_stand_in):
    name_stand_in_deployer_as_terraform_identity(rendered)
    assert mlenv("--repository", rendered, "render").code == 0
    workspace = _old_client_workspace()
    workspace.grant("registered_model", "churn_acc", "user", "someone@example.com", "CAN_MANAGE")  # its creator
    with FakeDatabricks(workspace) as server:
        point_at_stand_in(server)
        before = mlenv("--repository", rendered, "audit", "--format", "json")
        assert mlenv("--repository", rendered, "adopt").code == 0
        assert run_module("--repository", rendered, "plan").code == 0
        apply = run_module("--repository", rendered, "apply")
        after = mlenv("--repository", rendered, "audit", "--format", "json")
    assert before.code == 1 and ("extra-grant", "churn_acc", "someone@example.com") in {
        (f["kind"], f["object"], f["principal"]) for f in json.loads(before.out)["findings"]
    }
    assert apply.code == 0, apply.out + apply.err
    assert "Apply complete! Resources: 2 imported, 29 added, 0 changed, 0 destroyed." in apply.out
    assert after.code == 0, after.out
    assert sorted(workspace.models) == [
        "churn_acc",
        "churn_preprod",
        "churn_prod",
        "fraud_acc",
        "fraud_preprod",
        "fraud_prod",
    ]
