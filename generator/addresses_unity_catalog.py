"""Terraform addresses and import ids of the Unity Catalog resources (modules ``uc-catalog`` and ``uc-models``).

Module calls per environment (:class:`generator.addresses.UnityCatalogModule`): ``{env}_uc`` (catalog,
schema and their grants) and ``{env}_models`` (registered models and their grants); account groups keep
the addresses of :mod:`generator.addresses`. Import ids, checked in the provider's source (v1.126.0):
``databricks_catalog`` by name, ``databricks_schema`` by ``catalog.schema``,
``databricks_registered_model`` by full name, and ``databricks_grants`` by ``<attribute>/<name>``
where the attribute is the argument that names the securable (``catalog``, ``schema``, ``model``):
the provider reads it back into that argument, so a model's grants are ``model/cat.sch.m`` although
the grants API calls the securable ``function``.
"""

from __future__ import annotations

import json

from generator.addresses import UnityCatalogModule, environment_module_address

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
