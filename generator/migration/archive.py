"""The explicit last step: delete the Workspace Model Registry models the registry switch kept as an archive.

Only after a verification in the same run found every version of every chosen model copied and matching;
production models only with explicit consent. Each model is deleted with MLflow's
``delete_registered_model`` (Terraform forgot them at the switch, so it does not notice).
"""

from __future__ import annotations

from functools import partial

from generator.errors import Refused
from generator.migration.inventory import ModelInventory
from generator.migration.registries import Registries, guarded
from generator.migration.verify import Verification


def delete_archive(
    registries: Registries, inventories: list[ModelInventory], verification: Verification, include_production: bool
) -> list[str]:
    """Delete every source model of ``inventories``; the names deleted.

    Raises:
        Refused: ``archive-unverified`` when the verification did not match everywhere, ``production-archive``
            when production models are among them without ``include_production``; nothing is deleted then.
    """
    if not verification.clean:
        failing = sum(1 for check in verification.checks if not check.ok)
        raise Refused(
            f"[archive-unverified] {failing} checks do not match (see the verification above): the archive is "
            "the only full copy of those versions; nothing was deleted"
        )
    existing = [inventory for inventory in inventories if inventory.source_exists]
    production = sorted(inventory.pair.source for inventory in existing if inventory.pair.production)
    if production and not include_production:
        raise Refused(
            f"[production-archive] {', '.join(production)} are production models; rerun with --include-production "
            "to delete them too (or choose environments with --env); nothing was deleted"
        )
    deleted = []
    for inventory in existing:
        name = inventory.pair.source
        guarded(f"delete {name}", partial(registries.source.delete_registered_model, name))
        print(f"deleted {name} ({len(inventory.versions)} versions, each verified in {inventory.pair.target})")
        deleted.append(name)
    return deleted
