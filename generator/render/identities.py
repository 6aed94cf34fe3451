"""The seam between the Unity Catalog renderer and who creates groups and service principals (``identities:``).

``account``: mlenv creates them in the account and assigns the groups to the workspace. ``external``: an identity
provider creates them; mlenv looks them up and checks they exist. Each mode implements :class:`IdentityRendering`
once; :data:`IDENTITY_RENDERINGS` chooses one from the settings (the Workspace Model Registry's workspace-level
identities are part of its own files).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from generator.addresses import (
    ACCOUNT_PROVIDERS,
    ALL_PRINCIPALS_GROUP_CALL,
    SERVICE_PRINCIPAL_RESOURCE,
    EnvironmentModule,
    UnityCatalogModule,
    all_principals_group_address,
    environment_module_address,
    uc_module_source,
)
from generator.manifests.archives import Archive
from generator.manifests.environments import Environment
from generator.model.permission_model import PermissionModel
from generator.render.hcl import Expression, hcl_body, hcl_value
from generator.render.registry import Check, RenderInputs
from generator.render.state_layout import membership_block
from generator.render.terraform_common import (
    Block,
    all_principals_members_check,
    membership_check,
    memberships,
    service_principals_input,
    uc_call,
)
from generator.render.terraform_unity_catalog_checks import check, groups_to_look_up

#: The calls that give an environment its principals, and the module its other calls depend on.
PrincipalBlocks = tuple[list[Block], UnityCatalogModule]

#: The account provider of a module call.
_ACCOUNT: list[tuple[str, Any]] = [("providers", Expression(ACCOUNT_PROVIDERS))]


class IdentityRendering(ABC):
    """The identity-specific parts of the Unity Catalog files."""

    #: The value of ``identities:`` that chooses it.
    mode: ClassVar[str]
    #: Whether the principals are looked up rather than created (the templates' comments say which).
    external: ClassVar[bool]

    @abstractmethod
    def principal_blocks(self, inputs: RenderInputs, environment: Environment) -> PrincipalBlocks:
        """The calls that give ``environment`` its group and service principals, and the module the environment's
        other calls depend on."""

    @abstractmethod
    def own_root_blocks(self, model: PermissionModel, environment: Environment) -> list[Block]:
        """In ``environment``'s own root: the calls that add its group to the all-principals group."""

    @abstractmethod
    def principal_checks(self, model: PermissionModel, environment: Environment) -> list[Check]:
        """The assertions on ``environment``'s group and service principals."""

    @abstractmethod
    def own_root_checks(self, model: PermissionModel, environment: Environment) -> list[Check]:
        """In ``environment``'s own root: the assertions on what it adds to the all-principals group."""

    @abstractmethod
    def all_principals_block(self, inputs: RenderInputs) -> Block:
        """The call of the all-principals group at the repository top."""

    @abstractmethod
    def all_principals_check(self, model: PermissionModel, per_environment: bool) -> Check:
        """The assertion on the all-principals group."""

    @abstractmethod
    def archived(self, environment: str) -> list[str]:
        """The Workspace Model Registry setup's identity addresses that this mode forgets without deleting."""

    @abstractmethod
    def archive_forgets(self, environment: str) -> list[str]:
        """What the archive of the retired ``environment`` forgets without deleting: the principals it created."""

    @abstractmethod
    def archive_blocks(self, inputs: RenderInputs, archive: Archive) -> list[Block]:
        """The calls an archive keeps besides its data: the group it created, emptied (no member, no workspace
        assignment), which owned the models until the archive owner takes them and goes with the archive's data."""


