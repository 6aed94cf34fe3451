"""The Unity Catalog invariants (DESIGN: nobody outside an environment holds anything on its catalog).

Each check returns ``(rule, grant, message)`` triples; :mod:`generator.model.policy` turns them into
violations next to the workspace-registry rules.
"""

from __future__ import annotations

from generator.model.grants import CATALOG, GROUP, METASTORE_ADMINS, REGISTERED_MODEL, SCHEMA, Grant
from generator.model.permission_model import EnvironmentFacts, PermissionModel
from generator.model.unity_catalog import EXECUTE, MANAGE, OWNER, USE_CATALOG, USE_SCHEMA

#: ``(rule, grant, message)``: one broken invariant.
Finding = tuple[str, Grant, str]

#: Privileges a schema accepts, plus ``OWNER``; a catalog accepts them too (they inherit down), plus its own.
_SCHEMA_PRIVILEGES = frozenset(
    {
        "ALL_PRIVILEGES",
        "APPLY_TAG",
        "CREATE_FUNCTION",
        "CREATE_MATERIALIZED_VIEW",
        "CREATE_MODEL",
        "CREATE_TABLE",
        "CREATE_VOLUME",
        "EXECUTE",
        "MANAGE",
        "MODIFY",
        "READ_VOLUME",
        "REFRESH",
        "SELECT",
        "USE_SCHEMA",
        "WRITE_VOLUME",
        OWNER,
    }
)
#: The privileges each securable accepts (a model is securable type FUNCTION), plus ``OWNER``.
UC_PRIVILEGES: dict[str, frozenset[str]] = {
    CATALOG: _SCHEMA_PRIVILEGES | {"BROWSE", "CREATE_SCHEMA", USE_CATALOG},
    SCHEMA: _SCHEMA_PRIVILEGES,
    REGISTERED_MODEL: frozenset({"ALL_PRIVILEGES", "APPLY_TAG", "EXECUTE", "MANAGE", OWNER}),
}

#: What lets a principal create models in (and so squat) a production catalog or schema.
SQUATTING_PRIVILEGES = frozenset({"CREATE_MODEL", "CREATE_FUNCTION", "ALL_PRIVILEGES", "MANAGE"})

#: The only privilege an environment group holds on each of its securables.
_ENVIRONMENT_PRIVILEGE = {CATALOG: USE_CATALOG, SCHEMA: USE_SCHEMA, REGISTERED_MODEL: OWNER}
#: The only privilege a reader group holds on each securable on its way to a model.
_READER_PRIVILEGE = {CATALOG: USE_CATALOG, SCHEMA: USE_SCHEMA, REGISTERED_MODEL: EXECUTE}


def claim_containers(facts: EnvironmentFacts, object_owner: dict[tuple[str, str], str]) -> list[Finding]:
    """Record ``facts``' catalog and schema in ``object_owner``; a finding when another environment has them."""
    findings: list[Finding] = []
    for object_type, name in ((CATALOG, facts.catalog), (SCHEMA, facts.schema)):
        previous = object_owner.setdefault((object_type, name), facts.name)
        if previous != facts.name:
            findings.append(
                (
                    "distinct-catalogs",
                    Grant(facts.name, object_type, name, "", "", ""),
                    f"{object_type} {name!r} belongs to environments {previous!r} and {facts.name!r}",
                )
            )
    return findings


def check_model_owners(facts: EnvironmentFacts, model: PermissionModel) -> list[Finding]:
    """A finding for every model of ``facts`` not owned by exactly its environment group."""
    findings: list[Finding] = []
    for name in facts.models:
        owners = [grant for grant in model.on_object(REGISTERED_MODEL, name) if grant.permission_level == OWNER]
        if [(grant.principal_type, grant.principal) for grant in owners] != [(GROUP, facts.group)]:
            findings.append(
                (
                    "uc-model-owner",
                    owners[0] if owners else Grant(facts.name, REGISTERED_MODEL, name, "", "", ""),
                    f"model {name!r} must be owned by {facts.group!r} alone, not by "
                    f"{[grant.principal for grant in owners] or 'nobody'}",
                )
            )
    return findings


def check_unity_catalog_grant(grant: Grant, facts: EnvironmentFacts) -> list[Finding]:
    """The findings for one explicit grant on a catalog, schema or model of a Unity Catalog environment."""
    privilege = grant.permission_level
    where = f"{grant.object_type} {grant.object!r}"
    if privilege not in UC_PRIVILEGES[grant.object_type]:
        return [("uc-privileges", grant, f"{privilege!r} is not a privilege of a {grant.object_type}: {where}")]
    findings: list[Finding] = []
    if facts.production and grant.object_type in (CATALOG, SCHEMA) and privilege in SQUATTING_PRIVILEGES:
        findings.append(
            ("production-no-create", grant, f"{grant.principal!r} would get {privilege} on production {where}")
        )
    if privilege == OWNER:
        if grant.object_type == REGISTERED_MODEL:
            return findings  # check_model_owners checks every model's owners together
        if grant.principal != facts.container_owner:
            findings.append(
                (
                    "uc-container-owner",
                    grant,
                    f"{grant.principal!r} would own {where} instead of {facts.container_owner!r}",
                )
            )
        return findings
    if grant.principal_type == GROUP and grant.principal == facts.group:
        if privilege != _ENVIRONMENT_PRIVILEGE[grant.object_type]:
            findings.append(
                (
                    "uc-environment-privileges",
                    grant,
                    f"environment group {grant.principal!r} would get {privilege} on {where}",
                )
            )
    elif privilege != _READER_PRIVILEGE[grant.object_type]:
        findings.append(("uc-reader-privileges", grant, f"reader {grant.principal!r} would get {privilege} on {where}"))
    return findings


def is_implicit_unity_catalog_grant(grant: Grant) -> bool:
    """Whether Databricks gives ``grant`` by itself.

    The identity running Terraform owns the catalogs and schemas it creates; metastore admins manage every catalog.
    """
    creator_owns = (
        grant.object_type in (CATALOG, SCHEMA) and grant.permission_level == OWNER and grant.principal_type != GROUP
    )
    admins_manage = (
        grant.object_type == CATALOG and grant.permission_level == MANAGE and grant.principal == METASTORE_ADMINS
    )
    return creator_owns or admins_manage
