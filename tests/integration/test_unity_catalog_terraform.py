"""The Unity Catalog example with real Terraform and the real provider: validate, and the generated root
test that proves every owner, grant and membership of the plan equals the permission model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.repository import REPOSITORY, run_module

EXAMPLE = REPOSITORY / "examples/unity-catalog"
MODULES = sorted(path.parent.name for path in (REPOSITORY / "modules").glob("*/main.tf"))
ROOT_TEST_PASSED = "tests/terraform/mlenv_permissions.tftest.hcl... pass"

pytestmark = pytest.mark.terraform


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of examples/unity-catalog (its ``modules`` symlink copied as the directory it points to)."""
    root = tmp_path / "unity-catalog"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".terraform*"))
    return root


def test_validate_terraform_passes_on_the_example(example):
    result = run_module("--repository", example, "validate", "--terraform")
    assert result.code == 0, result.out + result.err
    assert f"terraform: {2 * (1 + len(MODULES))} steps passed" in result.out  # init + validate: root, modules


def test_validate_terraform_passes_in_place_through_the_modules_symlink(tmp_path):
    """The example as committed, ``modules`` a symlink to the repository's modules two levels up; laid out the
    same way in a temporary directory, so that Terraform's working files never land in the repository's tree."""
    shutil.copytree(REPOSITORY / "modules", tmp_path / "modules", ignore=shutil.ignore_patterns(".terraform*"))
    in_place = tmp_path / "examples/unity-catalog"
    shutil.copytree(EXAMPLE, in_place, symlinks=True, ignore=shutil.ignore_patterns(".terraform*"))
    assert (in_place / "modules").is_symlink() and (in_place / "modules/uc-catalog/main.tf").is_file()
    result = run_module("--repository", in_place, "validate", "--terraform")
    assert result.code == 0, result.out + result.err


def test_the_generated_root_test_passes(example):
    result = run_module("--repository", example, "tftest")
    assert result.code == 0, result.out + result.err
    assert ROOT_TEST_PASSED in result.out
    assert result.out.count("Failure!") == 0


@pytest.mark.parametrize(
    "path, original, tampered",
    [
        # an extra privilege on a production model
        (
            "mlenv_prod.tf",
            '"auditors"\n          privileges = ["EXECUTE"]',
            '"auditors"\n          privileges = ["EXECUTE", "APPLY_TAG"]',
        ),
        # a reader left out of the catalog
        (
            "mlenv_acc.tf",
            '    {\n      principal  = "data-scientists"\n      privileges = ["USE_CATALOG"]\n    },\n',
            "",
        ),
        # an owner the permission model does not name
        ("mlenv_prod.tf", "  production      = true\n", '  production      = true\n  catalog_owner   = "apps_acc"\n'),
        # models owned by another group
        ("mlenv_acc.tf", 'owner        = "apps_acc"', 'owner        = "apps_preprod"'),
        # a member the permission model does not have
        (
            "mlenv_prod.tf",
            "member_ids   = module.prod_service_principals.ids",
            'member_ids   = merge(module.prod_service_principals.ids, { intruder = "1" })',
        ),
    ],
)
def test_the_root_test_fails_when_terraform_differs_from_the_permission_model(example, path, original, tampered):
    file = example / path
    text = file.read_text()
    assert original in text
    file.write_text(text.replace(original, tampered, 1))
    result = run_module("--repository", example, "tftest")
    assert result.code == 1
    assert "differ from the permission model" in result.out + result.err


def test_external_identities_render_validate_and_pass_their_test(example):
    settings = example / "environments/workspace.yaml"
    settings.write_text(settings.read_text().replace("identities: account\n", "identities: external\n"))
    assert run_module("--repository", example, "render").code == 0
    assert "external-identities" in (example / "mlenv_acc.tf").read_text()
    validated = run_module("--repository", example, "validate", "--terraform")
    assert validated.code == 0, validated.out + validated.err
    tested = run_module("--repository", example, "tftest")
    assert tested.code == 0, tested.out + tested.err
    assert ROOT_TEST_PASSED in tested.out


@pytest.mark.parametrize("identities", ["account", "external"])
def test_the_example_with_one_state_per_environment_validates_and_passes_every_root_test(example, identities):
    """The example's manifests with ``state: per_environment``: every root (the shared one and each
    environment's) validates against the real provider and its generated test passes. The example's hand-written
    main.tf reads the environments' module outputs, which per-environment roots keep in their own states."""
    (example / "main.tf").unlink()
    settings = example / "environments/workspace.yaml"
    text = settings.read_text().replace("identities: account", f"identities: {identities}")
    settings.write_text(text + "state: per_environment\n")
    assert run_module("--repository", example, "render").code == 0
    assert sorted(path.name for path in (example / "roots").iterdir()) == ["acc", "preprod", "prod"]
    validate = run_module("--repository", example, "validate", "--terraform")
    assert validate.code == 0, validate.out + validate.err
    tests = run_module("--repository", example, "tftest")
    assert tests.code == 0, tests.out + tests.err
    assert tests.out.count("mlenv_permissions.tftest.hcl... pass") == 4, "the shared root's test and three more"
