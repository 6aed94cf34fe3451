"""End-to-end demo of the runtime client on a local MLflow server (run by `make demo`).

Workspace Model Registry: acc registers `churn` -> a version of `churn_acc` in Staging; prod
registers `churn` -> a version of `churn_prod` in Production (the model pre-created first, as
Terraform does); acc reaching for the production model is refused with the rule's name.

Unity Catalog, with the same job code: the registry is the Databricks stand-in of the tests (the
catalogs, schemas, models and grants Terraform leaves for the repository's manifests, ownership
enforced) with moto's S3 server for the model files. acc's version of `ml_acc.models.churn` gets the
alias `challenger`, prod's of `ml_prod.models.churn` gets `champion`; the loaded model predicts; acc is
refused by the client, and by the stand-in when it bypasses the client.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import warnings
from pathlib import Path

import mlflow.pyfunc
import pandas as pd
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from mlflow.models.signature import ModelSignature
from mlflow.types.schema import ColSpec, Schema

from env_mlflow_client import EnvironmentMlflowClient, EnvironmentRuleViolation
from env_mlflow_client.testing import local_mlflow_server
from tests.support.uc_registry_server import profiles, running

EXAMPLE = pd.DataFrame({"x": [1.0, 2.0]})
SIGNATURE = ModelSignature(Schema([ColSpec("double", "x")]), Schema([ColSpec("double", "x")]))


class EchoModel(mlflow.pyfunc.PythonModel):
    """A real pyfunc model that returns its input."""

    def predict(self, context, model_input: list[str], params=None) -> list[str]:
        return model_input


class Doubler(mlflow.pyfunc.PythonModel):
    """A real pyfunc model with a signature (Unity Catalog requires one): doubles its input."""

    def predict(self, context, model_input, params=None):
        return model_input * 2


def main() -> int:
    logging.getLogger("mlflow").setLevel(logging.ERROR)
    logging.getLogger("databricks.sdk").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")
    return workspace_registry() or unity_catalog()


def workspace_registry() -> int:
    """The Workspace Model Registry on a local MLflow server."""
    print("== Workspace Model Registry")
    with tempfile.TemporaryDirectory() as directory, local_mlflow_server(Path(directory)) as server:
        print(f"local MLflow server at {server.uri}")
        MlflowClient(server.uri).create_registered_model("churn_prod")  # pre-created, as Terraform does
        acc = EnvironmentMlflowClient("acc", tracking_uri=server.uri)
        prod = EnvironmentMlflowClient("prod", tracking_uri=server.uri)
        for client in (acc, prod):
            print(repr(client))
            client.set_experiment("churn")
            version, _ = client.log_model_helper(
                mlflow.pyfunc, "churn", python_model=EchoModel(), name="model", pip_requirements=["mlflow"]
            )
            print(
                f"  {client.env_name}: registered churn -> {version.name} version {version.version}, "
                f"stage {version.current_stage}"
            )
        try:
            acc.get_registered_model("churn_prod")
        except EnvironmentRuleViolation as refusal:
            print(f"  acc reaching for churn_prod: refused by rule {refusal.rule}: {refusal.message}")
        else:
            print("  acc reached churn_prod: this must not happen", file=sys.stderr)
            return 1
        try:
            acc.transition_model_version_stage("churn", "1", "Production")
        except EnvironmentRuleViolation as refusal:
            print(f"  acc moving churn_acc to Production: refused by rule {refusal.rule}")
    return 0


def unity_catalog() -> int:
    """Unity Catalog: tracking on a local MLflow server, the registry on the stand-in, files on moto's S3."""
    print("== Unity Catalog (the Databricks stand-in of the tests, model files on a local S3 server)")
    with (
        tempfile.TemporaryDirectory() as directory,
        local_mlflow_server(Path(directory) / "mlflow") as server,
        running(Path(directory) / "uc") as ready,
    ):
        os.environ["DATABRICKS_CONFIG_FILE"] = str(profiles(ready, Path(directory) / "databrickscfg"))
        os.environ["MLFLOW_S3_ENDPOINT_URL"] = ready["s3_endpoint"]
        clients = {
            env: EnvironmentMlflowClient(env, tracking_uri=server.uri, registry_uri=f"databricks-uc://{env}")
            for env in ("acc", "prod")
        }
        for client in clients.values():
            print(repr(client))
            client.set_experiment("churn")
            version, _ = client.log_model_helper(
                mlflow.pyfunc,
                "churn",
                python_model=Doubler(),
                name="model",
                input_example=EXAMPLE,
                signature=SIGNATURE,
                pip_requirements=["mlflow"],
            )
            print(
                f"  {client.env_name}: registered churn -> {version.name} version {version.version}, "
                f"aliases {client.get_model_version(version.name, version.version).aliases}"
            )
            predictions = client.load_latest_model(mlflow.pyfunc, "churn").predict(EXAMPLE)
            print(f"  {client.env_name}: loaded the latest version, predict(1, 2) = {list(predictions['x'])}")
        acc = clients["acc"]
        try:
            acc.get_registered_model("ml_prod.models.churn")
        except EnvironmentRuleViolation as refusal:
            print(f"  acc reaching for ml_prod.models.churn: refused by the client, rule {refusal.rule}")
        bypass = MlflowClient(tracking_uri=server.uri, registry_uri="databricks-uc://acc")
        try:
            bypass.set_registered_model_alias("ml_prod.models.churn", "champion", "1")
        except MlflowException as refusal:
            print(f"  acc bypassing the client to move prod's champion: refused by the stand-in, {refusal.error_code}")
        else:
            print("  acc moved prod's champion: this must not happen", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
