"""Effective access: what each principal can reach, directly or through the groups it belongs to.

The permission model lists grants as Databricks stores them: on a principal, often a group.
Auditors ask the other question ("what can this service principal do?", "who can touch this
model?"), so this module follows group memberships (transitively) and lists, for every principal,
every grant it holds and the chain of groups it holds it through.

Only memberships the manifests manage are followed: who belongs to ``admins`` or to a reader
group is decided in the workspace, and ``mlenv audit`` reads it there.

In Unity Catalog mode grants are also followed down the object tree, catalog to schema to model: a
grant on a catalog or schema reaches the objects below it it applies to (:data:`levels.INHERITED_BY`),
and the owner of a catalog or schema holds everything below it. Such a grant names the container it is
held on in ``inherited_from``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, fields, replace
from operator import attrgetter
from typing import Any

from generator.model.grants import CATALOG, GROUP, REGISTERED_MODEL, SCHEMA, Grant
from generator.model.levels import INHERITED_BY
from generator.model.permission_model import PermissionModel

#: Keys of one effective grant in the JSON output, in order.
EFFECTIVE_FIELDS = (
    "principal",
    "principal_type",
    "environment",
    "object_type",
    "object",
    "permission_level",
    "via",
    "implicit",
)
#: The same keys in Unity Catalog mode: ``inherited_from`` follows ``via``.
INHERITED_EFFECTIVE_FIELDS = (*EFFECTIVE_FIELDS[:7], "inherited_from", *EFFECTIVE_FIELDS[7:])


@dataclass(frozen=True, order=True)
class EffectiveGrant:
    """A level that ``principal`` holds on one object, directly (``via == ()``) or through groups.

    ``via`` is the chain of groups from the principal to the group that holds the grant, e.g.
    ``("apps_prod", "apps_all")`` for a grant to ``apps_all`` reached through ``apps_prod``.
    ``inherited_from`` is the catalog or schema the grant is held on when it reaches ``object`` from above
    (Unity Catalog), empty when it is held on ``object`` itself.
    """

    principal: str
    principal_type: str
    environment: str
    object_type: str
    object: str
    permission_level: str
    via: tuple[str, ...]
    implicit: bool
    inherited_from: str = ""

    def as_dict(self, inheritance: bool = False) -> dict[str, Any]:
        """The effective grant as the documented JSON object (with ``inherited_from`` where grants inherit down)."""
        keys = INHERITED_EFFECTIVE_FIELDS if inheritance else EFFECTIVE_FIELDS
        row: dict[str, Any] = {key: getattr(self, key) for key in keys}
        row["via"] = list(self.via)
        return row


def containers(object_type: str, name: str) -> list[tuple[str, str]]:
    """The schema and catalog (object type, full name) a Unity Catalog object sits in, nearest first."""
    depth = {SCHEMA: 1, REGISTERED_MODEL: 2}.get(object_type, 0) if "." in name else 0
    parts, kinds = name.split("."), (SCHEMA, CATALOG)[2 - depth :]
    return [(kinds[level], ".".join(parts[: len(parts) - 1 - level])) for level in range(depth)]


#: Sorting by this key gives the dataclass order, several times faster than its generated comparisons.
_SORT_KEY = attrgetter(*(field.name for field in fields(EffectiveGrant)))


def effective_access(model: PermissionModel, principals: Collection[str] | None = None) -> tuple[EffectiveGrant, ...]:
    """Every grant of ``model`` as held by every principal that reaches it (or only by
    ``principals``, when given), sorted."""
    parent_groups: dict[tuple[str, str], list[str]] = {}
    held: dict[tuple[str, str], list[tuple[Grant, str]]] = {}
    below = _objects_below(model)
    for grant in model.grants:
        if grant.object_type == GROUP:
            parent_groups.setdefault((grant.principal_type, grant.principal), []).append(grant.object)
            continue
        holdings = held.setdefault((grant.principal_type, grant.principal), [])
        holdings.append((grant, ""))
        applies = INHERITED_BY.get(grant.permission_level, frozenset())
        holdings.extend(
            (replace(grant, object_type=kind, object=name), grant.object)
            for kind, name in below.get((grant.object_type, grant.object), ())
            if kind in applies
        )
    starts = sorted(key for key in set(parent_groups) | set(held) if principals is None or key[1] in principals)
    result: list[EffectiveGrant] = []
    for principal_type, principal in starts:
        for holder, via in _reachable_holders(principal_type, principal, parent_groups):
            result.extend(
                EffectiveGrant(
                    principal,
                    principal_type,
                    grant.environment,
                    grant.object_type,
                    grant.object,
                    grant.permission_level,
                    via,
                    grant.implicit,
                    inherited_from,
                )
                for grant, inherited_from in held.get(holder, ())
            )
    return tuple(sorted(result, key=_SORT_KEY))


def _objects_below(model: PermissionModel) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """For every Unity Catalog catalog and schema: the schemas and models below it."""
    below: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for facts in model.environments.values():
        below.update(model.registry.objects_below(facts))
    return below


def _reachable_holders(
    principal_type: str, principal: str, parent_groups: dict[tuple[str, str], list[str]]
) -> list[tuple[tuple[str, str], tuple[str, ...]]]:
    """The principal itself and every group it belongs to, each with the chain of groups leading there."""
    start = (principal_type, principal)
    reached: list[tuple[tuple[str, str], tuple[str, ...]]] = [(start, ())]
    seen = {start}
    frontier: list[tuple[tuple[str, str], tuple[str, ...]]] = [(start, ())]
    while frontier:
        next_frontier: list[tuple[tuple[str, str], tuple[str, ...]]] = []
        for member, via in frontier:
            for group in sorted(parent_groups.get(member, ())):
                key = (GROUP, group)
                if key not in seen:
                    seen.add(key)
                    next_frontier.append((key, (*via, group)))
        reached.extend(next_frontier)
        frontier = next_frontier
    return reached
