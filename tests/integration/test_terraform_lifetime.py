"""No Terraform outlives mlenv: SIGTERM stops it gracefully, and after SIGKILL of mlenv it stops by itself.

A cancelled CI job sends SIGTERM (or kills outright); a Terraform left running would hold the state
lock. Each case starts `mlenv plan` against a slow stand-in (2 s per request), waits until Terraform
is refreshing, stops mlenv, and then looks for any process still working in the repository.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.terraform.reaper import GRACE_SECONDS
from tests.support.stand_in import FakeDatabricks, FakeWorkspace

pytestmark = pytest.mark.terraform


def _working_in(root: Path) -> list[str]:
    """Command lines of the processes whose working directory is ``root`` (Terraform and its plugins)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if str((entry / "cwd").readlink()) == str(root):
                    found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:120])
            except OSError:
                continue
    return found


def _plan_until_refreshing(root: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "--repository", str(root), "plan"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if "Refreshing state" in line:
            return process
    process.wait()
    raise AssertionError(f"plan ended before refreshing (exit {process.returncode})")


@pytest.mark.skipif(not Path("/proc/self/cwd").exists(), reason="needs Linux /proc")
def test_terraform_stops_with_mlenv(rendered, point_at_stand_in):
    root = rendered.resolve()
    workspace = FakeWorkspace()
    with FakeDatabricks(workspace) as server:
        point_at_stand_in(server)
        for command in ("plan", "apply"):
            result = subprocess.run(
                [sys.executable, "-m", "generator", "--repository", str(root), command],
                capture_output=True,
                text=True,
                check=False,
            )
            assert result.returncode == 0, result.stdout[-2000:] + result.stderr
        workspace.latency = 2.0

        plan = _plan_until_refreshing(root)
        assert _working_in(root), "Terraform should be running"
        started = time.monotonic()
        plan.send_signal(signal.SIGTERM)
        rest, _ = plan.communicate(timeout=90)
        assert plan.returncode == 130 and "mlenv: interrupted" in rest, rest[-2000:]
        assert _working_in(root) == [], "SIGTERM left Terraform running"
        assert time.monotonic() - started < 60

        plan = _plan_until_refreshing(root)
        plan.send_signal(signal.SIGKILL)
        plan.communicate(timeout=30)
        # the reaper interrupts Terraform at once and kills what is left after its grace; the rest is room for a
        # loaded machine (once 45 s was not enough with six Python processes on two cores)
        deadline = time.monotonic() + GRACE_SECONDS + 30
        while _working_in(root) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _working_in(root) == [], "Terraform outlived a killed mlenv"

        workspace.latency = 0.0
        result = subprocess.run(
            [sys.executable, "-m", "generator", "--repository", str(root), "plan"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr
        assert "0 changes" in result.stdout
