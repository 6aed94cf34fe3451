"""Which declared objects already exist in the workspace, in any registry: what ``mlenv adopt`` imports, and what
``mlenv plan`` looks for among the objects its plan would create (:mod:`.lookups` says why they exist)."""

from __future__ import annotations

from collections.abc import Collection

from databricks.sdk import WorkspaceClient

from generator.model.permission_model import PermissionModel
from generator.workspace.identities import IdentityReader
from generator.workspace.lookups import ExistingObject, run_lookups
from generator.workspace.registries import registry_reader


def existing_objects(
    model: PermissionModel,
    client: WorkspaceClient,
    identities: IdentityReader,
    concurrency: int,
    only: Collection[str] | None = None,
) -> list[ExistingObject]:
    """The declared objects of ``model`` that exist, sorted (with ``only``, those among these Terraform
    addresses): the groups mlenv creates and the registry's objects."""
    lookups = [*identities.group_lookups(model, client), *registry_reader(model).lookups(model, client)]
    return run_lookups([lookup for address, lookup in lookups if only is None or address in only], concurrency)
