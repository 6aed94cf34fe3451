"""The one place the permission model's registry is chosen: ``registry:`` of ``workspace.yaml``."""

from __future__ import annotations

from generator.manifests.settings import WorkspaceSettings
from generator.model.registry import ModelRegistry
from generator.model.unity_catalog_registry import UnityCatalogRegistry
from generator.model.workspace_registry import WorkspaceModelRegistry

#: Every registry, by the value of ``registry:`` that chooses it.
MODEL_REGISTRIES: dict[str, ModelRegistry] = {
    registry.name: registry for registry in (WorkspaceModelRegistry(), UnityCatalogRegistry())
}


def model_registry(settings: WorkspaceSettings) -> ModelRegistry:
    """The registry the settings choose."""
    return MODEL_REGISTRIES[settings.registry]
