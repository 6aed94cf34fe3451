"""The permission model: every group membership and every (object, principal, level) grant.

This is the single source of truth. Terraform, the permission files, the Terraform tests
and the audit are all computed from it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

from generator.manifests.archives import Archive
from generator.manifests.environments import Manifests
from generator.manifests.manifest import ENVIRONMENT_NAME_PATTERN
from generator.manifests.settings import TerraformIdentity
from generator.manifests.yaml_source import YamlDocument
from generator.model.grants import (
    ADMINS_GROUP,
    DIRECTORY,
    GROUP,
    SERVICE_PRINCIPAL,
    TERRAFORM_IDENTITY,
    UNKNOWN_TERRAFORM_IDENTITY,
    USER,
    Grant,
)
from generator.model.levels import MEMBER
from generator.model.registry import EnvironmentSource, ModelRegistry

Key = TypeVar("Key", bound=Hashable)

#: An environment's name inside a longer name (``ENVIRONMENT_NAME_PATTERN`` without its anchors), as group 1.
ENVIRONMENT_NAME = "(" + ENVIRONMENT_NAME_PATTERN.strip("^$") + ")"


@dataclass(frozen=True)
class EnvironmentFacts:
    """What the policy needs to know about one environment."""

    name: str
    production: bool
    group: str
    principals: tuple[str, ...]
    experiment_directory: str
    models: tuple[str, ...]
    catalog: str = ""
    schema: str = ""
    container_owner: str = ""


@dataclass(frozen=True)
class Naming:
    """How mlenv names an environment's objects (``workspace.yaml``): what the audit looks for among objects no
    manifest declares. Each pattern has ``{env}`` where the environment's name goes."""

    group_pattern: str = "apps_{env}"
    experiment_root: str = "/experiments"
    catalog_pattern: str = "ml_{env}"

    def environment_of(self, pattern: str, name: str) -> str | None:
        """The environment name ``name`` carries under ``pattern`` (``{env}`` where it goes, ``{model}`` for any
        model name), if it is named that way."""
        regex = re.escape(pattern).replace(re.escape("{model}"), ".+").replace(re.escape("{env}"), ENVIRONMENT_NAME)
        match = re.fullmatch(regex, name)
        return match[1] if match else None


@dataclass(frozen=True)
class PermissionModel:
    """All grants of the workspace the manifests describe, sorted, plus the facts the policy checks them against."""

    grants: tuple[Grant, ...]
    environments: dict[str, EnvironmentFacts]
    all_principals_group: str
    registry: ModelRegistry
    naming: Naming = Naming()
    #: The retired environments whose data is kept, and who may still reach it.
    archives: tuple[Archive, ...] = ()
    archive_keepers: tuple[str, ...] = ()
    #: ``(model, version)`` of the production model versions the audit accepts from other creators.
    accepted_versions: frozenset[tuple[str, str]] = frozenset()

    @property
    def archive_reach(self) -> str:
        """Who may still reach an archive's data, as one phrase (``the admins group and the Terraform identity``)."""
        return " and ".join(self.archive_keepers)

    def for_environment(self, name: str) -> tuple[Grant, ...]:
        """The grants of one environment."""
        return self._by_environment.get(name, ())

    def explicit(self) -> tuple[Grant, ...]:
        """The grants Terraform applies (everything Databricks does not add by itself)."""
        return tuple(grant for grant in self.grants if not grant.implicit)

    def access_list(self, object_type: str, name: str) -> tuple[Grant, ...]:
        """The explicit grants on one directory or registered model, as Terraform must apply them."""
        return self._explicit_by_object.get((object_type, name), ())

    def objects(self) -> list[tuple[str, str, str]]:
        """``(environment, object_type, object)`` of every object a grant or membership names, in grant order."""
        return [(grants[0].environment, object_type, name) for (object_type, name), grants in self._by_object.items()]

    def on_object(self, object_type: str, name: str) -> tuple[Grant, ...]:
        """Every grant (implicit ones too) or membership on one object."""
        return self._by_object.get((object_type, name), ())

    @cached_property
    def _by_object(self) -> dict[tuple[str, str], tuple[Grant, ...]]:
        return _group_by(self.grants, lambda grant: (grant.object_type, grant.object))

    @cached_property
    def _by_environment(self) -> dict[str, tuple[Grant, ...]]:
        return _group_by(self.grants, lambda grant: grant.environment)

    @cached_property
    def _explicit_by_object(self) -> dict[tuple[str, str], tuple[Grant, ...]]:
        return _group_by(self.explicit(), lambda grant: (grant.object_type, grant.object))


def _group_by(grants: tuple[Grant, ...], key: Callable[[Grant], Key]) -> dict[Key, tuple[Grant, ...]]:
    groups: dict[Key, list[Grant]] = {}
    for grant in grants:
        groups.setdefault(key(grant), []).append(grant)
    return {name: tuple(members) for name, members in groups.items()}


def build_permission_model(manifests: Manifests, registry: ModelRegistry) -> PermissionModel:
    """Apply the default policy (docs/ARCHITECTURE.md, "Where a grant is decided") to every environment, its
    models as ``registry`` places them."""
    settings = manifests.settings
    identity_principal, identity_type = _terraform_identity(settings.terraform_identity)
    grants: list[Grant] = []
    facts: dict[str, EnvironmentFacts] = {}
    for environment in manifests.environments:
        name = environment.name
        manifest = environment.manifest
        document = environment.document
        group = settings.group_name(name)
        directory = settings.experiment_directory(name)

        def at(*location: str | int, _document: YamlDocument = document) -> str:
            return f"{_document.path}:{_document.line_of(location)}"

        for index, principal in enumerate(manifest.service_principals):
            grants.append(
                Grant(
                    name, GROUP, group, SERVICE_PRINCIPAL, principal.key, MEMBER, source=at("service_principals", index)
                )
            )
        grants.append(Grant(name, GROUP, settings.all_principals_group, GROUP, group, MEMBER, source=at()))

        grants.append(Grant(name, DIRECTORY, directory, GROUP, group, "CAN_MANAGE", source=at()))
        for index, reader in enumerate(manifest.experiment_readers):
            grants.append(
                Grant(name, DIRECTORY, directory, GROUP, reader, "CAN_READ", source=at("experiment_readers", index))
            )
        grants.append(Grant(name, DIRECTORY, directory, GROUP, ADMINS_GROUP, "CAN_MANAGE", implicit=True))

        principals = tuple(principal.key for principal in manifest.service_principals)
        identity = (identity_principal, identity_type)
        objects = registry.environment_objects(EnvironmentSource(manifests, environment, group, identity, at))
        grants.extend(objects.grants)
        facts[name] = EnvironmentFacts(
            name,
            manifest.production,
            group,
            principals,
            directory,
            objects.models,
            objects.catalog,
            objects.schema,
            objects.container_owner,
        )
    naming = Naming(settings.group_name_pattern, settings.experiment_root, settings.uc.catalog_name_pattern)
    keepers = registry.archive_keepers(settings, identity_principal)
    return PermissionModel(
        tuple(sorted(grants)),
        facts,
        settings.all_principals_group,
        registry,
        naming,
        manifests.archives,
        keepers,
        manifests.accepted_versions,
    )


def _terraform_identity(identity: TerraformIdentity | None) -> tuple[str, str]:
    if identity is None:
        return UNKNOWN_TERRAFORM_IDENTITY, TERRAFORM_IDENTITY
    if identity.application_id is not None:
        return identity.application_id, SERVICE_PRINCIPAL
    return identity.user_name or "", USER
