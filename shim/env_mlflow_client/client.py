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
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import mlflow
from mlflow.entities import Experiment, Run, ViewType
from mlflow.entities.model_registry import ModelVersion, RegisteredModel
from mlflow.exceptions import MlflowException
from mlflow.models.model import ModelInfo
from mlflow.protos.databricks_pb2 import RESOURCE_DOES_NOT_EXIST, ErrorCode
from mlflow.store.entities.paged_list import PagedList
from mlflow.tracking import MlflowClient
from mlflow.tracking._tracking_service import utils as _tracking_utils

from .deprecation import stage_api
from .environment import ENVIRONMENT_VARIABLE, EnvironmentSettings, resolve_environment
from .errors import EnvironmentRuleViolation, InvalidArgument, require_optional_string, require_string
from .identifier_scope import scope_identifier_methods

STAGES = ("None", "Staging", "Production", "Archived")
#: Aliases that mean "serving in production"; only a production client may set them.
PRODUCTION_ALIASES = frozenset({"production", "prod", "champion", "live"})
#: Tag log_model_helper sets on a version: "pending:<stage>" at registration, "<stage>" once set.
STAGE_TAG = "env_mlflow_client.stage"
_PENDING = "pending:"
_NAME_CLAUSE = re.compile(r"""(?P<key>\bname)\s*(?P<op>!=|=)\s*(?P<quote>['"])(?P<value>.*?)(?P=quote)""")
_TRACKING_URI_VARIABLE = "MLFLOW_TRACKING_URI"
_STAGE_NAMES = "'None', 'Staging', 'Production' or 'Archived'"
_Named = TypeVar("_Named", RegisteredModel, ModelVersion)


