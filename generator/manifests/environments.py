"""Validated manifests and where each came from: an :class:`Environment` per file, all of them as :class:`Manifests`."""

from __future__ import annotations

from dataclasses import dataclass

from generator.manifests.archives import Archive
from generator.manifests.manifest import EnvironmentManifest
from generator.manifests.settings import WorkspaceSettings
from generator.manifests.yaml_source import YamlDocument


@dataclass(frozen=True)
class Environment:
    """One validated environment manifest and where it came from."""

    name: str
    manifest: EnvironmentManifest
    document: YamlDocument

    @property
    def source(self) -> str:
        """Path of the manifest relative to the repository root."""
        return self.document.path

    @property
    def production(self) -> bool:
        """Whether this is a production environment."""
        return self.manifest.production


@dataclass(frozen=True)
class Manifests:
    """Every environment of one Databricks workspace plus the shared settings."""

    settings: WorkspaceSettings
    environments: tuple[Environment, ...]
    settings_source: str | None = None
    #: The text of the hand-kept ``versions.tf`` that each environment's own root copies
    #: (``state: per_environment`` only).
    root_versions: str | None = None
    #: The retired environments (``environments/archived/``, and those retired since the last render).
    archives: tuple[Archive, ...] = ()
    #: ``(model, version)`` of the production model versions the audit accepts from other creators.
    accepted_versions: frozenset[tuple[str, str]] = frozenset()

    @property
    def sources(self) -> tuple[str, ...]:
        """Every manifest (and archive record) this workspace was read from, sorted."""
        paths = [environment.source for environment in self.environments]
        paths += [archive.source for archive in self.archives]
        if self.settings_source:
            paths.append(self.settings_source)
        return tuple(sorted(paths))

    def sources_of(self, environment: Environment | Archive) -> tuple[str, ...]:
        """The manifests one environment's (or archive's) files are generated from: its own manifest (or record)
        and the settings file."""
        return tuple(sorted(filter(None, (environment.source, self.settings_source))))

    def display_names(self) -> dict[str, str]:
        """Names of the principals known by id: service principals' display names, and "Terraform identity"."""
        names = {
            principal.key: principal.display_name
            for environment in self.environments
            for principal in environment.manifest.service_principals
            if principal.application_id and principal.display_name
        }
        identity = self.settings.terraform_identity
        if identity is not None:
            names[identity.application_id or identity.user_name or ""] = "Terraform identity"
        return names

    def catalog_of(self, environment: Environment) -> str:
        """The Unity Catalog catalog of ``environment``: its own ``catalog:``, else the settings' pattern."""
        return environment.manifest.catalog or self.settings.uc.catalog_name(environment.name)

    def environment(self, name: str) -> Environment:
        """The environment called ``name``; ``KeyError`` when there is none."""
        for environment in self.environments:
            if environment.name == name:
                return environment
        raise KeyError(name)
