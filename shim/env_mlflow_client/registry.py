"""The model registry methods of the client: every name is the environment's ``{model}_{env}``,
searches leave other environments out, and stages and aliases follow the environment's rules."""

from __future__ import annotations

from typing import Any

from mlflow.entities.model_registry import ModelVersion, RegisteredModel
from mlflow.store.entities.paged_list import PagedList
from mlflow.tracking import MlflowClient

from . import names
from .compat import supported
from .deprecation import stage_api
from .errors import require_optional_string, require_string
from .stage_aliases import StageAliasMethods
from .stages import check_alias, checked_stage, checked_stages


class RegistryMethods(StageAliasMethods):
    """Registered models, model versions, stages and aliases of one environment."""

    # ---------------------------------------------------------------- registered models

    def create_registered_model(
        self,
        name: str,
        tags: dict[str, Any] | None = None,
        description: str | None = None,
        deployment_job_id: str | None = None,
    ) -> RegisteredModel:
        """Create ``{name}_{env}``. ``deployment_job_id`` needs an MLflow that has deployment jobs (3.x).

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        extra = supported(MlflowClient.create_registered_model, deployment_job_id=deployment_job_id)
        return super().create_registered_model(self.get_env_model_name(name), tags, description, **extra)

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
        extra = supported(MlflowClient.update_registered_model, deployment_job_id=deployment_job_id)
        return super().update_registered_model(self.get_env_model_name(name), description, **extra)

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
        filter_string = names.rewrite_filter(self.environment, filter_string)
        result = super().search_registered_models(filter_string, max_results, order_by, page_token)
        return names.own_results(self.environment, result)

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
        """Create a version of ``{name}_{env}``. ``model_id`` needs an MLflow with logged models (3.x).

        Raises:
            InvalidArgument: ``name`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        full_name = self.get_env_model_name(name)
        extra = supported(MlflowClient.create_model_version, model_id=model_id)
        return super().create_model_version(
            full_name, source, run_id, tags, run_link, description, await_creation_for, **extra
        )

    def copy_model_version(self, src_model_uri: str, dst_name: str) -> ModelVersion:
        """Copy a version into ``{dst_name}_{env}``; a ``models:/`` source must be this environment's.

        Raises:
            InvalidArgument: ``src_model_uri`` or ``dst_name`` is not a non-empty string, or
                ``src_model_uri`` is ``models:/`` with no model name.
            EnvironmentRuleViolation: ``foreign-model``, when the model of ``src_model_uri`` or
                ``dst_name`` ends in another environment's suffix.
        """
        source = names.env_model_uri(self.environment, src_model_uri, "src_model_uri")
        return super().copy_model_version(source, self._env_model_name(dst_name, "dst_name"))

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
        filter_string = names.rewrite_filter(self.environment, filter_string)
        result = super().search_model_versions(filter_string, max_results, order_by, page_token)
        return names.own_results(self.environment, result)

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
        wanted = checked_stages(self.environment, stages)
        if self.environment.mode.unity_catalog:
            return self._latest_versions_by_alias(full_name, wanted)
        versions: list[ModelVersion] = super().get_latest_versions(full_name, wanted)
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
        target = checked_stage(self.environment, self.default_stage if stage is None else stage)
        if archive_existing_versions is None:
            archive_existing_versions = target == "Production"
        full_name = self.get_env_model_name(name)
        if self.environment.mode.unity_catalog:
            return self._transition_by_alias(full_name, version, target)
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
        alias = check_alias(self.environment, alias)
        super().set_registered_model_alias(self.get_env_model_name(name), alias, version)

    def delete_registered_model_alias(self, name: str, alias: str) -> None:
        """Remove ``alias`` from ``{name}_{env}``; production aliases only in production.

        Raises:
            InvalidArgument: ``name`` or ``alias`` is not a non-empty string.
            EnvironmentRuleViolation: ``production-alias-outside-production`` (a production alias
                outside production) or ``foreign-model`` (``name`` ends in another environment's suffix).
        """
        alias = check_alias(self.environment, alias)
        super().delete_registered_model_alias(self.get_env_model_name(name), alias)

    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        """The version ``alias`` of ``{name}_{env}`` points at.

        Raises:
            InvalidArgument: ``name`` or ``alias`` is not a non-empty string.
            EnvironmentRuleViolation: ``foreign-model``, when ``name`` ends in another environment's suffix.
        """
        full_name = self.get_env_model_name(name)
        return super().get_model_version_by_alias(full_name, require_string("alias", alias))
