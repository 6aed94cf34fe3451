"""The one place the workspace reads' implementations are chosen: the registry by the permission model's, the
identities by ``identities:`` of ``workspace.yaml``."""

from __future__ import annotations

from collections.abc import Callable

from generator.manifests.settings import WorkspaceSettings
from generator.model.permission_model import PermissionModel
from generator.workspace.identities import AccountIdentities, ExternalIdentities, IdentityReader, WorkspaceIdentities
from generator.workspace.registry import RegistryReader
from generator.workspace.unity_catalog import UnityCatalogReader
from generator.workspace.unity_catalog_account import account_client
from generator.workspace.workspace_registry import WorkspaceRegistryReader

#: Every registry's reads, by :attr:`generator.model.registry.ModelRegistry.name`.
REGISTRY_READERS: dict[str, RegistryReader] = {
    reader.name: reader for reader in (WorkspaceRegistryReader(), UnityCatalogReader())
}

#: Every identity mode's reads, by the value of ``identities:``, built from the settings and a timeout (seconds).
IDENTITY_READERS: dict[str, Callable[[WorkspaceSettings, int], IdentityReader]] = {
    "workspace": lambda settings, timeout: WorkspaceIdentities(),
    "account": lambda settings, timeout: AccountIdentities(account_client(settings, timeout), settings.workspace_id),
    "external": lambda settings, timeout: ExternalIdentities(),
}


def registry_reader(model: PermissionModel) -> RegistryReader:
    """The reads of ``model``'s registry."""
    return REGISTRY_READERS[model.registry.name]


def identity_reader(settings: WorkspaceSettings, timeout: int) -> IdentityReader:
    """The reads of the identities the settings choose (an account client for ``account``, which needs the
    account id: :class:`generator.errors.MissingCredentials` without one)."""
    return IDENTITY_READERS[settings.identity_mode](settings, timeout)
