"""``mlenv access --history`` and ``mlenv evidence`` on a scripted repository history.

The history, on branch main:

1. ``onboard`` (made on main): workspace.yaml, acc.yaml, prod.yaml.
2. ``add uplift`` on branch add-model, merged as GitHub does ("Merge pull request #7"): a production model.
3. ``risk readers`` (made on main): a reader group granted on churn_prod.
4. ``broken`` (made on main): prod.yaml invalid; 5. ``fixed``: valid again, with a second runner.
6. ``rename groups`` on branch rename, merged as GitLab does ("See merge request platform/ml!12"):
   group_name_pattern apps_{env} -> team_{env}.
7. ``retire acc`` (made on main): acc.yaml removed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Any

import pytest

from tests.support.history_script import PROD as SHORT_PROD
from tests.support.history_script import RUNNER, SETTINGS, new_repository
from tests.support.repository import commit_dated, git, merge_dated, run_module, write

SECOND_RUNNER = "c28e5f3c-9d2a-4e7b-a6c1-3d0f4e5a6b04"
ACC_RUNNER = "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01"
PROD = SHORT_PROD.replace("  - churn\n", "  - name: churn\n    readers: []\n")
ACC = f"""production: false
service_principals:
  - application_id: {ACC_RUNNER}
    display_name: ml-acc-runner
models:
  - churn
"""


@pytest.fixture(scope="module")
def scripted(tmp_path_factory) -> dict[str, Any]:
    """The repository and the id of each commit of the script."""
    root = new_repository(tmp_path_factory.mktemp("history") / "repository")
    commits: dict[str, str] = {"root": root}  # type: ignore[dict-item]
    write(root, "environments/workspace.yaml", SETTINGS.format(pattern="apps_{env}"))
    write(root, "environments/acc.yaml", ACC)
    write(root, "environments/prod.yaml", PROD)
    commits["onboard"] = commit_dated(root, "onboard acc and prod", "2026-01-05T10:00:00+00:00")

    git(root, "checkout", "-q", "-b", "add-model")
    write(root, "environments/prod.yaml", PROD + "  - uplift\n")
    git(root, "config", "user.name", "Dana Scientist")
    commits["add uplift"] = commit_dated(root, "add uplift", "2026-02-02T09:00:00+00:00")
    git(root, "config", "user.name", "Platform Team")
    git(root, "checkout", "-q", "main")
    commits["merge #7"] = merge_dated(
        root, "add-model", "Merge pull request #7 from team/add-model\n\nadd uplift", "2026-02-03T12:00:00+00:00"
    )

    write(root, "environments/prod.yaml", PROD.replace("readers: []", "readers: [risk-analysts]") + "  - uplift\n")
    commits["risk readers"] = commit_dated(root, "risk readers", "2026-03-01T08:00:00+00:00")
    write(root, "environments/prod.yaml", "production: maybe\n")
    commits["broken"] = commit_dated(root, "broken", "2026-03-02T08:00:00+00:00")
    fixed = PROD.replace("readers: []", "readers: [risk-analysts]") + "  - uplift\n"
    fixed = fixed.replace(
        "models:", f"  - application_id: {SECOND_RUNNER}\n    display_name: ml-prod-runner-2\nmodels:"
    )
    write(root, "environments/prod.yaml", fixed)
    commits["fixed"] = commit_dated(root, "fixed", "2026-03-03T08:00:00+00:00")

    git(root, "checkout", "-q", "-b", "rename")
    write(root, "environments/workspace.yaml", SETTINGS.format(pattern="team_{env}"))
    commits["rename groups"] = commit_dated(root, "rename groups", "2026-04-01T09:00:00+00:00")
    git(root, "checkout", "-q", "main")
    commits["merge !12"] = merge_dated(
        root,
        "rename",
        "Merge branch 'rename' into 'main'\n\nrename groups\n\nSee merge request platform/ml!12",
        "2026-04-02T12:00:00+00:00",
    )
    (root / "environments/acc.yaml").unlink()
    commits["retire acc"] = commit_dated(root, "retire acc", "2026-05-01T08:00:00+00:00")
    return commits


def history(scripted: dict[str, Any], *arguments: str) -> list[dict[str, Any]]:
    result = run_module("--repository", scripted["root"], "access", "--history", "--format", "json", *arguments)
    assert result.code == 0, result.err
    return json.loads(result.out)["events"]


def find(
    events: list[dict[str, Any]], change: str, principal: str, level: str, obj: str, via: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The one event of ``change`` of ``principal``'s ``level`` on ``obj`` (through the groups ``via``)."""
    found = [
        event
        for event in events
        if (event["change"], event["principal"], event["permission_level"], event["object"], tuple(event["via"]))
        == (change, principal, level, obj, via)
    ]
    assert len(found) == 1, (change, principal, level, obj, found)
    return found[0]


