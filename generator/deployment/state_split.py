"""The move from ``state: single`` to ``state: per_environment``, on the shared root's plan.

After the switch, the shared root at the top still has the single root's state (local state; a remote backend's
new key starts empty and leaves the old state untouched): every environment's module calls and the
all-principals group's memberships are in it. Planned as they are, they would be deleted. ``--move split-state``
makes the shared root forget them instead: a ``removed`` block (``destroy = false``) per module call, written to
``mlenv_moved.tf``, and, recorded with the saved plan for the apply to carry out (a plan writes no state),
``terraform state rm`` of the memberships (a resource still declared, with no instances, cannot be named by a
``removed`` block). Each environment's root takes the objects over with ``--adopt``
(imports). Nothing in the workspace is created again or deleted.
"""

from __future__ import annotations

from typing import Any

from generator.addresses import (
    ALL_PRINCIPALS_GROUP_CALL,
    EnvironmentModule,
    UnityCatalogModule,
    environment_module_address,
)
from generator.atomic_files import write_atomically
from generator.deployment.options import PlanOptions
from generator.deployment.root_context import Where
from generator.errors import Refused
from generator.model.checked import Checked
from generator.paths import MOVED_TERRAFORM_FILE
from generator.render.moved import render_moved

#: The all-principals group's memberships in the single root (one per environment group).
_MEMBERSHIPS = f"module.{ALL_PRINCIPALS_GROUP_CALL}.databricks_group_member.this"


def split_or_refuse_single_state(
    at: Where, checked: Checked, resources: list[dict[str, Any]], options: PlanOptions
) -> list[str]:
    """In the shared root of ``state: per_environment``: refuse while the state holds what the environments' own
    roots manage now, naming them, unless ``--move split-state`` forgets them (see the module docstring)."""
    if not checked.manifests.settings.per_environment_state or at.root.environment is not None:
        return []
    calls = {
        environment_module_address(environment.name, module)
        for environment in checked.manifests.environments
        for module in (*EnvironmentModule, *UnityCatalogModule)
    }
    present = sorted({call for resource in resources for call in calls if resource["address"].startswith(f"{call}.")})
    memberships = sorted(
        resource["address"] for resource in resources if resource["address"].startswith(f"{_MEMBERSHIPS}[")
    )
    if not present and not memberships:
        return []
    listing = f"{len(present)} module calls and {len(memberships)} memberships of the environments"
    if not options.split_state:
        raise Refused(
            f"the shared root's state still holds {listing} ({', '.join(present + memberships)}), which each "
            "environment's own root manages since state: per_environment; planned as they are, they would be "
            "deleted. Run 'mlenv plan --move split-state --adopt' (and --include-production, after reading the "
            "production models listed): the shared root forgets them and the environments' roots import them"
        )
    write_atomically(at.repository / MOVED_TERRAFORM_FILE, render_moved(present))
    at.say(
        f"split-state: {MOVED_TERRAFORM_FILE} forgets {len(present)} module calls in the shared root; the apply "
        f"forgets {len(memberships)} memberships of {checked.model.all_principals_group} (nothing is deleted)"
    )
    return memberships