@scope_identifier_methods
class EnvironmentMlflowClient(MlflowClient):
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
    ) -> None:
        self.environment: EnvironmentSettings = resolve_environment(
            env_name, production, permissions_file, experiment_root
        )
        self._own_experiment_ids: set[str] = set()
        self._own_run_ids: set[str] = set()
        super().__init__(tracking_uri, registry_uri)

    # ---------------------------------------------------------------- environment

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
        return "Production" if self.production else "Staging"

    @property
    def experiment_directory(self) -> str:
        """This environment's experiment directory, with a trailing slash: ``/experiments/acc/``."""
        return f"{self.environment.experiment_root}/{self.env_name}/"

    def __repr__(self) -> str:
        return (
            f"EnvironmentMlflowClient(env_name={self.env_name!r}, production={self.production} "
            f"[decided by {self.environment.production_reason}], experiments="
            f"{self.experiment_directory!r}, tracking_uri={self.tracking_uri!r})"
        )

    def get_env_model_name(self, name: str) -> str:
        """The registered model name of ``name`` in this environment: ``churn`` -> ``churn_acc``.

        Idempotent (``churn_acc`` stays ``churn_acc``). A name ending in another known
        environment's suffix is refused.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        return self._env_model_name(name, "name")

    def get_short_model_name(self, name: str) -> str:
        """The short name of a registered model of this environment: ``churn_acc`` -> ``churn``.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        return self.get_env_model_name(name)[: -len(self.env_name) - 1]

    def get_env_experiment_name(self, name: str) -> str:
        """The experiment path of ``name``: ``churn`` -> ``/experiments/acc/churn``.

        An absolute path is accepted only inside this environment's directory
        (:attr:`experiment_directory`); a relative one may not climb out of it with ``..``.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-experiment``, when ``name`` is an absolute path
                outside this environment's directory, or a relative one that climbs out of it.
        """
        return self._env_experiment_name(name, "name")

    def _env_model_name(self, name: object, parameter: str) -> str:
        """:meth:`get_env_model_name` of the argument ``parameter`` of a public method."""
        name = require_string(parameter, name)
        suffix = f"_{self.env_name}"
        if name.endswith(suffix) and len(name) > len(suffix):
            return name
        head, _, tail = name.rpartition("_")
        if head and tail in self.environment.known_environments:
            raise EnvironmentRuleViolation(
                "foreign-model", f"model {name!r} belongs to environment {tail!r}, not {self.env_name!r}"
            )
        return f"{name}{suffix}"

    def _env_experiment_name(self, name: object, parameter: str) -> str:
        """:meth:`get_env_experiment_name` of the argument ``parameter`` of a public method."""
        name = require_string(parameter, name)
        path = name if name.startswith("/") else self.experiment_directory + name
        if not self._inside_directory(path):  # an absolute path elsewhere, or ".." climbing out
            raise EnvironmentRuleViolation(
                "foreign-experiment", f"experiment {name!r} is outside {self.experiment_directory}"
            )
        return path

    def _inside_directory(self, path: str) -> bool:
        """Whether ``path`` is an absolute path under this environment's experiment directory."""
        return path.startswith(self.experiment_directory) and "/../" not in path and not path.endswith("/..")

    # ---------------------------------------------------------------- registered models

    def create_registered_model(
        self,
        name: str,
        tags: dict[str, Any] | None = None,
        description: str | None = None,
        deployment_job_id: str | None = None,
    ) -> RegisteredModel:
        """Create ``{name}_{env}``.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        return super().create_registered_model(self.get_env_model_name(name), tags, description, deployment_job_id)

    def get_registered_model(self, name: str) -> RegisteredModel:
        """Get ``{name}_{env}``.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        return super().get_registered_model(self.get_env_model_name(name))

    def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel:
        """Rename ``{name}_{env}`` to ``{new_name}_{env}``.

        Raises:
            InvalidArgument: ``name`` or ``new_name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` or ``new_name`` ends in another
                environment's suffix.
        """
        return super().rename_registered_model(
            self.get_env_model_name(name), self._env_model_name(new_name, "new_name")
        )

    def update_registered_model(
        self, name: str, description: str | None = None, deployment_job_id: str | None = None
    ) -> RegisteredModel:
        """Update the description of ``{name}_{env}``.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        return super().update_registered_model(self.get_env_model_name(name), description, deployment_job_id)

    def delete_registered_model(self, name: str) -> None:
        """Delete ``{name}_{env}``.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        super().delete_registered_model(self.get_env_model_name(name))

    def search_registered_models(
        self,
        filter_string: str | None = None,
        max_results: int = 100,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[RegisteredModel]:
        """Search this environment's models; ``name='churn'`` means ``churn_{env}``.

        Results of other environments are left out (a page may then hold fewer items).

        Raises:
            InvalidArgument: ``filter_string`` is neither a string nor ``None``, or has an empty
                ``name`` clause.
            EnvironmentRuleViolation: ``foreign-model``, when a ``name`` clause of ``filter_string``
                names another environment's model.
        """
        result = super().search_registered_models(
            self._rewrite_filter(filter_string), max_results, order_by, page_token
        )
        return self._own_results(result)

    def set_registered_model_tag(self, name: str, key: str, value: Any) -> None:
        """Tag ``{name}_{env}``.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        super().set_registered_model_tag(self.get_env_model_name(name), key, value)

    def delete_registered_model_tag(self, name: str, key: str) -> None:
        """Remove a tag of ``{name}_{env}``.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        super().delete_registered_model_tag(self.get_env_model_name(name), key)

    # ---------------------------------------------------------------- model versions

    def create_model_version(
        self,
        name: str,
        source: str,
        run_id: str | None = None,
        tags: dict[str, Any] | None = None,
        run_link: str | None = None,
        description: str | None = None,
        await_creation_for: int = 300,
        model_id: str | None = None,
    ) -> ModelVersion:
        """Create a version of ``{name}_{env}``.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        return super().create_model_version(
            self.get_env_model_name(name), source, run_id, tags, run_link, description, await_creation_for, model_id
        )

    def copy_model_version(self, src_model_uri: str, dst_name: str) -> ModelVersion:
        """Copy a version into ``{dst_name}_{env}``; a ``models:/`` source must be this environment's.

        Raises:
            InvalidArgument: ``src_model_uri`` or ``dst_name`` is not a non-empty string, or
                ``src_model_uri`` is ``models:/`` with no model name.
            EnvironmentRuleViolation: ``foreign-model``, when the model of ``src_model_uri`` or
                ``dst_name`` ends in another environment's suffix.
        """
        src_model_uri = require_string("src_model_uri", src_model_uri)
        if src_model_uri.startswith("models:/") and not src_model_uri.startswith("models:/m-"):
            model, _, rest = src_model_uri[len("models:/") :].partition("/")
            if not model:
                raise InvalidArgument("src_model_uri", "a models:/<name>/<version> URI", src_model_uri)
            src_model_uri = f"models:/{self._env_model_name(model, 'src_model_uri')}/{rest}"
        return super().copy_model_version(src_model_uri, self._env_model_name(dst_name, "dst_name"))

    def get_model_version(self, name: str, version: str) -> ModelVersion:
        """Get a version of ``{name}_{env}``.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        return super().get_model_version(self.get_env_model_name(name), version)

    def update_model_version(self, name: str, version: str, description: str | None = None) -> ModelVersion:
        """Update the description of a version of ``{name}_{env}``.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        return super().update_model_version(self.get_env_model_name(name), version, description)

    def delete_model_version(self, name: str, version: str) -> None:
        """Delete a version of ``{name}_{env}``.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        super().delete_model_version(self.get_env_model_name(name), version)

    def get_model_version_download_uri(self, name: str, version: str) -> str:
        """Download URI of a version of ``{name}_{env}``.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        uri: str = super().get_model_version_download_uri(self.get_env_model_name(name), version)
        return uri

    def search_model_versions(
        self,
        filter_string: str | None = None,
        max_results: int = 10000,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[ModelVersion]:
        """Search this environment's versions; ``name='churn'`` means ``churn_{env}``.

        Versions of other environments' models are left out.

        Raises:
            InvalidArgument: ``filter_string`` is neither a string nor ``None``, or has an empty
                ``name`` clause.
            EnvironmentRuleViolation: ``foreign-model``, when a ``name`` clause of ``filter_string``
                names another environment's model.
        """
        result = super().search_model_versions(self._rewrite_filter(filter_string), max_results, order_by, page_token)
        return self._own_results(result)

    @stage_api
    def get_latest_versions(self, name: str, stages: list[str] | None = None) -> list[ModelVersion]:
        """Latest versions of ``{name}_{env}`` per stage in ``stages``.

        Without ``stages``, only this environment's stage (Staging, or Production in production),
        as in the article's client.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string, or ``stages`` is neither a list of
                non-empty strings nor ``None``.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        full_name = self.get_env_model_name(name)
        if stages is not None and (
            not isinstance(stages, list | tuple) or not all(isinstance(stage, str) and stage for stage in stages)
        ):
            raise InvalidArgument("stages", f"a list of stage names ({_STAGE_NAMES}), or None", stages)
        versions: list[ModelVersion] = super().get_latest_versions(
            full_name, list(stages) if stages is not None else [self.default_stage]
        )
        return versions

    @stage_api
    def set_model_version_tag(
        self, name: str, version: str | None = None, key: str | None = None, value: Any = None, stage: str | None = None
    ) -> None:
        """Tag a version of ``{name}_{env}``.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string, or ``stage`` is neither a string nor ``None``.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        full_name = self.get_env_model_name(name)
        super().set_model_version_tag(full_name, version, key, value, require_optional_string("stage", stage))

    @stage_api
    def delete_model_version_tag(
        self, name: str, version: str | None = None, key: str | None = None, stage: str | None = None
    ) -> None:
        """Remove a tag of a version of ``{name}_{env}``.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string, or ``stage`` is neither a string nor ``None``.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        full_name = self.get_env_model_name(name)
        super().delete_model_version_tag(full_name, version, key, require_optional_string("stage", stage))

    # ---------------------------------------------------------------- stages and aliases

    @stage_api
    def transition_model_version_stage(
        self, name: str, version: str, stage: str | None = None, archive_existing_versions: bool | None = None
    ) -> ModelVersion:
        """Move a version of ``{name}_{env}`` to ``stage`` (default: :attr:`default_stage`).

        ``Production`` is refused outside production. Moving a version into Production archives
        the previous Production versions unless ``archive_existing_versions=False``.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string, or ``stage`` is neither a non-empty
                string nor ``None``.
            EnvironmentRuleViolation: ``unknown-stage`` (a stage other than None, Staging, Production
                and Archived), ``production-stage-outside-production`` (``Production`` outside
                production) or ``foreign-model`` (``name`` ends in another environment's suffix).
        """
        target = self._checked_stage(self.default_stage if stage is None else stage)
        if archive_existing_versions is None:
            archive_existing_versions = target == "Production"
        full_name = self.get_env_model_name(name)
        moved: ModelVersion = super().transition_model_version_stage(
            full_name, version, target, archive_existing_versions
        )
        return moved

    def set_registered_model_alias(self, name: str, alias: str, version: str) -> None:
        """Point ``alias`` of ``{name}_{env}`` at ``version``; production aliases only in production.

        Raises:
            InvalidArgument: ``name`` or ``alias`` is not a non-empty string.
            EnvironmentRuleViolation: ``production-alias-outside-production`` (a production alias
                outside production) or ``foreign-model`` (``name`` ends in another environment's suffix).
        """
        self._check_alias(alias)
        super().set_registered_model_alias(self.get_env_model_name(name), alias, version)

    def delete_registered_model_alias(self, name: str, alias: str) -> None:
        """Remove ``alias`` from ``{name}_{env}``; production aliases only in production.

        Raises:
            InvalidArgument: ``name`` or ``alias`` is not a non-empty string.
            EnvironmentRuleViolation: ``production-alias-outside-production`` (a production alias
                outside production) or ``foreign-model`` (``name`` ends in another environment's suffix).
        """
        self._check_alias(alias)
        super().delete_registered_model_alias(self.get_env_model_name(name), alias)

    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        """The version ``alias`` of ``{name}_{env}`` points at.

        Raises:
            InvalidArgument: ``name`` or ``alias`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        full_name = self.get_env_model_name(name)
        return super().get_model_version_by_alias(full_name, require_string("alias", alias))

    # ---------------------------------------------------------------- experiments

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
        """The id of ``{experiment_root}/{env}/{name}``, created when missing.

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

    # ---------------------------------------------------------------- helpers of the original client

    def log_model_helper(
        self, model_flavor: Any, registered_model_name: str, **kwargs: Any
    ) -> tuple[ModelVersion, ModelInfo]:
        """Log a model with ``model_flavor.log_model(**kwargs)``, register it as a version of
        ``{registered_model_name}_{env}`` through this client, wait until it is READY and set its
        stage (Staging, or Production in production).

        The model must be logged in this environment's experiments (see :meth:`set_experiment`);
        one logged elsewhere is not registered.

        The version is tagged ``env_mlflow_client.stage=pending:<stage>`` at registration and
        ``<stage>`` once its stage is set. A version whose stage could not be set stays pending and
        the error names it; the next call for the same model finishes such versions first.

        Raises:
            InvalidArgument: ``registered_model_name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model`` (``registered_model_name`` ends in another
                environment's suffix) or ``foreign-experiment`` (the active run, or the logged
                model, is in an experiment outside this environment's directory; nothing is
                registered).
        """
        name = self._env_model_name(registered_model_name, "registered_model_name")
        active = mlflow.active_run()
        if active is not None:
            self._require_own_experiment(active.info.experiment_id)
        self.finish_pending_versions(name)
        with self._tracking_uri_for_fluent_calls():
            model_info = model_flavor.log_model(**kwargs)
        logged = self.get_logged_model(model_info.model_id) if model_info.model_id else None
        try:
            if logged is not None:
                self._require_own_experiment(logged.experiment_id)
            elif model_info.run_id:
                self._require_own_run(model_info.run_id)
        except EnvironmentRuleViolation:
            raise EnvironmentRuleViolation(
                "foreign-experiment",
                f"model {model_info.model_uri} was logged in an experiment outside {self.experiment_directory} "
                "and was not registered; call client.set_experiment(...) before log_model_helper",
            ) from None
        try:
            self.get_registered_model(name)
        except MlflowException as error:
            if error.error_code != ErrorCode.Name(RESOURCE_DOES_NOT_EXIST):
                raise
            self.create_registered_model(name)
        source = logged.artifact_location if logged is not None else model_info.model_uri
        version = self.create_model_version(
            name,
            source,
            run_id=model_info.run_id,
            tags={STAGE_TAG: f"{_PENDING}{self.default_stage}"},
            model_id=model_info.model_id,
        )
        version = self._await_ready(name, version.version)
        return self._stage_pending(name, version.version), model_info

    def finish_pending_versions(self, name: str) -> list[ModelVersion]:
        """Set the stage of every version of ``{name}_{env}`` left pending by a failed helper call.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        full_name = self.get_env_model_name(name)
        pending = self.search_model_versions(f"name='{full_name}' and tags.`{STAGE_TAG}` LIKE '{_PENDING}%'")
        return [self._stage_pending(full_name, version.version) for version in pending]

    def get_latest_model_version(self, name: str) -> ModelVersion:
        """The newest version of ``{name}_{env}`` in this environment's stage.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
            MlflowException: ``RESOURCE_DOES_NOT_EXIST``, when no version is in this environment's stage.
        """
        versions = self.get_latest_versions(name, stages=[self.default_stage])
        if not versions:
            raise MlflowException(
                f"{self.get_env_model_name(name)} has no version in {self.default_stage}",
                error_code=RESOURCE_DOES_NOT_EXIST,
            )
        return max(versions, key=lambda version: int(version.version))

    def load_model_version(self, model_flavor: Any, name: str, version: str) -> Any:
        """Load version ``version`` of ``{name}_{env}`` with ``model_flavor.load_model``.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        return self._load(model_flavor, name, version)

    def load_latest_model(self, model_flavor: Any, name: str) -> Any:
        """Load the newest version of ``{name}_{env}`` in this environment's stage.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
            MlflowException: ``RESOURCE_DOES_NOT_EXIST``, when no version is in this environment's stage.
        """
        version = self.get_latest_model_version(name)
        return self._load(model_flavor, version.name, version.version)

    # ---------------------------------------------------------------- internals

    def _load(self, model_flavor: Any, name: str, version: str) -> Any:
        # The download URI comes from this client's registry, so loading needs no global registry URI.
        uri = self.get_model_version_download_uri(name, version)
        with self._tracking_uri_for_fluent_calls():
            return model_flavor.load_model(uri)

    def _check_own_experiment(self, experiment: Experiment) -> None:
        if not self._inside_directory(experiment.name):
            raise EnvironmentRuleViolation(
                "foreign-experiment",
                f"experiment {experiment.experiment_id} ({experiment.name!r}) is outside {self.experiment_directory}",
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
            self._check_own_experiment(super().get_experiment(experiment_id))

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

    def _stage_pending(self, name: str, version: str) -> ModelVersion:
        try:
            staged = self.transition_model_version_stage(name, version)
        except MlflowException as error:
            raise MlflowException(
                f"version {version} of {name} is registered but its stage could not be set to "
                f"{self.default_stage} ({error.message}); it stays tagged {STAGE_TAG}="
                f"{_PENDING}{self.default_stage} and the next log_model_helper call for this "
                "model retries",
                error_code=ErrorCode.Value(error.error_code),
            ) from error
        self.set_model_version_tag(name, version, STAGE_TAG, staged.current_stage)
        return staged

    def _await_ready(self, name: str, version: str, timeout: float = 300.0) -> ModelVersion:
        deadline = time.monotonic() + timeout
        while True:
            current = self.get_model_version(name, version)
            if current.status == "READY":
                return current
            if current.status == "FAILED_REGISTRATION" or time.monotonic() > deadline:
                raise MlflowException(
                    f"version {version} of {name} did not become READY: {current.status} "
                    f"{current.status_message or ''}".strip()
                )
            time.sleep(0.5)

    def _checked_stage(self, stage: object) -> str:
        if not isinstance(stage, str) or not stage:
            raise InvalidArgument("stage", f"a stage name ({_STAGE_NAMES}), or None for the environment's stage", stage)
        normalized = {known.lower(): known for known in STAGES}.get(stage.lower())
        if normalized is None:
            raise EnvironmentRuleViolation("unknown-stage", f"unknown stage {stage!r}")
        if normalized == "Production" and not self.production:
            raise EnvironmentRuleViolation(
                "production-stage-outside-production", f"environment {self.env_name!r} is not production"
            )
        return normalized

    def _check_alias(self, alias: object) -> None:
        alias = require_string("alias", alias)
        if alias.lower() in PRODUCTION_ALIASES and not self.production:
            raise EnvironmentRuleViolation(
                "production-alias-outside-production",
                f"alias {alias!r} is reserved for production; environment {self.env_name!r} is not production",
            )

    def _rewrite_filter(self, filter_string: str | None) -> str | None:
        filter_string = require_optional_string("filter_string", filter_string)
        if not filter_string:
            return filter_string

        def rewrite(match: re.Match[str]) -> str:
            quote = match["quote"]
            return f"{match['key']} {match['op']} {quote}{self._env_model_name(match['value'], 'filter_string')}{quote}"

        return _NAME_CLAUSE.sub(rewrite, filter_string)

    def _own_results(self, result: PagedList[_Named]) -> PagedList[_Named]:
        suffix = f"_{self.env_name}"
        kept = [item for item in result if item.name.endswith(suffix)]
        if len(kept) != len(result):
            result[:] = kept
        return result

    @contextmanager
    def _tracking_uri_for_fluent_calls(self) -> Iterator[None]:
        """Point fluent ``mlflow.*`` calls (log_model, load_model) at this client's tracking server
        for a moment, then restore exactly what was set before (including "nothing")."""
        saved_uri = getattr(_tracking_utils, "_tracking_uri", None)
        saved_variable = os.environ.get(_TRACKING_URI_VARIABLE)
        mlflow.set_tracking_uri(self.tracking_uri)
        try:
            yield
        finally:
            mlflow.set_tracking_uri(saved_uri)  # type: ignore[arg-type]  # None (nothing set) is accepted: it resets
            if saved_variable is not None:
                os.environ[_TRACKING_URI_VARIABLE] = saved_variable


#: The name of the article's client, for teams switching by changing one import.
EnvMlflowClient = EnvironmentMlflowClient
