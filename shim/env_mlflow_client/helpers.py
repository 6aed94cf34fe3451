"""The helpers of the original client (``environment-mlflow-client``), with its signatures and
meaning: ``log_model_helper``, ``load_model_version``, ``load_latest_model`` and
``get_latest_model_version``; and ``finish_pending_versions``, for versions a failed helper call
left without their stage.

Logging and registering differ between MLflow 2 (a model is logged in a run, under an
``artifact_path``) and MLflow 3 (a *logged model*, under a ``name``, registered by ``model_id``);
:mod:`env_mlflow_client.compat` tells which one is installed and the helpers behave the same on both.
"""

from __future__ import annotations

import time
from typing import Any

import mlflow
from mlflow.entities.model_registry import ModelVersion
from mlflow.exceptions import MlflowException
from mlflow.models.model import ModelInfo
from mlflow.protos.databricks_pb2 import RESOURCE_DOES_NOT_EXIST, ErrorCode

from .compat import (
    fluent_experiment_id,
    fluent_registry_uri,
    fluent_tracking_uri,
    log_model_keyword,
    model_id,
    set_run_relative_path,
    unwrap,
)
from .errors import EnvironmentRuleViolation, InvalidArgument, require_string
from .experiments import ExperimentMethods
from .registry import RegistryMethods

#: Tag log_model_helper sets on a version: "pending:<stage>" at registration, "<stage>" once set.
STAGE_TAG = "env_mlflow_client.stage"
_PENDING = "pending:"
#: The name a model is logged under: ``artifact_path`` (MLflow 2, the original client) or ``name`` (MLflow 3).
_LOGGED_NAME_KEYWORDS = ("artifact_path", "name")
#: Either gives a logged model the signature Unity Catalog requires of every version.
_SIGNATURE_KEYWORDS = ("signature", "input_example")


