"""mlenv audit in Unity Catalog mode against the REST stand-in (real databricks-sdk, workspace and account APIs).

The stand-in is seeded through its state as Terraform leaves it after applying the permission model
(:func:`tests.support.stand_in_unity_catalog_seed.matching_unity_catalog`); each drift is then made
through the stand-in's HTTP API where Databricks has one (grants, owners, models), as the principal
that Databricks would let make it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from generator.model.checked import load_and_check
from tests.support.stand_in import TOKEN, FakeDatabricks, FakeWorkspace
from tests.support.stand_in_unity_catalog import ACCOUNT_ID
from tests.support.stand_in_unity_catalog_seed import matching_unity_catalog

TERRAFORM_SP = "0d6e4c2b-5a7f-4e1d-9b3c-8f2a6e4d1c05"
PROD_SP = "b18e5f3c-9d2a-4e7b-a6c1-3d0f4e5a6b03"
ACC_SP = "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01"
UC_SETTINGS = """registry: unity_catalog
identities: {identities}
workspace_id: 1234567890123456
account_host: {account_host}
unity_catalog:
  catalog_name_pattern: ml_{{env}}
  schema: models
"""


def unity_catalog_repo(repo: Path, identities: str = "account", account_host: str = "http://127.0.0.1:9") -> Path:
    """``repo`` switched to Unity Catalog mode (reader groups renamed to Unity Catalog-friendly names)."""
    settings = repo / "environments/workspace.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text + UC_SETTINGS.format(identities=identities, account_host=account_host), encoding="utf-8")
    for manifest in (repo / "environments").glob("*.yaml"):
        manifest.write_text(manifest.read_text(encoding="utf-8").replace("data-scientists", "data_scientists"))
    return repo


@pytest.fixture
def uc_audit(repo, mlenv, point_at_stand_in, monkeypatch):
    """``uc_audit(change, identities=...)``: seed the stand-in, apply ``change(server)``, run the audit (JSON)."""

    def run(change=None, identities: str = "account", *arguments: str):
        workspace = FakeWorkspace()
        with FakeDatabricks(workspace) as server:
            root = unity_catalog_repo(repo, identities, server.host)
            model = load_and_check(root).model
            server.workspace = server.server.workspace = matching_unity_catalog(model, identities)  # type: ignore[attr-defined]
            point_at_stand_in(server)
            monkeypatch.setenv("DATABRICKS_ACCOUNT_ID", ACCOUNT_ID)
            if change is not None:
                change(server)
            return mlenv("--root", root, "audit", *(arguments or ("--format", "json")))

    return run


def _drift(result) -> set[tuple]:
    findings = json.loads(result.out)["findings"]
    return {(f["kind"], f["object"], f["principal"], f["expected"], f["actual"]) for f in findings if f["drift"]}


def _call(server: FakeDatabricks, method: str, path: str, token: str = TOKEN, **body) -> requests.Response:
    response = requests.request(
        method, f"{server.host}{path}", json=body or None, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert response.status_code < 300, response.text
    return response


def _grant(server: FakeDatabricks, securable: str, name: str, principal: str, privilege: str) -> None:
    _call(
        server,
        "PATCH",
        f"/api/2.1/unity-catalog/permissions/{securable}/{name}",
        changes=[{"principal": principal, "add": [privilege]}],
    )


@pytest.mark.parametrize("identities", ["account", "external"])
def test_clean_unity_catalog_workspace(uc_audit, identities):
    result = uc_audit(identities=identities)
    assert result.code == 0, result.out + result.err
    document = json.loads(result.out)
    assert document["summary"] == "clean"
    ok = {(f["kind"], f["object"], f["principal"], f["actual"]) for f in document["findings"]}
    assert ("ok", "ml_prod.models.churn", "apps_prod", "OWNER") in ok
    assert ("implicit", "ml_prod", TERRAFORM_SP, "OWNER") in ok
    assert ("ok", "ml_acc.models.fraud", "data_scientists", "EXECUTE") in ok
    assert ("ok", "ml_prod.models", "apps_prod", "USE_SCHEMA") in ok
    assert ("ok", "apps_prod", PROD_SP, "MEMBER") in ok


def _owner_elsewhere(server: FakeDatabricks) -> None:
    _call(server, "PATCH", "/api/2.1/unity-catalog/models/ml_prod.models.churn", owner="mallory@example.com")


def _undeclared_model(server: FakeDatabricks) -> None:
    _call(server, "POST", "/api/2.1/unity-catalog/models", catalog_name="ml_prod", schema_name="models", name="churn2")


def _missing_member(server: FakeDatabricks) -> None:
    uc = server.workspace.uc
    group = next(g for g in uc.account_groups.values() if g["displayName"] == "apps_prod")
    _call(
        server,
        "PATCH",
        f"/api/2.0/accounts/{ACCOUNT_ID}/scim/v2/Groups/{group['id']}",
        Operations=[{"op": "remove", "path": f'members[value eq "{uc.account_service_principal(PROD_SP)}"]'}],
    )


def _unassigned(server: FakeDatabricks) -> None:
    group = next(g for g in server.workspace.uc.account_groups.values() if g["displayName"] == "apps_prod")
    _call(
        server,
        "DELETE",
        f"/api/2.0/accounts/{ACCOUNT_ID}/workspaces/1234567890123456/permissionassignments/principals/{group['id']}",
    )


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            lambda s: _grant(s, "function", "ml_prod.models.churn", "apps_acc", "EXECUTE"),
            ("extra-grant", "ml_prod.models.churn", "apps_acc", "", "EXECUTE"),
        ),
        (_owner_elsewhere, ("wrong-owner", "ml_prod.models.churn", "mallory@example.com", "", "OWNER")),
        (_undeclared_model, ("undeclared-production-model", "ml_prod.models.churn2", "", "", "")),
        (
            lambda s: _grant(s, "schema", "ml_prod.models", "data_scientists", "CREATE_MODEL"),
            ("squatting-risk", "ml_prod.models", "data_scientists", "", "CREATE_MODEL"),
        ),
        (
            lambda s: _grant(s, "catalog", "ml_prod", "apps_acc", "ALL_PRIVILEGES"),
            ("squatting-risk", "ml_prod", "apps_acc", "", "ALL_PRIVILEGES"),
        ),
        (_missing_member, ("missing-grant", "apps_prod", PROD_SP, "MEMBER", "")),
        (_unassigned, ("unassigned-group", "apps_prod", "apps_prod", "USER", "")),
        (
            lambda s: _call(
                s,
                "PATCH",
                "/api/2.1/unity-catalog/permissions/schema/ml_acc.models",
                changes=[{"principal": "apps_acc", "remove": ["USE_SCHEMA"]}],
            ),
            ("missing-grant", "ml_acc.models", "apps_acc", "USE_SCHEMA", ""),
        ),
        (
            lambda s: s.workspace.uc.models.pop("ml_prod.models.fraud"),
            ("missing-object", "ml_prod.models.fraud", "", "", ""),
        ),
    ],
)
def test_each_unity_catalog_drift_is_named(uc_audit, change, expected):
    result = uc_audit(change)
    assert result.code == 1, result.out + result.err
    assert expected in _drift(result), _drift(result)
