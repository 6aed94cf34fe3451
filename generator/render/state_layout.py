"""Where each Terraform file goes: one root for every environment (``state: single``), or a shared root at the
repository top and one root per environment under ``roots/{env}`` (``state: per_environment``).

An environment's own root keeps the module call names of the single root (so addresses, imports and the move
between layouts stay the same), calls the modules by a path relative to its directory, copies the pins of
``versions.tf``, has its own backend key and its own ``terraform test``, and adds its group to the
all-principals group by that group's name (:func:`membership_block`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.addresses import ACCOUNT_PROVIDERS, membership_call, membership_module_source
from generator.errors import InvalidInput, Problem
from generator.manifests.environments import Manifests
from generator.manifests.roots import Root, roots_of
from generator.paths import (
    BACKEND_TERRAFORM_FILE,
    ROOT_TEST_DIRECTORY,
    ROOT_VERSIONS_FILE,
    TERRAFORM_TEST_FILE_NAME,
    VERSIONS_FILE,
    environment_root_directory,
    environment_terraform_file,
    in_root,
)
from generator.render.hcl import Expression, hcl_body
from generator.render.header import Header
from generator.render.terraform_common import templates

#: What the placeholder of a per-root backend key becomes in the shared root.
ENV_PLACEHOLDER = "{env}"


@dataclass(frozen=True)
class RootLayout:
    """The directory of each environment's Terraform files: the repository's roots (:func:`roots_of`)."""

    roots: tuple[Root, ...]

    @property
    def per_environment(self) -> bool:
        """Whether each environment has its own root."""
        return any(root.environment is not None for root in self.roots)

    def directory(self, environment: str) -> str:
        """The root directory that holds ``environment``'s module calls (``.`` is the repository top)."""
        return next((root.directory for root in self.roots if root.environment == environment), ".")

    def environment_file(self, environment: str) -> str:
        """Path of the module calls of ``environment``."""
        return in_root(self.directory(environment), environment_terraform_file(environment))

    def test_file(self, environment: str) -> str:
        """Path of the generated ``terraform test`` of the own root of ``environment``."""
        return in_root(self.directory(environment), f"{ROOT_TEST_DIRECTORY}/{TERRAFORM_TEST_FILE_NAME}")


def layout_of(manifests: Manifests) -> RootLayout:
    """The layout the settings ask for."""
    return RootLayout(tuple(roots_of(manifests)))


def shared_sources(manifests: Manifests) -> tuple[str, ...]:
    """The manifests the shared root's files come from: all of them in one root, only the settings when each
    environment has its own root (adding an environment then leaves the shared root as it is)."""
    if manifests.settings.per_environment_state:
        return tuple(filter(None, (manifests.settings_source,)))
    return manifests.sources


def membership_block(
    environment: str, group: str, group_address: str, all_principals_group: str, account: bool
) -> dict[str, str]:
    """The call, in the own root of ``environment``, that adds its ``group`` (the module call at
    ``group_address``) to the all-principals group, found by name."""
    head: list[tuple[str, Any]] = [("source", membership_module_source(environment_root_directory(environment)))]
    if account:
        head.append(("providers", Expression(ACCOUNT_PROVIDERS)))
    inputs: list[tuple[str, Any]] = [
        ("group_name", all_principals_group),
        ("member_ids", {group: Expression(f"{group_address}.id")}),
    ]
    if account:
        inputs.append(("account", True))
    return {"call": membership_call(environment), "body": hcl_body([head, inputs])}


def root_files(manifests: Manifests, header: Header) -> dict[str, str]:
    """The files every root needs beyond its module calls: the backend of each root (its key with the root's
    name) and, in each environment's own root, the copy of ``versions.tf`` and the account provider."""
    settings = manifests.settings
    files: dict[str, str] = {}
    backend_template = templates().get_template("backend.tf.j2")
    settings_sources = tuple(filter(None, (manifests.settings_source,)))
    for root in roots_of(manifests):
        name, directory = root.name, root.directory
        if settings.backend is not None:
            config = {
                key: value.replace(ENV_PLACEHOLDER, name) if isinstance(value, str) else value
                for key, value in settings.backend.config.items()
            }
            files[in_root(directory, BACKEND_TERRAFORM_FILE)] = backend_template.render(
                header=header(settings_sources, "#"),
                backend=settings.backend,
                body=hcl_body([sorted(config.items())], depth=2),
            )
        if directory != ".":
            if manifests.root_versions is None:
                raise InvalidInput(
                    [
                        Problem(
                            VERSIONS_FILE,
                            None,
                            "not found",
                            "state: per_environment copies the Terraform and provider pins of versions.tf into "
                            "every environment's root; keep them there (a terraform block with required_providers)",
                        )
                    ]
                )
            files[in_root(directory, ROOT_VERSIONS_FILE)] = (
                header((VERSIONS_FILE,), "#")
                + "\n# The pins of the root at the repository top, for this root.\n\n"
                + manifests.root_versions
            )
    return files
