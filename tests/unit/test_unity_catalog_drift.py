"""The pure Unity Catalog comparison (generator.model.unity_catalog_drift): no HTTP, live state built by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.model.checked import load_and_check
from generator.model.drift import DRIFT_KINDS, Finding, audit_report, undeclared_models
from generator.model.grants import CATALOG, GROUP, REGISTERED_MODEL, SCHEMA, SERVICE_PRINCIPAL, USER
from generator.model.permission_model import PermissionModel
from generator.model.unity_catalog import OWNER
from generator.model.unity_catalog_drift import (
    SECURABLES,
    LiveSecurable,
    compare_securable,
    guess_principal_type,
    unassigned_groups,
)
from tests.support.stand_in_unity_catalog_seed import unity_catalog_repo

TERRAFORM_SP = "0d6e4c2b-5a7f-4e1d-9b3c-8f2a6e4d1c05"


@pytest.fixture
def model(repo: Path) -> PermissionModel:
    return load_and_check(unity_catalog_repo(repo)).model


def _as_applied(model: PermissionModel, object_type: str, name: str) -> LiveSecurable:
    """The securable exactly as Terraform leaves it (implicit grants are not direct grants)."""
    expected = model.on_object(object_type, name)
    owner = next(grant.principal for grant in expected if grant.permission_level == OWNER)
    grants: dict[str, frozenset[str]] = {}
    for grant in expected:
        if grant.permission_level != OWNER and not grant.implicit:
            grants[grant.principal] = grants.get(grant.principal, frozenset()) | {grant.permission_level}
    return LiveSecurable(owner, grants)


def _securables(model: PermissionModel) -> list[tuple[str, str, str]]:
    seen = {(g.environment, g.object_type, g.object) for g in model.grants if g.object_type in SECURABLES}
    return sorted(seen)


def _compare(model: PermissionModel, object_type: str, name: str, live: LiveSecurable | None) -> list[Finding]:
    environment = next(g.environment for g in model.on_object(object_type, name))
    return compare_securable(model, model.environments[environment], object_type, name, live)


def _drift(findings: list[Finding]) -> list[tuple[str, str, str, str]]:
    return [(f.kind, f.principal_type, f.principal, f.actual or f.expected) for f in findings if f.drift]


def test_securables_as_applied_are_clean(model):
    findings = [
        finding
        for environment, object_type, name in _securables(model)
        for finding in compare_securable(
            model, model.environments[environment], object_type, name, _as_applied(model, object_type, name)
        )
    ]
    assert len(_securables(model)) == 12  # 3 catalogs, 3 schemas, 6 models
    assert [f for f in findings if f.drift] == []
    kinds = {(f.object, f.principal, f.kind, f.actual) for f in findings}
    assert ("ml_prod", TERRAFORM_SP, "implicit", OWNER) in kinds
    assert ("ml_prod.models.churn", "apps_prod", "ok", OWNER) in kinds
    assert ("ml_acc.models.fraud", "data_scientists", "ok", "EXECUTE") in kinds


def test_extra_grant_on_a_production_model(model):
    live = _as_applied(model, REGISTERED_MODEL, "ml_prod.models.churn")
    live = LiveSecurable(live.owner, {**live.grants, "apps_acc": frozenset({"EXECUTE"})})
    assert _drift(_compare(model, REGISTERED_MODEL, "ml_prod.models.churn", live)) == [
        ("extra-grant", GROUP, "apps_acc", "EXECUTE")
    ]


def test_a_model_owned_by_someone_else_is_wrong_owner(model):
    findings = _compare(model, REGISTERED_MODEL, "ml_prod.models.fraud", LiveSecurable("mallory@example.com"))
    assert _drift(findings) == [("wrong-owner", USER, "mallory@example.com", OWNER)]
    assert "instead of apps_prod" in findings[0].detail and "sets aliases" in findings[0].detail


@pytest.mark.parametrize("privilege", ["CREATE_MODEL", "CREATE_FUNCTION", "ALL_PRIVILEGES", "MANAGE"])
@pytest.mark.parametrize("object_type, name", [(CATALOG, "ml_prod"), (SCHEMA, "ml_prod.models")])
def test_model_creating_privileges_on_production_containers_are_squatting_risks(model, privilege, object_type, name):
    live = _as_applied(model, object_type, name)
    live = LiveSecurable(live.owner, {**live.grants, "apps_prod": live.grants["apps_prod"] | {privilege}})
    findings = _compare(model, object_type, name, live)
    assert _drift(findings) == [("squatting-risk", GROUP, "apps_prod", privilege)]
    assert ("act as the owner" if privilege == "MANAGE" else "create models in production") in findings[-1].detail


def test_the_same_privilege_outside_production_is_an_extra_grant(model):
    live = _as_applied(model, SCHEMA, "ml_acc.models")
    live = LiveSecurable(live.owner, {**live.grants, "data_scientists": frozenset({"USE_SCHEMA", "CREATE_MODEL"})})
    assert _drift(_compare(model, SCHEMA, "ml_acc.models", live)) == [
        ("extra-grant", GROUP, "data_scientists", "CREATE_MODEL")
    ]


def test_missing_grant_missing_object_and_unknown_privileges(model):
    live = _as_applied(model, SCHEMA, "ml_acc.models")
    without = LiveSecurable(live.owner, {"data_scientists": frozenset({"USE_SCHEMA", "SOME_FUTURE_PRIVILEGE"})})
    assert _drift(_compare(model, SCHEMA, "ml_acc.models", without)) == [
        ("missing-grant", GROUP, "apps_acc", "USE_SCHEMA"),
        ("extra-grant", GROUP, "data_scientists", "SOME_FUTURE_PRIVILEGE"),
    ]
    assert _drift(_compare(model, CATALOG, "ml_prod", None)) == [("missing-object", "", "", "")]


def test_unnamed_terraform_identity_owner_is_implicit_with_a_hint(repo):
    settings = repo / "environments/workspace.yaml"
    settings.write_text(settings.read_text().split("terraform_identity:")[0])
    model = load_and_check(unity_catalog_repo(repo)).model
    findings = _compare(
        model,
        CATALOG,
        "ml_acc",
        LiveSecurable(
            "deployer@example.com",
            {"apps_acc": frozenset({"USE_CATALOG"}), "data_scientists": frozenset({"USE_CATALOG"})},
        ),
    )
    assert _drift(findings) == []
    owner = next(f for f in findings if f.actual == OWNER)
    assert owner.kind == "implicit" and "name it as terraform_identity" in owner.detail


def test_undeclared_models_only_in_production(model):
    prod, acc = model.environments["prod"], model.environments["acc"]
    registered = dict.fromkeys(("ml_prod.models.churn", "ml_prod.models.churn2", "ml_prod.models.fraud"), "")
    found = undeclared_models(model, prod, registered)
    assert [(f.kind, f.object) for f in found] == [("undeclared-production-model", "ml_prod.models.churn2")]
    assert undeclared_models(model, acc, {"ml_acc.models.anything": ""}) == []


def test_unassigned_environment_groups(model):
    found = unassigned_groups(model, {"apps_acc", "apps_preprod", "data_scientists"}, 42)
    assert [(f.kind, f.object) for f in found] == [("unassigned-group", "apps_prod")]
    assert "workspace 42" in found[0].detail


def test_report_orders_squatting_first_and_knows_every_kind():
    findings = [
        Finding("prod", GROUP, "apps_prod", "unassigned-group"),
        Finding("prod", SCHEMA, "ml_prod.models", "squatting-risk"),
        Finding("prod", REGISTERED_MODEL, "ml_prod.models.x", "wrong-owner"),
    ]
    assert [f.kind for f in audit_report(findings, 0).drift] == ["squatting-risk", "wrong-owner", "unassigned-group"]
    assert {"squatting-risk", "wrong-owner", "unassigned-group"} <= set(DRIFT_KINDS)


@pytest.mark.parametrize(
    "principal, kind",
    [(TERRAFORM_SP, SERVICE_PRINCIPAL), ("someone@example.com", USER), ("data_scientists", GROUP)],
)
def test_principal_type_from_a_name(principal, kind):
    assert guess_principal_type(principal) == kind


def test_owner_equivalent_privilege_on_a_model_says_so(model):
    live = LiveSecurable("apps_prod", {"apps_preprod": frozenset({"MANAGE"})})
    (finding,) = [f for f in _compare(model, REGISTERED_MODEL, "ml_prod.models.churn", live) if f.drift]
    assert (finding.kind, finding.principal, finding.actual) == ("extra-grant", "apps_preprod", "MANAGE")
    assert finding.detail.startswith("owner-equivalent")
