"""Read a YAML file into plain data while remembering the line of every key and item.

PyYAML's C composer gives the node tree with positions; converting it ourselves keeps
line numbers for error messages, rejects duplicate keys (which PyYAML would silently
overwrite) and stays fast on large manifests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.errors import InvalidInput, Problem
from generator.manifests.yaml_limits import LOADER, MAX_FILE_BYTES, check_yaml_limits

Location = tuple[str | int, ...]


@dataclass
class YamlDocument:
    """Plain data from one YAML file plus the 1-based line of every location in it."""

    path: str
    data: Any
    lines: dict[Location, int] = field(default_factory=dict)

    def line_of(self, location: Location) -> int:
        """Line of ``location``, or of its nearest enclosing key or item that exists."""
        for end in range(len(location), -1, -1):
            line = self.lines.get(tuple(location[:end]))
            if line is not None:
                return line
        return 1


def load_yaml(path: Path, display_path: str) -> YamlDocument:
    """Parse ``path``; raise :class:`InvalidInput` naming ``display_path`` on any problem."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise InvalidInput(
                [
                    Problem(
                        display_path,
                        None,
                        f"file is larger than {MAX_FILE_BYTES:,} bytes",
                        "a manifest describes one environment; split it or remove what it does not need",
                    )
                ]
            )
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            [Problem(display_path, None, f"file is not UTF-8 text ({error.reason})", "save the manifest as UTF-8")]
        ) from None
    except OSError as error:
        raise InvalidInput([Problem(display_path, None, f"cannot read file: {error.strerror}")]) from None
    check_yaml_limits(text, display_path)
    try:
        node = yaml.compose(text, Loader=LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        if mark is not None and _tab_at(text, mark.line, mark.column):
            raise InvalidInput(
                [Problem(display_path, line, "a tab character in the indentation", "YAML indents with spaces only")]
            ) from None
        reason = error.problem or error.context or "invalid YAML"
        raise InvalidInput(
            [
                Problem(
                    display_path,
                    line,
                    f"YAML syntax error: {reason}",
                    "check indentation, quoting and the ':' after each key",
                )
            ]
        ) from None
    except yaml.YAMLError as error:
        raise InvalidInput([Problem(display_path, None, f"YAML syntax error: {error}")]) from None
    document = YamlDocument(display_path, None)
    if node is None:
        return document
    problems: list[Problem] = []
    document.data = _convert(node, (), document, problems)
    if problems:
        raise InvalidInput(problems)
    return document


def _tab_at(text: str, line: int, column: int) -> bool:
    """Whether a syntax error at ``line``/``column`` (0-based) is a tab: in the indentation, or the character itself."""
    lines = text.splitlines()
    if line >= len(lines):
        return False
    current = lines[line]
    indentation = current[: len(current) - len(current.lstrip(" \t"))]
    return "\t" in indentation or current[column : column + 1] == "\t"


def _convert(node: yaml.Node, location: Location, document: YamlDocument, problems: list[Problem]) -> Any:
    document.lines.setdefault(location, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                problems.append(
                    Problem(document.path, line, "keys must be plain text", "write the key as a word followed by ':'")
                )
                continue
            key = key_node.value
            if key in result:
                first = document.lines[(*location, key)]
                problems.append(
                    Problem(document.path, line, f"duplicate key '{key}' (first on line {first})", "keep one of them")
                )
                continue
            document.lines[(*location, key)] = line
            result[key] = _convert(value_node, (*location, key), document, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*location, index), document, problems) for index, item in enumerate(node.value)]
    return _scalar(node, document, problems)


def _scalar(node: yaml.Node, document: YamlDocument, problems: list[Problem]) -> Any:
    if node.tag == _BOOL_TAG and node.value.lower() not in ("true", "false"):
        # YAML 1.1 also reads yes/no/on/off/y/n as booleans; YAML 1.2 and most editors do not.
        # Keep them as text so that a switch such as `production: no` is refused, not guessed.
        return node.value
    construct = _SCALAR_CONSTRUCTORS.get(node.tag)
    if construct is None:
        problems.append(
            Problem(
                document.path,
                node.start_mark.line + 1,
                f"unsupported YAML tag {node.tag}",
                "remove the '!' tag; manifests use plain values",
            )
        )
        return None
    return construct(_CONSTRUCTOR, node)


_BOOL_TAG = "tag:yaml.org,2002:bool"
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_SCALAR_CONSTRUCTORS = {
    f"tag:yaml.org,2002:{name}": yaml.constructor.SafeConstructor.yaml_constructors[f"tag:yaml.org,2002:{name}"]
    for name in ("str", "int", "float", "bool", "null", "timestamp")
}
