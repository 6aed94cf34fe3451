"""The same job code in both registries, and Unity Catalog's own refusals.

The Workspace Model Registry is the local MLflow server; Unity Catalog is the Databricks stand-in
(``uc_registry``: the catalogs, schemas, models and grants Terraform leaves for the repository's
manifests, MLflow's UC registry API, ownership, EXECUTE and USE_* enforced) with moto's S3 server
for the version files. Tracking (runs, logged models) stays on the local MLflow server. MLflow's real
``databricks-uc`` store runs: create version, temporary credentials, upload to S3, finalize; and on
loading, read credentials and download.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import mlflow.pyfunc
import pandas as pd
import pytest
from mlflow import MlflowClient
from mlflow.entities.model_registry import ModelVersion
from mlflow.exceptions import MlflowException
from mlflow.models.signature import ModelSignature
from mlflow.types.schema import ColSpec, Schema

from env_mlflow_client import EnvironmentMlflowClient
from env_mlflow_client.compat import fluent_registry_uri
from env_mlflow_client.errors import EnvironmentRuleViolation

pytestmark = pytest.mark.mlflow_server
EXAMPLE = pd.DataFrame({"x": [1.0, 2.0]})
#: Spelled out: inferring it needs scipy on MLflow 2.9 (a runtime has it, a client-only environment not).
SIGNATURE = ModelSignature(Schema([ColSpec("double", "x")]), Schema([ColSpec("double", "x")]))


class Doubler(mlflow.pyfunc.PythonModel):
    """A real pyfunc model: doubles its input."""

    def predict(self, context, model_input, params=None):
        return model_input * 2


def train_and_register(client: EnvironmentMlflowClient, model: str = "churn") -> ModelVersion:
    """The job: log ``model`` in the environment's experiment and register it. The same code for every registry."""
    client.set_experiment(model)
    version, _ = client.log_model_helper(
        mlflow.pyfunc,
        model,
        python_model=Doubler(),
        name="model",
        input_example=EXAMPLE,
        signature=SIGNATURE,
        pip_requirements=["mlflow"],
    )
    return version


def forbidden_calls(acc: EnvironmentMlflowClient, prod: EnvironmentMlflowClient, version: str) -> dict[str, object]:
    """What acc may not do, whatever the registry: each call's refusal rule, or what it returned."""
    prod_model = prod.get_env_model_name("churn")
    calls = {
        "read prod's model": lambda: acc.get_registered_model(prod_model),
        "register to prod's model": lambda: acc.create_model_version(prod_model, "runs:/0/model"),
        "move prod's alias": lambda: acc.set_registered_model_alias(prod_model, "challenger", version),
        "load prod's model": lambda: acc.load_model_version(mlflow.pyfunc, prod_model, version),
        "promote in acc": lambda: acc.transition_model_version_stage("churn", version, "Production"),
        "champion in acc": lambda: acc.set_registered_model_alias("churn", "champion", version),
    }
    outcomes: dict[str, object] = {}
    for what, call in calls.items():
        try:
            outcomes[what] = call()
        except EnvironmentRuleViolation as refusal:
            outcomes[what] = refusal.rule
    return outcomes


@pytest.fixture
def count_requests(monkeypatch):
    """Every HTTP request MLflow sends (the tracking server and the registry), counted."""
    from mlflow.utils import rest_utils

    sent: list[str] = []
    real = rest_utils.http_request

    def counting(host_creds, endpoint, method, *args, **kwargs):
        sent.append(f"{method} {endpoint}")
        return real(host_creds, endpoint, method, *args, **kwargs)

    monkeypatch.setattr(rest_utils, "http_request", counting)
    return sent


EXPECTED_REFUSALS = {
    "read prod's model": "foreign-model",
    "register to prod's model": "foreign-model",
    "move prod's alias": "foreign-model",
    "load prod's model": "foreign-model",
    "promote in acc": "production-stage-outside-production",
    "champion in acc": "production-alias-outside-production",
}


@pytest.fixture(params=["workspace", "unity_catalog"])
def clients(request, acc, prod) -> tuple[EnvironmentMlflowClient, EnvironmentMlflowClient]:
    if request.param == "workspace":
        return acc, prod
    return request.getfixturevalue("uc_acc"), request.getfixturevalue("uc_prod")


