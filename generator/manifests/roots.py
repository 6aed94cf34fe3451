"""The Terraform roots of a repository, what each is planned from, and which of them a change touches.

``state: single``: one root at the repository top. ``state: per_environment``: the shared root at the top
(``workspace``) and one root per environment under ``roots/<env>``. Each root's inputs are its manifests, its
own ``*.tf`` and ``*.tfvars``, ``versions.tf`` (which an environment's root copies) and the modules its files
call: the saved plan's fingerprint covers exactly them, and ``--changed-since`` selects the roots one of whose
inputs changed.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from generator.errors import InvalidInput, Problem
from generator.manifests.environments import Manifests
from generator.paths import (
    MODULES_DIRECTORY,
    PLAN_INPUT_GLOBS,
    SAVED_PLAN_NAME,
    SAVED_PLAN_RECORD_NAME,
    SETTINGS_MANIFEST,
    SHARED_ROOT_NAME,
    STATE_DIRECTORY,
    VERSIONS_FILE,
    environment_manifest,
    environment_root_directory,
    in_root,
)

#: A module call's source in a root's files: the modules directory reached from the root's directory.
_MODULE_SOURCE = re.compile(r'^\s*source\s*=\s*"((?:\./|\.\./)+' + MODULES_DIRECTORY + r'/[A-Za-z0-9_.-]+)"', re.M)


@dataclass(frozen=True)
class Root:
    """One Terraform root: its name, directory (relative to the repository; ``.`` is the top), the environment
    it holds (``None``: the shared or the single root) and the globs of its own inputs."""

    name: str
    directory: str
    environment: str | None
    own_inputs: tuple[str, ...]

    @property
    def plan_directory(self) -> str:
        """Where its saved plan is kept: ``.mlenv`` for the root at the top, ``.mlenv/roots/<env>`` otherwise,
        so that one directory carries every saved plan from a plan job to an apply job."""
        return in_root(STATE_DIRECTORY, self.directory) if self.directory != "." else STATE_DIRECTORY

    @property
    def of(self) -> str:
        """`` of roots/acc`` for an environment's root, nothing for the root at the top (for messages, which
        then read as they did with one root)."""
        return f" of {self.directory}" if self.directory != "." else ""

    @property
    def saved_plan(self) -> str:
        """Path of its saved plan, relative to the repository."""
        return f"{self.plan_directory}/{SAVED_PLAN_NAME}"

    @property
    def saved_plan_record(self) -> str:
        """Path of the fingerprint record of its saved plan, relative to the repository."""
        return f"{self.plan_directory}/{SAVED_PLAN_RECORD_NAME}"

    def inputs(self, repository: Path) -> list[str]:
        """Every file (relative to the repository) its plan is made from: its own inputs and the modules its
        files call, sorted."""
        found = {path for pattern in self.own_inputs for path in _files(repository, pattern)}
        directory = repository / self.directory
        for terraform_file in sorted(directory.glob("*.tf")):
            for source in _MODULE_SOURCE.findall(terraform_file.read_text(encoding="utf-8")):
                module = posixpath.normpath(posixpath.join(self.directory, source))
                found |= set(_files(repository, f"{module}/*.tf"))
        return sorted(found)

    def touched_by(self, changed: set[str], repository: Path) -> bool:
        """Whether one of the ``changed`` paths (relative to the repository; deleted files included) is an input:
        matched against its own globs and against the files of the modules it calls."""
        if any(_matches(path, pattern) for path in changed for pattern in self.own_inputs):
            return True
        return bool(changed & set(self.inputs(repository)))


def roots_of(manifests: Manifests) -> list[Root]:
    """The repository's roots, the shared (or single) root first, then the environments' by name."""
    if not manifests.settings.per_environment_state:
        return [Root(SHARED_ROOT_NAME, ".", None, PLAN_INPUT_GLOBS)]
    shared = Root(SHARED_ROOT_NAME, ".", None, (SETTINGS_MANIFEST, "*.tf", "*.tfvars"))
    # A retired environment's root stays a root: its state holds the archive (and, once its record says
    # delete: true, what is deleted), so it is planned like any other; its record is its input.
    own = [
        _own_root(environment.name, environment_manifest(environment.name)) for environment in manifests.environments
    ]
    own += [_own_root(archive.name, archive.source) for archive in manifests.archives]
    return [shared, *sorted(own, key=lambda root: root.name)]


def _own_root(name: str, source: str) -> Root:
    """The own root of environment (or archive) ``name``, planned from ``source`` (its manifest or record)."""
    directory = environment_root_directory(name)
    return Root(
        name, directory, name, (source, SETTINGS_MANIFEST, VERSIONS_FILE, f"{directory}/*.tf", f"{directory}/*.tfvars")
    )


def select_roots(roots: list[Root], names: list[str], changed: set[str] | None, repository: Path) -> list[Root]:
    """The ``roots`` named in ``names`` (all when empty) that one of the ``changed`` paths touches (all when
    ``None``), in order. Raises :class:`InvalidInput` for a name that is no root."""
    known = [root.name for root in roots]
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise InvalidInput(
            [
                Problem(
                    "--env",
                    None,
                    f"no root named {', '.join(unknown)}",
                    f"name one of {', '.join(known)} ('{SHARED_ROOT_NAME}' is the root at the top"
                    + ("; with state: single it holds every environment)" if len(known) == 1 else ")"),
                )
            ]
        )
    chosen = [root for root in roots if not names or root.name in names]
    if changed is None:
        return chosen
    return [root for root in chosen if root.touched_by(changed, repository)]


def _matches(path: str, pattern: str) -> bool:
    """Whether ``path`` matches the glob ``pattern`` segment by segment (``*`` never crosses a ``/``)."""
    parts, wanted = path.split("/"), pattern.split("/")
    return len(parts) == len(wanted) and all(
        fnmatch.fnmatchcase(part, glob) for part, glob in zip(parts, wanted, strict=True)
    )


def _files(repository: Path, pattern: str) -> list[str]:
    return [path.relative_to(repository).as_posix() for path in repository.glob(pattern) if path.is_file()]
