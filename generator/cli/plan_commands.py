"""``mlenv plan`` and ``mlenv apply`` over the repository's Terraform roots.

One root (``state: single``), or the shared root at the top and one per environment (``state:
per_environment``). Plan picks the roots (``--env``, ``--changed-since``), plans the shared root first and the
environments' roots ``--jobs`` at a time, each Terraform process with its share of the workspace's request budget,
and saves one plan per root (every earlier saved plan is discarded first, so apply applies exactly what the last
plan saved). Apply checks every saved plan (current, deleting nothing unless allowed) before it applies any, then
applies the shared root first and the environments' roots ``--jobs`` at a time.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from generator.addresses import GROUP_RESOURCE, all_principals_group_address
from generator.cli.root_plan import plan_root
from generator.errors import ChangesFound, ExitCode, InvalidInput, MlenvError, Problem
from generator.manifests.environments import Environment
from generator.manifests.git_revision import changed_since
from generator.manifests.roots import Root, roots_of, select_roots
from generator.manifests.settings import WorkspaceSettings
from generator.model.checked import Checked, load_and_check
from generator.render.generated import render_files
from generator.render.writer import compare_outputs
from generator.request_budget import process_share, processes_within
from generator.terraform import deploy
from generator.terraform.runner import TerraformRunner, parallelism_share
from generator.terraform.toolchain import locate
from generator.workspace.preflight import preflight

Outcome = TypeVar("Outcome")


def plan(arguments: argparse.Namespace) -> int:
    """``mlenv plan``: refuse stale generated files, pick the roots, plan each into its own saved plan."""
    repository: Path = arguments.root
    checked = load_and_check(repository)
    stale = compare_outputs(repository, render_files(checked)).stale
    if stale:
        raise ChangesFound(
            f"generated files are stale ({', '.join(stale)}): run 'mlenv render' and review the diff first"
        )
    settings = checked.manifests.settings
    every_root = roots_of(checked.manifests)
    selected = _selected(repository, every_root, arguments)
    if arguments.list:
        _print_roots(checked, selected, arguments.json)
        return ExitCode.OK
    for root in every_root:
        deploy.discard_saved_plan(repository, root)
    if not selected:
        print(f"nothing to plan: no root's inputs changed since {arguments.changed_since}")
        return ExitCode.OK
    preflight("plan", settings.databricks_host)
    shared = [root for root in selected if root.environment is None]
    environments = [root for root in selected if root.environment is not None]
    planned: list[str] = []
    for root in shared:
        changes = _plan(repository, root, checked, arguments, 1)
        planned.append(root.name)
        if environments and _creates_all_principals_group(changes):
            print(
                f"the shared root creates {checked.model.all_principals_group}, which every environment's root "
                "looks up by name: run 'mlenv apply', then 'mlenv plan' again to plan the environments"
            )
            return ExitCode.OK
    jobs = _jobs(arguments, environments, settings.request_budget)
    outcomes = _each(environments, jobs, lambda root: _plan(repository, root, checked, arguments, jobs))
    planned += [root.name for root, outcome in zip(environments, outcomes, strict=True) if isinstance(outcome, list)]
    if settings.per_environment_state:
        print(f"{len(planned)} of {len(selected)} roots planned, {jobs} at a time: {', '.join(planned) or 'none'}")
    _raise_first_failure(environments, outcomes)
    return ExitCode.OK


def apply(arguments: argparse.Namespace) -> int:
    """``mlenv apply``: check every saved plan, then apply them, the shared root first."""
    repository: Path = arguments.root
    checked = load_and_check(repository)
    settings = checked.manifests.settings
    every_root = roots_of(checked.manifests)
    roots = [
        root
        for root in select_roots(every_root, arguments.env, None, repository)
        if deploy.has_saved_plan(repository, root)
    ]
    for root in roots or every_root[:1]:  # with no saved plan at all, the first root's check says so
        deploy.verify_saved_plan(repository, root)
    reached = preflight("apply", settings.databricks_host)
    jobs = _jobs(arguments, roots, settings.request_budget)

    def runner(root: Root) -> TerraformRunner:
        return _runner(repository, settings, root, jobs if root.environment is not None else 1)

    prepared = _each(
        roots, jobs, lambda root: deploy.prepare_apply(repository, root, runner(root), arguments.allow_destroy)
    )
    _raise_first_failure(roots, prepared)
    changes = {
        root.name: len(outcome) for root, outcome in zip(roots, prepared, strict=True) if isinstance(outcome, list)
    }
    shared = [root for root in roots if root.environment is None]
    environments = [root for root in roots if root.environment is not None]
    for root in shared:
        deploy.apply(repository, root, runner(root), reached.host)
    outcomes = _each(environments, jobs, lambda root: deploy.apply(repository, root, runner(root), reached.host))
    applied = shared + [root for root, outcome in zip(environments, outcomes, strict=True) if outcome is None]
    total = sum(changes[root.name] for root in applied)
    if settings.per_environment_state:
        names = ", ".join(root.name for root in applied) or "none"
        print(f"applied {total} changes in {len(applied)} of {len(roots)} roots: {names}")
    else:
        print(f"applied {total} changes")
    _raise_first_failure(environments, outcomes)
    return ExitCode.OK


def _plan(
    repository: Path, root: Root, checked: Checked, arguments: argparse.Namespace, jobs: int
) -> list[deploy.Change]:
    settings = checked.manifests.settings
    return plan_root(repository, root, checked, arguments, _runner(repository, settings, root, jobs), jobs)


def _runner(repository: Path, settings: WorkspaceSettings, root: Root, jobs: int) -> TerraformRunner:
    """The runner of one root: its provider gets a ``jobs``-th of the request budget and Terraform a ``jobs``-th of
    the default parallelism, and with one root per environment each line of Terraform's output starts with the
    root's name."""
    prefix = f"{root.name}: " if settings.per_environment_state else ""
    rate_limit = process_share(settings.request_budget, jobs)
    return TerraformRunner(repository, locate(), rate_limit, prefix, parallelism_share(jobs))


