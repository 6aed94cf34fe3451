"""Retiring an environment on the real provider against the stand-in, in the layouts and registries the Workspace
Model Registry test in test_deploy.py does not cover: one root per environment (the retired environment's root is
planned as a retirement, never skipped) and Unity Catalog (ownership moves to the archive owner before the group
goes). No flag is given: every access goes, the data stays; only ``delete: true`` and ``--allow-destroy`` delete it.
"""

from __future__ import annotations

import json

import pytest

from tests.integration.test_state_layout import _deploy_from_scratch, _ok, _per_environment
from tests.support.repository import name_stand_in_deployer_as_terraform_identity, run_module
from tests.support.stand_in import FAKE_DEPLOYER, FakeDatabricks, FakeWorkspace
from tests.support.stand_in_unity_catalog import ACCOUNT_ID
from tests.support.stand_in_unity_catalog_seed import unity_catalog_repo

pytestmark = pytest.mark.terraform

ARCHIVE_OWNER = "platform-archive"


def _retire(root, mlenv, name):
    """Remove ``name``'s manifest, render, plan and apply with no flag; the plan's and apply's output."""
    (root / f"environments/{name}.yaml").unlink()
    render = mlenv("--repository", root, "render")
    assert render.code == 0 and f"environment {name} is retired" in render.err, render.err
    return _ok(run_module("--repository", root, "plan")), _ok(run_module("--repository", root, "apply"))


def _delete_archive(root, mlenv, name, *roots):
    """Ask for the archive's deletion in its record; the refused apply and the one with --allow-destroy (planned
    for ``roots`` alone when given, as a team's pipeline plans the roots a change touches)."""
    record = root / f"environments/archived/{name}.yaml"
    record.write_text(record.read_text().replace("delete: false", "delete: true"))
    assert mlenv("--repository", root, "render").code == 0
    _ok(run_module("--repository", root, "plan", *(option for each in roots for option in ("--env", each))))
    return run_module("--repository", root, "apply"), run_module("--repository", root, "apply", "--allow-destroy")


def test_a_retired_environments_own_root_is_planned_as_its_retirement(repo, mlenv, point_at_stand_in):
    (repo / "environments/acc.yaml").unlink()  # two environments are enough (and half the deployment)
    name_stand_in_deployer_as_terraform_identity(_per_environment(repo))
    assert mlenv("--repository", repo, "render").code == 0
    workspace = FakeWorkspace()
    with FakeDatabricks(workspace) as server:
        point_at_stand_in(server)
        _deploy_from_scratch(repo, environments=("preprod", "prod"))
        listed = run_module("--repository", repo, "roots")
        plan, apply = _retire(repo, mlenv, "preprod")
        roots = run_module("--repository", repo, "roots")
        audit = mlenv("--repository", repo, "audit", "--format", "json")
        replan = _ok(run_module("--repository", repo, "plan"))
        kept = {name: workspace.models.get(name) for name in ("churn_preprod", "fraud_preprod")}
        refused, deleted = _delete_archive(repo, mlenv, "preprod", "preprod")
    assert "preprod" in listed.out.split() and "preprod" in roots.out.split(), "the retired root is still a root"
    assert "preprod: saved plan .mlenv/roots/preprod/tfplan" in plan.out and "0 deletes or replaces" in plan.out
    assert "apps_preprod" not in workspace.groups, apply.out
    assert all(member["display"] != "apps_preprod" for member in workspace.groups["apps_all"]["members"])
    for name, model in kept.items():
        assert model is not None, f"{name} was kept"
        holders = {entry.get("group_name") or entry.get("user_name") for entry in model["acl"]}
        assert holders <= {"admins", FAKE_DEPLOYER}, (name, holders)
    assert audit.code == 0 and json.loads(audit.out)["summary"] == "clean", audit.out[-2000:]
    assert replan.out.count(": 0 changes, 0 deletes or replaces") == 3, replan.out[-2000:]
    assert refused.code == 4 and "--allow-destroy" in refused.err
    assert deleted.code == 0, deleted.out[-2000:] + deleted.err
    assert "churn_preprod" not in workspace.models and "/experiments/preprod" not in workspace.directories


