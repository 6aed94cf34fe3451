"""Output conventions: progress only on a terminal and never in CI, colour only on a terminal and never with
``NO_COLOR`` (https://no-color.org), and nothing but results on stdout."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

_STYLES = {"red": "31", "green": "32", "yellow": "33", "bold": "1"}


def progress_enabled(stream: TextIO | None = None) -> bool:
    """Whether to show progress on ``stream`` (default stderr): a terminal, and not a CI job (``CI`` unset)."""
    stream = stream or sys.stderr
    return stream.isatty() and not os.environ.get("CI")


def color_enabled(stream: TextIO | None = None) -> bool:
    """Whether to colour ``stream`` (default stderr): a terminal, ``NO_COLOR`` unset, ``TERM`` not ``dumb``."""
    stream = stream or sys.stderr
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def styled(text: str, style: str, stream: TextIO | None = None) -> str:
    """``text`` in ``style`` (red, green, yellow, bold) when ``stream`` may be coloured, else unchanged."""
    if not color_enabled(stream):
        return text
    return f"\033[{_STYLES[style]}m{text}\033[0m"


class Counter:
    """``label: done/total`` on one line of stderr, updated in place; silent unless progress is enabled."""

    def __init__(self, label: str, total: int, enabled: bool | None = None):
        self.label, self.total, self.done = label, total, 0
        self.enabled = progress_enabled() if enabled is None else enabled
        self._lock = threading.Lock()

    def step(self) -> None:
        """Count one more finished item (thread-safe)."""
        with self._lock:
            self.done += 1
            if self.enabled:
                print(f"\r{self.label}: {self.done}/{self.total}", end="", file=sys.stderr, flush=True)

    def finish(self) -> None:
        """End the progress line."""
        if self.enabled:
            print(file=sys.stderr, flush=True)


@contextmanager
def ticking(label: str, enabled: bool | None = None) -> Iterator[None]:
    """While the block runs, show ``label … 42 s`` on stderr, updated every second (on a terminal only)."""
    if not (progress_enabled() if enabled is None else enabled):
        yield
        return
    stop = threading.Event()
    started = time.monotonic()

    def tick() -> None:
        while not stop.wait(1.0):
            print(f"\r{label} … {time.monotonic() - started:.0f} s", end="", file=sys.stderr, flush=True)

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        print(file=sys.stderr, flush=True)
