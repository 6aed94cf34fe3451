"""Stages and aliases in one environment.

New versions get ``Staging`` (``Production`` in production). Outside production, ``Production``
and the production aliases are refused; the same rules hold on every MLflow version.
"""

from __future__ import annotations

from .environment import EnvironmentSettings
from .errors import EnvironmentRuleViolation, InvalidArgument, require_string

STAGES = ("None", "Staging", "Production", "Archived")
#: Aliases that mean "serving in production"; only a production client may set them.
PRODUCTION_ALIASES = frozenset({"production", "prod", "champion", "live"})
STAGE_NAMES = "'None', 'Staging', 'Production' or 'Archived'"
_NORMALIZED = {stage.lower(): stage for stage in STAGES}


def stage_spelling(stage: str) -> str:
    """``stage`` as MLflow spells it (``staging`` -> ``Staging``); an unknown name is returned unchanged."""
    return _NORMALIZED.get(stage.lower(), stage)


def default_stage(settings: EnvironmentSettings) -> str:
    """The stage new versions get: ``Production`` in production, ``Staging`` elsewhere."""
    return "Production" if settings.production else "Staging"


def checked_stage(settings: EnvironmentSettings, stage: object) -> str:
    """``stage`` spelled as MLflow spells it, if this environment may use it.

    Raises:
        InvalidArgument: ``stage`` is not a non-empty string.
        EnvironmentRuleViolation: ``unknown-stage`` or ``production-stage-outside-production``.
    """
    if not isinstance(stage, str) or not stage:
        raise InvalidArgument("stage", f"a stage name ({STAGE_NAMES}), or None for the environment's stage", stage)
    normalized = _NORMALIZED.get(stage.lower())
    if normalized is None:
        raise EnvironmentRuleViolation("unknown-stage", f"unknown stage {stage!r}")
    if normalized == "Production" and not settings.production:
        raise EnvironmentRuleViolation(
            "production-stage-outside-production", f"environment {settings.name!r} is not production"
        )
    return normalized


def checked_stages(settings: EnvironmentSettings, stages: object) -> list[str]:
    """The stages a ``get_latest_versions`` call asks for; ``None`` is this environment's stage.

    Raises:
        InvalidArgument: ``stages`` is neither a list of non-empty strings nor ``None``.
    """
    if stages is None:
        return [default_stage(settings)]
    if not isinstance(stages, list | tuple) or not all(isinstance(stage, str) and stage for stage in stages):
        raise InvalidArgument("stages", f"a list of stage names ({STAGE_NAMES}), or None", stages)
    return list(stages)


def production_aliases(settings: EnvironmentSettings) -> frozenset[str]:
    """The aliases only a production client may set: :data:`PRODUCTION_ALIASES` and, in Unity Catalog,
    the alias configured for ``Production``."""
    configured = settings.mode.alias_of("Production")
    return PRODUCTION_ALIASES | {configured} if configured else PRODUCTION_ALIASES


def check_alias(settings: EnvironmentSettings, alias: object) -> str:
    """``alias``, if this environment may set or remove it.

    Raises:
        InvalidArgument: ``alias`` is not a non-empty string.
        EnvironmentRuleViolation: ``production-alias-outside-production``.
    """
    alias = require_string("alias", alias)
    if alias.lower() in production_aliases(settings) and not settings.production:
        raise EnvironmentRuleViolation(
            "production-alias-outside-production",
            f"alias {alias!r} is reserved for production; environment {settings.name!r} is not production",
        )
    return alias
