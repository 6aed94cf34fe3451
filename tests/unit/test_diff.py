"""mlenv diff on a temporary git repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.repository import commit_everything, git, write


@pytest.fixture
def history(repo: Path) -> Path:
    commit_everything(repo, "base")
    git(repo, "tag", "base")
    prod = repo / "environments/prod.yaml"
    prod.write_text(prod.read_text().replace("  - churn\n", "  - churn\n  - name: upsell\n    readers: [auditors]\n"))
    acc = repo / "environments/acc.yaml"
    acc.write_text(acc.read_text().replace("experiment_readers: [data-scientists]\n", ""))
    write(
        repo,
        "environments/teamx.yaml",
        "production: false\nservice_principals:\n  - application_id: 11111111-2222-4333-8444-555555555555\n",
    )
    commit_everything(repo, "change")
    return repo


def test_diff_lists_created_objects_then_production_changes_first(history, mlenv):
    result = mlenv("--repository", history, "diff", "base", "HEAD")
    assert result.code == 0, result.err
    text = result.out
    assert text.startswith("## Access changes: `base` → `HEAD`\n")
    assert "### Objects created and deleted (3)" in text
    assert (
        "| created | prod (production) | registered_model `upsell_prod` | created (before any job can create it) |"
        in text
    )
    assert "| created | teamx | directory `/experiments/teamx` | created |" in text
    production, _, others = text.partition("### Other environments")
    assert "### Production (2 changes)" in production
    assert (
        "| added | prod | registered_model `upsell_prod` | group `apps_prod` |  | CAN_MANAGE_PRODUCTION_VERSIONS |"
    ) in production
    assert "| added | prod | registered_model `upsell_prod` | group `auditors` |  | CAN_READ |" in production
    assert "(implicit)" not in text.partition("### Picture")[0]
    assert "Not listed: 3 implicit grants (admins, the identity running Terraform)" in text
    assert "| removed | acc | directory `/experiments/acc` | group `data-scientists` | CAN_READ |  |" in others
    assert (
        "| joins | teamx | group `apps_teamx` | service_principal `11111111-2222-4333-8444-555555555555` |  | MEMBER |"
        in others
    )
    assert "| joins | teamx | group `apps_all` | group `apps_teamx` |  | MEMBER |" in others
    assert "| added | teamx | directory `/experiments/teamx` | group `apps_teamx` |  | CAN_MANAGE |" in others


def test_without_head_the_working_tree_is_compared(history, mlenv):
    assert "No access changes." in mlenv("--repository", history, "diff", "HEAD").out
    acc = history / "environments/acc.yaml"
    acc.write_text(acc.read_text().replace("  - churn\n", ""))  # uncommitted
    result = mlenv("--repository", history, "diff", "HEAD")
    assert result.out.startswith("## Access changes: `HEAD` → `working tree`\n")
    assert (
        "| removed | acc | registered_model `churn_acc` | group `apps_acc` | CAN_MANAGE_STAGING_VERSIONS |  |"
        in result.out
    )


def test_a_renamed_model_is_a_deletion_and_says_so(history, mlenv):
    preprod = history / "environments/preprod.yaml"
    preprod.write_text(preprod.read_text().replace("fraud", "fraud2"))
    result = mlenv("--repository", history, "diff", "HEAD", "--exit-code")
    assert result.code == 1
    assert "> **1 object deleted.** `mlenv apply` refuses deletions unless given `--allow-destroy`" in result.out
    assert (
        "| deleted | preprod | registered_model `fraud_preprod` | deleted with every version in it (a renamed model "
        "is a new, empty one) |"
    ) in result.out
    assert "| created | preprod | registered_model `fraud2_preprod` |" in result.out
    assert result.out.index("deleted | preprod") < result.out.index("created | preprod")


def test_json_says_whether_production_changes(history, mlenv):
    import json

    document = json.loads(mlenv("--repository", history, "diff", "base", "HEAD", "--format", "json").out)
    assert document["production"] is True and document["head"] == "HEAD"
    assert {"object": "upsell_prod", "change": "created", "production": True}.items() <= next(
        change for change in document["objects"] if change["object"] == "upsell_prod"
    ).items()
    acc = history / "environments/acc.yaml"
    acc.write_text(acc.read_text().replace("  - churn\n", ""))
    document = json.loads(mlenv("--repository", history, "diff", "HEAD", "--format", "json").out)
    assert document["production"] is False and document["objects"][0]["change"] == "deleted"


def test_level_change_and_leaving_member(history, mlenv):
    prod = history / "environments/prod.yaml"
    prod.write_text(
        prod.read_text()
        .replace("production: true", "production: false")
        .replace(
            "service_principals:\n  - application_id: b18e5f3c-9d2a-4e7b-a6c1-3d0f4e5a6b03\n"
            "    display_name: ml-prod-runner\n",
            "service_principals: []\n",
        )
    )
    git(history, "commit", "-q", "-am", "demote prod")
    result = mlenv("--repository", history, "diff", "HEAD~1", "HEAD", "--exit-code")
    assert result.code == 1
    assert (
        "| level changed | prod | registered_model `churn_prod` | group `apps_prod` | "
        "CAN_MANAGE_PRODUCTION_VERSIONS | CAN_MANAGE_STAGING_VERSIONS |"
    ) in result.out
    assert (
        "| leaves | prod | group `apps_prod` | service_principal `b18e5f3c-9d2a-4e7b-a6c1-3d0f4e5a6b03` | MEMBER |  |"
        in result.out
    )
    assert result.out.index("### Production") < result.out.index("level changed")


def test_no_changes(history, mlenv):
    result = mlenv("--repository", history, "diff", "HEAD", "HEAD", "--exit-code")
    assert result.code == 0 and "No access changes." in result.out


def test_bad_revision_and_invalid_manifests_are_exit_2(history, mlenv):
    result = mlenv("--repository", history, "diff", "no-such-branch")
    assert result.code == 2 and result.err.startswith("git: ")
    write(history, "environments/acc.yaml", "production: maybe\n")
    git(history, "commit", "-q", "-am", "break acc")
    result = mlenv("--repository", history, "diff", "base", "HEAD")
    assert result.code == 2
    assert result.err.startswith("HEAD:environments/acc.yaml:1: production must be true or false")
    result = mlenv("--repository", history, "diff", "base")
    assert result.code == 2
    assert result.err.startswith("environments/acc.yaml:1: production must be true or false")
