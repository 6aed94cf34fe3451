"""mlenv plan / apply with real Terraform and the real provider, offline.

Databricks is stood in for by a local HTTP endpoint (an empty workspace); deletions are planned
from a state that holds resources the manifests no longer declare, with -refresh=false.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.terraform.toolchain import cache_directory
from tests.support.repository import name_stand_in_deployer_as_terraform_identity, run_module, write
from tests.support.stand_in import FAKE_DEPLOYER, FakeDatabricks, FakeWorkspace

PROVIDER = 'provider["registry.terraform.io/databricks/databricks"]'


def _state_with(root: Path, *resources: dict) -> None:
    state = {
        "version": 4,
        "terraform_version": "1.7.0",
        "serial": 1,
        "lineage": "mlenv-test",
        "outputs": {},
        "resources": list(resources),
        "check_results": None,
    }
    write(root, "terraform.tfstate", json.dumps(state))


def _resource(module: str, kind: str, attributes: dict, key: str | None = None) -> dict:
    instance = {"schema_version": 0, "attributes": attributes, "sensitive_attributes": []}
    if key is not None:
        instance["index_key"] = key
    return {
        "module": module,
        "mode": "managed",
        "type": kind,
        "name": "this",
        "provider": PROVIDER,
        "instances": [instance],
    }


@pytest.mark.terraform
def test_plan_streams_terraform_output_and_saves_the_plan(rendered, empty_workspace):
    result = run_module("--repository", rendered, "plan")
    assert result.code == 0, result.out + result.err
    assert "Plan: 31 to add, 0 to change, 0 to destroy." in result.out
    assert result.out.index("Plan: 31 to add") < result.out.index("saved plan .mlenv/tfplan: 31 changes, 0 deletes")
    assert (rendered / ".mlenv/tfplan").is_file()


def test_apply_refuses_without_a_saved_plan(rendered, empty_workspace):
    result = run_module("--repository", rendered, "apply")
    assert result.code == 4
    assert result.err.strip() == "mlenv: refused: no saved plan: run 'mlenv plan' first"


@pytest.mark.terraform
def test_apply_refuses_a_plan_made_from_other_manifests(rendered, empty_workspace, mlenv):
    assert run_module("--repository", rendered, "plan").code == 0
    manifest = rendered / "environments/acc.yaml"
    manifest.write_text(manifest.read_text().replace("  - churn\n", "  - churn\n  - upsell\n"))
    assert mlenv("--repository", rendered, "render").code == 0
    result = run_module("--repository", rendered, "apply")
    assert result.code == 4
    assert "the saved plan was made from other manifests or Terraform files: run 'mlenv plan' again" in result.err


def test_plan_refuses_stale_generated_files(rendered, empty_workspace):
    manifest = rendered / "environments/acc.yaml"
    manifest.write_text(manifest.read_text().replace("  - churn\n", "  - churn\n  - upsell\n"))
    result = run_module("--repository", rendered, "plan")
    assert result.code == 1
    assert "generated files are stale (mlenv_acc.tf" in result.err
    assert not (rendered / ".mlenv/tfplan").exists()


@pytest.mark.terraform
def test_removed_environment_deletions_are_listed_and_refused(rendered, empty_workspace):
    # An environment "old" that the manifests no longer declare: its directory and model would be
    # deleted, and prevent_destroy cannot stop that because its configuration is gone too.
    _state_with(
        rendered,
        _resource(
            "module.old_experiments",
            "databricks_directory",
            {"id": "/experiments/old", "path": "/experiments/old", "object_id": 42},
        ),
        _resource(
            "module.old_models",
            "databricks_mlflow_model",
            {"id": "churn_old", "name": "churn_old", "registered_model_id": "7"},
            key="churn_old",
        ),
    )
    plan = run_module("--repository", rendered, "plan", "--no-refresh")
    assert plan.code == 0, plan.out + plan.err
    assert "2 deletes or replaces" in plan.out
    assert "  delete module.old_experiments.databricks_directory.this" in plan.out
    assert '  delete module.old_models.databricks_mlflow_model.this["churn_old"]' in plan.out
    apply = run_module("--repository", rendered, "apply")
    assert apply.code == 4
    assert (
        "the plan deletes or replaces 2 resources (delete module.old_experiments.databricks_directory.this; "
        'delete module.old_models.databricks_mlflow_model.this["churn_old"]); rerun with --allow-destroy'
    ) in apply.err
    assert "DELETE" not in {method for method, _ in empty_workspace.workspace.requests}


def test_missing_credentials_are_one_line(rendered, monkeypatch, tmp_path):
    for name in ("DATABRICKS_HOST", "DATABRICKS_TOKEN", "DATABRICKS_CONFIG_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MLENV_CACHE", str(cache_directory()))
    monkeypatch.setenv("HOME", str(tmp_path))
    result = run_module("--repository", rendered, "plan")
    assert result.code == 3
    assert result.err == (
        "mlenv: no Databricks credentials: set DATABRICKS_HOST and DATABRICKS_TOKEN, or "
        "DATABRICKS_CONFIG_PROFILE naming a profile in ~/.databrickscfg\n"
    )


@pytest.mark.terraform
def test_apply_refuses_a_plan_when_any_root_terraform_file_changed(rendered, empty_workspace):
    assert run_module("--repository", rendered, "plan").code == 0
    write(rendered, "mlenv_imports.tf", "# an import file written after the plan\n")
    result = run_module("--repository", rendered, "apply")
    assert result.code == 4
    assert "the saved plan was made from other manifests or Terraform files" in result.err


@pytest.mark.terraform
def test_apply_then_audit_against_a_stand_in_workspace(rendered, mlenv, point_at_stand_in):
    """The whole loop with the real provider and the real SDK: what Terraform applies is what the audit expects."""
    name_stand_in_deployer_as_terraform_identity(rendered)
    assert mlenv("--repository", rendered, "render").code == 0
    workspace = FakeWorkspace()
    with FakeDatabricks(workspace) as server:
        point_at_stand_in(server)
        plan = run_module("--repository", rendered, "plan")
        assert plan.code == 0, plan.out + plan.err
        apply = run_module("--repository", rendered, "apply")
        assert apply.code == 0, apply.out + apply.err
        again = run_module("--repository", rendered, "apply")
        audit = mlenv("--repository", rendered, "audit", "--format", "json")
        replan = run_module("--repository", rendered, "plan")
    assert "Apply complete! Resources: 31 added, 0 changed, 0 destroyed." in apply.out
    assert again.code == 4 and "the saved plan was applied already: run 'mlenv plan'" in again.err, again.err
    assert "incomplete" not in again.err and again.out == "", "a second apply says what happened, and only that"
    assert audit.code == 0, audit.out + audit.err
    assert json.loads(audit.out)["summary"] == "clean"
    assert sorted(workspace.models) == [
        "churn_acc",
        "churn_preprod",
        "churn_prod",
        "fraud_acc",
        "fraud_preprod",
        "fraud_prod",
    ]
    assert replan.code == 0 and "No changes." in replan.out, replan.out + replan.err


@pytest.mark.terraform
def test_removing_an_environment_revokes_its_access_at_once_and_keeps_its_data_until_deleted(
    rendered, mlenv, point_at_stand_in
):
    """Retirement on the real provider: no flag revokes every access the environment gave and keeps its data; the
    data goes only when its record says delete: true and apply is given --allow-destroy."""
    name_stand_in_deployer_as_terraform_identity(rendered)
    assert mlenv("--repository", rendered, "render").code == 0
    workspace = FakeWorkspace()
    with FakeDatabricks(workspace) as server:
        point_at_stand_in(server)
        assert run_module("--repository", rendered, "plan").code == 0
        assert run_module("--repository", rendered, "apply").code == 0
        workspace.version("churn_preprod", 1, "Staging", "7c4d2e9a-1b3f-4a6c-8d5e-2f9a0b1c3d02")
        runner = next(key for key, sp in workspace.service_principals.items() if sp["applicationId"].startswith("7c4d"))
        (rendered / "environments/preprod.yaml").unlink()
        render = mlenv("--repository", rendered, "render")
        lingering = mlenv("--repository", rendered, "audit", "--format", "json")
        plan = run_module("--repository", rendered, "plan")
        retire = run_module("--repository", rendered, "apply")
        audit = mlenv("--repository", rendered, "audit", "--format", "json")
        replan = run_module("--repository", rendered, "plan")
        archived = {name: workspace.models[name] for name in ("churn_preprod", "fraud_preprod")}
        directory = workspace.directories.get("/experiments/preprod")
        memberships = _groups_with_member(workspace, runner)
        record = rendered / "environments/archived/preprod.yaml"
        record.write_text(record.read_text().replace("delete: false", "delete: true"))
        assert mlenv("--repository", rendered, "render").code == 0
        assert run_module("--repository", rendered, "plan").code == 0
        refused = run_module("--repository", rendered, "apply")
        kept = sorted(workspace.models)
        deleted = run_module("--repository", rendered, "apply", "--allow-destroy")
        record.unlink()
        assert mlenv("--repository", rendered, "render").code == 0
        settled = run_module("--repository", rendered, "plan")
    assert render.code == 0 and "environment preprod is retired" in render.err
    assert plan.code == 0 and "0 deletes or replaces" in plan.out, plan.out
    assert (
        "delete module.preprod_group.databricks_group.this" in plan.out and "forget module.preprod_service" in plan.out
    )
    assert retire.code == 0, retire.out + retire.err
    assert "apps_preprod" not in workspace.groups and memberships == [], "no membership outlives the manifest"
    assert runner in workspace.service_principals, "the principal itself is kept (forgotten, not deleted)"
    assert [member["display"] for member in workspace.groups["apps_all"]["members"]].count("apps_preprod") == 0
    for name, model in archived.items():
        assert _holders(model) <= {"admins", FAKE_DEPLOYER}, (name, _holders(model))
    assert [version["version"] for version in archived["churn_preprod"]["latest_versions"]] == ["1"]
    assert directory is not None and _holders(directory) <= {"admins", FAKE_DEPLOYER}
    before_apply = {(finding["kind"], finding["object"]) for finding in json.loads(lingering.out)["findings"]}
    assert lingering.code == 1 and ("archive-access", "apps_preprod") in before_apply, "until the apply, it says so"
    assert audit.code == 0, audit.out + audit.err
    kinds = {(finding["kind"], finding["environment"]) for finding in json.loads(audit.out)["findings"]}
    assert ("archived", "preprod") in kinds and not any(kind == "unmanaged" for kind, _ in kinds)
    assert replan.code == 0 and "No changes." in replan.out, replan.out
    assert refused.code == 4 and "--allow-destroy" in refused.err and "churn_preprod" in kept
    assert deleted.code == 0, deleted.out + deleted.err
    assert "churn_preprod" not in workspace.models and "/experiments/preprod" not in workspace.directories
    assert settled.code == 0 and "No changes." in settled.out, settled.out + settled.err


def _groups_with_member(workspace: FakeWorkspace, member_id: str) -> list[str]:
    return [name for name, group in workspace.groups.items() if any(m["value"] == member_id for m in group["members"])]


def _holders(item: dict) -> set[str]:
    """Everyone on an object's access list."""
    fields = ("group_name", "service_principal_name", "user_name")
    return {next(entry[field] for field in fields if entry.get(field)) for entry in item["acl"]}
