"""Remote state as platform teams run it: Terraform's S3 backend on moto's S3 server (native locking, ``use_lockfile``),
one state per environment, the real provider against the stand-in workspace.

A first deployment, every plan leaving each state object's bytes (its ETag) unchanged, a lock left by a run that died
refused naming its holder and released with the command mlenv prints, and a changed backend key carried over with
``mlenv init --migrate-state``.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.test_state_layout import _deploy_from_scratch, _ok
from tests.support.repository import name_stand_in_deployer_as_terraform_identity, run_module
from tests.support.stand_in import FakeDatabricks, FakeWorkspace

pytestmark = pytest.mark.terraform

BUCKET = "tfstate"
#: The two environments the tests deploy (see :func:`_on_s3`) and their roots.
ENVIRONMENTS = ("acc", "preprod")
ROOTS = ("workspace", *ENVIRONMENTS)


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """moto's S3 server with the state bucket; the backend's credentials in the environment, as a pipeline has them."""
    import boto3
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    # moto keeps its buckets in the process, across servers: each test starts from none.
    urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/moto-api/reset", method="POST"))
    for name, value in (("AWS_ACCESS_KEY_ID", "test"), ("AWS_SECRET_ACCESS_KEY", "test"), ("AWS_REGION", "us-east-1")):
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    client.endpoint = f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]
    yield client
    server.stop()


def _backend(endpoint: str, per_environment: bool) -> str:
    state, key = ("state: per_environment\n", "mlenv/{env}.tfstate") if per_environment else ("", "mlenv/all.tfstate")
    return (
        f"{state}backend:\n  type: s3\n  config:\n"
        f"    bucket: {BUCKET}\n    key: {key}\n    region: us-east-1\n    use_lockfile: true\n"
        "    use_path_style: true\n    skip_credentials_validation: true\n    skip_requesting_account_id: true\n"
        "    skip_metadata_api_check: true\n    skip_region_validation: true\n"
        f"    endpoints:\n      s3: {endpoint}\n"
    )


def _terraform_holding_the_lock(directory: Path, client: object, lock: str, run: subprocess.Popen[str]) -> int:
    """The pid of the ``terraform apply`` running in ``directory`` once the lock object ``lock`` exists."""
    while run.poll() is None:
        for process in Path("/proc").glob("[0-9]*"):
            try:
                command = (process / "cmdline").read_bytes().split(b"\0")
                here = (process / "cwd").resolve() == directory.resolve()
            except OSError:
                continue
            terraform = any(part.endswith(b"terraform") for part in command[:2])
            if here and terraform and b"apply" in command and lock in _etags(client):
                return int(process.name)
        time.sleep(0.02)
    raise AssertionError(f"the first apply ended before it was seen holding the lock: {run.communicate()}")


def _etags(client: object) -> dict[str, str]:
    listed = client.list_objects_v2(Bucket=BUCKET)  # type: ignore[attr-defined]
    return {item["Key"]: item["ETag"] for item in listed.get("Contents", [])}


#: A lock a run that died left behind (Terraform's lock info, as it writes it into the ``.tflock`` object).
DEAD_RUN_LOCK = {
    "ID": "7a3c0f52-dead-beef-0000-000000000001",
    "Operation": "OperationTypeApply",
    "Info": "",
    "Who": "ci@runner-17",
    "Version": "1.15.5",
    "Created": "2026-12-05T10:00:00Z",
    "Path": "",
}


def _on_s3(repo: Path, mlenv: object, s3: object, per_environment: bool) -> Path:
    """The repository with two environments (``prod`` removed: half the deployment) and its state on ``s3``,
    rendered; its settings file."""
    (repo / "environments/prod.yaml").unlink()
    settings = repo / "environments/workspace.yaml"
    settings.write_text(settings.read_text() + _backend(s3.endpoint, per_environment))  # type: ignore[attr-defined]
    name_stand_in_deployer_as_terraform_identity(repo)
    assert mlenv("--repository", repo, "render").code == 0  # type: ignore[operator]
    return settings


def _dead_run_lock_is_refused_then_released(repo: Path, s3: object, state: str, option: list[str]) -> None:
    """A lock a dead run left on ``state``: plan refused naming its holder and the command; that command releases it."""
    lock_key = f"{state}.tflock"
    s3.put_object(Bucket=BUCKET, Key=lock_key, Body=json.dumps(DEAD_RUN_LOCK).encode())  # type: ignore[attr-defined]
    held = run_module("--repository", repo, "plan", *option)
    printed = " ".join(["mlenv terraform", *option, "-- force-unlock -force"])
    command = re.search(rf"'({re.escape(printed)} [^']+)'", held.err)
    assert held.code == 4 and "ci@runner-17" in held.err and command, held.err
    unlock = run_module("--repository", repo, *command[1].split()[1:])
    assert unlock.code == 0, unlock.out + unlock.err
    assert lock_key not in _etags(s3)
    _ok(run_module("--repository", repo, "plan", *option))


def _two_applies_of_one_root_at_once(repo: Path, s3: object, workspace: FakeWorkspace) -> None:
    """A change to acc, planned for its root alone, applied twice at once: the first run is stopped while it holds
    the S3 lock, the second is refused naming holder and root, the first then completes."""
    manifest = repo / "environments/acc.yaml"
    manifest.write_text(manifest.read_text().replace("  - churn\n", "  - churn\n  - upsell\n"))
    assert run_module("--repository", repo, "render").code == 0
    scoped = _ok(run_module("--repository", repo, "plan", "--env", "acc"))
    assert "acc: saved plan .mlenv/roots/acc/tfplan: 2 changes" in scoped.out, scoped.out[-2000:]
    workspace.latency = 0.5
    first = subprocess.Popen(
        [sys.executable, "-m", "generator", "--repository", str(repo), "apply", "--env", "acc"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    holder = _terraform_holding_the_lock(repo / "roots/acc", s3, "mlenv/acc.tfstate.tflock", first)
    os.kill(holder, signal.SIGSTOP)  # the first run holds the lock for as long as the second one needs
    try:
        second = run_module("--repository", repo, "apply", "--env", "acc")
    finally:
        os.kill(holder, signal.SIGCONT)
    first_out, first_err = first.communicate(timeout=600)
    workspace.latency = 0.0
    assert first.returncode == 0, first_out[-2000:] + first_err
    assert second.code == 4 and "the state is locked by another run" in second.err, second.err
    assert "who " in second.err and "mlenv terraform --env acc -- force-unlock -force" in second.err, second.err
    assert "upsell_acc" in workspace.models


def test_per_environment_state_on_s3(repo, mlenv, point_at_stand_in, s3):
    """First deployment, plans that write no state, a dead run's lock, two applies of one root at once, and a
    backend key change carried over with mlenv init --migrate-state."""
    settings = _on_s3(repo, mlenv, s3, per_environment=True)
    workspace = FakeWorkspace()
    with FakeDatabricks(workspace) as server:
        point_at_stand_in(server)
        _deploy_from_scratch(repo, local_state=False, environments=ENVIRONMENTS)
        states = _etags(s3)
        assert sorted(states) == sorted(f"mlenv/{name}.tfstate" for name in ROOTS), states
        _dead_run_lock_is_refused_then_released(repo, s3, "mlenv/preprod.tfstate", ["--env", "preprod"])
        assert _etags(s3) == states, "a plan writes no state object (nor does a refused one)"
        _two_applies_of_one_root_at_once(repo, s3, workspace)

        settings.write_text(settings.read_text().replace("key: mlenv/", "key: teams/"))
        assert mlenv("--repository", repo, "render").code == 0
        changed = run_module("--repository", repo, "plan")
        assert changed.code == 4, changed.out[-2000:] + changed.err
        assert "mlenv init --migrate-state" in changed.err and "--reconfigure" in changed.err, changed.err
        _ok(run_module("--repository", repo, "init", "--migrate-state"))
        moved = _etags(s3)
        replan = _ok(run_module("--repository", repo, "plan"))
        assert _etags(s3) == moved, "a plan of every root writes no state object"
    assert all(f"teams/{name}.tfstate" in moved for name in ROOTS), moved
    assert replan.out.count(": 0 changes, 0 deletes or replaces") == len(ROOTS), replan.out[-3000:]


def test_one_state_on_s3_then_the_move_to_per_environment_state_on_a_checkout_that_ran_before(
    repo, mlenv, point_at_stand_in, s3
):
    """state: single on S3 (plans that write no state, a dead run's lock), then the README's move on that remote
    backend: the shared root's key changes, which Terraform calls a backend change; mlenv says which init to run,
    and the move then works as it does with local state."""
    settings = _on_s3(repo, mlenv, s3, per_environment=False)
    workspace = FakeWorkspace()
    with FakeDatabricks(workspace) as server:
        point_at_stand_in(server)
        _ok(run_module("--repository", repo, "plan"))
        _ok(run_module("--repository", repo, "apply"))
        single = _etags(s3)
        assert sorted(single) == ["mlenv/all.tfstate"], single
        _dead_run_lock_is_refused_then_released(repo, s3, "mlenv/all.tfstate", [])
        assert _etags(s3) == single, "a plan writes no state object (nor does a refused one)"

        before = {name: dict(group) for name, group in workspace.groups.items()}
        text = settings.read_text().replace("key: mlenv/all.tfstate", "key: mlenv/{env}.tfstate")
        settings.write_text("state: per_environment\n" + text)
        assert mlenv("--repository", repo, "render").code == 0
        changed = run_module("--repository", repo, "plan", "--move", "split-state", "--adopt", "--include-production")
        assert changed.code == 4 and "mlenv init --migrate-state" in changed.err, changed.err
        _ok(run_module("--repository", repo, "init", "--env", "workspace", "--migrate-state"))
        etags = _etags(s3)
        moved = _ok(
            run_module("--repository", repo, "plan", "--move", "split-state", "--adopt", "--include-production")
        )
        assert _etags(s3) == etags, "the split plan writes no state object"
        _ok(run_module("--repository", repo, "apply"))
        replan = _ok(run_module("--repository", repo, "plan"))
    assert "split-state" in moved.out
    assert {name: group["id"] for name, group in workspace.groups.items()} == {
        name: group["id"] for name, group in before.items()
    }, "no group was created again or deleted"
    assert replan.out.count(": 0 changes, 0 deletes or replaces") == len(ROOTS), replan.out[-3000:]
