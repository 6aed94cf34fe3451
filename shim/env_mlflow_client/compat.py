"""What the installed MLflow can do, detected from its API, never from its version string.

The client supports ``mlflow-skinny>=2.9.2`` (Databricks Runtime 14.3 LTS ML) up to the newest
MLflow. Where MLflow differs between versions, the client asks the installed MLflow:

- :data:`LOGGED_MODELS`: MLflow 3 logs a model as a *logged model* (``ModelInfo.model_id``,
  ``models:/m-<id>``) and registers versions with ``model_id``; MLflow 2 logs it in a run.
- :func:`supported`: an argument that only newer MLflow methods take (``model_id``,
  ``deployment_job_id``) is passed on only when the installed method takes it.
- :func:`log_model_keyword`: MLflow 3's ``log_model(name=...)`` is MLflow 2's
  ``log_model(artifact_path=...)``.
- :func:`set_run_relative_path`: MLflow 3 fills ``ModelInfo.artifact_path`` with the logged
  model's artifact location; the client returns the run-relative path MLflow documents (and MLflow 2
  returns).
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import mlflow
from mlflow.tracking import MlflowClient
from mlflow.tracking._model_registry import utils as _registry_utils
from mlflow.tracking._tracking_service import utils as _tracking_utils

#: MLflow 3: ``log_model`` creates a logged model, which versions are registered from by ``model_id``.
LOGGED_MODELS: bool = callable(getattr(MlflowClient, "get_logged_model", None))
_TRACKING_URI_VARIABLE = "MLFLOW_TRACKING_URI"
_REGISTRY_URI_VARIABLE = "MLFLOW_REGISTRY_URI"


@functools.cache
def parameter_names(function: Callable[..., Any]) -> frozenset[str] | None:
    """The parameter names of ``function``; ``None`` when it also takes any keyword (``**kwargs``)."""
    parameters = inspect.signature(function).parameters.values()
    if any(parameter.kind is inspect.Parameter.VAR_KEYWORD for parameter in parameters):
        return None
    return frozenset(parameter.name for parameter in parameters)


def accepts(function: Callable[..., Any], parameter: str) -> bool:
    """Whether ``function`` has a parameter named ``parameter`` (explicitly, not through ``**kwargs``)."""
    names = parameter_names(function)
    return names is not None and parameter in names


def supported(function: Callable[..., Any], **optional: Any) -> dict[str, Any]:
    """The keyword arguments of ``optional`` to pass to ``function`` of the installed MLflow.

    An argument the installed method does not take is left out when it is ``None`` (its default
    everywhere); given a value, it is a ``TypeError`` that names the installed MLflow.
    """
    names = parameter_names(function)
    passed = {}
    for name, value in optional.items():
        if names is None or name in names:
            passed[name] = value
        elif value is not None:
            raise TypeError(
                f"{function.__name__}() got {name}={value!r}, which MLflow {mlflow.__version__} does not take"
            )
    return passed


def log_model_keyword(log_model: Callable[..., Any]) -> str:
    """How ``log_model`` of a flavor names the model: ``name`` (MLflow 3) or ``artifact_path`` (MLflow 2)."""
    if accepts(log_model, "name"):
        return "name"
    if accepts(log_model, "artifact_path"):
        return "artifact_path"
    return "name" if LOGGED_MODELS else "artifact_path"


def model_id(model_info: Any) -> str | None:
    """``ModelInfo.model_id`` (MLflow 3); ``None`` where models are logged in runs (MLflow 2)."""
    value = getattr(model_info, "model_id", None)
    return value if isinstance(value, str) and value else None


def set_run_relative_path(model_info: Any, path: str) -> None:
    """Make ``model_info.artifact_path`` the run-relative ``path`` the model was logged under.

    MLflow 2 and the original client return that path; MLflow 3 returns the logged model's artifact
    location there instead (``model_info.model_uri`` loads the model on every version).
    """
    if getattr(model_info, "artifact_path", path) != path and hasattr(model_info, "_artifact_path"):
        model_info._artifact_path = path


def unwrap(model: Any) -> Any:
    """The implementation inside a loaded model: ``PyFuncModel._model_impl``, as the original client returns.

    For a ``python_model`` it is MLflow's wrapper around it (``.python_model`` is the user's object);
    for a ``loader_module`` model, what the loader returned. A flavor that returns its native
    object (``mlflow.sklearn``) has nothing to unwrap: the object itself is returned.
    """
    return getattr(model, "_model_impl", model)


def fluent_experiment_id() -> str | None:
    """The experiment fluent ``mlflow.*`` calls would log to now (set_experiment, MLFLOW_EXPERIMENT_*,
    else MLflow's Default), or ``None`` when this MLflow cannot tell without creating something."""
    current = getattr(mlflow.tracking.fluent, "_get_experiment_id", None)
    experiment_id = current() if callable(current) else None
    return str(experiment_id) if experiment_id is not None else None


@contextmanager
def fluent_tracking_uri(uri: str) -> Iterator[None]:
    """Point fluent ``mlflow.*`` calls (log_model, load_model) at ``uri`` for a moment, then restore
    exactly what was set before (including "nothing")."""
    saved_uri = getattr(_tracking_utils, "_tracking_uri", None)
    saved_variable = os.environ.get(_TRACKING_URI_VARIABLE)
    mlflow.set_tracking_uri(uri)
    try:
        yield
    finally:
        mlflow.set_tracking_uri(saved_uri)  # type: ignore[arg-type]  # None (nothing set) is accepted: it resets
        if saved_variable is not None:
            os.environ[_TRACKING_URI_VARIABLE] = saved_variable


@contextmanager
def fluent_registry_uri(uri: str | None) -> Iterator[None]:
    """Point fluent ``mlflow.*`` model loading (``models:/`` URIs) at the registry ``uri`` for a moment, then
    restore exactly what was set before (including "nothing")."""
    saved_uri = getattr(_registry_utils, "_registry_uri", None)
    saved_variable = os.environ.get(_REGISTRY_URI_VARIABLE)
    if uri is not None:
        mlflow.set_registry_uri(uri)
    try:
        yield
    finally:
        _registry_utils._registry_uri = saved_uri
        if saved_variable is None:
            os.environ.pop(_REGISTRY_URI_VARIABLE, None)
        else:
            os.environ[_REGISTRY_URI_VARIABLE] = saved_variable