def test_the_same_job_in_both_registries(clients, count_requests):
    acc, prod = clients
    acc_version = train_and_register(acc)
    first = train_and_register(prod)
    second = train_and_register(prod)
    assert acc_version.status == first.status == second.status == "READY"
    assert int(second.version) == int(first.version) + 1
    assert acc.get_short_model_name(acc_version.name) == prod.get_short_model_name(second.name) == "churn"

    # The newest version of the environment's stage, whichever registry keeps it.
    assert acc.get_latest_model_version("churn").version == acc_version.version
    assert prod.get_latest_model_version("churn").version == second.version
    assert [v.version for v in prod.get_latest_versions("churn", ["Production"])] == [second.version]
    prediction = prod.load_latest_model(mlflow.pyfunc, "churn").predict(EXAMPLE)
    assert prediction["x"].tolist() == [2.0, 4.0]

    count_requests.clear()
    assert forbidden_calls(acc, prod, first.version) == EXPECTED_REFUSALS
    assert count_requests == []  # every refusal came before any request


def test_in_unity_catalog_stages_are_aliases(uc_acc, uc_prod, uc_registry):
    acc_version = train_and_register(uc_acc)
    first = train_and_register(uc_prod)
    second = train_and_register(uc_prod)
    assert acc_version.name == "ml_acc.models.churn" and second.name == "ml_prod.models.churn"
    assert acc_version.aliases == ["challenger"]
    assert second.aliases == ["champion"]
    assert uc_prod.get_model_version("churn", first.version).aliases == []  # the alias moved to the second
    assert uc_prod.get_model_version_by_alias("churn", "champion").version == second.version
    assert uc_acc.get_latest_versions("churn", ["Staging"])[0].version == acc_version.version
    assert uc_acc.get_latest_versions("churn", ["Archived", "None"]) == []

    # The files went to the S3-compatible store, under the version's storage location.
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=uc_registry.s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    location = uc_prod.get_model_version_download_uri("churn", second.version)
    bucket, _, prefix = location.removeprefix("s3://").partition("/")
    keys = {
        item["Key"].removeprefix(f"{prefix}/") for item in s3.list_objects_v2(Bucket=bucket, Prefix=prefix)["Contents"]
    }
    assert bucket == uc_registry.bucket and {"MLmodel", "python_model.pkl"} <= keys
    loaded = uc_acc.load_model_version(mlflow.pyfunc, "churn", acc_version.version)
    assert loaded.predict(EXAMPLE)["x"].tolist() == [2.0, 4.0]


@pytest.fixture
def plain_acc(mlflow_server, uc_registry, uc_acc) -> tuple[MlflowClient, ModelVersion]:
    """MLflow's own client, authenticated as acc's runner, with no environment rule in between; and acc's version."""
    version = train_and_register(uc_acc)
    return MlflowClient(tracking_uri=mlflow_server.uri, registry_uri=uc_registry.registry_uri("acc")), version


def _denied(call) -> str:
    with pytest.raises(MlflowException) as excinfo:
        call()
    return excinfo.value.error_code


def test_the_registry_refuses_what_the_client_would_have(plain_acc, uc_prod):
    plain, acc_version = plain_acc
    prod_version = train_and_register(uc_prod)
    prod_model = "ml_prod.models.churn"
    assert _denied(lambda: plain.create_model_version(prod_model, acc_version.source, acc_version.run_id)) == (
        "PERMISSION_DENIED"
    )
    assert _denied(lambda: plain.set_registered_model_alias(prod_model, "champion", prod_version.version)) == (
        "PERMISSION_DENIED"
    )
    assert _denied(lambda: plain.get_registered_model(prod_model)) == "PERMISSION_DENIED"
    assert _denied(lambda: plain.get_model_version(prod_model, prod_version.version)) == "PERMISSION_DENIED"
    assert _denied(lambda: plain.get_model_version("ml_acc.models.nothing", "1")) == "RESOURCE_DOES_NOT_EXIST"
    # Its own model: allowed, and prod's champion did not move.
    plain.set_registered_model_alias("ml_acc.models.churn", "reviewed", acc_version.version)
    assert plain.get_model_version_by_alias("ml_acc.models.churn", "reviewed").version == acc_version.version
    assert uc_prod.get_model_version_by_alias("churn", "champion").version == prod_version.version


