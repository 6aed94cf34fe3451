"""Read a YAML file into plain data while remembering the line of every key and item.

One pass over PyYAML's event stream (its C parser when built in) checks every bound of
:mod:`generator.manifests.yaml_limits` and builds the plain data at once, without PyYAML's node tree:
it keeps line numbers for error messages, rejects duplicate keys (which PyYAML would silently
overwrite), resolves plain scalars as PyYAML's safe loader does (but keeps ``yes``/``no`` as text)
and stays fast on large manifests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from generator.errors import InvalidInput, Problem
from generator.manifests.yaml_limits import LOADER, MAX_FILE_BYTES, NO_TAG_HINT, InputBounds

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
    return _parsed(text, display_path)


@lru_cache(maxsize=1024)
def _parsed(text: str, display_path: str) -> YamlDocument:
    """The document of ``text``, parsed once per content (``mlenv access --history`` reads the same manifests at
    commit after commit); callers read documents and never change them."""
    return _read_events(text, display_path)


def _tab_at(text: str, line: int, column: int) -> bool:
    """Whether a syntax error at ``line``/``column`` (0-based) is a tab: in the indentation, or the character itself."""
    lines = text.splitlines()
    if line >= len(lines):
        return False
    current = lines[line]
    indentation = current[: len(current) - len(current.lstrip(" \t"))]
    return "\t" in indentation or current[column : column + 1] == "\t"


_STR_TAG = "tag:yaml.org,2002:str"
_BOOL_TAG = "tag:yaml.org,2002:bool"
#: PyYAML's resolution of a plain scalar's type (int, float, bool, null, timestamp or str), as its loaders use it.
_RESOLVE: Callable[[type[yaml.Node], str, tuple[bool, bool]], str] = yaml.resolver.Resolver().resolve
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_SCALAR_CONSTRUCTORS = {
    f"tag:yaml.org,2002:{name}": yaml.constructor.SafeConstructor.yaml_constructors[f"tag:yaml.org,2002:{name}"]
    for name in ("int", "float", "bool", "null", "timestamp")
}
#: What an open mapping expects next: a key, or (after a duplicate key or one that is not text) a value to drop.
_KEY, _DROP = object(), object()


@dataclass
class _Open:
    """A mapping or list being read: its value so far, where it is, and whether what is read into it is kept."""

    value: dict[str, Any] | list[Any]
    location: Location
    kept: bool
    #: In a mapping: the key whose value comes next, ``_KEY`` while a key is expected, or ``_DROP``.
    pending: Any = _KEY
    #: The line of the key this collection is (when it is a key), so that it can be refused there at its end.
    key_line: int | None = None


def _read_events(text: str, display_path: str) -> YamlDocument:
    """One pass over the YAML events: every bound checked, plain data built with the line of every location."""
    document = YamlDocument(display_path, None)
    problems: list[Problem] = []
    bounds = InputBounds(display_path)
    stack: list[_Open] = []
    documents = 0
    try:
        for event in yaml.parse(text, Loader=LOADER):
            line = event.start_mark.line + 1 if event.start_mark is not None else 1
            bounds.check(event, line)
            if isinstance(event, yaml.ScalarEvent):
                _scalar_event(event, line, stack, document, problems)
            elif isinstance(event, yaml.CollectionStartEvent):
                _start_collection(event, line, stack, document)
            elif isinstance(event, yaml.CollectionEndEvent):
                closed = stack.pop()
                if closed.key_line is not None:
                    stack[-1].pending = _DROP
                    if stack[-1].kept:
                        problems.append(_not_text_key(document.path, closed.key_line))
                else:
                    _place(closed.value, stack, document)
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise InvalidInput(
                        [
                            Problem(
                                display_path,
                                line,
                                "YAML syntax error: a second document ('---') in the file",
                                "a manifest is one YAML document; remove the '---' and what follows, or merge them",
                            )
                        ]
                    )
    except yaml.MarkedYAMLError as error:
        bounds.check_failure(text, error)
        raise _syntax_error(text, display_path, error) from None
    except yaml.YAMLError as error:
        raise InvalidInput([Problem(display_path, None, f"YAML syntax error: {error}")]) from None
    if problems:
        raise InvalidInput(problems)
    return document


def _syntax_error(text: str, display_path: str, error: yaml.MarkedYAMLError) -> InvalidInput:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else None
    if mark is not None and _tab_at(text, mark.line, mark.column):
        return InvalidInput(
            [Problem(display_path, line, "a tab character in the indentation", "YAML indents with spaces only")]
        )
    reason = error.problem or error.context or "invalid YAML"
    return InvalidInput(
        [
            Problem(
                display_path,
                line,
                f"YAML syntax error: {reason}",
                "check indentation, quoting and the ':' after each key",
            )
        ]
    )


def _child_location(stack: list[_Open]) -> tuple[Location | None, bool]:
    """Where the next node goes (None when it is a mapping's key or dropped) and whether it is kept."""
    if not stack:
        return (), True
    parent = stack[-1]
    if isinstance(parent.value, list):
        return (*parent.location, len(parent.value)), parent.kept
    if parent.pending is _KEY or parent.pending is _DROP:
        return None, False
    return (*parent.location, parent.pending), parent.kept


def _start_collection(event: yaml.CollectionStartEvent, line: int, stack: list[_Open], document: YamlDocument) -> None:
    location, kept = _child_location(stack)
    is_key = bool(stack) and isinstance(stack[-1].value, dict) and stack[-1].pending is _KEY
    if kept and location is not None:
        document.lines.setdefault(location, line)
    value: dict[str, Any] | list[Any] = {} if isinstance(event, yaml.MappingStartEvent) else []
    stack.append(_Open(value, location or (), kept, key_line=line if is_key else None))


def _scalar_event(
    event: yaml.ScalarEvent, line: int, stack: list[_Open], document: YamlDocument, problems: list[Problem]
) -> None:
    tag = event.tag
    if tag is None or tag == "!":
        tag = _RESOLVE(yaml.ScalarNode, event.value, event.implicit)
    parent = stack[-1] if stack else None
    if parent is not None and isinstance(parent.value, dict) and parent.pending is _KEY:
        _key(event.value if tag == _STR_TAG else None, line, parent, document, problems)
        return
    location, kept = _child_location(stack)
    if kept and location is not None:
        document.lines.setdefault(location, line)
    _place(_scalar(event, tag, line, document, problems if kept else []), stack, document)


def _key(key: str | None, line: int, mapping: _Open, document: YamlDocument, problems: list[Problem]) -> None:
    """A key read in ``mapping``: the value that follows is kept under it, or dropped when it is refused."""
    assert isinstance(mapping.value, dict)
    mapping.pending = _DROP
    if key is None:
        if mapping.kept:
            problems.append(_not_text_key(document.path, line))
    elif key in mapping.value:
        if mapping.kept:
            first = document.lines[(*mapping.location, key)]
            problems.append(
                Problem(document.path, line, f"duplicate key '{key}' (first on line {first})", "keep one of them")
            )
    else:
        if mapping.kept:
            document.lines[(*mapping.location, key)] = line
        mapping.pending = key


def _place(value: Any, stack: list[_Open], document: YamlDocument) -> None:
    """Put a finished value into the collection it belongs to (or make it the document's data)."""
    if not stack:
        document.data = value
        return
    parent = stack[-1]
    if isinstance(parent.value, list):
        parent.value.append(value)
        return
    if parent.pending is not _DROP:
        parent.value[parent.pending] = value
    parent.pending = _KEY


def _not_text_key(path: str, line: int) -> Problem:
    return Problem(path, line, "keys must be plain text", "write the key as a word followed by ':'")


def _scalar(event: yaml.ScalarEvent, tag: str, line: int, document: YamlDocument, problems: list[Problem]) -> Any:
    if tag == _STR_TAG:
        return event.value
    if tag == _BOOL_TAG and event.value.lower() not in ("true", "false"):
        # YAML 1.1 also reads yes/no/on/off/y/n as booleans; YAML 1.2 and most editors do not.
        # Keep them as text so that a switch such as `production: no` is refused, not guessed.
        return event.value
    construct = _SCALAR_CONSTRUCTORS.get(tag)
    if construct is None:
        problems.append(Problem(document.path, line, f"unsupported YAML tag {tag}", NO_TAG_HINT))
        return None
    return construct(_CONSTRUCTOR, yaml.ScalarNode(tag, event.value, style=event.style))
