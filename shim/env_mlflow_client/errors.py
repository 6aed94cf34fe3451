"""The client's two refusals, both raised before any request is sent.

- :class:`EnvironmentRuleViolation` (``PERMISSION_DENIED``): the call would leave the client's
  environment; it names the broken rule.
- :class:`InvalidArgument` (``INVALID_PARAMETER_VALUE``): an argument has the wrong type or is
  empty; it names the parameter and what was expected.
"""

from __future__ import annotations

from mlflow.exceptions import MlflowException
from mlflow.protos.databricks_pb2 import INVALID_PARAMETER_VALUE, PERMISSION_DENIED

#: Every rule the client enforces, with the sentence its refusals carry.
RULES: dict[str, str] = {
    "environment-required": "the client needs an environment: pass env_name= or set MLFLOW_ENV",
    "environment-name": "environment names are 2-16 lowercase letters and digits, starting with a letter",
    "unknown-environment": "an environment named by the permissions file must be one of its environments",
    "permissions-file": "the permissions file given (permissions/workspace.json of mlenv render) must be readable "
    "JSON; without it the client cannot tell which environments exist",
    "foreign-model": "a client reaches only its own environment's registered models ({model}_{env}, or "
    "{catalog}.{schema}.{model} in Unity Catalog)",
    "foreign-experiment": "a client reaches only experiments under {experiment_root}/{env}/",
    "production-stage-outside-production": "only a production environment may move versions into Production",
    "production-alias-outside-production": "only a production environment may set production aliases",
    "unknown-stage": "stages are None, Staging, Production and Archived",
    "registry-mismatch": "the registry the client is told to use (registry=, MLFLOW_ENV_REGISTRY) and MLflow's "
    "registry URI agree: unity_catalog with databricks-uc, workspace with any other",
    "signature-required": "a model registered in Unity Catalog has a signature: pass input_example= or signature= "
    "to log_model_helper",
    "registration-bypass": "register models through the client (log_model_helper or create_model_version), "
    "not mlflow.register_model or log_model(registered_model_name=...)",
}

NON_EMPTY_STRING = "a non-empty string"


class EnvironmentRuleViolation(MlflowException):
    """A call refused before any request was sent, because it breaks ``rule``."""

    def __init__(self, rule: str, message: str) -> None:
        self.rule = rule
        super().__init__(f"[{rule}] {message} (rule: {RULES[rule]})", error_code=PERMISSION_DENIED)


class InvalidArgument(MlflowException):
    """A call refused before any request was sent, because argument ``parameter`` is not ``expected``."""

    def __init__(self, parameter: str, expected: str, value: object) -> None:
        self.parameter = parameter
        super().__init__(
            f"invalid argument {parameter}: expected {expected}, got {value!r} ({type(value).__name__})",
            error_code=INVALID_PARAMETER_VALUE,
        )


def require_string(parameter: str, value: object) -> str:
    """``value`` if it is a non-empty string, else :class:`InvalidArgument` naming ``parameter``."""
    if not isinstance(value, str) or not value:
        raise InvalidArgument(parameter, NON_EMPTY_STRING, value)
    return value


def require_optional_string(parameter: str, value: object) -> str | None:
    """``value`` if it is ``None`` or a string (possibly empty), else :class:`InvalidArgument`."""
    if value is not None and not isinstance(value, str):
        raise InvalidArgument(parameter, "a string or None", value)
    return value
