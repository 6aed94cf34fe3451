"""The module calls of ``registry: unity_catalog`` (:mod:`.unity_catalog` puts them in files).

Per environment: its group and service principals (:mod:`.identities`), the experiment directory, the catalog and
schema with their owners and grants (``modules/uc-catalog``) and the models owned by the environment group with
their grants (``modules/uc-models``). Owners, privileges and members are read from the permission model, never
decided here; implicit owners (the identity running Terraform) are left to Databricks, which makes the creator the
owner.
"""

from __future__ import annotations

from typing import Any

from generator.addresses import (
    MODEL_PERMISSIONS_RESOURCE,
    REGISTERED_MODEL_RESOURCE,
    EnvironmentModule,
    UnityCatalogModule,
    environment_module_address,
)
from generator.manifests.environments import Environment, Manifests
from generator.model.grants import CATALOG, DIRECTORY, REGISTERED_MODEL, SCHEMA, Grant
from generator.model.permission_model import EnvironmentFacts, PermissionModel
from generator.model.unity_catalog import OWNER
from generator.render.hcl import Expression
from generator.render.identities import IdentityRendering
from generator.render.registry import RenderInputs
from generator.render.terraform_common import Block, access_control, uc_call, without_none
from generator.render.terraform_unity_catalog_checks import short_model_name


def archived_addresses(environment: str, identities: IdentityRendering) -> list[str]:
    """What the Workspace Model Registry root of ``environment`` managed that Unity Catalog mode forgets without
    deleting (``removed`` blocks): its registered models and their permissions, and the identities the mode does
    not take over."""
    models = environment_module_address(environment, EnvironmentModule.MODELS)
    archived = [f"{models}.{REGISTERED_MODEL_RESOURCE}", f"{models}.{MODEL_PERMISSIONS_RESOURCE}"]
    return [*archived, *identities.archived(environment)]


def environment_blocks(inputs: RenderInputs, environment: Environment, identities: IdentityRendering) -> list[Block]:
    """The module calls of ``environment``, in its root."""
    manifests, model = inputs.manifests, inputs.model
    name = environment.name
    root = inputs.layout.directory(name)
    facts = model.environments[name]
    blocks, first = identities.principal_blocks(inputs, environment)
    after: list[tuple[str, Any]] = [("depends_on", [Expression(environment_module_address(name, first))])]
    directory = facts.experiment_directory
    blocks.append(
        uc_call(
            root,
            name,
            UnityCatalogModule.EXPERIMENTS,
            after,
            [("path", directory), ("access_control", access_control(model.access_list(DIRECTORY, directory)))],
        )
    )
    blocks.append(
        uc_call(root, name, UnityCatalogModule.CATALOG, after, _catalog_inputs(manifests, environment, model))
    )
    if facts.models:
        blocks.append(uc_call(root, name, UnityCatalogModule.MODELS, after, _models_inputs(environment, facts, model)))
    return blocks


def _catalog_inputs(manifests: Manifests, environment: Environment, model: PermissionModel) -> list[tuple[str, Any]]:
    facts = model.environments[environment.name]
    uc = manifests.settings.uc
    inputs: list[tuple[str, Any]] = [
        ("catalog_name", facts.catalog),
        ("schema_name", facts.schema.removeprefix(f"{facts.catalog}.")),
        ("manage_catalog", uc.manage_catalogs),
        ("production", environment.production),
    ]
    if uc.manage_catalogs:
        inputs += [
            ("catalog_owner", explicit_owner(model, CATALOG, facts.catalog)),
            ("storage_root", uc.storage_root(environment.name)),
            ("catalog_comment", environment.manifest.description),
        ]
    inputs.append(("schema_owner", explicit_owner(model, SCHEMA, facts.schema)))
    if uc.manage_catalogs:
        inputs.append(("catalog_grants", uc_grants(model.access_list(CATALOG, facts.catalog))))
    inputs.append(("schema_grants", uc_grants(model.access_list(SCHEMA, facts.schema))))
    return [(key, value) for key, value in inputs if value is not None]


def _models_inputs(environment: Environment, facts: EnvironmentFacts, model: PermissionModel) -> list[tuple[str, Any]]:
    catalog_call = environment_module_address(environment.name, UnityCatalogModule.CATALOG)
    descriptions = {spec.name: spec.description for spec in environment.manifest.models}
    owners = sorted({owner for full_name in facts.models for owner in _owners(model, REGISTERED_MODEL, full_name)})
    if len(owners) != 1:  # the module takes one owner for all models; the permission model gives the group
        raise ValueError(f"the models of {facts.name} have owners {owners}, not one")
    models: dict[str, dict[str, Any]] = {}
    for full_name in sorted(facts.models):
        short = short_model_name(facts, full_name)
        grants = uc_grants(model.access_list(REGISTERED_MODEL, full_name))
        models[short] = without_none({"comment": descriptions.get(short), "grants": grants or None})
    return [
        ("catalog_name", Expression(f"{catalog_call}.catalog_name")),
        ("schema_name", Expression(f"{catalog_call}.schema_name")),
        ("owner", owners[0]),
        ("production", environment.production),
        ("models", models),
    ]


def _owners(model: PermissionModel, object_type: str, name: str) -> list[str]:
    return [grant.principal for grant in model.on_object(object_type, name) if grant.permission_level == OWNER]


def explicit_owner(model: PermissionModel, object_type: str, name: str) -> str | None:
    """The owner Terraform sets on a catalog or schema; ``None`` when it is implicit (the creator)."""
    owners = [grant.principal for grant in model.access_list(object_type, name) if grant.permission_level == OWNER]
    return owners[0] if owners else None


def uc_grants(grants: tuple[Grant, ...]) -> list[dict[str, Any]]:
    """Privileges (owners aside) as the ``grants`` entries of the Unity Catalog modules, one per principal."""
    privileges: dict[str, list[str]] = {}
    for grant in grants:
        if grant.permission_level != OWNER:
            # Unity Catalog names a group by its name, a user by user name and a service principal by
            # its application id: the permission model's principal in each case.
            privileges.setdefault(grant.principal, []).append(grant.permission_level)
    return [{"principal": principal, "privileges": sorted(levels)} for principal, levels in sorted(privileges.items())]
