"""Names in one environment: ``churn`` is the registered model ``churn_{env}`` (in Unity Catalog
``{catalog}.{schema}.churn``) and the experiment ``{experiment_root}/{env}/churn``.

Mapping is idempotent (``churn_acc`` stays ``churn_acc``, ``ml_acc.models.churn`` stays itself):
MLflow's own methods hand the full name back to the client, which must not map it again. A name
carrying another known environment's suffix, or naming another catalog or schema, is refused.
"""

from __future__ import annotations

import re
from typing import TypeVar

from mlflow.entities.model_registry import ModelVersion, RegisteredModel
from mlflow.store.entities.paged_list import PagedList

from .environment import EnvironmentSettings
from .errors import EnvironmentRuleViolation, InvalidArgument, require_optional_string, require_string

#: A ``name = '...'`` (or ``!=``) clause of a registry search filter, with either quote.
_NAME_CLAUSE = re.compile(r"""(?P<key>\bname)\s*(?P<op>!=|=)\s*(?P<quote>['"])(?P<value>.*?)(?P=quote)""")
_MODELS_SCHEME = "models:/"
_Named = TypeVar("_Named", RegisteredModel, ModelVersion)


def experiment_directory(settings: EnvironmentSettings) -> str:
    """The environment's experiment directory, with a trailing slash: ``/experiments/acc/``."""
    return f"{settings.experiment_root}/{settings.name}/"


def env_model_name(settings: EnvironmentSettings, name: object, parameter: str) -> str:
    """``churn`` -> ``churn_{env}`` for the argument ``parameter`` of a public method.

    Raises:
        InvalidArgument: ``name`` is not a non-empty string.
        EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
    """
    name = require_string(parameter, name)
    if settings.mode.unity_catalog:
        return _unity_catalog_name(settings, name)
    suffix = f"_{settings.name}"
    if name.endswith(suffix) and len(name) > len(suffix):
        return name
    head, _, tail = name.rpartition("_")
    if head and tail in settings.known_environments:
        raise EnvironmentRuleViolation(
            "foreign-model", f"model {name!r} belongs to environment {tail!r}, not {settings.name!r}"
        )
    return f"{name}{suffix}"


def _unity_catalog_name(settings: EnvironmentSettings, name: str) -> str:
    """``churn`` -> ``{catalog}.{schema}.churn``; a three-level name only in the environment's own schema."""
    prefix = settings.mode.prefix
    if "." not in name:
        return f"{prefix}{name.lower()}"
    if name.lower().startswith(prefix) and name.count(".") == 2:
        return name.lower()
    raise EnvironmentRuleViolation(
        "foreign-model",
        f"model {name!r} is outside {prefix[:-1]}, the catalog and schema of environment {settings.name!r}",
    )


def short_model_name(settings: EnvironmentSettings, name: object, parameter: str) -> str:
    """The short name of one of the environment's models: ``churn_acc`` or ``ml_acc.models.churn`` -> ``churn``.

    Raises:
        InvalidArgument: ``name`` is not a non-empty string.
        EnvironmentRuleViolation: ``foreign-model``, when ``name`` is another environment's model.
    """
    full_name = env_model_name(settings, name, parameter)
    if settings.mode.unity_catalog:
        return full_name[len(settings.mode.prefix) :]
    return full_name[: -len(settings.name) - 1]


def env_experiment_name(settings: EnvironmentSettings, name: object, parameter: str) -> str:
    """``churn`` -> ``{experiment_root}/{env}/churn``; an absolute path must be inside that directory.

    Raises:
        InvalidArgument: ``name`` is not a non-empty string.
        EnvironmentRuleViolation: ``foreign-experiment``, when ``name`` is an absolute path outside the
            environment's directory, or a relative one that climbs out of it with ``..``.
    """
    name = require_string(parameter, name)
    directory = experiment_directory(settings)
    path = name if name.startswith("/") else directory + name
    if not inside_directory(settings, path):
        raise EnvironmentRuleViolation("foreign-experiment", f"experiment {name!r} is outside {directory}")
    return path


def inside_directory(settings: EnvironmentSettings, path: str) -> bool:
    """Whether ``path`` is an absolute path under the environment's experiment directory."""
    return path.startswith(experiment_directory(settings)) and "/../" not in path and not path.endswith("/..")


def env_model_uri(settings: EnvironmentSettings, uri: object, parameter: str) -> str:
    """A ``models:/<name>/...`` URI with the environment's model name; other URIs unchanged.

    Raises:
        InvalidArgument: ``uri`` is not a non-empty string, or is ``models:/`` without a model name.
        EnvironmentRuleViolation: ``foreign-model``, when the model ends in another environment's suffix.
    """
    uri = require_string(parameter, uri)
    if not uri.startswith(_MODELS_SCHEME) or uri.startswith(f"{_MODELS_SCHEME}m-"):
        return uri  # a run or artifact URI, or an MLflow 3 logged model (models:/m-<id>)
    reference = uri[len(_MODELS_SCHEME) :]
    cut = min((index for index in (reference.find("/"), reference.find("@")) if index >= 0), default=len(reference))
    model, rest = reference[:cut], reference[cut:]
    if not model:
        raise InvalidArgument(parameter, "a models:/<name>/<version> or models:/<name>@<alias> URI", uri)
    return f"{_MODELS_SCHEME}{env_model_name(settings, model, parameter)}{rest}"


def rewrite_filter(settings: EnvironmentSettings, filter_string: object) -> str | None:
    """A registry search filter whose ``name = '...'`` clauses name the environment's models.

    Only the ``name`` clause is rewritten; every MLflow version's server understands it. Results
    of other environments are left out afterwards by :func:`own_results`.

    Raises:
        InvalidArgument: ``filter_string`` is neither a string nor ``None``, or has an empty ``name`` clause.
        EnvironmentRuleViolation: ``foreign-model``, when a ``name`` clause names another environment's model.
    """
    filter_string = require_optional_string("filter_string", filter_string)
    if not filter_string:
        return filter_string

    def rewrite(match: re.Match[str]) -> str:
        quote = match["quote"]
        full_name = env_model_name(settings, match["value"], "filter_string")
        return f"{match['key']} {match['op']} {quote}{full_name}{quote}"

    return _NAME_CLAUSE.sub(rewrite, filter_string)


def own_results(settings: EnvironmentSettings, result: PagedList[_Named]) -> PagedList[_Named]:
    """``result`` without the models and versions of other environments (in place; same page token)."""
    if settings.mode.unity_catalog:
        prefix = settings.mode.prefix
        kept = [item for item in result if item.name.lower().startswith(prefix) and item.name.count(".") == 2]
    else:
        suffix = f"_{settings.name}"
        kept = [item for item in result if item.name.endswith(suffix)]
    if len(kept) != len(result):
        result[:] = kept
    return result
