"""Workspace reads of the Workspace Model Registry: each registered model's permissions, the models no manifest
declares under a production suffix, and the declared models that exist already.

Teams moving from a runtime client that created models on first use (such as the article's
``environment-mlflow-client``) already have ``churn_acc``-style models: creating them again fails
(``RESOURCE_ALREADY_EXISTS``), so they are imported. Directories, memberships and permissions need no import
(creating them over existing ones succeeds, and ``databricks_permissions`` then replaces the whole access list);
service principals are adopted by the module itself (``force``). Whoever created a production model before
Terraform managed it held ``CAN_MANAGE`` and may have registered versions: they are listed (the latest of each
stage, with who registered it).
"""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound, PermissionDenied
from databricks.sdk.service.ml import ModelVersion

from generator.addresses import registered_model_resource_address
from generator.model.drift import Finding, compare_object, not_checked, undeclared_models, unmanaged_objects
from generator.model.grants import REGISTERED_MODEL
from generator.model.permission_model import EnvironmentFacts, PermissionModel
from generator.model.version_creators import version_creator_findings
from generator.workspace.connection import first_sentence
from generator.workspace.live_state import live_access, registered_models
from generator.workspace.lookups import ExistingObject, Lookup
from generator.workspace.registry import Check, RegistryReader


class WorkspaceRegistryReader(RegistryReader):
    """Reads of ``registry: workspace``."""

    name: ClassVar[str] = "workspace"
    object_types: ClassVar[frozenset[str]] = frozenset({REGISTERED_MODEL})
    adoptable: ClassVar[str] = "group or registered model"
    creator_held: ClassVar[str] = "held CAN_MANAGE"
    read_needs: ClassVar[str] = "CAN_MANAGE on the registered model, or workspace admin"

    def read_object(
        self, model: PermissionModel, client: WorkspaceClient, environment: str, object_type: str, name: str
    ) -> list[Finding]:
        expected = model.on_object(object_type, name)
        live = live_access(client, {}, object_type, name, {grant.principal for grant in expected})
        return compare_object(environment, object_type, name, expected, live)

    def checks(self, model: PermissionModel, client: WorkspaceClient) -> list[Check]:
        production = [facts for facts in model.environments.values() if facts.production]
        if not production:
            return []
        creators: list[Check] = [partial(_version_creators, client, model, facts) for facts in production]

        def undeclared() -> list[Finding]:
            try:
                registered = registered_models(client)
            except PermissionDenied as error:
                needs = "a workspace user's right to list registered models"
                return [not_checked("", REGISTERED_MODEL, "*", first_sentence(error), needs)]
            return [finding for facts in production for finding in undeclared_models(model, facts, registered)]

        return [undeclared, *creators]

    def unmanaged(self, model: PermissionModel, client: WorkspaceClient, environments: set[str]) -> list[Finding]:
        if not environments:  # no retired environment found: no second listing of every model
            return []
        live = [name for name in registered_models(client) if name.rpartition("_")[2] in environments]
        return unmanaged_objects(model, REGISTERED_MODEL, "{model}_{env}", live)

    def lookups(self, model: PermissionModel, client: WorkspaceClient) -> list[tuple[str, Lookup]]:
        return [
            (
                registered_model_resource_address(name, full_name),
                partial(_existing_model, client, name, facts.production, full_name),
            )
            for name, facts in sorted(model.environments.items())
            for full_name in facts.models
        ]


def _version_creators(client: WorkspaceClient, model: PermissionModel, facts: EnvironmentFacts) -> list[Finding]:
    """Who registered the latest version of each stage of the production models (the registry's API names no
    other version's creator)."""
    findings = []
    for name in facts.models:
        try:
            registered = client.model_registry.get_model(name).registered_model_databricks
        except NotFound:
            continue  # a missing model is the object's own finding
        except PermissionDenied as error:
            findings.append(not_checked(facts.name, REGISTERED_MODEL, name, first_sentence(error), "CAN_READ on it"))
            continue
        latest = registered.latest_versions if registered is not None else None
        creators = {version.version or "": version.user_id or "" for version in latest or []}
        findings += version_creator_findings(model, facts, name, creators, {})
    return findings


def _existing_model(client: WorkspaceClient, environment: str, production: bool, name: str) -> list[ExistingObject]:
    try:
        registered = client.model_registry.get_model(name).registered_model_databricks
    except NotFound:
        return []
    latest = registered.latest_versions if registered is not None else None
    versions = tuple(
        f"version {version.version} in {version.current_stage or 'None'}, registered by {version.user_id or 'unknown'}"
        for version in sorted(latest or [], key=_version_number)
    )
    address = registered_model_resource_address(environment, name)
    return [ExistingObject(environment, "registered_model", name, address, name, production, versions)]


def _version_number(version: ModelVersion) -> int:
    number = version.version or ""
    return int(number) if number.isdigit() else 0
