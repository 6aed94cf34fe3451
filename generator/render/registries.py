"""The one place the renderers' registry is chosen: the permission model's registry."""

from __future__ import annotations

from generator.model.permission_model import PermissionModel
from generator.render.registry import RegistryRendering
from generator.render.unity_catalog import UnityCatalogRendering
from generator.render.workspace_registry import WorkspaceRegistryRendering

#: Every registry's rendering, by :attr:`generator.model.registry.ModelRegistry.name`.
RENDERINGS: dict[str, RegistryRendering] = {
    rendering.name: rendering for rendering in (WorkspaceRegistryRendering(), UnityCatalogRendering())
}


def rendering_of(model: PermissionModel) -> RegistryRendering:
    """The rendering of ``model``'s registry."""
    return rendering_for(model.registry.name)


def rendering_for(registry: str) -> RegistryRendering:
    """The rendering of the registry ``registry:`` names (for files written before a model exists)."""
    return RENDERINGS[registry]
