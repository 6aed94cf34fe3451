"""Which Workspace Model Registry model moves to which Unity Catalog model: one pair per managed model."""

from __future__ import annotations

from dataclasses import dataclass

from generator.errors import InvalidInput, Problem
from generator.manifests.manifest import full_model_name, uc_full_name
from generator.model.checked import Checked
from generator.paths import SETTINGS_MANIFEST

#: The alias each stage becomes (the runtime client's default mapping, ``MLFLOW_ENV_ALIASES``).
STAGE_ALIASES = {"Production": "champion", "Staging": "challenger"}
#: Aliases only a production environment's models may carry (the runtime client's rule of the same name).
PRODUCTION_ONLY_ALIASES = frozenset({"champion"})


@dataclass(frozen=True)
class ModelPair:
    """One managed model: its Workspace Model Registry name and its Unity Catalog name."""

    environment: str
    production: bool
    source: str
    target: str
    #: The model's description in the manifest (Terraform sets it as the Unity Catalog comment).
    manifest_description: str
    #: ``environments/prod.yaml:12``: where the model is declared, for hints.
    declared_at: str

    def alias_for(self, stage: str) -> str:
        """The alias a version in ``stage`` gets here, or ``""`` (``None`` and ``Archived`` get none)."""
        return STAGE_ALIASES.get(stage, "")

    def may_hold(self, alias: str) -> bool:
        """Whether this environment's model may carry ``alias`` (``champion`` only in production)."""
        return self.production or alias not in PRODUCTION_ONLY_ALIASES


def model_pairs(checked: Checked, environments: tuple[str, ...] = ()) -> list[ModelPair]:
    """Every managed model of the chosen ``environments`` (all when empty), in manifest order.

    Raises:
        InvalidInput: the manifests are not in Unity Catalog mode, or an environment is unknown.
    """
    manifests = checked.manifests
    if not manifests.settings.unity_catalog_mode:
        where = manifests.settings_source or SETTINGS_MANIFEST
        raise InvalidInput(
            [
                Problem(
                    where,
                    None,
                    "mlenv migrate moves versions into Unity Catalog, but the manifests use registry: workspace",
                    "set registry: unity_catalog, then mlenv render and mlenv apply, so the target models exist",
                )
            ]
        )
    known = {environment.name for environment in manifests.environments}
    unknown = sorted(set(environments) - known)
    if unknown:
        raise InvalidInput(
            [
                Problem("--env", None, f"no environment named {name!r}", f"one of: {', '.join(sorted(known))}")
                for name in unknown
            ]
        )
    pairs = []
    for environment in manifests.environments:
        if environments and environment.name not in environments:
            continue
        facts = checked.model.environments[environment.name]
        for index, spec in enumerate(environment.manifest.models):
            line = environment.document.line_of(("models", index))
            pairs.append(
                ModelPair(
                    environment=environment.name,
                    production=environment.production,
                    source=full_model_name(spec.name, environment.name),
                    target=uc_full_name(facts.schema, spec.name),
                    manifest_description=spec.description or "",
                    declared_at=f"{environment.source}:{line}",
                )
            )
    return pairs
