"""Whose rules compute a commit's permission model.

A repository that carries mlenv's own code (``generator/``, as this one does) changes its rules in commits like any
manifest: upgrading mlenv can grant or revoke access without a manifest line changing. The history computes each
commit with that commit's rules (:data:`generator.paths.RULE_INPUTS`): in this process when they are this mlenv's,
otherwise by running the commit's own mlenv (its ``generator/`` exported from git, in a process of its own, that
only reads; :mod:`generator.history.worker`). A commit whose mlenv predates the worker, or fails, is computed with
this mlenv's rules and the history says so. A repository without mlenv's code is computed with this mlenv's rules.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from generator.manifests.git_revision import git
from generator.paths import RULE_INPUTS

#: The module a commit's mlenv runs to compute for another mlenv's history.
_WORKER_MODULE = "generator.history.worker"
_WORKER_FILE = "generator/history/worker.py"
#: Commits' mlenv processes kept running at once (a merge's branch may carry other rules than the main line).
_RUNNING = 2


def is_rule_file(path: str) -> bool:
    """Whether ``path`` (relative to the repository) is part of mlenv's rules."""
    return path.endswith(".py") and any(path == rule or path.startswith(f"{rule}/") for rule in RULE_INPUTS)


def rule_files(files: dict[str, str]) -> dict[str, str]:
    """The rule files among a commit's input ``files`` (path to blob id)."""
    return {path: blob for path, blob in files.items() if is_rule_file(path)}


@cache
def running_rules() -> dict[str, str]:
    """This mlenv's rule files, path to the blob id git gives their content."""
    package = Path(__file__).resolve().parents[1]
    found: dict[str, str] = {}
    for rule in RULE_INPUTS:
        inside = package.parent / rule
        for path in [inside] if inside.is_file() else sorted(inside.rglob("*.py")):
            if "__pycache__" not in path.parts:
                data = path.read_bytes()
                blob = hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
                found[path.relative_to(package.parent).as_posix()] = blob
    return found


class CommitRules:
    """The mlenv processes of commits whose rules are not this mlenv's, started once per set of rules; use as a
    context manager (it owns their exported code and stops them)."""

    def __init__(self, root: Path):
        self.root = root
        self._scratch = tempfile.TemporaryDirectory(prefix="mlenv-history-rules-")
        self._workers: dict[tuple[tuple[str, str], ...], _Worker | str] = {}

    def __enter__(self) -> CommitRules:
        return self

    def __exit__(self, *exception: object) -> None:
        for worker in self._workers.values():
            if isinstance(worker, _Worker):
                worker.stop()
        self._scratch.cleanup()

    def ask(self, sha: str, rules: dict[str, str], checkout: Path) -> dict[str, Any] | str:
        """The answer of commit ``sha``'s own mlenv (with ``rules``) for ``checkout``, or why it cannot give one."""
        key = tuple(sorted(rules.items()))
        worker = self._workers.get(key)
        if worker is None:
            worker = self._start(sha)
            self._workers[key] = worker
        if isinstance(worker, str):
            return worker
        reply = worker.ask(checkout)
        if reply is None or "error" in reply or reply.get("code") != worker.code:
            worker.stop()
            failure = (
                "it stopped" if reply is None else reply.get("error") or f"it ran the mlenv at {reply.get('code')}"
            )
            self._workers[key] = why = f"its mlenv failed: {failure}"
            return why
        return reply

    def _start(self, sha: str) -> _Worker | str:
        if not git(self.root, "ls-tree", sha, "--", _WORKER_FILE).strip():
            return f"its mlenv predates {_WORKER_FILE}, which computes for a later mlenv"
        running = [key for key, worker in self._workers.items() if isinstance(worker, _Worker)]
        for key in running[: max(0, len(running) - _RUNNING + 1)]:
            worker = self._workers.pop(key)
            assert isinstance(worker, _Worker)
            worker.stop()
        export = Path(self._scratch.name) / sha
        with tarfile.open(fileobj=io.BytesIO(git(self.root, "archive", sha, "generator"))) as archive:
            archive.extractall(export, filter="data")
        return _Worker(export)


class _Worker:
    """One commit's mlenv answering requests (:mod:`generator.history.worker`) from its exported code."""

    def __init__(self, export: Path):
        #: The package the worker must run: the export's, first on its path before any installed mlenv.
        self.code = str((export / "generator").resolve())
        environment = {name: value for name, value in os.environ.items() if name != "PYTHONSAFEPATH"}
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(export), os.environ.get("PYTHONPATH")]))
        self._process = subprocess.Popen(
            [sys.executable, "-m", _WORKER_MODULE],
            cwd=export,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
        )

    def ask(self, checkout: Path) -> dict[str, Any] | None:
        """The worker's answer for ``checkout`` (None when it stopped or answered nonsense)."""
        assert self._process.stdin and self._process.stdout
        try:
            self._process.stdin.write(json.dumps({"checkout": str(checkout)}) + "\n")
            self._process.stdin.flush()
            reply = json.loads(self._process.stdout.readline())
        except (OSError, ValueError):
            return None
        return reply if isinstance(reply, dict) else None

    def stop(self) -> None:
        """End the worker."""
        if self._process.stdin:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout:
            self._process.stdout.close()
