"""End-to-end demo of the runtime client on a local MLflow server (run by `make demo`).

acc registers `churn` -> a version of `churn_acc` in Staging; prod registers `churn` -> a version
of `churn_prod` in Production (the model pre-created first, as Terraform does); acc reaching for
the production model is refused with the rule's name.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import warnings
from pathlib import Path

import mlflow.pyfunc
from mlflow import MlflowClient

from env_mlflow_client import EnvironmentMlflowClient, EnvironmentRuleViolation
from env_mlflow_client.testing import local_mlflow_server


class EchoModel(mlflow.pyfunc.PythonModel):
    """A real pyfunc model that returns its input."""

    def predict(self, context, model_input: list[str], params=None) -> list[str]:
        return model_input


def main() -> int:
    logging.getLogger("mlflow").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")
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


if __name__ == "__main__":
    sys.exit(main())
