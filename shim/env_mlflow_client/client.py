"""``EnvironmentMlflowClient``: an ``MlflowClient`` bound to one logical environment.

Registered models are named ``{model}_{env}``, experiments live under
``{experiment_root}/{env}/``, and new versions are staged ``Staging`` (``Production`` in a
production environment). Every name passes through :meth:`get_env_model_name`, which is
idempotent, so MLflow's own internal calls (which hand the full name back to the client) work.
Calls that would reach another environment are refused before any request is sent; a call
that names an experiment by id is checked with one read of that experiment the first time the
client meets the id, and refused before anything is written.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import mlflow
from mlflow.entities import Experiment, Run, ViewType
from mlflow.entities.model_registry import ModelVersion, RegisteredModel
from mlflow.exceptions import MlflowException
from mlflow.models.model import ModelInfo
from mlflow.protos.databricks_pb2 import RESOURCE_DOES_NOT_EXIST, ErrorCode
from mlflow.tracking import MlflowClient
from mlflow.tracking._tracking_service import utils as _tracking_utils

from .environment import ENVIRONMENT_VARIABLE, EnvironmentSettings, resolve_environment
from .errors import EnvironmentRuleViolation
from .identifier_scope import scope_identifier_methods

STAGES = ("None", "Staging", "Production", "Archived")
#: Aliases that mean "serving in production"; only a production client may set them.
PRODUCTION_ALIASES = frozenset({"production", "prod", "champion", "live"})
#: Tag log_model_helper sets on a version: "pending:<stage>" at registration, "<stage>" once set.
STAGE_TAG = "env_mlflow_client.stage"
_PENDING = "pending:"
_NAME_CLAUSE = re.compile(r"""(?P<key>\bname)\s*(?P<op>!=|=)\s*(?P<quote>['"])(?P<value>.*?)(?P=quote)""")
_TRACKING_URI_VARIABLE = "MLFLOW_TRACKING_URI"
_stage_warning_shown = False


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
    """

    ENVIRONMENT_KEY = ENVIRONMENT_VARIABLE

    def __init__(self, env_name: str | None = None, tracking_uri: str | None = None,
                 registry_uri: str | None = None, *, production: bool | None = None,
                 permissions_file: str | None = None, experiment_root: str | None = None):
        self.environment: EnvironmentSettings = resolve_environment(env_name, production, permissions_file,
                                                                    experiment_root)
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

    def __repr__(self) -> str:
        return (f"EnvironmentMlflowClient(env_name={self.env_name!r}, production={self.production} "
                f"[decided by {self.environment.production_reason}], experiments="
                f"{self.get_env_experiment_name('')!r}, tracking_uri={self.tracking_uri!r})")

    def get_env_model_name(self, name: str) -> str:
        """The registered model name of ``name`` in this environment: ``churn`` -> ``churn_acc``.

        Idempotent (``churn_acc`` stays ``churn_acc``). A name ending in another known
        environment's suffix is refused.
        """
        if not isinstance(name, str) or not name:
            raise EnvironmentRuleViolation("foreign-model", f"model name {name!r} is not a non-empty string")
        suffix = f"_{self.env_name}"
        if name.endswith(suffix) and len(name) > len(suffix):
            return name
        head, _, tail = name.rpartition("_")
        if head and tail in self.environment.known_environments:
            raise EnvironmentRuleViolation("foreign-model", f"model {name!r} belongs to environment {tail!r}, "
                                                            f"not {self.env_name!r}")
        return f"{name}{suffix}"

    def get_short_model_name(self, name: str) -> str:
        """The short name of a registered model of this environment: ``churn_acc`` -> ``churn``."""
        return self.get_env_model_name(name)[: -len(self.env_name) - 1]

    def get_env_experiment_name(self, name: str) -> str:
        """The experiment path of ``name``: ``churn`` -> ``/experiments/acc/churn``.

        An absolute path is accepted only inside this environment's directory.
        """
        directory = f"{self.environment.experiment_root}/{self.env_name}/"
        if name.startswith("/"):
            if not self._inside_directory(name):
                raise EnvironmentRuleViolation("foreign-experiment", f"experiment {name!r} is outside {directory}")
            return name
        return directory + name

    def _inside_directory(self, path: str) -> bool:
        """Whether ``path`` is an absolute path under this environment's experiment directory."""
        directory = f"{self.environment.experiment_root}/{self.env_name}/"
        return path.startswith(directory) and "/../" not in path and not path.endswith("/..")

    # ---------------------------------------------------------------- registered models

    def create_registered_model(self, name: str, tags: dict[str, Any] | None = None,
                                description: str | None = None, deployment_job_id: str | None = None
                                ) -> RegisteredModel:
        """Create ``{name}_{env}``."""
        return super().create_registered_model(self.get_env_model_name(name), tags, description, deployment_job_id)

    def get_registered_model(self, name: str) -> RegisteredModel:
        """Get ``{name}_{env}``."""
        return super().get_registered_model(self.get_env_model_name(name))

    def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel:
        """Rename ``{name}_{env}`` to ``{new_name}_{env}``."""
        return super().rename_registered_model(self.get_env_model_name(name), self.get_env_model_name(new_name))

    def update_registered_model(self, name: str, description: str | None = None,
                                deployment_job_id: str | None = None) -> RegisteredModel:
        """Update the description of ``{name}_{env}``."""
        return super().update_registered_model(self.get_env_model_name(name), description, deployment_job_id)

    def delete_registered_model(self, name: str) -> None:
        """Delete ``{name}_{env}``."""
        super().delete_registered_model(self.get_env_model_name(name))

    def search_registered_models(self, filter_string: str | None = None, max_results: int = 100,
                                 order_by: list[str] | None = None, page_token: str | None = None):
        """Search this environment's models; ``name='churn'`` means ``churn_{env}``.

        Results of other environments are left out (a page may then hold fewer items).
        """
        result = super().search_registered_models(self._rewrite_filter(filter_string), max_results, order_by,
                                                  page_token)
        return self._own_results(result)

    def set_registered_model_tag(self, name: str, key: str, value: Any) -> None:
        """Tag ``{name}_{env}``."""
        super().set_registered_model_tag(self.get_env_model_name(name), key, value)

    def delete_registered_model_tag(self, name: str, key: str) -> None:
        """Remove a tag of ``{name}_{env}``."""
        super().delete_registered_model_tag(self.get_env_model_name(name), key)

    # ---------------------------------------------------------------- model versions

    def create_model_version(self, name: str, source: str, run_id: str | None = None,
                             tags: dict[str, Any] | None = None, run_link: str | None = None,
                             description: str | None = None, await_creation_for: int = 300,
                             model_id: str | None = None) -> ModelVersion:
        """Create a version of ``{name}_{env}``."""
        return super().create_model_version(self.get_env_model_name(name), source, run_id, tags, run_link,
                                            description, await_creation_for, model_id)

    def copy_model_version(self, src_model_uri: str, dst_name: str) -> ModelVersion:
        """Copy a version into ``{dst_name}_{env}``; a ``models:/`` source must be this environment's."""
        if src_model_uri.startswith("models:/") and not src_model_uri.startswith("models:/m-"):
            model, _, rest = src_model_uri[len("models:/"):].partition("/")
            src_model_uri = f"models:/{self.get_env_model_name(model)}/{rest}"
        return super().copy_model_version(src_model_uri, self.get_env_model_name(dst_name))

    def get_model_version(self, name: str, version: str) -> ModelVersion:
        """Get a version of ``{name}_{env}``."""
        return super().get_model_version(self.get_env_model_name(name), version)

    def update_model_version(self, name: str, version: str, description: str | None = None) -> ModelVersion:
        """Update the description of a version of ``{name}_{env}``."""
        return super().update_model_version(self.get_env_model_name(name), version, description)

    def delete_model_version(self, name: str, version: str) -> None:
        """Delete a version of ``{name}_{env}``."""
        super().delete_model_version(self.get_env_model_name(name), version)

    def get_model_version_download_uri(self, name: str, version: str) -> str:
        """Download URI of a version of ``{name}_{env}``."""
        return super().get_model_version_download_uri(self.get_env_model_name(name), version)

    def search_model_versions(self, filter_string: str | None = None, max_results: int = 10000,
                              order_by: list[str] | None = None, page_token: str | None = None):
        """Search this environment's versions; ``name='churn'`` means ``churn_{env}``.

        Versions of other environments' models are left out.
        """
        result = super().search_model_versions(self._rewrite_filter(filter_string), max_results, order_by,
                                               page_token)
        return self._own_results(result)

    def get_latest_versions(self, name: str, stages: list[str] | None = None) -> list[ModelVersion]:
        """Latest versions of ``{name}_{env}`` per stage in ``stages``.

        Without ``stages``, only this environment's stage (Staging, or Production in production),
        as in the article's client.
        """
        full_name = self.get_env_model_name(name)
        with self._stage_call():
            return super().get_latest_versions(full_name, stages if stages is not None else [self.default_stage])

    def set_model_version_tag(self, name: str, version: str | None = None, key: str | None = None,
                              value: Any = None, stage: str | None = None) -> None:
        """Tag a version of ``{name}_{env}``."""
        full_name = self.get_env_model_name(name)
        with self._stage_call():
            super().set_model_version_tag(full_name, version, key, value, stage)

    def delete_model_version_tag(self, name: str, version: str | None = None, key: str | None = None,
                                 stage: str | None = None) -> None:
        """Remove a tag of a version of ``{name}_{env}``."""
        full_name = self.get_env_model_name(name)
        with self._stage_call():
            super().delete_model_version_tag(full_name, version, key, stage)

    # ---------------------------------------------------------------- stages and aliases

    def transition_model_version_stage(self, name: str, version: str, stage: str | None = None,
                                       archive_existing_versions: bool | None = None) -> ModelVersion:
        """Move a version of ``{name}_{env}`` to ``stage`` (default: :attr:`default_stage`).

        ``Production`` is refused outside production. Moving a version into Production archives
        the previous Production versions unless ``archive_existing_versions=False``.
        """
        target = self._checked_stage(stage or self.default_stage)
        if archive_existing_versions is None:
            archive_existing_versions = target == "Production"
        full_name = self.get_env_model_name(name)
        with self._stage_call():
            return super().transition_model_version_stage(full_name, version, target, archive_existing_versions)

    def set_registered_model_alias(self, name: str, alias: str, version: str) -> None:
        """Point ``alias`` of ``{name}_{env}`` at ``version``; production aliases only in production."""
        self._check_alias(alias)
        super().set_registered_model_alias(self.get_env_model_name(name), alias, version)

    def delete_registered_model_alias(self, name: str, alias: str) -> None:
        """Remove ``alias`` from ``{name}_{env}``; production aliases only in production."""
        self._check_alias(alias)
        super().delete_registered_model_alias(self.get_env_model_name(name), alias)

    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        """The version ``alias`` of ``{name}_{env}`` points at."""
        return super().get_model_version_by_alias(self.get_env_model_name(name), alias)

    # ---------------------------------------------------------------- experiments

    def create_experiment(self, name: str, artifact_location: str | None = None,
                          tags: dict[str, Any] | None = None) -> str:
        """Create ``{experiment_root}/{env}/{name}``."""
        experiment_id = super().create_experiment(self.get_env_experiment_name(name), artifact_location, tags)
        self._own_experiment_ids.add(experiment_id)
        return experiment_id

    def get_experiment(self, experiment_id: str) -> Experiment:
        """Get an experiment of this environment by id; another environment's is refused."""
        experiment = super().get_experiment(experiment_id)
        self._check_own_experiment(experiment)
        return experiment

    def get_experiment_by_name(self, name: str) -> Experiment | None:
        """Get ``{experiment_root}/{env}/{name}``."""
        experiment = super().get_experiment_by_name(self.get_env_experiment_name(name))
        if experiment is not None:
            self._own_experiment_ids.add(experiment.experiment_id)
        return experiment

    def search_experiments(self, view_type: int = ViewType.ACTIVE_ONLY, max_results: int | None = 1000,
                           filter_string: str | None = None, order_by: list[str] | None = None,
                           page_token: str | None = None):
        """Search the experiments under ``{experiment_root}/{env}/`` only."""
        directory = self.get_env_experiment_name("")
        scoped = f"name LIKE '{directory}%'" + (f" AND {filter_string}" if filter_string else "")
        result = super().search_experiments(view_type, max_results, scoped, order_by, page_token)
        kept = [experiment for experiment in result if experiment.name.startswith(directory)]
        if len(kept) != len(result):
            result[:] = kept
        return result

    def rename_experiment(self, experiment_id: str, new_name: str) -> None:
        """Rename one of this environment's experiments to ``{experiment_root}/{env}/{new_name}``."""
        target = self.get_env_experiment_name(new_name)
        self._require_own_experiment(experiment_id)
        super().rename_experiment(experiment_id, target)

    def create_run(self, experiment_id: str, start_time: int | None = None, tags: dict[str, Any] | None = None,
                   run_name: str | None = None) -> Run:
        """Start a run in one of this environment's experiments."""
        self._require_own_experiment(experiment_id)
        run = super().create_run(experiment_id, start_time, tags, run_name)
        self._own_run_ids.add(run.info.run_id)
        return run

    def get_run(self, run_id: str) -> Run:
        """Get a run of one of this environment's experiments; another environment's is refused."""
        run = super().get_run(run_id)
        self._require_own_experiment(run.info.experiment_id)
        self._own_run_ids.add(run.info.run_id)
        return run

    def create_experiment_if_not_exists(self, name: str) -> str:
        """The id of ``{experiment_root}/{env}/{name}``, created when missing."""
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
        """
        experiment_id = self.create_experiment_if_not_exists(name)
        mlflow.set_tracking_uri(self.tracking_uri)
        mlflow.set_experiment(experiment_id=experiment_id)
        return experiment_id

    # ---------------------------------------------------------------- helpers of the original client

    def log_model_helper(self, model_flavor: Any, registered_model_name: str, **kwargs: Any
                         ) -> tuple[ModelVersion, ModelInfo]:
        """Log a model with ``model_flavor.log_model(**kwargs)``, register it as a version of
        ``{registered_model_name}_{env}`` through this client, wait until it is READY and set its
        stage (Staging, or Production in production).

        The model must be logged in this environment's experiments (see :meth:`set_experiment`);
        one logged elsewhere is not registered.

        The version is tagged ``env_mlflow_client.stage=pending:<stage>`` at registration and
        ``<stage>`` once its stage is set. A version whose stage could not be set stays pending and
        the error names it; the next call for the same model finishes such versions first.
        """
        name = self.get_env_model_name(registered_model_name)
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
            raise EnvironmentRuleViolation("foreign-experiment", f"model {model_info.model_uri} was logged in an "
                                           f"experiment outside {self.get_env_experiment_name('')} and was not "
                                           "registered; call client.set_experiment(...) before log_model_helper"
                                           ) from None
        try:
            self.get_registered_model(name)
        except MlflowException as error:
            if error.error_code != ErrorCode.Name(RESOURCE_DOES_NOT_EXIST):
                raise
            self.create_registered_model(name)
        source = logged.artifact_location if logged is not None else model_info.model_uri
        version = self.create_model_version(name, source, run_id=model_info.run_id,
                                            tags={STAGE_TAG: f"{_PENDING}{self.default_stage}"},
                                            model_id=model_info.model_id)
        version = self._await_ready(name, version.version)
        return self._stage_pending(name, version.version), model_info

    def finish_pending_versions(self, name: str) -> list[ModelVersion]:
        """Set the stage of every version of ``{name}_{env}`` left pending by a failed helper call."""
        full_name = self.get_env_model_name(name)
        pending = self.search_model_versions(f"name='{full_name}' and tags.`{STAGE_TAG}` LIKE '{_PENDING}%'")
        return [self._stage_pending(full_name, version.version) for version in pending]

    def get_latest_model_version(self, name: str) -> ModelVersion:
        """The newest version of ``{name}_{env}`` in this environment's stage."""
        versions = self.get_latest_versions(name, stages=[self.default_stage])
        if not versions:
            raise MlflowException(f"{self.get_env_model_name(name)} has no version in {self.default_stage}",
                                  error_code=RESOURCE_DOES_NOT_EXIST)
        return max(versions, key=lambda version: int(version.version))

    def load_model_version(self, model_flavor: Any, name: str, version: str) -> Any:
        """Load version ``version`` of ``{name}_{env}`` with ``model_flavor.load_model``."""
        return self._load(model_flavor, name, version)

    def load_latest_model(self, model_flavor: Any, name: str) -> Any:
        """Load the newest version of ``{name}_{env}`` in this environment's stage."""
        version = self.get_latest_model_version(name)
        return self._load(model_flavor, version.name, version.version)

    # ---------------------------------------------------------------- internals

    def _load(self, model_flavor: Any, name: str, version: str) -> Any:
        # The download URI comes from this client's registry, so loading needs no global registry URI.
        uri = self.get_model_version_download_uri(name, version)
        with self._tracking_uri_for_fluent_calls():
            return model_flavor.load_model(uri)

    def _check_own_experiment(self, experiment: Experiment) -> None:
        directory = self.get_env_experiment_name("")
        if not self._inside_directory(experiment.name):
            raise EnvironmentRuleViolation("foreign-experiment", f"experiment {experiment.experiment_id} "
                                                                 f"({experiment.name!r}) is outside {directory}")
        self._own_experiment_ids.add(experiment.experiment_id)

    def _require_own_experiment(self, experiment_id: str | None) -> None:
        """Refuse an experiment id outside this environment; one read the first time an id is seen."""
        if experiment_id is None:
            raise EnvironmentRuleViolation("foreign-experiment", "no experiment id given; pass one of "
                                                                 f"{self.get_env_experiment_name('')}'s experiments")
        if str(experiment_id) not in self._own_experiment_ids:
            self._check_own_experiment(super().get_experiment(str(experiment_id)))

    def _require_own_experiments(self, experiment_ids: str | list[str] | None) -> None:
        single = experiment_ids is None or isinstance(experiment_ids, str)
        for experiment_id in [experiment_ids] if single else list(experiment_ids) or [None]:  # [] names none
            self._require_own_experiment(experiment_id)

    def _require_own_run(self, run_id: str | None) -> None:
        """Refuse a run outside this environment; reads the run (and its experiment) once per id."""
        if run_id is None:
            raise EnvironmentRuleViolation("foreign-experiment", "no run id given")
        if str(run_id) not in self._own_run_ids:
            self.get_run(str(run_id))

    def _stage_pending(self, name: str, version: str) -> ModelVersion:
        try:
            staged = self.transition_model_version_stage(name, version)
        except MlflowException as error:
            raise MlflowException(f"version {version} of {name} is registered but its stage could not be set to "
                                  f"{self.default_stage} ({error.message}); it stays tagged {STAGE_TAG}="
                                  f"{_PENDING}{self.default_stage} and the next log_model_helper call for this "
                                  "model retries",
                                  error_code=ErrorCode.Value(error.error_code)) from error
        self.set_model_version_tag(name, version, STAGE_TAG, staged.current_stage)
        return staged

    def _await_ready(self, name: str, version: str, timeout: float = 300.0) -> ModelVersion:
        deadline = time.monotonic() + timeout
        while True:
            current = self.get_model_version(name, version)
            if current.status == "READY":
                return current
            if current.status == "FAILED_REGISTRATION" or time.monotonic() > deadline:
                raise MlflowException(f"version {version} of {name} did not become READY: {current.status} "
                                      f"{current.status_message or ''}".strip())
            time.sleep(0.5)

    def _checked_stage(self, stage: str) -> str:
        normalized = {known.lower(): known for known in STAGES}.get(str(stage).lower())
        if normalized is None:
            raise EnvironmentRuleViolation("unknown-stage", f"unknown stage {stage!r}")
        if normalized == "Production" and not self.production:
            raise EnvironmentRuleViolation("production-stage-outside-production",
                                           f"environment {self.env_name!r} is not production")
        return normalized

    def _check_alias(self, alias: str) -> None:
        if str(alias).lower() in PRODUCTION_ALIASES and not self.production:
            raise EnvironmentRuleViolation("production-alias-outside-production",
                                           f"alias {alias!r} is reserved for production; environment "
                                           f"{self.env_name!r} is not production")

    def _rewrite_filter(self, filter_string: str | None) -> str | None:
        if not filter_string:
            return filter_string

        def rewrite(match: re.Match[str]) -> str:
            quote = match["quote"]
            return f"{match['key']} {match['op']} {quote}{self.get_env_model_name(match['value'])}{quote}"

        return _NAME_CLAUSE.sub(rewrite, filter_string)

    def _own_results(self, result: Any) -> Any:
        suffix = f"_{self.env_name}"
        kept = [item for item in result if item.name.endswith(suffix)]
        if len(kept) != len(result):
            result[:] = kept
        return result

    @contextmanager
    def _stage_call(self) -> Iterator[None]:
        """Silence MLflow's stage deprecation warning on every call; say it once per process instead."""
        global _stage_warning_shown
        if not _stage_warning_shown:
            _stage_warning_shown = True
            warnings.warn("model registry stages are deprecated in MLflow; env_mlflow_client keeps them working "
                          "and enforces the same rules on aliases (see its README)", FutureWarning,
                          stacklevel=_caller_stack_level())
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=FutureWarning)
            yield

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
            mlflow.set_tracking_uri(saved_uri)
            if saved_variable is not None:
                os.environ[_TRACKING_URI_VARIABLE] = saved_variable


def _caller_stack_level() -> int:
    """The ``stacklevel`` that makes a warning point at the first frame outside this package
    (and outside ``contextlib``, whose frames a ``with`` statement adds)."""
    package, contextlib_file = os.path.dirname(__file__), contextlib.__file__
    frame, level = sys._getframe(1), 1
    while frame is not None and (os.path.dirname(frame.f_code.co_filename) == package
                                 or frame.f_code.co_filename == contextlib_file):
        frame, level = frame.f_back, level + 1
    return level


#: The name of the article's client, for teams switching by changing one import.
EnvMlflowClient = EnvironmentMlflowClient

