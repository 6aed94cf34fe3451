"""A Terraform failure caused by the provider not reaching the workspace is exit 3 in one line, not exit 1."""

from __future__ import annotations

import pytest

from generator.errors import TerraformFailed, WorkspaceUnreachable
from generator.terraform.deploy import _raise_if_provider_unavailable, _require
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
        _raise_if_provider_unavailable(result)


def test_other_failures_stay_terraform_failures():
    result = StepResult("root", "init", 1, ("│ Error: Unsupported argument", '│ An argument named "dispaly_name"'))
    _raise_if_provider_unavailable(result)  # not a provider problem: nothing raised
    with pytest.raises(TerraformFailed, match="terraform init failed"):
        _require(result)


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
