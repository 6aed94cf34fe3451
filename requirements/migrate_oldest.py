"""``mlenv migrate``'s tests on the oldest MLflow that copies versions into Unity Catalog (3.4.0).

    .venv/bin/python requirements/migrate_oldest.py      # make test-migrate-oldest

Builds ``.venv-mlflow-oldest`` with uv from ``requirements/lock-mlflow-oldest.txt`` (the project's
dependencies with MLflow pinned by ``mlflow-oldest.in``; exact versions and hashes, written by
``make lock``), installs this checkout's two projects without dependencies, and runs the migration's
unit and integration tests there (a real MLflow server of the project's MLflow as the source, the
Unity Catalog stand-in and moto's S3 as the target; mlenv and the MLflow client are the old ones).
Exit status: pytest's; 2 when the environment could not be built.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
LOCK = REPOSITORY / "requirements" / "lock-mlflow-oldest.txt"
VENV = REPOSITORY / ".venv-mlflow-oldest"
UV = Path(sys.executable).parent / "uv"
#: The Python that runs the MLflow server the tests start (``env_mlflow_client.testing``).
SERVER_PYTHON_VARIABLE = "MLENV_SERVER_PYTHON"
TESTS = ("tests/unit/test_migration_plan.py", "tests/integration/test_migrate.py")


def build_environment() -> Path:
    """``.venv-mlflow-oldest`` exactly as the lock says; its Python."""
    subprocess.run([UV, "venv", "--quiet", "--clear", "--python", sys.executable, VENV], check=True)
    python = VENV / "bin" / "python"
    subprocess.run([UV, "pip", "sync", "--quiet", "--require-hashes", "--python", python, LOCK], check=True)
    subprocess.run(
        [UV, "pip", "install", "--quiet", "--no-deps", "--python", python, "-e", "./shim", "-e", "."],
        cwd=REPOSITORY,
        check=True,
    )
    return python


def main() -> int:
    """Build the environment, print its MLflow, run the tests."""
    try:
        python = build_environment()
    except subprocess.CalledProcessError as error:
        print(f"migrate_oldest: could not build {VENV.name}: {error}", file=sys.stderr)
        return 2
    version = subprocess.run(
        [python, "-c", "import mlflow; print(mlflow.__version__)"], capture_output=True, text=True, check=True
    ).stdout.strip()
    print(f"migrate_oldest: mlflow {version} in {VENV.name}", flush=True)
    # The source MLflow server stays the project's (as in the compatibility matrix): what is tested is the client.
    environment = {**os.environ, SERVER_PYTHON_VARIABLE: sys.executable}
    command = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS]
    return subprocess.run(command, check=False, cwd=REPOSITORY, env=environment).returncode


if __name__ == "__main__":
    sys.exit(main())
