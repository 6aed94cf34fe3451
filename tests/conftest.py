"""Shared fixtures: a throw-away copy of the repository and a way to run the CLI in it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.cli import main

REPOSITORY = Path(__file__).resolve().parent.parent
_COPIED = ("environments", "modules", "versions.tf")


@dataclass
class CliResult:
    """Exit code and output of one mlenv run."""

    code: int
    out: str
    err: str


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the repository's manifests, modules and versions.tf, without generated files."""
    root = tmp_path / "repo"
    root.mkdir()
    for name in _COPIED:
        source = REPOSITORY / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns(".terraform*"))
        else:
            shutil.copy2(source, root / name)
    return root


@pytest.fixture
def empty_repo(tmp_path: Path) -> Path:
    """A repository with an empty environments/ directory."""
    root = tmp_path / "empty"
    (root / "environments").mkdir(parents=True)
    return root


@pytest.fixture
def mlenv(capsys: pytest.CaptureFixture[str]):
    """Run ``mlenv ARGS`` in-process and return its exit code and output."""

    def run(*arguments: str | Path) -> CliResult:
        code = main([str(argument) for argument in arguments])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def run_module(*arguments: str | Path, cwd: Path | None = None) -> CliResult:
    """Run ``python -m generator ARGS`` in a new process (real exit codes and streams)."""
    completed = subprocess.run([sys.executable, "-m", "generator", *map(str, arguments)], cwd=cwd,
                               capture_output=True, text=True, check=False)
    return CliResult(completed.returncode, completed.stdout, completed.stderr)


def write(root: Path, relative: str, text: str) -> Path:
    """Write ``text`` to ``root/relative``, creating directories."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
