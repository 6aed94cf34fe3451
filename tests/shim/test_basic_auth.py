"""The server, not the client, is the wall: an MLflow basic-auth server with roles and grants
computed from the generator's permission model for the example manifests.

The acc service principal is denied the production model even with the shim bypassed (plain
MlflowClient); the prod service principal registers and transitions it through the shim.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

if importlib.util.find_spec("generator") is None:  # the compatibility matrix: the client side only
    pytest.skip(
        "needs the mlenv generator and the full mlflow[auth] (the project's environment); "
        "a client-only environment of the compatibility matrix has neither",
        allow_module_level=True,
    )

import mlflow.pyfunc
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from mlflow_auth_sync import apply_permission_model
from shim_models import EchoModel

from env_mlflow_client import EnvironmentMlflowClient
from env_mlflow_client.testing import start_server
from generator.model.checked import load_and_check

#: Every test here runs against its own real MLflow server (basic-auth app), started once per session.
pytestmark = pytest.mark.mlflow_server

REPOSITORY = Path(__file__).resolve().parents[2]
ADMIN_PASSWORD = "admin-password-for-tests-only"
ACC_SP = "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01"
PROD_SP = "b18e5f3c-9d2a-4e7b-a6c1-3d0f4e5a6b03"


@pytest.fixture(scope="session")
def auth_server(tmp_path_factory):
    directory = Path(tmp_path_factory.mktemp("mlflow-auth"))
    config = directory / "basic_auth.ini"
    config.write_text(
        "[mlflow]\ndefault_permission = NO_PERMISSIONS\n"
        f"database_uri = sqlite:///{directory / 'auth.db'}\n"
        f"admin_username = admin\nadmin_password = {ADMIN_PASSWORD}\n"
        "authorization_function = mlflow.server.auth:authenticate_request_basic_auth\n"
        "auth_cache_ttl_seconds = 300\n"
    )
    server = start_server(
        directory,
        "--app-name",
        "basic-auth",
        env={"MLFLOW_AUTH_CONFIG_PATH": str(config), "MLFLOW_FLASK_SERVER_SECRET_KEY": "flask-secret-for-tests-only"},
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_USERNAME", "admin")
        patch.setenv("MLFLOW_TRACKING_PASSWORD", ADMIN_PASSWORD)
        applied = apply_permission_model(load_and_check(REPOSITORY).model, server.uri)
    yield server, applied
    server.stop()


@pytest.fixture
def login(auth_server, monkeypatch):
    server, applied = auth_server

    def as_principal(principal: str) -> str:
        monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", principal)
        monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", applied.passwords[principal])
        return server.uri

    return as_principal


def test_roles_come_from_the_permission_model(auth_server):
    _, applied = auth_server
    assert set(applied.passwords) == {ACC_SP, PROD_SP, "7c4d2e9a-1b3f-4a6c-8d5e-2f9a0b1c3d02"}
    assert ("apps_prod", "registered_model", "churn_prod", "EDIT") in applied.role_permissions
    assert ("data-scientists", "registered_model", "fraud_acc", "READ") in applied.role_permissions
    assert not [p for p in applied.role_permissions if p[0] != "apps_prod" and p[2].endswith("_prod")]


@pytest.mark.parametrize("attempt", ["read", "tag", "new_version", "transition", "alias", "rename", "delete"])
def test_acc_principal_is_denied_the_production_model_with_the_shim_bypassed(login, attempt):
    plain = MlflowClient(login(ACC_SP))
    calls = {
        "read": lambda: plain.get_registered_model("churn_prod"),
        "tag": lambda: plain.set_registered_model_tag("churn_prod", "owner", "acc"),
        "new_version": lambda: plain.create_model_version("churn_prod", "/tmp/model", run_id=None),
        "transition": lambda: plain.transition_model_version_stage("churn_prod", "1", "Production"),
        "alias": lambda: plain.set_registered_model_alias("churn_prod", "champion", "1"),
        "rename": lambda: plain.rename_registered_model("churn_prod", "churn_acc2"),
        "delete": lambda: plain.delete_registered_model("churn_prod"),
    }
    with pytest.raises(MlflowException) as excinfo:
        calls[attempt]()
    assert "403" in str(excinfo.value) or "Permission denied" in str(excinfo.value)


def test_acc_principal_does_not_even_see_the_production_model(login):
    plain = MlflowClient(login(ACC_SP))
    assert "churn_prod" not in {model.name for model in plain.search_registered_models()}
    assert "churn_acc" in {model.name for model in plain.search_registered_models()}


def test_acc_principal_works_in_its_own_environment(login):
    acc = EnvironmentMlflowClient("acc", tracking_uri=login(ACC_SP))
    acc.set_experiment("jobs")
    version, _ = acc.log_model_helper(
        mlflow.pyfunc, "churn", python_model=EchoModel(), name="model", pip_requirements=["mlflow"]
    )
    assert (version.name, version.current_stage) == ("churn_acc", "Staging")


def test_prod_principal_registers_and_transitions_the_production_model(login):
    prod = EnvironmentMlflowClient("prod", tracking_uri=login(PROD_SP))
    prod.set_experiment("jobs")
    first, _ = prod.log_model_helper(
        mlflow.pyfunc, "churn", python_model=EchoModel(), name="model", pip_requirements=["mlflow"]
    )
    second, _ = prod.log_model_helper(
        mlflow.pyfunc, "churn", python_model=EchoModel(), name="model", pip_requirements=["mlflow"]
    )
    assert (second.name, second.current_stage) == ("churn_prod", "Production")
    assert prod.get_model_version("churn", first.version).current_stage == "Archived"
    assert prod.load_latest_model(mlflow.pyfunc, "churn").predict(["x"]) == ["x"]


def test_prod_principal_cannot_touch_acceptance_models(login):
    plain = MlflowClient(login(PROD_SP))
    with pytest.raises(MlflowException, match=r"403|Permission denied"):
        plain.get_registered_model("churn_acc")
