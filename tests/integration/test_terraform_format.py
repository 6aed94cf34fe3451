"""What mlenv writes as HCL is what real Terraform reads: strings round-trip, rendered files are fmt-clean."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from generator.render.hcl import hcl_string
from generator.terraform.toolchain import terraform_binary
from tests.unit.test_hcl import TRICKY

pytestmark = pytest.mark.terraform


def test_strings_round_trip_through_terraform(tmp_path):
    outputs = "\n".join(f'output "v{i}" {{\n  value = {hcl_string(text)}\n}}\n' for i, text in enumerate(TRICKY))
    (tmp_path / "main.tf").write_text(outputs)
    terraform = str(terraform_binary())
    for command in (["init", "-input=false"], ["apply", "-auto-approve", "-input=false"]):
        result = subprocess.run(
            [terraform, *command, "-no-color"], cwd=tmp_path, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr
    result = subprocess.run([terraform, "output", "-json"], cwd=tmp_path, capture_output=True, text=True, check=False)
    values = json.loads(result.stdout)
    assert [values[f"v{i}"]["value"] for i in range(len(TRICKY))] == TRICKY


def test_rendered_files_are_terraform_fmt_clean(rendered: Path) -> None:
    fmt = subprocess.run(
        [str(terraform_binary()), "fmt", "-check", "-recursive", "-list=true", str(rendered)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr
