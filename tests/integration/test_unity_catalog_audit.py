"""mlenv audit in Unity Catalog mode against the REST stand-in (real databricks-sdk, workspace and account APIs).

The stand-in is seeded through its state as Terraform leaves it after applying the permission model
(:func:`tests.support.stand_in_unity_catalog_seed.matching_unity_catalog`); each drift is then made
through the stand-in's HTTP API where Databricks has one (grants, owners, models), as the principal
that Databricks would let make it.
"""

from __future__ import annotations

import json
import re
import subprocess
import time

import pytest
import requests

from generator.model.checked import load_and_check
from generator.terraform.toolchain import locate
from tests.support.repository import name_stand_in_deployer_as_terraform_identity, run_module
from tests.support.stand_in import FAKE_DEPLOYER, TOKEN, FakeDatabricks, FakeWorkspace
from tests.support.stand_in_unity_catalog import ACCOUNT_ID
from tests.support.stand_in_unity_catalog_seed import matching_unity_catalog, seed_identities, unity_catalog_repo

TERRAFORM_SP = "0d6e4c2b-5a7f-4e1d-9b3c-8f2a6e4d1c05"
PROD_SP = "b18e5f3c-9d2a-4e7b-a6c1-3d0f4e5a6b03"
ACC_SP = "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01"


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
            return mlenv("--repository", root, "audit", *(arguments or ("--format", "json")))

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
    workspace_group = server.workspace.groups.get("apps_prod")
    if workspace_group is not None:  # identities: external: the workspace sees the identity provider's change too
        sp_id = server.workspace.service_principal(PROD_SP)
        _call(
            server,
            "PATCH",
            f"/api/2.0/preview/scim/v2/Groups/{workspace_group['id']}",
            Operations=[{"op": "remove", "path": f'members[value eq "{sp_id}"]'}],
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


# ---------------------------------------------------------------- adopt


def test_unity_catalog_adopt_imports_existing_securables_and_asks_for_production(
    repo, mlenv, point_at_stand_in, monkeypatch
):
    workspace = FakeWorkspace()
    uc = workspace.uc
    uc.callers[TOKEN] = TERRAFORM_SP
    uc.catalog("ml_acc", TERRAFORM_SP)
    uc.schema("ml_acc.models", TERRAFORM_SP)
    uc.model("ml_acc.models.fraud", "apps_acc")
    uc.catalog("ml_prod", TERRAFORM_SP)
    uc.schema("ml_prod.models", TERRAFORM_SP)
    uc.model("ml_prod.models.churn", "mallory@example.com")
    uc.version("ml_prod.models.churn", 1, "mallory@example.com", alias="champion")
    # Grants exist on every securable but prod's schema: Terraform imports the grants of a securable only when
    # it has some (without any, the provider finds no grants object to import).
    for securable_type, full_name in (
        ("catalog", "ml_acc"),
        ("schema", "ml_acc.models"),
        ("function", "ml_acc.models.fraud"),
        ("catalog", "ml_prod"),
    ):
        uc.grant(
            securable_type, full_name, "data_scientists", "USE_CATALOG" if securable_type == "catalog" else "EXECUTE"
        )
    group_id = uc.account_group("apps_acc")["id"]
    with FakeDatabricks(workspace) as server:
        root = unity_catalog_repo(repo, "account", server.host)
        point_at_stand_in(server)
        monkeypatch.setenv("DATABRICKS_ACCOUNT_ID", ACCOUNT_ID)
        refused = mlenv("--repository", root, "adopt")
        adopted = mlenv("--repository", root, "adopt", "--include-production", "--dry-run")
    assert refused.code == 4, refused.out + refused.err
    assert (
        "production model ml_prod.models.churn already exists: owned by mallory@example.com; "
        "version 1 created by mallory@example.com (alias champion)"
    ) in refused.err
    assert "owns them" in refused.err
    assert adopted.code == 0, adopted.err
    blocks = {
        (to, identifier)
        for to, identifier in zip(
            [line.split(" = ", 1)[1] for line in adopted.out.splitlines() if line.startswith("  to = ")],
            [line.split(" = ", 1)[1] for line in adopted.out.splitlines() if line.startswith("  id = ")],
            strict=True,
        )
    }
    assert blocks == {
        ("module.acc_group.databricks_group.this", f'"{group_id}"'),
        ("module.acc_uc.databricks_catalog.this[0]", '"ml_acc"'),
        ("module.acc_uc.databricks_grants.catalog[0]", '"catalog/ml_acc"'),
        ("module.acc_uc.databricks_schema.this", '"ml_acc.models"'),
        ("module.acc_uc.databricks_grants.schema", '"schema/ml_acc.models"'),
        ('module.acc_models.databricks_registered_model.this["fraud"]', '"ml_acc.models.fraud"'),
        ('module.acc_models.databricks_grants.this["fraud"]', '"model/ml_acc.models.fraud"'),
        ("module.prod_uc.databricks_catalog.this[0]", '"ml_prod"'),
        ("module.prod_uc.databricks_grants.catalog[0]", '"catalog/ml_prod"'),
        ("module.prod_uc.databricks_schema.this", '"ml_prod.models"'),
        ('module.prod_models.databricks_registered_model.this["churn"]', '"ml_prod.models.churn"'),
    }, "the schema of prod has no grants: none are imported for it"


# ---------------------------------------------------------------- what the stand-in enforces


def _status(server: FakeDatabricks, method: str, path: str, token: str = TOKEN, **body) -> int:
    response = requests.request(
        method, f"{server.host}{path}", json=body or None, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    return response.status_code


def test_stand_in_lets_only_owners_change_grants_and_create_models(repo):
    model = load_and_check(unity_catalog_repo(repo)).model
    workspace = matching_unity_catalog(model)
    uc = workspace.uc
    uc.callers.update({"acc-token": ACC_SP, "prod-token": PROD_SP, "admin-token": "admin@example.com"})
    uc.metastore_admins.add("admin@example.com")
    change = {"changes": [{"principal": "apps_acc", "add": ["EXECUTE"]}]}
    permissions = "/api/2.1/unity-catalog/permissions/function/ml_prod.models.churn"
    new_model = {"catalog_name": "ml_prod", "schema_name": "models", "name": "squat"}
    with FakeDatabricks(workspace) as server:
        assert _status(server, "PATCH", permissions, "acc-token", **change) == 403  # another environment
        assert (
            _status(
                server, "PATCH", "/api/2.1/unity-catalog/models/ml_prod.models.churn", "acc-token", owner="apps_acc"
            )
            == 403
        )
        assert _status(server, "GET", permissions, "acc-token") == 403  # not even visible
        assert (
            _status(server, "POST", "/api/2.1/unity-catalog/models", "prod-token", **new_model) == 403
        )  # USE_SCHEMA only
        assert _status(server, "PATCH", permissions, "prod-token", **change) == 200  # owner, through apps_prod
        assert (
            _status(
                server, "PATCH", permissions, "admin-token", changes=[{"principal": "apps_acc", "remove": ["EXECUTE"]}]
            )
            == 200
        )
        assert _status(server, "GET", "/api/2.1/unity-catalog/models/ml_prod.models.nope", TOKEN) == 404
        assert _status(server, "GET", "/api/2.1/unity-catalog/permissions/schema/ml_prod.nope", TOKEN) == 404
        assert _status(server, "GET", "/api/2.1/unity-catalog/catalogs/nope", TOKEN) == 404
        assert _status(server, "GET", "/api/2.1/unity-catalog/tables/x.y.z", TOKEN) == 501
        _grant(server, "schema", "ml_prod.models", "apps_prod", "CREATE_MODEL")
        assert _status(server, "POST", "/api/2.1/unity-catalog/models", "prod-token", **new_model) == 200
    assert uc.models["ml_prod.models.squat"]["owner"] == PROD_SP  # the creator owns it: squatting
    assert uc.grants[("function", "ml_prod.models.churn")] == {}


def _unreadable_catalog_and_a_drift(server: FakeDatabricks) -> None:
    """An admin gives the production catalog to another group (the audit's identity may no longer read it) and
    grants acc's group EXECUTE on a production model."""
    _call(server, "PATCH", "/api/2.1/unity-catalog/catalogs/ml_prod", owner="platform_team")
    _grant(server, "function", "ml_prod.models.churn", "apps_acc", "EXECUTE")


def test_an_unreadable_securable_is_not_checked_and_every_other_finding_stays(uc_audit):
    result = uc_audit(_unreadable_catalog_and_a_drift)
    assert result.code == 1, result.out + result.err
    document = json.loads(result.out)
    assert document["summary"] == "drift"
    (unreadable,) = [f for f in document["findings"] if f["kind"] == "not-checked"]
    assert (unreadable["object_type"], unreadable["object"]) == ("catalog", "ml_prod")
    assert "metastore admin" in unreadable["detail"], "names what the audit's identity would need"
    assert ("extra-grant", "ml_prod.models.churn", "apps_acc", "", "EXECUTE") in _drift(result)
    checked = {f["object"] for f in document["findings"] if f["kind"] == "ok"}
    assert {"ml_prod.models", "ml_prod.models.churn", "ml_acc", "apps_prod"} <= checked, "the rest was read"


def test_text_report_names_the_squatting_risk(uc_audit):
    result = uc_audit(
        lambda s: _grant(s, "schema", "ml_prod.models", "apps_acc", "CREATE_FUNCTION"), "account", "--format", "table"
    )
    assert result.code == 1
    line = next(line for line in result.out.splitlines() if line.startswith("squatting-risk"))
    assert "ml_prod.models" in line and "group:apps_acc" in line and "CREATE_FUNCTION" in line
    assert "create models in production schema ml_prod.models, and own them" in line
    assert result.out.rstrip().splitlines()[-1].startswith("drift: 1 squatting-risk")


def test_account_identities_without_an_account_id_exit_3(uc_audit, monkeypatch):
    result = uc_audit(lambda s: monkeypatch.delenv("DATABRICKS_ACCOUNT_ID"))
    assert result.code == 3, result.out + result.err
    assert "DATABRICKS_ACCOUNT_ID" in result.err


def test_unmanaged_production_catalog_is_checked_for_squatting_only(repo, mlenv, point_at_stand_in, monkeypatch):
    workspace = FakeWorkspace()
    with FakeDatabricks(workspace) as server:
        root = unity_catalog_repo(repo, "account", server.host)
        settings = root / "environments/workspace.yaml"
        settings.write_text(settings.read_text() + "  manage_catalogs: false\n")
        model = load_and_check(root).model
        server.workspace = server.server.workspace = matching_unity_catalog(model)  # type: ignore[attr-defined]
        point_at_stand_in(server)
        monkeypatch.setenv("DATABRICKS_ACCOUNT_ID", ACCOUNT_ID)
        clean = mlenv("--repository", root, "audit", "--format", "json")
        uc = server.workspace.uc
        uc.grant("catalog", "ml_prod", "data_scientists", "CREATE_MODEL")
        uc.grant("catalog", "ml_acc", "data_scientists", "CREATE_MODEL")  # not production: not mlenv's business
        risky = mlenv("--repository", root, "audit", "--format", "json")
        uc.revoke("catalog", "ml_prod", TERRAFORM_SP)
        unreadable = mlenv("--repository", root, "audit", "--format", "json")
        markdown = mlenv("--repository", root, "audit", "--format", "markdown")
    assert clean.code == 0, clean.out + clean.err
    assert not [f for f in json.loads(clean.out)["findings"] if f["object"] in ("ml_acc", "ml_prod")]
    assert risky.code == 1
    assert _drift(risky) == {("squatting-risk", "ml_prod", "data_scientists", "", "CREATE_MODEL")}
    assert unreadable.code == 1, unreadable.out + unreadable.err  # not drift, and not clean either
    assert json.loads(unreadable.out)["summary"] == "incomplete"
    (finding,) = [f for f in json.loads(unreadable.out)["findings"] if f["object"] == "ml_prod"]
    assert finding["kind"] == "not-checked" and "cannot read the grants" in finding["detail"]
    assert markdown.code == 1 and ", 1 not checked, " in markdown.out.splitlines()[2]
    assert "## Not checked (the audit's identity may not read them)" in markdown.out


# ---------------------------------------------------------------- mlenv apply, then mlenv audit


@pytest.fixture
def applied_unity_catalog(request, repo, mlenv, point_at_stand_in, monkeypatch):
    """A UC repository rendered, planned and applied by ``mlenv plan``/``mlenv apply`` (real Terraform, real
    provider) to the stand-in; yields ``(root, server)`` with the stand-in still serving. ``identities`` is
    the fixture's parameter (default ``account``); with ``external`` the identity provider's groups and
    service principals exist before the apply."""
    identities = getattr(request, "param", "account")
    workspace = FakeWorkspace()
    with FakeDatabricks(workspace) as server:
        root = unity_catalog_repo(repo, identities, server.host)
        name_stand_in_deployer_as_terraform_identity(root)
        assert mlenv("--repository", root, "render").code == 0
        if identities == "external":
            seed_identities(workspace, load_and_check(root).model, identities)
        point_at_stand_in(server)
        monkeypatch.setenv("DATABRICKS_ACCOUNT_ID", ACCOUNT_ID)
        plan = run_module("--repository", root, "plan")
        assert plan.code == 0, plan.out[-3000:] + plan.err
        apply = run_module("--repository", root, "apply")
        assert apply.code == 0, apply.out[-3000:] + apply.err
        assert "Apply complete!" in apply.out
        yield root, server


@pytest.mark.terraform
@pytest.mark.parametrize("applied_unity_catalog", ["account", "external"], indirect=True)
def test_apply_then_audit_in_unity_catalog_mode(applied_unity_catalog, mlenv):
    root, server = applied_unity_catalog
    uc = server.workspace.uc
    assert {name: model["owner"] for name, model in uc.models.items()} == {
        f"ml_{env}.models.{model}": f"apps_{env}" for env in ("acc", "preprod", "prod") for model in ("churn", "fraud")
    }
    audit = mlenv("--repository", root, "audit", "--format", "json")
    assert audit.code == 0, audit.out + audit.err
    findings = json.loads(audit.out)["findings"]
    assert json.loads(audit.out)["summary"] == "clean"
    checked = {(f["kind"], f["object"], f["principal"], f["actual"]) for f in findings}
    assert ("implicit", "ml_prod", FAKE_DEPLOYER, "OWNER") in checked
    assert ("ok", "ml_prod.models.fraud", "apps_prod", "OWNER") in checked
    assert ("ok", "apps_all", "apps_prod", "MEMBER") in checked
    replan = run_module("--repository", root, "plan")
    assert replan.code == 0 and "No changes." in replan.out, replan.out[-3000:] + replan.err

    for change in (
        lambda: _grant(server, "function", "ml_prod.models.churn", "apps_acc", "EXECUTE"),
        lambda: _owner_elsewhere(server),
        lambda: _undeclared_model(server),
        lambda: _grant(server, "schema", "ml_prod.models", "data_scientists", "CREATE_MODEL"),
        lambda: _missing_member(server),
    ):
        change()
    drifted = mlenv("--repository", root, "audit", "--format", "json")
    assert drifted.code == 1, drifted.out + drifted.err
    assert _drift(drifted) == {
        ("extra-grant", "ml_prod.models.churn", "apps_acc", "", "EXECUTE"),
        ("wrong-owner", "ml_prod.models.churn", "mallory@example.com", "", "OWNER"),
        ("undeclared-production-model", "ml_prod.models.churn2", "", "", ""),
        ("squatting-risk", "ml_prod.models", "data_scientists", "", "CREATE_MODEL"),
        ("missing-grant", "apps_prod", PROD_SP, "MEMBER", ""),
    }


@pytest.mark.terraform
def test_adopt_after_apply_imports_by_ids_the_real_provider_reads_back(applied_unity_catalog, mlenv):
    """Catalogs, schemas, models and their grants dropped from the state (as if created before Terraform) come
    back through the import blocks ``mlenv adopt`` writes: the plan imports each and changes nothing."""
    root, _ = applied_unity_catalog
    env = locate().environment()
    state = subprocess.run(
        [str(locate().terraform), "state", "list"], cwd=root, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    dropped = [address for address in state if ("_uc." in address or "_models." in address)]
    assert len(dropped) == 3 * 4 + 6 + 1  # per env: catalog, schema and their grants; 6 models; one with grants
    subprocess.run(
        [str(locate().terraform), "state", "rm", *dropped], cwd=root, env=env, capture_output=True, check=True
    )
    refused = mlenv("--repository", root, "adopt")
    adopted = mlenv("--repository", root, "adopt", "--include-production")
    plan = run_module("--repository", root, "plan")
    assert refused.code == 4 and "owned by apps_prod" in refused.err
    assert adopted.code == 0, adopted.err
    imports = (root / "mlenv_imports.tf").read_text()
    assert 'id = "model/ml_acc.models.fraud"' in imports and 'id = "schema/ml_prod.models"' in imports
    assert plan.code == 0, plan.out[-3000:] + plan.err
    assert f"Plan: {len(dropped)} to import, 0 to add, 0 to change, 0 to destroy." in plan.out, plan.out[-3000:]


def test_throttled_unity_catalog_read_is_retried(uc_audit):
    def throttle(server: FakeDatabricks) -> None:
        server.workspace.throttle_once.add("/api/2.1/unity-catalog/permissions/function/ml_prod.models.churn")

    result = uc_audit(throttle)
    assert result.code == 0, result.out + result.err


def test_audit_identity_without_account_admin_exits_3(uc_audit):
    def not_an_account_admin(server: FakeDatabricks) -> None:
        server.workspace.uc.account_admins = {"admin@example.com"}

    result = uc_audit(not_an_account_admin)
    assert result.code == 3, result.out + result.err
    assert "account admin" in result.err


@pytest.mark.parametrize(
    ("account_host", "said"),
    [
        ("https://accounts.nonexistent.invalid", "does not resolve (DNS)"),
        ("http://127.0.0.1:9", "refuses connections on port 9"),
    ],
)
def test_an_unreachable_account_console_fails_fast_naming_its_host(
    repo, mlenv, point_at_stand_in, monkeypatch, account_host, said
):
    """The account console is checked like the workspace: exit 3 within seconds, naming the host and the setting
    (the SDK once retried for the whole --timeout and said only "Timed out")."""
    with FakeDatabricks(FakeWorkspace()) as server:
        root = unity_catalog_repo(repo, "account", account_host)
        point_at_stand_in(server)
        monkeypatch.setenv("DATABRICKS_ACCOUNT_ID", ACCOUNT_ID)
        started = time.monotonic()
        result = mlenv("--repository", root, "audit", "--timeout", "60")
        elapsed = time.monotonic() - started
    assert result.code == 3, result.out + result.err
    assert said in result.err and "account_host in environments/workspace.yaml" in result.err, result.err
    assert result.err.count("\n") == 1, "one line"
    assert elapsed < 15, f"took {elapsed:.0f} s"


def test_a_catalog_named_for_an_environment_no_manifest_declares_is_unmanaged(uc_audit):
    def retired_catalog(server: FakeDatabricks) -> None:
        _call(server, "POST", "/api/2.1/unity-catalog/catalogs", name="ml_old")
        _call(server, "POST", "/api/2.1/unity-catalog/catalogs", name="sandbox")  # not named like an environment's

    result = uc_audit(retired_catalog)
    assert result.code == 1, result.out + result.err
    unmanaged = [f for f in json.loads(result.out)["findings"] if f["kind"] == "unmanaged"]
    assert [(f["object_type"], f["object"], f["environment"]) for f in unmanaged] == [("catalog", "ml_old", "old")]


def test_a_model_made_by_hand_in_a_production_schema_is_reported_with_its_owner_and_creator(uc_audit):
    result = uc_audit(_undeclared_model)
    (finding,) = [f for f in json.loads(result.out)["findings"] if f["kind"] == "undeclared-production-model"]
    assert finding["object"] == "ml_prod.models.churn2"
    owner = re.search(r"\(owned by (\S+), created by (\S+)\)", finding["detail"])
    assert owner is not None and "unknown" not in owner.groups() and "nobody" not in owner.groups(), finding["detail"]


def _foreign_champion(server: FakeDatabricks) -> None:
    model = server.workspace.uc.models["ml_prod.models.churn"]
    model.setdefault("versions", []).extend(
        [
            {"version": 1, "created_by": PROD_SP, "status": "READY"},
            {"version": 2, "created_by": "jane.doe@example.com", "status": "READY"},
        ]
    )
    model["aliases"] = [{"alias_name": "champion", "version_num": 2}]


def test_a_production_version_from_another_creator_and_the_alias_on_it_are_drift(uc_audit):
    result = uc_audit(_foreign_champion)
    assert result.code == 1, result.out + result.err
    (finding,) = [f for f in json.loads(result.out)["findings"] if f["kind"] == "foreign-version"]
    assert finding["object"] == "ml_prod.models.churn" and finding["actual"] == "jane.doe@example.com"
    assert "version 2" in finding["detail"] and "alias champion" in finding["detail"]
