"""A real local ``mlflow server`` for tests of jobs that use the client (needs the full ``mlflow``).

    with local_mlflow_server(tmp_path) as server:
        client = EnvironmentMlflowClient("acc", tracking_uri=server.uri)

The server runs on a temp sqlite database and artifact directory, on a free port; start-up waits
on ``/health``, not on a sleep. Start one per test session: it takes seconds to start. It runs one
worker process (``mlflow server`` starts four by default, each importing MLflow: half the start-up's CPU and
seconds of wall time for nothing in a test); ``extra`` arguments such as ``--workers 4`` come last and win.

The server runs on this interpreter's MLflow, or on the Python named by ``MLENV_SERVER_PYTHON``
(an environment with the full ``mlflow``): a client on an older or skinny MLflow is then tested
against a current server, as jobs on a Databricks runtime are.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

#: The Python whose ``mlflow server`` is started (default: this interpreter).
SERVER_PYTHON_VARIABLE = "MLENV_SERVER_PYTHON"


@dataclass
class MlflowServer:
    """A running server: its URI, its directory and its process."""

    uri: str
    directory: Path
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        """Terminate the server and every worker it started."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(
    directory: Path, *extra: str, env: dict[str, str] | None = None, timeout: float = 180.0
) -> MlflowServer:
    """Start ``mlflow server`` on a temp sqlite database and artifact directory; wait on /health."""
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = (directory / "server.log").open("w")
    command = [
        os.environ.get(SERVER_PYTHON_VARIABLE) or sys.executable,
        "-m",
        "mlflow",
        "server",
        "--backend-store-uri",
        f"sqlite:///{directory / 'mlflow.db'}",
        "--default-artifact-root",
        str(directory / "artifacts"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        *extra,
    ]
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env={**os.environ, **(env or {})}
    )
    server = MlflowServer(f"http://127.0.0.1:{port}", directory, process)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log_text = (directory / "server.log").read_text()
            if "No module named" in log_text:
                missing = log_text.rpartition("No module named")[2].splitlines()[0].strip(" '\"")
                raise RuntimeError(
                    f"the MLflow server cannot start: Python module {missing!r} is missing. The server needs the "
                    "full mlflow package, not only mlflow-skinny: pip install mlflow (or point "
                    f"{SERVER_PYTHON_VARIABLE} at a Python that has it)"
                )
            raise RuntimeError(f"mlflow server exited with {process.returncode}:\n{log_text[-3000:]}")
        try:
            with urllib.request.urlopen(f"{server.uri}/health", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.stop()
    raise RuntimeError(
        f"mlflow server did not answer /health within {timeout} s:\n{(directory / 'server.log').read_text()[-3000:]}"
    )


@contextmanager
def local_mlflow_server(directory: Path, *extra: str, env: dict[str, str] | None = None) -> Iterator[MlflowServer]:
    """:func:`start_server` as a context manager that always stops the server."""
    server = start_server(Path(directory), *extra, env=env)
    try:
        yield server
    finally:
        server.stop()
