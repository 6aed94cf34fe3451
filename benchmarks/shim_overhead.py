"""Benchmark: the same registry calls through MlflowClient and through EnvironmentMlflowClient.

Starts one local MLflow server, registers one model version, then runs many interleaved rounds
of the same sequence of registry calls (full names through MlflowClient, short names through the
shim) and prints the median time per round of each, their ratio and the HTTP requests each
sequence sends (the shim must add no round trips).

    .venv/bin/python -m benchmarks.shim_overhead [--rounds 200]

On another MLflow version, run it with the interpreter of that version's environment of the
compatibility matrix (``make test-compat`` builds them); the server stays the project's:

    MLENV_SERVER_PYTHON=.venv/bin/python ~/.cache/mlenv/compat/2.9.2/bin/python -m benchmarks.shim_overhead
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import mlflow.pyfunc
from mlflow import MlflowClient
from mlflow.utils import rest_utils

from env_mlflow_client import EnvironmentMlflowClient
from env_mlflow_client.testing import local_mlflow_server


class EchoModel(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input: list[str], params=None) -> list[str]:
        return model_input


def sequence(client: MlflowClient, name: str) -> None:
    """A job's typical registry reads and writes."""
    client.get_registered_model(name)
    client.get_model_version(name, "1")
    client.get_latest_versions(name, stages=["Staging"])
    client.search_model_versions(f"name='{name}'")
    client.set_model_version_tag(name, "1", "checked", "yes")
    client.set_registered_model_alias(name, "candidate", "1")
    client.get_model_version_by_alias(name, "candidate")
    client.transition_model_version_stage(name, "1", "Staging")
    client.get_model_version_download_uri(name, "1")


def requests_of(run: Callable[[], None]) -> int:
    """The HTTP requests one call of ``run`` sends."""
    with mock.patch.object(rest_utils, "http_request", wraps=rest_utils.http_request) as counted:
        run()
    return counted.call_count


def compare(plain: Callable[[], None], shim: Callable[[], None], rounds: int, what: str) -> None:
    """Time ``plain`` (MlflowClient) and ``shim`` (EnvironmentMlflowClient) in ``rounds`` interleaved rounds after
    one warm-up each, and print the requests per round, the medians and their ratios; ``what`` says what ran."""
    runners = {"MlflowClient": plain, "EnvironmentMlflowClient": shim}
    for run in runners.values():  # warm up connections and caches
        run()
    times: dict[str, list[float]] = {label: [] for label in runners}
    for round_number in range(rounds):
        order = list(runners) if round_number % 2 == 0 else list(reversed(runners))
        for label in order:
            started = time.perf_counter()
            runners[label]()
            times[label].append(time.perf_counter() - started)
    plain_median = statistics.median(times["MlflowClient"])
    shim_median = statistics.median(times["EnvironmentMlflowClient"])
    ratios = [s / p for s, p in zip(times["EnvironmentMlflowClient"], times["MlflowClient"], strict=True)]
    print(f"{rounds} interleaved rounds of {what}, client on MLflow {mlflow.__version__}")
    print(f"HTTP requests per round: MlflowClient {requests_of(plain)}, EnvironmentMlflowClient {requests_of(shim)}")
    print(
        f"median per round: MlflowClient {1000 * plain_median:.2f} ms, "
        f"EnvironmentMlflowClient {1000 * shim_median:.2f} ms"
    )
    print(
        f"ratio of medians: {shim_median / plain_median:.3f}; median of per-round ratios: "
        f"{statistics.median(ratios):.3f} (target <= 1.05)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=200)
    arguments = parser.parse_args()
    logging.getLogger("mlflow").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as directory, local_mlflow_server(Path(directory)) as server:
        shim = EnvironmentMlflowClient("acc", tracking_uri=server.uri)
        plain = MlflowClient(server.uri)
        shim.set_experiment("bench")
        shim.log_model_helper(
            mlflow.pyfunc, "churn", python_model=EchoModel(), name="model", pip_requirements=["mlflow"]
        )
        compare(
            lambda: sequence(plain, "churn_acc"),
            lambda: sequence(shim, "churn"),
            arguments.rounds,
            f"9 registry calls against {server.uri}",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
