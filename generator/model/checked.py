"""Manifests in, a policy-checked permission model out: the first half of every command."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.manifests.environments import Manifests
from generator.manifests.loader import load_manifests
from generator.model.permission_model import PermissionModel, build_permission_model
from generator.model.policy import enforce_policy


@dataclass(frozen=True)
class Checked:
    """Validated manifests and their policy-checked permission model."""

    manifests: Manifests
    model: PermissionModel


def load_and_check(root: Path) -> Checked:
    """Load every manifest under ``root`` and build the permission model; raise ``InvalidInput`` on any problem."""
    manifests = load_manifests(root)
    return Checked(manifests, enforce_policy(build_permission_model(manifests)))