class OriginalHelpers(RegistryMethods, ExperimentMethods):
    """The original client's helpers on top of the environment's registry and experiments."""

    def log_model_helper(
        self, model_flavor: Any, registered_model_name: str, **kwargs: Any
    ) -> tuple[ModelVersion, ModelInfo]:
        """Log a model with ``model_flavor.log_model(**kwargs)``, register it as a version of
        ``{registered_model_name}_{env}`` through this client, wait until it is READY and set its
        stage (Staging, or Production in production). Returns ``(ModelVersion, ModelInfo)``.

        As in the original client, the model is logged under ``{artifact_path}_{env}``; ``name=``
        (MLflow 3's spelling of ``artifact_path``) is treated the same, and either is passed to
        ``log_model`` as the installed MLflow spells it. ``ModelInfo.artifact_path`` is that path on
        every MLflow version.

        The model must be logged in this environment's experiments (see :meth:`set_experiment`);
        one logged elsewhere is not registered. Where ``log_model`` starts a run because none is
        active (MLflow 2), that run is ended afterwards.

        The version is tagged ``env_mlflow_client.stage=pending:<stage>`` at registration and
        ``<stage>`` once its stage is set. A version whose stage could not be set stays pending and
        the error names it; the next call for the same model finishes such versions first.

        Raises:
            InvalidArgument: ``registered_model_name`` is not a non-empty string, or both
                ``artifact_path`` and ``name`` are given.
            EnvironmentRuleViolation: ``foreign-model`` (``registered_model_name`` ends in another
                environment's suffix), ``foreign-experiment`` (the active run, or the logged
                model, is in an experiment outside this environment's directory; nothing is
                registered) or, in Unity Catalog, ``signature-required`` (neither ``signature=``
                nor ``input_example=`` is given, before anything is logged; or MLflow logged the
                model without a signature, before anything is registered).
        """
        name = self._env_model_name(registered_model_name, "registered_model_name")
        keywords, logged_name = self._logging_keywords(model_flavor, kwargs)
        if self.environment.mode.unity_catalog and all(kwargs.get(key) is None for key in _SIGNATURE_KEYWORDS):
            raise EnvironmentRuleViolation(
                "signature-required",
                f"{name} would have no signature and Unity Catalog refuses such versions; pass input_example=X "
                "(MLflow infers the signature from it) or signature=mlflow.models.infer_signature(X, y)",
            )
        active = mlflow.active_run()
        if active is not None:
            self._require_own_experiment(active.info.experiment_id)
        else:  # log_model would create a run (or logged model) in the current experiment: check it first
            with fluent_tracking_uri(self.tracking_uri):
                current = fluent_experiment_id()
            if current is not None:
                self._require_own_experiment(current)
        self.finish_pending_versions(name)
        model_info = self._log_model(model_flavor, keywords)
        if self.environment.mode.unity_catalog and getattr(model_info, "signature", None) is None:
            raise EnvironmentRuleViolation(
                "signature-required",
                f"{model_info.model_uri} was logged without a signature (MLflow could not infer one from "
                f"input_example; its log says why) and was not registered in {name}; pass "
                "signature=mlflow.models.infer_signature(X, y) or a mlflow.models.ModelSignature",
            )
        source = self._registrable_source(model_info)
        if logged_name is not None:
            set_run_relative_path(model_info, logged_name)
        self._ensure_registered_model(name)
        version = self.create_model_version(
            name,
            source,
            run_id=model_info.run_id,
            tags={STAGE_TAG: f"{_PENDING}{self.default_stage}"},
            model_id=model_id(model_info),
        )
        version = self._await_ready(name, version.version)
        return self._stage_pending(name, version.version), model_info

    def finish_pending_versions(self, name: str) -> list[ModelVersion]:
        """Set the stage of every version of ``{name}_{env}`` left pending by a failed helper call.

        In Unity Catalog, whose version search returns no tags, the versions registered after the
        one the stage's alias points at are read one by one (usually none).

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        full_name = self.get_env_model_name(name)
        if self.environment.mode.unity_catalog:  # its search results carry no tags
            versions = self._versions_after_stage_alias(full_name, self.default_stage)
        else:  # filter by name only (every registry understands it), then by tag here
            versions = self.search_model_versions(f"name='{full_name}'")
        pending = [version for version in versions if str(version.tags.get(STAGE_TAG, "")).startswith(_PENDING)]
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

    def load_model_version(self, model_flavor: Any, name: str, version: str, unwrap_model: bool = False) -> Any:
        """Load version ``version`` of ``{name}_{env}`` with ``model_flavor.load_model``.

        With ``unwrap_model=True``, the implementation inside the loaded model is returned (for a
        pyfunc model, ``PyFuncModel._model_impl``: what a ``loader_module`` returned, or MLflow's
        wrapper of a ``python_model``), as the original client does.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string, or ``unwrap_model`` is not a bool.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        return self._load(model_flavor, name, version, unwrap_model)

    def load_latest_model(self, model_flavor: Any, name: str, unwrap_model: bool = False) -> Any:
        """Load the newest version of ``{name}_{env}`` in this environment's stage.

        ``unwrap_model`` as in :meth:`load_model_version`.

        Raises:
            InvalidArgument: ``name`` is not a non-empty string, or ``unwrap_model`` is not a bool.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
            MlflowException: ``RESOURCE_DOES_NOT_EXIST``, when no version is in this environment's stage.
        """
        _checked_flag("unwrap_model", unwrap_model)
        version = self.get_latest_model_version(name)
        return self._load(model_flavor, version.name, version.version, unwrap_model)

    # ---------------------------------------------------------------- internals

    def _logging_keywords(self, model_flavor: Any, kwargs: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
        """The ``log_model`` arguments: the model's path suffixed with the environment, spelled as
        the installed MLflow spells it; and that path (``None`` when none was given)."""
        given = [keyword for keyword in _LOGGED_NAME_KEYWORDS if kwargs.get(keyword) is not None]
        if len(given) > 1:
            raise InvalidArgument(
                "name", "either artifact_path (MLflow 2) or name (MLflow 3), not both", kwargs["name"]
            )
        keywords = {key: value for key, value in kwargs.items() if key not in _LOGGED_NAME_KEYWORDS}
        if not given:
            return keywords, None
        path = require_string(given[0], kwargs[given[0]])
        suffix = f"_{self.env_name}"
        logged_name = path if path.endswith(suffix) else f"{path}{suffix}"
        keywords[log_model_keyword(model_flavor.log_model)] = logged_name
        return keywords, logged_name

    def _log_model(self, model_flavor: Any, keywords: dict[str, Any]) -> Any:
        """``model_flavor.log_model(**keywords)`` on this client's server; ends a run it had to start."""
        with fluent_tracking_uri(self.tracking_uri):
            started_here = mlflow.active_run() is None
            try:
                model_info = model_flavor.log_model(**keywords)
            except BaseException:
                if started_here and mlflow.active_run() is not None:
                    mlflow.end_run("FAILED")
                raise
            if started_here and mlflow.active_run() is not None:
                mlflow.end_run()
        return model_info

    def _registrable_source(self, model_info: Any) -> str:
        """Where the logged model's files are, once it is known to be in this environment's experiments."""
        logged_id = model_id(model_info)
        try:
            if logged_id is not None:  # a logged model (MLflow 3)
                logged = self.get_logged_model(logged_id)
                self._require_own_experiment(logged.experiment_id)
                location: str = logged.artifact_location
                return location
            run = self.get_run(model_info.run_id)  # a model logged in a run (MLflow 2)
            return f"{run.info.artifact_uri.rstrip('/')}/{model_info.artifact_path}"
        except EnvironmentRuleViolation:
            raise EnvironmentRuleViolation(
                "foreign-experiment",
                f"model {model_info.model_uri} was logged in an experiment outside {self.experiment_directory} "
                "and was not registered; call client.set_experiment(...) before log_model_helper",
            ) from None

    def _ensure_registered_model(self, name: str) -> None:
        try:
            self.get_registered_model(name)
        except MlflowException as error:
            if error.error_code != ErrorCode.Name(RESOURCE_DOES_NOT_EXIST):
                raise
            self.create_registered_model(name)

    def _load(self, model_flavor: Any, name: str, version: str, unwrap_model: bool) -> Any:
        _checked_flag("unwrap_model", unwrap_model)
        if self.environment.mode.unity_catalog:
            # Unity Catalog hands out short-lived storage credentials for models:/ URIs of its registry.
            uri = f"models:/{self.get_env_model_name(name)}/{version}"
            with fluent_tracking_uri(self.tracking_uri), fluent_registry_uri(self._registry_uri):
                model = model_flavor.load_model(uri)
        else:
            # The download URI comes from this client's registry, so loading needs no global registry URI.
            uri = self.get_model_version_download_uri(name, version)
            with fluent_tracking_uri(self.tracking_uri):
                model = model_flavor.load_model(uri)
        return unwrap(model) if unwrap_model else model

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
        self.set_model_version_tag(name, version, STAGE_TAG, self.default_stage)
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


def _checked_flag(parameter: str, value: object) -> None:
    if not isinstance(value, bool):
        raise InvalidArgument(parameter, "True or False", value)
