"""``environments/workspace.yaml``: the settings every environment of one workspace shares.

Defaults apply when the file or a key is absent; the patterns and limits are those of
:mod:`generator.manifests.manifest`, which defines the environment manifest.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from generator.manifests.manifest import (
    BACKEND_KEY_PATTERN,
    CATALOG_PATTERN_PATTERN,
    GROUP_PATTERN_PATTERN,
    HOST_PATTERN,
    STORAGE_ROOT_PATTERN_PATTERN,
    UC_NAME_PATTERN,
    USER_NAME_PATTERN,
    WORKSPACE_PATH_PATTERN,
    ApplicationId,
    GroupName,
    Strict,
)


class TerraformIdentity(Strict):
    """The identity that runs ``terraform apply``; Databricks gives it CAN_MANAGE on every model."""

    application_id: ApplicationId | None = Field(
        default=None, description=("Application id, when Terraform runs as a service principal.")
    )
    user_name: str | None = Field(
        default=None, pattern=USER_NAME_PATTERN, description="User name, when Terraform runs as a user."
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> TerraformIdentity:
        if (self.application_id is None) == (self.user_name is None):
            raise ValueError("give exactly one of application_id or user_name")
        return self


class Backend(Strict):
    """Where Terraform keeps its state; rendered as the root module's backend block."""

    type: Literal["azurerm", "s3"] = Field(description="Backend type: azurerm (Azure Storage) or s3.")
    # Checked key by key, each at its line, by generator.manifests.backend_config.
    config: dict[str, Any] = Field(
        json_schema_extra={"propertyNames": {"pattern": BACKEND_KEY_PATTERN}},
        description="Backend arguments as the backend's documentation names them: text, numbers, booleans, lists of "
        "text and mappings of them, e.g. storage_account_name, container_name, key (azurerm) or bucket, key, region, "
        "use_lockfile, endpoints: {s3: URL} (s3). No credentials: the backend reads them from the environment.",
    )


class UnityCatalogSettings(Strict):
    """Where each environment's models live in Unity Catalog (``registry: unity_catalog``)."""

    catalog_name_pattern: str = Field(
        default="ml_{env}",
        pattern=CATALOG_PATTERN_PATTERN,
        description="Catalog of each environment; '{env}' is replaced by the environment name.",
    )
    schema_name: str = Field(
        default="models",
        alias="schema",
        pattern=UC_NAME_PATTERN,
        description="Schema in each catalog that holds the registered models.",
    )
    manage_catalogs: bool = Field(
        default=True,
        description=(
            "true: mlenv creates each catalog and owns its grants. false: the catalogs exist already and are "
            "governed elsewhere; mlenv manages the schema and below, and the catalog owner grants USE_CATALOG."
        ),
    )
    storage_root_pattern: str | None = Field(
        default=None,
        pattern=STORAGE_ROOT_PATTERN_PATTERN,
        description="Managed storage location of each catalog, with '{env}'; null uses the metastore's.",
    )
    owner_group: GroupName | None = Field(
        default=None,
        description=(
            "Account group that owns every catalog and schema (a platform team); null leaves them with the "
            "identity running Terraform. The owner can grant itself anything below, and the permission files "
            "say so."
        ),
    )
    archive_owner: GroupName | None = Field(
        default=None,
        description=(
            "Account group that owns the catalog, schema and models of every retired environment (its archive), "
            "e.g. a platform team; metastore admins keep their implicit access. Needed before an environment is "
            "retired: its group, which owned its models, is deleted."
        ),
    )

    def catalog_name(self, environment: str) -> str:
        """The catalog of ``environment`` under the pattern."""
        return self.catalog_name_pattern.replace("{env}", environment)

    def storage_root(self, environment: str) -> str | None:
        """The managed storage location of ``environment``'s catalog, if one is configured."""
        if self.storage_root_pattern is None:
            return None
        return self.storage_root_pattern.replace("{env}", environment)


