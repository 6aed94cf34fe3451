"""Load ``environments/*.yaml`` into a validated :class:`Manifests`, reporting every problem at once."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.errors import InvalidInput, Problem
from generator.manifests.accepted_versions import load_accepted_versions
from generator.manifests.archives import Archive, archive_problems, load_archives
from generator.manifests.cross_checks import (
    cross_environment_problems,
    duplicate_problems,
    settings_problems,
    unity_catalog_problems,
)
from generator.manifests.environments import Environment, Manifests
from generator.manifests.manifest import ENVIRONMENT_NAME_PATTERN, PATTERN_HINTS, EnvironmentManifest
from generator.manifests.messages import problems_from_validation_error
from generator.manifests.retirement import retirements
from generator.manifests.settings import WorkspaceSettings
from generator.manifests.yaml_limits import MAX_MANIFESTS
from generator.manifests.yaml_source import YamlDocument, load_yaml
from generator.paths import (
    ENVIRONMENTS_DIRECTORY,
    MANIFEST_SUFFIX,
    SETTINGS_FILE_NAME,
    SETTINGS_MANIFEST,
    VERSIONS_FILE,
)


def read_manifests(root: Path) -> tuple[Manifests | None, list[Problem]]:
    """Every valid manifest under ``root/environments`` and every problem found in the others.

    The manifests are ``None`` only when the settings file itself is invalid. Raises
    :class:`InvalidInput` when the directory is missing or holds too many files.
    """
    directory = root / ENVIRONMENTS_DIRECTORY
    if not directory.is_dir():
        raise InvalidInput(
            [
                Problem(
                    ENVIRONMENTS_DIRECTORY,
                    None,
                    "directory not found",
                    f"run mlenv in the repository or pass --repository; looked in {directory}",
                )
            ]
        )
    problems: list[Problem] = []
    settings, settings_source = _load_settings(directory, problems)
    environments: list[Environment] = []
    paths = sorted(directory.iterdir())
    if len(paths) > MAX_MANIFESTS:
        raise InvalidInput(
            [
                Problem(
                    ENVIRONMENTS_DIRECTORY,
                    None,
                    f"holds {len(paths):,} files; mlenv reads at most {MAX_MANIFESTS:,}",
                    "one workspace is not meant for that many environments; split it",
                )
            ]
        )
    for path in paths:
        display = f"{ENVIRONMENTS_DIRECTORY}/{path.name}"
        if path.suffix == ".yml":
            problems.append(
                Problem(
                    display,
                    None,
                    f"manifests must end in {MANIFEST_SUFFIX}",
                    f"rename it to {path.stem}{MANIFEST_SUFFIX}",
                )
            )
            continue
        if path.suffix != MANIFEST_SUFFIX or path.name == SETTINGS_FILE_NAME:
            continue
        environment = _load_environment(path, display, problems)
        if environment is not None:
            environments.append(environment)
    if not environments and not problems:
        problems.append(
            Problem(ENVIRONMENTS_DIRECTORY, None, "no environment manifests found", "add one with: mlenv new-env NAME")
        )
    if settings is None:
        return None, problems
    declared = [path.stem for path in paths if path.suffix == MANIFEST_SUFFIX and path.name != SETTINGS_FILE_NAME]
    problems.extend(cross_environment_problems(settings, environments, declared))
    problems.extend(unity_catalog_problems(settings, environments))
    archives = load_archives(root, problems)
    archives += retirements(root, declared, archives, problems)
    problems.extend(archive_problems(archives, declared, settings))
    root_versions = _root_versions(root, problems) if settings.per_environment_state else None
    archives = tuple(sorted(archives, key=_name))
    accepted = load_accepted_versions(root, problems)
    return Manifests(settings, tuple(environments), settings_source, root_versions, archives, accepted), problems


def _name(archive: Archive) -> str:
    return archive.name


#: Largest ``versions.tf`` mlenv copies into the environments' roots.
MAX_VERSIONS_BYTES = 64 * 1024


def _root_versions(root: Path, problems: list[Problem]) -> str | None:
    """The pins every environment's own root copies: the repository's ``versions.tf`` (``None`` when there is
    none, as in the manifests of a past revision; rendering then refuses)."""
    path = root / VERSIONS_FILE
    if not path.is_file():
        return None
    if path.stat().st_size > MAX_VERSIONS_BYTES:
        problems.append(
            Problem(
                VERSIONS_FILE,
                None,
                f"is larger than {MAX_VERSIONS_BYTES // 1024} KiB",
                "keep the Terraform and provider pins in it (a terraform block with required_providers)",
            )
        )
        return None
    return path.read_text(encoding="utf-8")


def load_settings(root: Path) -> WorkspaceSettings:
    """Only the shared settings of ``root`` (defaults when ``workspace.yaml`` is absent)."""
    problems: list[Problem] = []
    settings, _ = _load_settings(root / ENVIRONMENTS_DIRECTORY, problems)
    if problems or settings is None:
        raise InvalidInput(problems)
    return settings


def _load_settings(directory: Path, problems: list[Problem]) -> tuple[WorkspaceSettings | None, str | None]:
    path = directory / SETTINGS_FILE_NAME
    if not path.exists():
        return WorkspaceSettings(), None
    display = SETTINGS_MANIFEST
    document = _read(path, display, problems)
    if document is None:
        return None, display
    settings = _validate(WorkspaceSettings, document, problems, allow_empty=True)
    if settings is not None:
        combination = settings_problems(settings, document)
        if combination:
            problems.extend(combination)
            return None, display
    return settings, display


def _load_environment(path: Path, display: str, problems: list[Problem]) -> Environment | None:
    name = path.stem
    name_ok = re.fullmatch(ENVIRONMENT_NAME_PATTERN, name) is not None
    if not name_ok:
        problems.append(
            Problem(
                display,
                None,
                f"environment name {name!r} (the file name) is not valid",
                f"rename the file: {PATTERN_HINTS[ENVIRONMENT_NAME_PATTERN]}",
            )
        )
    document = _read(path, display, problems)
    if document is None:
        return None
    manifest = _validate(EnvironmentManifest, document, problems, allow_empty=False)
    if manifest is None or not name_ok:
        return None
    problems.extend(duplicate_problems(manifest, document))
    return Environment(name, manifest, document)


def _read(path: Path, display: str, problems: list[Problem]) -> YamlDocument | None:
    try:
        return load_yaml(path, display)
    except InvalidInput as error:
        problems.extend(error.problems)
        return None


def _validate(model: type[BaseModel], document: YamlDocument, problems: list[Problem], allow_empty: bool) -> Any:
    data = document.data
    if data is None:
        if allow_empty:
            return model()
        problems.append(
            Problem(
                document.path,
                None,
                "file is empty",
                "add at least 'production: false' or run mlenv new-env to scaffold one",
            )
        )
        return None
    if not isinstance(data, dict):
        problems.append(
            Problem(
                document.path,
                document.line_of(()),
                "the manifest must be a mapping of keys to values",
                "start lines with keys such as 'production:' and 'models:'",
            )
        )
        return None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems.extend(problems_from_validation_error(error, model, document))
        return None
