"""Manifests in, a policy-checked permission model out: the first half of every command."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.errors import InvalidInput
from generator.manifests.environments import Manifests
from generator.manifests.loader import read_manifests
from generator.model.permission_model import PermissionModel, build_permission_model
from generator.model.policy import enforce_policy
from generator.model.registries import model_registry


@dataclass(frozen=True)
class Checked:
    """Validated manifests and their policy-checked permission model."""

    manifests: Manifests
    model: PermissionModel


def load_and_check(root: Path) -> Checked:
    """Load every manifest under ``root`` and build the permission model; raise ``InvalidInput`` on any problem.

    Problems come all at once: the policy is also checked on the valid manifests when others are invalid.
    """
    manifests, problems = read_manifests(root)
    model = None
    if manifests is not None and manifests.environments:
        try:
            model = enforce_policy(build_permission_model(manifests, model_registry(manifests.settings)))
        except InvalidInput as error:
            problems = [*problems, *error.problems]
    if problems or manifests is None or model is None:
        raise InvalidInput(problems)
    return Checked(manifests, model)
