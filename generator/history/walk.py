"""The access history of a branch: the permission model at each commit of its main line that changed an input,
compared with the one before; a merge's changes traced to the commits of the merged branch that made them.

Each main-line commit's changes are computed once and kept in ``.mlenv/history/`` (:mod:`generator.history.cache`):
a commit's first-parent history cannot change, so a rerun computes only the commits that are new since.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.history.cache import CacheEntry, HistoryCache
from generator.history.causes import cause_of
from generator.history.commits import Commit, commit_id, main_line, merged_branch
from generator.history.events import GRANTED, REVOKED, AccessEvent, Approximated, CommitNotes, Unreadable
from generator.history.items import AccessItem
from generator.history.snapshots import Snapshot, Snapshots

_EMPTY = Snapshot({}, {})


@dataclass(frozen=True)
class History:
    """Every access change on the main line of ``head``, oldest first, the commits whose manifests could not be
    read and those computed with this mlenv's rules instead of their own; ``computed`` counts the main-line commits
    computed now (the others came from the cache)."""

    head: str
    events: tuple[AccessEvent, ...]
    notes: CommitNotes
    commits: int
    computed: int


def access_history(root: Path, head: str = "HEAD") -> History:
    """The access history of ``head``'s main line in the repository at ``root``."""
    head_sha = commit_id(root, head)
    line = main_line(root, head_sha)
    cache = HistoryCache.load(root)
    events: list[AccessEvent] = []
    unreadable: list[Unreadable] = []
    approximated: list[Approximated] = []
    last_readable = ""
    computed = 0
    with Snapshots(root) as snapshots:
        for commit in line:
            entry = cache.entry(commit)
            if entry is None:
                entry = _changes(root, snapshots, commit, last_readable)
                cache.put(commit, entry)
                computed += 1
            events.extend(entry.events)
            if entry.approximated:
                approximated.append(Approximated(commit, entry.approximated))
            if entry.problem:
                unreadable.append(Unreadable(commit, entry.problem))
            else:
                last_readable = commit.sha
    if computed:
        cache.save()
    notes = CommitNotes(tuple(unreadable), tuple(approximated))
    return History(head_sha, tuple(events), notes, len(line), computed)


def _changes(root: Path, snapshots: Snapshots, commit: Commit, last_readable: str) -> CacheEntry:
    """What ``commit`` changed, compared with the last readable commit of the main line before it."""
    after = snapshots.at(commit.sha)
    if after.problem:
        return CacheEntry((), after.problem, after.approximated)
    before = snapshots.at(last_readable) if last_readable else _EMPTY
    granted = [item for item in after.items if item not in before.items]
    revoked = [item for item in before.items if item not in after.items]
    traced = _traced_in_branch(root, snapshots, commit, granted, revoked) if commit.is_merge else {}
    events = []
    for change, items, side in ((GRANTED, granted, after), (REVOKED, revoked, before)):
        for item in sorted(items):
            maker, made_before, made_after = traced.get((change, item), (commit, before, after))
            sources = (made_after if change == GRANTED else made_before).items.get(item, side.items[item])
            cause = cause_of(item, sources, change == GRANTED, made_before, made_after, snapshots.text)
            events.append(AccessEvent(change, item, maker, commit, cause))
    events.sort(key=lambda event: (event.commit.date, event.change, event.item))
    return CacheEntry(tuple(events), "", after.approximated)


Traced = dict[tuple[str, AccessItem], tuple[Commit, Snapshot, Snapshot]]


def _traced_in_branch(
    root: Path, snapshots: Snapshots, merge: Commit, granted: list[AccessItem], revoked: list[AccessItem]
) -> Traced:
    """For each change a merge brought, the first commit of the merged branch that made it, with the snapshots
    before and after it; a change no branch commit made (a conflict's resolution) stays the merge's."""
    pending = {(GRANTED, item) for item in granted} | {(REVOKED, item) for item in revoked}
    traced: Traced = {}
    for commit in merged_branch(root, merge):
        if not pending:
            break
        after = snapshots.at(commit.sha)
        if after.problem or not commit.parents:
            continue
        before = snapshots.at(commit.parents[0])
        if before.problem:
            continue
        for change, item in sorted(pending):
            present_after, present_before = item in after.items, item in before.items
            if (change == GRANTED and present_after and not present_before) or (
                change == REVOKED and present_before and not present_after
            ):
                traced[(change, item)] = (commit, before, after)
        pending -= set(traced)
    return traced
