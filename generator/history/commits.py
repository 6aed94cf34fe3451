"""The repository's history as the access history needs it: the main line, the branches merged into it, shallow
clones, and who made each commit.

The **main line** is the first-parent chain of the revision asked for (``HEAD``): each of its commits is one change
that reached the branch, either a merge (of a pull request) or a commit made on the branch directly. Only commits
whose change touches an input of the permission model (the manifests, or mlenv's rules where the repository
carries them) are listed (:data:`generator.paths.HISTORY_INPUTS`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.errors import InvalidInput, Problem, Unavailable
from generator.manifests.git_revision import git
from generator.paths import HISTORY_INPUTS

#: ``git log`` fields of one commit, separated by NUL, commits by the record separator.
_FORMAT = "%H%x00%P%x00%an%x00%ae%x00%cI%x00%B%x1e"
#: How the hosts that merge pull requests name them in the merge commit's message (GitHub, GitLab, Azure DevOps,
#: Bitbucket). Only the number is read from it; whether a change was reviewed is decided by the merge itself.
_PULL_REQUEST = (
    re.compile(r"^Merge pull request #(\d+)"),
    re.compile(r"^See merge request \S*!(\d+)", re.MULTILINE),
    re.compile(r"^Merged PR (\d+):"),
    re.compile(r"\(pull request #(\d+)\)"),
)


@dataclass(frozen=True)
class Commit:
    """One commit: its id, parents, author and the date it was committed (ISO 8601), and its message."""

    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    date: str
    message: str

    @property
    def is_merge(self) -> bool:
        """Whether the commit merged another line of history (a pull request's branch)."""
        return len(self.parents) > 1

    @property
    def subject(self) -> str:
        """The first line of the message."""
        return self.message.split("\n", 1)[0]

    @property
    def pull_request(self) -> str:
        """The pull or merge request number the merge commit's message names ("" when it names none)."""
        for pattern in _PULL_REQUEST:
            found = pattern.search(self.message)
            if found:
                return found[1]
        return ""


def commit_id(root: Path, revision: str) -> str:
    """The commit ``revision`` names; invalid input when it names none."""
    try:
        return git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").decode().strip()
    except InvalidInput:
        raise InvalidInput(
            [Problem("git", None, f"{revision!r} is not a commit of this repository", "name a commit, branch or tag")]
        ) from None


def commit_date(root: Path, revision: str) -> str:
    """The date ``revision``'s commit was made (ISO 8601)."""
    return git(root, "show", "--no-patch", "--format=%cI", commit_id(root, revision)).decode().strip()


def main_line(root: Path, head: str) -> list[Commit]:
    """The commits of ``head``'s first-parent chain that changed an input, oldest first."""
    return _log(root, "--first-parent", head)


def merged_branch(root: Path, merge: Commit) -> list[Commit]:
    """The commits a merge brought in that changed an input (on the merged branch, not on the main line), oldest
    first."""
    return _log(root, f"{merge.parents[0]}..{merge.sha}", "--topo-order")


def _log(root: Path, *selection: str) -> list[Commit]:
    text = git(root, "log", "--reverse", f"--format={_FORMAT}", *selection, "--", *HISTORY_INPUTS).decode()
    commits = []
    for record in text.split("\x1e"):
        fields = record.strip("\n").split("\x00")
        if len(fields) == 6:
            sha, parents, author, email, date, message = fields
            commits.append(Commit(sha, tuple(parents.split()), author, email, date, message.strip()))
    return commits


def shallow_since(root: Path) -> str:
    """The commit date of the oldest commit a shallow clone holds ("" when the clone has the whole history)."""
    if git(root, "rev-parse", "--is-shallow-repository").decode().strip() != "true":
        return ""
    boundary = Path(git(root, "rev-parse", "--absolute-git-dir").decode().strip()) / "shallow"
    shas = boundary.read_text().split() if boundary.is_file() else []
    dates = git(root, "show", "--no-patch", "--format=%cI", *shas).decode().split() if shas else []
    return min(dates, default="unknown")


def require_history(root: Path, since: str) -> None:
    """Refuse a directory that is not a git repository, and a shallow clone that does not reach back to ``since`` (a
    date; "" for the whole history), saying how deep the history must be."""
    try:
        git(root, "rev-parse", "--git-dir")
    except InvalidInput:
        raise InvalidInput(
            [Problem(str(root), None, "is not a git repository", "the access history reads its commits: use a clone")]
        ) from None
    boundary = shallow_since(root)
    if not boundary or (since and boundary != "unknown" and boundary[:10] < since[:10]):
        return
    needed = f"the commits since {since}" if since else "the whole history"
    fetch = f"git fetch --shallow-since={since}" if since else "git fetch --unshallow"
    raise Unavailable(
        f"this clone is shallow: its history starts at a commit of {boundary[:10]}, and the access history needs "
        f"{needed} (an access held before the clone's first commit would look granted there). Fetch it: {fetch} "
        "(CI: actions/checkout with fetch-depth: 0, Azure Pipelines checkout with fetchDepth: 0, GitLab "
        "GIT_DEPTH: 0)"
    )
