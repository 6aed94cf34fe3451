"""Unity Catalog mode of the client: how the registry is decided, names, aliases, and every refusal
before any request (no server: a request fails the test)."""

from __future__ import annotations

import mlflow.pyfunc
import pytest
from shim_models import EchoModel

from env_mlflow_client import EnvironmentMlflowClient
from env_mlflow_client.errors import EnvironmentRuleViolation, InvalidArgument

DEAD_SERVER = "http://127.0.0.1:9"
UC = "databricks-uc"


@pytest.fixture(autouse=True)
def _no_registry_settings(monkeypatch):
    for variable in (
        "MLFLOW_ENV_REGISTRY",
        "MLFLOW_ENV_CATALOG",
        "MLFLOW_ENV_SCHEMA",
        "MLFLOW_ENV_ALIASES",
        "MLFLOW_REGISTRY_URI",
        "MLFLOW_ENV_PRODUCTION",
    ):
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def no_requests(monkeypatch):
    """Any request fails the test at once."""
    from mlflow.utils import rest_utils

    def refuse(*args, **kwargs):
        raise AssertionError(f"a request was sent: {args} {kwargs}")

    monkeypatch.setattr(rest_utils, "http_request", refuse)


def uc_client(env: str = "acc", **keywords) -> EnvironmentMlflowClient:
    return EnvironmentMlflowClient(env, tracking_uri=DEAD_SERVER, registry_uri=UC, **keywords)


def _rule(excinfo: pytest.ExceptionInfo[EnvironmentRuleViolation]) -> str:
    return excinfo.value.rule


def test_the_registry_uri_decides_and_the_repr_says_so():
    client = uc_client()
    assert client.registry == "unity_catalog"
    assert "registry='unity_catalog' [decided by MLflow registry URI 'databricks-uc']" in repr(client)
    assert "models in ml_acc.models" in repr(client)
    assert "'Production': 'champion'" in repr(client) and "'Staging': 'challenger'" in repr(client)
    workspace = EnvironmentMlflowClient("acc", tracking_uri=DEAD_SERVER)
    assert workspace.registry == "workspace" and "registry='workspace'" in repr(workspace)


def test_asking_for_unity_catalog_uses_its_registry_uri(monkeypatch):
    client = EnvironmentMlflowClient("acc", tracking_uri=DEAD_SERVER, registry="unity_catalog")
    assert client._registry_uri == UC and "decided by registry= argument" in repr(client)
    monkeypatch.setenv("MLFLOW_ENV_REGISTRY", "unity_catalog")
    monkeypatch.setenv("MLFLOW_REGISTRY_URI", "databricks-uc://team-profile")
    client = EnvironmentMlflowClient("acc", tracking_uri=DEAD_SERVER)
    assert client._registry_uri == "databricks-uc://team-profile"
    assert "decided by MLFLOW_ENV_REGISTRY" in repr(client)


@pytest.mark.parametrize(
    "keywords",
    [
        {"registry": "workspace", "registry_uri": UC},
        {"registry": "unity_catalog", "registry_uri": "databricks"},
        {"registry": "unity_catalog", "registry_uri": DEAD_SERVER},
    ],
)
def test_a_registry_that_contradicts_the_registry_uri_is_refused(keywords):
    with pytest.raises(EnvironmentRuleViolation) as excinfo:
        EnvironmentMlflowClient("acc", tracking_uri=DEAD_SERVER, **keywords)
    assert _rule(excinfo) == "registry-mismatch"


def test_a_misspelt_registry_variable_is_refused(monkeypatch):
    monkeypatch.setenv("MLFLOW_ENV_REGISTRY", "unity-catalog")
    with pytest.raises(EnvironmentRuleViolation) as excinfo:
        EnvironmentMlflowClient("acc", tracking_uri=DEAD_SERVER)
    assert _rule(excinfo) == "registry-mismatch"


