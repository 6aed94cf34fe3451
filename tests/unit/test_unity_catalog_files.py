"""Unity Catalog mode: the permission files show the design table of DESIGN.md section 7 in plain language,
list and explain the implicit access, stay deterministic, and leave workspace mode byte-identical."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from generator.model.levels import describe
from tests.support.repository import REPOSITORY, TERRAFORM_IDENTITY, UC_SETTINGS, unity_catalog_repository

IDENTITY = f"`{TERRAFORM_IDENTITY}` (Terraform identity"


@pytest.fixture(scope="module")
def uc_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from generator.cli import main

    root = unity_catalog_repository(tmp_path_factory.mktemp("uc-files") / "repo")
    assert main(["--repository", str(root), "render"]) == 0
    return root / "permissions"


def test_workspace_mode_files_are_unchanged(mlenv):
    result = mlenv("--repository", REPOSITORY, "render", "--check")
    assert result.code == 0, result.err
    assert result.out.endswith("generated files are up to date\n")


def test_each_environment_lists_its_securables_with_owner_and_privileges(uc_files):
    prod = (uc_files / "prod.md").read_text()
    assert "- Unity Catalog: catalog `ml_prod`, schema `ml_prod.models`" in prod
    assert "- Registered models: `ml_prod.models.churn`, `ml_prod.models.fraud`" in prod
    section = prod.split("## Unity Catalog\n", 1)[1].split("## Grants and memberships", 1)[0]
    # The design table: catalog and schema owned by the Terraform identity, USE_* for the environment group,
    # the models owned by the environment group.
    assert "| Securable | Type | Owner | Privileges |" in section
    assert (
        f"| `ml_prod` | catalog | {IDENTITY}, implicit) | `apps_prod`: USE_CATALOG; "
        "`metastore admins` (implicit): MANAGE |"
    ) in section
    assert f"| `ml_prod.models` | schema | {IDENTITY}, implicit) | `apps_prod`: USE_SCHEMA |" in section
    assert "| `ml_prod.models.churn` | registered model | `apps_prod` | none |" in section
    acc = (uc_files / "acc.md").read_text()
    assert "| `ml_acc.models.fraud` | registered model | `apps_acc` | `data-scientists`: EXECUTE |" in acc
    assert "`apps_acc`: USE_CATALOG; `data-scientists`: USE_CATALOG; `metastore admins` (implicit): MANAGE" in acc


def test_every_grant_says_in_plain_language_what_it_allows(uc_files):
    prod = (uc_files / "prod.md").read_text()
    model_owner = describe("registered_model", "OWNER")
    assert "creates versions, sets and deletes aliases" in model_owner
    assert f"| `ml_prod.models.churn` | registered_model | `apps_prod` | group | OWNER | no | {model_owner} |" in prod
    catalog_owner = describe("catalog", "OWNER")
    assert f"| service_principal | OWNER | yes | {catalog_owner} |" in prod
    assert f"| `apps_prod` | group | USE_CATALOG | no | {describe('catalog', 'USE_CATALOG')} |" in prod
    acc = (uc_files / "acc.md").read_text()
    execute = describe("registered_model", "EXECUTE")
    assert "download or load its versions" in execute
    assert f"| `data-scientists` | group | EXECUTE | no | {execute} |" in acc
    assert "owner-equivalent" in describe("catalog", "MANAGE")


def test_implicit_access_is_listed_and_explained(uc_files):
    for environment in ("acc", "preprod", "prod"):
        text = (uc_files / f"{environment}.md").read_text()
        implicit = text.split("### Implicit access\n", 1)[1].split("## Grants and memberships", 1)[0]
        catalog, schema = f"ml_{environment}", f"ml_{environment}.models"
        assert (
            f"- `metastore admins` (the metastore's admins, set in the account console) can change the owner of, "
            f"and manage the grants on, every object in the metastore, so they can give themselves any access; here "
            f"they hold MANAGE on catalog `{catalog}`"
        ) in implicit
        assert (
            f"- `{TERRAFORM_IDENTITY}` (Terraform identity) owns catalog `{catalog}` and schema `{schema}`: it can "
            f"grant itself any privilege on them and on everything below (`{schema}.churn`, `{schema}.fraud`), so "
            "it holds everything below"
        ) in implicit
    rows = list(csv.DictReader(io.StringIO((uc_files / "workspace.csv").read_text())))
    implicit_rows = {(r["object"], r["principal"], r["permission_level"]) for r in rows if r["implicit"] == "true"}
    assert ("ml_prod", "metastore admins", "MANAGE") in implicit_rows
    assert ("ml_prod", TERRAFORM_IDENTITY, "OWNER") in implicit_rows
    assert ("ml_prod.models", TERRAFORM_IDENTITY, "OWNER") in implicit_rows


def test_the_json_file_names_each_environment_s_catalog_schema_and_owner(uc_files):
    document = json.loads((uc_files / "workspace.json").read_text())
    assert document["environments"]["prod"] == {
        "production": True,
        "group": "apps_prod",
        "experiment_directory": "/experiments/prod",
        "models": ["ml_prod.models.churn", "ml_prod.models.fraud"],
        "catalog": "ml_prod",
        "catalog_managed": True,
        "schema": "ml_prod.models",
        "owner": TERRAFORM_IDENTITY,
    }
    grant = {"object": "ml_prod.models.churn", "principal": "apps_prod", "permission_level": "OWNER"}
    assert any(grant.items() <= row.items() for row in document["grants"])


def test_the_picture_draws_the_catalog_tree(uc_files):
    prod = (uc_files / "prod.md").read_text()
    assert "Thin `contains` arrows lead from the catalog to its schema and from the schema to its models" in prod
    assert "In Unity Catalog the implicit grants are those of the metastore admins and of the owner" in prod
    assert 'cat_ml__prod -->|"contains"| sch_ml__prod_2e_models' in prod


def test_rendering_is_deterministic(uc_files, tmp_path, mlenv):
    again = unity_catalog_repository(tmp_path / "again")
    assert mlenv("--repository", again, "render").code == 0
    for path in sorted(uc_files.iterdir()):
        assert (again / "permissions" / path.name).read_bytes() == path.read_bytes(), path.name
    check = mlenv("--repository", again, "render", "--check")
    assert check.code == 0 and "up to date" in check.out


def test_an_owner_group_and_production_readers_are_named(tmp_path, mlenv):
    root = unity_catalog_repository(
        tmp_path / "repo", UC_SETTINGS.replace("  schema: models\n", "  schema: models\n  owner_group: ml-platform\n")
    )
    prod_manifest = root / "environments/prod.yaml"
    reader = "  - name: churn\n    readers: [auditors]\n"
    prod_manifest.write_text(prod_manifest.read_text().replace("  - churn\n", reader))
    assert mlenv("--repository", root, "render").code == 0
    prod = (root / "permissions/prod.md").read_text()
    assert "| `ml_prod` | catalog | `ml-platform` | " in prod
    assert (
        "- `ml-platform` (`unity_catalog.owner_group`) owns catalog `ml_prod` and schema `ml_prod.models`: it can "
        "grant itself any privilege on them"
    ) in prod
    assert (
        "> **Production readers (explicit opt-in):** `auditors` can read and load production models of this "
        "environment (EXECUTE, with the USE_CATALOG and USE_SCHEMA to reach them)."
    ) in prod


def test_catalogs_governed_elsewhere_are_said_to_be(tmp_path, mlenv):
    settings = UC_SETTINGS.replace("  schema: models\n", "  schema: models\n  manage_catalogs: false\n")
    root = unity_catalog_repository(tmp_path / "repo", settings)
    assert mlenv("--repository", root, "render").code == 0
    acc = (root / "permissions/acc.md").read_text()
    assert "Catalog `ml_acc` exists already and is governed outside mlenv" in acc
    assert "| `ml_acc` | catalog |" not in acc
    assert f"- `{TERRAFORM_IDENTITY}` (Terraform identity) owns schema `ml_acc.models`:" in acc
    environments = json.loads((root / "permissions/workspace.json").read_text())["environments"]
    assert environments["acc"]["catalog_managed"] is False


def test_render_notes_a_catalog_and_schema_no_longer_declared(tmp_path, mlenv):
    root = unity_catalog_repository(tmp_path / "repo")
    assert mlenv("--repository", root, "render").code == 0
    settings = root / "environments/workspace.yaml"
    settings.write_text(settings.read_text().replace("ml_{env}", "models_{env}"))
    result = mlenv("--repository", root, "render")
    assert result.code == 0, result.err
    assert "note: catalog ml_prod (prod, production) is no longer declared: it will be deleted with everything" in (
        result.err
    )
    assert "note: schema ml_prod.models (prod, production) is no longer declared" in result.err
