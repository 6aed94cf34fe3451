"""The arguments of ``mlenv plan`` and ``mlenv apply``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.cli.parser import Commands


def add_plan_commands(commands: Commands) -> None:
    """Add ``plan`` and ``apply`` to ``commands``."""
    plan = commands.add_parser(
        "plan",
        help="terraform plan into a saved plan per root",
        description="Check that the generated files are current and credentials exist, then terraform init and "
        "terraform plan -input=false -out=.mlenv/tfplan (with state: per_environment, each environment's root "
        "under roots/<env> into .mlenv/roots/<env>/tfplan: the shared root first, then the environments' roots "
        "--jobs at a time, each Terraform process with its share of request_budget). Every earlier saved plan is "
        "discarded first. Output is streamed; every delete or replace is listed at the end. A plan that creates "
        "groups, models, catalogs or schemas that already exist, or replaces resources an apply could not read "
        "back (both left by an interrupted apply), is refused and discarded, unless --adopt keeps them.",
    )
    plan.add_argument("--no-refresh", action="store_true", help="plan without reading the live state (-refresh=false)")
    plan.add_argument(
        "--adopt",
        action="store_true",
        help="keep what an interrupted apply left: import the objects the plan would create that already exist "
        "(adds them to the root's mlenv_imports.tf), untaint what it would replace because it was not read back; "
        "then plan",
    )
    plan.add_argument(
        "--include-production",
        action="store_true",
        help="with --adopt: also production models (check the versions listed first)",
    )
    plan.add_argument(
        "--forget-workspace-identities",
        action="store_true",
        help="Unity Catalog with identities: account, first plan after the Workspace Model Registry setup: take "
        "its workspace-level groups and service principals out of the state (they stay in the workspace)",
    )
    plan.add_argument(
        "--split-state",
        action="store_true",
        help="the first plan after switching to state: per_environment: the shared root forgets the environments' "
        "module calls and memberships (removed blocks in mlenv_moved.tf; nothing is deleted); with --adopt the "
        "environments' roots import them",
    )
    _add_root_options(plan)
    plan.add_argument(
        "--changed-since",
        metavar="REV",
        help="plan only the roots one of whose inputs (manifest, Terraform files, the modules they call, "
        "versions.tf) differs between git revision REV and the working tree",
    )
    plan.add_argument(
        "--list", action="store_true", help="print the roots a plan would plan, one per line, and plan nothing"
    )
    plan.add_argument(
        "--json",
        action="store_true",
        help="with --list: a JSON array (name, directory, environment, production, saved_plan), e.g. for a CI matrix",
    )
    plan.set_defaults(command="plan_commands:plan", writes=True)

    apply = commands.add_parser(
        "apply",
        help="apply the saved plans; deletions need --allow-destroy",
        description="Apply every saved plan (.mlenv/tfplan, and .mlenv/roots/<env>/tfplan with state: "
        "per_environment), the shared root first. Refused before anything is applied when there is no saved "
        "plan, when the manifests or Terraform files of a root changed since its plan was made, or when a plan "
        "deletes or replaces anything and --allow-destroy is not given.",
    )
    apply.add_argument("--allow-destroy", action="store_true", help="allow a plan that deletes or replaces resources")
    _add_root_options(apply)
    apply.set_defaults(command="plan_commands:apply", writes=True)


def _add_root_options(command: argparse.ArgumentParser) -> None:
    """``--env`` and ``--jobs`` of plan and apply."""
    command.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME",
        help="only this root (repeatable): an environment's name, or 'workspace' for the root at the top "
        "(with state: single, the only one)",
    )
    command.add_argument(
        "--jobs",
        type=int,
        default=4,
        metavar="N",
        help="environments' roots at a time (default 4); request_budget is split between them",
    )
