"""Where a root's plan runs: the repository, the root, its runner and how many roots share the request budget."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from generator.manifests.roots import Root
from generator.terraform.runner import TerraformRunner


@dataclass(frozen=True)
class Where:
    """The root being planned, its runner, and how many roots are planned at once (each one's Terraform and
    mlenv's own reads for it get that share of the workspace's request budget)."""

    repository: Path
    root: Root
    runner: TerraformRunner
    processes: int

    def say(self, *lines: str) -> None:
        """Print ``lines``, each after the runner's prefix (the root's name when several roots are planned)."""
        sys.stdout.write("".join(f"{self.runner.prefix}{line}\n" for line in lines))
        sys.stdout.flush()
