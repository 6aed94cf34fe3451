"""The access history as a table, Markdown, CSV or JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from generator import __version__
from generator.history.cache import code_fingerprint
from generator.history.events import GRANTED, AccessEvent, CommitNotes
from generator.history.selection import Period
from generator.tables import Table

#: The rule of what counts as reviewed, as every format states it.
REVIEWED_RULE = (
    "reviewed: the change reached the branch through a merge commit (a pull or merge request's merge); a commit "
    "made on the branch, a squash merge and a rebase merge count as direct"
)
#: Columns of the CSV, in order.
CSV_FIELDS = (
    "reached_branch_on",
    "change",
    "production",
    "environment",
    "principal",
    "name",
    "principal_type",
    "object_type",
    "object",
    "permission_level",
    "via",
    "inherited_from",
    "commit",
    "author",
    "committed_on",
    "merged_in",
    "pull_request",
    "reviewed",
    "cause_file",
    "cause_line",
    "cause",
)


def review_text(event: AccessEvent) -> str:
    """``PR #12 (merge 1a2b3c4)``, ``merge 1a2b3c4``, or ``direct``."""
    if not event.reviewed:
        return "direct"
    number = f"PR #{event.main.pull_request} " if event.main.pull_request else ""
    return f"{number}(merge {event.main.sha[:7]})" if number else f"merge {event.main.sha[:7]}"


def _who(event: AccessEvent, names: Mapping[str, str]) -> str:
    shown = names.get(event.item.principal, "")
    return f"{shown} ({event.item.principal})" if shown else event.item.principal


def _level(event: AccessEvent) -> str:
    via = f" via {' > '.join(event.item.via)}" if event.item.via else ""
    inherited = f" from {event.item.inherited_from}" if event.item.inherited_from else ""
    return f"{event.item.permission_level}{via}{inherited}"


def _row(event: AccessEvent, names: Mapping[str, str]) -> tuple[str, ...]:
    return (
        event.main.date[:10],
        event.change,
        "prod" if event.item.production else "",
        _who(event, names),
        _level(event),
        event.item.object,
        event.commit.sha[:7],
        review_text(event),
        str(event.cause),
    )


_HEADINGS = ("DATE", "CHANGE", "PROD", "PRINCIPAL", "LEVEL", "OBJECT", "COMMIT", "REVIEW", "WHY")


def history_table(events: Sequence[AccessEvent], notes: CommitNotes, names: Mapping[str, str]) -> str:
    """Aligned text for a terminal, one event a line, then the notes on commits and the rule."""
    text = Table(_HEADINGS, [_row(event, names) for event in events]).text() if events else "no access changes\n"
    text += "".join(f"unreadable {item.commit.sha[:7]}: {item.problem}\n" for item in notes.unreadable)
    text += "".join(f"other rules {commits}: {reason}\n" for commits, reason in _approximated(notes))
    return f"{text}{_summary(events)}; {REVIEWED_RULE}\n"


def history_markdown(
    events: Sequence[AccessEvent],
    notes: CommitNotes,
    names: Mapping[str, str],
    period: Period,
    head: str,
) -> str:
    """A Markdown report: the production changes made without review first, then every change."""
    lines = [
        "# Access history",
        "",
        f"Branch at `{head}`, {period.describe()}: {_summary(events)}. Computed with {computed_with()}.",
        "",
        f"_{REVIEWED_RULE[0].upper()}{REVIEWED_RULE[1:]}._",
        "",
    ]
    unreviewed = [event for event in events if event.item.production and not event.reviewed]
    lines += ["## Production access changed without review", ""]
    lines += _markdown_table(unreviewed, names)
    lines += ["## Every change", ""]
    lines += _markdown_table(events, names)
    if notes.unreadable:
        lines += ["## Commits whose manifests could not be read", ""]
        lines += [f"- `{item.commit.sha[:7]}` {item.problem}" for item in notes.unreadable] + [""]
    if notes.approximated:
        lines += ["## Commits not computed with their own mlenv's rules", ""]
        lines += [f"- {commits}: {reason}" for commits, reason in _approximated(notes)] + [""]
    return "\n".join(lines)


def _approximated(notes: CommitNotes) -> list[tuple[str, str]]:
    """The commits computed with other rules, those of one reason together: ``1a2b3c4`` or ``1a2b3c4 to 5d6e7f8 (12
    commits)``, and the reason."""
    shas: dict[str, list[str]] = {}
    for item in notes.approximated:
        shas.setdefault(item.reason, []).append(item.commit.sha[:7])
    return [
        (found[0] if len(found) == 1 else f"{found[0]} to {found[-1]} ({len(found)} commits)", reason)
        for reason, found in shas.items()
    ]


def _markdown_table(events: Sequence[AccessEvent], names: Mapping[str, str]) -> list[str]:
    if not events:
        return ["None.", ""]
    return [*Table(_HEADINGS, [_row(event, names) for event in events]).markdown(), ""]


def history_csv(events: Sequence[AccessEvent], names: Mapping[str, str]) -> str:
    """One CSV row per event (:data:`CSV_FIELDS`)."""
    return Table(CSV_FIELDS, [_csv_row(event, names) for event in events]).csv()


def _csv_row(event: AccessEvent, names: Mapping[str, str]) -> tuple[str, ...]:
    item, cause = event.item, event.cause
    return (
        event.main.date,
        event.change,
        "yes" if item.production else "no",
        item.environment,
        item.principal,
        names.get(item.principal, ""),
        item.principal_type,
        item.object_type,
        item.object,
        item.permission_level,
        " > ".join(item.via),
        item.inherited_from,
        event.commit.sha,
        f"{event.commit.author} <{event.commit.email}>",
        event.commit.date,
        event.main.sha if event.reviewed else "",
        event.main.pull_request,
        "yes" if event.reviewed else "no",
        cause.file,
        str(cause.line or ""),
        cause.text,
    )


def history_json(events: Sequence[AccessEvent], notes: CommitNotes, period: Period, head: str) -> str:
    """The documented JSON document: head, period, rule, events, unreadable commits, commits computed with this
    mlenv's rules instead of their own."""
    document: dict[str, Any] = {
        "head": head,
        "computed_with": computed_with(),
        "since": period.since,
        "until": period.until,
        "reviewed_rule": REVIEWED_RULE,
        "events": [event.as_dict() for event in events],
        "unreadable": [{"commit": item.commit.sha, "problem": item.problem} for item in notes.unreadable],
        "computed_with_other_rules": [
            {"commit": item.commit.sha, "reason": item.reason} for item in notes.approximated
        ],
    }
    return json.dumps(document, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def computed_with() -> str:
    """Which policy computed the history: mlenv's version and the fingerprint of its loading and policy code."""
    return f"mlenv {__version__} (policy code {code_fingerprint()})"


def _summary(events: Sequence[AccessEvent]) -> str:
    granted = sum(event.change == GRANTED for event in events)
    production = [event for event in events if event.item.production]
    unreviewed = sum(not event.reviewed for event in production)
    return (
        f"{granted} granted, {len(events) - granted} revoked; {len(production)} in production, "
        f"{unreviewed} of them without review"
    )
