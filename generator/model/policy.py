"""The invariants every permission model must satisfy; each violation names its rule.

The rules check the computed model, not the manifests, so that they also hold against a
mistake in the code that builds the model (defence in depth: fail closed).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from generator.errors import InvalidInput, Problem
from generator.model.grants import ADMINS_GROUP, DIRECTORY, GROUP, REGISTERED_MODEL, SERVICE_PRINCIPAL, Grant
from generator.model.levels import MEMBER, READ_ONLY_LEVELS
from generator.model.permission_model import PermissionModel

#: Every rule, with the sentence the README and error messages use for it.
RULES: dict[str, str] = {
    "environment-isolation": "an environment's group and service principals get access only to that "
    "environment's own objects",
    "production-isolation": "nothing outside a production environment gets any level on its objects, except "
    "reader groups explicitly listed in its manifest",
    "production-readers-read-only": "reader groups on production objects get CAN_READ and nothing more",
    "production-levels": "CAN_MANAGE_PRODUCTION_VERSIONS and CAN_MANAGE on registered models exist only on "
    "production models, for the production group",
    "one-level-per-principal": "a principal has exactly one level on an object (Databricks permissions are "
    "authoritative; two levels drift forever)",
    "unique-model-name": "registered model names are unique across environments after the _{env} suffix",
    "group-membership": "an environment group holds only its own service principals; the all-principals "
    "group holds only environment groups",
    "implicit-grants": "only Databricks' own grants (admins, the identity running Terraform) are implicit",
    # Checked on the manifests, where the offending line is known:
    "one-environment-per-principal": "a service principal belongs to exactly one environment",
    "readers-not-environment-groups": "reader groups are team groups, never an environment group, the "
    "all-principals group or a built-in group",
    "unambiguous-model-name": "a short model name never ends in _{env} of an environment, so {model}_{env} "
    "reads back one way only",
    # Unity Catalog (registry: unity_catalog):
    "distinct-catalogs": "every environment has its own catalog; environments are separated by catalog",
    "uc-privileges": "a grant names a privilege that exists on its securable (catalog, schema or model); the "
    "provider does not check them, so mlenv does",
    "uc-model-owner": "every model is owned by its environment's group and by nobody else: only the owner "
    "creates versions and sets aliases",
    "uc-container-owner": "catalogs and schemas are owned by the identity running Terraform or the configured "
    "owner group, nobody else",
    "uc-environment-privileges": "an environment group gets USE_CATALOG on its catalog, USE_SCHEMA on its "
    "schema and ownership of its models, nothing more",
    "uc-reader-privileges": "reader groups get EXECUTE on the models that list them, and the USE_CATALOG and "
    "USE_SCHEMA they need, nothing more",
    "production-no-create": "nobody holds CREATE_MODEL, CREATE_FUNCTION, ALL_PRIVILEGES or MANAGE on a "
    "production catalog or schema (models are pre-created; one created at run time would be squatting)",
    # Checked on the settings file, where the offending line is known:
    "registry-settings": "Unity Catalog settings (unity_catalog, identities, catalog) are used only with "
    "registry: unity_catalog",
    "account-identities": "Unity Catalog grants and owners are account-level principals: identities is account "
    "(with workspace_id) or external",
    "state-key-per-root": "every Terraform root keeps its own state: with state: per_environment a backend "
    "config value contains '{env}', and only then",
    "uc-identifier": "model names are valid Unity Catalog names (no '-')",
    "uc-model-tags": "Unity Catalog models carry no manifest tags: Terraform cannot set them, and mlenv never "
    "drops a setting silently",
}


@dataclass(frozen=True)
class Violation:
    """One grant that breaks one rule."""

    rule: str
    grant: Grant
    message: str

    def as_problem(self) -> Problem:
        """The violation as a user-facing problem located at the manifest line the grant came from."""
        file, _, line = self.grant.source.rpartition(":")
        if file and line.isdigit():
            return Problem(file, int(line), self.message, RULES[self.rule], rule=self.rule)
        return Problem(self.grant.source or "environments", None, self.message, RULES[self.rule], rule=self.rule)


def check_policy(model: PermissionModel) -> list[Violation]:
    """Every violation of every rule in ``model``; empty when the model is acceptable."""
    object_owner: dict[tuple[str, str], str] = {}
    violations: list[Violation] = []
    for facts in model.environments.values():
        object_owner[(DIRECTORY, facts.experiment_directory)] = facts.name
        object_owner[(GROUP, facts.group)] = facts.name
        violations.extend(
            Violation(*finding) for finding in model.registry.environment_findings(facts, model, object_owner)
        )
        for name in facts.models:
            previous = object_owner.setdefault((REGISTERED_MODEL, name), facts.name)
            if previous != facts.name:
                violations.append(
                    Violation(
                        "unique-model-name",
                        Grant(facts.name, REGISTERED_MODEL, name, "", "", ""),
                        f"registered model {name!r} is declared by environments {previous!r} and {facts.name!r}",
                    )
                )
    group_owner = {facts.group: facts.name for facts in model.environments.values()}
    principal_owner = {principal: facts.name for facts in model.environments.values() for principal in facts.principals}
    counts = Counter((grant.object_type, grant.object, grant.principal_type, grant.principal) for grant in model.grants)
    for grant in model.grants:
        if counts[(grant.object_type, grant.object, grant.principal_type, grant.principal)] > 1:
            violations.append(
                Violation(
                    "one-level-per-principal", grant, f"{grant.principal!r} has more than one level on {grant.object!r}"
                )
            )
        if grant.implicit:
            violations.extend(_check_implicit(grant, model))
        elif grant.object_type == GROUP:
            violations.extend(_check_membership(grant, model, group_owner, principal_owner))
        else:
            violations.extend(_check_access(grant, model, object_owner, group_owner, principal_owner))
            facts = model.environments[grant.environment]
            violations.extend(Violation(*finding) for finding in model.registry.grant_findings(grant, facts))
    return violations


def enforce_policy(model: PermissionModel) -> PermissionModel:
    """Return ``model`` unchanged, or raise :class:`InvalidInput` listing every violation."""
    violations = check_policy(model)
    if violations:
        raise InvalidInput([violation.as_problem() for violation in violations])
    return model


def _check_implicit(grant: Grant, model: PermissionModel) -> list[Violation]:
    if grant.object_type == DIRECTORY:
        allowed = grant.permission_level == "CAN_MANAGE" and grant.principal == ADMINS_GROUP
    else:
        allowed = model.registry.is_implicit(grant)
    if allowed:
        return []
    return [
        Violation(
            "implicit-grants",
            grant,
            f"{grant.principal!r} is marked implicit on {grant.object!r} but Databricks does not grant it by itself",
        )
    ]


def _check_membership(
    grant: Grant, model: PermissionModel, group_owner: dict[str, str], principal_owner: dict[str, str]
) -> list[Violation]:
    if grant.permission_level != MEMBER:
        return [Violation("group-membership", grant, f"membership of {grant.object!r} must have level MEMBER")]
    if grant.object == model.all_principals_group:
        if grant.principal_type == GROUP and grant.principal in group_owner:
            return []
        return [
            Violation(
                "group-membership",
                grant,
                f"{grant.principal!r} is not an environment group but is a member of {grant.object!r}",
            )
        ]
    owner = group_owner.get(grant.object)
    if owner is None:
        return [Violation("group-membership", grant, f"{grant.object!r} is not a group this workspace manages")]
    if grant.principal_type != SERVICE_PRINCIPAL or principal_owner.get(grant.principal) != owner:
        return [
            Violation(
                "environment-isolation",
                grant,
                f"{grant.principal!r} is not a service principal of "
                f"environment {owner!r} but is a member of {grant.object!r}",
            )
        ]
    return []


def _check_access(
    grant: Grant,
    model: PermissionModel,
    object_owner: dict[tuple[str, str], str],
    group_owner: dict[str, str],
    principal_owner: dict[str, str],
) -> list[Violation]:
    owner = object_owner.get((grant.object_type, grant.object))
    if owner is None or owner != grant.environment:
        return [
            Violation(
                "environment-isolation", grant, f"{grant.object!r} does not belong to environment {grant.environment!r}"
            )
        ]
    facts = model.environments[owner]
    principal_env = (
        group_owner.get(grant.principal) if grant.principal_type == GROUP else principal_owner.get(grant.principal)
    )
    is_owner_group = grant.principal_type == GROUP and grant.principal == facts.group
    # The configured owner of catalogs and schemas; rule uc-container-owner checks its grants.
    is_container_owner = bool(facts.container_owner) and grant.principal == facts.container_owner
    violations = []
    if (principal_env is not None and principal_env != owner) or grant.principal == model.all_principals_group:
        rule = "production-isolation" if facts.production else "environment-isolation"
        violations.append(
            Violation(
                rule,
                grant,
                f"{grant.principal!r} belongs to another environment and may "
                f"not have {grant.permission_level} on {grant.object!r}",
            )
        )
    elif facts.production and not is_owner_group and not is_container_owner:
        if grant.principal_type != GROUP:
            violations.append(
                Violation(
                    "production-isolation",
                    grant,
                    f"{grant.principal!r} is not the production group and may not access {grant.object!r}",
                )
            )
        elif grant.permission_level not in READ_ONLY_LEVELS:
            violations.append(
                Violation(
                    "production-readers-read-only",
                    grant,
                    f"reader {grant.principal!r} would get {grant.permission_level} on "
                    f"production object {grant.object!r}",
                )
            )
    manages_production = grant.permission_level in ("CAN_MANAGE_PRODUCTION_VERSIONS", "CAN_MANAGE")
    if grant.object_type == REGISTERED_MODEL and manages_production and not (facts.production and is_owner_group):
        violations.append(
            Violation(
                "production-levels",
                grant,
                f"{grant.principal!r} would get {grant.permission_level} on {grant.object!r}",
            )
        )
    return violations
