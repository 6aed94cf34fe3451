"""The evidence of a periodic access review, written into a new directory at once (``mlenv evidence``).

Everything comes from git (the revision reviewed and the history before it) and from the audit result given, so
the same inputs give the same bytes: no clock, no host, no user name is written.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from generator.errors import ExitCode, InvalidInput, Problem
from generator.history.commits import commit_id, require_history
from generator.history.events import GRANTED, AccessEvent
from generator.history.items import AccessItem, access_items
from generator.history.report import (
    REVIEWED_RULE,
    computed_with,
    history_csv,
    history_json,
    history_markdown,
    review_text,
)
from generator.history.selection import Period, Selection, selected
from generator.history.walk import access_history
from generator.manifests.git_revision import manifests_at
from generator.model.checked import Checked, load_and_check
from generator.render.header import generated_header
from generator.render.permission_files import render_reports
from generator.tables import Table

#: What each file of the bundle is, for INDEX.md (the permission files are described by their own headers).
DESCRIPTIONS = {
    "access-history.md": "every access change of the period: production changes without review first",
    "access-history.csv": "every access change of the period, one row per change, every field",
    "access-history.json": "every access change of the period as JSON, with the rule of what counts as reviewed",
    "production-access.csv": "every production access held at the revision, since when and through which change; "
    "fill in the decision column (keep or revoke)",
    "audit.json": "the mlenv audit result given with --audit, as it was",
}
_PRODUCTION_FIELDS = (
    "principal",
    "name",
    "principal_type",
    "environment",
    "object_type",
    "object",
    "permission_level",
    "via",
    "inherited_from",
    "held_since",
    "granted_in",
    "review",
    "decision",
)


def evidence(arguments: argparse.Namespace) -> int:
    """``mlenv evidence``: check every input, build every file in memory, then write them into ``--out`` in one
    rename."""
    root: Path = arguments.repository
    out: Path = arguments.out
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InvalidInput([Problem("--out", None, f"{out} exists and is not an empty directory", "name a new one")])
    audit = _audit_bytes(arguments.audit) if arguments.audit else None
    require_history(root, "")  # production-access.csv says since when: the whole history is needed
    at = commit_id(root, arguments.at)
    period = Period(arguments.since, arguments.until)
    history = access_history(root, at)
    with manifests_at(root, at) as checkout:
        checked = load_and_check(checkout)
    names = checked.manifests.display_names()
    events = selected(root, history.events, Selection(period=period))
    files = {
        path: text.encode("utf-8")
        for path, text in render_reports(checked.manifests, checked.model, generated_header).items()
    }
    files["access-history.md"] = history_markdown(events, history.notes, names, period, at).encode()
    files["access-history.csv"] = history_csv(events, names).encode()
    files["access-history.json"] = history_json(events, history.notes, period, at).encode()
    files["production-access.csv"] = _production_access(checked, history.events, names).encode()
    if audit is not None:
        files["audit.json"] = audit
    files["INDEX.md"] = _index(files, at, period).encode()
    files["SHA256SUMS"] = "".join(f"{_sha256(content)}  {path}\n" for path, content in sorted(files.items())).encode()
    _write_at_once(out, files)
    print(f"wrote {len(files)} files into {out} (check them with: cd {out} && sha256sum -c SHA256SUMS)")
    return ExitCode.OK


def _production_access(checked: Checked, events: tuple[AccessEvent, ...], names: Mapping[str, str]) -> str:
    granted: dict[AccessItem, AccessEvent] = {}
    for event in events:
        if event.change == GRANTED:
            granted[event.item] = event  # the latest grant of an access held now
    rows = []
    for item in sorted(item for item in access_items(checked.model) if item.production):
        grant = granted.get(item)
        rows.append(
            (
                item.principal,
                names.get(item.principal, ""),
                item.principal_type,
                item.environment,
                item.object_type,
                item.object,
                item.permission_level,
                " > ".join(item.via),
                item.inherited_from,
                grant.main.date[:10] if grant else "",
                grant.commit.sha if grant else "",
                review_text(grant) if grant else "",
                "",
            )
        )
    return Table(_PRODUCTION_FIELDS, rows).csv()


def _index(files: Mapping[str, bytes], at: str, period: Period) -> str:
    rows = [
        (f"`{path}`", DESCRIPTIONS.get(path, "permission file at the revision"), f"`{_sha256(content)}`")
        for path, content in sorted(files.items())
    ]
    return "\n".join(
        [
            "# Access review evidence",
            "",
            f"Revision `{at}`; access changes {period.describe()}; computed with {computed_with()}.",
            "",
            f"_{REVIEWED_RULE[0].upper()}{REVIEWED_RULE[1:]}._",
            "",
            *Table(("File", "What it is", "SHA-256"), rows).markdown(),
            "",
            "`SHA256SUMS` holds the same digests and that of this file: `sha256sum -c SHA256SUMS`.",
            "",
        ]
    )


def _audit_bytes(path: Path) -> bytes:
    try:
        content = path.read_bytes()
        json.loads(content)
    except OSError as error:
        raise InvalidInput([Problem(str(path), None, f"cannot be read: {error.strerror}")]) from None
    except ValueError as error:
        line = getattr(error, "lineno", None)
        raise InvalidInput(
            [Problem(str(path), line, "is not JSON", "give the output of mlenv audit --format json")]
        ) from None
    return content


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _write_at_once(out: Path, files: Mapping[str, bytes]) -> None:
    """Write ``files`` into a new directory beside ``out``, then rename it to ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for path, content in files.items():
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        if out.exists():
            out.rmdir()
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
