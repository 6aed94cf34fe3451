"""Shared fixtures: a throw-away copy of the repository and a way to run the CLI in it."""

from __future__ import annotations

import http.server
import shutil
import threading
from pathlib import Path

import pytest

from fake_databricks import TOKEN, FakeDatabricks
from generator.cli import main
from generator.terraform.toolchain import cache_directory
from repo_helpers import REPOSITORY, CliResult

_COPIED = ("environments", "modules", "versions.tf")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the repository's manifests, modules and versions.tf, without generated files."""
    root = tmp_path / "repo"
    root.mkdir()
    for name in _COPIED:
        source = REPOSITORY / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns(".terraform*"))
        else:
            shutil.copy2(source, root / name)
    return root


@pytest.fixture
def empty_repo(tmp_path: Path) -> Path:
    """A repository with an empty environments/ directory."""
    root = tmp_path / "empty"
    (root / "environments").mkdir(parents=True)
    return root


@pytest.fixture
def mlenv(capsys: pytest.CaptureFixture[str]):
    """Run ``mlenv ARGS`` in-process and return its exit code and output."""

    def run(*arguments: str | Path) -> CliResult:
        code = main([str(argument) for argument in arguments])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


class _NotFoundHandler(http.server.BaseHTTPRequestHandler):
    """Answers every Databricks REST call with 404 NOT_FOUND, recording the requests."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.server.requests.append((self.command, self.path))  # type: ignore[attr-defined]
        body = b'{"error_code":"NOT_FOUND","message":"not found"}'
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

    def log_message(self, *arguments: object) -> None:
        """Keep test output quiet."""


@pytest.fixture
def empty_workspace(monkeypatch: pytest.MonkeyPatch):
    """A local HTTP endpoint standing in for an empty Databricks workspace; credentials point at it."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotFoundHandler)
    server.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("DATABRICKS_HOST", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-test-token")
    yield server
    server.shutdown()


@pytest.fixture
def point_at_stand_in(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Point databricks-sdk (and Terraform's provider) at a stand-in workspace: ``point_at_stand_in(server)``.

    HOME moves to a temporary directory so that no ``~/.databrickscfg`` of the developer's is read;
    the provider build stays found through MLENV_CACHE.
    """
    monkeypatch.setenv("MLENV_CACHE", str(cache_directory()))
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("DATABRICKS_CONFIG_PROFILE", "DATABRICKS_CLIENT_ID", "DATABRICKS_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)

    def point_at(server: FakeDatabricks, token: str = TOKEN) -> None:
        monkeypatch.setenv("DATABRICKS_HOST", server.host)
        monkeypatch.setenv("DATABRICKS_TOKEN", token)

    return point_at
