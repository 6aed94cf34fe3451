"""Terraform names: the module calls of the generated root, their sources, and resource addresses.

The templates, ``mlenv adopt`` (import blocks) and the generated Terraform test all take their
names from here, so a renamed module call cannot leave one of them behind.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from enum import StrEnum

from generator.paths import MODULES_DIRECTORY


class EnvironmentModule(StrEnum):
    """The module calls each environment gets; the value is the suffix of the call's name."""

    SERVICE_PRINCIPALS = "service_principals"
    GROUP = "group"
    EXPERIMENTS = "experiments"
    MODELS = "models"


#: Name of the module call that manages the all-principals group (in the shared root file).
ALL_PRINCIPALS_GROUP_CALL = "all_principals_group"

#: The reusable module each call uses, by directory name under ``modules/``.
_MODULE_DIRECTORIES = {
    EnvironmentModule.SERVICE_PRINCIPALS: "service-principals",
    EnvironmentModule.GROUP: "group",
    EnvironmentModule.EXPERIMENTS: "experiment-directory",
    EnvironmentModule.MODELS: "registered-models",
}


class UnityCatalogModule(StrEnum):
    """The module calls each environment gets with ``registry: unity_catalog``; the value is the suffix of the
    call's name. ``SERVICE_PRINCIPALS`` and ``GROUP`` with ``identities: account``, ``IDENTITIES`` (lookups of
    the groups and service principals an identity provider owns) with ``identities: external``."""

    SERVICE_PRINCIPALS = "service_principals"
    IDENTITIES = "identities"
    GROUP = "group"
    EXPERIMENTS = "experiments"
    CATALOG = "uc"
    MODELS = "models"


#: The reusable module each Unity Catalog call uses, by directory name under ``modules/``.
_UC_MODULE_DIRECTORIES = {
    UnityCatalogModule.SERVICE_PRINCIPALS: "account-service-principals",
    UnityCatalogModule.IDENTITIES: "external-identities",
    UnityCatalogModule.GROUP: "account-group",
    UnityCatalogModule.EXPERIMENTS: "experiment-directory",
    UnityCatalogModule.CATALOG: "uc-catalog",
    UnityCatalogModule.MODELS: "uc-models",
}

#: Alias of the provider configuration that talks to the account console (Unity Catalog mode).
ACCOUNT_PROVIDER_ALIAS = "account"
#: The ``providers`` argument of a module call that manages or reads account-level identities.
ACCOUNT_PROVIDERS = f"{{ databricks = databricks.{ACCOUNT_PROVIDER_ALIAS} }}"

#: Resources inside the modules that ``mlenv adopt`` imports.
GROUP_RESOURCE = "databricks_group.this"
REGISTERED_MODEL_RESOURCE = "databricks_mlflow_model.this"
#: The experiment directory (modules ``experiment-directory``, ``archive``, ``uc-archive``) and the service principals
#: (modules ``service-principals``, ``account-service-principals``).
DIRECTORY_RESOURCE = "databricks_directory.this"
SERVICE_PRINCIPAL_RESOURCE = "databricks_service_principal.this"
#: The resources of the workspace-level ``group`` module.
WORKSPACE_GROUP_RESOURCES = (GROUP_RESOURCE, "databricks_group_member.this")
#: The permissions of the Workspace Model Registry models (module ``registered-models``).
MODEL_PERMISSIONS_RESOURCE = "databricks_permissions.this"


#: Name of the module call, in each environment's own root, that adds its group to the all-principals group
#: (``state: per_environment``), and the module it uses.
ALL_PRINCIPALS_MEMBERSHIP_SUFFIX = "all_principals_membership"
MEMBERSHIP_MODULE_DIRECTORY = "group-membership"


#: Suffix of the module call that holds a retired environment's data, and the module each registry's archive uses.
ARCHIVE_SUFFIX = "archive"
ARCHIVE_MODULE_DIRECTORY = "archive"
UC_ARCHIVE_MODULE_DIRECTORY = "uc-archive"


def archive_call(environment: str) -> str:
    """Name of the module call that holds the archive of the retired ``environment``, e.g. ``acc_archive``."""
    return f"{environment}_{ARCHIVE_SUFFIX}"


def archive_module_source(module_directory: str, root_directory: str) -> str:
    """The ``source`` of an archive module call (``module_directory`` under ``modules/``) in the root in
    ``root_directory``."""
    return _source(module_directory, root_directory)


def _source(module_directory: str, root_directory: str) -> str:
    relative = posixpath.relpath(f"{MODULES_DIRECTORY}/{module_directory}", root_directory)
    return relative if relative.startswith("../") else f"./{relative}"


def module_source(module: EnvironmentModule, root_directory: str = ".") -> str:
    """The ``source`` of a module call in the root in ``root_directory``, e.g. ``./modules/group`` (the root at
    the repository top) or ``../../modules/group`` (``roots/acc``)."""
    return _source(_MODULE_DIRECTORIES[module], root_directory)