@pytest.mark.parametrize(
    "keywords, parameter",
    [
        ({"registry": "uc"}, "registry"),
        ({"catalog": "ML-Acc"}, "catalog"),
        ({"catalog": 3}, "catalog"),
        ({"schema": "models.v2"}, "schema"),
        ({"stage_aliases": {"Staging": "challenger"}}, "stage_aliases"),
        ({"stage_aliases": {"Staging": "same", "Production": "same"}}, "stage_aliases"),
    ],
)
def test_bad_unity_catalog_settings_are_invalid_arguments(keywords, parameter):
    with pytest.raises(InvalidArgument) as excinfo:
        uc_client(**keywords)
    assert excinfo.value.parameter == parameter


def test_names_map_into_the_environment_s_catalog_and_schema(monkeypatch):
    client = uc_client()
    assert client.get_env_model_name("churn") == "ml_acc.models.churn"
    assert client.get_env_model_name("ml_acc.models.churn") == "ml_acc.models.churn"
    assert client.get_env_model_name("ML_ACC.Models.Churn") == "ml_acc.models.churn"
    assert client.get_short_model_name("ml_acc.models.churn") == "churn"
    # No environment suffix in Unity Catalog: the catalog separates environments.
    assert client.get_env_model_name("churn_prod") == "ml_acc.models.churn_prod"
    monkeypatch.setenv("MLFLOW_ENV_CATALOG", "{env}_ml")
    monkeypatch.setenv("MLFLOW_ENV_SCHEMA", "registry")
    assert uc_client("prod").get_env_model_name("churn") == "prod_ml.registry.churn"
    assert uc_client(catalog="team_catalog", schema="ml").get_env_model_name("churn") == "team_catalog.ml.churn"


@pytest.mark.parametrize(
    "name",
    ["ml_prod.models.churn", "ml_acc.other.churn", "models.churn", "ml_acc.models.churn.v2", "main.default.churn"],
)
def test_other_catalogs_and_schemas_are_refused_before_any_request(no_requests, name):
    client = uc_client()
    for call in (
        lambda: client.get_registered_model(name),
        lambda: client.create_model_version(name, "s3://bucket/model"),
        lambda: client.set_registered_model_alias(name, "challenger", "1"),
        lambda: client.get_model_version_by_alias(name, "challenger"),
        lambda: client.copy_model_version(f"models:/{name}@challenger", "churn"),
    ):
        with pytest.raises(EnvironmentRuleViolation) as excinfo:
            call()
        assert _rule(excinfo) == "foreign-model"


def test_model_uris_with_aliases_and_versions_are_mapped():
    from env_mlflow_client import names

    client = uc_client()
    assert names.env_model_uri(client.environment, "models:/churn@challenger", "uri") == (
        "models:/ml_acc.models.churn@challenger"
    )
    assert names.env_model_uri(client.environment, "models:/churn/3", "uri") == "models:/ml_acc.models.churn/3"
    workspace = EnvironmentMlflowClient("acc", tracking_uri=DEAD_SERVER)
    assert names.env_model_uri(workspace.environment, "models:/churn@champion", "uri") == "models:/churn_acc@champion"


@pytest.mark.parametrize("alias", ["champion", "Champion", "production"])
def test_the_production_alias_is_refused_outside_production(no_requests, alias):
    client = uc_client()
    with pytest.raises(EnvironmentRuleViolation) as excinfo:
        client.set_registered_model_alias("churn", alias, "1")
    assert _rule(excinfo) == "production-alias-outside-production"
    with pytest.raises(EnvironmentRuleViolation) as excinfo:
        client.transition_model_version_stage("churn", "1", "Production")
    assert _rule(excinfo) == "production-stage-outside-production"


def test_a_configured_production_alias_is_reserved_too(no_requests):
    client = uc_client(stage_aliases={"Staging": "candidate", "Production": "gold"})
    with pytest.raises(EnvironmentRuleViolation) as excinfo:
        client.set_registered_model_alias("churn", "gold", "1")
    assert _rule(excinfo) == "production-alias-outside-production"
    assert client.environment.mode.alias_of("Staging") == "candidate"


def test_a_model_without_a_signature_is_refused_before_anything_is_logged(no_requests):
    client = uc_client()
    with pytest.raises(EnvironmentRuleViolation) as excinfo:
        client.log_model_helper(mlflow.pyfunc, "churn", python_model=EchoModel(), name="model")
    assert _rule(excinfo) == "signature-required"
    assert "input_example=" in str(excinfo.value) and "signature=" in str(excinfo.value)
