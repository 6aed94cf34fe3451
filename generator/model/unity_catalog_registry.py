"""Unity Catalog in the permission model: a catalog and schema per environment, models owned by the environment
group, privileges that inherit from catalog to schema to model (DESIGN.md section 7).

The grants are :mod:`.unity_catalog`'s, the invariants :mod:`.unity_catalog_policy`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from generator.manifests.settings import WorkspaceSettings
from generator.model.grants import CATALOG, METASTORE_ADMINS, REGISTERED_MODEL, SCHEMA, Grant
from generator.model.permission_model import EnvironmentFacts, PermissionModel
from generator.model.registry import EnvironmentSource, ModelRegistry, ObjectKey, PolicyFinding, RegistryObjects
from generator.model.unity_catalog import EXECUTE, unity_catalog_grants
from generator.model.unity_catalog_policy import (
    UC_PRIVILEGES,
    check_model_owners,
    check_unity_catalog_grant,
    claim_containers,
    is_implicit_unity_catalog_grant,
)


class UnityCatalogRegistry(ModelRegistry):
    """Unity Catalog (``registry: unity_catalog``)."""

    name: ClassVar[str] = "unity_catalog"
    title: ClassVar[str] = "Unity Catalog"
    mlflow_registry_uri: ClassVar[str] = "databricks-uc"
    reading_level: ClassVar[str] = EXECUTE
    inheritance: ClassVar[bool] = True
    undeclared_risk: ClassVar[str] = "whoever created it owns it, and may have registered versions and set aliases"
    archive_deletes_group: ClassVar[bool] = False

    def environment_objects(self, inputs: EnvironmentSource) -> RegistryObjects:
        return unity_catalog_grants(inputs)

    def is_implicit(self, grant: Grant) -> bool:
        return is_implicit_unity_catalog_grant(grant)

    def environment_findings(
        self, facts: EnvironmentFacts, model: PermissionModel, object_owner: dict[ObjectKey, str]
    ) -> list[PolicyFinding]:
        return [*claim_containers(facts, object_owner), *check_model_owners(facts, model)]

    def grant_findings(self, grant: Grant, facts: EnvironmentFacts) -> list[PolicyFinding]:
        return check_unity_catalog_grant(grant, facts) if grant.object_type in UC_PRIVILEGES else []

    def containers(self, facts: EnvironmentFacts, model: PermissionModel) -> list[ObjectKey]:
        managed_catalog = [(CATALOG, facts.catalog)] if model.on_object(CATALOG, facts.catalog) else []
        return [(SCHEMA, facts.schema), *managed_catalog]

    def objects_below(self, facts: EnvironmentFacts) -> Mapping[ObjectKey, list[ObjectKey]]:
        models = [(REGISTERED_MODEL, name) for name in facts.models]
        return {(CATALOG, facts.catalog): [(SCHEMA, facts.schema), *models], (SCHEMA, facts.schema): models}

    def namespace(self, facts: EnvironmentFacts) -> str:
        return f"in the {'production ' if facts.production else ''}schema {facts.schema}"

    def in_namespace(self, facts: EnvironmentFacts, full_name: str) -> bool:
        return full_name.startswith(f"{facts.schema}.")

    def short_name(self, facts: EnvironmentFacts, full_name: str) -> str:
        return full_name.rpartition(".")[2]

    def forgets_on_arrival(self, full_name: str) -> bool:
        return "." not in full_name  # a Workspace Model Registry model: the Unity Catalog root archives it

    def archive_keepers(self, settings: WorkspaceSettings, terraform_identity: str) -> tuple[str, ...]:
        return (f"the archive owner {settings.uc.archive_owner}", METASTORE_ADMINS)

    def client_variables(self, facts: EnvironmentFacts) -> dict[str, str]:
        return {"MLFLOW_ENV_CATALOG": facts.catalog, "MLFLOW_ENV_SCHEMA": facts.schema.rpartition(".")[2]}
