"""Unity Catalog mode: the permission model is the design table of DESIGN.md section 7, and every UC rule bites."""

from __future__ import annotations

from dataclasses import replace

import pytest

from generator.model.checked import load_and_check
from generator.model.grants import Grant
from generator.model.permission_model import PermissionModel
from generator.model.policy import check_policy
from tests.support.repository import (
    TERRAFORM_IDENTITY,
    UC_SETTINGS,
    broken_rules,
    unity_catalog_repository,
    with_grants,
)


@pytest.fixture(scope="module")
def uc_model(tmp_path_factory: pytest.TempPathFactory) -> PermissionModel:
    return load_and_check(unity_catalog_repository(tmp_path_factory.mktemp("uc"))).model


def _rows(model: PermissionModel, *, implicit: bool) -> set[tuple[str, str, str, str]]:
    return {
        (grant.object_type, grant.object, grant.principal, grant.permission_level)
        for grant in model.grants
        if grant.implicit == implicit and grant.object_type in ("catalog", "schema", "registered_model")
    }


def test_explicit_grants_are_the_design_table(uc_model):
    expected = set()
    for env in ("acc", "preprod", "prod"):
        expected |= {
            ("catalog", f"ml_{env}", f"apps_{env}", "USE_CATALOG"),
            ("schema", f"ml_{env}.models", f"apps_{env}", "USE_SCHEMA"),
            ("registered_model", f"ml_{env}.models.churn", f"apps_{env}", "OWNER"),
            ("registered_model", f"ml_{env}.models.fraud", f"apps_{env}", "OWNER"),
        }
    # acc's fraud model lists data-scientists as readers: EXECUTE plus the USE_* it needs.
    expected |= {
        ("registered_model", "ml_acc.models.fraud", "data-scientists", "EXECUTE"),
        ("schema", "ml_acc.models", "data-scientists", "USE_SCHEMA"),
        ("catalog", "ml_acc", "data-scientists", "USE_CATALOG"),
    }
    assert _rows(uc_model, implicit=False) == expected


def test_implicit_access_is_the_terraform_identity_and_metastore_admins(uc_model):
    expected = set()
    for env in ("acc", "preprod", "prod"):
        expected |= {
            ("catalog", f"ml_{env}", TERRAFORM_IDENTITY, "OWNER"),
            ("schema", f"ml_{env}.models", TERRAFORM_IDENTITY, "OWNER"),
            ("catalog", f"ml_{env}", "metastore admins", "MANAGE"),
        }
    assert _rows(uc_model, implicit=True) == expected


def test_the_model_satisfies_every_rule_and_knows_each_environment_s_objects(uc_model):
    assert check_policy(uc_model) == []
    prod = uc_model.environments["prod"]
    assert (prod.catalog, prod.schema, prod.models) == (
        "ml_prod",
        "ml_prod.models",
        ("ml_prod.models.churn", "ml_prod.models.fraud"),
    )
    assert uc_model.registry.name == "unity_catalog" and prod.container_owner == TERRAFORM_IDENTITY


def test_an_owner_group_owns_catalogs_and_schemas_explicitly(tmp_path):
    settings = UC_SETTINGS.replace("  schema: models\n", "  schema: models\n  owner_group: ml-platform\n")
    model = load_and_check(unity_catalog_repository(tmp_path, settings)).model
    owners = {
        (grant.object, grant.principal, grant.implicit)
        for grant in model.grants
        if grant.permission_level == "OWNER" and grant.object_type in ("catalog", "schema")
    }
    assert ("ml_prod", "ml-platform", False) in owners and ("ml_prod.models", "ml-platform", False) in owners
    assert all(principal == "ml-platform" for _, principal, _ in owners)


