"""``mlenv adopt`` reads: which declared groups and registered models already exist in the workspace.

Teams moving from a runtime client that created models on first use (such as the article's
``environment-mlflow-client``) already have ``churn_acc``-style models and often the groups.
Creating them again fails (``RESOURCE_ALREADY_EXISTS``), so they are imported instead: this
module finds them, :mod:`generator.render.imports` writes the import blocks. Terraform imports
them on the next plan and apply, and ignores a block whose object it already manages.

Directories, memberships and permissions need no import: creating them over existing ones
succeeds (and ``databricks_permissions`` then replaces the whole access list). Service
principals are adopted by the module itself (``force``).

A production model that exists before Terraform managed it may have been created by anyone, who
then held ``CAN_MANAGE`` and may have registered versions: adopting one needs consent, and its
versions are listed either way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Literal

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound
from databricks.sdk.service.ml import ModelVersion

from generator.addresses import ImportTarget, group_resource_address, registered_model_resource_address
from generator.model.permission_model import PermissionModel
from generator.terminal import Counter
from generator.workspace.live_state import find_group

#: What an existing object is; Unity Catalog mode adds catalogs, schemas and the grants on them.
ObjectKind = Literal["group", "registered_model", "catalog", "schema", "grants"]


@dataclass(frozen=True, order=True)
class ExistingObject:
    """A declared object that already exists in the workspace; ``versions`` describe what was found (for consent)."""

    environment: str
    kind: ObjectKind
    name: str
    address: str
    import_id: str
    production: bool = False
    versions: tuple[str, ...] = ()

    def import_target(self) -> ImportTarget:
        """Where Terraform imports it, and what it is (for the comment above the import block)."""
        return ImportTarget(self.address, self.import_id, f"{self.kind} {self.name} ({self.environment})")


@dataclass(frozen=True)
class _Candidate:
    environment: str
    kind: ObjectKind
    name: str
    address: str
    production: bool


#: One lookup: the objects it finds (none when the object does not exist).
Lookup = Callable[[], list[ExistingObject]]


def run_lookups(lookups: Sequence[Lookup], concurrency: int) -> list[ExistingObject]:
    """Run ``lookups``, at most ``concurrency`` at a time, with a progress counter; everything they found, sorted."""
    lock = threading.Lock()
    found: list[ExistingObject] = []
    progress = Counter("declared objects looked up in the workspace", len(lookups))

    def look(lookup: Lookup) -> None:
        existing = lookup()
        progress.step()
        with lock:
            found.extend(existing)

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        list(pool.map(look, lookups))
    progress.finish()
    return sorted(found)


def find_existing(
    model: PermissionModel, client: WorkspaceClient, concurrency: int = 8, only: Collection[str] | None = None
) -> list[ExistingObject]:
    """Every declared group and registered model of ``model`` that exists in the workspace, sorted; with
    ``only``, just those whose Terraform address is in it."""
    candidates = [candidate for candidate in _candidates(model) if only is None or candidate.address in only]
    return run_lookups([partial(_existing, client, candidate) for candidate in candidates], concurrency)


def production_models(existing: list[ExistingObject]) -> list[ExistingObject]:
    """The existing objects that are production registered models (adopting them needs consent)."""
    return [item for item in existing if item.production and item.kind == "registered_model"]


def describe_production_model(item: ExistingObject) -> str:
    """One line for the consent to adopt an existing production model: its name and what was found in it."""
    return f"production model {item.name} already exists: " + ("; ".join(item.versions) or "no versions")


def _candidates(model: PermissionModel) -> list[_Candidate]:
    candidates = [_Candidate("", "group", model.all_principals_group, group_resource_address(None), False)]
    for name, facts in sorted(model.environments.items()):
        candidates.append(_Candidate(name, "group", facts.group, group_resource_address(name), facts.production))
        candidates += [
            _Candidate(
                name,
                "registered_model",
                full_name,
                registered_model_resource_address(name, full_name),
                facts.production,
            )
            for full_name in facts.models
        ]
    return candidates


def _existing(client: WorkspaceClient, candidate: _Candidate) -> list[ExistingObject]:
    existing = (_existing_group if candidate.kind == "group" else _existing_model)(client, candidate)
    return [existing] if existing is not None else []


def _existing_group(client: WorkspaceClient, candidate: _Candidate) -> ExistingObject | None:
    group = find_group(client, candidate.name, "id,displayName")
    if group is None:
        return None
    return ExistingObject(
        candidate.environment, candidate.kind, candidate.name, candidate.address, group.id or "", candidate.production
    )


def _existing_model(client: WorkspaceClient, candidate: _Candidate) -> ExistingObject | None:
    try:
        registered = client.model_registry.get_model(candidate.name).registered_model_databricks
    except NotFound:
        return None
    latest = registered.latest_versions if registered is not None else None
    versions = tuple(
        f"version {version.version} in {version.current_stage or 'None'}, registered by {version.user_id or 'unknown'}"
        for version in sorted(latest or [], key=_version_number)
    )
    return ExistingObject(
        candidate.environment,
        candidate.kind,
        candidate.name,
        candidate.address,
        candidate.name,
        candidate.production,
        versions,
    )


def _version_number(version: ModelVersion) -> int:
    number = version.version or ""
    return int(number) if number.isdigit() else 0
