"""``mlenv access --history`` in Unity Catalog mode: ownership, privileges inherited from a catalog or schema, and a
nested setting's change, on a scripted repository history.

The history, on branch main:

1. ``onboard`` (made on main): workspace.yaml (Unity Catalog), prod.yaml with the model churn.
2. ``fraud with auditors`` (made on main): a model whose reader group is ``auditors``.
3. ``rename catalogs`` on branch rename, merged as GitHub does ("Merge pull request #4"):
   ``unity_catalog.catalog_name_pattern`` ml_{env} -> models_{env}.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.history_script import PROD, RUNNER, TERRAFORM_IDENTITY, new_repository
from tests.support.repository import commit_dated, git, merge_dated, run_module, write

SETTINGS = f"""experiment_root: /experiments
group_name_pattern: apps_{{env}}
all_principals_group: apps_all
databricks_host: https://adb-1234567890123456.7.azuredatabricks.net
registry: unity_catalog
unity_catalog:
  catalog_name_pattern: {{pattern}}
  schema: models
  manage_catalogs: true
  archive_owner: platform-archive
identities: account
workspace_id: 1234567890123456
terraform_identity:
  application_id: {TERRAFORM_IDENTITY}
"""


@pytest.fixture(scope="module")
def scripted(tmp_path_factory) -> dict[str, Any]:
    """The repository of the script and the id of each commit."""
    root = new_repository(tmp_path_factory.mktemp("uc-history") / "repository")
    commits: dict[str, Any] = {"root": root}
    write(root, "environments/workspace.yaml", SETTINGS.replace("{pattern}", "ml_{env}"))
    write(root, "environments/prod.yaml", PROD)
    commits["onboard"] = commit_dated(root, "onboard prod", "2026-01-05T10:00:00+00:00")
    write(root, "environments/prod.yaml", PROD + "  - name: fraud\n    readers: [auditors]\n")
    commits["fraud"] = commit_dated(root, "fraud with auditors", "2026-02-01T10:00:00+00:00")
    git(root, "checkout", "-q", "-b", "rename")
    write(root, "environments/workspace.yaml", SETTINGS.replace("{pattern}", "models_{env}"))
    commits["rename catalogs"] = commit_dated(root, "rename catalogs", "2026-03-01T09:00:00+00:00")
    git(root, "checkout", "-q", "main")
    commits["merge #4"] = merge_dated(
        root, "rename", "Merge pull request #4 from platform/rename", "2026-03-02T12:00:00+00:00"
    )
    return commits


def _events(root: Path) -> list[dict[str, Any]]:
    result = run_module("--repository", root, "access", "--history", "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)["events"]


def _one(events: list[dict[str, Any]], **wanted: Any) -> dict[str, Any]:
    found = [event for event in events if all(event[key] == value for key, value in wanted.items())]
    assert len(found) == 1, (wanted, found)
    return found[0]


def test_ownership_inherited_privileges_and_readers_have_their_commits_and_causes(scripted):
    events = _events(scripted["root"])
    c = scripted
    # the environment group owns its model; the runner holds that ownership through the group
    owner = _one(
        events, change="granted", principal="apps_prod", permission_level="OWNER", object="ml_prod.models.churn"
    )
    assert owner["commit"] == c["onboard"] and owner["reviewed"] is False
    assert owner["cause"]["file"] == "environments/prod.yaml" and owner["cause"]["line"] == 6
    through = _one(events, change="granted", principal=RUNNER, object="ml_prod.models.churn", via=["apps_prod"])
    assert through["permission_level"] == "OWNER" and through["commit"] == c["onboard"]
    # what the Terraform identity holds on the model, inherited from its ownership of the catalog and the schema
    inherited = {
        event["inherited_from"]
        for event in events
        if event["principal"] == TERRAFORM_IDENTITY
        and event["object"] == "ml_prod.models.churn"
        and event["change"] == "granted"
    }
    assert inherited == {"ml_prod", "ml_prod.models"}
    # a reader group on a production model: EXECUTE and the USE_* it needs, caused by the readers line
    reads = {
        (event["permission_level"], event["object"])
        for event in events
        if event["principal"] == "auditors" and event["change"] == "granted" and event["commit"] == c["fraud"]
    }
    assert reads == {("USE_CATALOG", "ml_prod"), ("USE_SCHEMA", "ml_prod.models"), ("EXECUTE", "ml_prod.models.fraud")}
    for level, obj in reads:
        event = _one(events, change="granted", principal="auditors", permission_level=level, object=obj)
        assert event["cause"] == {"file": "environments/prod.yaml", "line": 8, "text": "`readers: [auditors]`"}


def test_a_nested_settings_change_is_named_by_its_dotted_key_at_its_line(scripted):
    events = _events(scripted["root"])
    c = scripted
    renamed = [event for event in events if event["commit"] == c["rename catalogs"]]
    assert renamed and {event["merged_in"] for event in renamed} == {c["merge #4"]}
    for event in renamed:
        assert event["cause"] == {
            "file": "environments/workspace.yaml",
            "line": 7,
            "text": "setting unity_catalog.catalog_name_pattern: ml_{env} → models_{env}",
        }
    gone = _one(events, change="revoked", principal=RUNNER, object="ml_prod.models.fraud", via=["apps_prod"])
    moved = _one(events, change="granted", principal=RUNNER, object="models_prod.models.fraud", via=["apps_prod"])
    assert gone["commit"] == moved["commit"] == c["rename catalogs"] and gone["pull_request"] == "4"
    assert not [
        event
        for event in events
        if event["object"].startswith("ml_prod")
        and event["change"] == "granted"
        and event["commit"] == c["rename catalogs"]
    ], "nothing granted on the old catalog by the rename"
