"""The pre-commit hooks of .pre-commit-hooks.yaml, installed by pre-commit as a team would, in a team's clone.

The hook repository is a snapshot of what ``pip install`` reads from this working tree (the top-level
files and generator/, as git sees them, uncommitted changes included) plus .pre-commit-hooks.yaml,
committed under ``$MLENV_CACHE/pre-commit/`` in a directory named after its content (removed after a
week unused). pre-commit
installs it with pip from PyPI: ``try-repo`` into a temporary store every time (about 15 seconds
with pip's cache warm), a ``.pre-commit-config.yaml`` into ``PRE_COMMIT_HOME`` (also under
``$MLENV_CACHE/pre-commit/``), once per snapshot.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from generator.terraform.toolchain import cache_directory
from tests.support.repository import REPOSITORY
from tests.support.team_repository import commit, git, render, team_repository

HOOKS = ("mlenv-validate", "mlenv-render-check", "mlenv-module-docs-check")
pytestmark = pytest.mark.pre_commit


def _snapshot_files() -> list[str]:
    listed = git(REPOSITORY, "ls-files", "--cached", "--others", "--exclude-standard").splitlines()
    return sorted(
        {
            name
            for name in listed
            if ("/" not in name or name.startswith("generator/")) and (REPOSITORY / name).is_file()
        }
    )


def _hook_repository() -> Path:
    """The snapshot, created once per content (concurrent sessions may race: the first rename wins)."""
    files = _snapshot_files()
    assert ".pre-commit-hooks.yaml" in files
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode() + b"\0" + (REPOSITORY / name).read_bytes() + b"\0")
    home = cache_directory() / "pre-commit"
    target = home / f"hooks-{digest.hexdigest()[:16]}"
    if target.is_dir():
        os.utime(target)
        return target
    home.mkdir(parents=True, exist_ok=True)
    for old in home.glob("hooks-*"):  # snapshots of earlier working trees, unused for a week
        if time.time() - old.stat().st_mtime > 7 * 86400:
            shutil.rmtree(old, ignore_errors=True)
    building = Path(tempfile.mkdtemp(prefix="building-", dir=home))
    for name in files:
        (building / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPOSITORY / name, building / name)
    git(building, "init", "-q", "-b", "main")
    git(building, "add", "-A")
    git(building, "-c", "user.name=mlenv", "-c", "user.email=mlenv@example.com", "commit", "-q", "-m", "snapshot")
    try:
        building.rename(target)
    except OSError:
        shutil.rmtree(building)
    return target


def _pre_commit(root: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PRE_COMMIT_HOME": str(cache_directory() / "pre-commit" / "home"), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *arguments],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _hook_lines(output: str) -> dict[str, str]:
    """``{'mlenv validate': 'Passed', ...}`` from pre-commit's report."""
    lines = {}
    for line in output.splitlines():
        if line.startswith("mlenv ") and "..." in line:
            name, _, status = line.partition("...")
            lines[name.strip()] = status.strip(".").strip()
    return lines


@pytest.fixture
def team(tmp_path: Path) -> Path:
    return team_repository(tmp_path / "team", stand_in_deployer=False)


def test_try_repo_passes_on_a_team_repository(team: Path) -> None:
    result = _pre_commit(team, "try-repo", str(_hook_repository()), "--all-files")
    assert result.returncode == 0, result.stdout + result.stderr
    assert _hook_lines(result.stdout) == {
        "mlenv module-docs --check": "Passed",
        "mlenv render --check": "Passed",
        "mlenv validate": "Passed",
    }


def _git_commit(root: Path, message: str) -> subprocess.CompletedProcess[str]:
    """``git commit``, with the hooks' report (which git sends to standard error) as ``stdout``."""
    environment = {**os.environ, "PRE_COMMIT_HOME": str(cache_directory() / "pre-commit" / "home"), "NO_COLOR": "1"}
    return subprocess.run(
        ["git", "-C", str(root), "commit", "-q", "-m", message],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=900,
        check=False,
    )


def test_the_hooks_refuse_commits_with_stale_files_or_invalid_manifests(team: Path) -> None:
    hooks = _hook_repository()
    revision = git(hooks, "rev-parse", "HEAD").strip()
    listed = "\n".join(f"      - id: {hook}" for hook in HOOKS)
    (team / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {revision}\n    hooks:\n{listed}\n"
    )
    commit(team, "pre-commit hooks")
    installed = _pre_commit(team, "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr

    # A file none of the hooks looks at: every hook is skipped.
    (team / "NOTES.md").write_text("notes\n")
    git(team, "add", "NOTES.md")
    notes = _git_commit(team, "notes")
    assert notes.returncode == 0, notes.stdout
    assert set(_hook_lines(notes.stdout).values()) == {"(no files to check)Skipped"}

    # A manifest changed without mlenv render: refused, and the stale files are named.
    manifest = team / "environments/acc.yaml"
    manifest.write_text(manifest.read_text().replace("models:\n  - churn\n", "models:\n  - churn\n  - upsell\n"))
    git(team, "add", "environments")
    stale = _git_commit(team, "upsell in acc")
    assert stale.returncode == 1
    assert _hook_lines(stale.stdout) == {
        "mlenv validate": "Passed",
        "mlenv render --check": "Failed",
        "mlenv module-docs --check": "(no files to check)Skipped",
    }
    assert "mlenv_acc.tf" in stale.stdout and "permissions/acc.md" in stale.stdout

    # Rendered and added: the commit goes through.
    render(team)
    git(team, "add", "-A")
    rendered = _git_commit(team, "upsell in acc")
    assert rendered.returncode == 0, rendered.stdout

    # An invalid manifest is refused with its line.
    manifest.write_text(manifest.read_text().replace("models:", "modles:"))
    git(team, "add", "environments")
    invalid = _git_commit(team, "typo")
    assert invalid.returncode == 1
    assert _hook_lines(invalid.stdout)["mlenv validate"] == "Failed"
    assert "environments/acc.yaml:" in invalid.stdout and "unknown key 'modles'" in invalid.stdout
    git(team, "checkout", "-q", "HEAD", "--", "environments")

    # A module variable documented differently from its README: refused until mlenv module-docs.
    variables = team / "modules/group/variables.tf"
    text = variables.read_text()
    start = text.index('description = "') + len('description = "')
    variables.write_text(text[:start] + "Changed: " + text[start:])
    git(team, "add", "modules")
    undocumented = _git_commit(team, "module variable")
    assert undocumented.returncode == 1
    assert _hook_lines(undocumented.stdout)["mlenv module-docs --check"] == "Failed"
    assert "modules/group/README.md" in undocumented.stdout
