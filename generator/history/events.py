"""One change of access in the history, and the rule of what counts as reviewed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.history.causes import Cause
from generator.history.commits import Commit
from generator.history.items import AccessItem

GRANTED = "granted"
REVOKED = "revoked"


@dataclass(frozen=True)
class AccessEvent:
    """``item`` was ``granted`` or ``revoked`` by ``commit``, and reached the branch with ``main``: the merge that
    brought ``commit`` in, or ``commit`` itself when it was made on the branch directly.

    **Reviewed** means reached through a merge (a pull or merge request's merge commit): a merge is the one trace
    of a review that git keeps. A commit pushed to the branch, a squash merge and a rebase merge look the same in
    git and count as direct commits; hosts that merge that way should be configured to create merge commits.
    """

    change: str
    item: AccessItem
    commit: Commit
    main: Commit
    cause: Cause

    @property
    def reviewed(self) -> bool:
        """Whether the change reached the branch through a merge."""
        return self.main.is_merge

    def as_dict(self) -> dict[str, Any]:
        """The event as the documented JSON object."""
        return {
            "change": self.change,
            **self.item.as_dict(),
            "commit": self.commit.sha,
            "author": f"{self.commit.author} <{self.commit.email}>",
            "date": self.commit.date,
            "subject": self.commit.subject,
            "merged_in": self.main.sha if self.main.is_merge else "",
            "merged_on": self.main.date,
            "pull_request": self.main.pull_request,
            "reviewed": self.reviewed,
            "cause": self.cause.as_dict(),
        }


@dataclass(frozen=True)
class Unreadable:
    """A commit of the main line whose manifests this mlenv refuses: its changes show at the next readable one."""

    commit: Commit
    problem: str


@dataclass(frozen=True)
class Approximated:
    """A commit of the main line computed with this mlenv's rules because its own could not compute it: its
    changes are those this mlenv's rules make of its manifests."""

    commit: Commit
    reason: str


@dataclass(frozen=True)
class CommitNotes:
    """What a reader of the history must know about some commits: those whose manifests could not be read, and
    those computed with this mlenv's rules instead of their own."""

    unreadable: tuple[Unreadable, ...] = ()
    approximated: tuple[Approximated, ...] = ()
