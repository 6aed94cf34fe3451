"""``EnvironmentMlflowClient``: an ``MlflowClient`` bound to one logical environment.

Registered models are named ``{model}_{env}``, experiments live under
``{experiment_root}/{env}/``, and new versions are staged ``Staging`` (``Production`` in a
production environment). Every name passes through :meth:`get_env_model_name`, which is
idempotent, so MLflow's own internal calls (which hand the full name back to the client) work.
Calls that would reach another environment are refused (:class:`EnvironmentRuleViolation`,
``PERMISSION_DENIED``) before any request is sent; a call that names an experiment by id is
checked with one read of that experiment the first time the client meets the id, and refused
before anything is written. Arguments of the wrong type, and empty names, are refused as
:class:`InvalidArgument` (``INVALID_PARAMETER_VALUE``), also before any request.

The client is put together from cohesive parts: :mod:`.base` (environment, names, ids),
:mod:`.registry` (models, versions, stages, aliases), :mod:`.experiments` (experiments and runs),
:mod:`.helpers` (the original client's helpers), with :mod:`.names`, :mod:`.stages` and
:mod:`.compat` (what the installed MLflow can do) underneath. It works on ``mlflow-skinny>=2.9.2``.
"""

from __future__ import annotations

from mlflow.tracking import MlflowClient

from .helpers import STAGE_TAG, OriginalHelpers
from .identifier_scope import scope_identifier_methods
from .stages import PRODUCTION_ALIASES, STAGES

__all__ = ["PRODUCTION_ALIASES", "STAGES", "STAGE_TAG", "EnvMlflowClient", "EnvironmentMlflowClient", "MlflowClient"]


@scope_identifier_methods
class EnvironmentMlflowClient(OriginalHelpers):
    """An ``MlflowClient`` that makes the logical environment implicit.

    Args:
        env_name: environment name; defaults to the ``MLFLOW_ENV`` variable.
        tracking_uri: tracking server address (defaults as in ``MlflowClient``).
        registry_uri: model registry address (defaults as in ``MlflowClient``).
        production: whether the environment is production; see :mod:`env_mlflow_client.environment`
            for the rule when it is not given.
        permissions_file: the generated ``permissions/workspace.json``; it names the other
            environments (so that their names are refused) and which ones are production.
        experiment_root: root of the experiment directories (default ``/experiments``).

    Raises:
        InvalidArgument: ``env_name`` or ``experiment_root`` is neither a string nor ``None``,
            ``production`` is neither a bool nor ``None``, or ``permissions_file`` is not a path.
        EnvironmentRuleViolation: ``environment-required`` (no ``env_name`` and no ``MLFLOW_ENV``),
            ``environment-name`` (a malformed environment name) or ``unknown-environment`` (an
            environment the permissions file does not have, or an unreadable permissions file).
    """


#: The name of the article's client, for teams switching by changing one import.
EnvMlflowClient = EnvironmentMlflowClient
