"""The README's CLI reference, generated from the parser: every command's usage, description and options.

Written between the ``<!-- BEGIN_MLENV_CLI -->`` and ``<!-- END_MLENV_CLI -->`` markers of README.md by
``make docs`` (``python -m generator.cli.reference``); ``--check`` (run by the suite and ``make lint``) exits 1 when
the README is stale. Old spellings (:mod:`.deprecated`) are left out: the reference names only the new ones.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.atomic_files import write_atomically
from generator.cli.parser import build_parser

BEGIN = "<!-- BEGIN_MLENV_CLI -->"
END = "<!-- END_MLENV_CLI -->"


def cli_reference(parser: argparse.ArgumentParser) -> str:
    """The reference as Markdown: the global options, then each command in the parser's order."""
    lines = [
        "`mlenv [--repository DIR] COMMAND` (also `python -m generator`). Every command has `--help`; this "
        "section is generated from the same parser (`make docs`).",
        "",
        *_options_table(_visible(parser)),
    ]
    for name, command in _commands(parser).items():
        lines += ["", f"### `mlenv {name}`", "", f"`{_usage(name, command)}`", ""]
        lines += [_escape(command.description or ""), ""]
        lines += _options_table(_visible(command))
    return "\n".join(line.rstrip() for line in lines).rstrip() + "\n"


def readme_with_reference(readme: str, reference: str) -> str:
    """``readme`` with the text between the markers replaced by ``reference``."""
    head, found, rest = readme.partition(BEGIN)
    _, found_end, tail = rest.partition(END)
    if not found or not found_end:
        raise ValueError(f"README.md has no {BEGIN} ... {END} section")
    return f"{head}{BEGIN}\n{reference}{END}{tail}"


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    subparsers = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    return dict(subparsers.choices)


def _visible(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [
        action
        for action in parser._actions
        if action.help != argparse.SUPPRESS and not isinstance(action, argparse._SubParsersAction)
    ]


def _spelling(action: argparse.Action) -> str:
    """``--jobs N``, ``--format {table,json}``, ``--adopt``, ``BASE``."""
    if not action.option_strings:
        return _metavar(action)
    name = ", ".join(action.option_strings)
    return name if action.nargs == 0 else f"{name} {_metavar(action)}"


def _metavar(action: argparse.Action) -> str:
    if action.metavar is not None:
        return str(action.metavar)
    if action.choices is not None:
        return "{" + ",".join(str(choice) for choice in action.choices) + "}"
    return action.dest.upper()


def _usage(name: str, command: argparse.ArgumentParser) -> str:
    parts = [f"mlenv {name}"]
    for action in _visible(command):
        if isinstance(action, argparse._HelpAction):
            continue
        spelling = _spelling(action).split(", ")[-1] if action.option_strings else _spelling(action)
        optional = not action.required if action.option_strings else action.nargs == "?"
        repeated = " ..." if isinstance(action, argparse._AppendAction) else ""
        parts.append(f"[{spelling}{repeated}]" if optional else f"{spelling}{repeated}")
    return " ".join(parts)


def _options_table(actions: list[argparse.Action]) -> list[str]:
    rows = [
        (f"`{_spelling(action)}`", _escape(action.help or ""))
        for action in actions
        if not isinstance(action, argparse._HelpAction | argparse._VersionAction)
    ]
    if not rows:
        return []
    return ["| option | meaning |", "|---|---|", *(f"| {spelling} | {meaning} |" for spelling, meaning in rows)]


def _escape(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def main(argv: list[str] | None = None) -> int:
    """Write the reference into README.md, or with ``--check`` exit 1 when it is stale."""
    options = argparse.ArgumentParser(prog="python -m generator.cli.reference", description=__doc__)
    options.add_argument("--check", action="store_true", help="write nothing; exit 1 when README.md is stale")
    arguments = options.parse_args(argv)
    readme_path = Path(__file__).resolve().parents[2] / "README.md"
    readme = readme_path.read_text(encoding="utf-8")
    current = readme_with_reference(readme, cli_reference(build_parser()))
    if arguments.check:
        if current != readme:
            print("README.md's CLI reference is stale: run make docs", file=sys.stderr)
            return 1
        return 0
    if current != readme:
        write_atomically(readme_path, current)
        print("wrote README.md's CLI reference")
    return 0


if __name__ == "__main__":
    sys.exit(main())
