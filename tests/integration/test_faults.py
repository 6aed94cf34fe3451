"""Faults during plan, apply and audit: throttling, server errors, dropped connections and a killed apply.

Real Terraform with the real provider and the real databricks-sdk against the REST stand-in, which injects
a seeded share of 429 (with ``Retry-After``), 503 and closed connections. The contract: every command either
converges (exit 0, the audit clean, a second plan empty) or stops with exit 3 naming the workspace and what
to rerun; never a silent half-applied success. After a dropped connection or a killed apply, the documented
recovery (``mlenv plan``, which finds objects that exist outside the state, then ``mlenv plan --adopt``)
converges with nothing duplicated and nothing deleted.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.model.checked import load_and_check
from tests.support.repository import CliResult, name_stand_in_deployer_as_terraform_identity, run_module
from tests.support.stand_in import (
    DROPPED,
    LOST,
    THROTTLED,
    UNAVAILABLE,
    FakeDatabricks,
    FakeWorkspace,
    Faults,
    unthrottled,
)
from tests.support.stand_in_unity_catalog import ACCOUNT_ID
from tests.support.stand_in_unity_catalog_seed import unity_catalog_repo
from tests.support.synthetic import synthesize

#: The 31 objects of the example repository: 4 groups (3 environments and apps_all), 3 service principals,
#: 3 directories, 6 models, and their memberships and permissions.
EXAMPLE_MODELS = ["churn_acc", "churn_preprod", "churn_prod", "fraud_acc", "fraud_preprod", "fraud_prod"]


def _recover(root: Path, mlenv) -> list[CliResult]:
    """The documented recovery: plan; while it finds what an interrupted apply left, plan again adopting it (a
    second round may name production models, which need consent); apply."""
    steps = [run_module("--repository", root, "plan")]
    while steps[-1].code == 4 and "mlenv plan --adopt" in steps[-1].err and len(steps) < 4:
        assert not (root / ".mlenv/tfplan").exists(), "a refused plan must not be left to apply"
        consent = ["--include-production"] if "--include-production" in steps[-1].err else []
        steps.append(run_module("--repository", root, "plan", "--adopt", *consent))
    assert steps[-1].code == 0, steps[-1].out + steps[-1].err
    steps.append(run_module("--repository", root, "apply"))
    assert steps[-1].code == 0, steps[-1].out + steps[-1].err
    return steps


def _converged(root: Path, mlenv) -> None:
    audit = mlenv("--repository", root, "audit", "--format", "json")
    assert audit.code == 0, audit.out + audit.err
    assert json.loads(audit.out)["summary"] == "clean"
    replan = run_module("--repository", root, "plan")
    assert replan.code == 0 and "No changes." in replan.out, replan.out + replan.err


@pytest.mark.terraform
@pytest.mark.parametrize("share", [0.1, 0.3])
def test_plan_apply_and_audit_converge_through_throttling_and_server_errors(share, rendered, mlenv, point_at_stand_in):
    name_stand_in_deployer_as_terraform_identity(rendered)
    assert mlenv("--repository", rendered, "render").code == 0
    workspace = FakeWorkspace(faults=Faults(throttled=share / 2, unavailable=share / 2, seed=int(share * 100)))
    with FakeDatabricks(workspace) as server:
        point_at_stand_in(server)
        plan = run_module("--repository", rendered, "plan")
        assert plan.code == 0, plan.out + plan.err
        apply = run_module("--repository", rendered, "apply")
        assert apply.code == 0, apply.out + apply.err
        assert "Apply complete! Resources: 31 added" in apply.out
        _converged(rendered, mlenv)
    assert workspace.faults.counts[THROTTLED] > 0 and workspace.faults.counts[UNAVAILABLE] > 0
    assert sorted(workspace.models) == EXAMPLE_MODELS


@pytest.mark.terraform
def test_dropped_connections_stop_the_apply_with_exit_3_and_the_rerun_converges(rendered, mlenv, point_at_stand_in):
    """A dropped connection on a create is not retried by the provider (the create may have happened): the
    apply stops with exit 3 naming the workspace and what to rerun; the rerun adopts what was created.
    (Faults hit the requests that change the workspace here; a failed read back is the next test.)"""
    name_stand_in_deployer_as_terraform_identity(rendered)
    assert mlenv("--repository", rendered, "render").code == 0
    workspace = FakeWorkspace(faults=Faults(dropped=0.08, lost=0.08, seed=3, writes_only=True))
    with FakeDatabricks(workspace) as server:
        point_at_stand_in(server)
        first = [run_module("--repository", rendered, "plan")]
        if first[0].code == 0:
            first.append(run_module("--repository", rendered, "apply"))
        assert workspace.faults.counts[DROPPED] + workspace.faults.counts[LOST] > 0
        stopped = first[-1]
        if stopped.code != 0:
            assert stopped.code == 3, stopped.out + stopped.err
            assert server.host in stopped.err and "Rerun 'mlenv plan'" in stopped.err, stopped.err
            assert "Traceback" not in stopped.err
        workspace.faults.off()
        _recover(rendered, mlenv)
        _converged(rendered, mlenv)
    assert sorted(workspace.models) == EXAMPLE_MODELS
    assert sorted(workspace.groups) == ["apps_acc", "apps_all", "apps_preprod", "apps_prod"]
    assert len(workspace.service_principals) == 3


@pytest.mark.terraform
@pytest.mark.parametrize("unreadable", ["apps_acc", "7c4d2e9a-1b3f-4a6c-8d5e-2f9a0b1c3d02"], ids=["group", "sp"])
def test_an_object_created_but_not_read_back_is_kept_not_replaced(unreadable, rendered, mlenv, point_at_stand_in):
    """The provider does not repeat a read that lost its connection: the object it just created is recorded
    as tainted, and the next plan would replace it (delete and create again). mlenv's plan names it and
    refuses; with --adopt it untaints it, and the apply converges without deleting anything."""
    name_stand_in_deployer_as_terraform_identity(rendered)
    assert mlenv("--repository", rendered, "render").code == 0
    workspace = FakeWorkspace(faults=Faults(unreadable={unreadable}))
    with FakeDatabricks(workspace) as server:
        point_at_stand_in(server)
        assert run_module("--repository", rendered, "plan").code == 0
        stopped = run_module("--repository", rendered, "apply")
        assert stopped.code == 3, stopped.out + stopped.err
        workspace.faults.off()
        groups = {name: group["id"] for name, group in workspace.groups.items()}
        principals = set(workspace.service_principals)
        steps = _recover(rendered, mlenv)
        _converged(rendered, mlenv)
    assert workspace.faults.counts[DROPPED] >= 1
    assert "could not read back" in steps[0].err and "mlenv plan --adopt" in steps[0].err, steps[0].err
    assert not any(method == "DELETE" for method, _ in workspace.requests), "nothing was deleted"
    assert all(workspace.groups[name]["id"] == group_id for name, group_id in groups.items()), "no group made anew"
    assert principals <= set(workspace.service_principals)


def _writes(workspace: FakeWorkspace) -> int:
    """How many requests that change the workspace it has received."""
    return sum(1 for method, _ in list(workspace.requests) if method != "GET")


def _apply_killed_when(
    root: Path, workspace: FakeWorkspace, reached: Callable[[FakeWorkspace], bool]
) -> tuple[int, int, str]:
    """``mlenv apply`` in its own process group, killed with SIGKILL (mlenv, Terraform and the provider at
    once, as when the runner dies) as soon as the workspace has ``reached`` the kill point; how many creating
    requests it had received by then, the apply's exit code (``-SIGKILL`` when the kill came first) and its
    standard error."""
    errors = root.parent / "killed-apply.err"
    with errors.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "--repository", str(root), "apply"],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )
    deadline = time.monotonic() + 300
    while process.poll() is None and time.monotonic() < deadline:
        if reached(workspace):
            os.killpg(process.pid, signal.SIGKILL)
            break
        time.sleep(0.01)
    process.wait()
    return _writes(workspace), process.returncode, errors.read_text(encoding="utf-8", errors="replace")


def _kill_and_recover(
    tmp_path: Path, mlenv, point_at_stand_in, reached: Callable[[FakeWorkspace], bool]
) -> dict[str, object]:
    root = tmp_path / "repo"
    synthesize(root, 10, 10)
    unthrottled(root)
    name_stand_in_deployer_as_terraform_identity(root)
    assert mlenv("--repository", root, "render").code == 0
    workspace = FakeWorkspace(latency=0.02)
    with FakeDatabricks(workspace) as server:
        point_at_stand_in(server)
        plan = run_module("--repository", root, "plan")
        assert plan.code == 0, plan.out + plan.err
        sent, code, err = _apply_killed_when(root, workspace, reached)
        models_after_kill = set(workspace.models)
        steps = _recover(root, mlenv)
        _converged(root, mlenv)
    expected = {f"model{m:03d}_env{e:03d}" for e in range(10) for m in range(10)}
    assert set(workspace.models) == expected and models_after_kill <= expected
    assert len(workspace.groups) == 11 and len(workspace.service_principals) == 10
    adopted = any("import blocks added" in step.out for step in steps)
    return {"sent": sent, "code": code, "err": err, "adopted": adopted}


@pytest.mark.terraform
def test_an_apply_killed_mid_way_converges_after_plan_adopt_apply(tmp_path, mlenv, point_at_stand_in):
    """Killed right after the 20th model's creation: Terraform persists its state at most every 20 seconds while
    it applies, so the models created just before the kill are outside the state whatever the machine's load;
    the recovery must find and adopt them."""
    outcome = _kill_and_recover(tmp_path, mlenv, point_at_stand_in, lambda workspace: len(workspace.models) >= 20)
    ended = f"the apply ended before the kill (exit {outcome['code']}): {outcome['err']}"
    assert outcome["code"] == -signal.SIGKILL, ended
    assert outcome["adopted"], "the recovery adopted nothing although models were created outside the state"


#: Kill points of the slow test: after this many creating requests (an apply of 10 x 10 sends about 280).
KILL_POINTS = sorted(random.Random(21).sample(range(1, 280), 20))


@pytest.mark.slow
@pytest.mark.terraform
@pytest.mark.parametrize("creates", KILL_POINTS)
def test_applies_killed_at_random_points_converge(creates, tmp_path, mlenv, point_at_stand_in):
    _kill_and_recover(tmp_path, mlenv, point_at_stand_in, lambda workspace: _writes(workspace) >= creates)


#: A token no output or file may ever contain.
CANARY = "dapi-canary-5f1e0c9b7a3d4e2f8c6b1a0d9e8f7c6b"


def _files_containing(root: Path, secret: bytes) -> list[str]:
    """Every file under ``root`` (members of zip archives such as the saved plan included) that holds ``secret``."""
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or ".terraform" in path.parts:
            continue
        contents = [path.read_bytes()]
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                contents += [archive.read(member) for member in archive.namelist()]
        if any(secret in content for content in contents):
            found.append(str(path.relative_to(root)))
    return found


@pytest.mark.terraform
def test_the_token_never_appears_in_any_output_or_file(rendered, mlenv, point_at_stand_in, monkeypatch):
    """A canary token through plan, apply (one stopped by dropped connections), audit in every format and
    adopt, with MLENV_DEBUG=1: no output and no file under the repository (the saved plan included) holds it."""
    monkeypatch.setenv("MLENV_DEBUG", "1")
    name_stand_in_deployer_as_terraform_identity(rendered)
    assert mlenv("--repository", rendered, "render").code == 0
    workspace = FakeWorkspace(extra_tokens={CANARY}, faults=Faults(dropped=0.1, lost=0.1, seed=5, writes_only=True))
    results: list[CliResult] = []
    with FakeDatabricks(workspace) as server:
        point_at_stand_in(server, token=CANARY)
        results.append(run_module("--repository", rendered, "plan"))
        results.append(run_module("--repository", rendered, "apply"))
        workspace.faults.off()
        results += _recover(rendered, mlenv)
        for output in ("table", "json", "markdown"):
            results.append(mlenv("--repository", rendered, "audit", "--format", output))
        results.append(mlenv("--repository", rendered, "adopt", "--dry-run", "--include-production"))
        results.append(run_module("--repository", rendered, "plan"))
    assert results[-1].code == 0 and "No changes." in results[-1].out
    leaks = [result for result in results if CANARY in result.out + result.err]
    assert leaks == []
    assert _files_containing(rendered, CANARY.encode()) == []
    assert "permissions/prod.md" in _files_containing(rendered, b"churn_prod"), "the search finds what is there"
    assert any(path.startswith(".mlenv/") for path in _files_in(rendered)), "the saved plan was checked"


def _files_in(root: Path) -> list[str]:
    return [str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()]


@pytest.mark.terraform
def test_two_applies_at_once_one_applies_and_the_other_is_refused_naming_the_lock_holder(
    rendered, mlenv, point_at_stand_in
):
    name_stand_in_deployer_as_terraform_identity(rendered)
    assert mlenv("--repository", rendered, "render").code == 0
    workspace = FakeWorkspace(latency=1.0)  # the first apply holds the state lock for many seconds
    with FakeDatabricks(workspace) as server:
        point_at_stand_in(server)
        assert run_module("--repository", rendered, "plan").code == 0
        first = subprocess.Popen(
            [sys.executable, "-m", "generator", "--repository", str(rendered), "apply"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        while not any(method != "GET" for method, _ in list(workspace.requests)) and first.poll() is None:
            time.sleep(0.05)
        second = run_module("--repository", rendered, "apply")
        first_out, first_err = first.communicate(timeout=600)
        _converged(rendered, mlenv)
    assert first.returncode == 0, first_out + first_err
    assert second.code == 4, second.out + second.err
    assert "the state is locked by another run" in second.err and "who " in second.err, second.err
    assert "mlenv terraform -- force-unlock -force" in second.err
    creates = [path for method, path in workspace.requests if path == "/api/2.0/mlflow/registered-models/create"]
    assert len(creates) == len(EXAMPLE_MODELS), "every model was created exactly once"


@pytest.mark.terraform
def test_a_saved_plan_applied_by_another_run_is_refused_not_applied_twice(rendered, mlenv, point_at_stand_in):
    """The second of two applies of one saved plan that starts after the first finished: Terraform finds the
    plan stale (mlenv's record of it is gone too, so a plain second run is refused before Terraform)."""
    name_stand_in_deployer_as_terraform_identity(rendered)
    assert mlenv("--repository", rendered, "render").code == 0
    workspace = FakeWorkspace()
    with FakeDatabricks(workspace) as server:
        point_at_stand_in(server)
        assert run_module("--repository", rendered, "plan").code == 0
        record = (rendered / ".mlenv").glob("*")
        kept = {path.name: path.read_bytes() for path in record if path.is_file()}
        assert run_module("--repository", rendered, "apply").code == 0
        for name, content in kept.items():  # as a second run that had checked the record before the first ended
            (rendered / ".mlenv" / name).write_bytes(content)
        second = run_module("--repository", rendered, "apply")
    assert second.code == 4, second.out + second.err
    assert "applied nothing from it; run 'mlenv plan' again" in second.err
    creates = [path for method, path in workspace.requests if path == "/api/2.0/mlflow/registered-models/create"]
    assert len(creates) == len(EXAMPLE_MODELS)


@pytest.mark.terraform
def test_unity_catalog_plan_apply_and_audit_converge_through_throttling(repo, mlenv, point_at_stand_in, monkeypatch):
    """Unity Catalog mode (account groups, catalogs, schemas, models and their grants) with 30% of requests
    answered 429 or 503: plan, apply, audit and a second plan converge. (Dropped connections in this mode
    are not tested: the stand-in serves the account and the workspace on one host, where the provider
    cannot import an account group, so an account group left outside the state cannot be adopted here.)"""
    workspace = FakeWorkspace(faults=Faults(throttled=0.15, unavailable=0.15, seed=11))
    with FakeDatabricks(workspace) as server:
        root = unity_catalog_repo(repo, "account", server.host)
        name_stand_in_deployer_as_terraform_identity(root)
        assert mlenv("--repository", root, "render").code == 0
        point_at_stand_in(server)
        monkeypatch.setenv("DATABRICKS_ACCOUNT_ID", ACCOUNT_ID)
        plan = run_module("--repository", root, "plan")
        assert plan.code == 0, plan.out[-3000:] + plan.err
        apply = run_module("--repository", root, "apply")
        assert apply.code == 0, apply.out[-3000:] + apply.err
        _converged(root, mlenv)
    assert workspace.faults.counts[THROTTLED] > 0 and workspace.faults.counts[UNAVAILABLE] > 0
    declared = {name for facts in load_and_check(root).model.environments.values() for name in facts.models}
    assert set(workspace.uc.models) == declared, "every declared model exists, and nothing else"
