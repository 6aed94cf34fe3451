"""A team's clone of this repository, for the tests of the pre-commit hooks and the pipeline templates.

It holds the committed files (as git tracks them, with their working-tree content) of environments/,
modules/, generator/, versions.tf, the Makefile, the pyproject files and the lock, rendered and committed on
``main``. What ``make setup`` would install is stood in for by :func:`stand_in_for_set_up`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.repository import REPOSITORY, name_stand_in_deployer_as_terraform_identity
from tests.support.stand_in import unthrottled

TEAM_FILES = (
    "environments",
    "modules",
    "generator",  # a team's clone has it: the cache key of the templates, and Terraform's supervisor runs from it
    "versions.tf",
    "Makefile",
    "pyproject.toml",
    "shim/pyproject.toml",
    "requirements/lock.txt",
    ".gitignore",
)


def git(root: Path, *arguments: str) -> str:
    """Run git in ``root``; its standard output."""
    return subprocess.run(["git", "-C", str(root), *arguments], check=True, capture_output=True, text=True).stdout


def tracked_files(*paths: str) -> list[str]:
    """The files git tracks under ``paths`` in this repository (others' uncommitted new files left out)."""
    return [line for line in git(REPOSITORY, "ls-files", "--", *paths).splitlines() if (REPOSITORY / line).is_file()]


def render(root: Path) -> None:
    """``mlenv render`` in ``root``."""
    subprocess.run(
        [sys.executable, "-m", "generator", "--repository", str(root), "render"], check=True, capture_output=True
    )


def commit(root: Path, message: str) -> str:
    """Commit everything; the new revision."""
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def stand_in_for_set_up(root: Path) -> None:
    """``.venv/bin/mlenv`` and ``.venv/bin/python`` run this repository's, and the pip stamp is newer than
    the pyproject files and the lock, so that ``make setup`` skips pip and only runs ``mlenv toolchain``."""
    bin_directory = root / ".venv" / "bin"
    bin_directory.mkdir(parents=True)
    for name in ("mlenv", "python"):
        script = bin_directory / name
        script.write_text(f'#!/bin/sh\nexec "{Path(sys.executable).parent / name}" "$@"\n')
        script.chmod(0o755)
    (root / ".venv" / ".installed").touch()


def team_repository(root: Path, stand_in_deployer: bool = True) -> Path:
    """A rendered team repository at ``root``, committed on ``main`` (the stand-in's user named as the
    identity running Terraform unless told otherwise, so that its audit is clean after an apply)."""
    for name in tracked_files(*TEAM_FILES):
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPOSITORY / name, target)
    unthrottled(root)
    if stand_in_deployer:
        name_stand_in_deployer_as_terraform_identity(root)
    render(root)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "team@example.com")
    git(root, "config", "user.name", "Team")
    commit(root, "environments")
    return root


def add_model(root: Path, environment: str, model: str) -> None:
    """Add ``model`` to the manifest of ``environment`` and render."""
    manifest = root / f"environments/{environment}.yaml"
    manifest.write_text(manifest.read_text().replace("models:\n  - churn\n", f"models:\n  - churn\n  - {model}\n"))
    render(root)
