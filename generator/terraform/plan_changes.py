"""What a saved plan changes (:class:`Change`), what a plan asks the state to do before it is applied
(:class:`StateSteps`), and what ``mlenv apply`` may delete (:class:`DestroyConsent`, :func:`refuse_destruction`)."""

from __future__ import annotations

from dataclasses import dataclass

from generator.addresses import archive_call
from generator.errors import Refused
from generator.manifests.roots import Root

#: Resource types whose deletion removes access and no data (a group, a membership, a permission or grant list, a
#: workspace assignment): ``apply`` deletes them without ``--allow-destroy``, so access never waits for consent.
ACCESS_ONLY_TYPES = frozenset(
    {
        "databricks_group",
        "databricks_group_member",
        "databricks_permissions",
        "databricks_grants",
        "databricks_grant",
        "databricks_mws_permission_assignment",
        "databricks_permission_assignment",
    }
)


@dataclass(frozen=True)
class Change:
    """One resource change in a saved plan, and the resource's type."""

    address: str
    actions: tuple[str, ...]
    importing: bool = False
    type: str = ""

    @property
    def destructive(self) -> bool:
        """Whether the change deletes the resource (a delete, or a replace)."""
        return "delete" in self.actions

    @property
    def deletes_data(self) -> bool:
        """Whether the change deletes something besides access (what ``--allow-destroy`` consents to)."""
        return self.destructive and self.type not in ACCESS_ONLY_TYPES

    def describe(self) -> str:
        """``replace``/``delete`` and the resource address."""
        verb = "replace" if set(self.actions) == {"create", "delete"} else "delete"
        return f"{verb} {self.address}"


@dataclass(frozen=True)
class StateSteps:
    """What a plan asks the state to do before its changes, carried out by ``apply`` (a plan writes no state):
    ``forget`` (``terraform state rm``: Terraform stops managing them, the objects stay) and ``untaint`` (keep what
    an interrupted apply created instead of replacing it), and whether the plan refreshed (so the apply plans again
    as it did). Addresses may name module calls."""

    forget: tuple[str, ...] = ()
    untaint: tuple[str, ...] = ()
    refresh: bool = True

    def __bool__(self) -> bool:
        return bool(self.forget or self.untaint)

    def covers(self, address: str) -> bool:
        """Whether ``address`` is one of the steps' or inside one of their module calls."""
        return any(
            address == step or address.startswith((f"{step}.", f"{step}[")) for step in (*self.forget, *self.untaint)
        )


@dataclass(frozen=True)
class DestroyConsent:
    """What ``mlenv apply`` may delete: data with ``allow_destroy``, and a production archive's data (the module
    calls of ``production_archives``) only with ``include_production`` too."""

    allow_destroy: bool = False
    include_production: bool = False
    production_archives: frozenset[str] = frozenset()


def refuse_destruction(root: Root, changes: list[Change], consent: DestroyConsent) -> None:
    """Raise :class:`Refused` listing every delete or replace of data in the plan, unless ``consent`` covers it
    (deletions of access alone need none)."""
    destructive = [change for change in changes if change.deletes_data]
    if destructive and not consent.allow_destroy:
        listing = "; ".join(change.describe() for change in destructive)
        raise Refused(
            f"the plan{root.of} deletes or replaces {len(destructive)} resources ({listing}); "
            "rerun with --allow-destroy if that is intended"
        )
    production = [
        change
        for change in destructive
        for name in sorted(consent.production_archives)
        if change.address.startswith(f"module.{archive_call(name)}.")
    ]
    if production and not consent.include_production:
        listing = "; ".join(change.describe() for change in production)
        raise Refused(
            f"[production-archive] the plan{root.of} deletes the data of a production archive ({listing}); "
            "rerun with --allow-destroy --include-production if that is intended"
        )
