"""Load ``environments/*.yaml`` into a validated :class:`Workspace`, reporting every problem at once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.errors import InvalidInput, Problem
from generator.manifests.manifest import (ENVIRONMENT_NAME_PATTERN, PATTERN_HINTS, EnvironmentManifest, WorkspaceSettings)
from generator.manifests.messages import problems_from_validation_error
from generator.manifests.yaml_source import YamlDocument, load_yaml
from generator.paths import ENVIRONMENTS_DIRECTORY, MANIFEST_SUFFIX, SETTINGS_FILE_NAME, SETTINGS_MANIFEST

RESERVED_GROUPS = frozenset({"admins", "users", "account users"})


@dataclass(frozen=True)
class Environment:
    """One validated environment manifest and where it came from."""

    name: str
    manifest: EnvironmentManifest
    document: YamlDocument

    @property
    def source(self) -> str:
        """Path of the manifest relative to the repository root."""
        return self.document.path

    @property
    def production(self) -> bool:
        """Whether this is a production environment."""
        return self.manifest.production


@dataclass(frozen=True)
class Workspace:
    """Every environment of one Databricks workspace plus the shared settings."""

    settings: WorkspaceSettings
    environments: tuple[Environment, ...]
    settings_source: str | None = None

    @property
    def sources(self) -> tuple[str, ...]:
        """Every manifest this workspace was read from, sorted."""
        paths = [environment.source for environment in self.environments]
        if self.settings_source:
            paths.append(self.settings_source)
        return tuple(sorted(paths))

    def sources_of(self, environment: Environment) -> tuple[str, ...]:
        """The manifests one environment's files are generated from: its own and the settings file."""
        return tuple(sorted(filter(None, (environment.source, self.settings_source))))

    def environment(self, name: str) -> Environment:
        """The environment called ``name``; ``KeyError`` when there is none."""
        for environment in self.environments:
            if environment.name == name:
                return environment
        raise KeyError(name)


def load_workspace(root: Path) -> Workspace:
    """Read and validate every manifest under ``root/environments``.

    Raises :class:`InvalidInput` with all problems found in all files.
    """
    directory = root / ENVIRONMENTS_DIRECTORY
    if not directory.is_dir():
        raise InvalidInput([Problem(ENVIRONMENTS_DIRECTORY, None, "directory not found",
                                    f"run mlenv in the repository root or pass --root; looked in {directory}")])
    problems: list[Problem] = []
    settings, settings_source = _load_settings(directory, problems)
    environments: list[Environment] = []
    for path in sorted(directory.iterdir()):
        display = f"{ENVIRONMENTS_DIRECTORY}/{path.name}"
        if path.suffix == ".yml":
            problems.append(Problem(display, None, f"manifests must end in {MANIFEST_SUFFIX}",
                                    f"rename it to {path.stem}{MANIFEST_SUFFIX}"))
            continue
        if path.suffix != MANIFEST_SUFFIX or path.name == SETTINGS_FILE_NAME:
            continue
        environment = _load_environment(path, display, problems)
        if environment is not None:
            environments.append(environment)
    if not environments and not problems:
        problems.append(Problem(ENVIRONMENTS_DIRECTORY, None, "no environment manifests found",
                                "add one with: mlenv new-env NAME"))
    if settings is not None:
        problems.extend(_cross_environment_problems(settings, environments))
    if problems:
        raise InvalidInput(problems)
    assert settings is not None
    return Workspace(settings, tuple(environments), settings_source)


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
    return settings, display


def _load_environment(path: Path, display: str, problems: list[Problem]) -> Environment | None:
    name = path.stem
    name_ok = re.fullmatch(ENVIRONMENT_NAME_PATTERN, name) is not None
    if not name_ok:
        problems.append(Problem(display, None, f"environment name {name!r} (the file name) is not valid",
                                f"rename the file: {PATTERN_HINTS[ENVIRONMENT_NAME_PATTERN]}"))
    document = _read(path, display, problems)
    if document is None:
        return None
    manifest = _validate(EnvironmentManifest, document, problems, allow_empty=False)
    if manifest is None or not name_ok:
        return None
    problems.extend(_duplicate_problems(manifest, document))
    return Environment(name, manifest, document)


def _read(path: Path, display: str, problems: list[Problem]) -> YamlDocument | None:
    try:
        return load_yaml(path, display)
    except InvalidInput as error:
        problems.extend(error.problems)
        return None


