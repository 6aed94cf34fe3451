"""A stand-in workspace in Unity Catalog mode exactly as Terraform leaves it after applying a permission model."""

from __future__ import annotations

import re
from pathlib import Path

from generator.model.grants import CATALOG, DIRECTORY, GROUP, REGISTERED_MODEL, SCHEMA, SERVICE_PRINCIPAL
from generator.model.permission_model import PermissionModel
from generator.model.unity_catalog import OWNER
from tests.support.stand_in import TOKEN, FakeWorkspace

UC_SETTINGS = """registry: unity_catalog
identities: {identities}
workspace_id: 1234567890123456
account_host: {account_host}
unity_catalog:
  catalog_name_pattern: ml_{{env}}
  schema: models
"""

#: Owner of the catalogs mlenv does not manage (``manage_catalogs: false``).
CATALOG_OWNER_ELSEWHERE = "platform-admins"

#: The securable type of each object type in the grants API (a registered model is a FUNCTION).
SECURABLE_TYPE = {CATALOG: "catalog", SCHEMA: "schema", REGISTERED_MODEL: "function"}


def matching_unity_catalog(model: PermissionModel, identities: str = "account", caller: str = "") -> FakeWorkspace:
    """The workspace after ``terraform apply`` of ``model`` in Unity Catalog mode.

    Groups and service principals are account-level (assigned to the workspace) with ``identities:
    account``; with ``external`` they exist in the account and show in the workspace SCIM API too.
    ``caller`` is who the token ``TOKEN`` authenticates as (default: the owner of the catalogs, i.e.
    the identity running Terraform), so the audit reads as the deployment identity does.
    """
    workspace = FakeWorkspace()
    uc = workspace.uc
    owners = {facts.container_owner for facts in model.environments.values()}
    uc.callers[TOKEN] = caller or next(iter(sorted(owners)), "")
    seed_identities(workspace, model, identities)
    for facts in model.environments.values():
        if model.on_object(CATALOG, facts.catalog):
            uc.catalog(facts.catalog, facts.container_owner)
        else:  # manage_catalogs: false: the catalog exists, governed by its own owner
            uc.catalog(facts.catalog, CATALOG_OWNER_ELSEWHERE)
            uc.grant("catalog", facts.catalog, facts.container_owner, "USE_CATALOG", "CREATE_SCHEMA")
            uc.grant("catalog", facts.catalog, facts.group, "USE_CATALOG")
        uc.schema(facts.schema, facts.container_owner)
        for name in facts.models:
            uc.model(name, facts.group)
    for grant in model.grants:
        if grant.implicit or grant.permission_level == OWNER:
            continue
        if grant.object_type in SECURABLE_TYPE:
            uc.grant(SECURABLE_TYPE[grant.object_type], grant.object, grant.principal, grant.permission_level)
        elif grant.object_type == DIRECTORY:
            workspace.grant(DIRECTORY, grant.object, grant.principal_type, grant.principal, grant.permission_level)
    return workspace


def seed_identities(workspace: FakeWorkspace, model: PermissionModel, identities: str = "account") -> None:
    """The account's groups (assigned to the workspace), service principals and reader groups of ``model``;
    with ``external`` (synced by an identity provider) the groups show in the workspace SCIM API too."""
    uc = workspace.uc
    memberships = [grant for grant in model.grants if grant.object_type == GROUP]
    for grant in memberships:
        group = uc.account_group(grant.object)
        if grant.principal_type == SERVICE_PRINCIPAL:
            member = uc.account_service_principal(grant.principal)
        else:
            member = uc.account_group(grant.principal)["id"]
        uc.account_group(group["displayName"], (member,))
        if identities == "external":
            _workspace_member(workspace, grant.object, grant.principal_type, grant.principal)
    readers = {
        grant.principal
        for grant in model.grants
        if grant.object_type in SECURABLE_TYPE and grant.principal_type == GROUP and not grant.implicit
    }
    for reader in sorted(readers):
        uc.account_group(reader)


def _workspace_member(workspace: FakeWorkspace, group_name: str, principal_type: str, principal: str) -> None:
    group = workspace.group(group_name)
    if principal_type == SERVICE_PRINCIPAL:
        sp_id = workspace.service_principal(principal)
        group["members"].append({"value": sp_id, "display": principal, "$ref": f"ServicePrincipals/{sp_id}"})
    else:
        member = workspace.group(principal)
        group["members"].append({"value": member["id"], "display": principal, "$ref": f"Groups/{member['id']}"})


def unity_catalog_repo(repo: Path, identities: str = "account", account_host: str = "http://127.0.0.1:9") -> Path:
    """``repo`` (a copy of this repository's manifests) switched to Unity Catalog mode; reader groups get
    Unity Catalog-friendly names (``data_scientists``) and models lose their tags (Terraform cannot set
    them on Unity Catalog models)."""
    settings = repo / "environments/workspace.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text + UC_SETTINGS.format(identities=identities, account_host=account_host), encoding="utf-8")
    for manifest in (repo / "environments").glob("*.yaml"):
        text = manifest.read_text(encoding="utf-8").replace("data-scientists", "data_scientists")
        manifest.write_text(re.sub(r"\n    tags:\n(?:      .*\n)+", "\n", text), encoding="utf-8")
    return repo
