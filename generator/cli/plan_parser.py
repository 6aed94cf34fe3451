"""The arguments of ``mlenv plan``, ``mlenv apply`` and ``mlenv roots``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from generator.cli.deprecated import DeprecatedSpelling

if TYPE_CHECKING:
    from generator.cli.parser import Commands

#: The one-time state moves of ``mlenv plan --move``.
MOVES = ("split-state", "forget-workspace-identities")


def add_plan_commands(commands: Commands) -> None:
    """Add ``roots``, ``plan`` and ``apply`` to ``commands``."""
    roots = commands.add_parser(
        "roots",
        help="list the Terraform roots, or those a change touches",
        description="Print the repository's Terraform roots (one with state: single; the shared root 'workspace' "
        "and one per environment with state: per_environment), or with --changed-since those a plan would plan: "
        "one name per line, or a JSON array of name, directory, environment, production and saved_plan (a CI "
        "matrix; production says whether a change to the root needs a production approval). Writes nothing.",
    )
    _add_root_selection(roots, "list")
    roots.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    roots.set_defaults(command="plan_commands:roots")

    plan = commands.add_parser(
        "plan",
        help="terraform plan into a saved plan per root",
        description="Check that the generated files are current and credentials exist, then terraform init and "
        "terraform plan -input=false -out=.mlenv/tfplan (with state: per_environment, each environment's root "
        "under roots/<env> into .mlenv/roots/<env>/tfplan: the shared root first, then the environments' roots "
        "--jobs at a time, each Terraform process with its share of request_budget). Every earlier saved plan is "
        "discarded first. Output is streamed; every delete or replace is listed at the end. A plan that creates "
        "groups, models, catalogs or schemas that already exist, or replaces resources an apply could not read "
        "back (both left by an interrupted apply), is refused and discarded (exit 4), unless --adopt keeps them. "
        "While the shared root would create the all-principals group, which the environments' roots look up by "
        "name, only it is planned (apply it, then plan again). When one environment's root fails, the others are "
        "still planned; every failure is reported and the first one's exit code returned.",
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
    _add_root_selection(plan, "plan")
    _add_jobs(plan)
    moves = plan.add_argument_group(
        "one-time moves", "state moves made once, after a change of layout or registry; never needed otherwise"
    )
    moves.add_argument(
        "--move",
        action="append",
        default=[],
        choices=MOVES,
        help="split-state: the first plan after switching to state: per_environment; the shared root forgets the "
        "environments' module calls and memberships (removed blocks in mlenv_moved.tf; nothing is deleted), and "
        "with --adopt the environments' roots import them. forget-workspace-identities: the first Unity Catalog "
        "plan with identities: account after the Workspace Model Registry setup; that setup's workspace-level "
        "groups and service principals leave the state (they stay in the workspace). Repeatable",
    )
    for move in MOVES:
        plan.add_argument(
            f"--{move}", dest="move", action=DeprecatedSpelling, instead=f"--move {move}", value=move, append=True
        )
    plan.add_argument("--list", action=DeprecatedSpelling, instead="mlenv roots", value=True)
    plan.add_argument(
        "--json", dest="format", action=DeprecatedSpelling, instead="mlenv roots --format json", value="json"
    )
    plan.set_defaults(command="plan_commands:plan", writes=True, list=False, format="text")

    apply = commands.add_parser(
        "apply",
        help="apply the saved plans; deleting data needs --allow-destroy",
        description="Apply every saved plan (.mlenv/tfplan, and .mlenv/roots/<env>/tfplan with state: "
        "per_environment), the shared root first. Refused before anything is applied when there is no saved "
        "plan, when the manifests or Terraform files of a root changed since its plan was made, or when a plan "
        "deletes or replaces data (anything but groups, memberships, permissions and grants) and --allow-destroy "
        "is not given, or a production archive's data and --include-production is not given too.",
    )
    apply.add_argument(
        "--allow-destroy",
        action="store_true",
        help="allow a plan that deletes or replaces data (models, directories, ...)",
    )
    apply.add_argument(
        "--include-production",
        action="store_true",
        help="with --allow-destroy: also delete a production archive's data (its record says delete: true)",
    )
    apply.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME",
        help="only this root's saved plan (repeatable): an environment's name, or 'workspace' for the root at the "
        "top (with state: single, the only one)",
    )
    _add_jobs(apply)
    apply.set_defaults(command="plan_commands:apply", writes=True)


def add_terraform_passthrough_commands(commands: Commands) -> None:
    """``mlenv init`` (a root's backend changed) and ``mlenv terraform`` (any Terraform command in a root)."""
    init = commands.add_parser(
        "init",
        help="initialise roots again after their backend block changed",
        description="Run terraform init in each chosen root (every root by default) with mlenv's provider, CLI "
        "configuration and environment, saying what happens to the state when a root's backend block changed "
        "since its working directory was initialised: --migrate-state carries the state from the old place to "
        "the new one (terraform init -migrate-state -force-copy); --reconfigure starts from whatever state the "
        "new place holds and leaves the old state where it is (terraform init -reconfigure).",
    )
    choice = init.add_mutually_exclusive_group()
    choice.add_argument("--migrate-state", action="store_true", help="copy each root's state to its new backend")
    choice.add_argument("--reconfigure", action="store_true", help="use the new backend's state as it is")
    init.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME",
        help="only this root (repeatable): an environment's name, or 'workspace' for the root at the top",
    )
    init.set_defaults(command="terraform_commands:init", writes=True)

    terraform = commands.add_parser(
        "terraform",
        help="run any Terraform command in a root, set up as mlenv runs it",
        description="Run 'terraform ARGS' in one root with the provider mlenv built, its CLI configuration, the "
        "request budget and the credentials of the environment, e.g. 'mlenv terraform --env env005 -- "
        "force-unlock -force LOCK_ID' or 'mlenv terraform -- state list'. Exits with Terraform's exit code.",
    )
    terraform.add_argument(
        "--env",
        default="",
        metavar="NAME",
        help="the root: an environment's name, or 'workspace' (the default) for the root at the top",
    )
    terraform.add_argument("arguments", nargs=argparse.REMAINDER, metavar="-- ARGS", help="Terraform's arguments")
    terraform.set_defaults(command="terraform_commands:terraform", writes=True)


def _add_root_selection(command: argparse.ArgumentParser, verb: str) -> None:
    """``--env`` and ``--changed-since``: which roots."""
    command.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME",
        help=f"{verb} only this root (repeatable): an environment's name, or 'workspace' for the root at the top "
        "(with state: single, the only one)",
    )
    command.add_argument(
        "--changed-since",
        metavar="REV",
        help=f"{verb} only the roots one of whose inputs (manifest, Terraform files, the modules they call, "
        "versions.tf) differs between git revision REV and the working tree",
    )


def _add_jobs(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--jobs",
        type=int,
        default=4,
        metavar="N",
        help="environments' roots at a time (default 4; lowered until request_budget gives each a request per second)",
    )
