"""Which model registry a client registers to, and, in Unity Catalog, where and under which aliases.

The registry is decided by, in order: the ``registry=`` argument; the ``MLFLOW_ENV_REGISTRY``
variable; MLflow's own registry URI (``databricks-uc``, MLflow 3's default with a Databricks
tracking URI, means Unity Catalog); otherwise the Workspace Model Registry. The decision and its
reason are shown by the client's ``repr``, and a registry URI that contradicts an explicit choice is
refused (rule ``registry-mismatch``) rather than guessed around.

In Unity Catalog the environment's models live in ``{catalog}.{schema}``: ``catalog=`` or
``MLFLOW_ENV_CATALOG`` (a name, or a pattern with ``{env}``; default ``ml_{env}``, mlenv's default),
``schema=`` or ``MLFLOW_ENV_SCHEMA`` (default ``models``). Stages are kept on aliases:
``Staging`` is ``challenger`` and ``Production`` is ``champion`` unless ``stage_aliases=`` or
``MLFLOW_ENV_ALIASES`` (``Staging=challenger,Production=champion``) says otherwise.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import EnvironmentRuleViolation, InvalidArgument

REGISTRY_VARIABLE = "MLFLOW_ENV_REGISTRY"
CATALOG_VARIABLE = "MLFLOW_ENV_CATALOG"
SCHEMA_VARIABLE = "MLFLOW_ENV_SCHEMA"
ALIASES_VARIABLE = "MLFLOW_ENV_ALIASES"
WORKSPACE = "workspace"
UNITY_CATALOG = "unity_catalog"
REGISTRIES = (WORKSPACE, UNITY_CATALOG)
#: MLflow's registry URI scheme for Unity Catalog (``databricks-uc`` or ``databricks-uc://profile``).
UC_REGISTRY_SCHEME = "databricks-uc"
DEFAULT_CATALOG_PATTERN = "ml_{env}"
DEFAULT_SCHEMA = "models"
DEFAULT_STAGE_ALIASES: Mapping[str, str] = {"Staging": "challenger", "Production": "champion"}
_UC_NAME = re.compile(r"[a-z][a-z0-9_]{0,254}")
_ALIAS = re.compile(r"[a-z][a-z0-9_]{0,254}")


@dataclass(frozen=True)
class RegistryMode:
    """The registry of one client; ``catalog``, ``schema`` and ``stage_aliases`` only matter in Unity Catalog."""

    registry: str
    reason: str
    catalog: str = ""
    schema: str = ""
    stage_aliases: tuple[tuple[str, str], ...] = ()

    @property
    def unity_catalog(self) -> bool:
        """Whether models are registered in Unity Catalog."""
        return self.registry == UNITY_CATALOG

    @property
    def prefix(self) -> str:
        """``{catalog}.{schema}.``: what every model name of the environment starts with in Unity Catalog."""
        return f"{self.catalog}.{self.schema}."

    def alias_of(self, stage: str) -> str | None:
        """The alias that stands for ``stage`` (``None`` for ``None`` and ``Archived``)."""
        return dict(self.stage_aliases).get(stage)


#: The registry of a client until its registry URI is known: the Workspace Model Registry.
WORKSPACE_REGISTRY = RegistryMode(WORKSPACE, "default")


def requested_registry(registry: object) -> tuple[str | None, str]:
    """The registry asked for by argument or ``MLFLOW_ENV_REGISTRY``, with where it came from; ``None`` if neither.

    Raises:
        InvalidArgument: ``registry`` is not ``None``, ``"workspace"`` or ``"unity_catalog"``.
        EnvironmentRuleViolation: ``registry-mismatch``, when ``MLFLOW_ENV_REGISTRY`` names another registry.
    """
    if registry is not None:
        if registry not in REGISTRIES:
            raise InvalidArgument("registry", "'workspace', 'unity_catalog' or None", registry)
        return str(registry), "registry= argument"
    raw = os.environ.get(REGISTRY_VARIABLE, "").strip()
    if not raw:
        return None, ""
    if raw not in REGISTRIES:
        raise EnvironmentRuleViolation(
            "registry-mismatch", f"{REGISTRY_VARIABLE}={raw!r} is not a registry; use 'workspace' or 'unity_catalog'"
        )
    return raw, REGISTRY_VARIABLE


def is_unity_catalog_uri(registry_uri: str | None) -> bool:
    """Whether MLflow's registry URI is Unity Catalog's (``databricks-uc``, with or without a profile)."""
    return bool(registry_uri) and str(registry_uri).split(":", 1)[0] == UC_REGISTRY_SCHEME


def decide_registry(
    environment: str,
    requested: str | None,
    reason: str,
    registry_uri: str | None,
    catalog: object = None,
    schema: object = None,
    stage_aliases: object = None,
) -> RegistryMode:
    """Settle the registry of a client whose MLflow registry URI is ``registry_uri``.

    Raises:
        InvalidArgument: ``catalog``, ``schema`` or ``stage_aliases`` is of the wrong type or not a
            valid Unity Catalog name or alias.
        EnvironmentRuleViolation: ``registry-mismatch``, when the registry URI contradicts the registry asked for.
    """
    uri_is_uc = is_unity_catalog_uri(registry_uri)
    if requested is None:
        requested = UNITY_CATALOG if uri_is_uc else WORKSPACE
        reason = f"MLflow registry URI {registry_uri!r}"
    if requested == WORKSPACE:
        if uri_is_uc:
            raise EnvironmentRuleViolation(
                "registry-mismatch",
                f"the Workspace Model Registry was asked for ({reason}) but MLflow's registry URI is {registry_uri!r}; "
                "pass registry='unity_catalog', or registry_uri='databricks' for the workspace registry",
            )
        return RegistryMode(WORKSPACE, reason)
    if not uri_is_uc:
        raise EnvironmentRuleViolation(
            "registry-mismatch",
            f"Unity Catalog was asked for ({reason}) but MLflow's registry URI is {registry_uri!r}; "
            f"pass registry_uri='{UC_REGISTRY_SCHEME}' or set MLFLOW_REGISTRY_URI={UC_REGISTRY_SCHEME}",
        )
    return RegistryMode(
        UNITY_CATALOG,
        reason,
        _uc_name("catalog", catalog, CATALOG_VARIABLE, DEFAULT_CATALOG_PATTERN).replace("{env}", environment),
        _uc_name("schema", schema, SCHEMA_VARIABLE, DEFAULT_SCHEMA),
        _stage_aliases(stage_aliases),
    )


def _uc_name(parameter: str, value: object, variable: str, default: str) -> str:
    if value is not None and not isinstance(value, str):
        raise InvalidArgument(parameter, f"a Unity Catalog name such as {default!r}, or None", value)
    name = value or os.environ.get(variable, "").strip() or default
    if _UC_NAME.fullmatch(name.replace("{env}", "env")) is None:
        raise InvalidArgument(
            parameter, "lowercase letters, digits and '_', starting with a letter ('{env}' allowed in a catalog)", name
        )
    return name


def _stage_aliases(value: object) -> tuple[tuple[str, str], ...]:
    if value is None:
        raw = os.environ.get(ALIASES_VARIABLE, "").strip()
        value = dict(pair.split("=", 1) for pair in raw.split(",") if "=" in pair) if raw else DEFAULT_STAGE_ALIASES
    if not isinstance(value, Mapping) or set(value) != {"Staging", "Production"}:
        raise InvalidArgument(
            "stage_aliases",
            "a mapping of 'Staging' and 'Production' to aliases, e.g. {'Production': 'champion'}",
            value,
        )
    aliases = {stage: str(alias).strip() for stage, alias in value.items()}
    if any(_ALIAS.fullmatch(alias) is None for alias in aliases.values()) or len(set(aliases.values())) != 2:
        raise InvalidArgument("stage_aliases", "two different lowercase aliases", value)
    return tuple(sorted(aliases.items()))