def test_each_access_has_its_first_and_last_commit_cause_and_review(scripted):
    events = history(scripted)
    c = scripted

    # onboarding, made on main: direct, the manifest line that declares the runner
    joined = find(events, "granted", RUNNER, "MEMBER", "apps_prod")
    assert joined["commit"] == c["onboard"] and joined["reviewed"] is False and joined["merged_in"] == ""
    assert joined["cause"] == {
        "file": "environments/prod.yaml",
        "line": 3,
        "text": f"`- application_id: {RUNNER}` (file added)",
    }
    assert joined["production"] is True and joined["author"] == "Platform Team <platform@example.com>"
    # ... and its end: the groups were renamed in a reviewed merge request
    left = find(events, "revoked", RUNNER, "MEMBER", "apps_prod")
    assert left["commit"] == c["rename groups"] and left["merged_in"] == c["merge !12"]
    assert left["pull_request"] == "12" and left["reviewed"] is True
    assert left["cause"]["file"] == "environments/workspace.yaml" and left["cause"]["line"] == 2
    assert "group_name_pattern: apps_{env} → team_{env}" in left["cause"]["text"]
    renamed = find(events, "granted", RUNNER, "MEMBER", "team_prod")
    assert renamed["commit"] == c["rename groups"] and renamed["reviewed"] is True

    # a model added on a branch, merged through pull request 7: the branch commit, its author, the merge
    uplift = find(events, "granted", "apps_prod", "CAN_MANAGE_PRODUCTION_VERSIONS", "uplift_prod")
    assert uplift["commit"] == c["add uplift"] and uplift["author"].startswith("Dana Scientist")
    assert uplift["merged_in"] == c["merge #7"] and uplift["pull_request"] == "7" and uplift["reviewed"] is True
    assert uplift["cause"] == {"file": "environments/prod.yaml", "line": 8, "text": "`- uplift`"}
    through = find(events, "granted", RUNNER, "CAN_MANAGE_PRODUCTION_VERSIONS", "uplift_prod", ("apps_prod",))
    assert through["commit"] == c["add uplift"] and through["cause"]["line"] == 8

    # a reader group granted by a commit made on main: not reviewed, caused by the readers line
    reader = find(events, "granted", "risk-analysts", "CAN_READ", "churn_prod")
    assert reader["commit"] == c["risk readers"] and reader["reviewed"] is False
    assert reader["cause"] == {"file": "environments/prod.yaml", "line": 7, "text": "`readers: [risk-analysts]`"}

    # an unreadable commit: its change shows at the next readable one
    second = find(events, "granted", SECOND_RUNNER, "MEMBER", "apps_prod")
    assert second["commit"] == c["fixed"]

    # an environment removed: its access goes with the file
    gone = find(events, "revoked", ACC_RUNNER, "MEMBER", "team_acc")
    assert gone["commit"] == c["retire acc"] and gone["reviewed"] is False
    assert gone["cause"]["file"] == "environments/acc.yaml"
    assert not [event for event in events if event["principal"] == ACC_RUNNER and event["commit"] == c["broken"]]


def test_the_unreadable_commit_is_named_and_the_formats_agree(scripted):
    result = run_module("--repository", scripted["root"], "access", "--history", "--format", "json")
    document = json.loads(result.out)
    assert [item["commit"] for item in document["unreadable"]] == [scripted["broken"]]
    assert "environments/prod.yaml" in document["unreadable"][0]["problem"]
    rows = list(csv.DictReader(io.StringIO(history_text(scripted, "csv"))))
    assert len(rows) == len(document["events"])
    assert {row["reviewed"] for row in rows if row["pull_request"] == "7"} == {"yes"}
    markdown = history_text(scripted, "markdown")
    unreviewed = markdown.split("## Production access changed without review")[1].split("## Every change")[0]
    assert "risk-analysts" in unreviewed and scripted["fixed"][:7] in unreviewed
    assert scripted["add uplift"][:7] not in unreviewed and scripted["rename groups"][:7] not in unreviewed
    table = history_text(scripted, "table")
    assert "PR #7 (merge" in table and "direct" in table


def history_text(scripted: dict[str, Any], form: str, *arguments: str) -> str:
    result = run_module("--repository", scripted["root"], "access", "--history", "--format", form, *arguments)
    assert result.code == 0, result.err
    return result.out


