"""The process between mlenv and Terraform that makes sure no Terraform outlives mlenv.

Run as ``python -m generator.terraform.reaper PARENT_PID TERRAFORM_ARGV...`` by
:mod:`generator.terraform.process`. It asks Linux to send it SIGTERM when mlenv (``PARENT_PID``)
dies for any reason, even SIGKILL, and starts Terraform in a process group of its own (Terraform's
provider plugins join that group). Any stop signal it receives becomes one SIGINT to Terraform, its
graceful interrupt (two interrupts make Terraform quit without cleaning up); after a grace period,
or once Terraform has exited, whatever is left of the group (a provider plugin) is killed. Its exit
code is Terraform's.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from types import FrameType

#: How long Terraform gets to stop after an interrupt before its whole group is killed.
GRACE_SECONDS = 30.0
_PR_SET_PDEATHSIG = 1
_LINGER_SECONDS = 2.0


def main(arguments: list[str]) -> int:
    """Run Terraform (``arguments[1:]``) for the parent process ``arguments[0]``; return its exit code."""
    parent, argv = int(arguments[0]), arguments[1:]
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:  # mlenv is already gone
        return 1
    terraform = subprocess.Popen(argv, process_group=0)
    stopping = threading.Event()

    def stop(number: int, frame: FrameType | None) -> None:
        if stopping.is_set():
            return
        stopping.set()
        with contextlib.suppress(ProcessLookupError):
            os.kill(terraform.pid, signal.SIGINT)
        threading.Thread(target=_kill_group_after, args=(terraform, GRACE_SECONDS), daemon=True).start()

    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(number, stop)
    returncode = terraform.wait()
    _kill_group(terraform.pid, _LINGER_SECONDS)
    return returncode


def _kill_group_after(terraform: subprocess.Popen[bytes], seconds: float) -> None:
    with contextlib.suppress(subprocess.TimeoutExpired):
        terraform.wait(timeout=seconds)
    _kill_group(terraform.pid, 0.0)


def _kill_group(group: int, patience: float) -> None:
    """Ask what is left of the process group to stop, then kill it."""
    for number, wait in ((signal.SIGTERM, patience), (signal.SIGKILL, 0.0)):
        try:
            os.killpg(group, number)
        except ProcessLookupError:
            return
        time.sleep(wait)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
