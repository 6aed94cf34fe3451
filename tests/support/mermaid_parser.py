"""The real Mermaid parser for the tests: the ``mermaid`` npm package run by Node, with jsdom instead of a browser.

``tests/support/mermaid/package.json`` and its lock pin the packages; :func:`install` installs them
with ``npm ci`` once into the cache (``$MLENV_CACHE/node/mermaid-<hash of the lock>``, outside the
repository) and :func:`parse` runs ``tests/support/mermaid/parse.mjs`` on many diagrams at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from generator.terraform.toolchain import cache_directory

PACKAGE = Path(__file__).resolve().parent / "mermaid"
_MANIFESTS = ("package.json", "package-lock.json")


def missing_tools() -> str | None:
    """Why the parser cannot run here (no ``node`` or ``npm`` on PATH), or None."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    return f"needs {' and '.join(missing)} on PATH" if missing else None


def install() -> Path:
    """The ``node_modules`` directory of the pinned packages, installed with ``npm ci`` on first use."""
    key = hashlib.sha256(b"".join((PACKAGE / name).read_bytes() for name in _MANIFESTS)).hexdigest()[:16]
    target = cache_directory() / "node" / f"mermaid-{key}"
    if (target / "node_modules" / "mermaid" / "package.json").is_file():
        return target / "node_modules"
    staging = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name in _MANIFESTS:
        shutil.copy2(PACKAGE / name, staging / name)
    completed = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
        cwd=staging,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if completed.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise RuntimeError(
            f"npm ci of the Mermaid parser failed:\n{completed.stdout[-2000:]}{completed.stderr[-3000:]}"
        )
    try:
        staging.rename(target)
    except OSError:  # another run installed it meanwhile
        shutil.rmtree(staging, ignore_errors=True)
    return target / "node_modules"


def parse(diagrams: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """What the real Mermaid parser makes of each diagram (see ``parse.mjs`` for the shape of a result)."""
    completed = subprocess.run(
        ["node", str(PACKAGE / "parse.mjs")],
        input=json.dumps(dict(diagrams)),
        env={**os.environ, "MLENV_MERMAID_MODULES": str(install())},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"parse.mjs failed:\n{completed.stderr[-3000:]}")
    results: dict[str, dict[str, Any]] = json.loads(completed.stdout)
    return results
