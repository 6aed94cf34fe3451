"""Helpers shared by the generator tests (import them from here, not from conftest)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from generator.model.checked import load_and_check
from generator.model.grants import Grant
from generator.model.permission_model import PermissionModel
from generator.model.policy import check_policy
from tests.support.stand_in import FAKE_DEPLOYER
from tests.support.synthetic import synthesize

REPOSITORY = Path(__file__).resolve().parents[2]
#: The identity that runs Terraform in the repository's manifests.
TERRAFORM_IDENTITY = "0d6e4c2b-5a7f-4e1d-9b3c-8f2a6e4d1c05"
#: A ``tags:`` block of a model entry, with its indented lines.
_MODEL_TAGS = re.compile(r"^(?P<indent> +)tags:\n(?:(?P=indent) +.*\n)*", re.MULTILINE)
#: ``workspace.yaml`` that switches the repository's environments to Unity Catalog.
UC_SETTINGS = f"""\
registry: unity_catalog
workspace_id: 1234567890123456
unity_catalog:
  catalog_name_pattern: ml_{{env}}
  schema: models
terraform_identity:
  application_id: {TERRAFORM_IDENTITY}
"""


@dataclass
class CliResult:
    """Exit code and output of one mlenv run."""

    code: int
    out: str
    err: str


def run_module(*arguments: str | Path, cwd: Path | None = None) -> CliResult:
    """Run ``python -m generator ARGS`` in a new process (real exit codes and streams)."""
    completed = subprocess.run(
        [sys.executable, "-m", "generator", *map(str, arguments)], cwd=cwd, capture_output=True, text=True, check=False
    )
    return CliResult(completed.returncode, completed.stdout, completed.stderr)


def write(root: Path, relative: str, text: str) -> Path:
    """Write ``text`` to ``root/relative``, creating directories."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def git(root: Path, *arguments: str) -> str:
    """Run ``git -C root ARGS`` and return its output (fails the test when git fails)."""
    return subprocess.run(["git", "-C", str(root), *arguments], check=True, capture_output=True, text=True).stdout


def _dated_git(root: Path, when: str, *arguments: str) -> str:
    """``git -C root ARGS`` with author and committer dates ``when`` (ISO 8601); the new HEAD's id."""
    stamp = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", "-C", str(root), *arguments], check=True, capture_output=True, env={**os.environ, **stamp})
    return git(root, "rev-parse", "HEAD").strip()


def commit_dated(root: Path, message: str, when: str) -> str:
    """Commit every change in ``root`` as made at ``when`` (ISO 8601); the commit's id."""
    git(root, "add", "-A")
    return _dated_git(root, when, "commit", "-q", "-m", message)


def merge_dated(root: Path, branch: str, message: str, when: str) -> str:
    """Merge ``branch`` into the current branch with a merge commit made at ``when``; its id."""
    return _dated_git(root, when, "merge", "-q", "--no-ff", branch, "-m", message)


def commit_everything(root: Path, message: str) -> None:
    """Make ``root`` a git repository on branch main (once) and commit every file in it."""
    if not (root / ".git").exists():
        git(root, "init", "-q", "-b", "main")
        git(root, "config", "user.email", "test@example.com")
        git(root, "config", "user.name", "Test")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def name_stand_in_deployer_as_terraform_identity(root: Path) -> None:
    """Make the stand-in's user (its SCIM Me, who runs Terraform against it) the manifests'
    ``terraform_identity``, so that the grant the provider adds for itself is the expected implicit one."""
    settings = root / "environments/workspace.yaml"
    text = settings.read_text(encoding="utf-8")
    named = "  application_id: 0d6e4c2b-5a7f-4e1d-9b3c-8f2a6e4d1c05"
    assert named in text
    settings.write_text(text.replace(named, f"  user_name: {FAKE_DEPLOYER}"), encoding="utf-8")


def with_grants(model: PermissionModel, *extra: Grant, without: tuple[Grant, ...] = ()) -> PermissionModel:
    """``model`` with the grants ``extra`` added and those in ``without`` taken away (to break a rule on purpose)."""
    kept = [grant for grant in model.grants if grant not in without]
    return replace(model, grants=tuple(sorted((*kept, *extra))))


def broken_rules(model: PermissionModel) -> set[str]:
    """The rules ``model`` breaks."""
    return {violation.rule for violation in check_policy(model)}


def synthetic_model(root: Path, environments: int, models: int) -> PermissionModel:
    """The permission model of a synthetic workspace (:mod:`tests.support.synthetic`) written under ``root``."""
    synthesize(root, environments, models)
    return load_and_check(root).model


def unity_catalog_repository(root: Path, settings: str = UC_SETTINGS) -> Path:
    """The repository's environments, modules and ``versions.tf`` under ``root``, switched to Unity Catalog.

    Model tags are left out: Unity Catalog models take none (rule ``uc-model-tags``).
    """
    (root / "environments").mkdir(parents=True)
    for manifest in sorted((REPOSITORY / "environments").glob("*.yaml")):
        if manifest.name == "workspace.yaml":
            continue
        without_tags = _MODEL_TAGS.sub("", manifest.read_text(encoding="utf-8"))
        write(root, f"environments/{manifest.name}", without_tags)
    shutil.copytree(REPOSITORY / "modules", root / "modules", ignore=shutil.ignore_patterns(".terraform*"))
    shutil.copy2(REPOSITORY / "versions.tf", root / "versions.tf")
    write(root, "environments/workspace.yaml", settings)
    return root
