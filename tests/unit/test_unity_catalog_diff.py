"""mlenv diff of the migration from the Workspace Model Registry to Unity Catalog (and back), on a git repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.repository import TERRAFORM_IDENTITY, UC_SETTINGS, commit_everything, git, write


@pytest.fixture
def migration(repo: Path) -> Path:
    """Tag ``workspace``: the example manifests (Workspace Model Registry); tag ``uc``: the same in Unity Catalog."""
    commit_everything(repo, "workspace registry")
    git(repo, "tag", "workspace")
    write(repo, "environments/workspace.yaml", UC_SETTINGS)
    prod = repo / "environments/prod.yaml"  # Unity Catalog models take no tags (rule uc-model-tags)
    prod.write_text(prod.read_text().replace("    tags:\n      owner: risk-team\n", ""))
    commit_everything(repo, "unity catalog")
    git(repo, "tag", "uc")
    return repo


def test_the_migration_lists_objects_forgotten_and_created_and_who_holds_what(migration, mlenv):
    result = mlenv("--repository", migration, "diff", "workspace", "uc", "--exit-code")
    assert result.code == 1, result.err
    text = result.out
    registry, _, rest = text.partition("### Objects created and deleted (18)")
    assert "### Registry: Workspace Model Registry → Unity Catalog" in registry
    assert "nothing is deleted" in registry and "`mlenv migrate` copies the versions" in registry
    assert "objects deleted" not in rest  # the workspace-registry models are forgotten (removed blocks), kept
    for row in (
        "| forgotten | prod (production) | registered_model `churn_prod` | kept in the workspace with every version",
        "| created | prod (production) | catalog `ml_prod` | created |",
        "| created | prod (production) | schema `ml_prod.models` | created |",
        "| created | prod (production) | registered_model `ml_prod.models.churn` | created (before any job can "
        "create it) |",
    ):
        assert row in rest
    model = "`churn_prod` → `ml_prod.models.churn`"
    for row in (
        f"| prod (production) | {model} | group `apps_prod` | CAN_MANAGE_PRODUCTION_VERSIONS | OWNER |",
        f"| prod (production) | {model} | group `admins` | CAN_MANAGE (implicit) | none |",
        f"| prod (production) | {model} | group `metastore admins` | none | MANAGE (implicit, from `ml_prod`) |",
        f"| prod (production) | {model} | service_principal `{TERRAFORM_IDENTITY}` (Terraform identity) | "
        "CAN_MANAGE (implicit) | OWNER (implicit, owner of `ml_prod`, `ml_prod.models`) |",
        "| acc | `fraud_acc` → `ml_acc.models.fraud` | group `data-scientists` | CAN_READ | EXECUTE |",
    ):
        assert row in registry
    production = rest.partition("### Production (6 changes)")[2].partition("### Other environments")[0]
    removed = (
        "| removed | prod | registered_model `churn_prod` | group `apps_prod` | CAN_MANAGE_PRODUCTION_VERSIONS |  |"
    )
    assert removed in production
    assert "| added | prod | catalog `ml_prod` | group `apps_prod` |  | USE_CATALOG |" in production
    assert "Not listed: 21 implicit grants (admins, metastore admins, the identity running Terraform)" in text
    assert 'cat_ml__prod[["ml_prod<br/>catalog"]]' in text.partition("### Picture")[2]


def test_the_migration_as_json(migration, mlenv):
    result = mlenv("--repository", migration, "diff", "workspace", "uc", "--format", "json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["registry"] == {"base": "workspace", "head": "unity_catalog"}
    assert document["production"] is True
    changes = {(o["change"], o["object_type"], o["object"]) for o in document["objects"]}
    assert {
        ("forgotten", "registered_model", "churn_prod"),
        ("created", "catalog", "ml_prod"),
        ("created", "schema", "ml_prod.models"),
        ("created", "registered_model", "ml_prod.models.churn"),
    } <= changes
    move = next(m for m in document["moves"] if m["before_model"] == "churn_prod" and m["principal"] == "apps_prod")
    assert move["after_model"] == "ml_prod.models.churn"
    assert move["before"] == [{"level": "CAN_MANAGE_PRODUCTION_VERSIONS", "inherited_from": "", "implicit": False}]
    assert move["after"] == [{"level": "OWNER", "inherited_from": "", "implicit": False}]


def test_going_back_and_staying_in_unity_catalog(migration, mlenv):
    back = mlenv("--repository", migration, "diff", "uc", "workspace")
    assert back.code == 0, back.err
    assert "### Registry: Unity Catalog → Workspace Model Registry" in back.out
    assert "signature" not in back.out.partition("### Objects")[0]
    assert "| prod (production) | `ml_prod.models.churn` → `churn_prod` | group `apps_prod` | OWNER |" in back.out
    prod = migration / "environments/prod.yaml"
    prod.write_text(prod.read_text().replace("  - churn\n", "  - churn\n  - name: upsell\n    readers: [auditors]\n"))
    within = mlenv("--repository", migration, "diff", "uc")
    assert within.code == 0, within.err
    assert "### Registry" not in within.out
    assert "| created | prod (production) | registered_model `ml_prod.models.upsell` |" in within.out
    assert "| added | prod | registered_model `ml_prod.models.upsell` | group `auditors` |  | EXECUTE |" in within.out
    document = json.loads(mlenv("--repository", migration, "diff", "uc", "--format", "json").out)
    assert document["registry"] == {"base": "unity_catalog", "head": "unity_catalog"} and document["moves"] == []
