"""Workspace reads of Unity Catalog: owners and direct grants of every catalog, schema and model, the models of
each production schema that no manifest declares, a production catalog governed outside mlenv, and the declared
catalogs, schemas and models that exist already (DESIGN.md section 7).

Creating an existing securable again fails, so it is imported (ids and addresses in :mod:`generator.addresses`).
The authoritative grants on an existing securable are imported too when it has any (the provider finds no grants
object to import on a securable without grants), so that the plan shows each grant Terraform will revoke instead of
replacing them unseen. A production model that exists before Terraform managed it was created, and is owned, by
whoever could create models in the schema: its owner, versions and aliases are listed, and adopting it needs
consent. The comparison is :mod:`generator.model.unity_catalog_drift`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import ClassVar, Literal

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound, PermissionDenied
from databricks.sdk.service.catalog import CatalogInfo, SchemaInfo

from generator.addresses import (
    catalog_grants_address,
    catalog_resource_address,
    grants_import_id,
    schema_grants_address,
    schema_resource_address,
    uc_model_grants_address,
    uc_model_resource_address,
)
from generator.model.drift import NOT_CHECKED, Finding, not_checked, undeclared_models, unmanaged_objects
from generator.model.grants import CATALOG, REGISTERED_MODEL, SCHEMA
from generator.model.permission_model import EnvironmentFacts, PermissionModel
from generator.model.unity_catalog import OWNER
from generator.model.unity_catalog_drift import (
    SECURABLE_TYPES,
    SECURABLES,
    compare_securable,
    unmanaged_catalog_risks,
)
from generator.model.version_creators import version_creator_findings
from generator.workspace.connection import first_sentence
from generator.workspace.lookups import ExistingObject, Lookup
from generator.workspace.registry import Check, RegistryReader
from generator.workspace.unity_catalog_live_state import direct_grants, models_in_schema, read_securable


class UnityCatalogReader(RegistryReader):
    """Reads of ``registry: unity_catalog``."""

    name: ClassVar[str] = "unity_catalog"
    object_types: ClassVar[frozenset[str]] = frozenset(SECURABLES)
    adoptable: ClassVar[str] = "catalog, schema, model or group"
    creator_held: ClassVar[str] = "owns them"
    read_needs: ClassVar[str] = "ownership of it or of its catalog or schema, MANAGE on one of them, or metastore admin"

    def read_object(
        self, model: PermissionModel, client: WorkspaceClient, environment: str, object_type: str, name: str
    ) -> list[Finding]:
        live = read_securable(client, object_type, name)
        return compare_securable(model, model.environments[environment], object_type, name, live)

    def checks(self, model: PermissionModel, client: WorkspaceClient) -> list[Check]:
        production = [facts for facts in model.environments.values() if facts.production]
        checks: list[Check] = [partial(_undeclared, model, client, facts) for facts in production]
        checks += [partial(_version_creators, client, model, facts) for facts in production]
        checks += [
            partial(_unmanaged_catalog, client, facts)
            for facts in production
            if not model.on_object(CATALOG, facts.catalog)
        ]
        return checks

    def unmanaged(self, model: PermissionModel, client: WorkspaceClient, environments: set[str]) -> list[Finding]:
        catalogs = [catalog.name or "" for catalog in client.catalogs.list()]
        return unmanaged_objects(model, CATALOG, model.naming.catalog_pattern, catalogs)

    def lookups(self, model: PermissionModel, client: WorkspaceClient) -> list[tuple[str, Lookup]]:
        lookups: list[tuple[str, Lookup]] = []
        for _, facts in sorted(model.environments.items()):
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
        return lookups


def _undeclared(model: PermissionModel, client: WorkspaceClient, facts: EnvironmentFacts) -> list[Finding]:
    try:
        registered = models_in_schema(client, facts.schema)
    except PermissionDenied as error:
        needs = "USE_CATALOG and USE_SCHEMA (or ownership) to list the models of this production schema"
        return [not_checked(facts.name, SCHEMA, facts.schema, first_sentence(error), needs)]
    return undeclared_models(model, facts, registered)


def _unmanaged_catalog(client: WorkspaceClient, facts: EnvironmentFacts) -> list[Finding]:
    """Squatting risks on a production catalog governed outside mlenv, or why they could not be read."""
    try:
        return unmanaged_catalog_risks(facts, read_securable(client, CATALOG, facts.catalog))
    except PermissionDenied as error:
        detail = f"cannot read the grants of this catalog governed outside mlenv: {first_sentence(error)}"
        return [Finding(facts.name, CATALOG, facts.catalog, NOT_CHECKED, detail=detail)]


def _catalog(client: WorkspaceClient, facts: EnvironmentFacts) -> list[ExistingObject]:
    addresses = (catalog_resource_address(facts.name), catalog_grants_address(facts.name))
    return _container(client, facts, "catalog", facts.catalog, addresses, client.catalogs.get)


def _schema(client: WorkspaceClient, facts: EnvironmentFacts) -> list[ExistingObject]:
    addresses = (schema_resource_address(facts.name), schema_grants_address(facts.name))
    return _container(client, facts, "schema", facts.schema, addresses, client.schemas.get)


def _container(
    client: WorkspaceClient,
    facts: EnvironmentFacts,
    kind: Literal["catalog", "schema"],
    name: str,
    addresses: tuple[str, str],
    get: Callable[[str], CatalogInfo | SchemaInfo],
) -> list[ExistingObject]:
    """The catalog or schema ``name`` (read with ``get``) and, when it has direct grants, its grants object."""
    try:
        owner = get(name).owner or "nobody"
    except NotFound:
        return []
    found = ExistingObject(facts.name, kind, name, addresses[0], name, False, (f"owned by {owner}",))
    grants = ExistingObject(facts.name, "grants", f"{kind} {name}", addresses[1], grants_import_id(kind, name))
    return [found, grants] if _has_grants(client, kind, name) else [found]


def _version_creators(client: WorkspaceClient, model: PermissionModel, facts: EnvironmentFacts) -> list[Finding]:
    """Who created every version of the production models, and which aliases point at each."""
    findings = []
    for name in facts.models:
        try:
            info = client.registered_models.get(name, include_aliases=True)
            creators = {str(version.version): version.created_by or "" for version in client.model_versions.list(name)}
        except NotFound:
            continue  # a missing model is the object's own finding
        except PermissionDenied as error:
            findings.append(not_checked(facts.name, REGISTERED_MODEL, name, first_sentence(error), "EXECUTE on it"))
            continue
        aliases: dict[str, list[str]] = {}
        for alias in info.aliases or []:
            aliases.setdefault(str(alias.version_num), []).append(alias.alias_name or "")
        findings += version_creator_findings(model, facts, name, creators, aliases)
    return findings


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
