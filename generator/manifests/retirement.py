"""Retirement: an environment whose manifest is gone becomes an archive, never a silent deletion.

The last render's ``permissions/workspace.json`` lists every environment it rendered and every archive. An
environment listed there whose manifest and archive record are both gone is retired now: its archive (not yet
recorded; ``mlenv render`` writes the record) is built from those facts. An archive record removed before its
data was deleted (``delete: true`` and an apply) is refused, and so is an environment's own root whose
environment no manifest, record or past render accounts for.
"""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator.errors import Problem
from generator.manifests.archives import Archive, ArchiveRecord
from generator.paths import (
    ENVIRONMENT_ROOTS_DIRECTORY,
    PERMISSIONS_JSON,
    ROOT_FILE_PREFIX,
    archive_record,
    environment_manifest,
)

#: What a retirement's date comes from when set (the reproducible-builds convention): seconds since the epoch.
SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"


def retirements(
    repository: Path, declared: list[str], archives: tuple[Archive, ...], problems: list[Problem]
) -> tuple[Archive, ...]:
    """The archives of the environments retired since the last render (not yet recorded), by name; problems
    with removed records and unaccounted roots in ``problems``."""
    rendered = last_render(repository)
    environments: dict[str, Any] = rendered.get("environments", {})
    recorded = {archive.name for archive in archives}
    found = []
    for name, facts in sorted(environments.items()):
        if name in declared or name in recorded:
            continue
        record = _record_of(facts, rendered)
        if record is None:
            problems.append(
                Problem(
                    PERMISSIONS_JSON,
                    None,
                    f"environment {name} is retired (its manifest is gone) but the last render's facts about it are "
                    "incomplete, so its archive cannot be recorded",
                    f"restore {environment_manifest(name)} and run mlenv render, then remove it again",
                    "retirement-unrecorded",
                )
            )
            continue
        found.append(Archive(name, record, archive_record(name), recorded=False))
    known = set(declared) | recorded | {archive.name for archive in found}
    for name, facts in sorted(rendered.get("archives", {}).items()):
        if name not in known and isinstance(facts, dict) and not facts.get("delete"):
            problems.append(
                Problem(
                    archive_record(name),
                    None,
                    f"the archive record of {name} was removed before its data was deleted",
                    f"restore it (git checkout -- {archive_record(name)}); to delete the data set delete: true in "
                    "it, run mlenv render, mlenv plan and mlenv apply --allow-destroy, then remove it",
                    "archive-delete-first",
                )
            )
    for directory in sorted((repository / ENVIRONMENT_ROOTS_DIRECTORY).glob("*")):
        unaccounted = directory.name not in known and directory.name not in rendered.get("archives", {})
        if unaccounted and any(directory.glob(f"{ROOT_FILE_PREFIX}*.tf")):
            problems.append(
                Problem(
                    f"{ENVIRONMENT_ROOTS_DIRECTORY}/{directory.name}",
                    None,
                    f"a root of environment {directory.name}, which no manifest, archive record or the last "
                    f"render ({PERMISSIONS_JSON}) names: its state may hold the environment's objects",
                    f"restore {environment_manifest(directory.name)} and run mlenv render, then remove the "
                    "manifest again and render: mlenv records the retirement from the last render",
                    "retirement-unrecorded",
                )
            )
    return tuple(found)


def retirement_date() -> str:
    """Today (UTC), or the day of ``SOURCE_DATE_EPOCH`` when set, as ``YYYY-MM-DD``."""
    epoch = os.environ.get(SOURCE_DATE_EPOCH, "")
    moment = (
        datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
        if epoch.isdigit()
        else datetime.datetime.now(datetime.UTC)
    )
    return moment.date().isoformat()


def last_render(repository: Path) -> dict[str, Any]:
    """What the last render wrote to ``permissions/workspace.json`` (empty when there is none or it is unreadable)."""
    try:
        document = json.loads((repository / PERMISSIONS_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return document if isinstance(document, dict) else {}


def _record_of(facts: Any, rendered: dict[str, Any]) -> ArchiveRecord | None:
    """The archive record of a retired environment from its ``facts`` in the last render (``None`` when they do not
    make a valid one)."""
    if not isinstance(facts, dict):
        return None
    group = str(facts.get("group", ""))
    names = rendered.get("principals", {})
    members = {
        str(grant.get("principal")): str(names.get(grant.get("principal"), {}).get("name", ""))
        for grant in rendered.get("grants", [])
        if isinstance(grant, dict)
        and grant.get("object_type") == "group"
        and grant.get("object") == group
        and grant.get("principal_type") != "group"
    }
    unity_catalog = "catalog" in facts
    try:
        return ArchiveRecord.model_validate(
            {
                "archived_since": retirement_date(),
                "registry": "unity_catalog" if unity_catalog else "workspace",
                "production": bool(facts.get("production")),
                "group": group,
                "principals": members,
                "experiment_directory": str(facts.get("experiment_directory", "")),
                "models": [str(model) for model in facts.get("models", [])],
                **(
                    {
                        "catalog": str(facts.get("catalog")),
                        "catalog_managed": bool(facts.get("catalog_managed")),
                        "schema": str(facts.get("schema")),
                    }
                    if unity_catalog
                    else {}
                ),
            }
        )
    except ValidationError:
        return None
