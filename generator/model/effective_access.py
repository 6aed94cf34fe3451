"""Effective access: what each principal can reach, directly or through the groups it belongs to.

The permission model lists grants as Databricks stores them: on a principal, often a group.
Auditors ask the other question ("what can this service principal do?", "who can touch this
model?"), so this module follows group memberships (transitively) and lists, for every principal,
every grant it holds and the chain of groups it holds it through.

Only memberships the manifests manage are followed: who belongs to ``admins`` or to a reader
group is decided in the workspace, and ``mlenv audit`` reads it there.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any

from generator.model.grants import GROUP, Grant
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


@dataclass(frozen=True, order=True)
class EffectiveGrant:
    """A level that ``principal`` holds on one object, directly (``via == ()``) or through groups.

    ``via`` is the chain of groups from the principal to the group that holds the grant, e.g.
    ``("apps_prod", "apps_all")`` for a grant to ``apps_all`` reached through ``apps_prod``.
    """

    principal: str
    principal_type: str
    environment: str
    object_type: str
    object: str
    permission_level: str
    via: tuple[str, ...]
    implicit: bool

    def as_dict(self) -> dict[str, Any]:
        """The effective grant as the documented JSON object."""
        row: dict[str, Any] = {key: getattr(self, key) for key in EFFECTIVE_FIELDS}
        row["via"] = list(self.via)
        return row


#: Sorting by this key gives the dataclass order, several times faster than its generated comparisons.
_SORT_KEY = attrgetter(*(field.name for field in fields(EffectiveGrant)))


def effective_access(model: PermissionModel, principals: Collection[str] | None = None) -> tuple[EffectiveGrant, ...]:
    """Every grant of ``model`` as held by every principal that reaches it (or only by
    ``principals``, when given), sorted."""
    parent_groups: dict[tuple[str, str], list[str]] = {}
    held: dict[tuple[str, str], list[Grant]] = {}
    for grant in model.grants:
        if grant.object_type == GROUP:
            parent_groups.setdefault((grant.principal_type, grant.principal), []).append(grant.object)
        else:
            held.setdefault((grant.principal_type, grant.principal), []).append(grant)
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
                )
                for grant in held.get(holder, ())
            )
    return tuple(sorted(result, key=_SORT_KEY))


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
