"""What the access history follows: every access a principal holds (through which groups) and every membership,
and the manifest lines each comes from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from itertools import pairwise
from typing import Any

from generator.model.effective_access import effective_access
from generator.model.grants import GROUP
from generator.model.levels import MEMBER
from generator.model.permission_model import PermissionModel


@dataclass(frozen=True, order=True)
class AccessItem:
    """One level ``principal`` holds on one object (through the groups in ``via``, from the catalog or schema in
    ``inherited_from``), or, with ``object_type == "group"``, its membership of the group ``object``."""

    environment: str
    production: bool = field(compare=False)
    principal_type: str
    principal: str
    object_type: str
    object: str
    permission_level: str
    via: tuple[str, ...] = ()
    inherited_from: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The item as the documented JSON object."""
        row = asdict(self)
        row["via"] = list(self.via)
        return row

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> AccessItem:
        """The item :meth:`as_dict` wrote."""
        return cls(**{**row, "via": tuple(row["via"])})


#: The ``file:line`` of each manifest entry an item comes from, the grant first, then the memberships it goes
#: through; empty for what the policy gives by itself (admins, the Terraform identity).
Sources = tuple[str, ...]


def access_items(model: PermissionModel) -> dict[AccessItem, Sources]:
    """Every access and membership of ``model`` with the manifest lines it comes from."""
    production = {name for name, facts in model.environments.items() if facts.production}
    source_of = {(grant.object, grant.principal, grant.permission_level): grant.source for grant in model.grants}
    items: dict[AccessItem, Sources] = {}
    for grant in model.grants:
        if grant.object_type == GROUP:
            item = AccessItem(
                grant.environment,
                grant.environment in production,
                grant.principal_type,
                grant.principal,
                GROUP,
                grant.object,
                grant.permission_level,
            )
            items[item] = tuple(source for source in (grant.source,) if source)
    for held in effective_access(model):
        chain = (held.principal, *held.via)
        links = [source_of.get((group, member, MEMBER), "") for member, group in pairwise(chain)]
        holder = source_of.get((held.inherited_from or held.object, chain[-1], held.permission_level), "")
        item = AccessItem(
            held.environment,
            held.environment in production,
            held.principal_type,
            held.principal,
            held.object_type,
            held.object,
            held.permission_level,
            held.via,
            held.inherited_from,
        )
        items[item] = tuple(source for source in (holder, *links) if source)
    return items
