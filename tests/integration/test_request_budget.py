"""One API budget per workspace: ``request_budget`` in ``workspace.yaml`` bounds what mlenv sends.

The stand-in throttles like Databricks, per workspace: a token bucket of N requests per second (one second's
worth saved), 429 with ``Retry-After`` above it. Real Terraform with the real provider: with
``request_budget: N`` the provider gets ``rate_limit`` N (``DATABRICKS_RATE_LIMIT``) and mlenv's own reads
(the existence check before a plan, the audit) keep to N too, so the workspace answers no 429 at all.
With ``state: per_environment`` the environments' roots are planned and applied ``--jobs`` at a time: every
root's Terraform and mlenv's reads for it (the existence check of its creates) take one share of the budget,
and ``--jobs`` is lowered until each share is a request per second. With the default budget (15 per second)
against a workspace that allows 5, the provider outruns the bucket and is throttled, and still converges (every
429 is retried).
"""

from __future__ import annotations

import pytest

from tests.support.repository import name_stand_in_deployer_as_terraform_identity, run_module
from tests.support.stand_in import UNTHROTTLED, FakeDatabricks, FakeWorkspace, RequestBudget

pytestmark = pytest.mark.terraform
BUDGET = 5
PER_ENVIRONMENT_BUDGET = 7


def _with_budget(root, budget: int | None) -> None:
    """``request_budget: budget`` in place of the tests' unthrottled one; ``None``: mlenv's default budget."""
    settings = root / "environments/workspace.yaml"
    text = settings.read_text()
    assert UNTHROTTLED in text
    settings.write_text(text.replace(UNTHROTTLED, f"request_budget: {budget}\n" if budget else ""))


def test_plan_apply_and_audit_keep_to_the_workspace_request_budget(repo, mlenv, point_at_stand_in):
    name_stand_in_deployer_as_terraform_identity(repo)
    _with_budget(repo, BUDGET)
    assert mlenv("--repository", repo, "render").code == 0
    workspace = FakeWorkspace(budget=RequestBudget(rate=BUDGET))
    with FakeDatabricks(workspace) as server:
        point_at_stand_in(server)
        for step in ("plan", "apply"):
            result = run_module("--repository", repo, step)
            assert result.code == 0, result.out[-3000:] + result.err
        audit = run_module("--repository", repo, "audit", "--format", "json")
        assert audit.code == 0, audit.out[-3000:] + audit.err
    budget = workspace.budget
    assert budget is not None
    assert sum(budget.per_second.values()) > 4 * BUDGET, "enough requests to meet the bucket"
    assert budget.refused == 0, f"{budget.refused} requests answered 429: {budget.refused_agents}"
    assert budget.peak <= BUDGET, f"{budget.peak} requests in one second: {sorted(budget.per_second.items())}"


def test_environment_roots_planned_at_once_share_the_budget(repo, mlenv, point_at_stand_in):
    """Three environment roots at once at a budget of 7: each root's Terraform and its existence check (every
    create of a first deployment is looked up) send at most one share, one request per second, so the
    workspace never sees more than 7 in a second (the check once read at half the whole budget per root: 8
    requests answered 429). At 13 (shares of two) the provider's per-operation clients, which its rate limit does
    not bound (README, "The request budget"), once sent 14 in one second."""
    name_stand_in_deployer_as_terraform_identity(repo)
    _with_budget(repo, PER_ENVIRONMENT_BUDGET)
    settings = repo / "environments/workspace.yaml"
    settings.write_text(settings.read_text() + "state: per_environment\n")
    for manifest in repo.glob("environments/*.yaml"):  # enough creates that each root's check reads for seconds
        extra = "".join(f"  - model{number}\n" for number in range(8))
        manifest.write_text(manifest.read_text().replace("models:\n  - churn\n", f"models:\n  - churn\n{extra}"))
    assert mlenv("--repository", repo, "render").code == 0
    workspace = FakeWorkspace(budget=RequestBudget(rate=PER_ENVIRONMENT_BUDGET))
    with FakeDatabricks(workspace) as server:
        point_at_stand_in(server)
        outputs = []
        for arguments in (["plan"], ["apply"], ["plan", "--jobs", "3"], ["apply", "--jobs", "3"]):
            result = run_module("--repository", repo, *arguments)
            assert result.code == 0, result.out[-3000:] + result.err
            outputs.append(result.out)
    assert "3 of 4 roots planned, 3 at a time" in outputs[2] or "4 of 4 roots planned, 3 at a time" in outputs[2]
    assert {group["displayName"] for group in workspace.groups.values()} >= {"apps_all", "apps_acc", "apps_prod"}
    budget = workspace.budget
    assert budget is not None
    assert budget.refused == 0, f"{budget.refused} requests answered 429: {budget.refused_agents}"
    assert budget.peak <= PER_ENVIRONMENT_BUDGET, f"{budget.peak} in one second: {sorted(budget.per_second.items())}"


def test_a_budget_above_the_workspaces_limit_is_throttled_and_still_converges(repo, mlenv, point_at_stand_in):
    name_stand_in_deployer_as_terraform_identity(repo)
    _with_budget(repo, None)
    assert mlenv("--repository", repo, "render").code == 0
    workspace = FakeWorkspace(budget=RequestBudget(rate=BUDGET))
    with FakeDatabricks(workspace) as server:
        point_at_stand_in(server)
        for step in ("plan", "apply"):
            result = run_module("--repository", repo, step)
            assert result.code == 0, result.out[-3000:] + result.err
    assert workspace.budget is not None and workspace.budget.refused > 0
