"""``mlenv client-config``: the variables it prints make the runtime client agree with the manifests."""

from __future__ import annotations

import json
import shlex

import pytest

from env_mlflow_client import EnvironmentMlflowClient
from tests.support.repository import REPOSITORY, unity_catalog_repository

CLIENT_VARIABLES = (
    "MLFLOW_ENV",
    "MLFLOW_ENV_PRODUCTION",
    "MLFLOW_ENV_EXPERIMENT_ROOT",
    "MLFLOW_ENV_REGISTRY",
    "MLFLOW_REGISTRY_URI",
    "MLFLOW_ENV_CATALOG",
    "MLFLOW_ENV_SCHEMA",
    "MLFLOW_ENV_ALIASES",
)


@pytest.fixture(autouse=True)
def _clean_client_variables(monkeypatch):
    for variable in CLIENT_VARIABLES:
        monkeypatch.delenv(variable, raising=False)


def _exported(text: str) -> dict[str, str]:
    variables = {}
    for line in text.splitlines():
        if line.startswith("export "):
            name, _, value = line[len("export ") :].partition("=")
            variables[name] = shlex.split(value)[0]
    return variables


@pytest.mark.parametrize("env, production", [("acc", False), ("prod", True)])
def test_unity_catalog_settings_configure_the_client(tmp_path, mlenv, monkeypatch, env, production):
    root = unity_catalog_repository(tmp_path)
    result = mlenv("--repository", root, "client-config", "--env", env)
    assert result.code == 0, result.err
    variables = _exported(result.out)
    assert json.loads(mlenv("--repository", root, "client-config", "--env", env, "--format", "json").out) == variables
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    client = EnvironmentMlflowClient(tracking_uri="http://127.0.0.1:9")
    assert (client.env_name, client.production, client.registry) == (env, production, "unity_catalog")
    assert client.get_env_model_name("churn") == f"ml_{env}.models.churn"
    assert client.experiment_directory == f"/experiments/{env}/"


def test_workspace_registry_settings_configure_the_client(mlenv, monkeypatch):
    result = mlenv("--repository", REPOSITORY, "client-config", "--env", "acc")
    assert result.out.startswith("# env_mlflow_client settings of environment acc (environments/acc.yaml")
    for name, value in _exported(result.out).items():
        monkeypatch.setenv(name, value)
    client = EnvironmentMlflowClient(tracking_uri="http://127.0.0.1:9")
    assert (client.registry, client.get_env_model_name("churn")) == ("workspace", "churn_acc")


def test_an_unknown_environment_is_invalid_input(mlenv):
    result = mlenv("--repository", REPOSITORY, "client-config", "--env", "nope")
    assert result.code == 2 and "no environment named 'nope'" in result.err
