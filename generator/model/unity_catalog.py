"""The Unity Catalog objects of one environment and their grants (DESIGN: catalog per environment).

Per environment: catalog ``{catalog}`` and schema ``{catalog}.{schema}``, owned by the identity running
Terraform (or the configured owner group), with ``USE_CATALOG``/``USE_SCHEMA`` for the environment
group; every model ``{catalog}.{schema}.{model}`` is owned by the environment group, which therefore
alone creates versions and sets aliases. Reader groups get ``EXECUTE`` on the models that list them,
plus the ``USE_CATALOG`` and ``USE_SCHEMA`` they need to reach them.
"""

from __future__ import annotations

from generator.manifests.manifest import uc_full_name
from generator.model.grants import CATALOG, GROUP, METASTORE_ADMINS, REGISTERED_MODEL, SCHEMA, Grant
from generator.model.registry import EnvironmentSource, RegistryObjects

OWNER = "OWNER"
USE_CATALOG = "USE_CATALOG"
USE_SCHEMA = "USE_SCHEMA"
EXECUTE = "EXECUTE"
MANAGE = "MANAGE"


def unity_catalog_grants(inputs: EnvironmentSource) -> RegistryObjects:
    """The catalog, schema and models of ``inputs``' environment with their owners and grants: the identity
    running Terraform owns the catalog and schema unless ``unity_catalog.owner_group`` names a group."""
    manifests, environment, group, at = inputs.manifests, inputs.environment, inputs.group, inputs.at
    terraform_identity = inputs.terraform_identity
    settings = manifests.settings
    uc = settings.uc
    name = environment.name
    manifest = environment.manifest
    catalog = manifests.catalog_of(environment)
    schema = uc_full_name(catalog, uc.schema_name)
    grants: list[Grant] = []

    if uc.owner_group is not None:
        owner, owner_type, owner_implicit = uc.owner_group, GROUP, False
    else:
        owner, owner_type, owner_implicit = terraform_identity[0], terraform_identity[1], True
    owner_source = manifests.settings_source or ""
    if uc.manage_catalogs:
        grants.append(Grant(name, CATALOG, catalog, owner_type, owner, OWNER, owner_implicit, owner_source))
        grants.append(Grant(name, CATALOG, catalog, GROUP, METASTORE_ADMINS, MANAGE, implicit=True))
        grants.append(Grant(name, CATALOG, catalog, GROUP, group, USE_CATALOG, source=at()))
    grants.append(Grant(name, SCHEMA, schema, owner_type, owner, OWNER, owner_implicit, owner_source))
    grants.append(Grant(name, SCHEMA, schema, GROUP, group, USE_SCHEMA, source=at()))

    reader_sources: dict[str, str] = {}
    models = []
    for index, spec in enumerate(manifest.models):
        full_name = uc_full_name(schema, spec.name)
        models.append(full_name)
        grants.append(Grant(name, REGISTERED_MODEL, full_name, GROUP, group, OWNER, source=at("models", index)))
        for reader_index, reader in enumerate(spec.readers):
            source = at("models", index, "readers", reader_index)
            reader_sources.setdefault(reader, source)
            grants.append(Grant(name, REGISTERED_MODEL, full_name, GROUP, reader, EXECUTE, source=source))
    for reader, source in sorted(reader_sources.items()):
        if uc.manage_catalogs:
            grants.append(Grant(name, CATALOG, catalog, GROUP, reader, USE_CATALOG, source=source))
        grants.append(Grant(name, SCHEMA, schema, GROUP, reader, USE_SCHEMA, source=source))
    return RegistryObjects(tuple(grants), tuple(models), catalog, schema, owner)
