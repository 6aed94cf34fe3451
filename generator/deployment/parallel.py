"""Work over several roots at once: how many (``--jobs`` within the request budget), each root's runner with its
share of the budget, and every root's failure reported."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from generator.errors import InvalidInput, MlenvError, Problem
from generator.manifests.roots import Root
from generator.manifests.settings import WorkspaceSettings
from generator.request_budget import process_share, processes_within
from generator.terraform.runner import TerraformRunner, parallelism_share
from generator.terraform.toolchain import locate

Outcome = TypeVar("Outcome")


def jobs_within(wanted: int, roots: Sequence[Root], request_budget: int) -> int:
    """How many roots run at once: ``wanted``, no more than there are roots, and no more than the request budget
    gives a request per second each (said when it lowers ``wanted``)."""
    if wanted < 1:
        raise InvalidInput([Problem("--jobs", None, "must be at least 1")])
    wanted = max(1, min(wanted, len(roots)))
    jobs = processes_within(request_budget, wanted)
    if jobs < wanted:
        print(
            f"mlenv: --jobs {wanted} lowered to {jobs}: request_budget {request_budget} gives {jobs} roots at once "
            "a request per second each",
            file=sys.stderr,
        )
    return jobs


def runner_for(repository: Path, settings: WorkspaceSettings, root: Root, jobs: int) -> TerraformRunner:
    """The runner of one root among ``jobs`` at once: its provider gets one share of the request budget and
    Terraform a ``jobs``-th of the default parallelism, and with one root per environment each line of
    Terraform's output starts with the root's name."""
    prefix = f"{root.name}: " if settings.per_environment_state else ""
    rate_limit = process_share(settings.request_budget, jobs)
    return TerraformRunner(repository, locate(), rate_limit, prefix, parallelism_share(jobs))


def each_root(roots: Sequence[Root], jobs: int, work: Callable[[Root], Outcome]) -> list[Outcome | MlenvError]:
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


def raise_first_failure(roots: Sequence[Root], outcomes: Sequence[object]) -> None:
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
