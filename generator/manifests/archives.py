"""Archive records: ``environments/archived/<env>.yaml``, one per retired environment.

When an environment's manifest is removed, ``mlenv render`` writes its archive record (:mod:`.retirement`): the
access the environment gave goes on the next apply, and its data (models with every version, the experiment
directory, the Unity Catalog catalog and schema) is kept, reachable only by its keepers, until someone decides.
From then on the record is an input like a manifest: ``delete: true`` in it asks for the data's deletion.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from generator.errors import InvalidInput, Problem
from generator.manifests.manifest import ENVIRONMENT_NAME_PATTERN, PATTERN_HINTS, WORKSPACE_PATH_PATTERN, Strict
from generator.manifests.messages import problems_from_validation_error
from generator.manifests.settings import WorkspaceSettings
from generator.manifests.yaml_source import YamlDocument, load_yaml
from generator.paths import ARCHIVES_DIRECTORY, MANIFEST_SUFFIX, SETTINGS_MANIFEST, environment_manifest

DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


class ArchiveRecord(Strict):
    """What a retired environment left behind, as its archive record says."""

    archived_since: str = Field(pattern=DATE_PATTERN, description="The day the retirement was rendered (UTC).")
    registry: Literal["workspace", "unity_catalog"] = Field(description="The model registry its models are in.")
    production: bool = Field(description="Whether it was a production environment.")
    group: str = Field(min_length=1, description="Its group, deleted on retirement.")
    principals: dict[str, str] = Field(
        default_factory=dict, description="Its service principals (id: display name): kept, with no access."
    )
    experiment_directory: str = Field(pattern=WORKSPACE_PATH_PATTERN, description="Its experiment directory.")
    models: list[str] = Field(default_factory=list, description="Its registered models (full names).")
    catalog: str | None = Field(default=None, description="Unity Catalog: its catalog.")
    catalog_managed: bool = Field(default=False, description="Unity Catalog: whether mlenv created the catalog.")
    schema_name: str | None = Field(default=None, alias="schema", description="Unity Catalog: catalog.schema.")
    delete: bool = Field(
        default=False,
        description="true: delete the archived data on the next apply (needs --allow-destroy, and "
        "--include-production for a production archive); then remove this file.",
    )


@dataclass(frozen=True)
class Archive:
    """A retired environment: its name, its record and where the record is (or will be, ``recorded`` false)."""

    name: str
    record: ArchiveRecord
    source: str
    recorded: bool = True

    @property
    def production(self) -> bool:
        """Whether the archive holds a production environment's data."""
        return self.record.production

    @property
    def consent(self) -> str:
        """The flags ``mlenv apply`` needs to delete its data."""
        return "--allow-destroy" + (" --include-production" if self.production else "")

    @property
    def deleting(self) -> bool:
        """Whether its record asks for the data's deletion."""
        return self.record.delete


def load_archives(repository: Path, problems: list[Problem]) -> tuple[Archive, ...]:
    """Every archive record under ``environments/archived/``, by name; problems of the invalid ones in
    ``problems``."""
    directory = repository / ARCHIVES_DIRECTORY
    if not directory.is_dir():
        return ()
    archives = []
    for path in sorted(directory.glob(f"*{MANIFEST_SUFFIX}")):
        display = f"{ARCHIVES_DIRECTORY}/{path.name}"
        if re.fullmatch(ENVIRONMENT_NAME_PATTERN, path.stem) is None:
            hint = f"rename the file: {PATTERN_HINTS[ENVIRONMENT_NAME_PATTERN]}"
            problems.append(Problem(display, None, f"archive name {path.stem!r} (the file name) is not valid", hint))
            continue
        record = _record(path, display, problems)
        if record is not None:
            archives.append(Archive(path.stem, record, display))
    return tuple(archives)


def archive_problems(archives: tuple[Archive, ...], declared: list[str], settings: WorkspaceSettings) -> list[Problem]:
    """Archives whose name a manifest declares again, whose registry is not the workspace's, or that Unity Catalog
    would have to give to an archive owner ``workspace.yaml`` does not name."""
    problems = []
    registry = settings.registry
    for archive in archives:
        if registry == "unity_catalog" and settings.uc.archive_owner is None and not archive.deleting:
            problems.append(
                Problem(
                    SETTINGS_MANIFEST,
                    None,
                    f"environment {archive.name} is retired: its catalog, schema and models must move to an archive "
                    "owner before its group goes, and none is named",
                    "name the account group that keeps archives (a platform team) as unity_catalog.archive_owner",
                    "archive-owner-required",
                )
            )
        if archive.name in declared:
            problems.append(
                Problem(
                    environment_manifest(archive.name),
                    None,
                    f"{archive.name} is the name of an archived environment ({archive.source})",
                    "choose another name; or delete the archive first (delete: true in its record, mlenv apply "
                    "--allow-destroy, then remove the record)",
                    "archive-name-taken",
                )
            )
        if archive.record.registry != registry:
            problems.append(
                Problem(
                    archive.source,
                    None,
                    f"the archive is in the {archive.record.registry} registry, the workspace uses {registry}",
                    "delete the archive (delete: true, mlenv apply --allow-destroy) before switching registries",
                    "archive-registry",
                )
            )
    return problems


def record_text(archive: Archive, keepers: str) -> str:
    """The archive record as ``mlenv render`` writes it, with comments saying what it means and what to do."""
    record = archive.record
    lines = [
        f"# Archive of environment {archive.name}, written by mlenv render when {environment_manifest(archive.name)}",
        "# was removed. The access it gave went with it: its group, the group's memberships and every grant to",
        f"# it or its principals. Its data stays, reachable only by {keepers}, until someone decides.",
        "# To delete the data: set delete: true, run mlenv render, mlenv plan and mlenv apply --allow-destroy",
        "# (a production archive also needs --include-production); then remove this file and run mlenv render.",
        f'archived_since: "{record.archived_since}"',
        f"registry: {record.registry}",
        f"production: {_boolean(record.production)}",
        f"group: {_text(record.group)}",
        "principals:" + ("" if record.principals else " {}"),
        *(f"  {_text(key)}: {_text(name)}" for key, name in sorted(record.principals.items())),
        f"experiment_directory: {_text(record.experiment_directory)}",
        "models:" + ("" if record.models else " []"),
        *(f"  - {_text(name)}" for name in sorted(record.models)),
    ]
    if record.catalog is not None:
        lines += [f"catalog: {_text(record.catalog)}", f"catalog_managed: {_boolean(record.catalog_managed)}"]
    if record.schema_name is not None:
        lines.append(f"schema: {_text(record.schema_name)}")
    lines.append(f"delete: {_boolean(record.delete)}")
    return "\n".join(lines) + "\n"


def _record(path: Path, display: str, problems: list[Problem]) -> ArchiveRecord | None:
    try:
        document: YamlDocument = load_yaml(path, display)
    except InvalidInput as error:
        problems.extend(error.problems)
        return None
    if not isinstance(document.data, dict):
        problems.append(
            Problem(display, None, "an archive record must be a mapping", "restore it from the repository history")
        )
        return None
    try:
        return ArchiveRecord.model_validate(document.data)
    except ValidationError as error:
        problems.extend(problems_from_validation_error(error, ArchiveRecord, document))
        return None


def _boolean(value: bool) -> str:
    return "true" if value else "false"


def _text(value: str) -> str:
    """``value`` as a double-quoted YAML scalar (JSON's escaping is YAML's)."""
    return json.dumps(value, ensure_ascii=False)
