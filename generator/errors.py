"""Problems found in user input, reported as ``FILE:LINE: what is wrong (how to fix)``."""

from __future__ import annotations

from dataclasses import dataclass


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


class InvalidInput(Exception):
    """Raised when manifests or arguments are invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=_problem_order)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def _problem_order(problem: Problem) -> tuple[str, int, str]:
    return (problem.file, problem.line or 0, problem.message)
