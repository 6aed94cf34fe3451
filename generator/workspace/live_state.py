"""Reads of the live workspace through databricks-sdk, as the named types of :mod:`generator.model.drift`."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound
from databricks.sdk.service.iam import ComplexValue, Group, ObjectPermissions

from generator.model.drift import LiveAccess, Principal
from generator.model.grants import DIRECTORY, GROUP, SERVICE_PRINCIPAL, USER
from generator.model.levels import MEMBER, level_order

#: SCIM id -> (application id, display name) of every service principal of the workspace.
ServicePrincipals = dict[str, tuple[str, str]]
_ACL_PRINCIPALS = (("group_name", GROUP), ("service_principal_name", SERVICE_PRINCIPAL), ("user_name", USER))


def find_group(client: WorkspaceClient, name: str, attributes: str) -> Group | None:
    """The workspace group whose display name is ``name`` (with ``attributes``), or None."""
    return next(iter(client.groups.list(filter=f'displayName eq "{name}"', attributes=attributes)), None)


def service_principals(client: WorkspaceClient) -> ServicePrincipals:
    """Every service principal of the workspace, by SCIM id."""
    return {
        sp.id or "": (sp.application_id or "", sp.display_name or "")
        for sp in client.service_principals.list(attributes="id,applicationId,displayName")
    }


def live_access(
    client: WorkspaceClient, principals: ServicePrincipals, object_type: str, name: str, expected: Collection[str]
) -> dict[Principal, LiveAccess] | None:
    """Who holds what on one group (its members), directory or registered model; None when it does not exist.

    ``expected`` are the principal names the model expects there: a member service principal is
    named by application id, or by display name when the manifests name it so.
    """
    try:
        if object_type == GROUP:
            return _group_members(client, name, principals, expected)
        if object_type == DIRECTORY:
            status = client.workspace.get_status(name)
            return _access_list(client.permissions.get("directories", str(status.object_id)))
        registered = client.model_registry.get_model(name).registered_model_databricks
        return _access_list(client.permissions.get("registered-models", (registered.id or "") if registered else ""))
    except NotFound:
        return None


def registered_models(client: WorkspaceClient) -> dict[str, str]:
    """Every registered model of the workspace registry: name -> who created it (empty when not said)."""
    return {
        model.name or "": f"created by {model.user_id}" if model.user_id else ""
        for model in client.model_registry.list_models(max_results=1000)
    }


def _group_members(
    client: WorkspaceClient, name: str, principals: ServicePrincipals, expected: Collection[str]
) -> dict[Principal, LiveAccess] | None:
    group = find_group(client, name, "id,displayName,members")
    if group is None:
        return None
    return group_members(group.members or [], principals, expected)


def group_members(
    members: Iterable[ComplexValue], principals: ServicePrincipals, expected: Collection[str]
) -> dict[Principal, LiveAccess]:
    """The SCIM ``members`` of a workspace or account group as principals the model names.

    A member service principal is named by application id (``principals`` maps SCIM ids to them), or by
    display name when ``expected`` names it so.
    """
    found: dict[Principal, LiveAccess] = {}
    for member in members:
        reference = member.ref or ""
        if reference.startswith("Groups/"):
            found[Principal(GROUP, member.display or "")] = LiveAccess(MEMBER)
        elif member.value in principals or reference.startswith("ServicePrincipals/"):
            application_id, display_name = principals.get(member.value or "", ("", member.display or ""))
            named_by_display = application_id not in expected and display_name in expected
            key = display_name if named_by_display else application_id or display_name
            found[Principal(SERVICE_PRINCIPAL, key)] = LiveAccess(MEMBER)
        else:
            found[Principal(USER, member.display or member.value or "")] = LiveAccess(MEMBER)
    return found


def _access_list(permissions: ObjectPermissions) -> dict[Principal, LiveAccess]:
    """The strongest direct level of each principal, or its strongest inherited one when it has no direct one."""
    live: dict[Principal, LiveAccess] = {}
    for entry in permissions.access_control_list or []:
        principal = next(
            (Principal(kind, getattr(entry, field)) for field, kind in _ACL_PRINCIPALS if getattr(entry, field, None)),
            None,
        )
        if principal is None:
            continue
        levels = [
            LiveAccess(
                permission.permission_level.value if permission.permission_level else "",
                bool(permission.inherited),
                ", ".join(permission.inherited_from_object or []),
            )
            for permission in entry.all_permissions or []
        ]
        if levels:
            direct = [level for level in levels if not level.inherited]
            live[principal] = max(direct or levels, key=lambda level: level_order(level.level))
    return live
