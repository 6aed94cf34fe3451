"""Module READMEs whose Inputs and Outputs cannot drift from the modules' Terraform, and the complete example."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import InvalidInput
from generator.terraform.module_docs import render_module_docs

REPOSITORY = Path(__file__).resolve().parents[2]
MODULES = sorted(path.parent.name for path in (REPOSITORY / "modules").glob("*/main.tf"))
EXAMPLES = sorted(path.parent.name for path in (REPOSITORY / "examples").glob("*/main.tf"))
REGENERATE = "mlenv module-docs"


def _copy(source: Path, target: Path) -> None:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".terraform*"))


@pytest.fixture
def modules_copy(tmp_path: Path) -> Path:
    """A throw-away root holding a copy of the repository's modules."""
    _copy(REPOSITORY / "modules", tmp_path / "modules")
    return tmp_path


def test_committed_readmes_are_generated_from_the_modules():
    rendered = render_module_docs(REPOSITORY)
    assert sorted(rendered) == sorted(f"modules/{module}/README.md" for module in MODULES)
    stale = [path for path, text in rendered.items() if (REPOSITORY / path).read_text(encoding="utf-8") != text]
    assert not stale, f"stale module READMEs {stale}: regenerate them from the repository root with {REGENERATE}"


@pytest.mark.parametrize(
    "file, block, expected",
    [
        (
            "variables.tf",
            'variable "undocumented" {\n  type = string\n}\n',
            'modules/group/variables.tf: variable "undocumented" has no description',
        ),
        (
            "extra.tf",
            'output "undocumented" {\n  value = 1\n}\n',
            'modules/group/extra.tf: output "undocumented" has no description',
        ),
        (
            "extra.tf",
            'variable "blank" {\n  description = " "\n  type        = string\n}\n',
            'modules/group/extra.tf: variable "blank" has an empty description',
        ),
        (
            "extra.tf",
            'variable "untyped" {\n  description = "No type."\n}\n',
            'modules/group/extra.tf: variable "untyped" has no type',
        ),
    ],
)
def test_an_undescribed_or_untyped_declaration_is_refused_naming_its_file(modules_copy, file, block, expected):
    path = modules_copy / "modules/group" / file
    path.write_text((path.read_text() + "\n" if path.exists() else "") + block)
    with pytest.raises(InvalidInput) as raised:
        render_module_docs(modules_copy)
    assert expected in str(raised.value)
    assert str(raised.value).count("\n") == 0, "only the broken declaration is reported"


def test_a_readme_without_markers_is_refused_naming_it(modules_copy):
    readme = modules_copy / "modules/registered-models/README.md"
    readme.write_text(readme.read_text().replace("<!-- END_MLENV_DOCS -->\n", ""))
    with pytest.raises(InvalidInput, match=r"^modules/registered-models/README\.md: needs exactly one"):
        render_module_docs(modules_copy)


def test_a_changed_description_changes_exactly_that_readme(modules_copy):
    before = render_module_docs(modules_copy)
    variables = modules_copy / "modules/experiment-directory/variables.tf"
    text = variables.read_text()
    old = 'description = "Absolute workspace path of the directory, e.g. `/experiments/acc`."'
    assert old in text
    variables.write_text(text.replace(old, 'description = "Where the directory goes (a|b)."'))
    after = render_module_docs(modules_copy)
    changed = [path for path in before if before[path] != after[path]]
    assert changed == ["modules/experiment-directory/README.md"]
    old_lines, new_lines = before[changed[0]].splitlines(), after[changed[0]].splitlines()
    differing = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert len(differing) == 1
    assert differing[0][1].startswith("| `path` | `string` | required | Where the directory goes (a\\|b). |")


DEMO_VARIABLES = """\
variable "b_optional" {
  description = "Has a default."
  type        = map(string)
  default = {
    "k 1" = "v"
  }
}

variable "z_required" {
  description = <<-EOT
    Heredoc,
    two lines.
  EOT
  type = list(object({
    x = optional(string, "d")
  }))

  validation {
    condition     = length(var.z_required) > 0
    error_message = "Needs one | entry"
  }
}

variable "a_required" {
  description = "Say \\"hi\\"."
  type        = string
}
"""

DEMO_OUTPUTS = """\
output "secret" {
  description = "A secret."
  value       = 1
  sensitive   = true
}

output "plain" {
  description = "Plain."
  value       = 2
}
"""


def test_tables_are_sorted_escaped_and_complete(tmp_path):
    module = tmp_path / "modules/demo"
    module.mkdir(parents=True)
    (module / "main.tf").write_text("")
    (module / "variables.tf").write_text(DEMO_VARIABLES)
    (module / "outputs.tf").write_text(DEMO_OUTPUTS)
    (module / "README.md").write_text(
        "# demo\n\nHand-written.\n\n<!-- BEGIN_MLENV_DOCS -->\nold\n<!-- END_MLENV_DOCS -->\n\nMore hand-written.\n"
    )
    readme = render_module_docs(tmp_path)["modules/demo/README.md"]
    assert readme.startswith("# demo\n\nHand-written.\n\n<!-- BEGIN_MLENV_DOCS -->\n<!-- Generated ")
    assert readme.endswith("\n<!-- END_MLENV_DOCS -->\n\nMore hand-written.\n")
    assert "\nold\n" not in readme
    rows = [line for line in readme.splitlines() if line.startswith("| `")]
    assert rows == [
        '| `a_required` | `string` | required | Say "hi". |  |',
        '| `z_required` | `list(object({x = optional(string, "d")}))` | required | Heredoc, two lines. '
        "| Needs one \\| entry. |",
        '| `b_optional` | `map(string)` | `{"k 1" = "v"}` | Has a default. |  |',
        "| `plain` | Plain. | no |",
        "| `secret` | A secret. | yes |",
    ]
    (module / "README.md").write_text(readme)
    assert render_module_docs(tmp_path)["modules/demo/README.md"] == readme, "rendering is idempotent"


@pytest.mark.terraform
def test_terraform_validate_passes_on_the_complete_example(repo, mlenv):
    _copy(REPOSITORY / "examples", repo / "examples")
    assert (repo / "examples/complete/main.tf").is_file()
    assert mlenv("--repository", repo, "render").code == 0
    # In a new process, as the Terraform tests do (Terraform streams to real file descriptors). The
    # steps are init + validate of the root, every module and every example.
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--repository", str(repo), "validate", "--terraform"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"terraform: {2 * (1 + len(MODULES) + len(EXAMPLES))} steps passed" in result.stdout
