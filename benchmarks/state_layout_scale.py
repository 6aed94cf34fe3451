"""Benchmark: the plan a reviewer waits for after one model is added, one state vs one state per environment.

For each size (10, 50 and 100 environments x 20 models by default) and each layout, a synthetic workspace is
rendered and applied to the REST stand-in (real Terraform and provider; set-up without latency or budget),
committed, and one model is added to one environment. Then, with 50 ms latency per request and the workspace's
request budget enforced by the stand-in (a token bucket of ``--budget`` requests per second answering 429 above
it), the change is planned: ``mlenv plan`` for one state, ``mlenv plan --changed-since HEAD --jobs 4`` for one
state per environment. Printed per row: the plan's seconds, its requests, the peak requests in one second, the
429s the stand-in answered (every one retried: the plan must succeed), and the roots planned. Then, for the
smallest size, a plan of every environment's root ``--jobs 4`` at once (the peak must stay within the budget).

    .venv/bin/python -m benchmarks.state_layout_scale [--environments 10 50 100] [--models 20] [--budget 15]
        [--layouts single per_environment]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from generator.terraform.toolchain import cache_directory
from tests.support.stand_in import FAKE_DEPLOYER, TOKEN, FakeDatabricks, FakeWorkspace, RequestBudget
from tests.support.synthetic import synthesize

LATENCY = 0.05
SET_UP_BUDGET = 1000


@dataclass
class Row:
    layout: str
    environments: int
    seconds: float
    requests: int
    peak: int
    refused: int
    roots: int


def _mlenv(root: Path, env: dict[str, str], *arguments: str) -> str:
    completed = subprocess.run(
        [sys.executable, "-m", "generator", "--repository", str(root), *arguments],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(
            f"mlenv {' '.join(arguments)} failed ({completed.returncode}):\n{completed.stdout[-3000:]}"
            f"\n{completed.stderr[-3000:]}"
        )
    return completed.stdout


def _git(root: Path, *arguments: str) -> None:
    subprocess.run(["git", "-C", str(root), *arguments], check=True, capture_output=True)


def _settings(root: Path, layout: str, budget: int) -> None:
    state = "state: per_environment\n" if layout == "per_environment" else ""
    text = f"terraform_identity:\n  user_name: {FAKE_DEPLOYER}\n{state}request_budget: {budget}\n"
    (root / "environments/workspace.yaml").write_text(text, encoding="utf-8")


def _deploy(root: Path, env: dict[str, str], layout: str) -> None:
    _mlenv(root, env, "render")
    rounds = 2 if layout == "per_environment" else 1  # the shared root first: it creates apps_all
    for _ in range(rounds):
        _mlenv(root, env, "plan", "--jobs", "4")
        _mlenv(root, env, "apply", "--jobs", "4")


def measure(
    environments: int, models: int, layout: str, budget: int, base: Path, every_root: bool
) -> tuple[Row, Row | None]:
    root = base / f"{layout}-{environments}"
    synthesize(root, environments, models)
    _settings(root, layout, SET_UP_BUDGET)
    workspace = FakeWorkspace()
    with FakeDatabricks(workspace) as server:
        env = dict(
            os.environ,
            DATABRICKS_HOST=server.host,
            DATABRICKS_TOKEN=TOKEN,
            MLENV_CACHE=str(cache_directory()),
            HOME=str(base),
        )
        _deploy(root, env, layout)
        _settings(root, layout, budget)
        _mlenv(root, env, "render")
        _git(root, "init", "-q", "-b", "main")
        _git(root, "-c", "user.email=b@example.com", "-c", "user.name=b", "add", "-A")
        _git(root, "-c", "user.email=b@example.com", "-c", "user.name=b", "commit", "-q", "-m", "deployed")
        manifest = root / "environments/env001.yaml"
        manifest.write_text(manifest.read_text(encoding="utf-8").replace("models:\n", "models:\n- added\n", 1))
        _mlenv(root, env, "render")
        change = ["plan"] if layout == "single" else ["plan", "--changed-since", "HEAD", "--jobs", "4"]
        row = _timed(root, env, workspace, change, layout, environments, budget)
        full = None
        if layout == "per_environment" and every_root:
            full = _timed(
                root, env, workspace, ["plan", "--jobs", "4"], "per_environment, every root", environments, budget
            )
    return row, full


def _timed(
    root: Path,
    env: dict[str, str],
    workspace: FakeWorkspace,
    arguments: list[str],
    layout: str,
    environments: int,
    budget: int,
) -> Row:
    workspace.latency = LATENCY
    workspace.budget = RequestBudget(rate=budget)
    before = len(workspace.requests)
    started = time.perf_counter()
    out = _mlenv(root, env, *arguments)
    seconds = time.perf_counter() - started
    roots = out.count("saved plan ")
    requests = len(workspace.requests) - before
    bucket = workspace.budget
    workspace.latency, workspace.budget = 0.0, None
    return Row(layout, environments, seconds, requests, bucket.peak, bucket.refused, roots)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--environments", type=int, nargs="+", default=[10, 50, 100])
    parser.add_argument("--models", type=int, default=20)
    parser.add_argument("--budget", type=int, default=15)
    parser.add_argument(
        "--layouts", nargs="+", choices=("single", "per_environment"), default=["single", "per_environment"]
    )
    arguments = parser.parse_args()
    print(
        f"{arguments.models} models per environment; {LATENCY * 1000:.0f} ms per request; budget "
        f"{arguments.budget} requests/s enforced by the stand-in (429 above it)"
    )
    print(f"{'layout':<28} {'envs':>5} {'plan s':>8} {'requests':>9} {'peak/s':>7} {'429s':>5} {'roots':>6}")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as directory:
        for environments in arguments.environments:
            for layout in arguments.layouts:
                every_root = environments == min(arguments.environments)
                row, full = measure(
                    environments, arguments.models, layout, arguments.budget, Path(directory), every_root
                )
                for item in filter(None, (row, full)):
                    rows.append(item)
                    print(
                        f"{item.layout:<28} {item.environments:>5} {item.seconds:>8.1f} {item.requests:>9} "
                        f"{item.peak:>7} {item.refused:>5} {item.roots:>6}",
                        flush=True,
                    )
    by = {(row.layout, row.environments): row for row in rows}
    smallest, largest = min(arguments.environments), max(arguments.environments)
    if "per_environment" in arguments.layouts:
        growth = by[("per_environment", largest)].seconds / by[("per_environment", smallest)].seconds
        print(f"per-environment plan time {smallest} -> {largest} environments: x{growth:.2f} (target <= 1.5)")
        peak = max(row.peak for row in rows if row.layout.startswith("per_environment"))
        print(f"peak requests/s, per-environment with --jobs 4: {peak} (target <= {arguments.budget})")
    if len(arguments.layouts) == 2:
        speedup = by[("single", largest)].seconds / by[("per_environment", largest)].seconds
        print(f"single / per-environment at {largest} environments: x{speedup:.1f} (target >= 10)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
