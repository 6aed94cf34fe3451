"""Helpers shared by the generator tests (import them from here, not from conftest)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from generator.model.checked import load_and_check
from generator.model.permission_model import PermissionModel
from tests.support.stand_in import FAKE_DEPLOYER
from tests.support.synthetic import synthesize

REPOSITORY = Path(__file__).resolve().parents[2]


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


def name_stand_in_deployer_as_terraform_identity(root: Path) -> None:
    """Make the stand-in's user (its SCIM Me, who runs Terraform against it) the manifests'
    ``terraform_identity``, so that the grant the provider adds for itself is the expected implicit one."""
    settings = root / "environments/workspace.yaml"
    text = settings.read_text(encoding="utf-8")
    named = "  application_id: 0d6e4c2b-5a7f-4e1d-9b3c-8f2a6e4d1c05"
    assert named in text
    settings.write_text(text.replace(named, f"  user_name: {FAKE_DEPLOYER}"), encoding="utf-8")


def synthetic_model(root: Path, environments: int, models: int) -> PermissionModel:
    """The permission model of a synthetic workspace (:mod:`tests.support.synthetic`) written under ``root``."""
    synthesize(root, environments, models)
    return load_and_check(root).model
