"""Session fixtures: a real MLflow server on a temp sqlite database, and a first registered model;
for Unity Catalog, the Databricks stand-in with an S3-compatible store (``uc_registry``).

A test that uses ``mlflow_server`` (directly or through ``acc``, ``prod``, ``registered``,
``uc_acc``, ``uc_prod``) carries ``@pytest.mark.mlflow_server``; ``test_markers.py`` checks it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import mlflow.pyfunc
import pytest
from shim_models import EchoModel

from env_mlflow_client import EnvironmentMlflowClient
from env_mlflow_client.testing import SERVER_PYTHON_VARIABLE, start_server

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _restore_fluent_tracking_uri(monkeypatch):
    """Tests that call set_experiment change MLflow's global tracking URI; undo that after each test."""
    import mlflow.tracking._tracking_service.utils as tracking_utils

    saved = tracking_utils._tracking_uri
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    yield
    mlflow.set_tracking_uri(saved)


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory):
    server = start_server(Path(tmp_path_factory.mktemp("mlflow")))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def acc(mlflow_server) -> EnvironmentMlflowClient:
    return EnvironmentMlflowClient("acc", tracking_uri=mlflow_server.uri)


@pytest.fixture(scope="session")
def prod(mlflow_server) -> EnvironmentMlflowClient:
    return EnvironmentMlflowClient("prod", tracking_uri=mlflow_server.uri)


@pytest.fixture(scope="session")
def registered(acc, prod):
    """Log and register a real model in acc and in prod, as a job would (article section 3.4)."""
    acc.set_experiment("churn")
    acc_version, acc_info = acc.log_model_helper(
        mlflow.pyfunc, "churn", python_model=EchoModel(), name="model", pip_requirements=["mlflow"]
    )
    assert acc_version.name == "churn_acc"
    assert acc_version.current_stage == "Staging"
    assert acc_version.status == "READY"
    prod.set_experiment("churn")
    prod_version, prod_info = prod.log_model_helper(
        mlflow.pyfunc, "churn", python_model=EchoModel(), name="model", pip_requirements=["mlflow"]
    )
    assert prod_version.name == "churn_prod"
    assert prod_version.current_stage == "Production"
    return {"acc": (acc_version, acc_info), "prod": (prod_version, prod_info)}


@dataclass
class UnityCatalogRegistry:
    """The running stand-in: its host, its S3 endpoint and bucket, and one Databricks profile per principal."""

    host: str
    s3_endpoint: str
    bucket: str
    tokens: dict[str, str]
    config_file: Path

    @staticmethod
    def registry_uri(principal: str) -> str:
        """MLflow's registry URI of Unity Catalog, authenticated as ``principal`` (an environment's runner)."""
        return f"databricks-uc://{principal}"


@pytest.fixture(scope="session")
def uc_registry(tmp_path_factory):
    """The Databricks stand-in (Unity Catalog as Terraform leaves it for the repository's manifests, MLflow's
    UC registry API, permissions enforced) and moto's S3 server, in one process of the project's Python.

    Each environment's service principal is a profile of a ``DATABRICKS_CONFIG_FILE`` (``databricks-uc://acc``
    authenticates as acc's runner); ``MLFLOW_S3_ENDPOINT_URL`` points MLflow's S3 client at moto.
    """
    # Started here rather than with tests.support.uc_registry_server.running: the compatibility matrix keeps
    # the checkout off sys.path (only the client side is installed), so this conftest imports none of it.
    directory = tmp_path_factory.mktemp("uc-registry")
    log = (directory / "server.log").open("w")
    process = subprocess.Popen(
        [os.environ.get(SERVER_PYTHON_VARIABLE) or sys.executable, "-m", "tests.support.uc_registry_server", directory],
        cwd=REPOSITORY,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    ready = directory / "ready.json"
    deadline = time.monotonic() + 120
    while not ready.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            _stop(process)
            raise RuntimeError(
                "the Unity Catalog stand-in did not start (it needs the project's Python: the generator, moto, boto3; "
                f"{SERVER_PYTHON_VARIABLE} names it):\n{(directory / 'server.log').read_text()[-3000:]}"
            )
        time.sleep(0.2)
    started = json.loads(ready.read_text())
    config = directory / "databrickscfg"
    config.write_text(
        "".join(f"[{name}]\nhost = {started['host']}\ntoken = {token}\n" for name, token in started["tokens"].items())
    )
    patch = pytest.MonkeyPatch()
    patch.setenv("DATABRICKS_CONFIG_FILE", str(config))
    patch.setenv("MLFLOW_S3_ENDPOINT_URL", started["s3_endpoint"])
    for variable in ("DATABRICKS_HOST", "DATABRICKS_TOKEN", "DATABRICKS_CONFIG_PROFILE"):
        patch.delenv(variable, raising=False)
    yield UnityCatalogRegistry(started["host"], started["s3_endpoint"], started["bucket"], started["tokens"], config)
    patch.undo()
    _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="session")
def uc_acc(mlflow_server, uc_registry) -> EnvironmentMlflowClient:
    """acc's client in Unity Catalog: tracking on the local MLflow server, registry on the stand-in as acc's runner."""
    return EnvironmentMlflowClient("acc", tracking_uri=mlflow_server.uri, registry_uri=uc_registry.registry_uri("acc"))


@pytest.fixture(scope="session")
def uc_prod(mlflow_server, uc_registry) -> EnvironmentMlflowClient:
    """prod's client in Unity Catalog, authenticated as prod's runner."""
    return EnvironmentMlflowClient(
        "prod", tracking_uri=mlflow_server.uri, registry_uri=uc_registry.registry_uri("prod")
    )
