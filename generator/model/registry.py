"""The seam between the permission model and the model registry it describes.

A registry (the Workspace Model Registry, Unity Catalog) decides, for the permission model, which objects an
environment's models are and who holds what on them, which of those grants Databricks makes by itself, its own
invariants, and what inherits from what. :class:`ModelRegistry` is that interface; each registry implements it once
(:mod:`.workspace_registry`, :mod:`.unity_catalog`) and :mod:`.registries` chooses one from the settings. Nothing
else in the model asks which registry it is; the later stages choose their own implementation by
:attr:`ModelRegistry.name` the same way (docs/ARCHITECTURE.md, "How to add a registry").
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from generator.model.grants import Grant

if TYPE_CHECKING:
    from generator.manifests.environments import Environment, Manifests
    from generator.manifests.settings import WorkspaceSettings
    from generator.model.permission_model import EnvironmentFacts, PermissionModel

#: ``(rule, grant, message)``: one broken invariant, which :mod:`generator.model.policy` makes a violation.
PolicyFinding = tuple[str, Grant, str]

#: An object of the permission model: ``(object type, name)``.
ObjectKey = tuple[str, str]


@dataclass(frozen=True)
class EnvironmentSource:
    """What a registry builds one environment's models from: the manifests, the environment, its group, the
    identity running Terraform as ``(principal, principal type)``, and ``at(*location)``, the ``FILE:LINE`` of a
    manifest entry."""

    manifests: Manifests
    environment: Environment
    group: str
    terraform_identity: tuple[str, str]
    at: Callable[..., str]


@dataclass(frozen=True)
class RegistryObjects:
    """One environment's registered models (full names) and every grant on them; in a registry with containers
    (Unity Catalog) also its catalog, schema and their owner."""

    grants: tuple[Grant, ...]
    models: tuple[str, ...]
    catalog: str = ""
    schema: str = ""
    container_owner: str = ""


class ModelRegistry(ABC):
    """What the permission model needs to know about one model registry."""

    #: The value of ``registry:`` in ``workspace.yaml`` that chooses it.
    name: ClassVar[str]
    #: Its name for people.
    title: ClassVar[str]
    #: MLflow's registry URI for it (``MLFLOW_REGISTRY_URI`` of the runtime client).
    mlflow_registry_uri: ClassVar[str]
    #: The level that lets a reader group read and load a model.
    reading_level: ClassVar[str]
    #: Whether grants inherit from containers down to models (the effective access then says from where).
    inheritance: ClassVar[bool]
    #: What a model that no manifest declares in a production namespace means (an audit finding's detail).
    undeclared_risk: ClassVar[str]
    #: Whether retiring an environment deletes its group at once (a group left is then access that outlived its
    #: manifest); Unity Catalog keeps it, empty, until the archive goes: it owned the models.
    archive_deletes_group: ClassVar[bool]

    @abstractmethod
    def environment_objects(self, inputs: EnvironmentSource) -> RegistryObjects:
        """The models of ``inputs``' environment (and their containers) with every grant on them."""

    @abstractmethod
    def is_implicit(self, grant: Grant) -> bool:
        """Whether Databricks makes ``grant`` (on a model or container, not a directory) by itself."""

    @abstractmethod
    def environment_findings(
        self, facts: EnvironmentFacts, model: PermissionModel, object_owner: dict[ObjectKey, str]
    ) -> list[PolicyFinding]:
        """The registry's invariants over one environment's objects; records the objects it claims in
        ``object_owner`` (object -> environment)."""

    @abstractmethod
    def grant_findings(self, grant: Grant, facts: EnvironmentFacts) -> list[PolicyFinding]:
        """The registry's invariants on one explicit grant of the environment ``facts`` describes."""

    @abstractmethod
    def containers(self, facts: EnvironmentFacts, model: PermissionModel) -> list[ObjectKey]:
        """The objects besides groups, directories and models that mlenv manages for the environment."""

    @abstractmethod
    def objects_below(self, facts: EnvironmentFacts) -> Mapping[ObjectKey, list[ObjectKey]]:
        """For each object whose grants inherit down: the objects below it."""

    @abstractmethod
    def namespace(self, facts: EnvironmentFacts) -> str:
        """Where the environment's models are named, for people (``under the production suffix _prod``)."""

    @abstractmethod
    def in_namespace(self, facts: EnvironmentFacts, full_name: str) -> bool:
        """Whether a model named ``full_name`` is in the environment's namespace (declared or not)."""

    @abstractmethod
    def short_name(self, facts: EnvironmentFacts, full_name: str) -> str:
        """The name a manifest gives the model ``full_name`` (``churn`` of ``churn_acc`` or ``ml_acc.models.churn``)."""

    @abstractmethod
    def forgets_on_arrival(self, full_name: str) -> bool:
        """Whether a registered model ``full_name`` that the manifests no longer declare belongs to a registry this
        one replaces without deleting anything: Terraform forgets it (``removed`` blocks), its versions stay."""

    @abstractmethod
    def archive_keepers(self, settings: WorkspaceSettings, terraform_identity: str) -> tuple[str, ...]:
        """Who may still reach a retired environment's data (its archive), in words for the permission files."""

    @abstractmethod
    def client_variables(self, facts: EnvironmentFacts) -> dict[str, str]:
        """The runtime client's variables that locate the environment's models in this registry."""
