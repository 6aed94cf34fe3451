"""Render the Terraform root of ``registry: unity_catalog`` from the permission model.

Per environment: account-level service principals and group (``identities: account``) or lookups of
the ones an identity provider owns (``identities: external``), the experiment directory, the catalog
and schema with their owners and grants (``modules/uc-catalog``) and the models owned by the
environment group with their grants (``modules/uc-models``). Owners, privileges and members are
read from the permission model, never decided here; implicit owners (the identity running
Terraform) are left to Databricks, which makes the creator the owner.
"""

from __future__ import annotations

from typing import Any

from generator.addresses import (
    ACCOUNT_PROVIDERS,
    ALL_PRINCIPALS_GROUP_CALL,
    MODEL_PERMISSIONS_RESOURCE,
    REGISTERED_MODEL_RESOURCE,
    WORKSPACE_GROUP_RESOURCES,
    EnvironmentModule,
    UnityCatalogModule,
    all_principals_group_address,
    environment_module_address,
    environment_module_call,
    uc_module_source,
)
from generator.manifests.environments import Environment, Manifests
from generator.manifests.manifest import full_model_name
from generator.model.grants import CATALOG, DIRECTORY, REGISTERED_MODEL, SCHEMA, Grant
from generator.model.permission_model import EnvironmentFacts, PermissionModel
from generator.model.unity_catalog import OWNER
from generator.paths import PROVIDERS_TERRAFORM_FILE, SHARED_TERRAFORM_FILE, TERRAFORM_TEST_FILE, in_root
from generator.render.hcl import Expression, hcl_body, hcl_value
from generator.render.header import Header
from generator.render.state_layout import layout_of, membership_block, shared_sources
from generator.render.terraform_common import (
    access_control,
    membership_check,
    memberships,
    service_principals_input,
    templates,
    without_none,
)
from generator.render.terraform_unity_catalog_checks import (
    groups_to_look_up,
    implicit_owner,
    short_model_name,
    uc_environment_checks,
    uc_shared_check,
)

Block = dict[str, str]


def render_unity_catalog_terraform(manifests: Manifests, model: PermissionModel, header: Header) -> dict[str, str]:
    """Every Terraform file of the Unity Catalog root modules and their tests, by relative path."""
    settings = manifests.settings
    external = settings.identity_mode == "external"
    layout = layout_of(manifests)
    files: dict[str, str] = {}
    template = templates().get_template("environment_uc.tf.j2")
    test_template = templates().get_template("permissions_uc.tftest.hcl.j2")
    providers = (
        templates()
        .get_template("providers.tf.j2")
        .render(
            header=header(tuple(filter(None, (manifests.settings_source,))), "#"),
            external=external,
            host=hcl_value(settings.account_console),
        )
    )
    for environment in manifests.environments:
        name = environment.name
        directory = layout.directory(name)
        blocks = _environment_blocks(manifests, environment, model, external, directory)
        if layout.per_environment:
            checks = uc_environment_checks(manifests, model, environment)
            if not external:
                group = model.environments[name].group
                group_address = environment_module_address(name, UnityCatalogModule.GROUP)
                blocks.append(membership_block(name, group, group_address, model.all_principals_group, True))
                checks.append(membership_check(model, name))
            files[in_root(directory, PROVIDERS_TERRAFORM_FILE)] = providers
            files[layout.test_file(name)] = test_template.render(
                header=header(manifests.sources_of(environment), "#"),
                checks=checks,
                implicit_owner=implicit_owner(model),
            )
        files[layout.environment_file(name)] = template.render(
            header=header(manifests.sources_of(environment), "#"),
            env=environment,
            facts=model.environments[name],
            external=external,
            blocks=blocks,
            archived=archived_addresses(name, external),
            archived_models=", ".join(full_model_name(spec.name, name) for spec in environment.manifest.models)
            or "none declared",
        )
    shared = shared_sources(manifests)
    files[SHARED_TERRAFORM_FILE] = (
        templates()
        .get_template("workspace_uc.tf.j2")
        .render(
            header=header(shared, "#"),
            external=external,
            per_environment=layout.per_environment,
            block=_all_principals_block(manifests, model, layout.per_environment),
            archived=[f"{all_principals_group_address()}.{resource}" for resource in WORKSPACE_GROUP_RESOURCES],
        )
    )
    files[PROVIDERS_TERRAFORM_FILE] = providers
    checks = (
        []
        if layout.per_environment
        else [
            check
            for environment in manifests.environments
            for check in uc_environment_checks(manifests, model, environment)
        ]
    )
    files[TERRAFORM_TEST_FILE] = test_template.render(
        header=header(shared, "#"),
        checks=[*checks, uc_shared_check(manifests, model, layout.per_environment)],
        implicit_owner=implicit_owner(model),
    )
    return files