class AccountIdentities(IdentityRendering):
    """``identities: account``: account-level groups and service principals, created and assigned here."""

    mode: ClassVar[str] = "account"
    external: ClassVar[bool] = False

    def principal_blocks(self, inputs: RenderInputs, environment: Environment) -> PrincipalBlocks:
        name, workspace_id = environment.name, inputs.manifests.settings.workspace_id
        root = inputs.layout.directory(name)
        services = UnityCatalogModule.SERVICE_PRINCIPALS
        principals = service_principals_input(environment)
        group_inputs: list[tuple[str, Any]] = [
            ("display_name", inputs.model.environments[name].group),
            ("member_ids", Expression(f"{environment_module_address(name, services)}.ids")),
        ]
        if workspace_id is not None:
            group_inputs.append(("workspace_id", workspace_id))
        blocks = [
            uc_call(root, name, services, _ACCOUNT, [("service_principals", principals), ("adopt_existing", True)]),
            uc_call(root, name, UnityCatalogModule.GROUP, _ACCOUNT, group_inputs),
        ]
        return blocks, UnityCatalogModule.GROUP

    def own_root_blocks(self, model: PermissionModel, environment: Environment) -> list[Block]:
        name = environment.name
        group_address = environment_module_address(name, UnityCatalogModule.GROUP)
        return [membership_block(name, model.environments[name].group, group_address, model.all_principals_group, True)]

    def principal_checks(self, model: PermissionModel, environment: Environment) -> list[Check]:
        facts = model.environments[environment.name]
        group = environment_module_address(environment.name, UnityCatalogModule.GROUP)
        members = hcl_value(sorted(memberships(model).get(facts.group, [])))
        return [check(f"members of {facts.group}", f"{group}.members", members)]

    def own_root_checks(self, model: PermissionModel, environment: Environment) -> list[Check]:
        return [membership_check(model, environment.name)]

    def all_principals_block(self, inputs: RenderInputs) -> Block:
        model, workspace_id = inputs.model, inputs.manifests.settings.workspace_id
        group = model.all_principals_group
        module = UnityCatalogModule.GROUP
        environment_of = {facts.group: facts.name for facts in model.environments.values()}
        members = {
            member: Expression(f"{environment_module_address(environment_of[member], module)}.id")
            for member in sorted(memberships(model).get(group, []))
        }
        arguments: list[tuple[str, Any]] = [("display_name", group)]
        if not inputs.layout.per_environment:
            arguments.append(("member_ids", members))
        if workspace_id is not None:
            arguments.append(("workspace_id", workspace_id))
        return _all_principals_call(module, arguments)

    def all_principals_check(self, model: PermissionModel, per_environment: bool) -> Check:
        return all_principals_members_check(model, per_environment)

    def archived(self, environment: str) -> list[str]:
        return []  # the account-level modules take the workspace-level ones' addresses

    def archive_forgets(self, environment: str) -> list[str]:
        principals = environment_module_address(environment, UnityCatalogModule.SERVICE_PRINCIPALS)
        return [f"{principals}.{SERVICE_PRINCIPAL_RESOURCE}"]

    def archive_blocks(self, inputs: RenderInputs, archive: Archive) -> list[Block]:
        # The group owned the models: deleting it in the apply that moves ownership could leave them owned by a
        # deleted principal, so it stays, empty, until the archive is deleted.
        root = inputs.layout.directory(archive.name)
        inputs_of_group: list[tuple[str, Any]] = [("display_name", archive.record.group), ("member_ids", {})]
        return [uc_call(root, archive.name, UnityCatalogModule.GROUP, _ACCOUNT, inputs_of_group)]


class ExternalIdentities(IdentityRendering):
    """``identities: external``: groups and service principals an identity provider syncs, looked up here."""

    mode: ClassVar[str] = "external"
    external: ClassVar[bool] = True

    def principal_blocks(self, inputs: RenderInputs, environment: Environment) -> PrincipalBlocks:
        identities, model = UnityCatalogModule.IDENTITIES, inputs.model
        lookups = [
            ("groups", groups_to_look_up(model, model.environments[environment.name])),
            ("service_principals", service_principals_input(environment)),
        ]
        root = inputs.layout.directory(environment.name)
        return [uc_call(root, environment.name, identities, _ACCOUNT, lookups)], identities

    def own_root_blocks(self, model: PermissionModel, environment: Environment) -> list[Block]:
        return []  # the identity provider keeps the all-principals group's members

    def principal_checks(self, model: PermissionModel, environment: Environment) -> list[Check]:
        name = environment.name
        facts = model.environments[name]
        identities = environment_module_address(name, UnityCatalogModule.IDENTITIES)
        members = hcl_value(sorted(memberships(model).get(facts.group, [])))
        return [
            check(f"groups looked up for {name}", f"{identities}.groups", hcl_value(groups_to_look_up(model, facts))),
            check(f"members of {facts.group} looked up", f"{identities}.service_principals", members),
        ]

    def own_root_checks(self, model: PermissionModel, environment: Environment) -> list[Check]:
        return []

    def all_principals_block(self, inputs: RenderInputs) -> Block:
        return _all_principals_call(UnityCatalogModule.IDENTITIES, [("groups", [inputs.model.all_principals_group])])

    def all_principals_check(self, model: PermissionModel, per_environment: bool) -> Check:
        group = model.all_principals_group
        return check(f"the lookup of {group}", f"{all_principals_group_address()}.groups", hcl_value([group]))

    def archived(self, environment: str) -> list[str]:
        return [
            environment_module_address(environment, EnvironmentModule.GROUP),
            environment_module_address(environment, EnvironmentModule.SERVICE_PRINCIPALS),
        ]

    def archive_forgets(self, environment: str) -> list[str]:
        return []  # the identity provider's principals were only looked up

    def archive_blocks(self, inputs: RenderInputs, archive: Archive) -> list[Block]:
        return []  # the identity provider's group was only looked up; its grants go with the retirement


#: Every identity mode of the Unity Catalog files, by the value of ``identities:`` that chooses it.
IDENTITY_RENDERINGS: dict[str, IdentityRendering] = {
    identities.mode: identities for identities in (AccountIdentities(), ExternalIdentities())
}


def _all_principals_call(module: UnityCatalogModule, inputs: list[tuple[str, Any]]) -> Block:
    source: list[tuple[str, Any]] = [("source", uc_module_source(module)), ("providers", Expression(ACCOUNT_PROVIDERS))]
    return {"call": ALL_PRINCIPALS_GROUP_CALL, "body": hcl_body([source, inputs])}
