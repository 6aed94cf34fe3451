"""The layout stays as docs/ARCHITECTURE.md describes it: layers hold, modules stay small, names have one source."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.support.repository import REPOSITORY

MAX_MODULE_LINES = 300


def test_import_layers_hold():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--config", str(REPOSITORY / "pyproject.toml")],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_no_generator_module_is_over_300_lines():
    sizes = {
        path.relative_to(REPOSITORY).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in (REPOSITORY / "generator").rglob("*.py")
    }
    assert {path: size for path, size in sizes.items() if size > MAX_MODULE_LINES} == {}


def test_generated_file_names_and_addresses_are_spelled_only_in_their_modules():
    """``mlenv_workspace.tf``, ``permissions/``, module call names and resource addresses have one source."""
    spellings = [
        r'"mlenv_workspace\.tf"',
        r'"permissions/',
        r'"\.mlenv',
        r"databricks_mlflow_model\.this",
        r"databricks_group\.this",
        r'"tests/terraform',
        r"\./modules/",
        r'"roots/',
        r'"mlenv_moved',
    ]
    owners = {"generator/paths.py", "generator/addresses.py"}
    offenders = []
    for path in (REPOSITORY / "generator").rglob("*.py"):
        relative = path.relative_to(REPOSITORY).as_posix()
        if relative in owners:
            continue
        text = path.read_text(encoding="utf-8")
        offenders += [f"{relative}: {pattern}" for pattern in spellings if re.search(pattern, text)]
    assert offenders == []


def test_exit_codes_are_defined_once():
    definitions = []
    for path in (REPOSITORY / "generator").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        definitions += [
            f"{path.name}: {line.strip()}"
            for line in text.splitlines()
            if re.match(r"\s*(EXIT_\w+|\w+_EXIT)\s*=\s*\d", line)
        ]
    assert definitions == []
