"""One API budget per workspace: ``request_budget`` in ``workspace.yaml`` bounds what mlenv sends.

The stand-in throttles like Databricks, per workspace: a token bucket of N requests per second (one second's
worth saved), 429 with ``Retry-After`` above it. Real Terraform with the real provider: with
``request_budget: N`` the provider gets ``rate_limit`` N (``DATABRICKS_RATE_LIMIT``) and mlenv's own reads
(the existence check before a plan, the audit) keep to N too, so the workspace answers no 429 at all.
With the default budget (15 per second) against a workspace that allows 4, the provider outruns the bucket
and is throttled, and still converges (every 429 is retried).
"""

from __future__ import annotations

import pytest

from tests.support.repository import name_stand_in_deployer_as_terraform_identity, run_module
from tests.support.stand_in import UNTHROTTLED, FakeDatabricks, FakeWorkspace, RequestBudget

pytestmark = pytest.mark.terraform
BUDGET = 4


def _with_budget(root, budget: int | None) -> None:
    """``request_budget: budget`` in place of the tests' unthrottled one; ``None``: mlenv's default budget."""
    settings = root / "environments/workspace.yaml"
    text = settings.read_text()
    assert UNTHROTTLED in text
    settings.write_text(text.replace(UNTHROTTLED, f"request_budget: {budget}\n" if budget else ""))


def test_plan_apply_and_audit_keep_to_the_workspace_request_budget(repo, mlenv, point_at_stand_in):
    name_stand_in_deployer_as_terraform_identity(repo)
    _with_budget(repo, BUDGET)
    assert mlenv("--root", repo, "render").code == 0
    workspace = FakeWorkspace(budget=RequestBudget(rate=BUDGET))
    with FakeDatabricks(workspace) as server:
        point_at_stand_in(server)
        for step in ("plan", "apply"):
            result = run_module("--root", repo, step)
            assert result.code == 0, result.out[-3000:] + result.err
        audit = run_module("--root", repo, "audit", "--format", "json")
        assert audit.code == 0, audit.out[-3000:] + audit.err
    budget = workspace.budget
    assert budget is not None
    assert sum(budget.per_second.values()) > 4 * BUDGET, "enough requests to meet the bucket"
    assert budget.refused == 0, f"{budget.refused} requests answered 429: {budget.refused_agents}"
    assert budget.peak <= BUDGET, f"{budget.peak} requests in one second: {sorted(budget.per_second.items())}"


def test_a_budget_above_the_workspaces_limit_is_throttled_and_still_converges(repo, mlenv, point_at_stand_in):
    name_stand_in_deployer_as_terraform_identity(repo)
    _with_budget(repo, None)
    assert mlenv("--root", repo, "render").code == 0
    workspace = FakeWorkspace(budget=RequestBudget(rate=BUDGET))
    with FakeDatabricks(workspace) as server:
        point_at_stand_in(server)
        for step in ("plan", "apply"):
            result = run_module("--root", repo, step)
            assert result.code == 0, result.out[-3000:] + result.err
    assert workspace.budget is not None and workspace.budget.refused > 0
