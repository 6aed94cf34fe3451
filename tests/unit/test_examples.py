"""The shipped example manifests reproduce the article's design, and the committed output is current."""

from __future__ import annotations

import json
import shutil

from tests.support.repository import REPOSITORY, run_module

ACC_SP = "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01"
PREPROD_SP = "7c4d2e9a-1b3f-4a6c-8d5e-2f9a0b1c3d02"
PROD_SP = "b18e5f3c-9d2a-4e7b-a6c1-3d0f4e5a6b03"
TF = "0d6e4c2b-5a7f-4e1d-9b3c-8f2a6e4d1c05"  # terraform_identity in environments/workspace.yaml

# The default policy (README, docs/ARCHITECTURE.md), written out for the example manifests (plus their reader groups).
EXPECTED_EXPLICIT = {
    ("acc", "group", "apps_acc", ACC_SP, "service_principal", "MEMBER"),
    ("acc", "group", "apps_all", "apps_acc", "group", "MEMBER"),
    ("acc", "directory", "/experiments/acc", "apps_acc", "group", "CAN_MANAGE"),
    ("acc", "directory", "/experiments/acc", "data-scientists", "group", "CAN_READ"),
    ("acc", "registered_model", "churn_acc", "apps_acc", "group", "CAN_MANAGE_STAGING_VERSIONS"),
    ("acc", "registered_model", "fraud_acc", "apps_acc", "group", "CAN_MANAGE_STAGING_VERSIONS"),
    ("acc", "registered_model", "fraud_acc", "data-scientists", "group", "CAN_READ"),
    ("preprod", "group", "apps_preprod", PREPROD_SP, "service_principal", "MEMBER"),
    ("preprod", "group", "apps_all", "apps_preprod", "group", "MEMBER"),
    ("preprod", "directory", "/experiments/preprod", "apps_preprod", "group", "CAN_MANAGE"),
    ("preprod", "registered_model", "churn_preprod", "apps_preprod", "group", "CAN_MANAGE_STAGING_VERSIONS"),
    ("preprod", "registered_model", "fraud_preprod", "apps_preprod", "group", "CAN_MANAGE_STAGING_VERSIONS"),
    ("prod", "group", "apps_prod", PROD_SP, "service_principal", "MEMBER"),
    ("prod", "group", "apps_all", "apps_prod", "group", "MEMBER"),
    ("prod", "directory", "/experiments/prod", "apps_prod", "group", "CAN_MANAGE"),
    ("prod", "registered_model", "churn_prod", "apps_prod", "group", "CAN_MANAGE_PRODUCTION_VERSIONS"),
    ("prod", "registered_model", "fraud_prod", "apps_prod", "group", "CAN_MANAGE_PRODUCTION_VERSIONS"),
}
EXPECTED_IMPLICIT = {
    *{(env, "directory", f"/experiments/{env}", "admins", "group", "CAN_MANAGE") for env in ("acc", "preprod", "prod")},
    *{
        (env, "registered_model", f"{model}_{env}", "admins", "group", "CAN_MANAGE")
        for env in ("acc", "preprod", "prod")
        for model in ("churn", "fraud")
    },
    *{
        (env, "registered_model", f"{model}_{env}", TF, "service_principal", "CAN_MANAGE")
        for env in ("acc", "preprod", "prod")
        for model in ("churn", "fraud")
    },
}


def _as_tuple(row: dict) -> tuple:
    return (
        row["environment"],
        row["object_type"],
        row["object"],
        row["principal"],
        row["principal_type"],
        row["permission_level"],
    )


def test_permissions_json_shows_exactly_the_design_table(mlenv):
    result = mlenv("--repository", REPOSITORY, "permissions", "--format", "json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert all(
        list(row)
        == [
            "environment",
            "object_type",
            "object",
            "principal",
            "principal_type",
            "permission_level",
            "implicit",
            "principal_name",
            "source",
        ]
        for row in rows
    )
    by_principal = {row["principal"]: row["principal_name"] for row in rows}
    assert by_principal[PROD_SP] == "ml-prod-runner" and by_principal[TF] == "Terraform identity"
    assert all(bool(row["source"]) != row["implicit"] for row in rows), "every explicit grant names its manifest line"
    assert any(row["source"] == "environments/prod.yaml:6" for row in rows if row["principal"] == PROD_SP)
    assert {_as_tuple(row) for row in rows if not row["implicit"]} == EXPECTED_EXPLICIT
    assert {_as_tuple(row) for row in rows if row["implicit"]} == EXPECTED_IMPLICIT
    assert len(rows) == len(EXPECTED_EXPLICIT) + len(EXPECTED_IMPLICIT)
    sort_keys = [(r["environment"], r["object_type"], r["object"], r["principal_type"], r["principal"]) for r in rows]
    assert sort_keys == sorted(sort_keys)


def test_rendered_terraform_carries_the_same_grants(mlenv):
    """The access lists in the generated root equal the explicit grants of the permission model."""
    result = mlenv("--repository", REPOSITORY, "permissions", "--format", "json")
    rows = json.loads(result.out)
    text = "".join((REPOSITORY / f"mlenv_{env}.tf").read_text() for env in ("acc", "preprod", "prod"))
    access_entries = text.count("permission_level")
    explicit_access = [row for row in rows if not row["implicit"] and row["object_type"] != "group"]
    assert access_entries == len(explicit_access)
    for row in explicit_access:
        assert f'group_name       = "{row["principal"]}"\n' in text
        assert f'permission_level = "{row["permission_level"]}"' in text
    assert "CAN_MANAGE_PRODUCTION_VERSIONS" not in (REPOSITORY / "mlenv_acc.tf").read_text()
    assert "CAN_MANAGE_STAGING_VERSIONS" not in (REPOSITORY / "mlenv_prod.tf").read_text()


