"""Benchmark: time `mlenv render` on synthetic workspaces and compare with `terraform fmt -check`.

Synthesizes E environments x 100 models (default up to 100 x 100 = 10,000 models) for each
registry (the Workspace Model Registry and Unity Catalog), times the whole `mlenv render` command
(a new process, as a user runs it), then times `terraform fmt -check -recursive` over the rendered
output, and prints both, their ratio and the render time per model at each size (linear growth
means a flat per-model time).

    .venv/bin/python -m benchmarks.render_scale [--environments 10 30 100] [--models 100] [--repeat 3]
                                                [--registry workspace unity_catalog]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support.synthetic import synthesize

REGISTRIES = ["workspace", "unity_catalog"]


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - started


def terraform_binary() -> str:
    """The Terraform on PATH, else the launcher installed in this virtual environment."""
    return shutil.which("terraform") or str(Path(sys.prefix) / "bin" / "terraform")


def output_size(root: Path) -> int:
    return sum(
        p.stat().st_size
        for p in root.rglob("*")
        if p.is_file() and "environments" not in p.parts and "modules" not in p.parts
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--environments", type=int, nargs="+", default=[10, 30, 100])
    parser.add_argument("--models", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--registry", nargs="+", default=REGISTRIES, choices=REGISTRIES)
    arguments = parser.parse_args()
    terraform = terraform_binary()
    print(f"terraform: {terraform}; median of {arguments.repeat} runs each")
    print(
        f"{'registry':<14} {'models':>7} {'render s':>9} {'fmt -check s':>13} {'ratio':>6} {'ms/model':>9} "
        f"{'marginal ms/model':>18} {'output MB':>10}"
    )
    for registry in arguments.registry:
        measure(registry, arguments.environments, arguments.models, arguments.repeat, terraform)
    print(
        "target: ratio <= 1.0 at 10,000 models in both registries; linear growth shows as a steady marginal "
        "ms/model (the plain ms/model falls while start-up dominates)"
    )
    return 0


def measure(registry: str, sizes: list[int], models: int, repeat: int, terraform: str) -> None:
    """One row per size: render and ``terraform fmt -check`` of its output, medians of ``repeat`` runs."""
    mlenv = [sys.executable, "-m", "generator"]
    previous: tuple[int, float] | None = None
    for environments in sizes:
        with tempfile.TemporaryDirectory() as directory:
            root = Path(directory)
            synthesize(root, environments, models, registry)
            render = statistics.median(
                timed([*mlenv, "--repository", str(root), "render"], root) for _ in range(repeat)
            )
            fmt = statistics.median(timed([terraform, "fmt", "-check", "-recursive", "."], root) for _ in range(repeat))
            count = environments * models
            marginal = f"{1000 * (render - previous[1]) / (count - previous[0]):.3f}" if previous else "-"
            previous = (count, render)
            print(
                f"{registry:<14} {count:>7} {render:>9.3f} {fmt:>13.3f} {render / fmt:>6.2f} "
                f"{1000 * render / count:>9.3f} {marginal:>18} {output_size(root) / 1e6:>10.1f}"
            )


if __name__ == "__main__":
    sys.exit(main())
