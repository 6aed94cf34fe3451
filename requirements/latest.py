"""The unit tier on the newest dependencies pyproject.toml allows, beside the lock that set-up installs.

    .venv/bin/python requirements/latest.py      # make test-latest

Builds ``.venv-latest`` from scratch with uv: this checkout's two projects, the tools of
``tools.in`` and every dependency at the newest version their ranges allow (what ``make lock`` would
take). Prints each package whose version there differs from ``requirements/lock.txt``, then runs
``pytest tests/unit`` in it. Exit status: 0 when the tier passes, 1 when it fails (the packages
printed above are the suspects: pin or fix, then ``make lock``), 2 when the environment could not be
built.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name

REPOSITORY = Path(__file__).resolve().parents[1]
LOCK = REPOSITORY / "requirements" / "lock.txt"
TOOLS = REPOSITORY / "requirements" / "tools.in"
VENV = REPOSITORY / ".venv-latest"
UV = Path(sys.executable).parent / "uv"
#: ``name==version`` and an optional ``; marker`` at the start of a lock line.
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def locked_versions(lock_text: str) -> dict[str, str]:
    """Package -> locked version, for the pins whose environment marker holds for this interpreter."""
    versions: dict[str, str] = {}
    for line in lock_text.splitlines():
        match = PIN.match(line)
        if match and (match[3] is None or Marker(match[3]).evaluate()):
            versions[canonicalize_name(match[1])] = match[2]
    return versions


def installed_versions(python: Path) -> dict[str, str]:
    """Package -> version installed in the environment of ``python`` (editable projects left out)."""
    frozen = subprocess.run(
        [UV, "pip", "freeze", "--python", python], capture_output=True, text=True, check=True
    ).stdout
    pins = (line.split("==", 1) for line in frozen.splitlines() if "==" in line and not line.startswith("-e"))
    return {canonicalize_name(name): version for name, version in pins}


def differences(locked: dict[str, str], newest: dict[str, str]) -> list[tuple[str, str, str]]:
    """(package, locked, newest) for every package whose version differs, is new, or is gone."""
    return [
        (name, locked.get(name, "-"), newest.get(name, "-"))
        for name in sorted(locked.keys() | newest.keys())
        if locked.get(name) != newest.get(name)
    ]


def build_environment() -> Path:
    """``.venv-latest`` with the newest allowed versions of everything; its Python."""
    subprocess.run([UV, "venv", "--quiet", "--clear", "--python", sys.executable, VENV], check=True)
    python = VENV / "bin" / "python"
    subprocess.run(
        [
            UV,
            "pip",
            "install",
            "--quiet",
            "--upgrade",
            "--python",
            python,
            "-r",
            TOOLS,
            "-e",
            "./shim",
            "-e",
            ".[test]",
        ],
        cwd=REPOSITORY,
        check=True,
    )
    return python


def main() -> int:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress through make and CI
    try:
        python = build_environment()
    except subprocess.CalledProcessError as error:
        print(f"test-latest: could not build {VENV.name} with the newest versions ({error}); see the output above")
        return 2
    changed = differences(locked_versions(LOCK.read_text()), installed_versions(python))
    if changed:
        width = max(len(name) for name, _, _ in changed)
        print(f"test-latest: {len(changed)} packages differ from {LOCK.relative_to(REPOSITORY)}:")
        print(f"  {'package':<{width}}  {'locked':<12}  newest")
        for name, locked, newest in changed:
            print(f"  {name:<{width}}  {locked:<12}  {newest}")
    else:
        print(f"test-latest: the newest allowed versions are the locked ones ({LOCK.relative_to(REPOSITORY)})")
    tier = subprocess.run(
        [python, "-m", "pytest", "tests/unit", "-q", "-p", "no:cacheprovider"], cwd=REPOSITORY, check=False
    )
    if tier.returncode == 0:
        print("test-latest: the unit tier passes on the newest versions; 'make lock' can take them")
        return 0
    suspects = ", ".join(f"{name} {locked} -> {newest}" for name, locked, newest in changed) or "none"
    print(f"test-latest: the unit tier FAILS on the newest versions; what differs from the lock: {suspects}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
