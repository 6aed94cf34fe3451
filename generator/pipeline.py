"""The one-directional flow: manifests -> permission model -> every generated file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .header import generated_header
from .loader import Workspace, load_workspace
from .permission_model import PermissionModel, build_permission_model
from .policy import enforce_policy
from .render_reports import render_reports
from .render_terraform import render_terraform
from .schema import render_schemas

SCHEMA_SOURCE = "generator/manifest.py"


@dataclass(frozen=True)
class Checked:
    """A validated workspace and its policy-checked permission model."""

    workspace: Workspace
    model: PermissionModel


def load_and_check(root: Path) -> Checked:
    """Load every manifest under ``root`` and build the permission model; raise ``InvalidInput`` on any problem."""
    workspace = load_workspace(root)
    return Checked(workspace, enforce_policy(build_permission_model(workspace)))


def render_files(checked: Checked) -> dict[str, str]:
    """Every generated file (Terraform, Terraform test, permission files, JSON Schemas), by relative path."""
    files = render_terraform(checked.workspace, checked.model, generated_header)
    files.update(render_reports(checked.workspace, checked.model, generated_header))
    files.update(render_schemas(generated_header((SCHEMA_SOURCE,), None)))
    return dict(sorted(files.items()))
