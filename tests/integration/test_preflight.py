"""Every command that talks to Databricks checks the workspace first: one line and exit 3 within seconds.

A wrong token (401), an identity without workspace access (403), a closed port, a host name that
does not resolve, a host that is not a Databricks workspace, and credentials that point at another
workspace than the settings name: each is reported before Terraform starts or an audit begins.
"""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.repository import CliResult, run_module
from tests.support.stand_in import FORBIDDEN_TOKEN, TOKEN, FakeDatabricks, FakeWorkspace

#: A refusal is reported at once; what it must never do is retry for the minute a throttling workspace gets
#: (429/503) or start Terraform. A new Python process on a loaded 2-core CI machine takes several seconds by itself.
SECONDS = 20.0


class _NotDatabricks(http.server.BaseHTTPRequestHandler):
    """A web server that is not a Databricks workspace: every path is 404 with an HTML page."""

    def do_GET(self) -> None:
        body = b"<html><body>Not Found</body></html>"
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *arguments: object) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def stand_in() -> Iterator[FakeDatabricks]:
    with FakeDatabricks(FakeWorkspace()) as server:
        yield server


@pytest.fixture(scope="module")
def not_databricks() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotDatabricks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _closed_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


CASES = {
    "wrong token": (lambda s, n: (s.host, "dapi-wrong"), "refused the credentials (401)"),
    "no workspace access": (lambda s, n: (s.host, FORBIDDEN_TOKEN), "does not let them use this workspace (403)"),
    "closed port": (lambda s, n: (_closed_port(), TOKEN), "refuses connections on port"),
    "unresolvable host": (lambda s, n: ("https://mlenv-no-such-host.invalid", TOKEN), "does not resolve (DNS)"),
    "not a workspace": (lambda s, n: (n, TOKEN), "does not look like a Databricks workspace"),
}
ACTIONS = {"plan": "plan", "audit": "audit the workspace", "adopt": "read the workspace"}


def _run(root: Path, command: str, host: str, token: str, monkeypatch: pytest.MonkeyPatch) -> tuple[CliResult, float]:
    monkeypatch.setenv("DATABRICKS_HOST", host)
    monkeypatch.setenv("DATABRICKS_TOKEN", token)
    started = time.monotonic()
    result = run_module("--repository", root, command)
    return result, time.monotonic() - started


@pytest.mark.parametrize("command", sorted(ACTIONS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_each_failure_is_one_line_and_exit_3_before_anything_runs(
    case, command, rendered, stand_in, not_databricks, point_at_stand_in, monkeypatch
):
    where, expected = CASES[case]
    host, token = where(stand_in, not_databricks)
    result, seconds = _run(rendered, command, host, token, monkeypatch)
    assert result.code == 3, result.out + result.err
    assert result.err.startswith(f"mlenv: cannot {ACTIONS[command]}: ") and expected in result.err, result.err
    assert result.err.count("\n") == 1, result.err
    assert seconds < SECONDS
    assert not (rendered / ".terraform").exists() and not (rendered / ".mlenv").exists(), "Terraform started"


@pytest.mark.parametrize("command", sorted(ACTIONS))
def test_credentials_for_another_workspace_are_refused(command, rendered, stand_in, point_at_stand_in, monkeypatch):
    settings = rendered / "environments/workspace.yaml"
    settings.write_text(settings.read_text() + "databricks_host: https://adb-1234567890123456.7.azuredatabricks.net\n")
    assert run_module("--repository", rendered, "render").code == 0
    result, seconds = _run(rendered, command, stand_in.host, TOKEN, monkeypatch)
    assert result.code == 3 and seconds < SECONDS
    assert (
        f"the credentials point at {stand_in.host}, but environments/workspace.yaml names "
        "https://adb-1234567890123456.7.azuredatabricks.net" in result.err
    )
    assert not (rendered / ".terraform").exists()


def test_apply_checks_the_saved_plan_first_then_the_workspace(rendered, stand_in, point_at_stand_in, monkeypatch):
    result, _ = _run(rendered, "apply", stand_in.host, "dapi-wrong", monkeypatch)
    assert result.code == 4 and "no saved plan" in result.err
    (rendered / ".mlenv").mkdir()
    (rendered / ".mlenv/tfplan").write_bytes(b"partial")
    result, _ = _run(rendered, "apply", stand_in.host, "dapi-wrong", monkeypatch)
    assert result.code == 4 and "is incomplete: the plan that wrote it did not finish" in result.err