def _validate(model: type[BaseModel], document: YamlDocument, problems: list[Problem],
              allow_empty: bool) -> Any:
    data = document.data
    if data is None:
        if allow_empty:
            return model()
        problems.append(Problem(document.path, None, "file is empty",
                                "add at least 'production: false' or run mlenv new-env to scaffold one"))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(document.path, document.line_of(()),
                                "the manifest must be a mapping of keys to values",
                                "start lines with keys such as 'production:' and 'models:'"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems.extend(problems_from_validation_error(error, model, document))
        return None


def _duplicate_problems(manifest: EnvironmentManifest, document: YamlDocument) -> list[Problem]:
    problems: list[Problem] = []

    def check(values: list[str], location_of: Any, what: str) -> None:
        first_seen: dict[str, int] = {}
        for index, value in enumerate(values):
            line = document.line_of(location_of(index))
            if value in first_seen:
                problems.append(Problem(document.path, line, f"{what} {value!r} is listed twice "
                                        f"(first on line {first_seen[value]})", "remove one of them"))
            else:
                first_seen[value] = line

    check([model.name for model in manifest.models], lambda i: ("models", i), "model")
    check(manifest.experiment_readers, lambda i: ("experiment_readers", i), "reader group")
    for model_index, model in enumerate(manifest.models):
        check(model.readers, lambda i, m=model_index: ("models", m, "readers", i), "reader group")
    for field in ("application_id", "display_name"):
        values = [getattr(principal, field) for principal in manifest.service_principals]
        indexed = [(i, v) for i, v in enumerate(values) if v is not None]
        check([v for _, v in indexed], lambda i, idx=indexed: ("service_principals", idx[i][0]),
              f"service principal {field}")
    return problems


def _cross_environment_problems(settings: WorkspaceSettings, environments: list[Environment]) -> list[Problem]:
    problems: list[Problem] = []
    names = sorted(environment.name for environment in environments)
    known_names = set(names)
    environment_groups = {settings.group_name(name) for name in names}
    group_pattern = re.compile(re.escape(settings.group_name_pattern).replace(r"\{env\}", ".+"))
    principal_owner: dict[str, tuple[str, str, int]] = {}
    for environment in environments:
        document = environment.document
        manifest = environment.manifest
        for index, principal in enumerate(manifest.service_principals):
            line = document.line_of(("service_principals", index))
            for identifier in filter(None, (principal.application_id, principal.display_name)):
                owner = principal_owner.get(identifier)
                if owner is not None and owner[0] != environment.name:
                    problems.append(Problem(
                        document.path, line,
                        f"service principal {identifier!r} already belongs to environment {owner[0]!r} "
                        f"({owner[1]}:{owner[2]})",
                        "give each environment its own service principals", rule="one-environment-per-principal"))
                principal_owner.setdefault(identifier, (environment.name, document.path, line))
        for index, model in enumerate(manifest.models):
            # Environment names hold no '_', so a name ends in '_{env}' exactly when its last part is one.
            other = model.name.rpartition("_")[2]
            if "_" in model.name and other in known_names:
                problems.append(Problem(
                    document.path, document.line_of(("models", index)),
                    f"model name {model.name!r} ends with '_{other}', the suffix of environment {other!r}; "
                    f"it would be registered as {model.name}_{environment.name} and read as another "
                    "environment's model", "choose a name that does not end in an environment suffix",
                    rule="unambiguous-model-name"))
        reader_lists = [(("experiment_readers", i), group) for i, group in enumerate(manifest.experiment_readers)]
        for model_index, model in enumerate(manifest.models):
            reader_lists += [(("models", model_index, "readers", i), group) for i, group in enumerate(model.readers)]
        for location, group in reader_lists:
            reason = _forbidden_reader_reason(group, settings, environment_groups, group_pattern)
            if reason:
                problems.append(Problem(document.path, document.line_of(location), reason,
                                        "list a team group such as data-scientists; environment principals get "
                                        "access through their own environment only", rule="readers-not-environment-groups"))
    return problems


def _forbidden_reader_reason(group: str, settings: WorkspaceSettings, environment_groups: set[str],
                             group_pattern: re.Pattern[str]) -> str:
    if group == settings.all_principals_group:
        return f"reader group {group!r} is the all-principals group, which holds every environment"
    if group in environment_groups or group_pattern.fullmatch(group):
        return f"reader group {group!r} is an environment group"
    if group.lower() in RESERVED_GROUPS:
        return f"reader group {group!r} is a built-in Databricks group and cannot be a reader"
    return ""