def test_unity_catalog_retirement_gives_the_data_to_the_archive_owner(repo, mlenv, point_at_stand_in, monkeypatch):
    workspace = FakeWorkspace()
    with FakeDatabricks(workspace) as server:
        root = unity_catalog_repo(repo, "account", server.host)
        settings = root / "environments/workspace.yaml"
        settings.write_text(settings.read_text() + f"  archive_owner: {ARCHIVE_OWNER}\n")
        name_stand_in_deployer_as_terraform_identity(root)
        assert mlenv("--repository", root, "render").code == 0
        point_at_stand_in(server)
        monkeypatch.setenv("DATABRICKS_ACCOUNT_ID", ACCOUNT_ID)
        workspace.uc.account_group(ARCHIVE_OWNER)
        # Terraform must still read what it gives away: its identity is a metastore admin (or in the owner group).
        workspace.uc.metastore_admins.add(FAKE_DEPLOYER)
        _ok(run_module("--repository", root, "plan"))
        _ok(run_module("--repository", root, "apply"))
        _, apply = _retire(root, mlenv, "acc")
        audit = mlenv("--repository", root, "audit", "--format", "json")
        replan = _ok(run_module("--repository", root, "plan"))
    uc = workspace.uc
    group = next(group for group in uc.account_groups.values() if group["displayName"] == "apps_acc")
    assert not group.get("members"), "no member outlives the manifest (the group stays, empty: it owned the models)"
    assert group["id"] not in uc.assignments, "nor its workspace assignment"
    apps_all = next(group for group in uc.account_groups.values() if group["displayName"] == "apps_all")
    assert group["id"] not in {str(member.get("value")) for member in apps_all.get("members", [])}, apply.out[-2000:]
    for name in ("ml_acc.models.churn", "ml_acc.models.fraud"):
        assert uc.models[name]["owner"] == ARCHIVE_OWNER, uc.models[name]
    assert uc.schemas["ml_acc.models"]["owner"] == ARCHIVE_OWNER and uc.catalogs["ml_acc"]["owner"] == ARCHIVE_OWNER
    granted = {key: holders for key, holders in uc.grants.items() if "ml_acc" in key[1] and holders}
    assert granted == {}, f"no grant outlives the manifest: {granted}"
    assert audit.code == 0, audit.out[-3000:]
    assert "No changes." in replan.out, replan.out[-2000:]


def test_unity_catalog_retirement_in_its_own_root(repo, mlenv, point_at_stand_in, monkeypatch):
    workspace = FakeWorkspace()
    with FakeDatabricks(workspace) as server:
        root = unity_catalog_repo(repo, "account", server.host)
        settings = root / "environments/workspace.yaml"
        settings.write_text(settings.read_text() + f"  archive_owner: {ARCHIVE_OWNER}\n")
        (root / "environments/acc.yaml").unlink()  # two environments are enough (and half the deployment)
        _per_environment(root)
        name_stand_in_deployer_as_terraform_identity(root)
        assert mlenv("--repository", root, "render").code == 0
        point_at_stand_in(server)
        monkeypatch.setenv("DATABRICKS_ACCOUNT_ID", ACCOUNT_ID)
        workspace.uc.account_group(ARCHIVE_OWNER)
        workspace.uc.metastore_admins.add(FAKE_DEPLOYER)
        _deploy_from_scratch(root, environments=("preprod", "prod"))
        plan, _ = _retire(root, mlenv, "preprod")
        audit = mlenv("--repository", root, "audit", "--format", "json")
        replan = _ok(run_module("--repository", root, "plan"))
    uc = workspace.uc
    assert "preprod: saved plan .mlenv/roots/preprod/tfplan" in plan.out, plan.out[-2000:]
    assert all(uc.models[name]["owner"] == ARCHIVE_OWNER for name in uc.models if name.startswith("ml_preprod."))
    assert not {key: holders for key, holders in uc.grants.items() if "ml_preprod" in key[1] and holders}
    group = next(group for group in uc.account_groups.values() if group["displayName"] == "apps_preprod")
    assert not group.get("members") and group["id"] not in uc.assignments
    assert audit.code == 0, audit.out[-3000:]
    assert replan.out.count(": 0 changes, 0 deletes or replaces") == 3, replan.out[-3000:]
