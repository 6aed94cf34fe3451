"""The registry switch in Terraform: the first Unity Catalog plan forgets the Workspace Model Registry models
(``removed`` blocks, ``destroy = false``) and deletes nothing; the models stay in the workspace as an archive.

Real Terraform with the real provider against the REST stand-in: the workspace-registry repository is applied,
then switched to Unity Catalog, rendered, planned and applied.
"""

from __future__ import annotations

import pytest

from generator.model.checked import load_and_check
from tests.support.repository import name_stand_in_deployer_as_terraform_identity, run_module
from tests.support.stand_in import FakeDatabricks, FakeWorkspace
from tests.support.stand_in_unity_catalog import ACCOUNT_ID
from tests.support.stand_in_unity_catalog_seed import seed_identities, unity_catalog_repo

pytestmark = pytest.mark.terraform
WORKSPACE_MODELS = {f"{model}_{env}" for model in ("churn", "fraud") for env in ("acc", "preprod", "prod")}


@pytest.mark.parametrize("identities", ["account", "external"])
def test_the_first_unity_catalog_plan_deletes_no_workspace_registry_model(
    identities, repo, mlenv, point_at_stand_in, monkeypatch
):
    workspace = FakeWorkspace()
    with FakeDatabricks(workspace) as server:
        name_stand_in_deployer_as_terraform_identity(repo)
        assert mlenv("--repository", repo, "render").code == 0
        point_at_stand_in(server)
        for step in ("plan", "apply"):
            result = run_module("--repository", repo, step)
            assert result.code == 0, result.out[-3000:] + result.err
        assert set(workspace.models) == WORKSPACE_MODELS

        unity_catalog_repo(repo, identities, server.host)
        assert mlenv("--repository", repo, "render").code == 0
        if identities == "external":  # the identity provider has synced the groups and principals to the account
            seed_identities(workspace, load_and_check(repo).model)
        monkeypatch.setenv("DATABRICKS_ACCOUNT_ID", ACCOUNT_ID)
        plan = run_module("--repository", repo, "plan")
        if identities == "account":
            # The account-level modules take the addresses of the workspace-level groups and service principals:
            # the plan names them and stops, the flag takes them out of the state (they stay in the workspace).
            assert plan.code == 4, plan.out[-3000:] + plan.err
            assert "module.prod_group, module.prod_service_principals" in plan.err
            plan = run_module("--repository", repo, "plan", "--move", "forget-workspace-identities")
        assert plan.code == 0, plan.out[-3000:] + plan.err
        forgotten = {line.split()[1] for line in plan.out.splitlines() if line.startswith("  forget ")}
        assert {
            f'module.{name.rpartition("_")[2]}_models.databricks_mlflow_model.this["{name}"]'
            for name in WORKSPACE_MODELS
        } <= forgotten
        assert ", 0 deletes or replaces" in plan.out, plan.out[-2500:]
        apply = run_module("--repository", repo, "apply")  # refuses any delete without --allow-destroy
        assert apply.code == 0, apply.out[-3000:] + apply.err
        replan = run_module("--repository", repo, "plan")
        assert replan.code == 0 and ": 0 changes" in replan.out, replan.out[-3000:] + replan.err
    assert {"apps_acc", "apps_preprod", "apps_prod", "apps_all"} <= set(workspace.groups), "the groups are kept"
    assert set(workspace.models) == WORKSPACE_MODELS, "the archive is kept"
    assert len(workspace.uc.models) == 6
