"""mlenv diff on a temporary git repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.repository import write


def _git(root: Path, *arguments: str) -> None:
    subprocess.run(["git", "-C", str(root), *arguments], check=True, capture_output=True)


@pytest.fixture
def history(repo: Path) -> Path:
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "test@example.com")
    _git(repo, "config", "user.name", "Test")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    _git(repo, "tag", "base")
    prod = repo / "environments/prod.yaml"
    prod.write_text(prod.read_text().replace("  - churn\n", "  - churn\n  - name: upsell\n    readers: [auditors]\n"))
    acc = repo / "environments/acc.yaml"
    acc.write_text(acc.read_text().replace("experiment_readers: [data-scientists]\n", ""))
    write(
        repo,
        "environments/teamx.yaml",
        "production: false\nservice_principals:\n  - application_id: 11111111-2222-4333-8444-555555555555\n",
    )
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "change")
    return repo


def test_diff_lists_production_changes_first(history, mlenv):
    result = mlenv("--root", history, "diff", "base")
    assert result.code == 0, result.err
    text = result.out
    assert text.startswith("## Access changes: `base` → `HEAD`\n")
    production, _, others = text.partition("### Other environments")
    assert "### Production (4 changes)" in production
    assert (
        "| added | prod | registered_model `upsell_prod` | group `apps_prod` |  | CAN_MANAGE_PRODUCTION_VERSIONS |"
    ) in production
    assert "| added | prod | registered_model `upsell_prod` | group `auditors` |  | CAN_READ |" in production
    assert "| added (implicit) | prod | registered_model `upsell_prod` | group `admins` |  | CAN_MANAGE |" in production
    assert "| removed | acc | directory `/experiments/acc` | group `data-scientists` | CAN_READ |  |" in others
    assert (
        "| joins | teamx | group `apps_teamx` | service_principal `11111111-2222-4333-8444-555555555555` |  | MEMBER |"
        in others
    )
    assert "| joins | teamx | group `apps_all` | group `apps_teamx` |  | MEMBER |" in others
    assert "| added | teamx | directory `/experiments/teamx` | group `apps_teamx` |  | CAN_MANAGE |" in others


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
    _git(history, "commit", "-q", "-am", "demote prod")
    result = mlenv("--root", history, "diff", "HEAD~1", "HEAD", "--exit-code")
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
    result = mlenv("--root", history, "diff", "HEAD", "HEAD", "--exit-code")
    assert result.code == 0 and "No access changes." in result.out


def test_bad_revision_and_invalid_manifests_are_exit_2(history, mlenv):
    result = mlenv("--root", history, "diff", "no-such-branch")
    assert result.code == 2 and result.err.startswith("git: ")
    write(history, "environments/acc.yaml", "production: maybe\n")
    _git(history, "commit", "-q", "-am", "break acc")
    result = mlenv("--root", history, "diff", "base")
    assert result.code == 2
    assert result.err.startswith("HEAD:environments/acc.yaml:1: production must be true or false")
