"""Which events of the history a reader asked for: a principal, an object, an environment, production only, and a
period given as dates or as git revisions."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.errors import InvalidInput, Problem
from generator.history.commits import commit_id
from generator.history.events import AccessEvent
from generator.manifests.git_revision import git

#: A date as ``--since``/``--until`` take it (``YYYY-MM-DD``); anything else is a git revision.
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Period:
    """From ``since`` (exclusive for a revision, inclusive for a date) to ``until`` (inclusive); "" is open."""

    since: str = ""
    until: str = ""

    def describe(self) -> str:
        """The period in words."""
        since, until = self.since or "the first commit", self.until or "the last commit"
        return f"from {since} to {until}"


@dataclass(frozen=True)
class Selection:
    """What to keep; ``principals`` are the ids a name resolves to ({} keeps every principal)."""

    principals: frozenset[str] = frozenset()
    object: str = ""
    environment: str = ""
    production: bool = False
    period: Period = Period()


def selected(root: Path, events: Sequence[AccessEvent], selection: Selection) -> list[AccessEvent]:
    """The events of ``events`` that ``selection`` keeps, in their order."""
    within = _within(root, selection.period)
    return [
        event
        for event in events
        if (not selection.principals or event.item.principal in selection.principals)
        and (not selection.object or event.item.object == selection.object)
        and (not selection.environment or event.item.environment == selection.environment)
        and (not selection.production or event.item.production)
        and within(event)
    ]


def principals_named(name: str, display_names: Iterable[tuple[str, str]]) -> frozenset[str]:
    """The principals ``name`` means: itself, and every id shown by that display name."""
    return frozenset({name, *(key for key, shown in display_names if shown == name)})


def is_date(value: str) -> bool:
    """Whether ``value`` is a date (``YYYY-MM-DD``) rather than a git revision."""
    return _DATE.fullmatch(value) is not None


def _within(root: Path, period: Period) -> Callable[[AccessEvent], bool]:
    after = _bound(root, "--since", period.since)
    before = _bound(root, "--until", period.until)

    def keep(event: AccessEvent) -> bool:
        day = event.main.date[:10]
        if isinstance(after, str) and after and day < after:
            return False
        if isinstance(after, frozenset) and event.main.sha in after:
            return False
        if isinstance(before, str) and before and day > before:
            return False
        return not (isinstance(before, frozenset) and event.main.sha not in before)

    return keep


def _bound(root: Path, option: str, value: str) -> str | frozenset[str]:
    """A date as it is, or the commits a revision contains."""
    if not value or is_date(value):
        return value
    return frozenset(git(root, "rev-list", revision_of(root, option, value)).decode().split())


def revision_of(root: Path, option: str, value: str) -> str:
    """The commit ``value`` (given with ``option``) names; invalid input naming the option when none."""
    try:
        return commit_id(root, value)
    except InvalidInput:
        raise InvalidInput(
            [Problem(option, None, f"{value!r} is neither a date (YYYY-MM-DD) nor a commit of this repository")]
        ) from None
