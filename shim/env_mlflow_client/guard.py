"""Opt-in guard against registering models around the client.

``mlflow.register_model`` and ``mlflow.<flavor>.log_model(registered_model_name=...)`` build a
plain ``MlflowClient`` inside MLflow, so no rule of ``EnvironmentMlflowClient`` applies to them.
``guard_fluent_registration()`` makes both refuse, naming the rule.
"""

from __future__ import annotations

import functools
from typing import Any, NoReturn

import mlflow.tracking._model_registry.fluent as registry_fluent

from .errors import EnvironmentRuleViolation

_GUARDED = "_env_mlflow_client_guarded"


def guard_fluent_registration() -> None:
    """Make ``mlflow.register_model`` (and with it ``log_model(registered_model_name=...)``) refuse.

    Idempotent. From then on, in this process, those calls raise
    :class:`~env_mlflow_client.EnvironmentRuleViolation` with rule ``registration-bypass``.
    """
    original = registry_fluent._register_model
    if getattr(original, _GUARDED, False):
        return

    @functools.wraps(original)
    def refuse(*args: Any, **kwargs: Any) -> NoReturn:
        name = kwargs.get("name", args[1] if len(args) > 1 else None)
        raise EnvironmentRuleViolation(
            "registration-bypass",
            f"mlflow.register_model({name!r}) bypasses EnvironmentMlflowClient; use client.log_model_helper",
        )

    setattr(refuse, _GUARDED, True)
    # Both mlflow.register_model and log_model(registered_model_name=...) go through this function.
    registry_fluent._register_model = refuse
