"""Reads of Unity Catalog and of the account through databricks-sdk, as the types of the drift modules.

Owners come from the securables (``catalogs.get``, ``schemas.get``, ``registered_models.get``); direct
grants from the grants API (``/api/2.1/unity-catalog/permissions/{securable_type}/{full_name}``, a
model being securable type ``function``). The grants are read as raw JSON through the SDK's API
client: its typed ``grants.get`` drops privilege names the SDK does not know, and an audit must not
miss a privilege because it is new.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from databricks.sdk import AccountClient, WorkspaceClient
from databricks.sdk.errors import NotFound

from generator.model.drift import LiveAccess, Principal
from generator.model.grants import CATALOG, SCHEMA
from generator.model.unity_catalog_drift import SECURABLE_TYPES, LiveSecurable
from generator.workspace.live_state import ServicePrincipals, group_members


def read_securable(client: WorkspaceClient, object_type: str, name: str) -> LiveSecurable | None:
    """The owner and direct grants of a catalog, schema or registered model; None when it does not exist."""
    try:
        if object_type == CATALOG:
            owner = client.catalogs.get(name).owner
        elif object_type == SCHEMA:
            owner = client.schemas.get(name).owner
        else:
            owner = client.registered_models.get(name).owner
        return LiveSecurable(owner or "", direct_grants(client, SECURABLE_TYPES[object_type], name))
    except NotFound:
        return None


def direct_grants(client: WorkspaceClient, securable_type: str, full_name: str) -> dict[str, frozenset[str]]:
    """Every principal's direct privileges on one securable, every page."""
    grants: dict[str, frozenset[str]] = {}
    query: dict[str, Any] = {}
    while True:
        page = client.api_client.do(
            "GET", f"/api/2.1/unity-catalog/permissions/{securable_type}/{full_name}", query=query
        )
        assert isinstance(page, dict)
        for assignment in page.get("privilege_assignments") or []:
            principal = str(assignment.get("principal", ""))
            grants[principal] = grants.get(principal, frozenset()) | frozenset(assignment.get("privileges") or [])
        token = page.get("next_page_token")
        if not token:
            return grants
        query = {"page_token": token}


def models_in_schema(client: WorkspaceClient, schema_full_name: str) -> dict[str, str]:
    """Every registered model in the schema ``catalog.schema``: full name -> who owns and created it."""
    catalog, _, schema = schema_full_name.partition(".")
    try:
        return {
            model.full_name or f"{schema_full_name}.{model.name}": f"owned by {model.owner or 'nobody'}, created by "
            f"{model.created_by or 'unknown'}"
            for model in client.registered_models.list(catalog_name=catalog, schema_name=schema)
        }
    except NotFound:
        return {}


def account_service_principals(account: AccountClient) -> ServicePrincipals:
    """Every service principal of the account, by SCIM id."""
    return {
        sp.id or "": (sp.application_id or "", sp.display_name or "")
        for sp in account.service_principals.list(attributes="id,applicationId,displayName")
    }


def account_group_members(
    account: AccountClient, principals: ServicePrincipals, name: str, expected: Collection[str]
) -> dict[Principal, LiveAccess] | None:
    """The members of the account group ``name``; None when it does not exist.

    Account group lists carry no members (since 08/2025), so the group is read by id.
    """
    found = next(iter(account.groups.list(filter=f'displayName eq "{name}"', attributes="id,displayName")), None)
    if found is None or not found.id:
        return None
    try:
        group = account.groups.get(found.id)
    except NotFound:
        return None
    return group_members(group.members or [], principals, expected)


def assigned_principals(account: AccountClient, workspace_id: int) -> set[str]:
    """The names of the groups and service principals assigned to the workspace (any permission)."""
    names: set[str] = set()
    for assignment in account.workspace_assignment.list(workspace_id=workspace_id):
        principal = assignment.principal
        if principal is not None and assignment.permissions:
            names.update(filter(None, (principal.group_name, principal.service_principal_name, principal.user_name)))
    return names
