"""Real Terraform with the real Databricks provider (offline mirror): validate and terraform test."""

from __future__ import annotations

import re

import pytest

from tests.support.repository import REPOSITORY, run_module

MODULES = sorted(path.parent.name for path in (REPOSITORY / "modules").glob("*/main.tf"))


def test_every_module_follows_the_registry_layout():
    assert {
        "experiment-directory",
        "group",
        "registered-models",
        "service-principals",
        "uc-catalog",
        "uc-models",
        "account-group",
        "account-service-principals",
    } <= set(MODULES)
    for module in MODULES:
        directory = REPOSITORY / "modules" / module
        for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md"):
            assert (directory / name).is_file(), f"{module}/{name} missing"
        assert list((directory / "tests").glob("*.tftest.hcl")), f"{module} has no terraform tests"
        variables = (directory / "variables.tf").read_text()
        for block in re.findall(r'variable "[^"]+" \{.*?\n\}', variables, re.S):
            assert "description" in block and "type" in block, block


@pytest.mark.terraform
def test_validate_terraform_passes_on_the_examples(rendered, mlenv):
    result = run_module("--repository", rendered, "validate", "--terraform")
    assert result.code == 0, result.out + result.err
    assert f"terraform: {2 * (1 + len(MODULES))} steps passed" in result.out  # init + validate: root, modules


@pytest.mark.terraform
@pytest.mark.parametrize(
    "module, original, broken",
    [
        ("group", "display_name = var.display_name", "dispaly_name = var.display_name"),
        (
            "experiment-directory",
            "directory_path = databricks_directory.this.path",
            "directory_pth = databricks_directory.this.path",
        ),
        ("registered-models", 'dynamic "access_control"', 'dynamic "access_controls"'),
        (
            "service-principals",
            "application_id = each.value.application_id",
            "aplication_id = each.value.application_id",
        ),
    ],
)
def test_validate_terraform_fails_on_a_schema_error(rendered, mlenv, module, original, broken):
    main = rendered / "modules" / module / "main.tf"
    text = main.read_text()
    assert original in text
    main.write_text(text.replace(original, broken, 1))
    result = run_module("--repository", rendered, "validate", "--terraform")
    assert result.code == 1
    assert "terraform validate failed" in result.err or "terraform init failed" in result.err


@pytest.mark.terraform
def test_module_and_root_terraform_tests_pass(rendered, mlenv):
    result = run_module("--repository", rendered, "tftest")
    assert result.code == 0, result.out + result.err
    assert "tests/terraform/mlenv_permissions.tftest.hcl... pass" in result.out
    assert result.out.count("Failure!") == 0
    assert f"terraform: {2 * (len(MODULES) + 1)} steps passed" in result.out


@pytest.mark.terraform
@pytest.mark.parametrize("tamper", ["extra_grant", "missing_grant", "changed_level", "extra_member"])
def test_root_test_fails_when_terraform_differs_from_the_permission_model(rendered, mlenv, tamper):
    path = rendered / "mlenv_prod.tf"
    text = path.read_text()
    grant = (
        '        {\n          group_name       = "apps_prod"\n'
        '          permission_level = "CAN_MANAGE_PRODUCTION_VERSIONS"\n        },\n'
    )
    assert grant in text
    if tamper == "extra_grant":
        text = text.replace(
            grant,
            grant + '        {\n          group_name       = "apps_acc"\n'
            '          permission_level = "CAN_READ"\n        },\n',
            1,
        )
    elif tamper == "missing_grant":
        path = rendered / "mlenv_acc.tf"
        text = path.read_text()
        reader = (
            '        {\n          group_name       = "data-scientists"\n'
            '          permission_level = "CAN_READ"\n        },\n'
        )
        assert reader in text
        text = text.replace(reader, "", 1)
    elif tamper == "changed_level":
        text = text.replace(grant, grant.replace("CAN_MANAGE_PRODUCTION_VERSIONS", "CAN_MANAGE_STAGING_VERSIONS"), 1)
    else:
        text = text.replace(
            "member_ids   = module.prod_service_principals.ids",
            'member_ids   = merge(module.prod_service_principals.ids, { intruder = "1" })',
        )
    path.write_text(text)
    result = run_module("--repository", rendered, "tftest")
    assert result.code == 1
    assert "differ from the permission model" in result.out + result.err


@pytest.mark.terraform
def test_backend_from_workspace_yaml_renders_and_validates(rendered, mlenv):
    settings = rendered / "environments/workspace.yaml"
    settings.write_text(
        settings.read_text() + "backend:\n  type: azurerm\n  config:\n"
        "    storage_account_name: mlenvstate\n    container_name: tfstate\n"
        "    key: mlenv.tfstate\n    resource_group_name: rg-mlenv\n    use_azuread_auth: true\n"
    )
    assert mlenv("--repository", rendered, "render").code == 0
    backend = (rendered / "mlenv_backend.tf").read_text()
    assert (
        '  backend "azurerm" {\n    container_name       = "tfstate"\n    key                  = "mlenv.tfstate"\n'
        '    resource_group_name  = "rg-mlenv"\n    storage_account_name = "mlenvstate"\n'
        "    use_azuread_auth     = true\n  }\n"
    ) in backend
    result = run_module("--repository", rendered, "validate", "--terraform")
    assert result.code == 0, result.out + result.err
    settings.write_text(settings.read_text().split("backend:")[0])
    assert mlenv("--repository", rendered, "render").code == 0
    assert not (rendered / "mlenv_backend.tf").exists()
