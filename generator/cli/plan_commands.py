"""``mlenv plan``, ``mlenv apply`` and ``mlenv roots``: the command line's choices as options for
:mod:`generator.deployment`, which plans and applies over the repository's Terraform roots."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from generator.deployment.apply import apply as apply_roots
from generator.deployment.options import ApplyOptions, PlanOptions
from generator.deployment.plan import chosen_roots
from generator.deployment.plan import plan as plan_roots
from generator.errors import ExitCode
from generator.manifests.roots import Root
from generator.model.checked import Checked, load_and_check


def roots(arguments: argparse.Namespace) -> int:
    """``mlenv roots``: the roots, or those a change touches, as names or JSON."""
    repository: Path = arguments.repository
    checked = load_and_check(repository)
    chosen = chosen_roots(repository, checked, tuple(arguments.env), arguments.changed_since)
    return _print_roots(checked, chosen, arguments.format == "json")


def plan(arguments: argparse.Namespace) -> int:
    """``mlenv plan``: refuse stale generated files, pick the roots, plan each into its own saved plan."""
    if arguments.list:  # the old spelling of mlenv roots
        return roots(arguments)
    repository: Path = arguments.repository
    options = PlanOptions(
        roots=tuple(arguments.env),
        changed_since=arguments.changed_since,
        jobs=arguments.jobs,
        refresh=not arguments.no_refresh,
        adopt=arguments.adopt,
        include_production=arguments.include_production,
        split_state="split-state" in arguments.move,
        forget_workspace_identities="forget-workspace-identities" in arguments.move,
    )
    plan_roots(repository, load_and_check(repository), options)
    return ExitCode.OK


def apply(arguments: argparse.Namespace) -> int:
    """``mlenv apply``: check every saved plan, then apply them, the shared root first."""
    repository: Path = arguments.repository
    options = ApplyOptions(
        roots=tuple(arguments.env),
        jobs=arguments.jobs,
        allow_destroy=arguments.allow_destroy,
        include_production=arguments.include_production,
    )
    apply_roots(repository, load_and_check(repository), options)
    return ExitCode.OK


def _print_roots(checked: Checked, roots: list[Root], as_json: bool) -> int:
    """The roots a plan would plan: names, one per line, or JSON for a CI matrix."""
    if not as_json:
        for root in roots:
            print(root.name)
        return ExitCode.OK
    production = {environment.name: environment.production for environment in checked.manifests.environments}
    production |= {archive.name: archive.production for archive in checked.manifests.archives}
    entries = [
        {
            "name": root.name,
            "directory": root.directory,
            "environment": root.environment,
            "production": _needs_production_approval(root, production),
            "saved_plan": root.saved_plan,
        }
        for root in roots
    ]
    print(json.dumps(entries))
    return ExitCode.OK


def _needs_production_approval(root: Root, production: dict[str, bool]) -> bool:
    """Whether a change to the root touches production: its environment (or archive) is production; for the root at
    the top, whether any environment or archive is (with state: single it holds them all; as the shared root it holds
    the group every environment's group is in). Fail closed."""
    if root.environment is not None:
        return production.get(root.environment, True)
    return any(production.values())
