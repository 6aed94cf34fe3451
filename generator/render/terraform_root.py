"""Render the Terraform roots and their ``terraform test`` from the permission model.

The roots call the reusable modules under ``modules/`` with explicit inputs; every access list comes from the
permission model, so the modules decide nothing. Every registry's roots are laid out the same way here (each
environment's file, each own root's test, the shared file, the root test, :mod:`.state_layout`'s files); what
differs per registry comes from its :class:`~generator.render.registry.RegistryRendering`.
"""

from __future__ import annotations

from generator.manifests.environments import Manifests
from generator.model.permission_model import PermissionModel
from generator.paths import SHARED_TERRAFORM_FILE, TERRAFORM_TEST_FILE
from generator.render.header import Header
from generator.render.registries import rendering_of
from generator.render.registry import RenderInputs
from generator.render.state_layout import layout_of, root_files, shared_sources


def render_terraform(manifests: Manifests, model: PermissionModel, header: Header) -> dict[str, str]:
    """Every Terraform file of the roots, by path relative to the repository root.

    ``header(sources, comment)`` returns the generated-file header for the given sources. With ``state:
    per_environment`` each environment gets its own root (:mod:`.state_layout`) with its own test.
    """
    rendering = rendering_of(model)
    layout = layout_of(manifests)
    inputs = RenderInputs(manifests, model, layout, header)
    files: dict[str, str] = {}
    for environment in manifests.environments:
        files[layout.environment_file(environment.name)] = rendering.environment_file(inputs, environment)
        if layout.per_environment:
            checks = rendering.environment_checks(inputs, environment, own_root=True)
            sources = header(manifests.sources_of(environment), "#")
            files[layout.test_file(environment.name)] = rendering.test_file(inputs, sources, checks)
    for archive in manifests.archives:
        files[layout.environment_file(archive.name)] = rendering.archive_file(inputs, archive)
    files[SHARED_TERRAFORM_FILE] = rendering.shared_file(inputs)
    checks = [
        check
        for environment in manifests.environments
        if not layout.per_environment
        for check in rendering.environment_checks(inputs, environment, own_root=False)
    ]
    checks.append(rendering.shared_check(inputs))
    files[TERRAFORM_TEST_FILE] = rendering.test_file(inputs, header(shared_sources(manifests), "#"), checks)
    files.update(rendering.root_files(inputs))
    files.update(root_files(manifests, header))
    return files
