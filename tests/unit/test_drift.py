"""The audit's comparison, without HTTP: expected grants against live access, each kind of finding."""

from __future__ import annotations

import pytest

from generator.model.checked import load_and_check
from generator.model.drift import (
    EXTRA_GRANT,
    IMPLICIT,
    MISSING_GRANT,
    MISSING_OBJECT,
    OK,
    UNDECLARED_PRODUCTION_MODEL,
    WRONG_LEVEL,
    LiveAccess,
    Principal,
    audit_report,
    compare_object,
    undeclared_models,
)
from generator.model.grants import REGISTERED_MODEL
from generator.model.permission_model import PermissionModel
from tests.support.repository import REPOSITORY

TF = "0d6e4c2b-5a7f-4e1d-9b3c-8f2a6e4d1c05"  # terraform_identity of the examples


@pytest.fixture(scope="module")
def model() -> PermissionModel:
    return load_and_check(REPOSITORY).model


def _as_applied(model: PermissionModel, name: str) -> dict[Principal, LiveAccess]:
    """The live access list of a model exactly as Terraform and Databricks leave it."""
    return {
        Principal(g.principal_type, g.principal): LiveAccess(g.permission_level)
        for g in model.on_object(REGISTERED_MODEL, name)
    }


def _kinds(findings) -> list[tuple[str, str]]:
    return sorted((finding.kind, finding.principal) for finding in findings)


def test_an_object_as_applied_has_only_ok_and_implicit_findings(model):
    findings = compare_object(
        "prod",
        REGISTERED_MODEL,
        "churn_prod",
        model.on_object(REGISTERED_MODEL, "churn_prod"),
        _as_applied(model, "churn_prod"),
    )
    assert _kinds(findings) == [(IMPLICIT, TF), (IMPLICIT, "admins"), (OK, "apps_prod")]
    assert not audit_report(findings, 3).drift


def test_missing_object(model):
    findings = compare_object(
        "prod", REGISTERED_MODEL, "churn_prod", model.on_object(REGISTERED_MODEL, "churn_prod"), None
    )
    assert [(f.kind, f.detail) for f in findings] == [(MISSING_OBJECT, "not found in the workspace")]


def test_extra_wrong_and_missing_grants(model):
    live = _as_applied(model, "churn_prod")
    live[Principal("group", "apps_acc")] = LiveAccess("CAN_READ")
    live[Principal("group", "apps_prod")] = LiveAccess("CAN_MANAGE_STAGING_VERSIONS", True, "root")
    expected = model.on_object(REGISTERED_MODEL, "churn_prod")
    findings = compare_object("prod", REGISTERED_MODEL, "churn_prod", expected, live)
    assert (EXTRA_GRANT, "apps_acc") in _kinds(findings)
    wrong = next(f for f in findings if f.kind == WRONG_LEVEL)
    assert (wrong.expected, wrong.actual, wrong.detail) == (
        "CAN_MANAGE_PRODUCTION_VERSIONS",
        "CAN_MANAGE_STAGING_VERSIONS",
        "inherited from root",
    )
    del live[Principal("group", "apps_prod")]
    assert (MISSING_GRANT, "apps_prod") in _kinds(
        compare_object("prod", REGISTERED_MODEL, "churn_prod", expected, live)
    )


def test_implicit_grants_that_databricks_did_not_add_are_not_drift(model):
    live = {Principal("group", "apps_prod"): LiveAccess("CAN_MANAGE_PRODUCTION_VERSIONS")}
    findings = compare_object(
        "prod", REGISTERED_MODEL, "churn_prod", model.on_object(REGISTERED_MODEL, "churn_prod"), live
    )
    assert _kinds(findings) == [(OK, "apps_prod")]


def test_undeclared_models_under_a_production_suffix(model):
    registered = {"churn_prod": "", "squat_prod": "created by mallory@example.com", "squat_acc": "", "prod": ""}
    findings = [
        finding for facts in model.environments.values() for finding in undeclared_models(model, facts, registered)
    ]
    assert [(f.kind, f.object, f.environment) for f in findings] == [
        (UNDECLARED_PRODUCTION_MODEL, "squat_prod", "prod")
    ]
    assert "(created by mallory@example.com)" in findings[0].detail, "names who made it"


def test_report_puts_the_most_serious_drift_first(model):
    findings = [
        *undeclared_models(model, model.environments["prod"], {"squat_prod": ""}),
        *compare_object(
            "acc", REGISTERED_MODEL, "churn_acc", (), {Principal("user", "x@y.z"): LiveAccess("CAN_MANAGE")}
        ),
        *compare_object("acc", REGISTERED_MODEL, "fraud_acc", (), None),
    ]
    report = audit_report(findings, 7)
    assert [f.kind for f in report.findings] == [MISSING_OBJECT, UNDECLARED_PRODUCTION_MODEL, EXTRA_GRANT]
    assert report.requests == 7
