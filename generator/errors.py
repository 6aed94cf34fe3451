"""Every error mlenv raises, each with its exit code; ``generator.cli`` is the one place that reports them.

The exit codes are part of the interface (README, ``--help``) and never change:

==== =========================================================================
code meaning
==== =========================================================================
0    success
1    changes found (stale files, drift, access changes with ``--exit-code``) or
     a Terraform step failed
2    invalid input: a manifest, an argument or a git revision
3    a tool, credential or service is unavailable
4    refused by a safety guard
70   internal error (a bug)
130  interrupted
==== =========================================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import ClassVar


class ExitCode(IntEnum):
    """The process exit codes of ``mlenv``."""

    OK = 0
    CHANGES = 1
    INVALID = 2
    UNAVAILABLE = 3
    REFUSED = 4
    INTERNAL = 70
    INTERRUPTED = 130


#: What each exit code means, as ``--help`` and the README say it (130, interrupted, is the shell's convention).
EXIT_CODE_MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: "success",
    ExitCode.CHANGES: "changes found or a Terraform step failed",
    ExitCode.INVALID: "invalid input",
    ExitCode.UNAVAILABLE: "a tool, credential or service is unavailable",
    ExitCode.REFUSED: "refused by a safety guard",
    ExitCode.INTERNAL: "internal error",
}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input file.

    ``line`` is 1-based and ``None`` when the problem concerns the whole file.
    ``rule`` names the policy rule that was broken, for security refusals.
    """

    file: str
    line: int | None
    message: str
    hint: str = ""
    rule: str = ""

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        text = f"{where}: {self.message}"
        if self.rule:
            text = f"{where}: [{self.rule}] {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class MlenvError(Exception):
    """Base of every expected failure: it carries its exit code and the lines that report it."""

    exit_code: ClassVar[ExitCode] = ExitCode.INTERNAL

    def report(self, writer: bool = False) -> list[str]:
        """The lines printed to stderr for this error; ``writer`` says whether the command writes files."""
        return [f"mlenv: {self}"]


class InvalidInput(MlenvError):
    """Manifests, arguments or revisions are invalid; carries every problem found."""

    exit_code = ExitCode.INVALID

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=_problem_order)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    def report(self, writer: bool = False) -> list[str]:
        """Every problem on its own line, then how many (and, for a command that writes, that nothing was)."""
        count = len(self.problems)
        written = "; nothing was written." if writer else "."
        return [str(problem) for problem in self.problems] + [
            f"{count} problem{'s' if count != 1 else ''} found{written}"
        ]


class ChangesFound(MlenvError):
    """A check found something to change (for example stale generated files); the message says what."""

    exit_code = ExitCode.CHANGES


class TerraformFailed(MlenvError):
    """A Terraform command failed; its own output, streamed before this, says why."""

    exit_code = ExitCode.CHANGES


class Unavailable(MlenvError):
    """A tool, credential or service needed for the command is unavailable."""

    exit_code = ExitCode.UNAVAILABLE


class ToolchainError(Unavailable):
    """The provider or Terraform cannot be made available; the message says why."""


class MissingCredentials(Unavailable):
    """No Databricks credentials are configured."""


class WorkspaceUnreachable(Unavailable):
    """The workspace cannot be reached or refuses the credentials."""


class CredentialsRefused(Unavailable):
    """A registry or workspace refused the credentials for what was asked (authenticated, not permitted): the
    same exit code in every command, like a workspace that refuses them."""


class ApplyIncomplete(Unavailable):
    """The workspace stopped an apply part way (throttling, server errors, dropped connections, objects that
    exist outside the state); the message says what to rerun to converge."""


class Refused(MlenvError):
    """A safety guard refused the command before anything changed; the message says why and how to proceed."""

    exit_code = ExitCode.REFUSED

    def report(self, writer: bool = False) -> list[str]:
        """One line starting ``mlenv: refused:``."""
        return [f"mlenv: refused: {self}"]


def _problem_order(problem: Problem) -> tuple[str, int, str]:
    return (problem.file, problem.line or 0, problem.message)
