"""What ``mlenv validate`` and ``mlenv render`` say about objects the last render had: retirements (access goes,
data is archived), archives whose deletion was asked for, and objects no manifest declares any more."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from generator.manifests.retirement import last_render
from generator.model.access_diff import Objects, object_changes, objects_of
from generator.model.grants import CATALOG, DIRECTORY, GROUP, REGISTERED_MODEL, SCHEMA
from generator.model.permission_model import PermissionModel

#: Objects whose deletion removes access and no data: mlenv apply deletes them without --allow-destroy.
_ACCESS_ONLY = {GROUP}


def report_deletions(root: Path, model: PermissionModel) -> None:
    """Say what happens to each object of the last render (``permissions/workspace.json``) that the manifests no
    longer declare: a retired environment's access goes and its data is archived; anything else is deleted
    (and a deleted registered model takes every version with it)."""
    for archive in model.archives:
        record = archive.record
        if not archive.recorded:
            print(
                f"note: environment {archive.name} is retired (its manifest is gone): the next mlenv apply deletes "
                f"its group {record.group} with every membership and grant to it or its principals (no flag "
                f"needed); its data (directory {record.experiment_directory}, models "
                f"{', '.join(record.models) or 'none'}) is kept as an archive reachable only by {model.archive_reach}; "
                f"its record: {archive.source} (mlenv render writes it; commit it)",
                file=sys.stderr,
            )
        elif archive.deleting:
            print(
                f"note: archive {archive.name}{' (production)' if archive.production else ''}: its record says "
                f"delete: true, so the plan deletes its data (directory {record.experiment_directory}, models "
                f"{', '.join(record.models) or 'none'}, every version); mlenv apply refuses without {archive.consent}",
                file=sys.stderr,
            )
    archived = {archive.name for archive in model.archives}
    previous = _rendered_objects(last_render(root))
    for change in object_changes(previous, objects_of(model), model.registry):
        if change.change == "deleted" and change.environment not in archived:
            where = f"{change.environment}, production" if change.production else change.environment
            refusal = (
                "" if change.object_type in _ACCESS_ONLY else "; mlenv apply refuses deletions without --allow-destroy"
            )
            print(
                f"note: {change.object_type} {change.object} ({where}) is no longer declared: it will be "
                f"{change.consequence}{refusal}",
                file=sys.stderr,
            )


def _rendered_objects(rendered: dict[str, Any]) -> Objects:
    """The groups, directories, models, schemas and catalogs of the environments the last render had."""
    environments = rendered.get("environments", {})
    objects: Objects = {}
    for name, facts in environments.items() if isinstance(environments, dict) else []:
        where = (name, bool(facts.get("production")))
        objects[(GROUP, str(facts.get("group")))] = where
        objects[(DIRECTORY, str(facts.get("experiment_directory")))] = where
        objects.update({(REGISTERED_MODEL, str(model)): where for model in facts.get("models", [])})
        if facts.get("schema"):
            objects[(SCHEMA, str(facts["schema"]))] = where
        if facts.get("catalog_managed"):
            objects[(CATALOG, str(facts.get("catalog")))] = where
    return objects
