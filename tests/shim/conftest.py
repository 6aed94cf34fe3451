"""Session fixtures: a real MLflow server on a temp sqlite database, and a first registered model.

A test that uses ``mlflow_server`` (directly or through ``acc``, ``prod``, ``registered``) carries
``@pytest.mark.mlflow_server``; ``test_markers.py`` checks it.
"""

from __future__ import annotations

from pathlib import Path

import mlflow.pyfunc
import pytest
from shim_models import EchoModel

from env_mlflow_client import EnvironmentMlflowClient
from env_mlflow_client.testing import start_server


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
