"""The README's onboarding commands, run word for word in a fresh clone, leave a tree that CI accepts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.support.repository import REPOSITORY, commit_everything, git


def _block_after(heading: str) -> list[str]:
    """The command lines of the first ```sh block after ``heading`` in the README, comments removed."""
    text = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text[text.index(heading) :], re.S)
    assert block is not None, f"no sh block after {heading}"
    return [re.sub(r"\s+#\s.*$", "", line).strip() for line in block.group(1).splitlines() if line.strip()]


def test_onboarding_commands_leave_a_committed_tree_that_passes_render_check(rendered: Path) -> None:
    root = rendered
    commit_everything(root, "clone")
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for command in _block_after("### Team onboarding a new environment"):
        if command.startswith("source "):
            continue  # the PATH above stands for the activated virtual environment
        if command.startswith("$EDITOR "):
            manifest = root / command.split()[1]
            manifest.write_text(manifest.read_text().replace("  # - churn\n", "  - churn\n"))
            continue
        result = subprocess.run(
            ["bash", "-c", command], cwd=root, env=environment, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    assert git(root, "status", "--porcelain") == "", "the README's commands left files uncommitted"
    assert "teamx" in git(root, "show", "--stat", "HEAD")
    assert "mlenv_workspace.tf" in git(root, "show", "--stat", "HEAD")
    check = subprocess.run(
        [sys.executable, "-m", "generator", "--repository", str(root), "render", "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr
