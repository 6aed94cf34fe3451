"""The permission model at a commit: ``environments/`` of the commit written into a scratch repository (only the
files that differ from the commit before), loaded and checked with the commit's rules
(:mod:`generator.history.rules`)."""

from __future__ import annotations

import tempfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from generator.history.items import AccessItem, Sources
from generator.history.rules import CommitRules, is_rule_file, rule_files, running_rules
from generator.history.worker import Refusal, access_of
from generator.manifests.git_revision import git
from generator.paths import HISTORY_INPUTS

#: How many snapshots stay in memory (a commit and the ones just before it are asked for together).
_KEPT = 8


@dataclass(frozen=True)
class Snapshot:
    """The access of one commit (``problem`` says why none could be computed), and the blob of every input file;
    ``approximated`` says why the commit's own rules could not compute it ("" when they did)."""

    items: dict[AccessItem, Sources]
    files: dict[str, str]
    problem: str = ""
    approximated: str = ""


class Snapshots:
    """Snapshots of commits of the repository at ``root``; use as a context manager (it owns a scratch directory)."""

    def __init__(self, root: Path):
        self.root = root
        self._scratch = tempfile.TemporaryDirectory(prefix="mlenv-history-")
        self._checkout = Path(self._scratch.name)
        self._written: dict[str, str] = {}
        self._kept: OrderedDict[tuple[tuple[str, str], ...], Snapshot] = OrderedDict()
        self._texts: dict[str, str] = {}
        self._rules = CommitRules(root)

    def __enter__(self) -> Snapshots:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._rules.__exit__(kind, error, trace)
        self._scratch.cleanup()

    def at(self, sha: str) -> Snapshot:
        """The snapshot of commit ``sha`` (computed once for the same input files)."""
        files = self._files(sha)
        key = tuple(sorted(files.items()))
        if key in self._kept:
            self._kept.move_to_end(key)
            return self._kept[key]
        self._write({path: blob for path, blob in files.items() if not is_rule_file(path)})
        rules, approximated = rule_files(files), ""
        snapshot = None
        if rules and rules != running_rules():
            snapshot, approximated = self._by_its_own_mlenv(sha, rules, files)
        snapshot = snapshot or self._here(files, approximated)
        self._kept[key] = snapshot
        if len(self._kept) > _KEPT:
            self._kept.popitem(last=False)
        return snapshot

    def _here(self, files: dict[str, str], approximated: str) -> Snapshot:
        """The snapshot this mlenv computes for the checkout."""
        items, refusal = access_of(self._checkout)
        return Snapshot(items, files, _problem_text(refusal), approximated)

    def _by_its_own_mlenv(self, sha: str, rules: dict[str, str], files: dict[str, str]) -> tuple[Snapshot | None, str]:
        """The snapshot commit ``sha``'s own mlenv computes for the checkout, or None and why it could not."""
        asked = self._rules.ask(sha, rules, self._checkout)
        if isinstance(asked, str):
            return None, f"{asked}; computed with this mlenv's rules"
        try:
            return _snapshot(asked, files, ""), ""
        except (KeyError, TypeError, ValueError) as error:
            return (
                None,
                f"its mlenv answered in a form this one cannot read ({error}); computed with this mlenv's rules",
            )

    def text(self, blob: str) -> str:
        """The text of the file whose blob is ``blob``."""
        if blob not in self._texts:
            self._texts[blob] = git(self.root, "cat-file", "blob", blob).decode("utf-8", "replace")
        return self._texts[blob]

    def _files(self, sha: str) -> dict[str, str]:
        listing = git(self.root, "ls-tree", "-r", "-z", sha, "--", *HISTORY_INPUTS).decode()
        files = {}
        for entry in listing.split("\0"):
            if entry:
                meta, _, path = entry.partition("\t")
                kind, blob = meta.split()[1:3]
                if kind == "blob":
                    files[path] = blob
        return files

    def _write(self, files: dict[str, str]) -> None:
        for path in set(self._written) - set(files):
            (self._checkout / path).unlink()
        changed = sorted(path for path, blob in files.items() if self._written.get(path) != blob)
        if changed:
            contents = _blobs(self.root, [files[path] for path in changed])
            for path in changed:
                target = self._checkout / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(contents[files[path]])
        self._written = dict(files)


def _snapshot(reply: dict[str, Any], files: dict[str, str], approximated: str) -> Snapshot:
    """The snapshot a worker's answer (:func:`generator.history.worker.answer`) describes."""
    if "problems" in reply:
        refusal = [(problem["file"], problem["line"], problem["message"]) for problem in reply["problems"]]
        return Snapshot({}, files, _problem_text(refusal), approximated)
    items = {AccessItem.from_dict(entry["item"]): tuple(entry["sources"]) for entry in reply["items"]}
    return Snapshot(items, files, "", approximated)


def _problem_text(refusal: Refusal) -> str:
    """Why the manifests are refused, on one line: ``file:line: message; ...``."""
    return "; ".join(f"{file}:{line}: {message}" if line else f"{file}: {message}" for file, line, message in refusal)


def _blobs(root: Path, blobs: list[str]) -> dict[str, bytes]:
    """The contents of ``blobs``, read with one ``git cat-file --batch``."""
    output = git(root, "cat-file", "--batch", stdin="".join(f"{blob}\n" for blob in blobs).encode())
    contents: dict[str, bytes] = {}
    position = 0
    while position < len(output):
        header_end = output.index(b"\n", position)
        blob, _, size = output[position:header_end].decode().split()
        start = header_end + 1
        contents[blob] = output[start : start + int(size)]
        position = start + int(size) + 1
    return contents
