"""Write HCL values and attribute groups exactly as ``terraform fmt`` formats them.

``terraform fmt`` aligns the ``=`` of consecutive one-line attributes in a body; an attribute
whose value spans several lines, a blank line or a nested block ends the run. Strings are
escaped so that no input can open an interpolation (``${``) or a directive (``%{``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

INDENT = "  "
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_KEYWORDS = frozenset({"true", "false", "null", "for", "in", "if"})
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_NEEDS_ESCAPING = re.compile(r'[\\"\n\r\t]|[$%]\{')


@dataclass(frozen=True)
class Expression:
    """An HCL expression written as is, such as ``module.acc_group.id``."""

    text: str


def hcl_string(value: str) -> str:
    """``value`` as a quoted HCL string literal that evaluates to exactly ``value``."""
    if _NEEDS_ESCAPING.search(value) is None:
        return f'"{value}"'
    escaped = value.translate(_ESCAPES).replace("${", "$${").replace("%{", "%%{")
    return f'"{escaped}"'


def hcl_key(key: str) -> str:
    """An object key: bare when it is a plain identifier, quoted otherwise."""
    if _IDENTIFIER.fullmatch(key) and key not in _KEYWORDS:
        return key
    return hcl_string(key)


def hcl_value(value: Any, depth: int = 0) -> str:
    """``value`` as an HCL expression; mappings and lists of mappings span several lines."""
    if type(value) is str:  # most values: checked first, and without the abstract base classes
        return hcl_string(value)
    if isinstance(value, Expression):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return hcl_string(value)
    if _is_mapping(value):
        if not value:
            return "{}"
        inner = hcl_attributes([(hcl_key(str(key)), item) for key, item in value.items()], depth + 1)
        return "{\n" + inner + "\n" + INDENT * depth + "}"
    if isinstance(value, (list, tuple, Sequence)):
        if not value:
            return "[]"
        if not any(_is_mapping(item) for item in value):
            return "[" + ", ".join(hcl_value(item, depth) for item in value) + "]"
        lines = [INDENT * (depth + 1) + hcl_value(item, depth + 1) + "," for item in value]
        return "[\n" + "\n".join(lines) + "\n" + INDENT * depth + "]"
    if value is None:
        return "null"
    raise TypeError(f"cannot write {type(value).__name__} as HCL")


def _is_mapping(value: Any) -> bool:
    """Whether ``value`` is a mapping: a dict at once, the ``Mapping`` check only for other types."""
    return isinstance(value, dict) or (not isinstance(value, (str, list, tuple)) and isinstance(value, Mapping))


def hcl_attributes(items: Iterable[tuple[str, Any]], depth: int) -> str:
    """Attribute lines at ``depth``, aligned the way ``terraform fmt`` aligns them."""
    rendered = [(key, hcl_value(value, depth)) for key, value in items]
    lines: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(key) for key, _ in run), default=0)
        lines.extend(f"{INDENT * depth}{key.ljust(width)} = {text}" for key, text in run)
        run.clear()

    for key, text in rendered:
        if "\n" in text:
            flush()
            lines.append(f"{INDENT * depth}{key} = {text}")
        else:
            run.append((key, text))
    flush()
    return "\n".join(lines)


def hcl_body(groups: Iterable[Iterable[tuple[str, Any]]], depth: int = 1) -> str:
    """Groups of attributes separated by blank lines, as in a module call."""
    return "\n\n".join(hcl_attributes(group, depth) for group in groups if group)