def uc_module_source(module: UnityCatalogModule, root_directory: str = ".") -> str:
    """The ``source`` of a Unity Catalog mode module call, e.g. ``./modules/uc-catalog``."""
    return _source(_UC_MODULE_DIRECTORIES[module], root_directory)


def membership_module_source(root_directory: str) -> str:
    """The ``source`` of the all-principals membership call of an environment's own root."""
    return _source(MEMBERSHIP_MODULE_DIRECTORY, root_directory)


def membership_call(environment: str) -> str:
    """Name of the call that adds the group of ``environment`` to the all-principals group, in its own root."""
    return f"{environment}_{ALL_PRINCIPALS_MEMBERSHIP_SUFFIX}"


def environment_module_call(environment: str, module: EnvironmentModule | UnityCatalogModule) -> str:
    """Name of one of an environment's module calls, e.g. ``acc_group``."""
    return f"{environment}_{module.value}"


def environment_module_address(environment: str, module: EnvironmentModule | UnityCatalogModule) -> str:
    """Address of one of an environment's module calls, e.g. ``module.acc_group``."""
    return f"module.{environment_module_call(environment, module)}"


def all_principals_group_address() -> str:
    """Address of the module call that manages the all-principals group."""
    return f"module.{ALL_PRINCIPALS_GROUP_CALL}"


def group_resource_address(environment: str | None) -> str:
    """Address of the group resource of ``environment``, or of the all-principals group for ``None``."""
    module = (
        all_principals_group_address()
        if environment is None
        else environment_module_address(environment, EnvironmentModule.GROUP)
    )
    return f"{module}.{GROUP_RESOURCE}"


def registered_model_resource_address(environment: str, full_name: str) -> str:
    """Address of the registered model ``full_name`` of ``environment``, e.g.
    ``module.acc_models.databricks_mlflow_model.this["churn_acc"]``.

    Model names are validated lowercase identifiers, so a JSON string is the HCL string key.
    """
    models = environment_module_address(environment, EnvironmentModule.MODELS)
    return f"{models}.{REGISTERED_MODEL_RESOURCE}[{json.dumps(full_name)}]"


@dataclass(frozen=True, order=True)
class ImportTarget:
    """An object that already exists in the workspace, to be imported to ``address`` under ``import_id``."""

    address: str
    import_id: str
    description: str


# Unity Catalog resources inside the uc-catalog and uc-models modules, which ``mlenv adopt`` imports.
CATALOG_RESOURCE = "databricks_catalog.this[0]"
SCHEMA_RESOURCE = "databricks_schema.this"
CATALOG_GRANTS_RESOURCE = "databricks_grants.catalog[0]"
SCHEMA_GRANTS_RESOURCE = "databricks_grants.schema"
UC_MODEL_RESOURCE = "databricks_registered_model.this"
UC_MODEL_GRANTS_RESOURCE = "databricks_grants.this"


def uc_catalog_module_address(environment: str) -> str:
    """Address of an environment's ``uc-catalog`` module call, e.g. ``module.acc_uc``."""
    return environment_module_address(environment, UnityCatalogModule.CATALOG)


def catalog_resource_address(environment: str) -> str:
    """Address of the catalog of ``environment`` (created only with ``manage_catalogs``)."""
    return f"{uc_catalog_module_address(environment)}.{CATALOG_RESOURCE}"


def schema_resource_address(environment: str) -> str:
    """Address of the schema of ``environment``."""
    return f"{uc_catalog_module_address(environment)}.{SCHEMA_RESOURCE}"


def catalog_grants_address(environment: str) -> str:
    """Address of the authoritative grants on the catalog of ``environment``."""
    return f"{uc_catalog_module_address(environment)}.{CATALOG_GRANTS_RESOURCE}"


def schema_grants_address(environment: str) -> str:
    """Address of the authoritative grants on the schema of ``environment``."""
    return f"{uc_catalog_module_address(environment)}.{SCHEMA_GRANTS_RESOURCE}"


def uc_model_resource_address(environment: str, short_name: str) -> str:
    """Address of a registered model, keyed by its short name, e.g.
    ``module.acc_models.databricks_registered_model.this["churn"]``."""
    models = environment_module_address(environment, UnityCatalogModule.MODELS)
    return f"{models}.{UC_MODEL_RESOURCE}[{json.dumps(short_name)}]"


def uc_model_grants_address(environment: str, short_name: str) -> str:
    """Address of the grants on a registered model (only a model with grants has one)."""
    models = environment_module_address(environment, UnityCatalogModule.MODELS)
    return f"{models}.{UC_MODEL_GRANTS_RESOURCE}[{json.dumps(short_name)}]"


def grants_import_id(attribute: str, name: str) -> str:
    """Import id of ``databricks_grants``: ``catalog/ml_acc``, ``schema/ml_acc.models``,
    ``model/ml_acc.models.churn``."""
    return f"{attribute}/{name}"
