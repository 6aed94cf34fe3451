"""The seam between the workspace reads and who creates groups and service principals (``identities:``).

Where the audit reads a group's members and the service principals' ids, what else it checks about identities,
and which groups ``mlenv adopt`` (and a plan's existence check) looks up: the workspace's SCIM API (``workspace``:
the Workspace Model Registry's workspace-level groups, which mlenv creates; ``external``: the identity provider's,
which mlenv only looks up) or the account console (``account``). Each mode implements :class:`IdentityReader` once;
:mod:`.registries` chooses one from the settings.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection
from functools import partial
from typing import ClassVar, cast

from databricks.sdk import AccountClient, WorkspaceClient
from databricks.sdk.errors import PermissionDenied

from generator.addresses import group_resource_address
from generator.model.drift import Finding, LiveAccess, Principal, not_checked
from generator.model.permission_model import PermissionModel
from generator.model.unity_catalog_drift import unassigned_groups
from generator.workspace.connection import RequestCounter, first_sentence
from generator.workspace.live_state import ServicePrincipals, find_group, live_access, service_principals
from generator.workspace.lookups import ExistingObject, Lookup
from generator.workspace.unity_catalog_live_state import (
    account_group_members,
    account_service_principals,
    assigned_principals,
)

#: One check of the audit beyond the objects of the permission model.
Check = Callable[[], list[Finding]]


class IdentityReader(ABC):
    """Where groups and service principals are read."""

    #: What the audit's identity needs to read a group's members (named when it may not).
    read_needs: ClassVar[str] = "workspace admin, or the manager role on the group"

    @abstractmethod
    def service_principals(self, client: WorkspaceClient) -> ServicePrincipals:
        """Every service principal, by SCIM id (to name group members by application id)."""

    @abstractmethod
    def group_members(
        self, client: WorkspaceClient, principals: ServicePrincipals, name: str, expected: Collection[str]
    ) -> dict[Principal, LiveAccess] | None:
        """The members of group ``name``; None when it does not exist."""

    @abstractmethod
    def group_names(self, client: WorkspaceClient) -> list[str]:
        """The name of every group where this mode's groups live (to find the ones no manifest declares)."""

    @abstractmethod
    def checks(self, model: PermissionModel, client: WorkspaceClient) -> list[Check]:
        """The audit's checks of the identities themselves."""

    @abstractmethod
    def group_lookups(self, model: PermissionModel, client: WorkspaceClient) -> list[tuple[str, Lookup]]:
        """``(Terraform address, lookup)`` of every group mlenv creates, to find the ones that exist already."""

    @abstractmethod
    def requests(self) -> int:
        """Requests sent outside the workspace client (to the account console)."""


class _WorkspaceScim(IdentityReader):
    """Groups and service principals of the workspace's SCIM API."""

    def service_principals(self, client: WorkspaceClient) -> ServicePrincipals:
        return service_principals(client)

    def group_members(
        self, client: WorkspaceClient, principals: ServicePrincipals, name: str, expected: Collection[str]
    ) -> dict[Principal, LiveAccess] | None:
        return live_access(client, principals, "group", name, expected)

    def group_names(self, client: WorkspaceClient) -> list[str]:
        return [group.display_name or "" for group in client.groups.list(attributes="displayName")]

    def checks(self, model: PermissionModel, client: WorkspaceClient) -> list[Check]:
        return []

    def requests(self) -> int:
        return 0


class WorkspaceIdentities(_WorkspaceScim):
    """``identities: workspace``: workspace-local groups and service principals, created by mlenv."""

    def group_lookups(self, model: PermissionModel, client: WorkspaceClient) -> list[tuple[str, Lookup]]:
        return [
            (group_resource_address(environment or None), partial(_workspace_group, client, environment, name))
            for environment, name in _groups(model)
        ]


class ExternalIdentities(_WorkspaceScim):
    """``identities: external``: an identity provider's groups and service principals, synced to the workspace;
    mlenv creates none, so it adopts none."""

    def group_lookups(self, model: PermissionModel, client: WorkspaceClient) -> list[tuple[str, Lookup]]:
        return []


class AccountIdentities(IdentityReader):
    """``identities: account``: account-level groups and service principals, created by mlenv and assigned to the
    workspace ``workspace_id`` (``None``: the workspace the client talks to)."""

    read_needs: ClassVar[str] = "account admin, or the manager role on the group"

    def __init__(self, account: AccountClient, workspace_id: int | None):
        self.account = account
        self.workspace_id = workspace_id
        # RequestCounter only wraps ``api_client.do``, which an AccountClient has too.
        self._requests = RequestCounter(cast(WorkspaceClient, account))

    def service_principals(self, client: WorkspaceClient) -> ServicePrincipals:
        return account_service_principals(self.account)

    def group_members(
        self, client: WorkspaceClient, principals: ServicePrincipals, name: str, expected: Collection[str]
    ) -> dict[Principal, LiveAccess] | None:
        return account_group_members(self.account, principals, name, expected)

    def group_names(self, client: WorkspaceClient) -> list[str]:
        return [group.display_name or "" for group in self.account.groups.list(attributes="displayName")]

    def checks(self, model: PermissionModel, client: WorkspaceClient) -> list[Check]:
        def unassigned() -> list[Finding]:
            workspace_id = self.workspace_id or client.get_workspace_id()
            try:
                assigned = assigned_principals(self.account, workspace_id)
            except PermissionDenied as error:
                needs = "account admin, to list the workspace's permission assignments"
                return [not_checked("", "workspace", str(workspace_id), first_sentence(error), needs)]
            return unassigned_groups(model, assigned, workspace_id)

        return [unassigned]

    def group_lookups(self, model: PermissionModel, client: WorkspaceClient) -> list[tuple[str, Lookup]]:
        return [
            (group_resource_address(environment or None), partial(_account_group, self.account, environment, name))
            for environment, name in _groups(model)
        ]

    def requests(self) -> int:
        return self._requests.count


def _groups(model: PermissionModel) -> list[tuple[str, str]]:
    """``(environment, group)`` of the all-principals group (environment ``""``) and every environment group."""
    return [("", model.all_principals_group)] + [
        (name, facts.group) for name, facts in sorted(model.environments.items())
    ]


def _workspace_group(client: WorkspaceClient, environment: str, name: str) -> list[ExistingObject]:
    group = find_group(client, name, "id,displayName")
    if group is None:
        return []
    return [ExistingObject(environment, "group", name, group_resource_address(environment or None), group.id or "")]


def _account_group(account: AccountClient, environment: str, name: str) -> list[ExistingObject]:
    group = next(iter(account.groups.list(filter=f'displayName eq "{name}"', attributes="id,displayName")), None)
    if group is None or not group.id:
        return []
    return [ExistingObject(environment, "group", name, group_resource_address(environment or None), group.id)]
