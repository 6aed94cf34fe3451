"""Bounds on what a manifest may be, checked on each YAML event as the one pass over the file reads it.

A manifest is a small mapping of plain values. Anything else is refused with its line before it can
make mlenv run long or use unbounded memory (:mod:`generator.manifests.yaml_source` calls
:meth:`InputBounds.check` on every event before it builds anything from it):

- anchors (``&a``) and aliases (``*a``): aliases are expanded while converting to plain data, so
  a few hundred bytes of nested aliases ("billion laughs") would become gigabytes;
- tags other than YAML's own plain types (``!!python/object``, ``!custom``);
- nesting deeper than :data:`MAX_DEPTH` (a manifest needs four levels) and more than
  :data:`MAX_NODES` values in one file; the file size is bounded by the loader
  (:data:`MAX_FILE_BYTES`).

PyYAML may stop a deep input first (libyaml has a nesting bound of its own, whose wording is not
ours to rely on): when the parser fails, :meth:`InputBounds.check_failure` counts the brackets still
open where it stopped, so that a deep manifest gets the same refusal whichever layer noticed it.
"""

from __future__ import annotations

import yaml

from generator.errors import InvalidInput, Problem

#: Largest manifest read, in bytes (a manifest with a thousand models is about 50 KB).
MAX_FILE_BYTES = 1_000_000
#: Deepest nesting of mappings and lists (a manifest needs four: models -> model -> tags -> value).
MAX_DEPTH = 16
#: Most keys, values and items in one file.
MAX_NODES = 100_000
#: Most files in ``environments/`` (one per environment, plus the settings).
MAX_MANIFESTS = 1000

_STANDARD_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(f"{_STANDARD_TAG}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp"))
_COLLECTION_TAGS = frozenset({f"{_STANDARD_TAG}seq", f"{_STANDARD_TAG}map"})
#: How to fix a foreign tag (also said when a plain value resolves to a type manifests do not use).
NO_TAG_HINT = "remove the '!' tag; manifests use plain values"
_DEPTH_HINT = "manifests are a few levels of keys and lists; check the indentation and the brackets"

#: PyYAML's C loader (libyaml) when it is built in: fast on large manifests.
LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class InputBounds:
    """The bounds of one file, checked event by event; every refusal is an :class:`InvalidInput` with the line."""

    def __init__(self, display_path: str) -> None:
        self.display_path = display_path
        self.depth = 0
        self.nodes = 0

    def check(self, event: yaml.Event, line: int) -> None:
        """Refuse ``event`` (at ``line``) when it is an anchor, alias or foreign tag, or goes beyond a bound."""
        if isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent):
            if event.anchor is not None:
                self._refuse(
                    line,
                    f"YAML anchor '&{event.anchor}' is not supported",
                    "remove the anchor and write values out in full",
                )
            self._check_tag(event, line)
            self.nodes += 1
            if self.nodes > MAX_NODES:
                self._refuse(
                    line,
                    f"more than {MAX_NODES:,} values in one manifest",
                    "split the environment, or remove what it does not need",
                )
            if isinstance(event, yaml.CollectionStartEvent):
                self.depth += 1
                if self.depth > MAX_DEPTH:
                    self._refuse(line, f"nested more than {MAX_DEPTH} levels deep", _DEPTH_HINT)
        elif isinstance(event, yaml.CollectionEndEvent):
            self.depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            self._refuse(
                line,
                f"YAML alias '*{event.anchor}' is not supported",
                "write the value out in full; manifests do not use anchors or aliases",
            )

    def check_failure(self, text: str, error: yaml.MarkedYAMLError) -> None:
        """When the parser stopped inside more than :data:`MAX_DEPTH` open collections, refuse it as too deep
        (otherwise the caller reports the syntax error)."""
        mark = error.problem_mark or error.context_mark
        if mark is not None and max(self.depth, open_brackets(text, mark.line, mark.column)) > MAX_DEPTH:
            self._refuse(mark.line + 1, f"nested more than {MAX_DEPTH} levels deep", _DEPTH_HINT)

    def _check_tag(self, event: yaml.ScalarEvent | yaml.CollectionStartEvent, line: int) -> None:
        tag = event.tag
        if tag is None or tag == "!":
            return
        if isinstance(event, yaml.ScalarEvent):
            if event.implicit[0] or tag in _SCALAR_TAGS:
                return
        elif event.implicit or tag in _COLLECTION_TAGS:
            return
        self._refuse(line, f"unsupported YAML tag {tag}", NO_TAG_HINT)

    def _refuse(self, line: int, message: str, hint: str) -> None:
        raise InvalidInput([Problem(self.display_path, line, message, hint)])


def open_brackets(text: str, line: int, column: int) -> int:
    """How many ``[`` and ``{`` are still open at ``line``/``column`` (0-based), outside quotes and comments."""
    depth = 0
    quote = ""  # quoted scalars may span lines
    for number, content in enumerate(text.split("\n", line + 1)[: line + 1]):
        previous = " "
        for character in content[:column] if number == line else content:
            if quote:
                if character == quote:
                    quote = ""
            elif character in "'\"" and previous in " \t[{,:":
                quote = character
            elif character == "#" and previous in " \t":
                break
            elif character in "[{":
                depth += 1
            elif character in "]}":
                depth = max(depth - 1, 0)
            previous = character
    return depth