def test_unmanaged_catalogs_leave_catalog_grants_to_their_owner(tmp_path):
    settings = UC_SETTINGS.replace("  schema: models\n", "  schema: models\n  manage_catalogs: false\n")
    model = load_and_check(unity_catalog_repository(tmp_path, settings)).model
    assert not [grant for grant in model.grants if grant.object_type == "catalog"]
    assert ("schema", "ml_acc.models", "apps_acc", "USE_SCHEMA") in _rows(model, implicit=False)


def test_an_environment_may_name_its_own_catalog(tmp_path):
    root = unity_catalog_repository(tmp_path)
    with (root / "environments/acc.yaml").open("a") as manifest:
        manifest.write("catalog: team_acceptance\n")
    model = load_and_check(root).model
    assert model.environments["acc"].models == ("team_acceptance.models.churn", "team_acceptance.models.fraud")


@pytest.mark.parametrize(
    "grant, rule",
    [
        (Grant("acc", "registered_model", "ml_acc.models.churn", "group", "data-scientists", "READ"), "uc-privileges"),
        (Grant("acc", "catalog", "ml_acc", "group", "data-scientists", "EXECUTE_MODEL"), "uc-privileges"),
        (Grant("prod", "schema", "ml_prod.models", "group", "auditors", "CREATE_MODEL"), "production-no-create"),
        (Grant("prod", "catalog", "ml_prod", "group", "auditors", "CREATE_FUNCTION"), "production-no-create"),
        (Grant("prod", "schema", "ml_prod.models", "group", "auditors", "ALL_PRIVILEGES"), "production-no-create"),
        (Grant("prod", "catalog", "ml_prod", "group", "auditors", "MANAGE"), "production-no-create"),
        (Grant("acc", "schema", "ml_acc.models", "group", "apps_acc", "CREATE_MODEL"), "uc-environment-privileges"),
        (Grant("acc", "catalog", "ml_acc", "group", "data-scientists", "USE_SCHEMA"), "uc-reader-privileges"),
        (
            Grant("acc", "registered_model", "ml_acc.models.churn", "group", "data-scientists", "APPLY_TAG"),
            "uc-reader-privileges",
        ),
        (
            Grant("acc", "registered_model", "ml_acc.models.churn", "group", "data-scientists", "OWNER"),
            "uc-model-owner",
        ),
        (Grant("acc", "schema", "ml_acc.models", "group", "data-scientists", "OWNER"), "uc-container-owner"),
        (Grant("prod", "schema", "ml_prod.models", "group", "apps_acc", "USE_SCHEMA"), "production-isolation"),
        (
            Grant("prod", "registered_model", "ml_prod.models.churn", "group", "apps_all", "EXECUTE"),
            "production-isolation",
        ),
        (Grant("acc", "schema", "ml_acc.models", "group", "apps_preprod", "USE_SCHEMA"), "environment-isolation"),
        (Grant("acc", "catalog", "ml_prod", "group", "apps_acc", "USE_CATALOG"), "environment-isolation"),
        (Grant("acc", "catalog", "ml_acc", "group", "data-scientists", "OWNER", implicit=True), "implicit-grants"),
        (Grant("acc", "schema", "ml_acc.models", "group", "metastore admins", "MANAGE", True), "implicit-grants"),
    ],
)
def test_each_unity_catalog_rule_refuses_a_grant_that_breaks_it(uc_model, grant, rule):
    assert rule in broken_rules(with_grants(uc_model, grant))


def test_a_model_without_its_owner_is_refused(uc_model):
    owner = next(
        grant
        for grant in uc_model.grants
        if grant.object == "ml_prod.models.churn" and grant.permission_level == "OWNER"
    )
    assert "uc-model-owner" in broken_rules(with_grants(uc_model, without=(owner,)))


def test_two_environments_on_one_catalog_are_refused_in_the_model(uc_model):
    acc = uc_model.environments["acc"]
    clash = replace(acc, catalog="ml_prod", schema="ml_prod.models")
    model = replace(uc_model, environments={**uc_model.environments, "acc": clash})
    assert "distinct-catalogs" in broken_rules(model)
