"""``mlenv toolchain`` shared by processes: two at once on an empty cache both succeed, one building, the other
waiting for that build and reusing it (two terminals, CI jobs on one cache volume, parallel test workers).

The provider is really built (Go's own build cache, warm after ``make setup``, keeps it to a link).
"""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.terraform.toolchain import PROVIDER_VERSION

MLENV = Path(sys.executable).parent / "mlenv"


@pytest.mark.terraform
def test_two_toolchains_at_once_on_an_empty_cache_both_succeed(tmp_path):
    cache = tmp_path / "cache"
    environment = {**os.environ, "MLENV_CACHE": str(cache)}
    runs = [
        subprocess.Popen(
            [MLENV, "toolchain"], env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=900)[0] for run in runs]

    assert [run.returncode for run in runs] == [0, 0], outputs
    # One process built the provider; the other waited for it and found it cached.
    assert sum("building from the Go module proxy" in output for output in outputs) == 1, outputs
    assert sum(f"provider {PROVIDER_VERSION}: cached at" in output for output in outputs) == 1, outputs
    assert sum("waiting for it to finish" in output for output in outputs) == 1, outputs
    built = cache / "provider-build" / PROVIDER_VERSION / f"terraform-provider-databricks_v{PROVIDER_VERSION}"
    mirrored = next((cache / "mirror").rglob(f"terraform-provider-databricks_v{PROVIDER_VERSION}"))
    assert os.access(built, os.X_OK)
    assert filecmp.cmp(built, mirrored, shallow=False)
    assert "filesystem_mirror" in (cache / "terraformrc").read_text()
    assert not list(cache.rglob("*.partial")), "a temporary file was left in the cache"
