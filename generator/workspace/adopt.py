"""``mlenv adopt``: bring objects that already exist in the workspace under Terraform.

Teams moving from a runtime client that created models on first use (such as the article's
``environment-mlflow-client``) already have ``churn_acc``-style models and often the groups.
Creating them again fails (``RESOURCE_ALREADY_EXISTS``), so this module reads, with
databricks-sdk, which declared groups and registered models exist and writes Terraform
``import`` blocks for them. Terraform then imports them on the next plan and apply, and ignores
a block whose object it already manages.

Directories, memberships and permissions need no import: creating them over existing ones
succeeds (and ``databricks_permissions`` then replaces the whole access list). Service
principals are adopted by the module itself (``force``).

A production model that exists before Terraform managed it may have been created by anyone, who
then held ``CAN_MANAGE`` and may have registered versions: adopting one is refused unless asked
for, and its versions are listed either way.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound

from generator.workspace.audit import find_group
from generator.render.hcl import hcl_value
from generator.model.permission_model import PermissionModel
from generator.render.terraform_root import ALL_PRINCIPALS_GROUP_MODULE, environment_module

IMPORTS_FILE = "mlenv_imports.tf"


@dataclass(frozen=True, order=True)
class ExistingObject:
    """A declared group or registered model that already exists in the workspace."""

    environment: str
    kind: str  # "group" or "registered_model"
    name: str
    address: str
    import_id: str
    production: bool = False
    versions: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Candidate:
    environment: str
    kind: str
    name: str
    address: str
    production: bool


def find_existing(model: PermissionModel, client: WorkspaceClient, concurrency: int = 8) -> list[ExistingObject]:
    """Every declared group and registered model of ``model`` that exists in the workspace, sorted."""
    candidates = _candidates(model)
    lock = threading.Lock()
    found: list[ExistingObject] = []

    def look(candidate: _Candidate) -> None:
        existing = (_existing_group if candidate.kind == "group" else _existing_model)(client, candidate)
        if existing is not None:
            with lock:
                found.append(existing)

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        list(pool.map(look, candidates))
    return sorted(found)


def production_models(existing: list[ExistingObject]) -> list[ExistingObject]:
    """The existing objects that are production registered models (adopting them needs consent)."""
    return [item for item in existing if item.production and item.kind == "registered_model"]


def render_imports(existing: list[ExistingObject], host: str) -> str:
    """The imports file: a header, then one ``import`` block per existing object, sorted by address."""
    lines = [f"# Written by `mlenv adopt` from the workspace {host}: objects the manifests declare that existed",
             "# before Terraform managed them. Terraform imports each one on the next `mlenv plan` / `mlenv apply`",
             "# and ignores a block whose object it already manages. Delete this file after applying, or keep it",
             "# as a record; `mlenv render` never touches it."]
    for item in sorted(existing, key=lambda item: item.address):
        lines += ["", f"# {item.kind} {item.name} ({item.environment})", "import {",
                  f"  to = {item.address}", f"  id = {hcl_value(item.import_id)}", "}"]
    return "\n".join(lines) + "\n"


def _candidates(model: PermissionModel) -> list[_Candidate]:
    group_resource = "databricks_group.this"
    candidates = [_Candidate("", "group", model.all_principals_group,
                             f"{ALL_PRINCIPALS_GROUP_MODULE}.{group_resource}", False)]
    for name, facts in sorted(model.environments.items()):
        candidates.append(_Candidate(name, "group", facts.group,
                                     f"{environment_module(name, 'group')}.{group_resource}", facts.production))
        models_module = environment_module(name, "models")
        candidates += [_Candidate(name, "registered_model", full_name,
                                  f"{models_module}.databricks_mlflow_model.this[{hcl_value(full_name)}]",
                                  facts.production)
                       for full_name in facts.models]
    return candidates


def _existing_group(client: WorkspaceClient, candidate: _Candidate) -> ExistingObject | None:
    group = find_group(client, candidate.name, "id,displayName")
    if group is None:
        return None
    return ExistingObject(candidate.environment, candidate.kind, candidate.name, candidate.address, group.id or "",
                          candidate.production)


def _existing_model(client: WorkspaceClient, candidate: _Candidate) -> ExistingObject | None:
    try:
        registered = client.model_registry.get_model(candidate.name).registered_model_databricks
    except NotFound:
        return None
    versions = tuple(f"version {version.version} in {version.current_stage or 'None'}, registered by "
                     f"{version.user_id or 'unknown'}"
                     for version in sorted(registered.latest_versions or [], key=_version_number))
    return ExistingObject(candidate.environment, candidate.kind, candidate.name, candidate.address, candidate.name,
                          candidate.production, versions)


def _version_number(version: Any) -> int:
    return int(version.version) if str(version.version or "").isdigit() else 0