def _selected(repository: Path, roots: list[Root], arguments: argparse.Namespace) -> list[Root]:
    changed = changed_since(repository, arguments.changed_since) if arguments.changed_since else None
    return select_roots(roots, arguments.env, changed, repository)


def _jobs(arguments: argparse.Namespace, roots: Sequence[Root], request_budget: int) -> int:
    """How many roots run at once: ``--jobs``, no more than there are roots, and no more than the request budget
    gives a request per second each (said when it lowers ``--jobs``)."""
    if arguments.jobs < 1:
        raise InvalidInput([Problem("--jobs", None, "must be at least 1")])
    wanted = max(1, min(int(arguments.jobs), len(roots)))
    jobs = processes_within(request_budget, wanted)
    if jobs < wanted:
        print(
            f"mlenv: --jobs {wanted} lowered to {jobs}: request_budget {request_budget} gives {jobs} roots at once "
            "a request per second each",
            file=sys.stderr,
        )
    return jobs


def _creates_all_principals_group(changes: list[deploy.Change]) -> bool:
    address = f"{all_principals_group_address()}.{GROUP_RESOURCE}"
    return any(change.address == address and "create" in change.actions for change in changes)


def _print_roots(checked: Checked, roots: list[Root], as_json: bool) -> None:
    """The roots a plan would plan: names, one per line, or JSON for a CI matrix."""
    if not as_json:
        for root in roots:
            print(root.name)
        return
    environments = {environment.name: environment for environment in checked.manifests.environments}
    entries = [
        {
            "name": root.name,
            "directory": root.directory,
            "environment": root.environment,
            "production": _needs_production_approval(root, environments),
            "saved_plan": root.saved_plan,
        }
        for root in roots
    ]
    print(json.dumps(entries))


def _needs_production_approval(root: Root, environments: dict[str, Environment]) -> bool:
    """Whether a change to the root touches production: its environment is production; for the root at the top,
    whether any environment is (with state: single it holds them all; as the shared root it holds the group
    every environment's group is in). Fail closed."""
    if root.environment is not None:
        return environments[root.environment].production
    return any(environment.production for environment in environments.values())


def _each(roots: Sequence[Root], jobs: int, work: Callable[[Root], Outcome]) -> list[Outcome | MlenvError]:
    """``work`` for each root, ``jobs`` at a time (in this thread when one: Terraform's signals are forwarded only
    from the main thread); a root's expected failure is kept as its outcome so the others go on."""

    def attempt(root: Root) -> Outcome | MlenvError:
        try:
            return work(root)
        except MlenvError as error:
            return error

    if jobs == 1:
        return [attempt(root) for root in roots]
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="mlenv-root") as pool:
        return list(pool.map(attempt, roots))


def _raise_first_failure(roots: Sequence[Root], outcomes: Sequence[object]) -> None:
    """Report every failed root but the first on stderr, then raise the first one's error."""
    failures = [
        (root, outcome) for root, outcome in zip(roots, outcomes, strict=True) if isinstance(outcome, MlenvError)
    ]
    if not failures:
        return
    for root, error in failures[1:]:
        for line in error.report():
            print(line.replace("mlenv: ", f"mlenv: {root.directory}: ", 1), file=sys.stderr)
    if len(failures) > 1:
        print(f"mlenv: {len(failures)} roots failed: {', '.join(root.name for root, _ in failures)}", file=sys.stderr)
    raise failures[0][1]
