"""mlenv audit against a local HTTP stand-in for the Databricks REST API (the real databricks-sdk runs)."""

from __future__ import annotations

import json

import pytest

from generator.model.checked import load_and_check
from generator.model.grants import DIRECTORY, REGISTERED_MODEL
from tests.support.repository import REPOSITORY, synthetic_model, write
from tests.support.stand_in import TOKEN, FakeDatabricks, FakeWorkspace

MODEL = load_and_check(REPOSITORY).model
PROD_SP = "b18e5f3c-9d2a-4e7b-a6c1-3d0f4e5a6b03"
TERRAFORM_SP = "0d6e4c2b-5a7f-4e1d-9b3c-8f2a6e4d1c05"


@pytest.fixture
def workspace() -> FakeWorkspace:
    return FakeWorkspace.matching(MODEL)


@pytest.fixture
def audit_cli(mlenv, point_at_stand_in):
    def run(workspace: FakeWorkspace, *arguments: str, token: str = TOKEN):
        with FakeDatabricks(workspace) as server:
            point_at_stand_in(server, token)
            return mlenv("--repository", REPOSITORY, "audit", *arguments)

    return run


def _findings(result) -> list[dict]:
    return json.loads(result.out)["findings"]


def _drift(result) -> set[tuple]:
    return {
        (f["kind"], f["object"], f["principal"], f["expected"], f["actual"]) for f in _findings(result) if f["drift"]
    }


def test_clean_workspace(workspace, audit_cli):
    result = audit_cli(workspace, "--format", "json")
    assert result.code == 0, result.err
    findings = _findings(result)
    assert not [f for f in findings if f["drift"]]
    implicit = {(f["object"], f["principal"]) for f in findings if f["kind"] == "implicit"}
    assert ("churn_prod", "admins") in implicit and ("/experiments/acc", "admins") in implicit
    ok = {(f["object"], f["principal"], f["actual"]) for f in findings if f["kind"] == "ok"}
    assert ("churn_prod", "apps_prod", "CAN_MANAGE_PRODUCTION_VERSIONS") in ok
    assert ("apps_prod", PROD_SP, "MEMBER") in ok and ("apps_all", "apps_acc", "MEMBER") in ok
    table = audit_cli(workspace)
    assert table.code == 0 and "clean: the workspace matches the manifests" in table.out


def test_named_terraform_identity_is_implicit(workspace, audit_cli):
    result = audit_cli(workspace, "--format", "json")
    identity = {(f["object"], f["kind"]) for f in _findings(result) if f["principal"] == TERRAFORM_SP}
    assert identity == {
        (f"{model}_{env}", "implicit") for model in ("churn", "fraud") for env in ("acc", "preprod", "prod")
    }


