"""Benchmark: mlenv audit of 1,000 models against the local Databricks REST stand-in.

Every request to the stand-in takes a fixed latency (default 20 ms). Audits the same workspace
sequentially (concurrency 1) and concurrently, and prints both wall times, their ratio, the
requests made and the most requests ever in flight (which must not exceed the concurrency).

    .venv/bin/python -m benchmarks.audit_scale [--environments 10] [--models 100] [--latency 0.02] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

from databricks.sdk import WorkspaceClient

from generator.model.checked import load_and_check
from generator.workspace.audit import audit
from generator.workspace.identities import WorkspaceIdentities
from tests.support.stand_in import TOKEN, FakeDatabricks, FakeWorkspace
from tests.support.synthetic import synthesize


def timed_audit(model, workspace: FakeWorkspace, concurrency: int) -> tuple[float, int, int]:
    workspace.max_in_flight = 0
    with FakeDatabricks(workspace) as server:
        client = WorkspaceClient(host=server.host, token=TOKEN)
        started = time.perf_counter()
        report = audit(model, client, WorkspaceIdentities(), concurrency=concurrency, progress=False)
        elapsed = time.perf_counter() - started
    assert not report.drift, report.drift[:3]
    return elapsed, report.requests, workspace.max_in_flight


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--environments", type=int, default=10)
    parser.add_argument("--models", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--concurrency", type=int, default=16)
    arguments = parser.parse_args()
    logging.getLogger("databricks.sdk").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as directory:
        synthesize(Path(directory), arguments.environments, arguments.models)
        model = load_and_check(Path(directory)).model
    workspace = FakeWorkspace.matching(model)
    workspace.latency = arguments.latency
    count = arguments.environments * arguments.models
    sequential, requests, _ = timed_audit(model, workspace, 1)
    concurrent, _, in_flight = timed_audit(model, workspace, arguments.concurrency)
    print(f"{count} models, {requests} requests, {1000 * arguments.latency:.0f} ms per request")
    print(f"sequential (concurrency 1): {sequential:.2f} s")
    print(
        f"concurrent (concurrency {arguments.concurrency}): {concurrent:.2f} s, at most {in_flight} requests in flight"
    )
    print(f"speed-up: {sequential / concurrent:.1f}x (target >= 8x without exceeding the concurrency)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
