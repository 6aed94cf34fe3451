"""What the scripted repository histories of the access history tests share: a repository made by the platform
team, the production runner, and the settings and production manifest of the workspace registry."""

from __future__ import annotations

from pathlib import Path

from tests.support.repository import git

RUNNER = "b18e5f3c-9d2a-4e7b-a6c1-3d0f4e5a6b03"
TERRAFORM_IDENTITY = "0d6e4c2b-5a7f-4e1d-9b3c-8f2a6e4d1c05"
#: ``workspace.yaml`` of the Workspace Model Registry; ``{pattern}`` is the group name pattern.
SETTINGS = f"""experiment_root: /experiments
group_name_pattern: {{pattern}}
all_principals_group: apps_all
terraform_identity:
  application_id: {TERRAFORM_IDENTITY}
"""
#: ``prod.yaml`` with the runner and the model churn (declared in the short form).
PROD = f"""production: true
service_principals:
  - application_id: {RUNNER}
    display_name: ml-prod-runner
models:
  - churn
"""


def new_repository(root: Path) -> Path:
    """An empty git repository at ``root`` (created) on branch main, committing as the platform team."""
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "platform@example.com")
    git(root, "config", "user.name", "Platform Team")
    return root
