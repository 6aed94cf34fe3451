"""The access change between two permission models: grants added, removed or changed, memberships joined or left."""

from __future__ import annotations

from dataclasses import dataclass

from generator.model.levels import MEMBER
from generator.model.permission_model import Grant, PermissionModel


@dataclass(frozen=True, order=True)
class AccessChange:
    """One grant or membership added, removed or changed in level."""

    production: bool
    environment: str
    object_type: str
    object: str
    principal_type: str
    principal: str
    change: str
    before: str
    after: str
    implicit: bool


def access_changes(base: PermissionModel, head: PermissionModel) -> list[AccessChange]:
    """Every grant or membership that differs, production environments first."""
    before = {_key(grant): grant for grant in base.grants}
    after = {_key(grant): grant for grant in head.grants}
    changes = []
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        if old is not None and new is not None and old.permission_level == new.permission_level:
            continue
        grant = new or old
        assert grant is not None
        if old is None:
            kind = "joins" if grant.permission_level == MEMBER else "added"
        elif new is None:
            kind = "leaves" if grant.permission_level == MEMBER else "removed"
        else:
            kind = "level changed"
        production = _is_production(head, grant.environment) or _is_production(base, grant.environment)
        changes.append(
            AccessChange(
                production,
                grant.environment,
                grant.object_type,
                grant.object,
                grant.principal_type,
                grant.principal,
                kind,
                old.permission_level if old else "",
                new.permission_level if new else "",
                grant.implicit,
            )
        )
    return sorted(changes, key=lambda change: (not change.production, change))


def _key(grant: Grant) -> tuple[str, str, str, str]:
    return (grant.object_type, grant.object, grant.principal_type, grant.principal)


def _is_production(model: PermissionModel, environment: str) -> bool:
    facts = model.environments.get(environment)
    return facts is not None and facts.production
