"""The seam between the renderers and the model registry: what differs in the files of each registry.

:mod:`.terraform_root` renders every root the same way for every registry (each environment's file, each own
root's test, the shared file, the root test) and asks a :class:`RegistryRendering` for the parts that differ;
:mod:`.permission_files` asks it for the registry's own lines. Each registry implements it once
(:mod:`.workspace_registry`, :mod:`.unity_catalog`) and :mod:`.registries` chooses one by the permission model's
registry.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from generator.manifests.archives import Archive
from generator.manifests.environments import Environment, Manifests
from generator.manifests.settings import WorkspaceSettings
from generator.model.permission_model import EnvironmentFacts, PermissionModel
from generator.render.header import Header
from generator.render.state_layout import RootLayout

#: One assertion of a generated ``terraform test``: what it checks, the actual and the expected value (HCL).
Check = dict[str, str]


@dataclass(frozen=True)
class RenderInputs:
    """What every root is rendered from: the manifests, their permission model, the roots' layout and the
    generated-file header (``header(sources, comment)``)."""

    manifests: Manifests
    model: PermissionModel
    layout: RootLayout
    header: Header


class RegistryRendering(ABC):
    """The registry-specific parts of the generated files."""

    #: The model registry it renders (:attr:`generator.model.registry.ModelRegistry.name`).
    name: ClassVar[str]

    @abstractmethod
    def environment_file(self, inputs: RenderInputs, environment: Environment) -> str:
        """The module calls of ``environment`` in its root (and, in its own root, its membership of the
        all-principals group)."""

    @abstractmethod
    def archive_file(self, inputs: RenderInputs, archive: Archive) -> str:
        """The file of a retired environment's archive in its root (:mod:`.archives`)."""

    @abstractmethod
    def environment_checks(self, inputs: RenderInputs, environment: Environment, own_root: bool) -> list[Check]:
        """The assertions on ``environment``'s objects; in its own root also on its membership of the
        all-principals group."""

    @abstractmethod
    def shared_file(self, inputs: RenderInputs) -> str:
        """The file of the all-principals group, in the root at the repository top."""

    @abstractmethod
    def shared_check(self, inputs: RenderInputs) -> Check:
        """The assertion on the all-principals group."""

    @abstractmethod
    def test_file(self, inputs: RenderInputs, header_text: str, checks: list[Check]) -> str:
        """A root's generated ``terraform test`` with ``checks``."""

    @abstractmethod
    def root_files(self, inputs: RenderInputs) -> dict[str, str]:
        """Files every root needs besides its module calls (provider configurations)."""

    @abstractmethod
    def manifest_terms(self, settings: WorkspaceSettings, environment: str) -> dict[str, str]:
        """The registry's words in a new environment's commented manifest (``mlenv new-env``): ``model_name``,
        ``production_meaning``, ``tags_note``, ``tags_example``, ``reader_level``."""

    @abstractmethod
    def environment_json(self, model: PermissionModel, facts: EnvironmentFacts) -> dict[str, object]:
        """What the permission JSON says about an environment beyond its group, directory and models."""

    @abstractmethod
    def summary_lines(self, facts: EnvironmentFacts) -> list[str]:
        """Lines of an environment's permission file after its registered models (where they live)."""

    @abstractmethod
    def production_readers(self) -> str:
        """What the production reader groups of an environment can do, after their names."""

    @abstractmethod
    def environment_section(
        self, model: PermissionModel, facts: EnvironmentFacts, names: Mapping[str, str]
    ) -> list[str]:
        """The registry's own section of an environment's permission file (none: ``[]``)."""