def test_filters_and_periods(scripted):
    c = scripted
    mine = history(scripted, "--principal", "ml-prod-runner")
    assert mine and {event["principal"] for event in mine} == {RUNNER}
    april = history(scripted, "--since", "2026-04-01", "--until", "2026-04-30")
    assert april and {event["merged_in"] for event in april} == {c["merge !12"]}
    after_fix = history(scripted, "--since", c["fixed"], "--production")
    assert {event["commit"] for event in after_fix} == {c["rename groups"]}
    reader = history(scripted, "--object", "churn_prod", "--env", "prod")
    assert {event["object"] for event in reader} == {"churn_prod"}
    bad = run_module("--repository", scripted["root"], "access", "--history", "--since", "no-such-rev")
    assert bad.code == 2 and "--since" in bad.err and "Traceback" not in bad.err
    without = run_module("--repository", scripted["root"], "access", "--since", "2026-01-01")
    assert without.code == 2 and "--history" in without.err


def test_a_rerun_reads_the_cache_and_says_so(scripted):
    first = run_module("--repository", scripted["root"], "access", "--history", "--format", "json")
    again = run_module("--repository", scripted["root"], "access", "--history", "--format", "json")
    assert again.out == first.out
    assert "0 computed now" in again.err


def test_a_shallow_clone_is_explained_not_reported_as_no_history(scripted, tmp_path):
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{scripted['root']}", str(shallow))
    refused = run_module("--repository", shallow, "access", "--history")
    assert refused.code == 3, refused.out + refused.err
    assert "shallow" in refused.err and "git fetch --unshallow" in refused.err and "fetch-depth: 0" in refused.err
    assert refused.out == ""
    recent = run_module("--repository", shallow, "access", "--history", "--since", "2026-04-15")
    assert recent.code == 0, recent.err


def test_the_evidence_bundle_is_complete_checked_and_byte_identical(scripted, tmp_path):
    audit = write(tmp_path, "audit.json", '{"clean": true, "findings": []}\n')
    runs = []
    for name in ("first", "second"):
        out = tmp_path / name
        result = run_module(
            "--repository", scripted["root"], "evidence", "--since", "2026-03-01", "--audit", audit, "--out", out
        )
        assert result.code == 0, result.err
        runs.append({path.relative_to(out).as_posix(): path.read_bytes() for path in out.rglob("*") if path.is_file()})
    assert runs[0] == runs[1]
    files = runs[0]
    assert {"INDEX.md", "SHA256SUMS", "access-history.md", "access-history.csv", "access-history.json"} <= set(files)
    assert "production-access.csv" in files and files["audit.json"] == audit.read_bytes()
    assert any(path.startswith("permissions/") for path in files)
    listed = dict(reversed(line.split("  ", 1)) for line in files["SHA256SUMS"].decode().splitlines())
    assert set(listed) == set(files) - {"SHA256SUMS"}
    assert all(hashlib.sha256(files[path]).hexdigest() == digest for path, digest in listed.items())
    rows = list(csv.DictReader(io.StringIO(files["production-access.csv"].decode())))
    runner = [row for row in rows if row["principal"] == RUNNER and row["object"] == "uplift_prod"]
    assert runner and runner[0]["granted_in"] == scripted["rename groups"] and runner[0]["decision"] == ""
    assert {row["environment"] for row in rows} == {"prod"}
    period = json.loads(files["access-history.json"])
    assert {event["merged_on"][:10] >= "2026-03-01" for event in period["events"]} == {True}


def test_evidence_refuses_bad_input_and_writes_nothing(scripted, tmp_path):
    taken = tmp_path / "taken"
    write(taken, "notes.txt", "keep me")
    refused = run_module("--repository", scripted["root"], "evidence", "--since", "2026-01-01", "--out", taken)
    assert refused.code == 2 and "--out" in refused.err
    assert [path.name for path in taken.iterdir()] == ["notes.txt"]
    broken = write(tmp_path, "audit.json", "{not json\n")
    out = tmp_path / "bundle"
    bad = run_module(
        "--repository", scripted["root"], "evidence", "--since", "2026-01-01", "--audit", broken, "--out", out
    )
    assert bad.code == 2 and str(broken) in bad.err and ":1" in bad.err and "Traceback" not in bad.err
    assert not out.exists() and not list(tmp_path.glob(".bundle.*"))


def test_a_directory_without_git_history_is_invalid_input_naming_it(tmp_path):
    write(tmp_path, "environments/workspace.yaml", SETTINGS.format(pattern="apps_{env}"))
    result = run_module("--repository", tmp_path, "access", "--history")
    assert result.code == 2 and f"{tmp_path}: is not a git repository" in result.err, result.err
    assert result.out == ""
