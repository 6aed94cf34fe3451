"""The change between two permission models: objects created or deleted, grants added, removed or changed,
memberships joined or left."""

from __future__ import annotations

from dataclasses import dataclass

from generator.model.effective_access import effective_access
from generator.model.grants import CATALOG, DIRECTORY, GROUP, REGISTERED_MODEL, SCHEMA, Grant
from generator.model.levels import MEMBER
from generator.model.permission_model import EnvironmentFacts, PermissionModel
from generator.model.registry import ModelRegistry


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
class Holding:
    """A level one principal holds on a model: ``inherited_from`` names the catalog or schema it comes down from."""

    level: str
    inherited_from: str
    implicit: bool


@dataclass(frozen=True, order=True)
class MovedAccess:
    """What one principal holds on a model before and after it moves between registries (``churn_prod`` of the
    Workspace Model Registry becoming ``ml_prod.models.churn`` in Unity Catalog, or back)."""

    production: bool
    environment: str
    before_model: str
    after_model: str
    principal_type: str
    principal: str
    before: tuple[Holding, ...]
    after: tuple[Holding, ...]


@dataclass(frozen=True, order=True)
class ObjectChange:
    """A group, experiment directory, registered model, or Unity Catalog catalog or schema that Terraform creates or
    deletes."""

    production: bool
    environment: str
    object_type: str
    object: str
    change: str  # "created", "deleted" or "forgotten" (no longer managed, kept in the workspace)

    @property
    def consequence(self) -> str:
        """What the change does in the workspace, in plain language."""
        if self.change == "created":
            return "created (before any job can create it)" if self.object_type == REGISTERED_MODEL else "created"
        if self.change == FORGOTTEN:
            return (
                "kept in the workspace with every version, no longer managed (a removed block); mlenv migrate "
                "copies its versions"
            )
        return {
            REGISTERED_MODEL: "deleted with every version in it (a renamed model is a new, empty one)",
            DIRECTORY: "deleted (Terraform does not delete the experiments inside it; the directory must be empty)",
            GROUP: "deleted, and its members lose what it gave them",
            CATALOG: "deleted with everything in it, and every grant on it",
            SCHEMA: "deleted with every model in it, and every grant on it",
        }.get(self.object_type, "deleted")


#: Each object: (object type, name) -> (environment, production).
Objects = dict[tuple[str, str], tuple[str, bool]]


def objects_of(model: PermissionModel) -> Objects:
    """Every group, experiment directory and registered model the model manages, and in Unity Catalog mode the
    schemas and the catalogs mlenv creates."""
    objects: Objects = {(GROUP, model.all_principals_group): ("", False)}
    for facts in model.environments.values():
        where = (facts.name, facts.production)
        objects[(GROUP, facts.group)] = where
        objects[(DIRECTORY, facts.experiment_directory)] = where
        objects.update(dict.fromkeys(model.registry.containers(facts, model), where))
        objects.update({(REGISTERED_MODEL, name): where for name in facts.models})
    return objects


@dataclass(frozen=True)
class RegistryChange:
    """The registries of two models (names as in ``workspace.yaml`` and titles), and whether the second keeps the
    first one's models (Terraform forgets them) rather than deleting them."""

    before: str
    after: str
    before_title: str
    after_title: str
    models_kept: bool

    @property
    def changed(self) -> bool:
        """Whether the registry changes."""
        return self.before != self.after


def registry_change(base: PermissionModel, head: PermissionModel) -> RegistryChange:
    """The registry change from ``base`` to ``head`` (none: both the same)."""
    before, after = base.registry, head.registry
    models = [name for facts in base.environments.values() for name in facts.models]
    kept = before.name != after.name and any(after.forgets_on_arrival(name) for name in models)
    return RegistryChange(before.name, after.name, before.title, after.title, kept)


#: The change of a Workspace Model Registry model when the registry switches to Unity Catalog: Terraform forgets it.
FORGOTTEN = "forgotten"


def object_changes(before: Objects, after: Objects, registry: ModelRegistry) -> list[ObjectChange]:
    """Objects in ``after`` but not ``before`` (created) and the reverse (deleted), production and deletions first.

    A registered model of a registry that ``after``'s ``registry`` replaces without deleting anything is forgotten,
    not deleted: the rendered ``removed`` blocks keep it as an archive.
    """
    changes = [
        ObjectChange(production, environment, kind, name, "created")
        for (kind, name), (environment, production) in after.items()
        if (kind, name) not in before
    ]
    changes += [
        ObjectChange(
            production,
            environment,
            kind,
            name,
            FORGOTTEN if kind == REGISTERED_MODEL and registry.forgets_on_arrival(name) else "deleted",
        )
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


def registry_moves(base: PermissionModel, head: PermissionModel) -> list[MovedAccess]:
    """When the registry changes: for every model that moves, what each principal holds on it directly (or from
    its catalog or schema) before and after; production first. Empty when both use the same registry."""
    if base.registry.name == head.registry.name:
        return []
    before_holdings, after_holdings = _holdings(base), _holdings(head)
    moves = []
    for name, facts in sorted(head.environments.items()):
        old = base.environments.get(name)
        if old is None:
            continue
        for before_model, after_model in _pairs(base, old, head, facts):
            before = before_holdings.get(before_model, {})
            after = after_holdings.get(after_model, {})
            production = facts.production or old.production
            moves += [
                MovedAccess(
                    production,
                    name,
                    before_model,
                    after_model,
                    *principal,
                    tuple(sorted(before.get(principal, ()))),
                    tuple(sorted(after.get(principal, ()))),
                )
                for principal in sorted(before.keys() | after.keys())
            ]
    return sorted(moves, key=lambda move: (not move.production, move))


def _pairs(
    base: PermissionModel, before: EnvironmentFacts, head: PermissionModel, after: EnvironmentFacts
) -> list[tuple[str, str]]:
    """Models of one environment in two registries paired by the name the manifest gives them: ``churn_acc`` with
    ``ml_acc.models.churn``."""
    after_models = {head.registry.short_name(after, name): name for name in after.models}
    return [
        (name, after_models[short])
        for name in before.models
        if (short := base.registry.short_name(before, name)) in after_models
    ]


def _holdings(model: PermissionModel) -> dict[str, dict[tuple[str, str], set[Holding]]]:
    """For every registered model: what each principal holds on it itself (not through a group)."""
    holdings: dict[str, dict[tuple[str, str], set[Holding]]] = {}
    for grant in effective_access(model):
        if grant.object_type == REGISTERED_MODEL and not grant.via:
            holding = Holding(grant.permission_level, grant.inherited_from, grant.implicit)
            holders = holdings.setdefault(grant.object, {})
            holders.setdefault((grant.principal_type, grant.principal), set()).add(holding)
    return holdings