def test_unnamed_terraform_identity_is_drift_with_a_hint(audit_cli, mlenv, repo, monkeypatch):
    settings = repo / "environments/workspace.yaml"
    settings.write_text(settings.read_text().split("terraform_identity:")[0])
    model = load_and_check(repo).model
    with FakeDatabricks(FakeWorkspace.matching(model)) as server:
        monkeypatch.setenv("DATABRICKS_HOST", server.host)  # undone after the test (a leak misdirects later ones)
        monkeypatch.setenv("DATABRICKS_TOKEN", TOKEN)
        result = mlenv("--repository", repo, "audit", "--format", "json")
    assert result.code == 1
    hinted = [f for f in _findings(result) if f["principal"] == "deployer@example.com"]
    assert len(hinted) == 6 and all(f["kind"] == "extra-grant" for f in hinted)
    assert "name it as terraform_identity in environments/workspace.yaml" in hinted[0]["detail"]


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            lambda w: w.revoke("registered_model", "churn_prod", "apps_prod"),
            ("missing-grant", "churn_prod", "apps_prod", "CAN_MANAGE_PRODUCTION_VERSIONS", ""),
        ),
        (
            lambda w: w.grant("registered_model", "churn_prod", "group", "apps_acc", "CAN_READ"),
            ("extra-grant", "churn_prod", "apps_acc", "", "CAN_READ"),
        ),
        (
            lambda w: (
                w.revoke("registered_model", "churn_acc", "apps_acc"),
                w.grant("registered_model", "churn_acc", "group", "apps_acc", "CAN_MANAGE"),
            ),
            ("wrong-level", "churn_acc", "apps_acc", "CAN_MANAGE_STAGING_VERSIONS", "CAN_MANAGE"),
        ),
        (lambda w: w.directories.pop("/experiments/preprod"), ("missing-object", "/experiments/preprod", "", "", "")),
        (lambda w: w.models.pop("fraud_prod"), ("missing-object", "fraud_prod", "", "", "")),
        (
            lambda w: w.obj("registered_model", "fraud2_prod"),
            ("undeclared-production-model", "fraud2_prod", "", "", ""),
        ),
        (
            lambda w: w.grant(
                "directory", "/experiments/prod", "group", "users", "CAN_READ", inherited_from="/directories/1"
            ),
            ("extra-grant", "/experiments/prod", "users", "", "CAN_READ"),
        ),
        (
            lambda w: w.groups["apps_prod"]["members"].append(
                {
                    "value": w.service_principal("3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01"),
                    "display": "acc",
                    "$ref": "ServicePrincipals/x",
                }
            ),
            ("extra-grant", "apps_prod", "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01", "", "MEMBER"),
        ),
        (lambda w: w.groups["apps_all"]["members"].clear(), ("missing-grant", "apps_all", "apps_prod", "MEMBER", "")),
        (lambda w: w.groups.pop("apps_preprod"), ("missing-object", "apps_preprod", "", "", "")),
    ],
)
def test_each_kind_of_drift(workspace, audit_cli, change, expected):
    change(workspace)
    result = audit_cli(workspace, "--format", "json")
    assert result.code == 1, result.err
    assert expected in _drift(result)


def test_inherited_grant_says_where_it_comes_from(workspace, audit_cli):
    workspace.grant("directory", "/experiments/prod", "group", "users", "CAN_READ", inherited_from="/directories/77")
    result = audit_cli(workspace)
    assert result.code == 1
    line = next(line for line in result.out.splitlines() if "users" in line)
    assert line.startswith("extra-grant") and "inherited from /directories/77" in line
    assert result.out.rstrip().splitlines()[-1].startswith("drift: 1 extra-grant")


def test_markdown_report_for_a_ticket(workspace, audit_cli):
    workspace.obj("registered_model", "churn2_prod")
    result = audit_cli(workspace, "--format", "markdown")
    assert result.code == 1
    assert result.out.startswith("# mlenv audit\n\ndrift: 1 undeclared-production-model")
    assert "| undeclared-production-model | prod | `churn2_prod` |" in result.out
    assert "## Implicit grants (added by Databricks, expected)" in result.out


def test_throttled_then_success(workspace, audit_cli):
    workspace.throttle_once.add("/api/2.0/workspace/get-status")
    workspace.throttle_once.add("/api/2.0/preview/scim/v2/ServicePrincipals")
    result = audit_cli(workspace, "--format", "json")
    assert result.code == 0, result.err
    assert not workspace.throttle_once  # both 429s were answered, and the SDK retried them


def test_unauthenticated_is_one_line_exit_3(workspace, audit_cli):
    result = audit_cli(workspace, token="wrong")
    assert result.code == 3
    assert result.err.startswith("mlenv: cannot audit the workspace: ")
    assert "refused the credentials (401)" in result.err and result.err.count("\n") == 1


def test_unreachable_workspace_is_exit_3(audit_cli, monkeypatch, mlenv):
    monkeypatch.setenv("DATABRICKS_HOST", "http://127.0.0.1:9")
    monkeypatch.setenv("DATABRICKS_TOKEN", TOKEN)
    result = mlenv("--repository", REPOSITORY, "audit", "--timeout", "2")
    assert result.code == 3 and result.err.startswith("mlenv: cannot audit the workspace:")


