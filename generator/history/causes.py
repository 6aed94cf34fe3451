"""Why an access appeared or went: the manifest line it comes from, or the setting that changed.

An access comes from manifest entries (its grant, the memberships it goes through: ``Sources``). When one of
their files changed in the commit, the cause is that entry's line, read from the commit (an access granted) or
from the commit before (an access revoked). Otherwise the change came from a setting all environments share
(``workspace.yaml``: ``group_name_pattern``, the registry, ...), named with its old and new value, from a change
of mlenv's own rules (where the repository carries mlenv's code: :mod:`generator.history.rules`), or from a file
added or removed.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from generator.history.items import AccessItem, Sources
from generator.history.rules import is_rule_file
from generator.history.snapshots import Snapshot
from generator.paths import SETTINGS_MANIFEST, environment_manifest


@dataclass(frozen=True)
class Cause:
    """Why: ``file`` and ``line`` (``None`` for a whole file) and what is there (a manifest line, a setting's
    change, a file added or removed)."""

    file: str
    line: int | None
    text: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where} {self.text}"

    def as_dict(self) -> dict[str, Any]:
        """The cause as the documented JSON object."""
        return {"file": self.file, "line": self.line, "text": self.text}


def cause_of(
    item: AccessItem,
    sources: Sources,
    granted: bool,
    before: Snapshot,
    after: Snapshot,
    text: Callable[[str], str],
) -> Cause:
    """Why ``item`` (coming from ``sources``) was granted (or revoked) between ``before`` and ``after``; ``text``
    reads a file's blob."""
    side = after if granted else before
    changed = {path for path in set(before.files) | set(after.files) if before.files.get(path) != after.files.get(path)}
    located = [(path, int(line)) for path, _, line in (source.rpartition(":") for source in sources) if path in changed]
    edited = {
        path: _changed_lines(text(before.files[path]), text(after.files[path]), granted)
        for path, _ in located
        if path in before.files and path in after.files
    }
    # the entry whose line the commit edited (a membership added to an existing grant), else the first one
    ordered = sorted(located, key=lambda found: found[1] not in edited.get(found[0], {found[1]}))
    for path, number in ordered:
        if path in side.files:
            lines = text(side.files[path]).splitlines()
            whole = (
                " (file added)" if path not in before.files else " (file removed)" if path not in after.files else ""
            )
            return Cause(path, number, f"`{lines[number - 1].strip()}`{whole}" if number <= len(lines) else whole)
    rules = sorted(path for path in changed if is_rule_file(path))
    if rules:
        return Cause(rules[0], None, f"mlenv's rules changed ({', '.join(rules)})")
    manifest = environment_manifest(item.environment)
    if manifest in changed:
        return _file_change(manifest, before, after, text, item)
    if SETTINGS_MANIFEST in changed:
        return _setting_change(SETTINGS_MANIFEST, before, after, text)
    return next(
        (_file_change(path, before, after, text, item) for path in sorted(changed)),
        Cause(SETTINGS_MANIFEST, None, "no input changed"),
    )


def _file_change(path: str, before: Snapshot, after: Snapshot, text: Callable[[str], str], item: AccessItem) -> Cause:
    if path not in after.files:
        return Cause(path, None, "removed")
    if path not in before.files:
        return Cause(path, None, "added")
    return _first_changed_line(path, text(before.files[path]), text(after.files[path]), item)


def _setting_change(path: str, before: Snapshot, after: Snapshot, text: Callable[[str], str]) -> Cause:
    old = _flat(_mapping(text(before.files[path]))) if path in before.files else {}
    new_text = text(after.files[path]) if path in after.files else ""
    new = _flat(_mapping(new_text))
    keys = sorted(key for key in set(old) | set(new) if old.get(key) != new.get(key))
    if not keys:
        return Cause(path, None, "comments or formatting changed")
    described = "; ".join(f"setting {key}: {_value(old.get(key))} → {_value(new.get(key))}" for key in keys)
    return Cause(path, _line_of(new_text.splitlines(), keys[0]), described)


def _flat(mapping: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The settings of ``mapping`` by dotted name (``unity_catalog.catalog_name_pattern``), nested ones included."""
    flat: dict[str, Any] = {}
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(_flat(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _line_of(lines: list[str], dotted: str) -> int | None:
    """The line of the setting named ``dotted`` (the deepest of its keys found; None when not even the first is)."""
    number, start = None, 0
    for depth, key in enumerate(dotted.split(".")):
        found = next(
            (
                index
                for index in range(start, len(lines))
                if lines[index].strip().startswith(f"{key}:") and (depth or lines[index].startswith(key))
            ),
            None,
        )
        if found is None:
            break
        number, start = found + 1, found + 1
    return number


def _changed_lines(old: str, new: str, new_side: bool) -> set[int]:
    """The numbers of the lines that differ between ``old`` and ``new``, on the new side (or the old one)."""
    opcodes = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False).get_opcodes()
    return {
        number
        for tag, old_start, old_end, new_start, new_end in opcodes
        if tag != "equal"
        for number in (range(new_start + 1, new_end + 1) if new_side else range(old_start + 1, old_end + 1))
    }


def _first_changed_line(path: str, old: str, new: str, item: AccessItem) -> Cause:
    """The first line of ``new`` that differs from ``old`` and names the item's object or principal (else the
    first line that differs)."""
    lines = new.splitlines()
    added = sorted(_changed_lines(old, new, new_side=True))
    names = {item.principal, item.object, *item.object.replace(".", "_").split("_")}
    chosen = next((n for n in added if any(name and name in lines[n - 1] for name in names)), None)
    chosen = chosen or (added[0] if added else None)
    return Cause(path, chosen, f"`{lines[chosen - 1].strip()}`" if chosen else "lines removed")


def _mapping(text: str) -> dict[str, Any]:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}
    return document if isinstance(document, dict) else {}


def _value(value: Any) -> str:
    return (
        "(unset)"
        if value is None
        else yaml.safe_dump(value, default_flow_style=True, width=float("inf")).strip().removesuffix("...").strip()
    )
