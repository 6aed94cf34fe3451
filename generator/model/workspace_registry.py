"""The Workspace Model Registry in the permission model: ``{model}_{env}`` registered models with stage levels.

Each model gets ``CAN_MANAGE_STAGING_VERSIONS`` (``CAN_MANAGE_PRODUCTION_VERSIONS`` in production) for the
environment group and ``CAN_READ`` for its reader groups; Databricks gives admins and the identity running
Terraform (which creates it) ``CAN_MANAGE`` by itself. No containers, nothing inherits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from generator.manifests.manifest import full_model_name, model_suffix
from generator.manifests.settings import WorkspaceSettings
from generator.model.grants import ADMINS_GROUP, GROUP, REGISTERED_MODEL, Grant
from generator.model.permission_model import EnvironmentFacts, PermissionModel
from generator.model.registry import EnvironmentSource, ModelRegistry, ObjectKey, PolicyFinding, RegistryObjects


class WorkspaceModelRegistry(ModelRegistry):
    """The Workspace Model Registry (``registry: workspace``)."""

    name: ClassVar[str] = "workspace"
    title: ClassVar[str] = "Workspace Model Registry"
    mlflow_registry_uri: ClassVar[str] = "databricks"
    reading_level: ClassVar[str] = "CAN_READ"
    inheritance: ClassVar[bool] = False
    undeclared_risk: ClassVar[str] = "someone may be squatting a production name"
    archive_deletes_group: ClassVar[bool] = True

    def environment_objects(self, inputs: EnvironmentSource) -> RegistryObjects:
        environment, group, at = inputs.environment, inputs.group, inputs.at
        name = environment.name
        level = "CAN_MANAGE_PRODUCTION_VERSIONS" if environment.production else "CAN_MANAGE_STAGING_VERSIONS"
        identity_principal, identity_type = inputs.terraform_identity
        grants = []
        for index, model in enumerate(environment.manifest.models):
            full_name = full_model_name(model.name, name)
            grants.append(Grant(name, REGISTERED_MODEL, full_name, GROUP, group, level, source=at("models", index)))
            for reader_index, reader in enumerate(model.readers):
                source = at("models", index, "readers", reader_index)
                grants.append(Grant(name, REGISTERED_MODEL, full_name, GROUP, reader, "CAN_READ", source=source))
            grants.append(Grant(name, REGISTERED_MODEL, full_name, GROUP, ADMINS_GROUP, "CAN_MANAGE", implicit=True))
            grants.append(
                Grant(name, REGISTERED_MODEL, full_name, identity_type, identity_principal, "CAN_MANAGE", implicit=True)
            )
        models = tuple(dict.fromkeys(grant.object for grant in grants))
        return RegistryObjects(tuple(grants), models)

    def is_implicit(self, grant: Grant) -> bool:
        return (
            grant.permission_level == "CAN_MANAGE"
            and grant.object_type == REGISTERED_MODEL
            and (grant.principal == ADMINS_GROUP or grant.principal_type != GROUP)
        )

    def environment_findings(
        self, facts: EnvironmentFacts, model: PermissionModel, object_owner: dict[ObjectKey, str]
    ) -> list[PolicyFinding]:
        return []

    def grant_findings(self, grant: Grant, facts: EnvironmentFacts) -> list[PolicyFinding]:
        return []

    def containers(self, facts: EnvironmentFacts, model: PermissionModel) -> list[ObjectKey]:
        return []

    def objects_below(self, facts: EnvironmentFacts) -> Mapping[ObjectKey, list[ObjectKey]]:
        return {}

    def namespace(self, facts: EnvironmentFacts) -> str:
        return f"under the {'production ' if facts.production else ''}suffix {model_suffix(facts.name)}"

    def in_namespace(self, facts: EnvironmentFacts, full_name: str) -> bool:
        return full_name.endswith(model_suffix(facts.name))

    def short_name(self, facts: EnvironmentFacts, full_name: str) -> str:
        return full_name.removesuffix(model_suffix(facts.name))

    def forgets_on_arrival(self, full_name: str) -> bool:
        return False

    def archive_keepers(self, settings: WorkspaceSettings, terraform_identity: str) -> tuple[str, ...]:
        # Deleting a databricks_permissions resource leaves the workspace admins and the models' creator.
        return (f"the {ADMINS_GROUP} group", f"the Terraform identity ({terraform_identity})")

    def client_variables(self, facts: EnvironmentFacts) -> dict[str, str]:
        return {}
