"""Which declared objects already exist in the workspace, in either registry: what ``mlenv adopt`` imports,
and what ``mlenv plan`` looks for among the objects its plan would create.

An object that exists but is not in Terraform's state was created outside Terraform, or by an apply that
died (or lost the workspace's answer) after creating it and before saving the state. Creating it again
fails with "already exists"; importing it (``mlenv adopt``) converges.
"""

from __future__ import annotations

from collections.abc import Collection

from databricks.sdk import WorkspaceClient

from generator.manifests.settings import WorkspaceSettings
from generator.model.permission_model import PermissionModel
from generator.workspace.adopt import ExistingObject, find_existing
from generator.workspace.unity_catalog_account import account_client
from generator.workspace.unity_catalog_adopt import find_existing_unity_catalog


def existing_objects(
    settings: WorkspaceSettings,
    model: PermissionModel,
    client: WorkspaceClient,
    timeout: int,
    concurrency: int,
    only: Collection[str] | None = None,
) -> list[ExistingObject]:
    """The declared objects of ``model`` that exist (with ``only``, those among these Terraform addresses)."""
    if settings.unity_catalog_mode:
        account = account_client(settings, timeout) if settings.identity_mode == "account" else None
        return find_existing_unity_catalog(model, client, account, concurrency, only)
    return find_existing(model, client, concurrency, only)
