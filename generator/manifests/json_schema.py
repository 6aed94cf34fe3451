"""The published JSON Schema of the manifests, generated from the loader's own definitions."""

from __future__ import annotations

import json

from pydantic import BaseModel

from generator.manifests.manifest import EnvironmentManifest
from generator.manifests.settings import WorkspaceSettings
from generator.paths import ENVIRONMENT_SCHEMA, SETTINGS_SCHEMA

_SCHEMA_BASE = "https://mlenv.dev/schema/"


def render_schemas(header: str) -> dict[str, str]:
    """JSON Schema documents for environment manifests and for ``workspace.yaml``."""
    return {
        ENVIRONMENT_SCHEMA: _schema(EnvironmentManifest, "environment", header),
        SETTINGS_SCHEMA: _schema(WorkspaceSettings, "workspace", header),
    }


def _schema(model: type[BaseModel], name: str, header: str) -> str:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{_SCHEMA_BASE}{name}.schema.json",
        "$comment": header,
        **model.model_json_schema(),
    }
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