class WorkspaceSettings(Strict):
    """``environments/workspace.yaml``: settings shared by every environment (optional file)."""

    experiment_root: str = Field(
        default="/experiments",
        pattern=WORKSPACE_PATH_PATTERN,
        description=("Workspace directory under which each environment gets {experiment_root}/{env}."),
    )
    group_name_pattern: str = Field(
        default="apps_{env}",
        pattern=GROUP_PATTERN_PATTERN,
        description=("Name of each environment's group; '{env}' is replaced by the environment name."),
    )
    all_principals_group: GroupName = Field(
        default="apps_all", description=("Group whose members are every environment's group.")
    )
    terraform_identity: TerraformIdentity | None = Field(
        default=None,
        description=("The identity that runs terraform apply, so permission files name it instead of a placeholder."),
    )
    databricks_host: str | None = Field(
        default=None,
        pattern=HOST_PATTERN,
        description=(
            "URL of the workspace these manifests manage, e.g. https://adb-123.4.azuredatabricks.net. When set, "
            "plan, apply, audit and adopt refuse credentials that point at another workspace."
        ),
    )
    backend: Backend | None = Field(
        default=None,
        description=(
            "Remote state; without it Terraform keeps local state. With state: per_environment a config value "
            "must contain '{env}' (each root's own key, 'workspace' for the shared root)."
        ),
    )
    state: Literal["single", "per_environment"] = Field(
        default="single",
        description=(
            "single: one Terraform root and state for every environment. per_environment: a shared root at the "
            "top (the all-principals group) and one root, state and lock per environment under roots/{env}, so "
            "a team's change plans and locks only its own environment."
        ),
    )
    request_budget: int = Field(
        default=15,
        ge=1,
        le=1000,
        description=(
            "Requests per second mlenv's Terraform runs may send to the workspace in total. Databricks throttles "
            "per workspace, the provider limits each process (rate_limit, 15 by default): mlenv gives each "
            "Terraform process its share. Lower it when other tools share the workspace's limit."
        ),
    )
    registry: Literal["workspace", "unity_catalog"] = Field(
        default="workspace",
        description=(
            "Where models are registered: workspace (the Workspace Model Registry, stage permissions) or "
            "unity_catalog (a catalog per environment, models owned by the environment group)."
        ),
    )
    unity_catalog: UnityCatalogSettings | None = Field(
        default=None, description="Catalogs and schema of each environment; only with registry: unity_catalog."
    )
    identities: Literal["workspace", "account", "external"] | None = Field(
        default=None,
        description=(
            "Who creates groups and service principals: workspace (workspace-local; workspace registry only), "
            "account (account-level, assigned to this workspace; the default with unity_catalog) or external "
            "(synced from the identity provider; mlenv creates none and checks they exist)."
        ),
    )
    workspace_id: int | None = Field(
        default=None,
        ge=1,
        description="Numeric id of the workspace, to assign account-level groups to it (identities: account).",
    )
    account_host: str | None = Field(
        default=None,
        pattern=HOST_PATTERN,
        description=(
            "URL of the account console for identities: account; null picks it from databricks_host's cloud "
            "(accounts.azuredatabricks.net, accounts.gcp.databricks.com, else accounts.cloud.databricks.com)."
        ),
    )

    @property
    def per_environment_state(self) -> bool:
        """Whether each environment has its own Terraform root and state."""
        return self.state == "per_environment"

    @property
    def unity_catalog_mode(self) -> bool:
        """Whether models are registered in Unity Catalog."""
        return self.registry == "unity_catalog"

    @property
    def uc(self) -> UnityCatalogSettings:
        """The Unity Catalog settings, with their defaults when the block is left out."""
        return self.unity_catalog or UnityCatalogSettings()

    @property
    def identity_mode(self) -> str:
        """``workspace``, ``account`` or ``external``: who creates groups and service principals."""
        if self.identities is not None:
            return self.identities
        return "account" if self.unity_catalog_mode else "workspace"

    @property
    def account_console(self) -> str:
        """The account console URL the account-level provider configuration talks to."""
        if self.account_host is not None:
            return self.account_host.rstrip("/")
        host = self.databricks_host or ""
        if "azuredatabricks.net" in host:
            return "https://accounts.azuredatabricks.net"
        if "gcp.databricks.com" in host:
            return "https://accounts.gcp.databricks.com"
        return "https://accounts.cloud.databricks.com"

    def group_name(self, environment: str) -> str:
        """The group of ``environment``'s service principals."""
        return self.group_name_pattern.replace("{env}", environment)

    def experiment_directory(self, environment: str) -> str:
        """The experiment directory of ``environment``."""
        return f"{self.experiment_root}/{environment}"
