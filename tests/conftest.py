"""Shared fixtures: a throw-away copy of the repository and a way to run the CLI in it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.cli import main
from generator.terraform.toolchain import cache_directory
from tests.support.repository import REPOSITORY, CliResult
from tests.support.stand_in import TOKEN, FakeDatabricks, FakeWorkspace, unthrottled

_COPIED = ("environments", "modules", "versions.tf")

#: Terraform and the provider (Go programs) collect garbage half as often in the suite: GOGC=200 (Go's default is
#: 100) takes about a tenth off their CPU time (a Unity Catalog example's roots: 66.7 s → 59.5 s) for about 15% more
#: memory per process. A GOGC set by whoever runs the tests wins.
os.environ.setdefault("GOGC", "200")

#: Test modules that each run on one pytest-xdist worker, because their tests share what is expensive to set up
#: or must not be set up twice at once: a module fixture (an MLflow source and a Unity Catalog target, a Mermaid
#: parser installed into the cache, pre-commit's hook environments, a virtual environment with only mlflow-skinny).
#: The runtime client's suite (``tests/shim``) is one group: its tests share the session's MLflow servers.
ONE_WORKER_GROUPS = {
    "tests/integration/test_diagrams_parse.py": "mermaid",
    "tests/integration/test_migrate.py": "migrate",
    "tests/integration/test_pre_commit_hooks.py": "pre-commit",
    "tests/integration/test_preflight.py": "preflight",
    "tests/shim/": "mlflow-servers",
}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """``pytest -n N`` (``make test``): every test is a unit of work for whichever worker is free, except the groups
    of :data:`ONE_WORKER_GROUPS`, each a single unit (the largest first). Other ``--dist`` modes are left as
    they are."""
    if config.getvalue("dist") != "load":
        return None
    from tests.support.test_scheduling import GroupsOnOneWorker

    return GroupsOnOneWorker(config, log, ONE_WORKER_GROUPS)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the repository's manifests, modules and versions.tf, without generated files, whose request budget
    does not throttle Terraform against a stand-in (:data:`tests.support.stand_in.UNTHROTTLED`)."""
    root = tmp_path / "repo"
    root.mkdir()
    for name in _COPIED:
        source = REPOSITORY / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns(".terraform*"))
        else:
            shutil.copy2(source, root / name)
    return unthrottled(root)


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


@pytest.fixture
def empty_workspace(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeDatabricks]:
    """The REST stand-in serving an empty workspace, with the standard credentials pointing at it."""
    monkeypatch.setenv("MLENV_CACHE", str(cache_directory()))
    monkeypatch.setenv("HOME", str(tmp_path))
    with FakeDatabricks(FakeWorkspace()) as server:
        monkeypatch.setenv("DATABRICKS_HOST", server.host)
        monkeypatch.setenv("DATABRICKS_TOKEN", TOKEN)
        yield server


@pytest.fixture
def rendered(repo: Path, mlenv: Callable[..., CliResult]) -> Path:
    """A copy of the repository with every generated file rendered."""
    assert mlenv("--repository", repo, "render").code == 0
    return repo


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
