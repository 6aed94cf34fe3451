"""``mlenv access --history`` and ``mlenv evidence``: since when, and through which change, each access exists."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path

from generator.errors import ExitCode, InvalidInput, MlenvError, Problem
from generator.history.commits import commit_date, require_history
from generator.history.report import history_csv, history_json, history_markdown, history_table
from generator.history.selection import Period, Selection, is_date, principals_named, revision_of, selected
from generator.history.walk import History, access_history
from generator.model.checked import load_and_check

#: Options that only the history takes, and how the command line spells them.
HISTORY_ONLY = {"since": "--since", "until": "--until", "branch": "--branch"}


def check_history_options(arguments: argparse.Namespace) -> None:
    """Refuse what does not go together: the history's options without ``--history``, pictures with it."""
    if arguments.history:
        if arguments.format in ("mermaid", "dot"):
            raise InvalidInput(
                [Problem("--format", None, f"--history prints table, markdown, csv or json, not {arguments.format}")]
            )
        return
    given = [spelling for name, spelling in HISTORY_ONLY.items() if getattr(arguments, name) not in ("", "HEAD")]
    if arguments.format == "markdown":
        given.append("--format markdown")
    if given:
        raise InvalidInput([Problem(given[0], None, "goes with --history", "add --history, or leave it out")])


def show_history(arguments: argparse.Namespace) -> int:
    """``mlenv access --history``: the access changes of a branch, filtered, in one format."""
    root = arguments.repository
    period = Period(arguments.since, arguments.until)
    history = history_of(root, arguments.branch, period)
    names = current_names(root)
    selection = Selection(
        principals=principals_named(arguments.principal, names.items()) if arguments.principal else frozenset(),
        object=arguments.object or "",
        environment=arguments.env or "",
        production=arguments.production,
        period=period,
    )
    events = selected(root, history.events, selection)
    writers = {
        "table": lambda: history_table(events, history.notes, names),
        "markdown": lambda: history_markdown(events, history.notes, names, period, history.head),
        "csv": lambda: history_csv(events, names),
        "json": lambda: history_json(events, history.notes, period, history.head),
    }
    sys.stdout.write(writers[arguments.format]())
    print(
        f"access history: {history.commits} commits changed environments/ or mlenv's rules, {history.computed} "
        "computed now (the others cached in .mlenv/history/)",
        file=sys.stderr,
    )
    return ExitCode.OK


def history_of(root: Path, branch: str, period: Period) -> History:
    """The history of ``branch``, after checking that the clone holds the part of it ``period`` needs."""
    since = period.since
    if since and not is_date(since):
        since = commit_date(root, revision_of(root, "--since", since))
    require_history(root, since)
    return access_history(root, branch)


def current_names(root: Path) -> Mapping[str, str]:
    """The display names of the working tree's manifests (none when they are invalid)."""
    try:
        return load_and_check(root).manifests.display_names()
    except MlenvError:
        return {}
