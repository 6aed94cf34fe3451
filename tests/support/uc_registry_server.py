"""Run the Databricks stand-in with Unity Catalog as Terraform leaves it, and an S3-compatible store, in one process.

    python -m tests.support.uc_registry_server DIRECTORY [REPOSITORY]

The permission model is that of REPOSITORY's manifests (Unity Catalog mode), by default the
repository's manifests switched to Unity Catalog
(:func:`tests.support.repository.unity_catalog_repository`, catalogs ``ml_{env}``, schema ``models``);
the stand-in holds it as :func:`tests.support.stand_in_unity_catalog_seed.matching_unity_catalog`
does and serves MLflow's Unity Catalog registry API (:mod:`tests.support.stand_in_model_registry`)
over it. Each environment's service principal gets a token (``dapi-{env}-runner``), a member of the
first reader group gets ``dapi-reader``; the deploying identity keeps ``TOKEN``. Version files go
to moto's S3 server (bucket ``metastore``).

When both servers answer, ``DIRECTORY/ready.json`` holds ``host``, ``s3_endpoint``, ``bucket`` and
``tokens`` (environment -> token, and ``deployer``). The process runs until it is terminated. The
shim's tests start it with the project's Python, so that they run in virtual environments that
hold only the client side (``tests/shim/conftest.py``).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BUCKET = "metastore"
#: Seconds the stand-in waits before answering each request (benchmarks: a workspace's round trip).
LATENCY_VARIABLE = "MLENV_STAND_IN_LATENCY"
#: The application id of a principal in the manifests' first reader group (token ``dapi-reader``).
READER = "5eade7a1-0000-4000-8000-00000000beef"
REPOSITORY = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def main(directory: Path, repository: Path | None = None) -> None:
    """Start both servers, write ``ready.json`` and wait for SIGTERM."""
    import boto3
    from moto.server import ThreadedMotoServer

    from generator.model.checked import load_and_check
    from generator.model.grants import GROUP, REGISTERED_MODEL, SERVICE_PRINCIPAL
    from tests.support.repository import unity_catalog_repository
    from tests.support.stand_in import TOKEN, FakeDatabricks
    from tests.support.stand_in_unity_catalog_seed import matching_unity_catalog

    directory.mkdir(parents=True, exist_ok=True)
    checked = load_and_check(repository or unity_catalog_repository(directory / "repository"))
    model = checked.model
    workspace = matching_unity_catalog(model)
    workspace.latency = float(os.environ.get(LATENCY_VARIABLE) or 0)
    for environment in checked.manifests.environments:  # the comments Terraform sets from the manifests
        schema = model.environments[environment.name].schema
        for spec in environment.manifest.models:
            workspace.uc.models[f"{schema}.{spec.name}"]["comment"] = spec.description or ""
    assert workspace.registry is not None
    workspace.registry.bucket = BUCKET
    tokens = {"deployer": TOKEN}
    groups = {facts.group: environment for environment, facts in model.environments.items()}
    for grant in model.grants:
        if grant.object_type == GROUP and grant.principal_type == SERVICE_PRINCIPAL and grant.object in groups:
            token = f"dapi-{groups[grant.object]}-runner"
            workspace.uc.callers[token] = grant.principal
            tokens[groups[grant.object]] = token
    readers = sorted(
        {
            grant.principal
            for grant in model.grants
            if grant.object_type == REGISTERED_MODEL
            and grant.principal_type == GROUP
            and grant.permission_level == "EXECUTE"
        }
    )
    if readers:  # a member of the first reader group: EXECUTE on the models it reads, USE_* above them
        reader = workspace.uc.account_service_principal(READER, "reader")
        workspace.uc.account_group(readers[0], (reader,))
        workspace.uc.callers["dapi-reader"] = READER
        tokens["reader"] = "dapi-reader"
    s3_port = _free_port()
    s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=s3_port, verbose=False)
    s3.start()
    endpoint = f"http://127.0.0.1:{s3_port}"
    boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="admin", aws_secret_access_key="admin"
    ).create_bucket(Bucket=BUCKET)
    with FakeDatabricks(workspace) as databricks:
        ready = {"host": databricks.host, "s3_endpoint": endpoint, "bucket": BUCKET, "tokens": tokens}
        (directory / "ready.json.tmp").write_text(json.dumps(ready))
        (directory / "ready.json.tmp").rename(directory / "ready.json")
        signal.sigwait({signal.SIGTERM, signal.SIGINT})
    s3.stop()


@contextmanager
def running(
    directory: Path,
    python: str | None = None,
    timeout: float = 120.0,
    repository: Path | None = None,
    latency: float = 0.0,
) -> Iterator[dict[str, Any]]:
    """Run this module in a new process of ``python`` (default: this one) and yield its ``ready.json``.

    Importing this module needs nothing but the standard library, so a benchmark on a client-only
    virtual environment can start the servers with the project's Python.
    """
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "server.log").open("w") as log:
        process = subprocess.Popen(
            [
                python or sys.executable,
                "-m",
                "tests.support.uc_registry_server",
                str(directory),
                *([str(repository)] if repository else []),
            ],
            cwd=REPOSITORY,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, LATENCY_VARIABLE: str(latency)},
        )
    try:
        deadline = time.monotonic() + timeout
        while not (directory / "ready.json").exists():
            if process.poll() is not None or time.monotonic() > deadline:
                tail = (directory / "server.log").read_text()[-3000:]
                raise RuntimeError(f"the Unity Catalog stand-in did not start:\n{tail}")
            time.sleep(0.2)
        yield json.loads((directory / "ready.json").read_text())
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def profiles(ready: dict[str, Any], path: Path) -> Path:
    """A Databricks configuration file with one profile per token of ``ready`` (``[acc]``, ``[prod]``, ...)."""
    path.write_text(
        "".join(f"[{name}]\nhost = {ready['host']}\ntoken = {token}\n" for name, token in ready["tokens"].items())
    )
    return path


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None)
