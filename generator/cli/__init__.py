"""``mlenv``: the command line. The one place where errors become messages and exit codes.

Each command is a function ``(arguments) -> exit code`` in one of the ``*_commands`` modules,
imported only when it runs (so that ``mlenv validate`` never loads databricks-sdk). Every
expected failure is an :class:`~generator.errors.MlenvError` that carries its exit code and its
report; anything else is a bug and becomes one line and exit 70, never a traceback.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
import traceback
from collections.abc import Callable, Sequence

from generator.cli.deprecated import warnings_of
from generator.cli.parser import build_parser
from generator.errors import ExitCode, MlenvError
from generator.terminal import styled

#: The cyclic garbage collector's first threshold while a command runs (Python's default is 700). Rendering
#: allocates hundreds of thousands of short-lived, acyclic tuples, dicts and strings; at the default the collector
#: runs thousands of times and took about a tenth of ``mlenv render`` at 10,000 models
#: (``benchmarks/render_scale.py``). Cycles are still collected, less often.
GC_THRESHOLD = 100_000


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``mlenv`` command line; returns the exit code."""
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if not hasattr(arguments, "command"):
        parser.print_help(sys.stderr)
        return ExitCode.INVALID
    for warning in warnings_of(arguments):
        print(styled(f"mlenv: warning: {warning}", "yellow", sys.stderr), file=sys.stderr)
    thresholds = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *thresholds[1:])
    try:
        return _run(arguments)
    finally:
        gc.set_threshold(*thresholds)


def _run(arguments: argparse.Namespace) -> int:
    """Run the parsed command; every failure becomes its message and exit code."""
    try:
        return int(_command(arguments.command)(arguments))
    except MlenvError as error:
        writer = getattr(arguments, "writes", False) or getattr(arguments, "terraform", False)
        for line in error.report(writer):
            print(styled(line, "red", sys.stderr), file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("mlenv: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except Exception as error:  # the last line of defence against a traceback
        if os.environ.get("MLENV_DEBUG"):
            traceback.print_exc()
        print(
            f"mlenv: internal error: {type(error).__name__}: {error} "
            "(this is a bug; rerun with MLENV_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return ExitCode.INTERNAL


def _command(reference: str) -> Callable[..., int]:
    """The function ``module:function`` under ``generator.cli``."""
    module, _, function = reference.partition(":")
    command: Callable[..., int] = getattr(importlib.import_module(f"generator.cli.{module}"), function)
    return command
