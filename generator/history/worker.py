"""The access of a checkout, computed by the mlenv this module belongs to, for another mlenv's history.

When a repository carries mlenv's own code, a commit's permission model is computed with the rules of that commit:
the history exports the commit's ``generator/`` package and runs this module from it
(``python -m generator.history.worker``). It reads one JSON request a line on standard input,
``{"checkout": "<directory>"}``, and answers each with one JSON line: ``{"items": [{"item": ..., "sources":
[...]}]}``, ``{"problems": [{"file": ..., "line": ..., "message": ...}]}`` when the manifests are refused, or
``{"error": "..."}`` when it fails otherwise; each answer names the package that computed it (``"code"``), so that
the history can tell it ran the commit's code. It only reads the checkout.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from generator.errors import InvalidInput
from generator.history.items import AccessItem, Sources, access_items
from generator.model.checked import load_and_check

#: Why manifests are refused: the file, line (None when unknown) and message of each problem.
Refusal = list[tuple[str, int | None, str]]


def access_of(checkout: Path) -> tuple[dict[AccessItem, Sources], Refusal]:
    """The access of the manifests in ``checkout`` with the manifest lines it comes from, or no access and why the
    manifests are refused."""
    try:
        checked = load_and_check(checkout)
    except InvalidInput as error:
        return {}, [(found.file, found.line, found.message) for found in error.problems]
    return access_items(checked.model), []


def answer(checkout: Path) -> dict[str, Any]:
    """:func:`access_of` ``checkout`` as JSON."""
    items, refusal = access_of(checkout)
    if refusal:
        return {"problems": [{"file": file, "line": line, "message": message} for file, line, message in refusal]}
    return {"items": [{"item": item.as_dict(), "sources": list(sources)} for item, sources in items.items()]}


def main() -> None:
    """Answer requests until standard input closes."""
    for line in sys.stdin:
        try:
            reply = answer(Path(json.loads(line)["checkout"]))
        except Exception as error:  # any failure is an answer: the history falls back and says so
            reply = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps({**reply, "code": str(Path(__file__).resolve().parents[1])}), flush=True)


if __name__ == "__main__":
    main()
