"""``mlenv apply`` over the saved plans: every one checked (current, deleting nothing unless allowed) before any is
applied, then the shared root first and the environments' roots ``jobs`` at a time."""

from __future__ import annotations

from pathlib import Path

from generator.deployment.options import ApplyOptions
from generator.deployment.parallel import each_root, jobs_within, raise_first_failure, runner_for
from generator.errors import MlenvError
from generator.manifests.roots import Root, roots_of, select_roots
from generator.model.checked import Checked
from generator.terraform import deploy
from generator.terraform.plan_changes import DestroyConsent
from generator.terraform.runner import TerraformRunner
from generator.workspace.preflight import preflight


def apply(repository: Path, checked: Checked, options: ApplyOptions) -> None:
    """Check every saved plan of the chosen roots, then apply them; prints what was applied, raises the first
    root's failure after every root was tried."""
    settings = checked.manifests.settings
    every_root = roots_of(checked.manifests)
    roots = [
        root
        for root in select_roots(every_root, list(options.roots), None, repository)
        if deploy.has_saved_plan(repository, root)
    ]
    for root in roots or every_root[:1]:  # with no saved plan at all, the first root's check says so
        deploy.verify_saved_plan(repository, root)
    reached = preflight("apply", settings.databricks_host)
    jobs = jobs_within(options.jobs, roots, settings.request_budget)

    def runner(root: Root) -> TerraformRunner:
        return runner_for(repository, settings, root, jobs if root.environment is not None else 1)

    consent = DestroyConsent(
        options.allow_destroy,
        options.include_production,
        frozenset(archive.name for archive in checked.manifests.archives if archive.production),
    )
    prepared = each_root(roots, jobs, lambda root: deploy.prepare_apply(repository, root, runner(root), consent))
    raise_first_failure(roots, prepared)
    changes = {
        root.name: len(outcome) for root, outcome in zip(roots, prepared, strict=True) if isinstance(outcome, list)
    }
    shared = [root for root in roots if root.environment is None]
    environments = [root for root in roots if root.environment is not None]
    for root in shared:
        deploy.apply(repository, root, runner(root), reached.host)
    outcomes = each_root(environments, jobs, lambda root: deploy.apply(repository, root, runner(root), reached.host))
    applied = shared + [root for root, outcome in zip(environments, outcomes, strict=True) if outcome is None]
    total = sum(changes[root.name] for root in applied)
    if not applied and any(isinstance(outcome, MlenvError) for outcome in outcomes):
        raise_first_failure(environments, outcomes)  # nothing applied: the failures alone say what happened
    if settings.per_environment_state:
        names = ", ".join(root.name for root in applied) or "none"
        print(f"applied {total} changes in {len(applied)} of {len(roots)} roots: {names}")
    else:
        print(f"applied {total} changes")
    raise_first_failure(environments, outcomes)
