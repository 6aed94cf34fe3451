"""The experiment and run methods of the client: experiments live under ``{experiment_root}/{env}/``,
and an experiment or a run named by id is refused when it belongs elsewhere."""

from __future__ import annotations

from typing import Any

import mlflow
from mlflow.entities import Experiment, Run, ViewType
from mlflow.exceptions import MlflowException
from mlflow.store.entities.paged_list import PagedList

from .base import EnvironmentBase
from .errors import require_optional_string


class ExperimentMethods(EnvironmentBase):
    """Experiments and runs of one environment."""

    def create_experiment(
        self, name: str, artifact_location: str | None = None, tags: dict[str, Any] | None = None
    ) -> str:
        """Create ``{experiment_root}/{env}/{name}``.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-experiment``, when ``name`` is an absolute path outside
                this environment's directory.
        """
        experiment_id: str = super().create_experiment(self.get_env_experiment_name(name), artifact_location, tags)
        self._own_experiment_ids.add(experiment_id)
        return experiment_id

    def get_experiment(self, experiment_id: str) -> Experiment:
        """Get an experiment of this environment by id; another environment's is refused.

        Raises:
            InvalidArgument: ``experiment_id`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-experiment``, when no ``experiment_id`` is given or the
                experiment is outside this environment's directory.
        """
        experiment = super().get_experiment(self._checked_experiment_id(experiment_id, "experiment_id"))
        self._check_own_experiment(experiment)
        return experiment

    def get_experiment_by_name(self, name: str) -> Experiment | None:
        """Get ``{experiment_root}/{env}/{name}``.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-experiment``, when ``name`` is an absolute path outside
                this environment's directory.
        """
        experiment = super().get_experiment_by_name(self.get_env_experiment_name(name))
        if experiment is not None:
            self._own_experiment_ids.add(experiment.experiment_id)
        return experiment

    def search_experiments(
        self,
        view_type: int = ViewType.ACTIVE_ONLY,
        max_results: int | None = 1000,
        filter_string: str | None = None,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Experiment]:
        """Search the experiments under ``{experiment_root}/{env}/`` only.

        Raises:
            InvalidArgument: ``filter_string`` is neither a string nor ``None``.
        """
        filter_string = require_optional_string("filter_string", filter_string)
        directory = self.experiment_directory
        scoped = f"name LIKE '{directory}%'" + (f" AND {filter_string}" if filter_string else "")
        result = super().search_experiments(view_type, max_results, scoped, order_by, page_token)
        kept = [experiment for experiment in result if experiment.name.startswith(directory)]
        if len(kept) != len(result):
            result[:] = kept
        return result

    def rename_experiment(self, experiment_id: str, new_name: str) -> None:
        """Rename one of this environment's experiments to ``{experiment_root}/{env}/{new_name}``.

        Raises:
            InvalidArgument: ``experiment_id`` or ``new_name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-experiment``, when ``new_name`` is an absolute path
                outside this environment's directory, or ``experiment_id`` is missing or names an
                experiment outside it.
        """
        target = self._env_experiment_name(new_name, "new_name")
        self._require_own_experiment(experiment_id)
        super().rename_experiment(experiment_id, target)

    def create_run(
        self,
        experiment_id: str,
        start_time: int | None = None,
        tags: dict[str, Any] | None = None,
        run_name: str | None = None,
    ) -> Run:
        """Start a run in one of this environment's experiments.

        Raises:
            InvalidArgument: ``experiment_id`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-experiment``, when ``experiment_id`` is missing or names
                an experiment outside this environment's directory.
        """
        self._require_own_experiment(experiment_id)
        run = super().create_run(experiment_id, start_time, tags, run_name)
        self._own_run_ids.add(run.info.run_id)
        return run

    def get_run(self, run_id: str) -> Run:
        """Get a run of one of this environment's experiments; another environment's is refused.

        Raises:
            InvalidArgument: ``run_id`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-experiment``, when no ``run_id`` is given or the run is
                in an experiment outside this environment's directory.
        """
        run = super().get_run(self._checked_run_id(run_id, "run_id"))
        self._require_own_experiment(run.info.experiment_id)
        self._own_run_ids.add(run.info.run_id)
        return run

    def create_experiment_if_not_exists(self, name: str) -> str:
        """The id of ``{experiment_root}/{env}/{name}``, created when missing (on this client's server).

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-experiment``, when ``name`` is an absolute path outside
                this environment's directory.
        """
        experiment = self.get_experiment_by_name(name)
        if experiment is not None:
            return experiment.experiment_id
        try:
            return self.create_experiment(name)
        except MlflowException:  # created meanwhile by a concurrent job
            experiment = self.get_experiment_by_name(name)
            if experiment is None:
                raise
            return experiment.experiment_id

    def set_experiment(self, name: str) -> str:
        """Make ``{experiment_root}/{env}/{name}`` the active experiment of fluent ``mlflow.*`` calls.

        Also points fluent calls at this client's tracking server. Returns the experiment id.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-experiment``, when ``name`` is an absolute path outside
                this environment's directory.
        """
        experiment_id = self.create_experiment_if_not_exists(name)
        mlflow.set_tracking_uri(self.tracking_uri)
        mlflow.set_experiment(experiment_id=experiment_id)
        return experiment_id
