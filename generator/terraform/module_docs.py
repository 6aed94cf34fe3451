"""The Inputs and Outputs sections of each module's README, written from the module's interface.

Every ``modules/<m>/README.md`` is hand-written except between two marker lines::

    <!-- BEGIN_MLENV_DOCS -->
    <!-- END_MLENV_DOCS -->

Between them go two tables (``mlenv module-docs`` writes them, ``mlenv module-docs --check``
fails when they are stale): **Inputs** (name, type, default or ``required``, description, the
error messages of its validations; required inputs first, then by name) and **Outputs** (name,
description, whether sensitive; by name).
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.errors import InvalidInput, Problem
from generator.tables import Table
from generator.terraform.module_interface import ModuleInterface, module_directories, read_module

BEGIN_MARKER = "<!-- BEGIN_MLENV_DOCS -->"
END_MARKER = "<!-- END_MLENV_DOCS -->"
_NOTICE = (
    "<!-- Generated from the module's variables and outputs by `mlenv module-docs`; "
    "edit the .tf files, not this section. Inputs: required first, then by name. Outputs: by name. -->"
)


def render_module_docs(root: Path) -> dict[str, str]:
    """The new content of every module's README under ``root``, by path relative to ``root``.

    Raises :class:`InvalidInput` naming every undocumented declaration and every README that is
    missing or lacks the markers, in all modules at once.
    """
    rendered: dict[str, str] = {}
    problems: list[Problem] = []
    for directory in module_directories(root):
        path = f"{directory.relative_to(root).as_posix()}/README.md"
        try:
            section = render_section(read_module(root, directory))
            if not (root / path).is_file():
                raise InvalidInput([Problem(path, None, "missing", "every module needs a README.md with the markers")])
            rendered[path] = inject(path, (root / path).read_text(encoding="utf-8"), section)
        except InvalidInput as error:
            problems += error.problems
    if problems:
        raise InvalidInput(problems)
    return rendered


def render_section(module: ModuleInterface) -> str:
    """The Markdown between the markers: the notice, then the Inputs and Outputs sections."""
    lines = [_NOTICE, "", "## Inputs", ""]
    if module.variables:
        lines += Table(
            ("Name", "Type", "Default", "Description", "Validation"),
            [
                (
                    _code(variable.name),
                    _code(variable.type),
                    "required" if variable.default is None else _code(variable.default),
                    _text(variable.description),
                    " ".join(_sentence(message) for message in variable.validations),
                )
                for variable in module.variables
            ],
        ).markdown()
    else:
        lines.append("This module has no inputs.")
    lines += ["", "## Outputs", ""]
    if module.outputs:
        lines += Table(
            ("Name", "Description", "Sensitive"),
            [
                (_code(output.name), _text(output.description), "yes" if output.sensitive else "no")
                for output in module.outputs
            ],
        ).markdown()
    else:
        lines.append("This module has no outputs.")
    return "\n".join(lines) + "\n"


def inject(where: str, readme: str, section: str) -> str:
    """``readme`` with everything between its markers replaced by ``section``."""
    begin, end = readme.count(BEGIN_MARKER), readme.count(END_MARKER)
    if begin != 1 or end != 1:
        raise InvalidInput(
            [
                Problem(
                    where,
                    None,
                    f"needs exactly one {BEGIN_MARKER} line and one {END_MARKER} line after it "
                    f"(found {begin} and {end})",
                    "put them where the Inputs and Outputs tables go",
                )
            ]
        )
    start = readme.index(BEGIN_MARKER) + len(BEGIN_MARKER)
    stop = readme.index(END_MARKER)
    if stop < start:
        raise InvalidInput([Problem(where, None, f"{END_MARKER} comes before {BEGIN_MARKER}", "swap them")])
    return f"{readme[:start]}\n{section}{readme[stop:]}"


def _sentence(text: str) -> str:
    text = _text(text)
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _text(text: str) -> str:
    """Markdown for one table cell: line breaks folded, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def _code(text: str) -> str:
    """``text`` as a code span in a table cell."""
    text = text.replace("\n", " ").replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return fence + padded + fence
