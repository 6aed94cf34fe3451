"""The arguments of the access history (``mlenv access --history``) and of ``mlenv evidence``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.cli.parser import Commands

_PERIOD_HELP = "a date (YYYY-MM-DD, the day a change reached the branch) or a git revision"


def add_history_options(access: argparse.ArgumentParser) -> None:
    """``--history`` and what only it takes: the period and the branch."""
    access.add_argument(
        "--history",
        action="store_true",
        help="since when and through which change: every grant and membership the branch's commits gave or took "
        "(commit, author, date, merge and pull request, reviewed or direct, the manifest line, setting or change "
        "of mlenv's rules that caused it), each commit computed with its own mlenv's rules where the repository "
        "carries mlenv's code (else this mlenv's), cached in .mlenv/history/",
    )
    access.add_argument("--since", default="", metavar="WHEN", help=f"with --history: changes after {_PERIOD_HELP}")
    access.add_argument("--until", default="", metavar="WHEN", help=f"with --history: changes up to {_PERIOD_HELP}")
    access.add_argument(
        "--branch", default="HEAD", metavar="REV", help="with --history: the branch whose history (default: HEAD)"
    )
    access.add_argument("--production", action="store_true", help="only production environments' access")


def add_evidence_command(commands: Commands) -> None:
    """``mlenv evidence``: the files of a periodic access review."""
    evidence = commands.add_parser(
        "evidence",
        help="write the evidence of a periodic access review into a new directory",
        description="Write into DIR (new, or empty): the permission files at revision --at, the access history "
        "of the period (Markdown, CSV, JSON), production-access.csv (every production access held at --at, with "
        "the change that granted it and an empty decision column to fill in: keep or revoke), a copy of an "
        "mlenv audit --format json result when --audit names one, INDEX.md (what each file is) and SHA256SUMS "
        "(sha256sum -c checks it). The same inputs give the same bytes. Nothing is written when an input is "
        "invalid.",
    )
    evidence.add_argument("--since", required=True, metavar="WHEN", help=f"start of the period: {_PERIOD_HELP}")
    evidence.add_argument("--until", default="", metavar="WHEN", help=f"end of the period: {_PERIOD_HELP}")
    evidence.add_argument("--at", default="HEAD", metavar="REV", help="the revision reviewed (default: HEAD)")
    evidence.add_argument("--audit", type=Path, metavar="FILE", help="an mlenv audit --format json result to include")
    evidence.add_argument("--out", type=Path, required=True, metavar="DIR", help="where to write (new or empty)")
    evidence.set_defaults(command="evidence_bundle:evidence", writes=True)
