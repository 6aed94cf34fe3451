"""The change between two permission models: objects created or deleted, grants added, removed or changed,
memberships joined or left."""

from __future__ import annotations

from dataclasses import dataclass

from generator.model.grants import DIRECTORY, GROUP, REGISTERED_MODEL, Grant
from generator.model.levels import MEMBER
from generator.model.permission_model import PermissionModel


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


@dataclass(frozen=True, order=True)
class ObjectChange:
    """A group, experiment directory or registered model that Terraform creates or deletes."""

    production: bool
    environment: str
    object_type: str
    object: str
    change: str  # "created" or "deleted"

    @property
    def consequence(self) -> str:
        """What the change does in the workspace, in plain language."""
        if self.change == "created":
            return "created (before any job can create it)" if self.object_type == REGISTERED_MODEL else "created"
        return {
            REGISTERED_MODEL: "deleted with every version in it (a renamed model is a new, empty one)",
            DIRECTORY: "deleted (Terraform does not delete the experiments inside it; the directory must be empty)",
            GROUP: "deleted, and its members lose what it gave them",
        }.get(self.object_type, "deleted")


#: Each object: (object type, name) -> (environment, production).
Objects = dict[tuple[str, str], tuple[str, bool]]


def objects_of(model: PermissionModel) -> Objects:
    """Every group, experiment directory and registered model the model manages."""
    objects: Objects = {(GROUP, model.all_principals_group): ("", False)}
    for facts in model.environments.values():
        where = (facts.name, facts.production)
        objects[(GROUP, facts.group)] = where
        objects[(DIRECTORY, facts.experiment_directory)] = where
        objects.update({(REGISTERED_MODEL, name): where for name in facts.models})
    return objects


def object_changes(before: Objects, after: Objects) -> list[ObjectChange]:
    """Objects in ``after`` but not ``before`` (created) and the reverse (deleted), production and deletions first."""
    changes = [
        ObjectChange(production, environment, kind, name, "created")
        for (kind, name), (environment, production) in after.items()
        if (kind, name) not in before
    ]
    changes += [
        ObjectChange(production, environment, kind, name, "deleted")
        for (kind, name), (environment, production) in before.items()
        if (kind, name) not in after
    ]
    return sorted(changes, key=lambda change: (not change.production, change.change != "deleted", change))


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
