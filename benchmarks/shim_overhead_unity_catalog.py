"""Benchmark: the same Unity Catalog registry calls through MlflowClient and through EnvironmentMlflowClient.

Starts a local MLflow server (tracking) and the Databricks stand-in with MLflow's Unity Catalog
registry API and moto's S3 server (``tests.support.uc_registry_server``, permissions enforced),
registers one version of ``ml_acc.models.churn`` as acc's runner, then runs many interleaved rounds
of the same registry calls: full names and aliases through ``MlflowClient(registry_uri=
"databricks-uc://acc")``, short names and stages through the shim. Prints the median time per round
of each, their ratio and the HTTP requests each sequence sends (the shim must add no round trips).

    .venv/bin/python -m benchmarks.shim_overhead_unity_catalog [--rounds 100]

On another MLflow version, use the interpreter of that version's environment of the compatibility
matrix; the servers stay the project's:

    MLENV_SERVER_PYTHON=.venv/bin/python \
        ~/.cache/mlenv/compat/2.9.2/bin/python -m benchmarks.shim_overhead_unity_catalog
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import warnings
from pathlib import Path

import mlflow.pyfunc
import pandas as pd
from mlflow import MlflowClient
from mlflow.models.signature import ModelSignature
from mlflow.types.schema import ColSpec, Schema

from benchmarks.shim_overhead import compare
from env_mlflow_client import EnvironmentMlflowClient
from env_mlflow_client.testing import SERVER_PYTHON_VARIABLE, local_mlflow_server
from tests.support.uc_registry_server import profiles, running

FULL_NAME = "ml_acc.models.churn"


class Doubler(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return model_input * 2


def plain_sequence(client: MlflowClient) -> None:
    """A job's typical registry reads and writes in Unity Catalog, as MLflow's own client spells them."""
    client.get_registered_model(FULL_NAME)
    client.get_model_version(FULL_NAME, "1")
    client.get_model_version_by_alias(FULL_NAME, "challenger")
    client.search_model_versions(f"name='{FULL_NAME}'")
    client.set_model_version_tag(FULL_NAME, "1", "checked", "yes")
    client.set_registered_model_alias(FULL_NAME, "candidate", "1")
    client.get_model_version_by_alias(FULL_NAME, "candidate")
    client.set_registered_model_alias(FULL_NAME, "challenger", "1")
    client.get_model_version(FULL_NAME, "1")
    client.get_model_version_download_uri(FULL_NAME, "1")


def shim_sequence(client: EnvironmentMlflowClient) -> None:
    """The same calls through the shim: short names, and stages where the job code has them."""
    client.get_registered_model("churn")
    client.get_model_version("churn", "1")
    client.get_latest_versions("churn", ["Staging"])  # the challenger alias
    client.search_model_versions("name='churn'")
    client.set_model_version_tag("churn", "1", "checked", "yes")
    client.set_registered_model_alias("churn", "candidate", "1")
    client.get_model_version_by_alias("churn", "candidate")
    client.transition_model_version_stage("churn", "1", "Staging")  # set challenger, read the version
    client.get_model_version_download_uri("churn", "1")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=100)
    arguments = parser.parse_args()
    logging.getLogger("mlflow").setLevel(logging.ERROR)
    logging.getLogger("databricks").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")
    server_python = os.environ.get(SERVER_PYTHON_VARIABLE) or sys.executable
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        with local_mlflow_server(root / "mlflow") as server, running(root / "uc", server_python) as ready:
            os.environ["DATABRICKS_CONFIG_FILE"] = str(profiles(ready, root / "databrickscfg"))
            os.environ["MLFLOW_S3_ENDPOINT_URL"] = ready["s3_endpoint"]
            shim = EnvironmentMlflowClient("acc", tracking_uri=server.uri, registry_uri="databricks-uc://acc")
            plain = MlflowClient(tracking_uri=server.uri, registry_uri="databricks-uc://acc")
            shim.set_experiment("bench")
            shim.log_model_helper(
                mlflow.pyfunc,
                "churn",
                python_model=Doubler(),
                name="model",
                input_example=pd.DataFrame({"x": [1.0]}),
                signature=ModelSignature(Schema([ColSpec("double", "x")]), Schema([ColSpec("double", "x")])),
                pip_requirements=["mlflow"],
            )
            compare(
                lambda: plain_sequence(plain),
                lambda: shim_sequence(shim),
                arguments.rounds,
                f"the same Unity Catalog registry calls against the stand-in {ready['host']}",
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
