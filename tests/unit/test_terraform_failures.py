"""Terraform's failures by cause (generator.terraform.failures): the provider not reaching the workspace is exit 3
in one line, not exit 1; the same line means the same cause whichever command printed it."""

from __future__ import annotations

import pytest

from generator.errors import ApplyIncomplete, Refused, TerraformFailed, WorkspaceUnreachable
from generator.terraform.failures import CAUSES, Cause, cause_of, raise_for
from generator.terraform.runner import StepResult


@pytest.mark.parametrize(
    "line",
    [
        "│ Error: Plugin did not respond",
        "│ The plugin encountered an error, and failed to respond to the (*GRPCProvider).ConfigureProvider call.",
        "│ Error: cannot configure default credentials, please check https://docs.databricks.com/...",
        '│ Error: cannot read group: Get "https://adb-1.azuredatabricks.net/api/2.0/preview/scim/v2/Groups/1": '
        "dial tcp: lookup adb-1.azuredatabricks.net: no such host",
        "│ Error: cannot read current user: invalid access token",
    ],
)
def test_provider_configuration_failures_are_unavailable(line):
    result = StepResult("root", "plan", 1, ("Planning...", line, "╵"))
    with pytest.raises(WorkspaceUnreachable, match=r"^terraform plan could not configure the Databricks provider: "):
        raise_for(result, "terraform plan failed")


def test_other_failures_stay_terraform_failures():
    result = StepResult("root", "init", 1, ("│ Error: Unsupported argument", '│ An argument named "dispaly_name"'))
    with pytest.raises(TerraformFailed, match="terraform init failed"):
        raise_for(result, "terraform init failed (exit 1)")


TIMEOUT = (
    '│ Error: cannot create group: Post "https://adb-1.azuredatabricks.net/api/2.0/preview/scim/v2/Groups": i/o timeout'
)


def test_a_line_has_one_cause_in_one_table():
    assert cause_of(TIMEOUT) is Cause.INTERRUPTED
    patterns = [pattern.pattern for _, pattern in CAUSES]
    alternatives = [alternative for pattern in patterns for alternative in pattern.split("|")]
    assert len(alternatives) == len(set(alternatives)), "each pattern once"


def test_an_interrupted_apply_is_incomplete_and_the_same_line_elsewhere_is_unreachable():
    lines = ("Applying...", TIMEOUT, "╵")
    with pytest.raises(ApplyIncomplete, match="stopped part way"):
        raise_for(StepResult("root", "apply", 1, lines), "terraform apply failed", applying=True)
    with pytest.raises(WorkspaceUnreachable, match="i/o timeout"):
        raise_for(StepResult("root", "plan", 1, lines), "terraform plan failed")


def test_a_lock_is_refused_before_anything_else_with_its_holder():
    lines = (
        "│ Error: Error acquiring the state lock",
        "│ Lock Info:",
        "│   ID:        5b9c1f1e-2c3d-4e5f-8a9b-0c1d2e3f4a5b",
        "│   Who:       ci@runner-7",
        "│   Operation: OperationTypeApply",
        TIMEOUT,
    )
    with pytest.raises(
        Refused, match=r"locked by another run \(who ci@runner-7, operation OperationTypeApply; lock ID 5b9c"
    ):
        raise_for(StepResult("root", "apply", 1, lines), "terraform apply failed", applying=True)


def test_hidden_paragraphs_are_not_passed_on():
    import io

    from generator.terraform.process import Hidden, _pump

    source = io.BytesIO(
        b"Initializing...\n\nTerraform has created a lock file .terraform.lock.hcl to record the provider\n"
        b'selections it made above.\nyou run "terraform init" in the future.\n\nTerraform has been initialized!\n'
    )
    target = io.StringIO()
    _pump(
        source,
        target,
        None,
        [Hidden("Terraform has created a lock file", 'you run "terraform init" in the future.')],
        "acc: ",
    )
    assert target.getvalue() == "acc: Initializing...\nacc: \nacc: \nacc: Terraform has been initialized!\n"
