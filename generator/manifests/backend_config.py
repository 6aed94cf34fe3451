"""The backend block's arguments in ``workspace.yaml`` (``backend.config``): text, numbers, booleans, lists of text
and mappings of them (``endpoints: {s3: ...}``), each key a backend argument's name; never a credential, which would
be written into every committed ``mlenv_backend.tf`` (backends read them from the environment); and ``{env}`` in a
value exactly when each root has its own state."""

from __future__ import annotations

import math
import re
from typing import Any

from generator.errors import Problem
from generator.manifests.manifest import BACKEND_KEY_PATTERN, FREE_TEXT_PATTERN, PATTERN_HINTS
from generator.manifests.settings import WorkspaceSettings
from generator.manifests.yaml_source import YamlDocument

#: Backend arguments that hold a secret, and where the backend reads each from instead.
CREDENTIALS = {
    "access_key": "AWS_ACCESS_KEY_ID (s3) or ARM_ACCESS_KEY (azurerm)",
    "secret_key": "AWS_SECRET_ACCESS_KEY",
    "token": "AWS_SESSION_TOKEN",
    "session_token": "AWS_SESSION_TOKEN",
    "sas_token": "ARM_SAS_TOKEN",
    "client_secret": "ARM_CLIENT_SECRET",
    "client_certificate_password": "ARM_CLIENT_CERTIFICATE_PASSWORD",
    "client_certificate": "ARM_CLIENT_CERTIFICATE_PATH (a file outside the repository)",
    "oidc_token": "ARM_OIDC_TOKEN",
    "oidc_request_token": "ARM_OIDC_REQUEST_TOKEN",
}
#: Mappings inside ``backend.config`` nest at most this deep (``assume_role``, ``endpoints``).
MAX_NESTING = 2
#: Longest text value.
MAX_TEXT = 1000

Location = tuple[str, ...]


def backend_problems(settings: WorkspaceSettings, document: YamlDocument) -> list[Problem]:
    """Every problem of the backend's arguments, each at its line, plus the one-state-per-root rule."""
    if settings.backend is None:
        return []
    problems: list[Problem] = []
    _check_mapping(settings.backend.config, ("backend", "config"), 0, document, problems)
    return problems + _key_problems(settings, document)


def _check_mapping(
    mapping: dict[str, Any], location: Location, depth: int, document: YamlDocument, problems: list[Problem]
) -> None:
    for key, value in mapping.items():
        at = (*location, key)
        name = ".".join(at)

        def refuse(message: str, hint: str, rule: str = "", at: Location = at) -> None:
            problems.append(Problem(document.path, document.line_of(at), message, hint, rule=rule))

        if re.fullmatch(BACKEND_KEY_PATTERN, key) is None:
            refuse(f"{name}: {key!r} is not a backend argument's name", PATTERN_HINTS[BACKEND_KEY_PATTERN])
        elif key in CREDENTIALS:
            refuse(
                f"{name} is a credential: it would be written into every committed mlenv_backend.tf",
                f"remove it and set {CREDENTIALS[key]} in the environment of mlenv plan and apply instead",
                "backend-credentials",
            )
        elif isinstance(value, dict):
            if depth + 1 >= MAX_NESTING:
                refuse(f"{name} nests mappings deeper than backends take", "flatten it: e.g. endpoints: {s3: URL}")
            else:
                _check_mapping(value, at, depth + 1, document, problems)
        elif not _scalar_or_list(value):
            refuse(
                f"{name} must be text (at most {MAX_TEXT} characters, no control characters), a number, true or "
                "false, a list of text, or a mapping of these",
                "write it as the backend's documentation shows, e.g. max_retries: 5 or endpoints: {s3: URL}",
            )


def _scalar_or_list(value: Any) -> bool:
    if isinstance(value, list):
        return all(isinstance(item, str) and _text(item) for item in value)
    if isinstance(value, bool | int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str) and _text(value)


def _text(value: str) -> bool:
    return len(value) <= MAX_TEXT and re.fullmatch(FREE_TEXT_PATTERN, value) is not None


def _key_problems(settings: WorkspaceSettings, document: YamlDocument) -> list[Problem]:
    """Each root's state under its own key: ``{env}`` in a backend value exactly when the state is per
    environment (one shared key would make every root read and overwrite the same state)."""
    if settings.backend is None:
        return []
    keyed = [key for key, value in settings.backend.config.items() if isinstance(value, str) and "{env}" in value]
    if settings.per_environment_state and not keyed:
        location: tuple[str, ...] = ("backend", "config")
        message = "state: per_environment needs a backend config value with '{env}': every root would share one state"
        hint = "write the key with '{env}', e.g. key: mlenv/{env}.tfstate (the shared root's is 'workspace')"
    elif not settings.per_environment_state and keyed:
        location = ("backend", "config", keyed[0])
        message = "'{env}' in the backend needs state: per_environment; the one state would sit under a literal '{env}'"
        hint = "add 'state: per_environment' or write the key without '{env}'"
    else:
        return []
    return [Problem(document.path, document.line_of(location), message, hint, rule="state-key-per-root")]
