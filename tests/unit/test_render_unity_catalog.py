"""The Terraform root rendered in Unity Catalog mode: every owner, grant and member of the permission model,
nothing else, deterministically; the workspace registry's files stay as they were."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.model.checked import load_and_check
from generator.model.grants import CATALOG, GROUP, REGISTERED_MODEL, SCHEMA
from generator.model.levels import MEMBER
from generator.render.generated import render_files
from tests.support.repository import REPOSITORY, write

EXAMPLE = REPOSITORY / "examples/unity-catalog"
TF = "0d6e4c2b-5a7f-4e1d-9b3c-8f2a6e4d1c05"


def _uc_repo(root: Path, settings_extra: str = "", unity_catalog_extra: str = "") -> Path:
    """The example's manifests under ``root``, with extra lines in workspace.yaml."""
    shutil.copytree(EXAMPLE / "environments", root / "environments")
    settings = root / "environments/workspace.yaml"
    text = settings.read_text(encoding="utf-8")
    if unity_catalog_extra:
        text = text.replace("  schema: models\n", f"  schema: models\n{unity_catalog_extra}")
    if settings_extra:
        text = text.replace("identities: account\n", settings_extra)
    settings.write_text(text, encoding="utf-8")
    return root


def _render(root: Path) -> dict[str, str]:
    return render_files(load_and_check(root))


def _terraform(files: dict[str, str]) -> str:
    return "".join(text for path, text in files.items() if path.endswith(".tf"))


def _grant_entries(text: str) -> set[tuple[str, str]]:
    """Every ``{ principal = ..., privileges = [...] }`` entry of the rendered modules, as (principal, privilege)."""
    entries = re.findall(r'principal  = "([^"]+)"\n\s+privileges = \[([^\]]*)\]', text)
    return {
        (principal, privilege.strip('" ')) for principal, privileges in entries for privilege in privileges.split(",")
    }


def test_render_is_deterministic(tmp_path):
    first = _render(_uc_repo(tmp_path / "one"))
    second = _render(_uc_repo(tmp_path / "two"))
    assert first == second
    assert _render(tmp_path / "one") == first


def test_the_committed_example_is_what_render_writes():
    for path, text in _render(EXAMPLE).items():
        assert (EXAMPLE / path).read_text(encoding="utf-8") == text, path


def test_every_grant_of_the_permission_model_is_rendered_and_nothing_else(tmp_path):
    root = _uc_repo(tmp_path / "repo")
    checked = load_and_check(root)
    files = render_files(checked)
    text = _terraform(files)
    model = checked.model
    expected = {
        (grant.principal, grant.permission_level)
        for grant in model.explicit()
        if grant.object_type in (CATALOG, SCHEMA, REGISTERED_MODEL) and grant.permission_level != "OWNER"
    }
    assert _grant_entries(text) == expected
    for environment, facts in model.environments.items():
        env_text = files[f"mlenv_{environment}.tf"]
        for object_type, name in ((CATALOG, facts.catalog), (SCHEMA, facts.schema)):
            rendered = sorted(_grant_entries(_between(env_text, f'module "{environment}_uc"')))
            for grant in model.access_list(object_type, name):
                assert (grant.principal, grant.permission_level) in rendered
        models = _between(env_text, f'module "{environment}_models"')
        for full_name in facts.models:
            for grant in model.access_list(REGISTERED_MODEL, full_name):
                if grant.permission_level == "OWNER":
                    assert f'owner        = "{grant.principal}"' in models
                else:
                    assert f'principal  = "{grant.principal}"' in models
        assert f'catalog_name    = "{facts.catalog}"' in env_text
    memberships = [
        grant for grant in model.explicit() if grant.object_type == GROUP and grant.permission_level == MEMBER
    ]
    for grant in memberships:
        if grant.object == model.all_principals_group:
            assert re.search(rf"\n    {grant.principal} +?= module\.", files["mlenv_workspace.tf"]), grant
        else:
            assert re.search(rf'"?{re.escape(grant.principal)}"? = \{{', text), grant


def _between(text: str, start: str) -> str:
    """The block that opens with ``start`` up to its closing line."""
    begin = text.index(start)
    return text[begin : text.index("\n}\n", begin)]


def test_the_root_test_asserts_every_owner_grant_and_member_both_ways(tmp_path):
    files = _render(_uc_repo(tmp_path / "repo"))
    test = files["tests/terraform/mlenv_permissions.tftest.hcl"]
    assert 'mock_provider "databricks" {\n' in test and '  alias = "account"\n' in test
    assert "command = apply" in test
    assert f'owner = "{TF}"' in test, "the mock makes the creator the owner, as Databricks does"
    conditions = re.findall(r"condition     = jsonencode\((\S+)\) == jsonencode\((.*)\)\n", test)
    by_actual = dict(conditions)
    assert by_actual["module.acc_group.members"] == '["3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01", "ml-acc-batch"]'
    assert by_actual["module.acc_uc.catalog_owner"] == f'"{TF}"'
    assert by_actual["module.prod_uc.schema_owner"] == f'"{TF}"'
    assert by_actual["module.acc_uc.catalog_grants"] == '["apps_acc:USE_CATALOG", "data-scientists:USE_CATALOG"]'
    assert by_actual["module.prod_uc.schema_grants"] == '["apps_prod:USE_SCHEMA", "auditors:USE_SCHEMA"]'
    assert by_actual["module.prod_models.owners"] == '{ "churn" = "apps_prod", "fraud" = "apps_prod" }'
    assert by_actual["module.prod_models.grants"] == (
        '{ "ml_prod.models.churn" = [], "ml_prod.models.fraud" = ["auditors:EXECUTE"] }'
    )
    assert by_actual["module.acc_experiments.access_control"] == (
        '["group:apps_acc:CAN_MANAGE", "group:data-scientists:CAN_READ"]'
    )
    assert by_actual["module.all_principals_group.members"] == '["apps_acc", "apps_preprod", "apps_prod"]'
    for environment in ("acc", "preprod", "prod"):
        for output in ("catalog_owner", "catalog_grants", "schema_owner", "schema_grants"):
            assert f"module.{environment}_uc.{output}" in by_actual
        for output in ("full_names", "owners", "grants"):
            assert f"module.{environment}_models.{output}" in by_actual


