"""env_mlflow_client: an MlflowClient that makes the logical environment implicit.

    from env_mlflow_client import EnvironmentMlflowClient   # EnvMlflowClient is an alias
    client = EnvironmentMlflowClient()                      # environment from MLFLOW_ENV

Needs only ``mlflow`` (or ``mlflow-skinny``).
"""

from .client import STAGE_TAG, PRODUCTION_ALIASES, STAGES, EnvironmentMlflowClient, EnvMlflowClient
from .environment import EnvironmentSettings
from .errors import RULES, EnvironmentRuleViolation
from .guard import guard_fluent_registration

__all__ = ["EnvironmentMlflowClient", "EnvMlflowClient", "EnvironmentRuleViolation", "EnvironmentSettings", "RULES",
           "PRODUCTION_ALIASES", "STAGE_TAG", "STAGES", "guard_fluent_registration"]
__version__ = "0.1.0"
