"""The compatibility matrix: the shim's test suite on every MLflow version that Databricks runtimes ship.

    .venv/bin/python shim/compat/matrix.py [--jobs 2] [--versions 2.9.2 3.0.1] [--rebuild]
    .venv/bin/python shim/compat/matrix.py --lock      # re-resolve every version's lock (make lock)

For each MLflow version (the Databricks Runtime ML table below, plus the project's own, the
newest), a virtual environment holds the client side only: ``mlflow-skinny==X``, what the tests'
models need (numpy, pandas, cloudpickle), pytest, and the shim. Its packages come from the
version's own lock, ``shim/compat/locks/mlflow-<version>.txt`` (exact versions and hashes, written
by ``--lock``, which ``make lock`` runs), so that a new release of numpy or pytest never changes
what an old MLflow is tested with. It is cached under ``${MLENV_CACHE:-~/.cache/mlenv}/compat/<version>``
and rebuilt when the shim's ``pyproject.toml`` or the version's lock changes; the shim itself is
reinstalled from this checkout on every run. The
MLflow *server* the tests start stays the project's (``MLENV_SERVER_PYTHON``, this interpreter),
as a Databricks server is never at the client's version either.

Each environment runs ``pytest tests/shim`` (the basic-auth tests skip themselves: they need the
generator and the full MLflow). A table of version x (passed, failed, skipped) follows; the exit
status is 1 when any version failed or ran nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version as installed_version
from pathlib import Path
from xml.etree import ElementTree

REPOSITORY = Path(__file__).resolve().parents[2]
SHIM = REPOSITORY / "shim"
LOCKS = SHIM / "compat" / "locks"

#: MLflow version -> the Databricks runtime that ships it.
RUNTIMES = {
    "2.9.2": "14.3 LTS ML",
    "2.13.1": "15.4 LTS ML",
    "2.21.3": "16.4 LTS ML",
    "3.0.1": "17.3 LTS ML",
    "3.8.1": "18 LTS ML",
    "3.12.0": "19 ML",
}
#: What the tests' models need besides MLflow (a pyfunc model: numpy, pandas, cloudpickle), pytest, and boto3:
#: MLflow's S3 client, which moves Unity Catalog version files (to the S3-compatible server the tests start).
TEST_REQUIREMENTS = ("numpy", "pandas", "cloudpickle", "pytest", "boto3")
#: Pins that keep an old MLflow working on Python 3.11: the numpy and pandas of its runtime era.
#: (MLflow before 2.15 does not support numpy 2; pandas 3 postdates every MLflow 3.0.)
CONSTRAINTS = {
    "2.9.2": ("numpy==1.23.5", "pandas==1.5.3"),
    "2.13.1": ("numpy==1.23.5", "pandas==1.5.3"),
    "2.21.3": ("numpy==1.26.4", "pandas==1.5.3"),
    "3.0.1": ("numpy<2.3", "pandas<2.3"),
    "3.8.1": ("pandas<3",),
    "3.12.0": ("pandas<3",),
}


def cache_directory() -> Path:
    """``$MLENV_CACHE``, else ``$XDG_CACHE_HOME/mlenv``, else ``~/.cache/mlenv`` (as the toolkit's)."""
    if os.environ.get("MLENV_CACHE"):
        return Path(os.environ["MLENV_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mlenv"


def newest_version() -> str:
    """The project's own MLflow: ``make setup`` installs the newest release."""
    return installed_version("mlflow-skinny")


def requirements(version: str) -> list[str]:
    """What the environment of ``version`` needs, MLflow pinned exactly (the input of its lock)."""
    return [f"mlflow-skinny=={version}", *TEST_REQUIREMENTS]


def lock_file(version: str) -> Path:
    """The committed lock of ``version``'s environment: exact versions with hashes."""
    return LOCKS / f"mlflow-{version}.txt"


def write_lock(version: str, work: Path) -> Path:
    """Resolve ``version``'s requirements under its constraints with uv and write its lock."""
    inputs = work / f"mlflow-{version}.in"
    inputs.write_text("".join(f"{line}\n" for line in requirements(version)))
    constraints = work / f"mlflow-{version}.constraints.txt"
    constraints.write_text("".join(f"{line}\n" for line in CONSTRAINTS.get(version, ())))
    LOCKS.mkdir(parents=True, exist_ok=True)
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or "uv"
    subprocess.run(
        [
            uv,
            "pip",
            "compile",
            "--quiet",
            "--upgrade",
            "--universal",
            "--python-version=3.11",
            "--generate-hashes",
            f"--custom-compile-command=make lock  # MLflow {version} of the compatibility matrix",
            f"--constraint={constraints}",
            f"--output-file={lock_file(version)}",
            inputs,
        ],
        check=True,
    )
    return lock_file(version)


def environment_key(version: str) -> str:
    """Changes when the shim's dependencies or this version's lock change."""
    digest = hashlib.sha256((SHIM / "pyproject.toml").read_bytes())
    digest.update(lock_file(version).read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class Outcome:
    """One version's run: counts from pytest's JUnit report, or the failure that prevented it."""

    version: str
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    seconds: float = 0.0
    log: Path | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem and self.failed == 0 and self.passed > 0


def run(command: list[str | Path], log: Path, **options: object) -> None:
    """Run ``command``, appending its output to ``log``; raise with the log's tail when it fails."""
    with log.open("a") as output:
        output.write(f"$ {' '.join(map(str, command))}\n")
        output.flush()
        result = subprocess.run(command, stdout=output, stderr=subprocess.STDOUT, check=False, **options)  # type: ignore[call-overload]
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} {command[1:4]} failed ({result.returncode}); see {log}")


def prepare(version: str, wheel: Path, rebuild: bool, log: Path) -> Path:
    """The cached environment of ``version`` (built when missing or stale), with this checkout's shim."""
    directory = cache_directory() / "compat" / version
    python = directory / "bin" / "python"
    if not lock_file(version).exists():
        raise RuntimeError(f"no lock for MLflow {version}: run 'make lock' (or this script with --lock)")
    key = environment_key(version)
    marker = directory / ".ready"
    if rebuild or not marker.exists() or marker.read_text() != key:
        shutil.rmtree(directory, ignore_errors=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(directory)
        # Exactly the locked packages (hashes checked); the shim's own requirement is met by them.
        run([python, "-m", "pip", "install", "--quiet", "--require-hashes", "--no-deps", "-r", lock_file(version)], log)
        marker.write_text(key)
    run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", wheel], log)
    run([python, "-m", "pip", "check"], log)
    installed = subprocess.run(
        [python, "-c", "import mlflow; print(mlflow.__version__)"], capture_output=True, text=True, check=False
    ).stdout.strip()
    if installed != version:
        raise RuntimeError(f"the environment of {version} has MLflow {installed or 'that does not import'}")
    return python


def test_version(version: str, wheel: Path, rebuild: bool, work: Path) -> Outcome:
    """Prepare the environment of ``version`` and run the shim suite in it."""
    started = time.monotonic()
    log = work / f"{version}.log"
    outcome = Outcome(version, log=log)
    try:
        python = prepare(version, wheel, rebuild, log)
        report = work / f"{version}.xml"
        environment = {
            **os.environ,
            "MLENV_SERVER_PYTHON": sys.executable,  # the server side stays the project's MLflow
            "MLENV_COMPAT_VERSION": version,
        }
        environment.pop("PYTHONPATH", None)
        with log.open("a") as output:
            subprocess.run(
                [
                    python.parent / "pytest",  # not `python -m pytest`: the checkout (generator) stays off sys.path
                    "tests/shim",
                    "--confcutdir=tests/shim",  # tests/conftest.py is the toolkit's and imports the generator
                    "-p",
                    "no:cacheprovider",
                    f"--basetemp={work / version}",
                    f"--junitxml={report}",
                    "-q",
                    "-rfEs",
                ],
                cwd=REPOSITORY,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                check=False,
            )
        if not report.exists():
            raise RuntimeError(f"pytest wrote no report; see {log}")
        suites = ElementTree.parse(report).getroot()
        for suite in suites.iter("testsuite"):
            tests, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
            failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            outcome.passed += tests - skipped - failed
            outcome.failed += failed
            outcome.skipped += skipped
    except (RuntimeError, OSError) as error:
        outcome.problem = str(error)
    outcome.seconds = time.monotonic() - started
    return outcome


def build_wheel(work: Path) -> Path:
    """One wheel of the shim for every environment (concurrent builds in the source tree would collide)."""
    source = work / "shim-source"
    shutil.copytree(SHIM, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", "compat"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", work / "dist", source], check=True
    )
    return next((work / "dist").glob("env_mlflow_client-*.whl"))


def table(outcomes: list[Outcome], newest: str) -> str:
    rows = [("MLflow", "runtime", "passed", "failed", "skipped", "time", "result")]
    for outcome in outcomes:
        runtime = RUNTIMES.get(outcome.version, "newest" if outcome.version == newest else "")
        result = "ok" if outcome.ok else (outcome.problem or f"FAILED (log: {outcome.log})")
        rows.append(
            (
                outcome.version,
                runtime,
                str(outcome.passed),
                str(outcome.failed),
                str(outcome.skipped),
                f"{outcome.seconds:.0f} s",
                result,
            )
        )
    widths = [max(len(row[column]) for row in rows) + 2 for column in range(len(rows[0]) - 1)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + row[-1] for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=2, help="versions tested at once (default 2)")
    parser.add_argument("--versions", nargs="+", help="only these MLflow versions")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached environments")
    parser.add_argument("--lock", action="store_true", help="re-resolve the versions' locks with uv, then stop")
    arguments = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress through make and CI
    newest = newest_version()
    versions = arguments.versions or list(dict.fromkeys([*RUNTIMES, newest]))
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="mlenv-compat-"))
    if arguments.lock:
        if not arguments.versions:
            for stale in sorted(set(LOCKS.glob("mlflow-*.txt")) - {lock_file(version) for version in versions}):
                stale.unlink()
        for version in versions:
            print(f"locked MLflow {version}: {write_lock(version, work).relative_to(REPOSITORY)}")
        return 0
    wheel = build_wheel(work)
    print(f"compatibility matrix: {len(versions)} MLflow versions, {arguments.jobs} at a time; logs in {work}")
    with ThreadPoolExecutor(max_workers=arguments.jobs) as pool:
        futures = [pool.submit(test_version, version, wheel, arguments.rebuild, work) for version in versions]
        outcomes = []
        for future in futures:
            outcome = future.result()
            outcomes.append(outcome)
            counts = f"{outcome.passed} passed, {outcome.failed} failed"
            print(f"  MLflow {outcome.version}: {counts} ({outcome.seconds:.0f} s) {outcome.problem}".rstrip())
    print(table(outcomes, newest))
    for outcome in outcomes:
        if not outcome.ok and outcome.log is not None and outcome.log.exists():
            print(f"\n--- MLflow {outcome.version}: end of {outcome.log}")
            print("\n".join(outcome.log.read_text().splitlines()[-40:]))
    passed = sum(outcome.passed for outcome in outcomes)
    failed = sum(outcome.failed for outcome in outcomes) + sum(1 for outcome in outcomes if outcome.problem)
    print(f"compatibility matrix in {time.monotonic() - started:.0f} s")
    print(f"compat: {passed} passed, {failed} failed")
    return 0 if all(outcome.ok for outcome in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
