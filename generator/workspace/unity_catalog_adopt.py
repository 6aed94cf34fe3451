"""``mlenv adopt`` in Unity Catalog mode: which declared catalogs, schemas, models and account groups exist.

Creating them again fails, so they are imported (ids and addresses in
:mod:`generator.addresses`). The authoritative grants on an existing securable are imported too
when it has any (the provider finds no grants object to import on a securable without grants), so
that the plan shows each grant Terraform will revoke instead of replacing them unseen. Service
principals need no import (the module adopts them with ``force``); with ``identities: external``
mlenv creates no group, so none is imported.

A production model that exists before Terraform managed it was created, and is owned, by whoever
could create models in the schema: its owner, versions and aliases are listed, and adopting it needs
consent (as in workspace mode).
"""

from __future__ import annotations

from collections.abc import Collection
from functools import partial

from databricks.sdk import AccountClient, WorkspaceClient
from databricks.sdk.errors import NotFound

from generator.addresses import (
    catalog_grants_address,
    catalog_resource_address,
    grants_import_id,
    group_resource_address,
    schema_grants_address,
    schema_resource_address,
    uc_model_grants_address,
    uc_model_resource_address,
)
from generator.model.grants import CATALOG, REGISTERED_MODEL, SCHEMA
from generator.model.permission_model import EnvironmentFacts, PermissionModel
from generator.model.unity_catalog import OWNER
from generator.model.unity_catalog_drift import SECURABLE_TYPES
from generator.workspace.adopt import ExistingObject, Lookup, run_lookups
from generator.workspace.unity_catalog_live_state import direct_grants


def find_existing_unity_catalog(
    model: PermissionModel,
    client: WorkspaceClient,
    account: AccountClient | None,
    concurrency: int = 8,
    only: Collection[str] | None = None,
) -> list[ExistingObject]:
    """Every declared catalog, schema, model (with their grants) and, with ``account``, group that exists; with
    ``only``, just those whose Terraform address is in it."""
    lookups: list[tuple[str, Lookup]] = []
    if account is not None:
        address = group_resource_address(None)
        lookups.append((address, partial(_group, account, "", model.all_principals_group, address)))
    for _, facts in sorted(model.environments.items()):
        if account is not None:
            address = group_resource_address(facts.name)
            lookups.append((address, partial(_group, account, facts.name, facts.group, address)))
        if model.on_object(CATALOG, facts.catalog):
            lookups.append((catalog_resource_address(facts.name), partial(_catalog, client, facts)))
        lookups.append((schema_resource_address(facts.name), partial(_schema, client, facts)))
        lookups += [
            (
                uc_model_resource_address(facts.name, full_name.rpartition(".")[2]),
                partial(_model, client, model, facts, full_name),
            )
            for full_name in facts.models
        ]
    return run_lookups([lookup for address, lookup in lookups if only is None or address in only], concurrency)


def _group(account: AccountClient, environment: str, name: str, address: str) -> list[ExistingObject]:
    group = next(iter(account.groups.list(filter=f'displayName eq "{name}"', attributes="id,displayName")), None)
    if group is None or not group.id:
        return []
    return [ExistingObject(environment, "group", name, address, group.id)]


def _catalog(client: WorkspaceClient, facts: EnvironmentFacts) -> list[ExistingObject]:
    try:
        owner = client.catalogs.get(facts.catalog).owner or "nobody"
    except NotFound:
        return []
    catalog = ExistingObject(
        facts.name,
        "catalog",
        facts.catalog,
        catalog_resource_address(facts.name),
        facts.catalog,
        False,
        (f"owned by {owner}",),
    )
    grants = ExistingObject(
        facts.name,
        "grants",
        f"catalog {facts.catalog}",
        catalog_grants_address(facts.name),
        grants_import_id("catalog", facts.catalog),
    )
    return [catalog, grants] if _has_grants(client, CATALOG, facts.catalog) else [catalog]


def _schema(client: WorkspaceClient, facts: EnvironmentFacts) -> list[ExistingObject]:
    try:
        owner = client.schemas.get(facts.schema).owner or "nobody"
    except NotFound:
        return []
    schema = ExistingObject(
        facts.name,
        "schema",
        facts.schema,
        schema_resource_address(facts.name),
        facts.schema,
        False,
        (f"owned by {owner}",),
    )
    grants = ExistingObject(
        facts.name,
        "grants",
        f"schema {facts.schema}",
        schema_grants_address(facts.name),
        grants_import_id("schema", facts.schema),
    )
    return [schema, grants] if _has_grants(client, SCHEMA, facts.schema) else [schema]


def _has_grants(client: WorkspaceClient, object_type: str, full_name: str) -> bool:
    """Whether the securable has any direct grant: Terraform cannot import the grants of one that has none (it
    reads them as missing), as after a create whose answer was lost before its grants were set."""
    return bool(direct_grants(client, SECURABLE_TYPES[object_type], full_name))


def _model(
    client: WorkspaceClient, model: PermissionModel, facts: EnvironmentFacts, full_name: str
) -> list[ExistingObject]:
    try:
        info = client.registered_models.get(full_name, include_aliases=True)
        versions = list(client.model_versions.list(full_name))
    except NotFound:
        return []
    aliases = {alias.version_num: alias.alias_name for alias in info.aliases or []}
    described = [f"owned by {info.owner or 'nobody'}"] + [
        f"version {version.version} created by {version.created_by or 'unknown'}"
        + (f" (alias {aliases[version.version]})" if version.version in aliases else "")
        for version in sorted(versions, key=lambda version: version.version or 0)
    ]
    short_name = full_name.rpartition(".")[2]
    found = [
        ExistingObject(
            facts.name,
            "registered_model",
            full_name,
            uc_model_resource_address(facts.name, short_name),
            full_name,
            facts.production,
            tuple(described),
        )
    ]
    if _has_grants(client, REGISTERED_MODEL, full_name) and any(
        grant.permission_level != OWNER and not grant.implicit for grant in model.on_object(REGISTERED_MODEL, full_name)
    ):
        found.append(
            ExistingObject(
                facts.name,
                "grants",
                f"model {full_name}",
                uc_model_grants_address(facts.name, short_name),
                grants_import_id("model", full_name),
                facts.production,
            )
        )
    return found
