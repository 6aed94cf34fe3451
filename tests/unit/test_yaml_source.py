"""The one-pass YAML reader against PyYAML's own composer: the same data, the line of every key and item.

Random documents of mappings, lists and plain values are written in block and flow style; what
``load_yaml`` builds from the event stream must equal ``yaml.safe_load`` of the same text, and every
location's line must be the line of that key or item in PyYAML's node tree.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import InvalidInput
from generator.manifests.yaml_source import Location, load_yaml

KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_-. 0123456789", min_size=1, max_size=12)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.dates()
)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=4),
    max_leaves=25,
)


def _node_lines(node: yaml.Node, location: Location, lines: dict[Location, int]) -> None:
    """The line of every location in PyYAML's node tree (a key's line for a mapping entry)."""
    lines.setdefault(location, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            lines[(*location, key.value)] = key.start_mark.line + 1
            _node_lines(value, (*location, key.value), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _node_lines(item, (*location, index), lines)


def _load(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "doc.yaml"
    path.write_text(text, encoding="utf-8")
    return load_yaml(path, "doc.yaml")


@settings(max_examples=300, deadline=None)
@given(DOCUMENTS, st.sampled_from([False, True, None]))
def test_same_data_and_lines_as_pyyaml(tmp_path_factory, data, flow):
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, sort_keys=False)
    document = _load(tmp_path_factory.mktemp("yaml"), text)
    assert document.data == yaml.safe_load(text)
    expected: dict[Location, int] = {}
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if node is not None:
        _node_lines(node, (), expected)
    assert document.lines == expected


@pytest.mark.parametrize(
    ("text", "data"),
    [
        ("a: yes\nb: No\nc: true\n", {"a": "yes", "b": "No", "c": True}),  # YAML 1.1 booleans stay text
        ("a: 2024-01-02\n", {"a": datetime.date(2024, 1, 2)}),
        ("a: !!str 5\nb: !!int '5'\n", {"a": "5", "b": 5}),
        ("", None),
        ("# only a comment\n", None),
        ("- [1, {a: b}]\n- ~\n", [[1, {"a": "b"}], None]),
    ],
)
def test_plain_values(tmp_path, text, data):
    assert _load(tmp_path, text).data == data


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("a: 1\nb: 2\na: {x: [1, 2]}\n", 3, "duplicate key 'a' (first on line 1)"),
        ("a: 1\n? [x, y]\n: 2\n", 2, "keys must be plain text"),
        ("a: 1\nyes: 2\n", 2, "keys must be plain text"),
        ("a: 1\n<<: 2\n", 2, "keys must be plain text"),
        ("a: 1\nb: <<\n", 2, "unsupported YAML tag tag:yaml.org,2002:merge"),
        ("a: 1\n---\nb: 2\n", 2, "a second document"),
    ],
)
def test_refusals_name_their_line(tmp_path, text, line, fragment):
    with pytest.raises(InvalidInput) as raised:
        _load(tmp_path, text)
    problem = raised.value.problems[0]
    assert (problem.line, fragment in problem.message) == (line, True), problem


def test_problems_inside_a_dropped_value_are_not_reported(tmp_path):
    """A duplicate key's value is dropped whole, as before: only the duplicate is reported."""
    with pytest.raises(InvalidInput) as raised:
        _load(tmp_path, "a: 1\na:\n  b: <<\n  1: x\n")
    assert [(p.line, p.message.split(" (")[0]) for p in raised.value.problems] == [(2, "duplicate key 'a'")]
