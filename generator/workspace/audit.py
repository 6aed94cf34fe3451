"""``mlenv audit`` reads: the live access on every object of the permission model, compared as it arrives.

Groups (their members, where :mod:`.identities` says) and experiment directories are read the same way for every
registry; the registry's own objects and checks come from its :class:`~generator.workspace.registry.RegistryReader`.
Requests run concurrently with a bound; the SDK retries 429 and 503 answers, honouring ``Retry-After``. The
comparisons themselves are :mod:`generator.model.drift`'s and :mod:`generator.model.unity_catalog_drift`'s.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import partial

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound, PermissionDenied
from databricks.sdk.service.workspace import ObjectType

from generator.model.drift import (
    AuditReport,
    Finding,
    archive_findings,
    audit_report,
    compare_object,
    not_checked,
    unmanaged_objects,
)
from generator.model.grants import DIRECTORY, GROUP
from generator.model.permission_model import PermissionModel
from generator.terminal import Counter
from generator.workspace.connection import RequestCounter, first_sentence
from generator.workspace.identities import IdentityReader
from generator.workspace.live_state import ServicePrincipals, live_access
from generator.workspace.registries import registry_reader
from generator.workspace.registry import Check, RegistryReader


def audit(
    model: PermissionModel,
    client: WorkspaceClient,
    identities: IdentityReader,
    concurrency: int = 8,
    progress: bool | None = None,
) -> AuditReport:
    """Read the live state of every object of ``model`` and compare it with the model.

    ``progress`` shows a counter on stderr; by default on a terminal outside CI.
    """
    requests = RequestCounter(client)
    registry = registry_reader(model)
    principals = identities.service_principals(client)
    objects = model.objects()
    checks = [
        *registry.checks(model, client),
        *identities.checks(model, client),
        partial(_unmanaged, model, client, identities, registry),
    ]
    tracker = Counter("audit: objects read", len(objects) + len(checks), progress)
    read_needs = {GROUP: identities.read_needs, DIRECTORY: DIRECTORY_READ_NEEDS}

    def read(item: tuple[str, str, str]) -> list[Finding]:
        environment, object_type, name = item
        try:
            if object_type in registry.object_types:
                return registry.read_object(model, client, environment, object_type, name)
            return _read_object(model, client, identities, principals, environment, object_type, name)
        except PermissionDenied as error:  # this object only: every other one is still read
            needs = read_needs.get(object_type, registry.read_needs)
            return [not_checked(environment, object_type, name, first_sentence(error), needs)]
        finally:
            tracker.step()

    def run(check: Check) -> list[Finding]:
        try:
            return check()
        finally:
            tracker.step()

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        results = list(pool.map(read, objects)) + list(pool.map(run, checks))
    tracker.finish()
    findings = [finding for result in results for finding in result] + archive_findings(model)
    return audit_report(findings, requests.count + identities.requests())


#: What the audit's identity needs to read an experiment directory's access list.
DIRECTORY_READ_NEEDS = "CAN_MANAGE on the directory, or workspace admin"


def _read_object(
    model: PermissionModel,
    client: WorkspaceClient,
    identities: IdentityReader,
    principals: ServicePrincipals,
    environment: str,
    object_type: str,
    name: str,
) -> list[Finding]:
    """A group's members or an experiment directory's access list, compared with the model."""
    expected = model.on_object(object_type, name)
    names = {grant.principal for grant in expected}
    if object_type == GROUP:
        live = identities.group_members(client, principals, name, names)
    elif object_type == DIRECTORY:
        live = live_access(client, principals, object_type, name, names)
    else:
        return []
    return compare_object(environment, object_type, name, expected, live)


def _unmanaged(
    model: PermissionModel, client: WorkspaceClient, identities: IdentityReader, registry: RegistryReader
) -> list[Finding]:
    """Groups, experiment directories and the registry's objects named like an environment's that no manifest
    declares (a retired environment's, or made by hand), or why they could not be listed."""
    naming = model.naming
    try:
        groups = unmanaged_objects(model, GROUP, naming.group_pattern, identities.group_names(client))
        directories = unmanaged_objects(
            model, DIRECTORY, f"{naming.experiment_root}/{{env}}", _directories(client, naming.experiment_root)
        )
        environments = {finding.environment for finding in (*groups, *directories)}
        return [*groups, *directories, *registry.unmanaged(model, client, environments)]
    except PermissionDenied as error:
        needs = "to list groups, the experiment root's directories and the registry's models or catalogs"
        return [not_checked("", "workspace", naming.experiment_root, first_sentence(error), needs)]


def _directories(client: WorkspaceClient, root: str) -> list[str]:
    try:
        return [item.path or "" for item in client.workspace.list(root) if item.object_type == ObjectType.DIRECTORY]
    except NotFound:
        return []
