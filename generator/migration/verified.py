"""Verification records: what checking a version found (its files' sha256, what its ``MLmodel`` says), kept with
what both registries reported about it then, so that a rerun downloads nothing that has not changed since.

A record is reused only while the source version's fingerprint (last update, run, source path, tags, description)
and its copy's (number, last update, status, storage location, tags, description) are what they were: both come
from listings the migration reads anyway, without downloading. ``mlenv migrate verify --full`` ignores the records.
Kept under ``.mlenv/migration/`` (git-ignored; a pipeline may cache it).
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from generator.atomic_files import write_atomically
from generator.paths import MIGRATION_RECORDS


def fingerprint(version: Any, *fields: str) -> str:
    """What a registry says about ``version`` (an MLflow ``ModelVersion``) that changes when its files, tags or
    description may have: ``fields`` and its tags and description, as one string."""
    facts = {name: str(getattr(version, name, "") or "") for name in fields}
    facts["tags"] = json.dumps(dict(sorted(dict(version.tags or {}).items())))
    facts["description"] = version.description or ""
    return json.dumps(facts, sort_keys=True)


#: What identifies a source version's state (Workspace Model Registry) and a copy's (Unity Catalog).
SOURCE_FIELDS = ("version", "last_updated_timestamp", "run_id", "source", "status")
TARGET_FIELDS = ("version", "last_updated_timestamp", "status", "storage_location", "source")


@dataclass(frozen=True)
class SourceFacts:
    """What the inventory learns from a source version's files: their count and size, its signature, the files
    its ``MLmodel`` names that are missing."""

    files: int
    size: int
    signature_problem: str
    has_input_example: bool
    missing_files: str


@dataclass(frozen=True)
class Verified:
    """One version checked clean: both fingerprints then, the source's facts and every file's sha256."""

    source: str
    target: str
    facts: SourceFacts
    sha256: dict[str, str]


class VerificationRecords:
    """The records of one repository, read once, written after a verification; thread-safe."""

    def __init__(self, repository: Path, reuse: bool = True):
        """``reuse`` false: every version is downloaded and checked again (``--full``); records are still written."""
        self._path = repository / MIGRATION_RECORDS
        self._lock = threading.Lock()
        self._records: dict[str, Verified] = self._read() if reuse else {}

    def source_facts(self, uri: str, source: str) -> SourceFacts | None:
        """The facts recorded for source version ``uri`` while its fingerprint is still ``source``."""
        with self._lock:
            record = self._records.get(uri)
        return record.facts if record is not None and record.source == source else None

    def checksums(self, uri: str, source: str, target: str) -> dict[str, str] | None:
        """The sha256 of every file of ``uri`` and its copy, while neither fingerprint changed."""
        with self._lock:
            record = self._records.get(uri)
        if record is None or not record.target or (record.source, record.target) != (source, target):
            return None
        return record.sha256

    def source_checksums(self, uri: str, source: str) -> dict[str, str] | None:
        """The sha256 of every file of source version ``uri`` (recorded by its copy or an earlier check), while its
        fingerprint is still ``source``: the copy alone is downloaded to check it."""
        with self._lock:
            record = self._records.get(uri)
        return record.sha256 if record is not None and record.source == source and record.sha256 else None

    def remember(self, uri: str, verified: Verified) -> None:
        """Record what ``uri``'s files say (their sha256 when known) and, with a target fingerprint, a clean check of
        it and its copy."""
        with self._lock:
            self._records[uri] = verified

    def save(self) -> None:
        """Write the records (atomically)."""
        with self._lock:
            document = {uri: asdict(record) for uri, record in sorted(self._records.items())}
        write_atomically(self._path, json.dumps(document, indent=1, sort_keys=True) + "\n")

    def _read(self) -> dict[str, Verified]:
        try:
            document = json.loads(self._path.read_text(encoding="utf-8"))
            return {
                uri: Verified(entry["source"], entry["target"], SourceFacts(**entry["facts"]), dict(entry["sha256"]))
                for uri, entry in document.items()
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}  # no records, or unreadable ones: everything is checked again
