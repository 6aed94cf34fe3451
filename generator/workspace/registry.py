"""The seam between the workspace reads and the model registry: how the audit reads a registry's objects, what it
checks beyond them, and how ``mlenv adopt`` (and a plan's existence check) finds the declared ones that exist.

Each registry implements :class:`RegistryReader` once (:mod:`.workspace_registry`, :mod:`.unity_catalog`);
:mod:`.registries` chooses one by the permission model's registry. Groups, directories and service principals are
read the same way for every registry (:mod:`.audit`, :mod:`.identities`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import ClassVar

from databricks.sdk import WorkspaceClient

from generator.model.drift import Finding
from generator.model.permission_model import PermissionModel
from generator.workspace.lookups import Lookup

#: One check of the audit beyond the objects of the permission model.
Check = Callable[[], list[Finding]]


class RegistryReader(ABC):
    """What the workspace reads need to know about one model registry."""

    #: The model registry it reads (:attr:`generator.model.registry.ModelRegistry.name`).
    name: ClassVar[str]
    #: The object types it reads (models, and in Unity Catalog their catalogs and schemas).
    object_types: ClassVar[frozenset[str]]
    #: What ``mlenv adopt`` may import, for people ("group or registered model").
    adoptable: ClassVar[str]
    #: What whoever created a production model before Terraform managed it could do with it.
    creator_held: ClassVar[str]
    #: What the audit's identity needs to read one of its objects' access (named when it may not).
    read_needs: ClassVar[str]

    @abstractmethod
    def read_object(
        self, model: PermissionModel, client: WorkspaceClient, environment: str, object_type: str, name: str
    ) -> list[Finding]:
        """Read one of its objects and compare it with the model."""

    @abstractmethod
    def checks(self, model: PermissionModel, client: WorkspaceClient) -> list[Check]:
        """The audit's checks beyond the model's objects (models no manifest declares, ...)."""

    @abstractmethod
    def unmanaged(self, model: PermissionModel, client: WorkspaceClient, environments: set[str]) -> list[Finding]:
        """Its objects named like those of an environment no manifest declares (``environments``: those whose
        group or directory was found; the registry may find more by its own names)."""

    @abstractmethod
    def lookups(self, model: PermissionModel, client: WorkspaceClient) -> list[tuple[str, Lookup]]:
        """``(Terraform address, lookup)`` of every declared object of the registry that an import could adopt."""
