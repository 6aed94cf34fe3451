"""``environments/audit/accepted_versions.yaml``: production model versions the audit accepts although the
production principal did not create them (say, those registered before mlenv managed the model), each with why.

Optional. Every other version of a production model must have been created by the environment's own principals.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, RootModel, ValidationError

from generator.errors import InvalidInput, Problem
from generator.manifests.manifest import FREE_TEXT_PATTERN, Strict
from generator.manifests.messages import problems_from_validation_error
from generator.manifests.yaml_source import load_yaml
from generator.paths import ACCEPTED_VERSIONS

#: ``(model full name, version)`` of every accepted version.
Accepted = frozenset[tuple[str, str]]


class AcceptedVersion(Strict):
    """One version the audit accepts, and why."""

    version: int = Field(ge=1, description="The version number.")
    reason: str = Field(min_length=1, max_length=500, pattern=FREE_TEXT_PATTERN, description="Why it is accepted.")


class AcceptedVersions(RootModel[dict[str, list[AcceptedVersion]]]):
    """Model full name -> the versions of it the audit accepts."""


def load_accepted_versions(repository: Path, problems: list[Problem]) -> Accepted:
    """The accepted versions (none when the file is absent); problems of an invalid file in ``problems``."""
    path = repository / ACCEPTED_VERSIONS
    if not path.is_file():
        return frozenset()
    try:
        document = load_yaml(path, ACCEPTED_VERSIONS)
    except InvalidInput as error:
        problems.extend(error.problems)
        return frozenset()
    if document.data is None:
        return frozenset()
    try:
        accepted = AcceptedVersions.model_validate(document.data)
    except ValidationError as error:
        problems.extend(problems_from_validation_error(error, AcceptedVersions, document))
        return frozenset()
    return frozenset((name, str(entry.version)) for name, entries in accepted.root.items() for entry in entries)
