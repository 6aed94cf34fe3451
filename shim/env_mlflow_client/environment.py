"""Which environment a client serves, whether it is production, and how that was decided.

Production is decided by, in order: the ``production=`` argument; the ``MLFLOW_ENV_PRODUCTION``
variable; the generated permission file (``permissions/workspace.json``) when a path to it is
given; and finally the names ``prod`` and ``production``.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import EnvironmentRuleViolation, InvalidArgument
from .registry_mode import WORKSPACE_REGISTRY, RegistryMode

ENVIRONMENT_VARIABLE = "MLFLOW_ENV"
PRODUCTION_VARIABLE = "MLFLOW_ENV_PRODUCTION"
PERMISSIONS_VARIABLE = "MLFLOW_ENV_PERMISSIONS"
EXPERIMENT_ROOT_VARIABLE = "MLFLOW_ENV_EXPERIMENT_ROOT"
PRODUCTION_NAMES = frozenset({"prod", "production"})
DEFAULT_EXPERIMENT_ROOT = "/experiments"
_NAME = re.compile(r"[a-z][a-z0-9]{1,15}")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class EnvironmentSettings:
    """The environment of one client."""

    name: str
    production: bool
    production_reason: str
    experiment_root: str
    known_environments: frozenset[str]
    mode: RegistryMode = WORKSPACE_REGISTRY


def resolve_environment(
    env_name: str | None,
    production: bool | None,
    permissions_file: str | os.PathLike[str] | None,
    experiment_root: str | None,
) -> EnvironmentSettings:
    """Settle name, production flag, experiment root and the other known environments.

    Raises:
        InvalidArgument: ``env_name`` or ``experiment_root`` is neither a string nor ``None``,
            ``production`` is neither a bool nor ``None``, or ``permissions_file`` is neither a
            path nor ``None``.
        EnvironmentRuleViolation: ``environment-required`` (no name given nor in ``MLFLOW_ENV``),
            ``environment-name`` (a malformed name) or ``unknown-environment`` (a name the
            permissions file does not have, or a permissions file that cannot be read).
    """
    if env_name is not None and not isinstance(env_name, str):
        raise InvalidArgument("env_name", "an environment name such as 'acc', or None", env_name)
    if production is not None and not isinstance(production, bool):
        raise InvalidArgument("production", "True, False or None", production)
    if permissions_file is not None and not isinstance(permissions_file, str | os.PathLike):
        raise InvalidArgument("permissions_file", "a path (str or os.PathLike) or None", permissions_file)
    if experiment_root is not None and not isinstance(experiment_root, str):
        raise InvalidArgument("experiment_root", "a string such as '/experiments', or None", experiment_root)
    name = env_name if env_name is not None else os.environ.get(ENVIRONMENT_VARIABLE)
    if not name:
        raise EnvironmentRuleViolation(
            "environment-required", f"no environment: pass env_name= or set {ENVIRONMENT_VARIABLE}"
        )
    if _NAME.fullmatch(name) is None:
        raise EnvironmentRuleViolation("environment-name", f"environment name {name!r} is not valid")
    path = permissions_file if permissions_file is not None else os.environ.get(PERMISSIONS_VARIABLE)
    environments = _read_permissions(Path(path)) if path else {}
    if environments and name not in environments:
        raise EnvironmentRuleViolation(
            "unknown-environment", f"environment {name!r} is not in {path} (it has: {', '.join(sorted(environments))})"
        )
    facts = environments.get(name, {})
    flag, reason = _production(name, production, facts, path)
    root = experiment_root or os.environ.get(EXPERIMENT_ROOT_VARIABLE) or _root_from(facts) or DEFAULT_EXPERIMENT_ROOT
    known = frozenset(environments) | PRODUCTION_NAMES | {name}
    return EnvironmentSettings(name, flag, reason, root.rstrip("/"), known)


def _production(name: str, production: bool | None, facts: dict[str, Any], path: object) -> tuple[bool, str]:
    if production is not None:
        return production, "production= argument"
    raw = os.environ.get(PRODUCTION_VARIABLE)
    if raw is not None and raw.strip().lower() in _TRUE | _FALSE:
        return raw.strip().lower() in _TRUE, PRODUCTION_VARIABLE
    if "production" in facts:
        return bool(facts["production"]), f"permissions file {path}"
    return name in PRODUCTION_NAMES, "environment name"


def _root_from(facts: dict[str, Any]) -> str | None:
    directory = facts.get("experiment_directory")
    return directory.rpartition("/")[0] or None if isinstance(directory, str) else None


def _read_permissions(path: Path) -> dict[str, dict[str, Any]]:
    """Environments of a generated permission file: ``{name: {"production": ..., "experiment_directory": ...}}``."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise EnvironmentRuleViolation("permissions-file", f"cannot read permissions file {path}: {error}") from None
    if isinstance(document, dict) and isinstance(document.get("environments"), dict):
        described: dict[str, dict[str, Any]] = document["environments"]
        return described
    grants = document.get("grants", []) if isinstance(document, dict) else document
    environments: dict[str, dict[str, Any]] = {}
    for grant in grants if isinstance(grants, list) else []:
        facts = environments.setdefault(grant.get("environment"), {})
        if grant.get("permission_level") == "CAN_MANAGE_PRODUCTION_VERSIONS" and not grant.get("implicit"):
            facts["production"] = True
        if grant.get("object_type") == "directory":
            facts["experiment_directory"] = grant.get("object")
    return environments