def test_missing_credentials_is_exit_3(mlenv, monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("DATABRICKS_HOST", "DATABRICKS_TOKEN", "DATABRICKS_CONFIG_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    result = mlenv("--repository", REPOSITORY, "audit")
    assert result.code == 3 and result.err.startswith("mlenv: no Databricks credentials: set DATABRICKS_HOST")


def test_thousand_models_concurrently_within_the_bound(tmp_path, audit_cli):
    model = synthetic_model(tmp_path / "synthetic", environments=10, models=100)
    workspace = FakeWorkspace.matching(model)
    workspace.latency = 0.002
    from databricks.sdk import WorkspaceClient

    from generator.workspace.audit import audit
    from generator.workspace.identities import WorkspaceIdentities

    with FakeDatabricks(workspace) as server:
        client = WorkspaceClient(host=server.host, token=TOKEN)
        report = audit(model, client, WorkspaceIdentities(), concurrency=6, progress=False)
    assert len(model.environments) == 10
    assert sum(len(facts.models) for facts in model.environments.values()) == 1000
    assert not report.drift
    assert 1 < workspace.max_in_flight <= 6
    api_requests = [path for _, path in workspace.requests if path.startswith("/api/")]
    assert report.requests == len(api_requests)


def test_objects_of_an_environment_no_manifest_declares_are_unmanaged(workspace, audit_cli):
    """A retired team's group, experiment directory and models (named as mlenv names them, for an environment no
    manifest declares) are listed; a team's own group, named otherwise, is not."""
    retired = workspace.group("apps_old")
    retired["members"].append({"value": workspace.service_principal(PROD_SP), "$ref": "ServicePrincipals/x"})
    workspace.obj(DIRECTORY, "/experiments/old")
    workspace.obj(REGISTERED_MODEL, "churn_old")
    workspace.obj(REGISTERED_MODEL, "scratch_model")  # not named for an environment mlenv knows of
    workspace.group("data_engineers")
    result = audit_cli(workspace, "--format", "json")
    assert result.code == 1, result.out + result.err
    unmanaged = {
        (f["object_type"], f["object"], f["environment"]) for f in _findings(result) if f["kind"] == "unmanaged"
    }
    assert unmanaged == {
        ("group", "apps_old", "old"),
        ("directory", "/experiments/old", "old"),
        ("registered_model", "churn_old", "old"),
    }
    assert all(f["drift"] for f in _findings(result) if f["kind"] == "unmanaged")


def test_a_production_version_another_principal_registered_is_drift_until_accepted(
    workspace, mlenv, point_at_stand_in, repo
):
    workspace.version("churn_prod", 1, "Archived", PROD_SP)
    workspace.version("churn_prod", 2, "Production", "jane.doe@example.com")
    with FakeDatabricks(workspace) as server:
        point_at_stand_in(server)
        found = mlenv("--repository", repo, "audit", "--format", "json")
        write(
            repo, "environments/audit/accepted_versions.yaml", "churn_prod:\n  - version: 2\n    reason: before mlenv\n"
        )
        accepted = mlenv("--repository", repo, "audit", "--format", "json")
        write(repo, "environments/audit/accepted_versions.yaml", "churn_prod:\n  - version: two\n")
        invalid = mlenv("--repository", repo, "audit", "--format", "json")
    assert found.code == 1
    assert ("foreign-version", "churn_prod", "", PROD_SP, "jane.doe@example.com") in _drift(found), _drift(found)
    foreign = [f["detail"] for f in _findings(found) if f["kind"] == "foreign-version"]
    assert len(foreign) == 1 and foreign[0].startswith("version 2 "), "the principal's own version 1 is fine"
    assert accepted.code == 0, accepted.out
    assert invalid.code == 2 and "environments/audit/accepted_versions.yaml:2" in invalid.err, invalid.err
