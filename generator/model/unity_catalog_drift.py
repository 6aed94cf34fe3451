"""Drift in Unity Catalog mode: live owners and direct grants of catalogs, schemas and models (pure; no I/O).

``generator.workspace`` reads each securable into a :class:`LiveSecurable` (its owner and its direct
grants; a model is securable type FUNCTION) and the models of each production schema; this module
compares them with the permission model. Owners are compared, not granted: a wrong owner is
``wrong-owner``. On a production catalog or schema, any unexpected CREATE_MODEL, CREATE_FUNCTION,
ALL_PRIVILEGES or MANAGE is a ``squatting-risk`` (its holder can create, and own, a model under a
production name); every other unexpected privilege is an ``extra-grant``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from generator.model.drift import (
    EXTRA_GRANT,
    IMPLICIT,
    MISSING_GRANT,
    MISSING_OBJECT,
    OK,
    SQUATTING_RISK,
    UNASSIGNED_GROUP,
    WRONG_OWNER,
    Finding,
)
from generator.model.grants import (
    CATALOG,
    GROUP,
    REGISTERED_MODEL,
    SCHEMA,
    SERVICE_PRINCIPAL,
    TERRAFORM_IDENTITY,
    USER,
    Grant,
)
from generator.model.permission_model import EnvironmentFacts, PermissionModel
from generator.model.unity_catalog import OWNER
from generator.model.unity_catalog_policy import SQUATTING_PRIVILEGES
from generator.paths import SETTINGS_MANIFEST

#: The object types of Unity Catalog securables in the permission model.
SECURABLES = (CATALOG, SCHEMA, REGISTERED_MODEL)
#: The securable type of each in the grants API: a registered model is a FUNCTION.
SECURABLE_TYPES = {CATALOG: "catalog", SCHEMA: "schema", REGISTERED_MODEL: "function"}
_OWNER_EQUIVALENT = frozenset({"MANAGE", "ALL_PRIVILEGES"})
_APPLICATION_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class LiveSecurable:
    """A catalog, schema or registered model as it is: its owner and the direct privileges of each principal."""

    owner: str
    grants: Mapping[str, frozenset[str]] = field(default_factory=dict)


def compare_securable(
    model: PermissionModel, facts: EnvironmentFacts, object_type: str, name: str, live: LiveSecurable | None
) -> list[Finding]:
    """Findings for one securable of environment ``facts``: its owner and its direct grants against the model's."""
    environment = facts.name
    if live is None:
        return [Finding(environment, object_type, name, MISSING_OBJECT, detail="not found in Unity Catalog")]
    expected = model.on_object(object_type, name)
    kinds = principal_kinds(model)
    findings = _owner(environment, object_type, name, [g for g in expected if g.permission_level == OWNER], live)
    remaining = {(principal, privilege) for principal, held in live.grants.items() for privilege in held}
    for grant in expected:
        if grant.permission_level == OWNER:
            continue
        held = (grant.principal, grant.permission_level) in remaining
        remaining.discard((grant.principal, grant.permission_level))
        who = (grant.principal_type, grant.principal)
        if held:
            kind = IMPLICIT if grant.implicit else OK
            level = grant.permission_level
            findings.append(Finding(environment, object_type, name, kind, *who, level, level))
        elif not grant.implicit:
            findings.append(Finding(environment, object_type, name, MISSING_GRANT, *who, grant.permission_level))
    for principal, privilege in sorted(remaining):
        kind_of = kinds.get(principal) or guess_principal_type(principal)
        if facts.production and object_type in (CATALOG, SCHEMA) and privilege in SQUATTING_PRIVILEGES:
            detail = (
                f"lets {principal} act as the owner of production {object_type} {name}"
                if privilege == "MANAGE"
                else f"lets {principal} create models in production {object_type} {name}, and own them"
            )
            findings.append(
                Finding(environment, object_type, name, SQUATTING_RISK, kind_of, principal, "", privilege, detail)
            )
        else:
            detail = "owner-equivalent: rename, drop, change grants" if privilege in _OWNER_EQUIVALENT else ""
            findings.append(
                Finding(environment, object_type, name, EXTRA_GRANT, kind_of, principal, "", privilege, detail)
            )
    return findings


def unmanaged_catalog_risks(facts: EnvironmentFacts, live: LiveSecurable | None) -> list[Finding]:
    """Squatting risks on the production catalog of ``facts`` that mlenv does not manage (``manage_catalogs:
    false``): its grants are governed elsewhere, but a model-creating privilege there inherits to the schema."""
    if not facts.production or live is None:
        return []
    return [
        Finding(
            facts.name,
            CATALOG,
            facts.catalog,
            SQUATTING_RISK,
            guess_principal_type(principal),
            principal,
            "",
            privilege,
            f"on the catalog governed outside mlenv: inherited by production schema {facts.schema}",
        )
        for principal, held in sorted(live.grants.items())
        for privilege in sorted(held & SQUATTING_PRIVILEGES)
    ]


def unassigned_groups(model: PermissionModel, assigned: Collection[str], workspace_id: int | None) -> list[Finding]:
    """A finding for every environment group that is not among the ``assigned`` principals of the workspace."""
    return [
        Finding(
            facts.name,
            GROUP,
            facts.group,
            UNASSIGNED_GROUP,
            GROUP,
            facts.group,
            "USER",
            detail=f"the account group is not assigned to workspace {workspace_id}: its members cannot use it",
        )
        for facts in sorted(model.environments.values(), key=lambda facts: facts.name)
        if facts.group not in assigned
    ]


def principal_kinds(model: PermissionModel) -> dict[str, str]:
    """The principal type of every principal the model names (for live grants, which carry only names)."""
    return {
        grant.principal: grant.principal_type for grant in model.grants if grant.principal_type != TERRAFORM_IDENTITY
    }


def guess_principal_type(principal: str) -> str:
    """A Unity Catalog principal's type from its name: an application id, a user name, else a group."""
    if _APPLICATION_ID.match(principal):
        return SERVICE_PRINCIPAL
    return USER if "@" in principal else GROUP


def _owner(environment: str, object_type: str, name: str, owners: list[Grant], live: LiveSecurable) -> list[Finding]:
    if not owners:
        return []
    owner = owners[0]
    if owner.principal_type == TERRAFORM_IDENTITY:
        detail = f"presumably the identity running Terraform: name it as terraform_identity in {SETTINGS_MANIFEST}"
        return [
            Finding(
                environment,
                object_type,
                name,
                IMPLICIT,
                guess_principal_type(live.owner),
                live.owner,
                OWNER,
                OWNER,
                detail,
            )
        ]
    principal = (owner.principal_type, owner.principal)
    if live.owner == owner.principal:
        kind = IMPLICIT if owner.implicit else OK
        return [Finding(environment, object_type, name, kind, *principal, OWNER, OWNER)]
    what = "creates versions and sets aliases" if object_type == REGISTERED_MODEL else "can grant itself anything below"
    return [
        Finding(
            environment,
            object_type,
            name,
            WRONG_OWNER,
            guess_principal_type(live.owner),
            live.owner,
            "",
            OWNER,
            f"owner instead of {owner.principal}: the owner {what}",
        )
    ]
