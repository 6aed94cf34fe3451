"""The part of the client every other part builds on: its environment, its names, and the check
that an experiment or a run named by id belongs to the environment (one read per id)."""

from __future__ import annotations

from dataclasses import replace

import mlflow
from mlflow.entities import Experiment
from mlflow.tracking import MlflowClient

from . import names
from .environment import ENVIRONMENT_VARIABLE, EnvironmentSettings, resolve_environment
from .errors import EnvironmentRuleViolation, InvalidArgument, require_string
from .registry_mode import UC_REGISTRY_SCHEME, UNITY_CATALOG, decide_registry, is_unity_catalog_uri, requested_registry
from .stages import default_stage


class EnvironmentBase(MlflowClient):
    """An ``MlflowClient`` that knows its environment (see ``EnvironmentMlflowClient``)."""

    ENVIRONMENT_KEY = ENVIRONMENT_VARIABLE

    def __init__(
        self,
        env_name: str | None = None,
        tracking_uri: str | None = None,
        registry_uri: str | None = None,
        *,
        production: bool | None = None,
        permissions_file: str | None = None,
        experiment_root: str | None = None,
        registry: str | None = None,
        catalog: str | None = None,
        schema: str | None = None,
        stage_aliases: dict[str, str] | None = None,
    ) -> None:
        """Bind a client to one environment (see :mod:`env_mlflow_client.registry_mode` for the registry).

        Raises:
            InvalidArgument: ``env_name`` or ``experiment_root`` is neither a string nor ``None``,
                ``production`` is neither a bool nor ``None``, ``permissions_file`` is not a path,
                ``registry`` is not ``"workspace"``, ``"unity_catalog"`` or ``None``, or ``catalog``,
                ``schema`` or ``stage_aliases`` is not a valid Unity Catalog name or alias mapping.
            EnvironmentRuleViolation: ``environment-required``, ``environment-name``,
                ``unknown-environment`` or ``registry-mismatch``.
        """
        environment = resolve_environment(env_name, production, permissions_file, experiment_root)
        requested, reason = requested_registry(registry)
        if requested == UNITY_CATALOG and registry_uri is None:
            current = mlflow.get_registry_uri()
            registry_uri = current if is_unity_catalog_uri(current) else UC_REGISTRY_SCHEME
        self._own_experiment_ids: set[str] = set()
        self._own_run_ids: set[str] = set()
        super().__init__(tracking_uri, registry_uri)
        mode = decide_registry(environment.name, requested, reason, self._registry_uri, catalog, schema, stage_aliases)
        self.environment: EnvironmentSettings = replace(environment, mode=mode)

    @property
    def env_name(self) -> str:
        """The environment this client serves."""
        return self.environment.name

    @property
    def production(self) -> bool:
        """Whether this client serves a production environment."""
        return self.environment.production

    @property
    def default_stage(self) -> str:
        """The stage new versions get: ``Production`` in production, ``Staging`` elsewhere."""
        return default_stage(self.environment)

    @property
    def experiment_directory(self) -> str:
        """This environment's experiment directory, with a trailing slash: ``/experiments/acc/``."""
        return names.experiment_directory(self.environment)

    @property
    def registry(self) -> str:
        """``"workspace"`` or ``"unity_catalog"``: where this client registers models."""
        return self.environment.mode.registry

    def __repr__(self) -> str:
        mode = self.environment.mode
        place = f", models in {mode.prefix[:-1]}, aliases {dict(mode.stage_aliases)}" if mode.unity_catalog else ""
        return (
            f"EnvironmentMlflowClient(env_name={self.env_name!r}, production={self.production} "
            f"[decided by {self.environment.production_reason}], registry={mode.registry!r} "
            f"[decided by {mode.reason}]{place}, experiments="
            f"{self.experiment_directory!r}, tracking_uri={self.tracking_uri!r})"
        )

    # ---------------------------------------------------------------- names

    def get_env_model_name(self, name: str) -> str:
        """The registered model name of ``name`` in this environment: ``churn`` -> ``churn_acc``
        (in Unity Catalog ``ml_acc.models.churn``).

        Idempotent (``churn_acc`` stays ``churn_acc``). A name ending in another known
        environment's suffix, or in Unity Catalog a name in another catalog or schema, is refused.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        return names.env_model_name(self.environment, name, "name")

    def get_short_model_name(self, name: str) -> str:
        """The short name of a model of this environment: ``churn_acc`` or ``ml_acc.models.churn`` -> ``churn``.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        return names.short_model_name(self.environment, name, "name")

    def get_env_experiment_name(self, name: str) -> str:
        """The experiment path of ``name``: ``churn`` -> ``/experiments/acc/churn``.

        An absolute path is accepted only inside this environment's directory
        (:attr:`experiment_directory`); a relative one may not climb out of it with ``..``.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-experiment``, when ``name`` is an absolute path
                outside this environment's directory, or a relative one that climbs out of it.
        """
        return names.env_experiment_name(self.environment, name, "name")

    def _env_model_name(self, name: object, parameter: str) -> str:
        """:meth:`get_env_model_name` of the argument ``parameter`` of a public method."""
        return names.env_model_name(self.environment, name, parameter)

    def _env_experiment_name(self, name: object, parameter: str) -> str:
        """:meth:`get_env_experiment_name` of the argument ``parameter`` of a public method."""
        return names.env_experiment_name(self.environment, name, parameter)

    # ---------------------------------------------------------------- experiments and runs by id

    def _check_own_experiment(self, experiment: Experiment) -> None:
        if not names.inside_directory(self.environment, experiment.name):
            raise EnvironmentRuleViolation(
                "foreign-experiment",
                f"experiment {experiment.experiment_id} ({experiment.name!r}) is outside {self.experiment_directory}; "
                "call client.set_experiment(NAME) first",
            )
        self._own_experiment_ids.add(experiment.experiment_id)

    def _checked_experiment_id(self, experiment_id: object, parameter: str) -> str:
        """A missing id would reach every experiment: refused as ``foreign-experiment``."""
        if experiment_id is None:
            raise EnvironmentRuleViolation(
                "foreign-experiment", f"no experiment id given; pass one of {self.experiment_directory}'s experiments"
            )
        return require_string(parameter, experiment_id)

    def _checked_run_id(self, run_id: object, parameter: str) -> str:
        if run_id is None:
            raise EnvironmentRuleViolation("foreign-experiment", "no run id given")
        return require_string(parameter, run_id)

    def _require_own_experiment(self, experiment_id: object, parameter: str = "experiment_id") -> None:
        """Refuse an experiment id outside this environment; one read the first time an id is seen."""
        experiment_id = self._checked_experiment_id(experiment_id, parameter)
        if experiment_id not in self._own_experiment_ids:
            self._check_own_experiment(MlflowClient.get_experiment(self, experiment_id))

    def _require_own_experiments(self, experiment_ids: object, parameter: str = "experiment_ids") -> None:
        """:meth:`_require_own_experiment` of one id or of each id of a list; ``[]`` names none."""
        if experiment_ids is None or isinstance(experiment_ids, str):
            self._require_own_experiment(experiment_ids, parameter)
            return
        if not isinstance(experiment_ids, list | tuple) or not all(
            isinstance(experiment_id, str) and experiment_id for experiment_id in experiment_ids
        ):
            raise InvalidArgument(parameter, "an experiment id or a list of experiment ids (strings)", experiment_ids)
        for experiment_id in experiment_ids or [None]:
            self._require_own_experiment(experiment_id, parameter)

    def _require_own_run(self, run_id: object, parameter: str = "run_id") -> None:
        """Refuse a run outside this environment; reads the run (and its experiment) once per id."""
        run_id = self._checked_run_id(run_id, parameter)
        if run_id not in self._own_run_ids:
            self.get_run(run_id)
