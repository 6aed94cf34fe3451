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

from .errors import EnvironmentRuleViolation

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


def resolve_environment(env_name: str | None, production: bool | None, permissions_file: str | os.PathLike | None,
                        experiment_root: str | None) -> EnvironmentSettings:
    """Settle name, production flag, experiment root and the other known environments."""
    name = env_name if env_name is not None else os.environ.get(ENVIRONMENT_VARIABLE)
    if not name:
        raise EnvironmentRuleViolation("environment-required", f"no environment: pass env_name= or set "
                                                               f"{ENVIRONMENT_VARIABLE}")
    if not isinstance(name, str) or _NAME.fullmatch(name) is None:
        raise EnvironmentRuleViolation("environment-name", f"environment name {name!r} is not valid")
    path = permissions_file if permissions_file is not None else os.environ.get(PERMISSIONS_VARIABLE)
    environments = _read_permissions(Path(path)) if path else {}
    if environments and name not in environments:
        raise EnvironmentRuleViolation("unknown-environment", f"environment {name!r} is not in {path} "
                                                              f"(it has: {', '.join(sorted(environments))})")
    facts = environments.get(name, {})
    flag, reason = _production(name, production, facts, path)
    root = experiment_root or os.environ.get(EXPERIMENT_ROOT_VARIABLE) or _root_from(facts) or DEFAULT_EXPERIMENT_ROOT
    known = frozenset(environments) | PRODUCTION_NAMES | {name}
    return EnvironmentSettings(name, flag, reason, root.rstrip("/"), known)


def _production(name: str, production: bool | None, facts: dict, path: object) -> tuple[bool, str]:
    if production is not None:
        return bool(production), "production= argument"
    raw = os.environ.get(PRODUCTION_VARIABLE)
    if raw is not None and raw.strip().lower() in _TRUE | _FALSE:
        return raw.strip().lower() in _TRUE, PRODUCTION_VARIABLE
    if "production" in facts:
        return bool(facts["production"]), f"permissions file {path}"
    return name in PRODUCTION_NAMES, "environment name"


def _root_from(facts: dict) -> str | None:
    directory = facts.get("experiment_directory")
    return directory.rpartition("/")[0] or None if isinstance(directory, str) else None


def _read_permissions(path: Path) -> dict[str, dict]:
    """Environments of a generated permission file: ``{name: {"production": ..., "experiment_directory": ...}}``."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise EnvironmentRuleViolation("unknown-environment", f"cannot read permissions file {path}: {error}") \
            from None
    if isinstance(document, dict) and isinstance(document.get("environments"), dict):
        return document["environments"]
    grants = document.get("grants", []) if isinstance(document, dict) else document
    environments: dict[str, dict] = {}
    for grant in grants if isinstance(grants, list) else []:
        facts = environments.setdefault(grant.get("environment"), {})
        if grant.get("permission_level") == "CAN_MANAGE_PRODUCTION_VERSIONS" and not grant.get("implicit"):
            facts["production"] = True
        if grant.get("object_type") == "directory":
            facts["experiment_directory"] = grant.get("object")
    return environments