class Unpredictable(mlflow.pyfunc.PythonModel):
    """A model MLflow cannot infer a signature for: predict fails on the example."""

    def predict(self, context, model_input, params=None):
        raise ValueError("not on this input")


def test_a_model_logged_without_a_signature_is_not_registered(uc_acc):
    before = [v.version for v in uc_acc.search_model_versions("name='churn'")]
    uc_acc.set_experiment("churn")
    with pytest.raises(EnvironmentRuleViolation) as excinfo:
        uc_acc.log_model_helper(
            mlflow.pyfunc, "churn", python_model=Unpredictable(), name="model", input_example=EXAMPLE
        )
    assert excinfo.value.rule == "signature-required" and "was not registered" in str(excinfo.value)
    assert [v.version for v in uc_acc.search_model_versions("name='churn'")] == before


def _credentials(uc_registry, principal: str, name: str, version: str, operation: str) -> int:
    """The status of a request for temporary credentials to the version's files, sent as ``principal``."""
    request = urllib.request.Request(
        f"{uc_registry.host}/api/2.0/mlflow/unity-catalog/model-versions/generate-temporary-credentials",
        data=json.dumps(
            {"name": name, "version": version, "operation": f"MODEL_VERSION_OPERATION_{operation}"}
        ).encode(),
        headers={"Authorization": f"Bearer {uc_registry.tokens[principal]}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            assert "aws_temp_credentials" in json.loads(response.read())["credentials"]
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_a_reader_loads_what_it_may_read_and_writes_nothing(mlflow_server, uc_registry, uc_acc):
    """A member of the reader group of acc's fraud model (EXECUTE, USE_CATALOG, USE_SCHEMA; not an owner)."""
    version = train_and_register(uc_acc, "fraud")
    fraud = "ml_acc.models.fraud"
    reader_uri = uc_registry.registry_uri("reader")
    reader = MlflowClient(tracking_uri=mlflow_server.uri, registry_uri=reader_uri)
    assert reader.get_model_version(fraud, version.version).aliases == ["challenger"]
    with fluent_registry_uri(reader_uri):
        loaded = mlflow.pyfunc.load_model(f"models:/{fraud}@challenger")
    assert loaded.predict(EXAMPLE)["x"].tolist() == [2.0, 4.0]
    assert _credentials(uc_registry, "reader", fraud, version.version, "READ") == 200
    assert _credentials(uc_registry, "reader", fraud, version.version, "READ_WRITE") == 403  # only the owner writes
    assert _credentials(uc_registry, "acc", fraud, version.version, "READ_WRITE") == 200
    assert _denied(lambda: reader.set_registered_model_alias(fraud, "reviewed", version.version)) == "PERMISSION_DENIED"
    assert _denied(lambda: reader.delete_model_version(fraud, version.version)) == "PERMISSION_DENIED"
    assert _denied(lambda: reader.get_registered_model("ml_acc.models.churn")) == "PERMISSION_DENIED"  # no EXECUTE


def test_a_version_left_without_its_alias_gets_it_on_the_next_run(uc_acc, monkeypatch):
    """Unity Catalog's version search carries no tags: the pending version is found after the alias holder."""
    real = MlflowClient.set_registered_model_alias
    calls = {"count": 0}

    def fail_once(self, *args, **kwargs):
        calls["count"] += 1
        if calls["count"] == 1:
            raise MlflowException("simulated outage")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(MlflowClient, "set_registered_model_alias", fail_once)
    with pytest.raises(MlflowException, match=r"stays tagged env_mlflow_client.stage=pending:Staging") as excinfo:
        train_and_register(uc_acc)
    left = str(excinfo.value.message).split()[1]  # "version N of ..."
    assert uc_acc.get_model_version("churn", left).aliases == []
    assert [v.version for v in uc_acc.finish_pending_versions("churn")] == [left]
    staged = uc_acc.get_model_version("churn", left)
    assert staged.aliases == ["challenger"] and staged.tags["env_mlflow_client.stage"] == "Staging"
    assert uc_acc.finish_pending_versions("churn") == []
