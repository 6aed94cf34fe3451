"""Each policy rule refuses a permission model that breaks it, naming the rule."""

from __future__ import annotations

from dataclasses import replace

import pytest

from generator.errors import InvalidInput
from generator.model.checked import load_and_check
from generator.model.grants import Grant
from generator.model.permission_model import PermissionModel
from generator.model.policy import RULES, check_policy, enforce_policy
from tests.support.repository import REPOSITORY, broken_rules, with_grants


@pytest.fixture(scope="module")
def example() -> PermissionModel:
    return load_and_check(REPOSITORY).model


def test_the_example_model_satisfies_every_rule(example):
    assert check_policy(example) == []


@pytest.mark.parametrize(
    "grant, rule",
    [
        (Grant("prod", "registered_model", "churn_prod", "group", "apps_acc", "CAN_READ"), "production-isolation"),
        (Grant("prod", "directory", "/experiments/prod", "group", "apps_all", "CAN_READ"), "production-isolation"),
        (
            Grant(
                "prod",
                "registered_model",
                "churn_prod",
                "service_principal",
                "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01",
                "CAN_READ",
            ),
            "production-isolation",
        ),
        (
            Grant("prod", "registered_model", "churn_prod", "user", "jane@example.com", "CAN_READ"),
            "production-isolation",
        ),
        (
            Grant("prod", "registered_model", "churn_prod", "group", "auditors", "CAN_EDIT"),
            "production-readers-read-only",
        ),
        (Grant("acc", "registered_model", "churn_acc", "group", "apps_preprod", "CAN_READ"), "environment-isolation"),
        (Grant("acc", "registered_model", "churn_prod", "group", "apps_acc", "CAN_READ"), "environment-isolation"),
        (Grant("acc", "registered_model", "churn_acc", "group", "data-scientists", "CAN_MANAGE"), "production-levels"),
        (
            Grant("preprod", "registered_model", "churn_preprod", "group", "team", "CAN_MANAGE_PRODUCTION_VERSIONS"),
            "production-levels",
        ),
        (
            Grant("prod", "registered_model", "churn_prod", "group", "auditors", "CAN_MANAGE_PRODUCTION_VERSIONS"),
            "production-levels",
        ),
        (Grant("acc", "registered_model", "churn_acc", "group", "apps_acc", "CAN_READ"), "one-level-per-principal"),
        (
            Grant("acc", "group", "apps_acc", "service_principal", "b18e5f3c-9d2a-4e7b-a6c1-3d0f4e5a6b03", "MEMBER"),
            "environment-isolation",
        ),
        (Grant("acc", "group", "apps_all", "group", "data-scientists", "MEMBER"), "group-membership"),
        (Grant("acc", "group", "apps_acc", "group", "apps_prod", "CAN_READ"), "group-membership"),
        (Grant("acc", "group", "someone_else", "service_principal", "x", "MEMBER"), "group-membership"),
        (
            Grant("acc", "registered_model", "churn_acc", "group", "data-scientists", "CAN_MANAGE", implicit=True),
            "implicit-grants",
        ),
        (
            Grant("acc", "directory", "/experiments/acc", "user", "jane@example.com", "CAN_MANAGE", implicit=True),
            "implicit-grants",
        ),
    ],
)
def test_rule_refuses_a_breaking_grant(example, grant, rule):
    assert rule in broken_rules(with_grants(example, grant))


def test_duplicate_model_across_environments_is_refused(example):
    facts = dict(example.environments)
    facts["preprod"] = replace(facts["preprod"], models=(*facts["preprod"].models, "churn_acc"))
    assert "unique-model-name" in broken_rules(replace(example, environments=facts))


def test_enforce_names_the_rule_and_the_manifest_line(example):
    grant = Grant(
        "prod", "registered_model", "churn_prod", "group", "apps_acc", "CAN_READ", source="environments/prod.yaml:9"
    )
    with pytest.raises(InvalidInput) as raised:
        enforce_policy(with_grants(example, grant))
    message = str(raised.value)
    assert message.startswith(
        "environments/prod.yaml:9: [production-isolation] 'apps_acc' belongs to another "
        "environment and may not have CAN_READ on 'churn_prod'"
    )
    assert RULES["production-isolation"] in message


def test_every_rule_is_documented_in_the_readme():
    readme = (REPOSITORY / "README.md").read_text()
    for rule in RULES:
        assert f"`{rule}`" in readme
