"""env_mlflow_client: an MlflowClient that makes the logical environment implicit.

    from env_mlflow_client import EnvironmentMlflowClient   # EnvMlflowClient is an alias
    client = EnvironmentMlflowClient()                      # environment from MLFLOW_ENV

A call that would leave the environment raises ``EnvironmentRuleViolation`` (``PERMISSION_DENIED``,
``.rule`` names the rule); an argument of the wrong type, or an empty name, raises
``InvalidArgument`` (``INVALID_PARAMETER_VALUE``, ``.parameter`` names it). Both are
``MlflowException`` and are raised before any request is sent.

Needs only ``mlflow`` (or ``mlflow-skinny``).
"""

from .client import PRODUCTION_ALIASES, STAGE_TAG, STAGES, EnvironmentMlflowClient, EnvMlflowClient
from .environment import EnvironmentSettings
from .errors import RULES, EnvironmentRuleViolation, InvalidArgument
from .guard import guard_fluent_registration

__all__ = [
    "PRODUCTION_ALIASES",
    "RULES",
    "STAGES",
    "STAGE_TAG",
    "EnvMlflowClient",
    "EnvironmentMlflowClient",
    "EnvironmentRuleViolation",
    "EnvironmentSettings",
    "InvalidArgument",
    "guard_fluent_registration",
]
__version__ = "0.1.0"