def test_account_identities_use_the_account_provider_and_the_workspace_id(tmp_path):
    files = _render(_uc_repo(tmp_path / "repo"))
    acc = files["mlenv_acc.tf"]
    for call in ("acc_service_principals", "acc_group"):
        assert "providers = { databricks = databricks.account }" in _between(acc, f'module "{call}"')
    assert acc.count("providers = { databricks = databricks.account }") == 2
    assert "workspace_id = 1234567890123456" in acc
    assert acc.count("depends_on = [module.acc_group]") == 3
    assert "databricks.account" in files["mlenv_workspace.tf"]
    providers = files["mlenv_providers.tf"]
    assert 'alias = "account"' in providers and 'host  = "https://accounts.azuredatabricks.net"' in providers
    assert "DATABRICKS_ACCOUNT_ID" in providers and "account_id" not in providers.replace("ACCOUNT_ID", "")


def test_external_identities_create_no_identity(tmp_path):
    root = _uc_repo(tmp_path / "repo", settings_extra="identities: external\n")
    files = _render(root)
    text = _terraform(files)
    assert "./modules/account-service-principals" not in text and "./modules/account-group" not in text
    assert "resource " not in text
    acc = files["mlenv_acc.tf"]
    assert 'source    = "./modules/external-identities"' in acc
    assert 'groups = ["apps_acc", "data-scientists"]' in acc
    assert acc.count("depends_on = [module.acc_identities]") == 3
    assert 'groups = ["apps_all"]' in files["mlenv_workspace.tf"]
    prod = files["mlenv_prod.tf"]
    assert 'groups = ["apps_prod", "auditors"]' in prod
    test = files["tests/terraform/mlenv_permissions.tftest.hcl"]
    assert "jsonencode(module.acc_identities.service_principals) == jsonencode([" in test
    assert 'jsonencode(module.all_principals_group.groups) == jsonencode(["apps_all"])' in test
    assert "identity provider" in files["mlenv_providers.tf"]


def test_an_owner_group_is_set_explicitly_and_not_mocked(tmp_path):
    root = _uc_repo(tmp_path / "repo", unity_catalog_extra="  owner_group: ml-platform\n")
    files = _render(root)
    acc = files["mlenv_acc.tf"]
    assert 'catalog_owner   = "ml-platform"' in acc and 'schema_owner    = "ml-platform"' in acc
    test = files["tests/terraform/mlenv_permissions.tftest.hcl"]
    assert 'mock_resource "databricks_catalog"' not in test
    assert 'jsonencode(module.acc_uc.catalog_owner) == jsonencode("ml-platform")' in test


def test_catalogs_governed_elsewhere_get_no_catalog_grants(tmp_path):
    root = _uc_repo(tmp_path / "repo", unity_catalog_extra="  storage_root_pattern: s3://ml/{env}\n")
    assert 'storage_root    = "s3://ml/acc"' in _render(root)["mlenv_acc.tf"]
    other = _uc_repo(tmp_path / "other")
    settings = other / "environments/workspace.yaml"
    settings.write_text(settings.read_text().replace("manage_catalogs: true", "manage_catalogs: false"))
    files = _render(other)
    acc = files["mlenv_acc.tf"]
    assert "manage_catalog = false" in acc
    assert "catalog_grants" not in acc and "catalog_owner" not in acc and "storage_root" not in acc
    test = files["tests/terraform/mlenv_permissions.tftest.hcl"]
    assert "jsonencode(module.acc_uc.catalog_grants) == jsonencode([])" in test
    assert "module.acc_uc.catalog_owner" not in test


@pytest.mark.parametrize("path", ["mlenv_acc.tf", "mlenv_workspace.tf", "tests/terraform/mlenv_permissions.tftest.hcl"])
def test_the_workspace_registry_is_unchanged(path):
    files = _render(REPOSITORY)
    assert files[path] == (REPOSITORY / path).read_text(encoding="utf-8")
    assert "mlenv_providers.tf" not in files
    assert "databricks.account" not in _terraform(files)


def test_switching_back_to_the_workspace_registry_removes_the_providers_file(tmp_path):
    root = _uc_repo(tmp_path / "repo")
    assert "mlenv_providers.tf" in _render(root)
    write(root, "environments/workspace.yaml", "all_principals_group: apps_all\n")
    assert "mlenv_providers.tf" not in _render(root)
