"""Manifests in, a policy-checked permission model out: the first half of every command."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.manifests.loader import Workspace, load_workspace
from generator.model.permission_model import PermissionModel, build_permission_model
from generator.model.policy import enforce_policy


@dataclass(frozen=True)
class Checked:
    """A validated workspace and its policy-checked permission model."""

    workspace: Workspace
    model: PermissionModel


def load_and_check(root: Path) -> Checked:
    """Load every manifest under ``root`` and build the permission model; raise ``InvalidInput`` on any problem."""
    workspace = load_workspace(root)
    return Checked(workspace, enforce_policy(build_permission_model(workspace)))
