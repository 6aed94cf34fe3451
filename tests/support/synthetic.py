"""Synthetic workspaces for benchmarks and scale tests: E environments x M models."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import yaml

REPOSITORY = Path(__file__).resolve().parents[2]


#: ``workspace.yaml`` lines that switch a synthetic workspace to Unity Catalog.
UNITY_CATALOG_SETTINGS = "registry: unity_catalog\nworkspace_id: 1234567890123456\n"


def synthesize(root: Path, environments: int, models: int, registry: str = "workspace") -> None:
    """Write `environments` manifests of `models` models each (every 10th environment is production),
    for the Workspace Model Registry or, with ``registry="unity_catalog"``, for Unity Catalog."""
    (root / "environments").mkdir(parents=True)
    settings = "terraform_identity:\n  application_id: 0d6e4c2b-5a7f-4e1d-9b3c-8f2a6e4d1c05\n"
    if registry == "unity_catalog":
        settings += UNITY_CATALOG_SETTINGS
    (root / "environments" / "workspace.yaml").write_text(settings, encoding="utf-8")
    shutil.copytree(REPOSITORY / "modules", root / "modules", ignore=shutil.ignore_patterns(".terraform*"))
    shutil.copy2(REPOSITORY / "versions.tf", root / "versions.tf")
    for index in range(environments):
        name = f"env{index:03d}"
        manifest = {
            "production": index % 10 == 0,
            "description": f"Synthetic environment {index}",
            "service_principals": [{"application_id": str(uuid.UUID(int=index + 1)), "display_name": f"{name}-runner"}],
            "models": [
                {"name": f"model{m:03d}", "description": f"Model {m}", "readers": ["data-scientists"]}
                if m % 3 == 0
                else f"model{m:03d}"
                for m in range(models)
            ],
            "experiment_readers": ["data-scientists"],
        }
        (root / "environments" / f"{name}.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
