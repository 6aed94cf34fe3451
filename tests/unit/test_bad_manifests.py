"""Every hand-written bad manifest under bad_manifests/ gets its own specific message, exit 2, no output.

A case file starts with one or more ``# expect: FILE[:LINE]: text`` lines, then one section per
input file, each introduced by ``# file: PATH``. Line numbers count from the line after the marker.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.repository import write

CASES = sorted((Path(__file__).parent / "bad_manifests").glob("*.case"))


def _parse(case: Path) -> tuple[list[str], dict[str, str]]:
    expectations: list[str] = []
    files: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in case.read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("# file: "):
            current = files.setdefault(line[len("# file: ") :].strip(), [])
        elif current is not None:
            current.append(line)
        elif line.startswith("# expect: "):
            expectations.append(line[len("# expect: ") :].rstrip("\n"))
    return expectations, {path: "".join(lines) for path, lines in files.items()}


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_bad_manifest_is_refused_with_its_message(case: Path, empty_repo: Path, mlenv):
    expectations, files = _parse(case)
    assert expectations and files, f"{case.name} needs '# expect:' and '# file:' lines"
    for path, text in files.items():
        write(empty_repo, path, text)
    before = sorted(p.relative_to(empty_repo) for p in empty_repo.rglob("*"))
    result = mlenv("--repository", empty_repo, "render")
    assert result.code == 2, result.out + result.err
    assert "Traceback" not in result.err
    for expected in expectations:
        assert expected in result.err, f"expected {expected!r} in:\n{result.err}"
    assert result.err.rstrip().endswith("nothing was written.")
    assert sorted(p.relative_to(empty_repo) for p in empty_repo.rglob("*")) == before
