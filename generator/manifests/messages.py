"""Turn pydantic validation errors into ``FILE:LINE: what is wrong (how to fix)`` problems."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from generator.errors import Problem
from generator.manifests.manifest import PATTERN_HINTS
from generator.manifests.yaml_source import Location, YamlDocument

#: Problems described per manifest; the rest are counted (a file of 20,000 unknown keys needs the first few, fast).
MAX_PROBLEMS_PER_FILE = 50


def problems_from_validation_error(
    error: ValidationError, root_model: type[BaseModel], document: YamlDocument
) -> list[Problem]:
    """One :class:`Problem` per pydantic error, located at the offending key or item (at most
    :data:`MAX_PROBLEMS_PER_FILE`, then one that counts the others)."""
    problems = []
    errors = error.errors(include_url=False)
    for item in errors[:MAX_PROBLEMS_PER_FILE]:
        location: Location = tuple(item["loc"])
        message, hint = _describe(item, location, root_model)
        problems.append(Problem(document.path, document.line_of(location), message, hint))
    if len(errors) > MAX_PROBLEMS_PER_FILE:
        more, first = len(errors) - MAX_PROBLEMS_PER_FILE, tuple(errors[MAX_PROBLEMS_PER_FILE]["loc"])
        problems.append(
            Problem(
                document.path,
                document.line_of(first),
                f"and {more:,} more problems from here on",
                "fix the ones above and rerun",
            )
        )
    return problems


def _describe(item: ErrorDetails, location: Location, root_model: type[BaseModel]) -> tuple[str, str]:
    kind = item["type"]
    value = item.get("input")
    label = _label(location)
    if kind == "extra_forbidden":
        allowed = _allowed_keys(root_model, location[:-1])
        key = str(location[-1])
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"allowed keys here: {', '.join(allowed)}"
        return f"unknown key '{key}'", hint
    if kind == "missing":
        return f"missing required key '{location[-1]}'", f"add '{location[-1]}:' here"
    if kind == "string_pattern_mismatch":
        pattern = item["ctx"]["pattern"]
        return f"{label} {value!r} is not valid", PATTERN_HINTS.get(pattern, f"it must match {pattern}")
    if kind == "bool_type":
        return f"{label} must be true or false, got {value!r}", "write true or false without quotes"
    if kind == "string_type":
        return (
            f"{label} must be text, got {_type_name(value)} {value!r}",
            "put the value in quotes if YAML reads it as a number, date or boolean",
        )
    if kind == "list_type":
        return f"{label} must be a list, got {_type_name(value)}", "write one '- item' per line under the key"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return (
            f"{label} must be a mapping of keys to values, got {_type_name(value)}",
            "write 'key: value' lines indented under it",
        )
    if kind == "value_error":
        return f"{label}: {item['ctx']['error']}", ""
    if kind == "too_long":
        context = item.get("ctx", {})
        return (
            f"{label} has {context.get('actual_length', 'too many')} entries; at most {context.get('max_length')} "
            "are allowed",
            "split the environment or remove entries it does not need",
        )
    if kind == "string_too_long":
        return f"{label} is too long: {item['msg']}", "shorten it"
    return f"{label}: {item['msg']}", ""


def _label(location: Location) -> str:
    if not location:
        return "the manifest"
    if location[-1] == "[key]":  # pydantic's marker for a mapping key, e.g. of tags: name the mapping
        return f"{_label(location[:-2])} key"
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    return {bool: "a boolean", int: "a number", float: "a number", str: "text", list: "a list", dict: "a mapping"}.get(
        type(value), type(value).__name__
    )


def _allowed_keys(root_model: type[BaseModel], location: Location) -> list[str]:
    model = _model_at(root_model, location)
    return sorted(field.alias or name for name, field in model.model_fields.items()) if model is not None else []


def _model_at(model: Any, location: Location) -> type[BaseModel] | None:
    current: Any = model
    for part in location:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else None
        elif isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            current = current.model_fields[part].annotation
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """Strip ``Optional``/``Annotated`` so that the underlying model or list type remains."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            annotation = members[0]
        else:
            return annotation
