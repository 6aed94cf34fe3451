"""The data scientist's job from the README runs verbatim against a real MLflow server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.mlflow_server

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_job_runs_verbatim(mlflow_server, tmp_path):
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### Data scientist") :]
    job = re.search(r"```python\n(# job\.py.*?)```", section, re.S)
    assert job is not None
    (tmp_path / "job.py").write_text(job.group(1), encoding="utf-8")
    environment = {**os.environ, "MLFLOW_ENV": "acc", "MLFLOW_TRACKING_URI": mlflow_server.uri}
    result = subprocess.run(
        [sys.executable, "job.py"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    name, version, stage = result.stdout.split()[-3:]
    assert name == "churn_acc" and version.isdigit() and stage == "Staging"
