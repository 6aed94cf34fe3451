"""Hostile manifests: refused within seconds with FILE:LINE and exit 2, never a traceback, nothing written.

The explicit cases are the classic shapes (alias bombs, deep nesting, huge files and lists, foreign
tags); the fuzz tests feed arbitrary bytes and mutations of a valid manifest through `mlenv render`.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.manifests.messages import MAX_PROBLEMS_PER_FILE
from generator.manifests.yaml_limits import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES
from tests.support.repository import REPOSITORY

SECONDS = 2.0
VALID = (REPOSITORY / "environments" / "prod.yaml").read_bytes()


def _billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
    return "\n".join(lines) + "\nmodels: *i\n"


HOSTILE = {
    "billion_laughs": (_billion_laughs(), ":1: YAML anchor '&a' is not supported"),
    "alias_only": ("production: false\nmodels: *x\n", ":2: YAML alias '*x' is not supported"),
    "merge_key": ("base: &b {production: true}\n<<: *b\n", ":1: YAML anchor '&b' is not supported"),
    "deep_list": ("models: " + "[" * 5000 + "]" * 5000 + "\n", f":1: nested more than {MAX_DEPTH} levels deep"),
    "deep_mapping": ("".join(f"{'  ' * i}k{i}:\n" for i in range(40)), f"nested more than {MAX_DEPTH} levels deep"),
    "python_tag": ("production: !!python/object/apply:os.system ['true']\n", ":1: unsupported YAML tag"),
    "custom_collection_tag": ("models: !custom [churn]\n", ":1: unsupported YAML tag !custom"),
    "huge_list": ("models:\n" + "- a\n" * (MAX_NODES + 10), f"more than {MAX_NODES:,} values in one manifest"),
    "huge_file": ("description: " + "x" * (MAX_FILE_BYTES + 10) + "\n", f"larger than {MAX_FILE_BYTES:,} bytes"),
    "wide_mapping": ("".join(f"k{i}: {i}\n" for i in range(20_000)), "unknown key 'k0'"),
    "long_line": ("description: " + "é" * 200_000 + "\n", "description is too long"),
    "nul_bytes": ("production: false\n\x00\x00\n", "YAML syntax error"),
    "not_utf8": (None, "file is not UTF-8 text"),
    "too_many_models": ("models:\n" + "".join(f"  - m{i}\n" for i in range(1001)), "models has 1001 entries"),
}


def _render(root: Path) -> tuple[int, str, float]:
    err = io.StringIO()
    started = time.monotonic()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["--repository", str(root), "render"])
    return code, err.getvalue(), time.monotonic() - started


def _assert_refused_cleanly(root: Path, code: int, err: str, seconds: float) -> None:
    assert code == 2, err
    assert "Traceback" not in err and "internal error" not in err, err
    assert err.rstrip().endswith("nothing was written."), err
    assert seconds < SECONDS, f"took {seconds:.2f} s"
    assert sorted(path.name for path in root.iterdir()) == ["environments"], "something was written"


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_manifest_is_refused_quickly_naming_file_and_line(case, tmp_path):
    text, expected = HOSTILE[case]
    (tmp_path / "environments").mkdir()
    manifest = tmp_path / "environments" / "acc.yaml"
    if text is None:
        manifest.write_bytes(b"production: \xff\xfe false\n")
    else:
        manifest.write_text(text, encoding="utf-8")
    code, err, seconds = _render(tmp_path)
    _assert_refused_cleanly(tmp_path, code, err, seconds)
    assert err.startswith("environments/acc.yaml"), err
    assert expected in err, err


def test_a_manifest_of_thousands_of_mistakes_describes_the_first_ones_and_counts_the_rest(tmp_path):
    (tmp_path / "environments").mkdir()
    (tmp_path / "environments" / "acc.yaml").write_text(HOSTILE["wide_mapping"][0], encoding="utf-8")
    code, err, seconds = _render(tmp_path)
    _assert_refused_cleanly(tmp_path, code, err, seconds)
    lines = err.rstrip().splitlines()
    described = [line for line in lines if "unknown key" in line]
    assert len(described) == MAX_PROBLEMS_PER_FILE and described[0].startswith("environments/acc.yaml:1: ")
    counted = f"environments/acc.yaml:{MAX_PROBLEMS_PER_FILE + 1}: and {20_000 - MAX_PROBLEMS_PER_FILE:,} more problems"
    assert lines[-2].startswith(counted), err


DEEP = {
    "flow_list_5000": "models: " + "[" * 5000 + "]" * 5000 + "\n",
    "flow_mapping_2000": "models: " + "{a: " * 2000 + "b" + "}" * 2000 + "\n",
    "flow_list_quoted_brackets": 'models: ["[[[[", ' + "[" * 30 + "]" * 30 + "]\n",
}


@pytest.mark.parametrize("loader", [getattr(yaml, "CSafeLoader", yaml.SafeLoader), yaml.SafeLoader])
@pytest.mark.parametrize("case", sorted(DEEP))
def test_deep_nesting_gets_one_refusal_whichever_layer_finds_it(case, loader, tmp_path, monkeypatch):
    """libyaml may stop a deep input itself (PyYAML 6.0.4 does), the pure-Python parser does not:
    either way the refusal is exit 2 at the file's line, saying it is nested too deep, nothing written."""
    monkeypatch.setattr("generator.manifests.yaml_limits.LOADER", loader)
    monkeypatch.setattr("generator.manifests.yaml_source.LOADER", loader)
    (tmp_path / "environments").mkdir()
    (tmp_path / "environments" / "acc.yaml").write_text(DEEP[case], encoding="utf-8")
    code, err, seconds = _render(tmp_path)
    _assert_refused_cleanly(tmp_path, code, err, seconds)
    assert err.startswith(f"environments/acc.yaml:1: nested more than {MAX_DEPTH} levels deep"), err


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _fuzz(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "environments").mkdir()
        (root / "environments" / "acc.yaml").write_bytes(content)
        code, err, seconds = _render(root)
        assert code in (0, 2), err
        assert "Traceback" not in err and "internal error" not in err, err
        assert seconds < SECONDS, f"took {seconds:.2f} s"
        if code == 2:
            assert sorted(path.name for path in root.iterdir()) == ["environments"], "something was written"


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_exit_0_or_2(content):
    _fuzz(content)


@st.composite
def mutations(draw: st.DrawFn) -> bytes:
    """The valid prod manifest with a few bytes replaced, inserted or deleted, or a YAML token spliced in."""
    content = bytearray(VALID)
    tokens = [
        b"&a ",
        b"*a",
        b"!!python/object ",
        b"[",
        b"]",
        b"{",
        b"}",
        b": ",
        b"- ",
        b"\t",
        b"\n  ",
        b"'",
        b'"',
        b"<<: ",
        b"---\n",
        b"%YAML 1.1\n",
        b"? ",
        b"|\n",
        b">-\n",
        b"\x00",
        b"\xff",
        b"\xef\xbb\xbf",
    ]
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(content)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        token = draw(st.sampled_from(tokens) | st.binary(min_size=1, max_size=3))
        if action == "insert":
            content[position:position] = token
        elif action == "delete":
            del content[position : position + len(token)]
        else:
            content[position : position + len(token)] = token
    return bytes(content)


@FUZZ
@given(mutations())
def test_mutated_valid_manifests_exit_0_or_2(content):
    _fuzz(content)
