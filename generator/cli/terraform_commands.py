"""Commands that run Terraform: toolchain, validate --terraform, tftest, plan, apply."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.addresses import (
    REGISTERED_MODEL_RESOURCE,
    EnvironmentModule,
    all_principals_group_address,
    environment_module_address,
)
from generator.errors import ChangesFound, ExitCode, Refused
from generator.manifests.loader import load_settings
from generator.model.checked import Checked, load_and_check
from generator.paths import IMPORTS_TERRAFORM_FILE, SAVED_PLAN
from generator.render.generated import render_files
from generator.render.imports import add_imports
from generator.render.writer import compare_outputs, write_atomically
from generator.terraform import deploy
from generator.terraform.module_docs import render_module_docs
from generator.terraform.runner import StepResult, TerraformRunner, provider_rate_limit
from generator.terraform.toolchain import locate, prepare
from generator.workspace.adopt import ExistingObject, describe_production_model, production_models
from generator.workspace.connection import workspace_client
from generator.workspace.existing import existing_objects
from generator.workspace.preflight import preflight

#: Seconds databricks-sdk keeps retrying the existence check of a plan's creates.
EXISTENCE_CHECK_TIMEOUT = 300


def toolchain(arguments: argparse.Namespace) -> int:
    """``mlenv toolchain``: build or reuse the provider and install Terraform."""
    prepare()
    return ExitCode.OK


def validate_terraform(root: Path) -> int:
    """Init and validate the root module, every module and every example against the real provider."""
    return _steps(root, lambda runner: runner.validate_all())


def tftest(arguments: argparse.Namespace) -> int:
    """``mlenv tftest``: ``terraform test`` every module and the generated root test."""
    return _steps(arguments.root, lambda runner: runner.test_all())


def plan(arguments: argparse.Namespace) -> int:
    """``mlenv plan``: refuse stale generated files, then plan into the saved plan file."""
    root: Path = arguments.root
    checked = load_and_check(root)
    stale = compare_outputs(root, render_files(checked)).stale
    if stale:
        raise ChangesFound(
            f"generated files are stale ({', '.join(stale)}): run 'mlenv render' and review the diff first"
        )
    runner = _runner(root, checked.manifests.settings.request_budget)
    preflight("plan", checked.manifests.settings.databricks_host)
    deploy.init(root, runner)
    resources = deploy.state_resources(root, runner)
    _forget_or_refuse_workspace_identities(root, checked, resources, arguments, runner)
    _keep_or_refuse_tainted(root, deploy.tainted_resources(resources), arguments, runner)
    changes = deploy.plan(root, runner, refresh=not arguments.no_refresh)
    if _adopt_or_refuse_what_exists(root, checked, changes, arguments):
        changes = deploy.plan(root, runner, refresh=not arguments.no_refresh)
    destructive = [change for change in changes if change.destructive]
    imports = sum(1 for change in changes if change.importing)
    print(
        f"saved plan {SAVED_PLAN}: {len(changes) - imports} changes, "
        + (f"{imports} imports, " if imports else "")
        + f"{len(destructive)} deletes or replaces"
    )
    for change in destructive:
        print(f"  {change.describe()}")
    if destructive:
        print("apply will refuse these unless given --allow-destroy")
    forgotten = [change.address for change in changes if change.actions == ("forget",)]
    if forgotten:
        print(f"{len(forgotten)} resources forgotten, not deleted (they stay in the workspace, unmanaged):")
        for address in forgotten:
            print(f"  forget {address}")
    return ExitCode.OK


def _forget_or_refuse_workspace_identities(
    root: Path,
    checked: Checked,
    resources: list[dict[str, Any]],
    arguments: argparse.Namespace,
    runner: TerraformRunner,
) -> None:
    """The first Unity Catalog plan with ``identities: account`` after the Workspace Model Registry setup: the
    state still holds that setup's workspace-level groups and service principals at the addresses the
    account-level modules take. Refuse, naming them, unless ``--forget-workspace-identities`` takes them out of
    the state (they stay in the workspace; nothing is deleted)."""
    settings = checked.manifests.settings
    if not settings.unity_catalog_mode or settings.identity_mode != "account":
        return
    if not any(resource.get("type") == REGISTERED_MODEL_RESOURCE.partition(".")[0] for resource in resources):
        return  # no workspace-registry models in the state: the identity modules are account-level already
    calls = {all_principals_group_address()} | {
        environment_module_address(environment.name, module)
        for environment in checked.manifests.environments
        for module in (EnvironmentModule.GROUP, EnvironmentModule.SERVICE_PRINCIPALS)
    }
    present = sorted({call for resource in resources for call in calls if resource["address"].startswith(f"{call}.")})
    if not present:
        return
    if not arguments.forget_workspace_identities:
        raise Refused(
            f"the state holds the Workspace Model Registry setup's workspace-level groups and service principals "
            f"({', '.join(present)}) where the account-level ones go; rerun mlenv plan --forget-workspace-identities "
            "to take them out of the state (they stay in the workspace, unmanaged; nothing is deleted)"
        )
    deploy.forget(root, runner, present)
    print(f"forgot {', '.join(present)}: the workspace-level identities stay in the workspace, unmanaged")


def _keep_or_refuse_tainted(
    root: Path, tainted: list[str], arguments: argparse.Namespace, runner: TerraformRunner
) -> None:
    """Resources an apply created but could not read back are tainted: the plan would replace them (delete and
    create again, which apply refuses, or which ``prevent_destroy`` stops). With ``--adopt``, untaint them (the
    plan's refresh then reads them and updates them in place); otherwise refuse before planning, naming them."""
    if not tainted:
        return
    listing = f"{len(tainted)} resources an interrupted apply created but could not read back ({', '.join(tainted)})"
    if not arguments.adopt:
        deploy.discard_saved_plan(root)
        raise Refused(
            f"the state holds {listing}; the plan would delete and create them again. Run 'mlenv plan --adopt' "
            "to keep them"
        )
    deploy.untaint(root, runner, tainted)
    print(f"adopt: kept {listing}")


def _adopt_or_refuse_what_exists(
    root: Path, checked: Checked, changes: list[deploy.Change], arguments: argparse.Namespace
) -> bool:
    """Objects an interrupted apply created after its last state snapshot (or someone made by hand): the plan
    creates groups, models, catalogs or schemas that already exist, and applying it would fail on "already
    exists". With ``--adopt``, add import blocks for them and say so (True: plan again); otherwise discard the
    plan and refuse, naming them."""
    creates = {change.address for change in changes if change.actions == ("create",)}
    if not creates:
        return False
    host, found = _existing_among(checked, creates)
    if not found:
        return False
    production = production_models(found)
    for item in production:
        print(describe_production_model(item), file=sys.stderr)
    names = ", ".join(f"{item.kind.replace('_', ' ')} {item.name}" for item in found)
    listing = f"{len(found)} objects that exist in {host} but not in the Terraform state ({names})"
    consent = " --include-production" if production else ""
    if not arguments.adopt or (production and not arguments.include_production):
        deploy.discard_saved_plan(root)
        raise Refused(
            f"the plan creates {listing}: an apply was interrupted after creating them, or they were made by hand. "
            f"Run 'mlenv plan --adopt{consent}' to import and keep them"
            + (" (read the production models' versions listed above first)" if production else "")
            + f"; the saved plan {SAVED_PLAN} was discarded"
        )
    added = add_imports(root / IMPORTS_TERRAFORM_FILE, [item.import_target() for item in found], host)
    print(f"adopt: {len(added)} import blocks added to {IMPORTS_TERRAFORM_FILE} for {listing}; planning again")
    return True


def _existing_among(checked: Checked, addresses: set[str]) -> tuple[str, list[ExistingObject]]:
    """The workspace's host, and the declared objects at these Terraform addresses that exist in it."""
    budget = checked.manifests.settings.request_budget
    with workspace_client("plan", EXISTENCE_CHECK_TIMEOUT, budget) as client:
        host = client.config.host or "the workspace"
        settings = checked.manifests.settings
        return host, existing_objects(
            settings, checked.model, client, EXISTENCE_CHECK_TIMEOUT, concurrency=8, only=addresses
        )


def apply(arguments: argparse.Namespace) -> int:
    """``mlenv apply``: apply the saved plan after its guards."""
    root: Path = arguments.root
    deploy.verify_saved_plan(root)
    settings = load_settings(root)
    runner = _runner(root, settings.request_budget)
    reached = preflight("apply", settings.databricks_host)
    changes = deploy.apply(root, runner, allow_destroy=arguments.allow_destroy, host=reached.host)
    print(f"applied {len(changes)} changes")
    return ExitCode.OK


def module_docs(arguments: argparse.Namespace) -> int:
    """``mlenv module-docs``: write the Inputs and Outputs of each module README, or list the stale ones."""
    root: Path = arguments.root
    readmes = render_module_docs(root)
    stale = [path for path, text in readmes.items() if (root / path).read_text(encoding="utf-8") != text]
    if arguments.check:
        if stale:
            print(
                "stale module READMEs (run: mlenv module-docs):",
                *(f"  {path}" for path in stale),
                sep="\n",
                file=sys.stderr,
            )
            return ExitCode.CHANGES
        print(f"{len(readmes)} module READMEs are up to date")
        return ExitCode.OK
    for path in stale:
        write_atomically(root / path, readmes[path])
        print(f"wrote {path}")
    print(f"{len(readmes)} module READMEs, {len(stale)} written")
    return ExitCode.OK


def _runner(root: Path, request_budget: int | None = None) -> TerraformRunner:
    """The runner of ``root``; with ``request_budget``, each Terraform process's provider gets its share of it
    (one process at a time here, so all of it)."""
    return TerraformRunner(root, locate(), None if request_budget is None else provider_rate_limit(request_budget, 1))


def _steps(root: Path, steps: Callable[[TerraformRunner], list[StepResult]]) -> int:
    results = steps(_runner(root))
    failed = [result for result in results if not result.ok]
    for result in failed:
        print(
            f"mlenv: terraform {result.command} failed in {result.directory} (exit {result.returncode})",
            file=sys.stderr,
        )
    if not failed:
        print(f"terraform: {len(results)} steps passed")
    return ExitCode.CHANGES if failed else ExitCode.OK
