"""Benchmark: versions copied per minute by ``mlenv migrate`` at a workspace's latency.

Source: a local MLflow server (the Workspace Model Registry API) with ENVIRONMENTS x MODELS x VERSIONS
versions, each with its own small files, stages, tags and descriptions, answering mlenv after ``--latency`` seconds
too (through :mod:`tests.support.latency_proxy`: the source registry is a workspace's API as well). Target: the
Unity Catalog stand-in (MLflow's UC registry API, ownership enforced) answering every request after ``--latency``
seconds, with moto's S3 server for the files. For each ``--jobs`` value the target starts empty, then ``mlenv migrate``
copies and verifies everything as each environment's principal; a second run (nothing to copy, every version
verified before: its records spare the downloads), a verify-only run and a ``verify --full`` run (every version
downloaded again, as before the records) are timed too. Prints seconds, versions per minute and the ratio to one
job. Within a model, versions copy in order with the next one's download overlapping the current one's upload;
``--environments 1 --models 1 --versions 40`` measures that alone. ``request_budget`` is 1000 unless ``--budget``
says otherwise, so that the latency, not the budget's pacing, bounds the copy (at the default budget of 15 the
migration sends at most 7 requests per second, whatever ``--jobs``). ``--checkout DIR`` runs the ``generator``
package found in DIR (its working directory) instead of this one, for before/after figures
(``git archive REV generator | tar -x -C DIR``); an mlenv that refuses ``verify --full`` (it predates the
verification records) shows ``-`` in that column.

    .venv/bin/python -m benchmarks.migrate_throughput [--environments 3] [--models 3] [--versions 4]
        [--latency 0.05] [--jobs 1 4] [--budget 1000] [--checkout DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from contextlib import ExitStack
from pathlib import Path

from mlflow import MlflowClient

from env_mlflow_client.testing import start_server
from generator.paths import MIGRATION_RECORDS
from tests.support.latency_proxy import delayed
from tests.support.migration_source import add_models, register
from tests.support.repository import unity_catalog_repository
from tests.support.uc_registry_server import profiles, running

STAGES = ("None", "Staging", "Production", "Archived")


def timed(command: list[str], environment: dict[str, str], cwd: Path | None) -> float:
    """Seconds ``command`` took; fails loudly when it does not exit 0."""
    elapsed = timed_if_accepted(command, environment, cwd)
    if elapsed is None:
        raise SystemExit(f"mlenv refused {' '.join(command[3:])} (exit 2)")
    return elapsed


def timed_if_accepted(command: list[str], environment: dict[str, str], cwd: Path | None) -> float | None:
    """Seconds ``command`` took, or None when mlenv refused its arguments (exit 2); fails loudly on another exit."""
    started = time.perf_counter()
    finished = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=cwd, check=False)
    elapsed = time.perf_counter() - started
    if finished.returncode == 2:
        return None
    if finished.returncode != 0:
        raise SystemExit(
            f"mlenv migrate exited {finished.returncode}:\n{finished.stdout[-2000:]}{finished.stderr[-2000:]}"
        )
    return elapsed


def main() -> None:
    """Populate the source once, then migrate into a fresh target for each ``--jobs`` value."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--environments", type=int, default=3)
    parser.add_argument("--models", type=int, default=3)
    parser.add_argument("--versions", type=int, default=4)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per stand-in request (default 0.05)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--budget", type=int, default=1000, help="request_budget in workspace.yaml (default 1000)")
    parser.add_argument("--checkout", type=Path, help="a directory holding the generator package to run instead")
    arguments = parser.parse_args()
    warnings.filterwarnings("ignore")
    environments = ("acc", "preprod", "prod", *(f"team{n}" for n in range(arguments.environments)))[
        : arguments.environments
    ]
    models = tuple(f"model{n}" for n in range(arguments.models))
    total = len(environments) * len(models) * arguments.versions
    with tempfile.TemporaryDirectory(prefix="mlenv-bench-") as scratch:
        base = Path(scratch)
        repository = unity_catalog_repository(base / "repository")
        for extra in sorted((repository / "environments").glob("*.yaml")):
            if extra.stem not in (*environments, "workspace"):
                extra.unlink()
        for environment in environments:
            manifest = repository / f"environments/{environment}.yaml"
            if not manifest.exists():
                manifest.write_text("production: false\nmodels:\n")
        add_models(repository, environments, models)
        settings = repository / "environments/workspace.yaml"
        settings.write_text(f"{settings.read_text()}request_budget: {arguments.budget}\n")
        server = start_server(base / "mlflow")
        source = MlflowClient(tracking_uri=server.uri, registry_uri=server.uri)
        started = time.perf_counter()
        for environment in environments:
            for model in models:
                source.create_registered_model(f"{model}_{environment}")
                for number in range(1, arguments.versions + 1):
                    register(source, base / "models", f"{model}_{environment}", number, STAGES[number % 4])
        print(f"source: {total} versions registered in {time.perf_counter() - started:.1f} s")
        print(f"stand-in latency {arguments.latency * 1000:.0f} ms per request\n")
        print(
            f"{'jobs':>4}  {'copy+verify':>11}  {'versions/min':>12}  {'vs 1 job':>8}  {'rerun':>7}  {'verify':>7}  "
            f"{'verify --full':>13}"
        )
        first = None
        source_far = ExitStack()
        source_uri = source_far.enter_context(delayed(server.uri, arguments.latency))
        for jobs in arguments.jobs:
            shutil.rmtree((repository / MIGRATION_RECORDS).parent, ignore_errors=True)  # each target starts empty
            with running(base / f"uc-{jobs}", repository=repository, latency=arguments.latency) as ready:
                environment = {
                    **{k: v for k, v in os.environ.items() if not k.startswith(("DATABRICKS_", "MLFLOW_"))},
                    "DATABRICKS_CONFIG_FILE": str(profiles(ready, base / f"databrickscfg-{jobs}")),
                    "MLFLOW_S3_ENDPOINT_URL": ready["s3_endpoint"],
                }
                command = [
                    sys.executable, "-m", "generator", "--repository", str(repository), "migrate", "--jobs", str(jobs),
                    "--source-registry-uri", source_uri, "--tracking-uri", source_uri,
                    "--target-registry-uri", "databricks-uc://{env}",
                ]  # fmt: skip
                copy = timed(command, environment, arguments.checkout)
                rerun = timed(command, environment, arguments.checkout)
                verify = timed([*command, "verify"], environment, arguments.checkout)
                full = timed_if_accepted([*command, "verify", "--full"], environment, arguments.checkout)
            first = first or copy
            print(
                f"{jobs:>4}  {copy:>9.1f} s  {total / copy * 60:>12.0f}  {first / copy:>7.2f}x  {rerun:>5.1f} s  "
                f"{verify:>5.1f} s  {'-' if full is None else f'{full:.1f} s':>13}"
            )
        source_far.close()
        server.stop()


if __name__ == "__main__":
    main()
