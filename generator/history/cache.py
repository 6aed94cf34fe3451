"""The access history computed so far: each main-line commit's changes, kept in ``.mlenv/history/``.

One file per fingerprint of the code that computes them (mlenv's manifest loading, policy and this package), so
that a new mlenv never reads what an older one computed. A commit's entry never changes: its first-parent history
is part of its id.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.atomic_files import write_atomically
from generator.history.causes import Cause
from generator.history.commits import Commit
from generator.history.events import AccessEvent
from generator.history.items import AccessItem
from generator.paths import HISTORY_CACHE_DIRECTORY

#: The packages whose code decides what the history holds.
_COMPUTED_BY = ("manifests", "model", "history")


@dataclass(frozen=True)
class CacheEntry:
    """One main-line commit's access changes, or why its manifests could not be read; ``approximated`` says why its
    own rules could not compute it ("" when they did)."""

    events: tuple[AccessEvent, ...]
    problem: str
    approximated: str = ""


def code_fingerprint() -> str:
    """The sha256 of the code that computes the history."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for name in _COMPUTED_BY:
        for path in sorted((package / name).glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


class HistoryCache:
    """The entries of one code fingerprint, read from and written to ``.mlenv/history/<fingerprint>.json``."""

    def __init__(self, path: Path, document: dict[str, Any]):
        self._path = path
        self._entries: dict[str, Any] = document.get("entries", {})
        self._commits: dict[str, Any] = document.get("commits", {})

    @classmethod
    def load(cls, root: Path) -> HistoryCache:
        """The cache of ``root`` for this mlenv (empty when none, or when it cannot be read)."""
        path = root / HISTORY_CACHE_DIRECTORY / f"{code_fingerprint()}.json"
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            document = {}
        return cls(path, document if isinstance(document, dict) else {})

    def entry(self, commit: Commit) -> CacheEntry | None:
        """``commit``'s entry, if computed before."""
        stored = self._entries.get(commit.sha)
        if stored is None:
            return None
        events = tuple(
            AccessEvent(
                event["change"],
                AccessItem.from_dict(event["item"]),
                self._commit(event["commit"]),
                commit,
                Cause(**event["cause"]),
            )
            for event in stored["events"]
        )
        return CacheEntry(events, stored["problem"], stored.get("approximated", ""))

    def put(self, commit: Commit, entry: CacheEntry) -> None:
        """Keep ``commit``'s entry."""
        for event in entry.events:
            self._commits[event.commit.sha] = _commit_dict(event.commit)
        self._entries[commit.sha] = {
            "problem": entry.problem,
            "approximated": entry.approximated,
            "events": [
                {
                    "change": event.change,
                    "item": event.item.as_dict(),
                    "commit": event.commit.sha,
                    "cause": event.cause.as_dict(),
                }
                for event in entry.events
            ],
        }

    def save(self) -> None:
        """Write the cache (whole, then renamed into place) and remove the files of other fingerprints."""
        document = {"entries": self._entries, "commits": self._commits}
        write_atomically(self._path, json.dumps(document, sort_keys=True, separators=(",", ":")))
        for other in self._path.parent.glob("*.json"):
            if other != self._path:
                other.unlink()

    def _commit(self, sha: str) -> Commit:
        stored = self._commits[sha]
        return Commit(
            sha, tuple(stored["parents"]), stored["author"], stored["email"], stored["date"], stored["message"]
        )


def _commit_dict(commit: Commit) -> dict[str, Any]:
    return {
        "parents": list(commit.parents),
        "author": commit.author,
        "email": commit.email,
        "date": commit.date,
        "message": commit.message,
    }
