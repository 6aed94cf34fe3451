"""What the permission files say about archives: ``permissions/archives.md`` for auditors and the ``archives``
section of ``permissions/workspace.json`` (what each archive keeps, since when, who may reach it, who lost access).
"""

from __future__ import annotations

from collections.abc import Mapping

from generator.manifests.archives import Archive
from generator.model.permission_model import PermissionModel
from generator.paths import PERMISSIONS_ARCHIVES
from generator.render.grant_formats import JSON_ENCODER
from generator.render.header import Header
from generator.tables import Table, code, code_list


def archive_reports(model: PermissionModel, sources: tuple[str, ...], header: Header) -> dict[str, str]:
    """``permissions/archives.md`` when there are archives (none otherwise)."""
    if not model.archives:
        return {}
    rows = []
    for archive in model.archives:
        record = archive.record
        kept = [f"directory {code(record.experiment_directory)}"]
        if record.catalog and record.catalog_managed:
            kept.append(f"catalog {code(record.catalog)}")
        if record.schema_name:
            kept.append(f"schema {code(record.schema_name)}")
        kept.append(f"models {code_list(record.models) or 'none'}")
        had = [f"group {code(record.group)}"] + [
            f"{code(name or key)}" + (f" ({code(key)})" if name else "")
            for key, name in sorted(record.principals.items())
        ]
        rows.append(
            [
                f"{archive.name}" + (" (production)" if archive.production else ""),
                record.archived_since,
                "; ".join(kept),
                ", ".join(had),
                _status(archive),
            ]
        )
    lines = [
        header(sources, "md"),
        "",
        "# Archives",
        "",
        "Each retired environment's data, kept after its manifest was removed. Its group, the group's memberships",
        "and every grant to it or its principals are gone; its service principals exist with no membership and no",
        f"grant. Only {model.archive_reach} reach the data. Its record (`environments/archived/<env>.yaml`) "
        "is the consent",
        "to delete it: `delete: true`, then `mlenv apply --allow-destroy` (and `--include-production` for a",
        "production archive).",
        "",
        *Table(["Archive", "Retired", "Kept data", "Who had access", "Status"], rows).markdown(),
    ]
    return {PERMISSIONS_ARCHIVES: "\n".join(lines) + "\n"}


def archives_json(model: PermissionModel) -> str:
    """The ``archives`` section of ``permissions/workspace.json`` (empty text when there are none)."""
    if not model.archives:
        return ""
    entries = {archive.name: _archive_json(archive, model.archive_keepers) for archive in model.archives}
    return (
        ',\n  "archives": {\n    '
        + ",\n    ".join(
            f"{JSON_ENCODER.encode(name)}: {JSON_ENCODER.encode(entry)}" for name, entry in entries.items()
        )
        + "\n  }"
    )


def _archive_json(archive: Archive, keepers: tuple[str, ...]) -> Mapping[str, object]:
    record = archive.record
    entry: dict[str, object] = {
        "production": record.production,
        "archived_since": record.archived_since,
        "record": archive.source,
        "group": record.group,
        "principals": dict(sorted(record.principals.items())),
        "experiment_directory": record.experiment_directory,
        "models": sorted(record.models),
    }
    if record.catalog is not None:
        entry |= {"catalog": record.catalog, "catalog_managed": record.catalog_managed, "schema": record.schema_name}
    return entry | {"reachable_by": list(keepers), "delete": record.delete}


def _status(archive: Archive) -> str:
    if archive.deleting:
        return f"deletion requested: the next mlenv apply {archive.consent} deletes the data"
    return "kept"
