"""``mlenv access --history`` on a repository that carries mlenv's own code: each commit computed with its rules.

The history, on branch main:

1. ``onboard`` (made on main): prod.yaml, with an mlenv whose rules give the environment group ``CAN_EDIT`` on its
   experiment directory (this mlenv gives ``CAN_MANAGE``).
2. ``upgrade mlenv`` on branch upgrade, merged as GitHub does ("Merge pull request #21"): this mlenv's code.
3. ``add uplift`` (made on main): a model, with this mlenv's rules.

A second repository's first commit carries an mlenv too old to compute for a later one: computed with this mlenv's
rules, and the history says so.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import generator
from tests.support.history_script import PROD, RUNNER, SETTINGS, new_repository
from tests.support.repository import commit_dated, git, merge_dated, run_module, write

#: The rule the older mlenv of the script has: the environment group's level on its experiment directory.
RULE_FILE = "generator/model/permission_model.py"
THIS_RULE = 'GROUP, group, "CAN_MANAGE", source=at()'
OLDER_RULE = 'GROUP, group, "CAN_EDIT", source=at()'


def _mlenv_code(root: Path, older: bool, worker: bool = True) -> None:
    """This mlenv's ``generator/`` in ``root`` (its older rule with ``older``; without the history worker, as an
    mlenv from before it, unless ``worker``)."""
    shutil.rmtree(root / "generator", ignore_errors=True)
    shutil.copytree(Path(generator.__file__).parent, root / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    rule = root / RULE_FILE
    text = rule.read_text(encoding="utf-8")
    assert THIS_RULE in text, f"the script's rule change no longer applies to {RULE_FILE}"
    rule.write_text(text.replace(THIS_RULE, OLDER_RULE) if older else text, encoding="utf-8")
    if not worker:
        (root / "generator/history/worker.py").unlink()


def _repository(root: Path) -> None:
    new_repository(root)
    write(root, "environments/workspace.yaml", SETTINGS.format(pattern="apps_{env}"))
    write(root, "environments/prod.yaml", PROD)


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory) -> dict[str, Any]:
    """The repository of the script and the id of each commit."""
    root = tmp_path_factory.mktemp("rules") / "repository"
    _repository(root)
    commits: dict[str, Any] = {"root": root}
    _mlenv_code(root, older=True)
    commits["onboard"] = commit_dated(root, "onboard prod", "2026-01-05T10:00:00+00:00")
    git(root, "checkout", "-q", "-b", "upgrade")
    _mlenv_code(root, older=False)
    commits["upgrade mlenv"] = commit_dated(root, "upgrade mlenv", "2026-02-02T09:00:00+00:00")
    git(root, "checkout", "-q", "main")
    commits["merge #21"] = merge_dated(
        root, "upgrade", "Merge pull request #21 from platform/upgrade", "2026-02-03T12:00:00+00:00"
    )
    write(root, "environments/prod.yaml", PROD + "  - uplift\n")
    commits["add uplift"] = commit_dated(root, "add uplift", "2026-03-01T08:00:00+00:00")
    return commits


def _history(root: Path) -> dict[str, Any]:
    result = run_module("--repository", root, "access", "--history", "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def _directory_events(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(change, level, commit) of the environment group's own access to its experiment directory."""
    return [
        (event["change"], event["permission_level"], event["commit"])
        for event in document["events"]
        if event["principal"] == "apps_prod" and event["object_type"] == "directory" and not event["via"]
    ]


def test_each_commit_is_computed_with_its_own_mlenvs_rules(upgraded):
    document = _history(upgraded["root"])
    c = upgraded
    assert _directory_events(document) == [
        ("granted", "CAN_EDIT", c["onboard"]),  # only the older mlenv, run from the commit, gives CAN_EDIT
        ("granted", "CAN_MANAGE", c["upgrade mlenv"]),
        ("revoked", "CAN_EDIT", c["upgrade mlenv"]),
    ]
    upgrade = [event for event in document["events"] if event["commit"] == c["upgrade mlenv"]]
    for event in upgrade:
        assert event["cause"]["file"] == RULE_FILE and event["cause"]["line"] is None
        assert "mlenv's rules changed" in event["cause"]["text"] and RULE_FILE in event["cause"]["text"]
        assert event["reviewed"] is True and event["pull_request"] == "21" and event["merged_in"] == c["merge #21"]
    through = {(e["change"], e["permission_level"]) for e in upgrade if e["principal"] == RUNNER}
    assert through == {("granted", "CAN_MANAGE"), ("revoked", "CAN_EDIT")}, "the runner's access through the group"
    # a manifest change after the upgrade: its line, as ever; nothing else changed
    uplift = [event for event in document["events"] if event["commit"] == c["add uplift"]]
    assert uplift and all(event["cause"]["file"] == "environments/prod.yaml" for event in uplift)
    assert document["computed_with_other_rules"] == [] and document["unreadable"] == []


def test_the_markdown_names_the_rule_change_and_the_cache_keeps_it(upgraded):
    first = run_module("--repository", upgraded["root"], "access", "--history", "--format", "markdown")
    again = run_module("--repository", upgraded["root"], "access", "--history", "--format", "markdown")
    assert first.code == again.code == 0, first.err + again.err
    assert again.out == first.out and "0 computed now" in again.err
    assert f"{RULE_FILE} mlenv's rules changed" in first.out and "PR #21" in first.out


def test_a_commit_whose_mlenv_cannot_compute_for_this_one_is_computed_with_these_rules_and_named(tmp_path):
    root = tmp_path / "repository"
    _repository(root)
    _mlenv_code(root, older=True, worker=False)
    old = commit_dated(root, "onboard prod", "2026-01-05T10:00:00+00:00")
    _mlenv_code(root, older=False)
    commit_dated(root, "upgrade mlenv", "2026-02-02T09:00:00+00:00")
    document = _history(root)
    (noted,) = document["computed_with_other_rules"]
    assert noted["commit"] == old and "generator/history/worker.py" in noted["reason"]
    assert "this mlenv's rules" in noted["reason"]
    assert _directory_events(document) == [("granted", "CAN_MANAGE", old)], "these rules, and no change at upgrade"
    table = run_module("--repository", root, "access", "--history")
    assert table.code == 0 and f"other rules {old[:7]}" in table.out, table.out + table.err


def test_a_commit_whose_mlenv_fails_is_computed_with_these_rules_and_named(tmp_path):
    root = tmp_path / "repository"
    _repository(root)
    _mlenv_code(root, older=True)
    rules = root / RULE_FILE
    rules.write_text(rules.read_text(encoding="utf-8") + "\nraise RuntimeError('broken rules')\n", encoding="utf-8")
    broken = commit_dated(root, "onboard prod", "2026-01-05T10:00:00+00:00")
    document = _history(root)
    (noted,) = document["computed_with_other_rules"]
    assert noted["commit"] == broken and noted["reason"].startswith("its mlenv failed")
    assert _directory_events(document) == [("granted", "CAN_MANAGE", broken)]
