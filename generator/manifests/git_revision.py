"""The manifests of ``environments/`` as they were at a git revision, checked out into a temporary root."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.errors import InvalidInput, Problem
from generator.paths import ENVIRONMENTS_DIRECTORY


@contextmanager
def manifests_at(root: Path, revision: str) -> Iterator[Path]:
    """A temporary repository root holding ``environments/`` of git ``revision`` of the repository at ``root``.

    Problems found while loading it are reported as ``REVISION:FILE``. Raises :class:`InvalidInput`
    when ``revision`` is not a commit, branch or tag of the repository.
    """
    files = git(root, "ls-tree", "-r", "--name-only", revision, "--", ENVIRONMENTS_DIRECTORY).decode().splitlines()
    with tempfile.TemporaryDirectory() as directory:
        checkout = Path(directory)
        (checkout / ENVIRONMENTS_DIRECTORY).mkdir()
        for name in files:
            target = checkout / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(git(root, "show", f"{revision}:{name}"))
        try:
            yield checkout
        except InvalidInput as error:
            raise InvalidInput(
                [
                    Problem(f"{revision}:{problem.file}", problem.line, problem.message, problem.hint, problem.rule)
                    for problem in error.problems
                ]
            ) from None


def git(root: Path, *arguments: str, stdin: bytes | None = None) -> bytes:
    """``git ARGUMENTS`` in the repository at ``root``; its output. A failure is invalid input naming git's reason."""
    result = subprocess.run(["git", "-C", str(root), *arguments], input=stdin, capture_output=True, check=False)
    if result.returncode != 0:
        reason = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InvalidInput(
            [
                Problem(
                    "git",
                    None,
                    reason[-1] if reason else f"git {arguments[0]} failed",
                    "name a commit, branch or tag of this repository",
                )
            ]
        )
    return result.stdout


def changed_since(root: Path, revision: str) -> set[str]:
    """Every path (relative to ``root``) that differs between git ``revision`` and the working tree: changed,
    added, deleted or renamed (both names) tracked files, and untracked files that are not ignored."""
    tracked = git(root, "diff", "--name-only", "--no-renames", "--relative", revision, "--").decode()
    untracked = git(root, "ls-files", "--others", "--exclude-standard").decode()
    return {line for line in (tracked + untracked).splitlines() if line}
