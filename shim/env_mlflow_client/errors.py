"""The refusal raised when a call would leave the client's environment; it names the broken rule."""

from __future__ import annotations

from mlflow.exceptions import MlflowException
from mlflow.protos.databricks_pb2 import PERMISSION_DENIED

#: Every rule the client enforces, with the sentence its refusals carry.
RULES: dict[str, str] = {
    "environment-required": "the client needs an environment: pass env_name= or set MLFLOW_ENV",
    "environment-name": "environment names are 2-16 lowercase letters and digits, starting with a letter",
    "unknown-environment": "an environment named by the permissions file must be one of its environments",
    "foreign-model": "a client reaches only its own environment's registered models ({model}_{env})",
    "foreign-experiment": "a client reaches only experiments under {experiment_root}/{env}/",
    "production-stage-outside-production": "only a production environment may move versions into Production",
    "production-alias-outside-production": "only a production environment may set production aliases",
    "unknown-stage": "stages are None, Staging, Production and Archived",
    "registration-bypass": "register models through the client (log_model_helper or create_model_version), "
                           "not mlflow.register_model or log_model(registered_model_name=...)",
}


class EnvironmentRuleViolation(MlflowException):
    """A call refused before any request was sent, because it breaks ``rule``."""

    def __init__(self, rule: str, message: str):
        self.rule = rule
        super().__init__(f"[{rule}] {message} (rule: {RULES[rule]})", error_code=PERMISSION_DENIED)
