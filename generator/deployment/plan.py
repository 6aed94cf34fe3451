"""``mlenv plan`` over the repository's roots: one root (``state: single``), or the shared root at the top and one
per environment (``state: per_environment``).

The roots are chosen by name and by what changed (:func:`generator.manifests.roots.select_roots`); the shared root
is planned first and the environments' roots ``jobs`` at a time, each Terraform process with its share of the
workspace's request budget; each root gets its own saved plan, and every earlier saved plan is discarded first, so
apply applies exactly what the last plan saved.
"""

from __future__ import annotations

from pathlib import Path

from generator.addresses import GROUP_RESOURCE, all_principals_group_address
from generator.deployment.options import PlanOptions
from generator.deployment.parallel import each_root, jobs_within, raise_first_failure, runner_for
from generator.deployment.root_plan import plan_root
from generator.errors import ChangesFound
from generator.manifests.git_revision import changed_since
from generator.manifests.roots import Root, roots_of, select_roots
from generator.model.checked import Checked
from generator.render.generated import render_files
from generator.render.writer import compare_outputs
from generator.terraform import deploy
from generator.terraform.plan_changes import Change
from generator.workspace.preflight import preflight


def chosen_roots(repository: Path, checked: Checked, names: tuple[str, ...], since: str | None) -> list[Root]:
    """The roots named (all when none) one of whose inputs changed since git revision ``since`` (all when None)."""
    changed = changed_since(repository, since) if since else None
    return select_roots(roots_of(checked.manifests), list(names), changed, repository)


def plan(repository: Path, checked: Checked, options: PlanOptions) -> list[str]:
    """Refuse stale generated files, discard every saved plan, plan the chosen roots; the names of the roots
    planned. Raises the first root's failure after every root was tried."""
    stale = compare_outputs(repository, render_files(checked)).stale
    if stale:
        raise ChangesFound(
            f"generated files are stale ({', '.join(stale)}): run 'mlenv render' and review the diff first"
        )
    settings = checked.manifests.settings
    selected = chosen_roots(repository, checked, options.roots, options.changed_since)
    for root in roots_of(checked.manifests):
        deploy.discard_saved_plan(repository, root)
    if not selected:
        print(f"nothing to plan: no root's inputs changed since {options.changed_since}")
        return []
    preflight("plan", settings.databricks_host)
    shared = [root for root in selected if root.environment is None]
    environments = [root for root in selected if root.environment is not None]
    planned: list[str] = []
    for root in shared:
        changes = _plan(repository, root, checked, options, 1)
        planned.append(root.name)
        if environments and _creates_all_principals_group(changes):
            print(
                f"the shared root creates {checked.model.all_principals_group}, which every environment's root "
                "looks up by name: run 'mlenv apply', then 'mlenv plan' again to plan the environments"
            )
            return planned
    jobs = jobs_within(options.jobs, environments, settings.request_budget)
    outcomes = each_root(environments, jobs, lambda root: _plan(repository, root, checked, options, jobs))
    planned += [root.name for root, outcome in zip(environments, outcomes, strict=True) if isinstance(outcome, list)]
    if settings.per_environment_state:
        print(f"{len(planned)} of {len(selected)} roots planned, {jobs} at a time: {', '.join(planned) or 'none'}")
    raise_first_failure(environments, outcomes)
    return planned


def _plan(repository: Path, root: Root, checked: Checked, options: PlanOptions, jobs: int) -> list[Change]:
    runner = runner_for(repository, checked.manifests.settings, root, jobs)
    return plan_root(repository, root, checked, options, runner, jobs)


def _creates_all_principals_group(changes: list[Change]) -> bool:
    address = f"{all_principals_group_address()}.{GROUP_RESOURCE}"
    return any(change.address == address and "create" in change.actions for change in changes)
