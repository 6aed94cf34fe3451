"""Each process's share of the workspace's request budget: the one rule every sender of requests keeps.

Databricks throttles per workspace; ``request_budget`` (``workspace.yaml``) is what all of mlenv's processes may
send together, per second. Every process that talks to the workspace (a Terraform process's provider, or mlenv's
own reads: the existence check before a plan, the audit, adopt) gets :func:`process_share` of it, computed from
how many such processes run at once, and :func:`processes_within` bounds how many may run at once. A
:class:`TokenBucket` paces the senders written in Python (mlenv's reads, ``mlenv migrate``'s MLflow clients).
"""

from __future__ import annotations

import threading
import time


def process_share(request_budget: int, processes: int) -> int:
    """Requests per second each of ``processes`` concurrent senders may send so that together they keep to
    ``request_budget``; at least 1 (:func:`processes_within` keeps that floor from exceeding the budget).

    Half of an even split: the provider's limiter (the Go SDK's) saves up to one second's worth of requests and
    starts full, so a process can send twice its rate in its first second, and each new process (plan after the
    existence check, apply after plan, the provider's validate and plan instances) starts full again. One
    request is kept for the preflight check that precedes each command.
    """
    return max(1, (request_budget - 1) // (2 * max(1, processes)))


def processes_within(request_budget: int, wanted: int) -> int:
    """How many of ``wanted`` concurrent senders the budget allows, each with a share of at least one request per
    second (bursting to two); at least 1."""
    return max(1, min(wanted, (request_budget - 1) // 2))


class TokenBucket:
    """``rate`` tokens per second, at most one saved; :meth:`take` waits for one."""

    def __init__(self, rate: float):
        self.rate = rate
        self._tokens = 1.0
        self._last = time.monotonic()
        self._lock = threading.Lock()

    def take(self) -> None:
        """Wait until a token is free, then use it."""
        while True:
            with self._lock:
                now = time.monotonic()
                self._tokens = min(1.0, self._tokens + (now - self._last) * self.rate)
                self._last = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                wait = (1 - self._tokens) / self.rate
            time.sleep(wait)
