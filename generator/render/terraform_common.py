"""What both Terraform roots share (Workspace Model Registry and Unity Catalog): the templates, access lists
as the modules take them, and the values of the generated ``terraform test`` assertions."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from generator.addresses import (
    UnityCatalogModule,
    all_principals_group_address,
    environment_module_call,
    membership_call,
    uc_module_source,
)
from generator.manifests.environments import Environment
from generator.model.grants import GROUP, SERVICE_PRINCIPAL, USER, Grant
from generator.model.levels import MEMBER
from generator.model.permission_model import PermissionModel
from generator.render.hcl import hcl_body, hcl_value

_PRINCIPAL_ARGUMENT = {GROUP: "group_name", SERVICE_PRINCIPAL: "service_principal_name", USER: "user_name"}


@cache
def templates() -> jinja2.Environment:
    """The Jinja2 templates of the root module files."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("generator.render", "templates"),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def without_none(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` without the keys whose value is ``None`` (left to the module's default)."""
    return {key: value for key, value in values.items() if value is not None}


def service_principals_input(environment: Environment) -> dict[str, dict[str, str]]:
    """The ``service_principals`` input of the identity modules: every principal of ``environment`` by key."""
    principals = {
        principal.key: without_none(
            {"application_id": principal.application_id, "display_name": principal.display_name}
        )
        for principal in environment.manifest.service_principals
    }
    return dict(sorted(principals.items()))


def access_control(grants: tuple[Grant, ...]) -> list[dict[str, str]]:
    """Workspace permissions as ``access_control`` entries of the workspace modules."""
    return [
        {_PRINCIPAL_ARGUMENT[grant.principal_type]: grant.principal, "permission_level": grant.permission_level}
        for grant in sorted(grants, key=lambda grant: (grant.principal_type, grant.principal))
    ]


def access_strings(grants: tuple[Grant, ...]) -> list[str]:
    """Workspace permissions as the sorted ``type:principal:LEVEL`` strings the modules output."""
    return sorted(f"{grant.principal_type}:{grant.principal}:{grant.permission_level}" for grant in grants)


def memberships(model: PermissionModel) -> dict[str, list[str]]:
    """The explicit members of every group, by group name."""
    members: dict[str, list[str]] = {}
    for grant in model.explicit():
        if grant.object_type == GROUP and grant.permission_level == MEMBER:
            members.setdefault(grant.object, []).append(grant.principal)
    return members


def inline_map(values: dict[str, Any]) -> str:
    """A one-line HCL object of ``values`` (the expected side of an assertion)."""
    if not values:
        return "{}"
    return "{ " + ", ".join(f"{hcl_value(key)} = {hcl_value(value)}" for key, value in values.items()) + " }"


def membership_check(model: PermissionModel, environment: str) -> dict[str, str]:
    """The assertion, in an environment's own root, on what it adds to the all-principals group: its group,
    exactly when the permission model makes it a member (both registries)."""
    group = model.environments[environment].group
    members = [member for member in memberships(model).get(model.all_principals_group, []) if member == group]
    return {
        "what": f"members {environment} adds to {model.all_principals_group}",
        "actual": f"module.{membership_call(environment)}.members",
        "expected": hcl_value(members),
    }


def all_principals_members_check(model: PermissionModel, per_environment: bool) -> dict[str, str]:
    """The assertion on the members of the all-principals group at the repository top: every environment group
    in one root; none when each environment's root adds its own (both registries)."""
    members = [] if per_environment else sorted(memberships(model).get(model.all_principals_group, []))
    return {
        "what": f"members of {model.all_principals_group}",
        "actual": f"{all_principals_group_address()}.members",
        "expected": hcl_value(members),
    }


#: A module call in a generated file: its name and its body (HCL).
Block = dict[str, str]


def uc_call(root: str, environment: str, module: UnityCatalogModule, *groups: list[tuple[str, Any]]) -> Block:
    """The call of a Unity Catalog mode module of ``environment`` in the root in directory ``root``: its source,
    then ``groups`` of inputs (the first one follows the source)."""
    source: list[tuple[str, Any]] = [("source", uc_module_source(module, root))]
    return {"call": environment_module_call(environment, module), "body": hcl_body([source + groups[0], *groups[1:]])}
