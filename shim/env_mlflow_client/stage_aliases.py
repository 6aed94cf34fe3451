"""Stages kept on aliases in Unity Catalog, which has no stages.

Code written for stages keeps working: moving a version to ``Staging`` or ``Production`` points the
alias that stands for that stage (``challenger``, ``champion`` by default) at it, which moves the
alias off its previous holder (aliases are unique); moving it to ``Archived`` or ``None`` removes
the stage aliases it holds. The latest version "in" a stage is the one its alias points at.
"""

from __future__ import annotations

from mlflow.entities.model_registry import ModelVersion
from mlflow.exceptions import MlflowException
from mlflow.protos.databricks_pb2 import RESOURCE_DOES_NOT_EXIST, ErrorCode
from mlflow.tracking import MlflowClient

from .base import EnvironmentBase
from .stages import STAGES, check_alias, checked_stage, stage_spelling


class StageAliasMethods(EnvironmentBase):
    """Stage calls answered with aliases, for a client registering to Unity Catalog."""

    def _latest_versions_by_alias(self, full_name: str, stages: list[str]) -> list[ModelVersion]:
        """The version each stage's alias points at, for the stages that have an alias and a holder."""
        versions = []
        for stage in stages:
            alias = self.environment.mode.alias_of(stage_spelling(stage))
            if alias is None:
                continue
            try:
                versions.append(MlflowClient.get_model_version_by_alias(self, full_name, alias))
            except MlflowException as error:
                if error.error_code != ErrorCode.Name(RESOURCE_DOES_NOT_EXIST):
                    raise
        return versions

    def _versions_after_stage_alias(self, full_name: str, stage: str) -> list[ModelVersion]:
        """The versions newer than the one ``stage``'s alias points at, each read with its tags.

        Unity Catalog's version search returns no tags, so the versions that may still be pending
        (registered after the alias holder) are read one by one; usually there are none. A model
        that does not exist yet has none.
        """
        holders = self._latest_versions_by_alias(full_name, [stage])
        staged = max((int(holder.version) for holder in holders), default=0)
        try:
            found = MlflowClient.search_model_versions(self, f"name='{full_name}'")
        except MlflowException as error:
            if error.error_code != ErrorCode.Name(RESOURCE_DOES_NOT_EXIST):
                raise
            return []
        newer = sorted(int(version.version) for version in found if int(version.version) > staged)
        return [MlflowClient.get_model_version(self, full_name, str(number)) for number in newer]

    def _transition_by_alias(self, full_name: str, version: str, stage: str) -> ModelVersion:
        """Point ``stage``'s alias at ``version`` (``Archived``/``None``: drop the stage aliases it holds)."""
        target = checked_stage(self.environment, stage)
        alias = self.environment.mode.alias_of(target)
        if alias is not None:
            MlflowClient.set_registered_model_alias(self, full_name, check_alias(self.environment, alias), version)
        else:
            current = MlflowClient.get_model_version(self, full_name, version)
            held = set(getattr(current, "aliases", None) or ())
            for stage_alias in (self.environment.mode.alias_of(name) for name in STAGES):
                if stage_alias in held:
                    MlflowClient.delete_registered_model_alias(
                        self, full_name, check_alias(self.environment, stage_alias)
                    )
        moved: ModelVersion = MlflowClient.get_model_version(self, full_name, version)
        return moved
