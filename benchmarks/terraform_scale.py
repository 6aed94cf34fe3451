"""Benchmark: terraform validate and a mocked terraform test plan of the generated root, by size.

For 10, 100 and 1,000 models (10 models per environment), renders a synthetic workspace, runs
`terraform init` once, then times `terraform validate` and `terraform test` (mock provider, the
generated root test that compares the plan with the permission model). Prints the times and the
growth ratio from one size to the next, next to the growth in models (linear growth: time ratio
no larger than the model ratio).

    .venv/bin/python -m benchmarks.terraform_scale [--models 10 100 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generator.terraform.toolchain import locate
from tests.support.synthetic import synthesize

MODELS_PER_ENVIRONMENT = 10


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    toolchain = locate()
    terraform = str(toolchain.terraform)
    env = toolchain.environment()
    print(f"terraform: {terraform}; median of {arguments.repeat} runs each")
    print(f"{'models':>7} {'validate s':>11} {'growth':>7} {'test s':>8} {'growth':>7} {'model growth':>13}")
    previous: tuple[int, float, float] | None = None
    for models in arguments.models:
        with tempfile.TemporaryDirectory() as directory:
            root = Path(directory)
            synthesize(root, max(1, models // MODELS_PER_ENVIRONMENT), min(models, MODELS_PER_ENVIRONMENT))
            subprocess.run(
                [sys.executable, "-m", "generator", "--repository", str(root), "render"],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            subprocess.run(
                [terraform, "init", "-backend=false", "-input=false"],
                cwd=root,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            validate = statistics.median(timed([terraform, "validate"], root, env) for _ in range(arguments.repeat))
            test = statistics.median(
                timed([terraform, "test", "-test-directory=tests/terraform"], root, env)
                for _ in range(arguments.repeat)
            )
        if previous is None:
            growth = ("-", "-", "-")
        else:
            growth = (f"{validate / previous[1]:.2f}", f"{test / previous[2]:.2f}", f"{models / previous[0]:.0f}")
        print(f"{models:>7} {validate:>11.3f} {growth[0]:>7} {test:>8.3f} {growth[1]:>7} {growth[2]:>13}")
        previous = (models, validate, test)
    print("target: growth no worse than linear (each time growth at most the model growth)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