def test_permissions_env_filter_and_csv(mlenv):
    result = mlenv("--repository", REPOSITORY, "permissions", "--env", "prod", "--format", "csv")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == (
        "environment,object_type,object,principal,principal_type,permission_level,implicit,principal_name,source"
    )
    assert all(line.startswith("prod,") for line in lines[1:])
    assert len(lines) == 1 + 10  # 2 memberships, 2 directory grants, 3 grants on each of 2 models


def test_unknown_env_filter_is_invalid_input(mlenv):
    result = mlenv("--repository", REPOSITORY, "permissions", "--env", "nope")
    assert result.code == 2
    assert "no environment named 'nope'" in result.err and "acc, preprod, prod" in result.err


def test_committed_generated_files_are_current():
    result = run_module("--repository", REPOSITORY, "render", "--check")
    assert result.code == 0, f"generated files are stale; run `mlenv render`:\n{result.err}"


def test_render_is_deterministic(repo, mlenv, tmp_path):
    assert mlenv("--repository", repo, "render").code == 0
    first = {path.relative_to(repo): path.read_bytes() for path in repo.rglob("*") if path.is_file()}
    second_repo = tmp_path / "second"
    shutil.copytree(repo, second_repo)
    for path in first:
        if path.name.startswith("mlenv_") or path.parts[0] in ("permissions", "schema"):
            (second_repo / path).unlink()
    assert mlenv("--repository", second_repo, "render").code == 0
    second = {path.relative_to(second_repo): path.read_bytes() for path in second_repo.rglob("*") if path.is_file()}
    assert first == second


def test_every_generated_file_has_a_header_naming_its_sources(repo, mlenv):
    assert mlenv("--repository", repo, "render").code == 0
    acc = (repo / "mlenv_acc.tf").read_text()
    assert acc.startswith("# Generated by mlenv from environments/acc.yaml, environments/workspace.yaml.")
    assert (
        (repo / "permissions/prod.md")
        .read_text()
        .startswith("<!-- Generated by mlenv from environments/prod.yaml, environments/workspace.yaml.")
    )
    assert (repo / "permissions/workspace.csv").read_text().startswith("environment,object_type,object,")
    document = json.loads((repo / "permissions/workspace.json").read_text())
    assert document["generated"].startswith("Generated by mlenv from environments/acc.yaml")
    assert (repo / "tests/terraform/mlenv_permissions.tftest.hcl").read_text().startswith("# Generated by mlenv")
    schema = json.loads((repo / "schema/environment.schema.json").read_text())
    assert schema["$comment"].startswith("Generated by mlenv from generator/manifests/manifest.py")


def test_markdown_report_explains_each_level(repo, mlenv):
    assert mlenv("--repository", repo, "render").code == 0
    report = (repo / "permissions/prod.md").read_text()
    assert (
        "| `churn_prod` | registered_model | `apps_prod` | group | CAN_MANAGE_PRODUCTION_VERSIONS | no | "
        "what CAN_MANAGE_STAGING_VERSIONS allows, plus move versions into and out of Production" in report
    )
    assert (
        f"| `churn_prod` | registered_model | `{TF}` (Terraform identity) | service_principal | CAN_MANAGE | yes |"
        in report
    )
    assert "| `/experiments/prod` | directory | `admins` | group | CAN_MANAGE | yes |" in report
    assert (
        "CAN_MANAGE | yes | everything: what CAN_MANAGE_PRODUCTION_VERSIONS allows (moving versions into and out of "
        "Production included)" in report
    )


UC_EXAMPLE = REPOSITORY / "examples/unity-catalog"


def test_unity_catalog_example_is_manifest_driven_and_current():
    """examples/unity-catalog is rendered from its manifests with --repository, like the repository itself."""
    assert (UC_EXAMPLE / "modules").is_symlink() and (UC_EXAMPLE / "modules/uc-catalog/main.tf").is_file()
    assert run_module("--repository", UC_EXAMPLE, "validate").code == 0
    result = run_module("--repository", UC_EXAMPLE, "render", "--check")
    assert result.code == 0, (
        f"examples/unity-catalog is stale; run `mlenv --repository examples/unity-catalog render`:\n{result.err}"
    )
    assert 'version = "~> 1.126"' in (UC_EXAMPLE / "versions.tf").read_text()
    assert 'required_version = ">= 1.9"' in (UC_EXAMPLE / "versions.tf").read_text()


def test_unity_catalog_example_shows_the_design_table(mlenv):
    result = mlenv("--repository", UC_EXAMPLE, "permissions", "--format", "json")
    assert result.code == 0, result.err
    explicit = {_as_tuple(row) for row in json.loads(result.out) if not row["implicit"]}
    assert {
        ("acc", "catalog", "ml_acc", "apps_acc", "group", "USE_CATALOG"),
        ("acc", "schema", "ml_acc.models", "data-scientists", "group", "USE_SCHEMA"),
        ("acc", "registered_model", "ml_acc.models.fraud", "data-scientists", "group", "EXECUTE"),
        ("prod", "registered_model", "ml_prod.models.churn", "apps_prod", "group", "OWNER"),
        ("prod", "registered_model", "ml_prod.models.fraud", "auditors", "group", "EXECUTE"),
        ("prod", "catalog", "ml_prod", "auditors", "group", "USE_CATALOG"),
        ("acc", "group", "apps_acc", "ml-acc-batch", "service_principal", "MEMBER"),
    } <= explicit
    assert not any(row[0] == "prod" and row[3].startswith("apps_") and row[3] != "apps_prod" for row in explicit)
