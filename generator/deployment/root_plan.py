"""The plan of one Terraform root: init, plan into its saved plan, and what an interrupted apply left.

Before planning, a Unity Catalog root that still holds the Workspace Model Registry setup's workspace-level
identities is refused (or, with ``--move forget-workspace-identities``, they leave the state), and resources the state
marks tainted are refused (or, with ``--adopt``, kept); what the state must forget or keep is recorded with the saved
plan for the apply to do (a plan writes no state). After planning, the objects the plan would create that
exist already are refused (or, with ``--adopt``, imported and planned again).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from generator.addresses import (
    REGISTERED_MODEL_RESOURCE,
    EnvironmentModule,
    all_principals_group_address,
    environment_module_address,
)
from generator.deployment.options import PlanOptions
from generator.deployment.root_context import Where
from generator.deployment.state_split import split_or_refuse_single_state
from generator.errors import Refused
from generator.manifests.roots import Root
from generator.model.checked import Checked
from generator.paths import IMPORTS_TERRAFORM_FILE, in_root
from generator.render.imports import add_imports
from generator.terraform import deploy
from generator.terraform.plan_changes import Change, StateSteps
from generator.terraform.runner import TerraformRunner
from generator.workspace.connection import workspace_client
from generator.workspace.existing import existing_objects
from generator.workspace.lookups import ExistingObject, describe_production_model, production_models
from generator.workspace.registries import identity_reader

#: Why the shared root of ``state: per_environment`` may find everything it declares existing already.
_LAYOUT_HINT = (
    ". If this repository ran with state: single before, the shared root's state key changed with the switch to "
    "state: per_environment and this checkout starts from its empty state: on the checkout that ran before, "
    "'mlenv init --env workspace --migrate-state' carries the old state there (then 'mlenv plan --move split-state "
    "--adopt'); or --adopt takes the objects over here"
)

#: Seconds databricks-sdk keeps retrying the existence check of a plan's creates.
EXISTENCE_CHECK_TIMEOUT = 300


def plan_root(
    repository: Path,
    root: Root,
    checked: Checked,
    options: PlanOptions,
    runner: TerraformRunner,
    processes: int,
) -> list[Change]:
    """Init and plan one root into its saved plan, keeping or refusing what an interrupted apply left (see the
    module docstring); print what the plan does and return its changes."""
    at = Where(repository, root, runner, processes)
    deploy.init(repository, root, runner)
    resources = deploy.state_resources(repository, root, runner)
    forget = [
        *split_or_refuse_single_state(at, checked, resources, options),
        *_forget_or_refuse_workspace_identities(at, checked, resources, options),
    ]
    untaint = _keep_or_refuse_tainted(at, deploy.tainted_resources(resources), options)
    steps = StateSteps(tuple(forget), tuple(untaint))
    changes = deploy.plan(repository, root, runner, refresh=options.refresh, steps=steps)
    if _adopt_or_refuse_what_exists(at, checked, changes, options):
        changes = deploy.plan(repository, root, runner, refresh=options.refresh, steps=steps)
    _report(at, changes, steps)
    return changes


def _report(at: Where, changes: list[Change], steps: StateSteps) -> None:
    stepped = [change for change in changes if steps.covers(change.address)]
    changes = [change for change in changes if not steps.covers(change.address)]
    destructive = [change for change in changes if change.deletes_data]
    revoked = [change for change in changes if change.destructive and not change.deletes_data]
    imports = sum(1 for change in changes if change.importing)
    lines = [
        f"saved plan {at.root.saved_plan}: {len(changes) - imports} changes, "
        + (f"{imports} imports, " if imports else "")
        + f"{len(destructive)} deletes or replaces"
    ]
    lines += [f"  {change.describe()}" for change in destructive]
    if destructive:
        lines.append("apply will refuse these unless given --allow-destroy")
    if revoked:
        lines.append(
            f"{len(revoked)} deletions of access only (groups, memberships, permissions, grants), applied "
            "without --allow-destroy:"
        )
        lines += [f"  {change.describe()}" for change in revoked]
    forgotten = [change.address for change in changes if change.actions == ("forget",)]
    if forgotten:
        lines.append(f"{len(forgotten)} resources forgotten, not deleted (they stay in the workspace, unmanaged):")
        lines += [f"  forget {address}" for address in forgotten]
    if steps:
        lines.append(
            f"on apply, first (this plan wrote no state): forget {len(steps.forget)} and keep {len(steps.untaint)} "
            "state entries, then plan again and apply only if the changes are the ones above"
        )
        lines += [f"  forget {address}" for address in steps.forget] + [
            f"  keep {address}" for address in steps.untaint
        ]
        lines += [f"  (planned now as {' '.join(change.actions)} {change.address})" for change in stepped]
    at.say(*lines)


def _forget_or_refuse_workspace_identities(
    at: Where, checked: Checked, resources: list[dict[str, Any]], options: PlanOptions
) -> list[str]:
    """The first Unity Catalog plan with ``identities: account`` after the Workspace Model Registry setup: the
    state still holds that setup's workspace-level groups and service principals at the addresses the
    account-level modules take. Refuse, naming them, unless ``--move forget-workspace-identities`` takes them out of
    the state (they stay in the workspace; nothing is deleted)."""
    settings = checked.manifests.settings
    if settings.identity_mode != "account":  # only account-level modules take the workspace-level ones' addresses
        return []
    if not any(resource.get("type") == REGISTERED_MODEL_RESOURCE.partition(".")[0] for resource in resources):
        return []  # no workspace-registry models in the state: the identity modules are account-level already
    calls = {all_principals_group_address()} | {
        environment_module_address(environment.name, module)
        for environment in checked.manifests.environments
        for module in (EnvironmentModule.GROUP, EnvironmentModule.SERVICE_PRINCIPALS)
    }
    present = sorted({call for resource in resources for call in calls if resource["address"].startswith(f"{call}.")})
    if not present:
        return []
    if not options.forget_workspace_identities:
        raise Refused(
            f"the state holds the Workspace Model Registry setup's workspace-level groups and service principals "
            f"({', '.join(present)}) where the account-level ones go; rerun 'mlenv plan --move "
            "forget-workspace-identities' to take them out of the state (they stay in the workspace, unmanaged; "
            "nothing is deleted)"
        )
    at.say(f"the apply forgets {', '.join(present)}: the workspace-level identities stay in the workspace, unmanaged")
    return present


def _keep_or_refuse_tainted(at: Where, tainted: list[str], options: PlanOptions) -> list[str]:
    """Resources an apply created but could not read back are tainted: the plan would replace them (delete and
    create again, which apply refuses, or which ``prevent_destroy`` stops). With ``--adopt``, untaint them (the
    plan's refresh then reads them and updates them in place); otherwise refuse before planning, naming them."""
    if not tainted:
        return []
    listing = f"{len(tainted)} resources an interrupted apply created but could not read back ({', '.join(tainted)})"
    if not options.adopt:
        deploy.discard_saved_plan(at.repository, at.root)
        raise Refused(
            f"the state{at.root.of} holds {listing}; the plan would delete and create them again. Run "
            "'mlenv plan --adopt' to keep them"
        )
    at.say(f"adopt: the apply keeps {listing}")
    return tainted


def _adopt_or_refuse_what_exists(at: Where, checked: Checked, changes: list[Change], options: PlanOptions) -> bool:
    """Objects an interrupted apply created after its last state snapshot (or someone made by hand): the plan
    creates groups, models, catalogs or schemas that already exist, and applying it would fail on "already
    exists". With ``--adopt``, add import blocks for them and say so (True: plan again); otherwise discard the
    plan and refuse, naming them."""
    creates = {change.address for change in changes if change.actions == ("create",)}
    if not creates:
        return False
    host, found = _existing_among(checked, creates, at.processes)
    if not found:
        return False
    production = production_models(found)
    for item in production:
        print(describe_production_model(item), file=sys.stderr)
    names = ", ".join(f"{item.kind.replace('_', ' ')} {item.name}" for item in found)
    listing = f"{len(found)} objects that exist in {host} but not in the Terraform state ({names})"
    consent = " --include-production" if production else ""
    if not options.adopt or (production and not options.include_production):
        deploy.discard_saved_plan(at.repository, at.root)
        raise Refused(
            f"the plan{at.root.of} creates {listing}: an apply was interrupted after creating them, or they were "
            f"made by hand. Run 'mlenv plan --adopt{consent}' to import and keep them"
            + (" (read the production models' versions listed above first)" if production else "")
            + (_LAYOUT_HINT if checked.manifests.settings.per_environment_state and at.root.environment is None else "")
            + f"; the saved plan {at.root.saved_plan} was discarded"
        )
    imports = in_root(at.root.directory, IMPORTS_TERRAFORM_FILE)
    added = add_imports(at.repository / imports, [item.import_target() for item in found], host)
    at.say(f"adopt: {len(added)} import blocks added to {imports} for {listing}; planning again")
    return True


def _existing_among(checked: Checked, addresses: set[str], processes: int) -> tuple[str, list[ExistingObject]]:
    """The workspace's host, and the declared objects at these Terraform addresses that exist in it (reads kept
    to one of ``processes``' share of the request budget)."""
    settings = checked.manifests.settings
    with workspace_client("plan", EXISTENCE_CHECK_TIMEOUT, settings.request_budget, processes) as client:
        host = client.config.host or "the workspace"
        identities = identity_reader(settings, EXISTENCE_CHECK_TIMEOUT)
        return host, existing_objects(checked.model, client, identities, concurrency=8, only=addresses)
