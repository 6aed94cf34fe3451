"""The settings the runtime client needs in one environment, as the environment variables a job sets.

Jobs and manifests cannot disagree when the job's variables come from here (``mlenv client-config``):
the environment name, whether it is production, the experiment root, the registry and, in Unity
Catalog, the catalog and schema of the environment's models.
"""

from __future__ import annotations

import json
import shlex

from generator.manifests.environments import Manifests
from generator.model.permission_model import PermissionModel


def client_settings(manifests: Manifests, model: PermissionModel, environment: str) -> dict[str, str]:
    """The environment variables of the runtime client in ``environment``, in a fixed order."""
    facts = model.environments[environment]
    registry = model.registry
    variables = {
        "MLFLOW_ENV": facts.name,
        "MLFLOW_ENV_PRODUCTION": "true" if facts.production else "false",
        "MLFLOW_ENV_EXPERIMENT_ROOT": manifests.settings.experiment_root,
        "MLFLOW_ENV_REGISTRY": registry.name,
        "MLFLOW_REGISTRY_URI": registry.mlflow_registry_uri,
    }
    return variables | registry.client_variables(facts)


def as_shell(variables: dict[str, str], comment: str) -> str:
    """``export NAME=value`` lines, quoted for POSIX shells, under a ``#`` comment."""
    lines = [f"# {comment}"] + [f"export {name}={shlex.quote(value)}" for name, value in variables.items()]
    return "\n".join(lines) + "\n"


def as_json(variables: dict[str, str]) -> str:
    """One JSON object, e.g. for a Databricks job cluster's ``spark_env_vars``."""
    return json.dumps(variables, indent=2) + "\n"
