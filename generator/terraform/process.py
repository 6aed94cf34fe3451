"""Terraform as a child process whose life is tied to mlenv's, with its output streamed and remembered.

- Streamed: stdout and stderr go to this process's streams line by line, as Terraform writes them;
  the last lines of stderr are kept so that a failure can be classified.
- Tied: Terraform runs under :mod:`generator.terraform.reaper`, which Linux signals when mlenv dies
  for any reason (even SIGKILL), and which then interrupts Terraform gracefully and kills whatever
  is left of it (provider plugins) after a grace period.
- Forwarded: SIGTERM, SIGHUP or SIGINT sent to mlenv reaches the reaper, which turns it into one
  graceful interrupt; mlenv waits for Terraform to stop, then stops itself.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO

#: Lines of stderr kept for classifying a failure.
_TAIL_LINES = 200
_FORWARDED = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)


@dataclass(frozen=True)
class Finished:
    """Exit code of Terraform and the last lines it wrote to stderr."""

    returncode: int
    stderr_tail: tuple[str, ...]


class Interrupted(KeyboardInterrupt):
    """mlenv was asked to stop; Terraform was stopped first."""


@dataclass(frozen=True)
class Hidden:
    """A paragraph of Terraform's output not to pass on: from the line starting with ``first`` through the line
    containing ``last`` (advice that does not apply to how mlenv runs Terraform)."""

    first: str
    last: str


def run_streamed(
    argv: Sequence[str], cwd: Path, env: Mapping[str, str], hidden: Sequence[Hidden] = (), prefix: str = ""
) -> Finished:
    """Run ``argv`` in ``cwd`` under the reaper, streaming its output (but the ``hidden`` paragraphs), each line
    after ``prefix`` (which root it is, when several run at once), and return when it exits.

    Raises :class:`Interrupted` (after Terraform has stopped) when mlenv receives SIGTERM, SIGHUP or SIGINT.
    """
    reaper = [sys.executable, "-m", "generator.terraform.reaper", str(os.getpid()), *argv]
    child = subprocess.Popen(reaper, cwd=cwd, env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    tail: deque[str] = deque(maxlen=_TAIL_LINES)
    pumps = [
        threading.Thread(target=_pump, args=(child.stdout, sys.stdout, None, hidden, prefix), daemon=True),
        threading.Thread(target=_pump, args=(child.stderr, sys.stderr, tail, hidden, prefix), daemon=True),
    ]
    for pump in pumps:
        pump.start()
    received: list[int] = []
    with _forwarding(child, received):
        returncode = child.wait()
    for pump in pumps:
        pump.join()
    if received:
        raise Interrupted(f"stopped by signal {signal.Signals(received[0]).name}")
    return Finished(returncode, tuple(tail))


def _pump(
    source: IO[bytes] | None, target: IO[str], tail: deque[str] | None, hidden: Sequence[Hidden], prefix: str
) -> None:
    if source is None:
        return
    inside: Hidden | None = None
    for raw in iter(source.readline, b""):
        line = raw.decode("utf-8", "replace")
        if inside is None:
            inside = next((paragraph for paragraph in hidden if line.startswith(paragraph.first)), None)
        if inside is not None:
            if inside.last in line:
                inside = None
            continue
        target.write(prefix + line)
        target.flush()
        if tail is not None:
            tail.append(line.rstrip("\n"))
    source.close()


@contextlib.contextmanager
def _forwarding(child: subprocess.Popen[bytes], received: list[int]) -> Iterator[None]:
    """While the reaper runs, pass the first stop signal on to it (it stops Terraform gracefully)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def forward(number: int, frame: FrameType | None) -> None:
        if not received:
            received.append(number)
            with contextlib.suppress(ProcessLookupError):
                child.send_signal(signal.SIGTERM)

    previous = {number: signal.signal(number, forward) for number in _FORWARDED}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
