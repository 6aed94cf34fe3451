"""Capability detection: the client asks the installed MLflow what it can do, never its version string."""

from __future__ import annotations

import inspect
from pathlib import Path

import mlflow
import pytest
from mlflow import MlflowClient

from env_mlflow_client import compat

SHIM_PACKAGE = Path(compat.__file__).resolve().parent


def test_logged_models_is_what_the_installed_client_offers():
    assert hasattr(MlflowClient, "get_logged_model") == compat.LOGGED_MODELS
    assert compat.accepts(MlflowClient.create_model_version, "model_id") == compat.LOGGED_MODELS


def test_supported_passes_what_the_method_takes_and_drops_only_unset_unknown_arguments():
    def old(name, description=None):
        return name, description

    def new(name, description=None, deployment_job_id=None):
        return name, description, deployment_job_id

    def open_ended(name, **kwargs):
        return name, kwargs

    assert compat.supported(new, deployment_job_id="j") == {"deployment_job_id": "j"}
    assert compat.supported(old, deployment_job_id=None) == {}
    assert compat.supported(open_ended, deployment_job_id=None) == {"deployment_job_id": None}
    with pytest.raises(TypeError, match=rf"old\(\) got deployment_job_id='j', which MLflow {mlflow.__version__}"):
        compat.supported(old, deployment_job_id="j")


def test_the_model_path_keyword_follows_the_flavor():
    def mlflow2_log_model(artifact_path, python_model=None): ...

    def mlflow3_log_model(artifact_path=None, python_model=None, name=None): ...

    def wrapper(**kwargs): ...

    assert compat.log_model_keyword(mlflow2_log_model) == "artifact_path"
    assert compat.log_model_keyword(mlflow3_log_model) == "name"
    assert compat.log_model_keyword(wrapper) == ("name" if compat.LOGGED_MODELS else "artifact_path")
    import mlflow.pyfunc

    expected = "name" if "name" in inspect.signature(mlflow.pyfunc.log_model).parameters else "artifact_path"
    assert compat.log_model_keyword(mlflow.pyfunc.log_model) == expected


def test_model_info_gets_the_run_relative_path():
    class Info:
        def __init__(self, artifact_path: str) -> None:
            self._artifact_path = artifact_path

        @property
        def artifact_path(self) -> str:
            return self._artifact_path

    logged_model = Info("file:///artifacts/1/models/m-1/artifacts")  # what MLflow 3 puts there
    compat.set_run_relative_path(logged_model, "model_acc")
    assert logged_model.artifact_path == "model_acc"
    in_run = Info("model_acc")  # MLflow 2
    compat.set_run_relative_path(in_run, "model_acc")
    assert in_run.artifact_path == "model_acc"
    assert compat.model_id(in_run) is None


def test_unwrap_returns_the_implementation_or_the_model_itself():
    class Wrapped:
        _model_impl = "implementation"

    native = object()
    assert compat.unwrap(Wrapped()) == "implementation"
    assert compat.unwrap(native) is native


def test_no_module_of_the_client_reads_mlflows_version_string():
    """Capabilities, not version numbers: ``mlflow.__version__`` appears only in an error message."""
    for module in SHIM_PACKAGE.glob("*.py"):
        text = module.read_text()
        uses = [line for line in text.splitlines() if "__version__" in line or "version.parse" in line]
        allowed = [line for line in uses if "does not take" in line or line.startswith("__version__ =")]
        assert uses == allowed, module.name
