"""``state: per_environment``: a shared root at the top and one root, state and lock per environment.

Real Terraform with the real provider against the stand-in, both registries: the first plan plans the shared
root alone (it creates the all-principals group the environments' roots look up by name), then every root is
planned and applied, each into its own state, and a second plan changes nothing. A change to one environment
plans and applies only that environment's root (``--changed-since``, ``mlenv roots --format json``, ``--env``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.model.checked import load_and_check
from tests.support.repository import (
    CliResult,
    commit_everything,
    name_stand_in_deployer_as_terraform_identity,
    run_module,
)
from tests.support.stand_in import FakeDatabricks, FakeWorkspace
from tests.support.stand_in_unity_catalog import ACCOUNT_ID
from tests.support.stand_in_unity_catalog_seed import unity_catalog_repo

pytestmark = pytest.mark.terraform

ENVIRONMENT_ROOTS = ["acc", "preprod", "prod"]


def _per_environment(root: Path) -> Path:
    settings = root / "environments/workspace.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "state: per_environment\n", encoding="utf-8")
    return root


def _ok(result: CliResult) -> CliResult:
    assert result.code == 0, result.out[-3000:] + result.err
    return result


def _saved_plans(root: Path) -> set[str]:
    return {path.parent.relative_to(root).as_posix() for path in root.glob(".mlenv/**/tfplan")}


def _deploy_from_scratch(
    root: Path, local_state: bool = True, environments: tuple[str, ...] = tuple(ENVIRONMENT_ROOTS)
) -> None:
    """Plan (the shared root alone), apply, plan every root, apply; every root then has its own state (a local
    ``terraform.tfstate`` in its directory when ``local_state``)."""
    first = _ok(run_module("--repository", root, "plan"))
    assert "the shared root creates apps_all" in first.out
    assert _saved_plans(root) == {".mlenv"}, "only the shared root is planned while apps_all does not exist"
    _ok(run_module("--repository", root, "apply"))
    second = _ok(run_module("--repository", root, "plan", "--jobs", "2"))
    count = len(environments) + 1
    assert f"{count} of {count} roots planned, 2 at a time: workspace, {', '.join(environments)}" in second.out
    assert _saved_plans(root) == {".mlenv", *(f".mlenv/roots/{name}" for name in environments)}
    assert f"{environments[0]}: Plan:" in second.out, "each line of a root's Terraform output names the root"
    _ok(run_module("--repository", root, "apply", "--jobs", "2"))
    for directory in [".", *(f"roots/{name}" for name in environments)] if local_state else []:
        assert (root / directory / "terraform.tfstate").is_file(), f"{directory} keeps its own state"


def _no_changes_left(root: Path) -> None:
    replan = _ok(run_module("--repository", root, "plan"))
    assert replan.out.count(": 0 changes, 0 deletes or replaces") == 4, replan.out[-3000:]


def _destroyed(apply: CliResult) -> list[int]:
    """How many resources each root's apply destroyed (Terraform's summary line of each)."""
    return [int(count) for count in re.findall(r"Apply complete! Resources: .*?(\d+) destroyed", apply.out)]


def _states(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in root.glob("**/terraform.tfstate")}


def test_workspace_registry_per_environment_roots_deploy_and_plan_only_what_changed(repo, mlenv, point_at_stand_in):
    name_stand_in_deployer_as_terraform_identity(_per_environment(repo))
    assert mlenv("--repository", repo, "render").code == 0
    workspace = FakeWorkspace()
    with FakeDatabricks(workspace) as server:
        point_at_stand_in(server)
        _deploy_from_scratch(repo)
        members = {group["displayName"]: len(group.get("members", [])) for group in workspace.groups.values()}
        assert members == {"apps_all": 3, "apps_acc": 1, "apps_preprod": 1, "apps_prod": 1}
        before = len(workspace.requests)
        _no_changes_left(repo)
        every_root_requests = len(workspace.requests) - before
        commit_everything(repo, "deployed")
        assert _ok(run_module("--repository", repo, "plan", "--changed-since", "HEAD")).out.startswith(
            "nothing to plan"
        )

        manifest = repo / "environments/acc.yaml"
        manifest.write_text(manifest.read_text().replace("  - churn\n", "  - churn\n  - upsell\n"))
        assert mlenv("--repository", repo, "render").code == 0
        listed = json.loads(
            _ok(run_module("--repository", repo, "roots", "--changed-since", "HEAD", "--format", "json")).out
        )
        assert listed == [
            {
                "name": "acc",
                "directory": "roots/acc",
                "environment": "acc",
                "production": False,
                "saved_plan": ".mlenv/roots/acc/tfplan",
            }
        ]
        states = _states(repo)
        before = len(workspace.requests)
        plan = _ok(run_module("--repository", repo, "plan", "--changed-since", "HEAD"))
        assert "acc: saved plan .mlenv/roots/acc/tfplan: 2 changes, 0 deletes" in plan.out
        assert _saved_plans(repo) == {".mlenv/roots/acc"}, "only the changed environment's root is planned"
        scoped_requests = len(workspace.requests) - before
        assert scoped_requests * 2 < every_root_requests, (scoped_requests, every_root_requests)
        apply = _ok(run_module("--repository", repo, "apply"))
        assert "applied 2 changes in 1 of 1 roots: acc" in apply.out
        assert "upsell_acc" in workspace.models
        changed_states = {path for path, text in _states(repo).items() if states.get(path) != text}
        assert changed_states == {"roots/acc/terraform.tfstate"}, "no other root's state was written"

        refused = run_module("--repository", repo, "plan", "--env", "staging")
        assert refused.code == 2 and "--env" in refused.err and "workspace" in refused.err


def test_unity_catalog_per_environment_roots_deploy_and_converge(repo, mlenv, point_at_stand_in, monkeypatch):
    workspace = FakeWorkspace()
    with FakeDatabricks(workspace) as server:
        root = _per_environment(unity_catalog_repo(repo, "account", server.host))
        name_stand_in_deployer_as_terraform_identity(root)
        assert mlenv("--repository", root, "render").code == 0
        point_at_stand_in(server)
        monkeypatch.setenv("DATABRICKS_ACCOUNT_ID", ACCOUNT_ID)
        _deploy_from_scratch(root)
        _no_changes_left(root)
        audit = run_module("--repository", root, "audit", "--format", "json")
        assert audit.code == 0, audit.out[-3000:] + audit.err
    declared = {name for facts in load_and_check(root).model.environments.values() for name in facts.models}
    assert set(workspace.uc.models) == declared
    all_group = next(group for group in workspace.uc.account_groups.values() if group["displayName"] == "apps_all")
    assert len(all_group.get("members", [])) == 3, "each environment's root added its group to apps_all"


def _objects(workspace: FakeWorkspace) -> dict[str, set[tuple[str, str]]]:
    """Every object of the stand-in workspace by kind, as (id, name): a delete and create again changes the id."""
    return {
        "groups": {(group["id"], name) for name, group in workspace.groups.items()},
        "service principals": {(sid, sp["applicationId"]) for sid, sp in workspace.service_principals.items()},
        "directories": {(str(directory.get("object_id")), path) for path, directory in workspace.directories.items()},
        "models": {(str(model.get("id")), name) for name, model in workspace.models.items()},
        "memberships": {
            (group["id"], str(member["value"]))
            for group in workspace.groups.values()
            for member in group.get("members", [])
        },
    }


def test_a_single_state_repository_moves_to_per_environment_state_without_creating_or_deleting(
    repo, mlenv, point_at_stand_in
):
    name_stand_in_deployer_as_terraform_identity(repo)
    assert mlenv("--repository", repo, "render").code == 0
    workspace = FakeWorkspace()
    with FakeDatabricks(workspace) as server:
        point_at_stand_in(server)
        _ok(run_module("--repository", repo, "plan"))
        _ok(run_module("--repository", repo, "apply"))
        deployed = _objects(workspace)
        assert all(deployed.values()), deployed

        assert mlenv("--repository", _per_environment(repo), "render").code == 0
        refused = run_module("--repository", repo, "plan")
        assert refused.code == 4 and "--move split-state" in refused.err, refused.err
        assert _objects(workspace) == deployed

        states = _states(repo)
        moved = run_module("--repository", repo, "plan", "--move", "split-state", "--adopt", "--include-production")
        _ok(moved)
        assert _states(repo) == states, "a plan writes no state: the apply forgets what the split needs"
        assert "0 deletes or replaces" in moved.out and " deletes or replaces\n  " not in moved.out
        assert (repo / "mlenv_moved.tf").is_file()
        assert all((repo / f"roots/{name}/mlenv_imports.tf").is_file() for name in ENVIRONMENT_ROOTS)
        apply = _ok(run_module("--repository", repo, "apply"))
        assert _destroyed(apply) == [0, 0, 0, 0], apply.out[-3000:]
        _no_changes_left(repo)
        assert _objects(workspace) == deployed, "the move created or deleted objects in the workspace"
        audit = run_module("--repository", repo, "audit")
        assert audit.code == 0, audit.out[-3000:] + audit.err


def _uc_objects(workspace: FakeWorkspace) -> dict[str, object]:
    uc = workspace.uc
    return {
        "account groups": {(gid, group["displayName"]) for gid, group in uc.account_groups.items()},
        "memberships": {
            (gid, member["value"]) for gid, group in uc.account_groups.items() for member in group["members"]
        },
        "assignments": sorted(uc.assignments),
        "catalogs": sorted(uc.catalogs),
        "schemas": sorted(uc.schemas),
        "models": sorted(uc.models),
    }


def test_a_single_state_unity_catalog_repository_moves_to_per_environment_state(
    repo, mlenv, point_at_stand_in, monkeypatch
):
    workspace = FakeWorkspace()
    with FakeDatabricks(workspace) as server:
        root = unity_catalog_repo(repo, "account", server.host)
        name_stand_in_deployer_as_terraform_identity(root)
        assert mlenv("--repository", root, "render").code == 0
        point_at_stand_in(server)
        monkeypatch.setenv("DATABRICKS_ACCOUNT_ID", ACCOUNT_ID)
        _ok(run_module("--repository", root, "plan"))
        _ok(run_module("--repository", root, "apply"))
        deployed = _uc_objects(workspace)
        assert mlenv("--repository", _per_environment(root), "render").code == 0
        states = _states(root)
        _ok(run_module("--repository", root, "plan", "--move", "split-state", "--adopt", "--include-production"))
        assert _states(root) == states, "a plan writes no state"
        apply = _ok(run_module("--repository", root, "apply"))
        assert _destroyed(apply) == [0, 0, 0, 0], apply.out[-3000:]
        _no_changes_left(root)
        assert _uc_objects(workspace) == deployed, "the move created or deleted objects"
