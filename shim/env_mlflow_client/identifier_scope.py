"""Check the run or experiment id of every ``MlflowClient`` method that takes one first.

``MlflowClient`` has dozens of such methods (``log_metric``, ``set_tag``, ``log_artifact``,
``delete_experiment``, ``search_traces``...) and MLflow adds more in new releases. Rather than
override each one, :func:`scope_identifier_methods` wraps every public method whose first
parameter is ``run_id``, ``experiment_id`` or ``experiment_ids`` and that the client does not
override itself (in any of its parts), so that the id is checked before the call is made. The
methods are found on the installed ``MlflowClient``, so every MLflow version gets its own set.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from mlflow.tracking import MlflowClient

#: First parameter of a method -> the client method that checks its value.
IDENTIFIER_CHECKS = {
    "run_id": "_require_own_run",
    "experiment_id": "_require_own_experiment",
    "experiment_ids": "_require_own_experiments",
}

Client = TypeVar("Client", bound=type)

#: What each checked parameter must be.
EXPECTED = {
    "run_id": "a non-empty string",
    "experiment_id": "a non-empty string",
    "experiment_ids": "an experiment id or a list of experiment ids (non-empty strings)",
}


def scope_identifier_methods(cls: Client) -> Client:
    """Class decorator: wrap the inherited id-taking methods of ``MlflowClient`` in ``cls``."""
    for name, method in inspect.getmembers(MlflowClient, inspect.isfunction):
        if name.startswith("_") or getattr(cls, name) is not method:  # overridden by the client
            continue
        parameters = list(inspect.signature(method).parameters)
        if len(parameters) > 1 and parameters[1] in IDENTIFIER_CHECKS:
            setattr(cls, name, _scoped(method, parameters[1]))
    return cls


def scoped_method_names(cls: type) -> list[str]:
    """Names of the methods of ``cls`` wrapped by :func:`scope_identifier_methods`, sorted."""
    return sorted(name for name, value in vars(cls).items() if getattr(value, "_identifier_scope", None))


def _scoped(method: Callable[..., Any], parameter: str) -> Callable[..., Any]:
    check = IDENTIFIER_CHECKS[parameter]

    @functools.wraps(method)
    def scoped(self: Any, *args: Any, **kwargs: Any) -> Any:
        getattr(self, check)(kwargs[parameter] if parameter in kwargs else args[0] if args else None, parameter)
        return method(self, *args, **kwargs)

    scoped.__doc__ = (
        f"``MlflowClient.{method.__name__}``, refused when ``{parameter}`` is outside this client's "
        f"environment.\n\n{inspect.getdoc(method) or ''}\n\n"
        "Raises:\n"
        f"    InvalidArgument: ``{parameter}`` is not {EXPECTED[parameter]}.\n"
        f"    EnvironmentRuleViolation: ``foreign-experiment``, when ``{parameter}`` is missing or names a run or "
        "an experiment outside this client's experiment directory."
    )
    scoped._identifier_scope = parameter  # type: ignore[attr-defined]
    return scoped