def archived_addresses(environment: str, external: bool) -> list[str]:
    """What the Workspace Model Registry root of ``environment`` managed that Unity Catalog mode forgets without
    deleting (``removed`` blocks): its registered models and their permissions and, with ``identities:
    external``, its workspace-level group and service principals (with ``identities: account`` the account-level
    modules take the same addresses, so those are not listed)."""
    models = environment_module_address(environment, EnvironmentModule.MODELS)
    archived = [f"{models}.{REGISTERED_MODEL_RESOURCE}", f"{models}.{MODEL_PERMISSIONS_RESOURCE}"]
    if external:
        archived += [
            environment_module_address(environment, EnvironmentModule.GROUP),
            environment_module_address(environment, EnvironmentModule.SERVICE_PRINCIPALS),
        ]
    return archived


def _call(root: str, environment: str, module: UnityCatalogModule, *groups: list[tuple[str, Any]]) -> Block:
    """A module call of ``environment`` in the root in directory ``root``."""
    source: list[tuple[str, Any]] = [("source", uc_module_source(module, root))]
    return {"call": environment_module_call(environment, module), "body": hcl_body([source + groups[0], *groups[1:]])}


def _environment_blocks(
    manifests: Manifests, environment: Environment, model: PermissionModel, external: bool, root: str
) -> list[Block]:
    """The module calls of ``environment``, in the root in directory ``root``."""
    name = environment.name
    facts = model.environments[name]
    settings = manifests.settings
    account: list[tuple[str, Any]] = [("providers", Expression(ACCOUNT_PROVIDERS))]
    principals = service_principals_input(environment)
    blocks: list[Block] = []
    if external:
        identities = UnityCatalogModule.IDENTITIES
        blocks.append(
            _call(
                root,
                name,
                identities,
                account,
                [("groups", groups_to_look_up(model, facts)), ("service_principals", principals)],
            )
        )
        first = identities
    else:
        services = UnityCatalogModule.SERVICE_PRINCIPALS
        blocks.append(
            _call(
                root,
                name,
                services,
                account,
                [("service_principals", principals), ("adopt_existing", True)],
            )
        )
        group_inputs = [
            ("display_name", facts.group),
            ("member_ids", Expression(f"{environment_module_address(name, services)}.ids")),
        ]
        if settings.workspace_id is not None:
            group_inputs.append(("workspace_id", settings.workspace_id))
        blocks.append(_call(root, name, UnityCatalogModule.GROUP, account, group_inputs))
        first = UnityCatalogModule.GROUP
    after: list[tuple[str, Any]] = [("depends_on", [Expression(environment_module_address(name, first))])]
    directory = facts.experiment_directory
    blocks.append(
        _call(
            root,
            name,
            UnityCatalogModule.EXPERIMENTS,
            after,
            [("path", directory), ("access_control", access_control(model.access_list(DIRECTORY, directory)))],
        )
    )
    blocks.append(_call(root, name, UnityCatalogModule.CATALOG, after, _catalog_inputs(manifests, environment, model)))
    if facts.models:
        blocks.append(_call(root, name, UnityCatalogModule.MODELS, after, _models_inputs(environment, facts, model)))
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


def _all_principals_block(manifests: Manifests, model: PermissionModel, per_environment: bool) -> Block:
    group = model.all_principals_group
    inputs: list[tuple[str, Any]]
    if manifests.settings.identity_mode == "external":
        module = UnityCatalogModule.IDENTITIES
        inputs = [("groups", [group])]
    else:
        module = UnityCatalogModule.GROUP
        members = {
            member: Expression(f"{environment_module_address(_environment_of(model, member), module)}.id")
            for member in sorted(memberships(model).get(group, []))
        }
        inputs = [("display_name", group)] if per_environment else [("display_name", group), ("member_ids", members)]
        if manifests.settings.workspace_id is not None:
            inputs.append(("workspace_id", manifests.settings.workspace_id))
    source: list[tuple[str, Any]] = [("source", uc_module_source(module)), ("providers", Expression(ACCOUNT_PROVIDERS))]
    return {"call": ALL_PRINCIPALS_GROUP_CALL, "body": hcl_body([source, inputs])}


def _environment_of(model: PermissionModel, group: str) -> str:
    return next(facts.name for facts in model.environments.values() if facts.group == group)


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
