"""Benchmark: time `mlenv render` on synthetic workspaces and compare with `terraform fmt -check`.

Synthesizes E environments x 100 models (default up to 100 x 100 = 10,000 models), times the
whole `mlenv render` command (a new process, as a user runs it), then times
`terraform fmt -check -recursive` over the rendered output, and prints both, their ratio and
the render time per model at each size (linear growth means a flat per-model time).

    .venv/bin/python -m benchmarks.render_scale [--environments 10 30 100] [--models 100] [--repeat 3]
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
    arguments = parser.parse_args()
    terraform = terraform_binary()
    mlenv = [sys.executable, "-m", "generator"]
    print(f"terraform: {terraform}; median of {arguments.repeat} runs each")
    print(
        f"{'models':>7} {'render s':>9} {'fmt -check s':>13} {'ratio':>6} {'ms/model':>9} "
        f"{'marginal ms/model':>18} {'output MB':>10}"
    )
    previous: tuple[int, float] | None = None
    for environments in arguments.environments:
        with tempfile.TemporaryDirectory() as directory:
            root = Path(directory)
            synthesize(root, environments, arguments.models)
            render = statistics.median(
                timed([*mlenv, "--root", str(root), "render"], root) for _ in range(arguments.repeat)
            )
            fmt = statistics.median(
                timed([terraform, "fmt", "-check", "-recursive", "."], root) for _ in range(arguments.repeat)
            )
            count = environments * arguments.models
            marginal = f"{1000 * (render - previous[1]) / (count - previous[0]):.3f}" if previous else "-"
            previous = (count, render)
            print(
                f"{count:>7} {render:>9.3f} {fmt:>13.3f} {render / fmt:>6.2f} {1000 * render / count:>9.3f} "
                f"{marginal:>18} {output_size(root) / 1e6:>10.1f}"
            )
    print(
        "target: ratio <= 1.0 at 10,000 models; linear growth shows as a steady marginal ms/model "
        "(the plain ms/model falls while start-up dominates)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
