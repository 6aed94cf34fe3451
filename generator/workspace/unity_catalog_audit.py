"""``mlenv audit`` in Unity Catalog mode: owners and direct grants of every catalog, schema and model, the
models of each production schema, group memberships (account or workspace SCIM) and, with account
identities, the environment groups' workspace assignments; experiment directories as in workspace mode.

Reads run concurrently with a bound; the comparison is :mod:`generator.model.unity_catalog_drift`
(securables, assignments) and :mod:`generator.model.drift` (memberships, directories).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import cast

from databricks.sdk import AccountClient, WorkspaceClient
from databricks.sdk.errors import PermissionDenied

from generator.model.drift import NOT_CHECKED, AuditReport, Finding, audit_report, compare_object
from generator.model.grants import CATALOG, DIRECTORY, GROUP
from generator.model.permission_model import EnvironmentFacts, PermissionModel
from generator.model.unity_catalog_drift import (
    SECURABLES,
    compare_securable,
    unassigned_groups,
    undeclared_models,
    unmanaged_catalog_risks,
)
from generator.terminal import Counter
from generator.workspace.connection import RequestCounter, first_sentence
from generator.workspace.live_state import ServicePrincipals, live_access, service_principals
from generator.workspace.unity_catalog_live_state import (
    account_group_members,
    account_service_principals,
    assigned_principals,
    models_in_schema,
    read_securable,
)


@dataclass(frozen=True)
class Identities:
    """Where groups live: the account (``account`` set, with the workspace id) or the workspace SCIM API."""

    account: AccountClient | None = None
    workspace_id: int | None = None


def audit_unity_catalog(
    model: PermissionModel,
    client: WorkspaceClient,
    identities: Identities,
    concurrency: int = 8,
    progress: bool | None = None,
) -> AuditReport:
    """Read the live state of every object of ``model`` (Unity Catalog mode) and compare it with the model."""
    requests = RequestCounter(client)
    account = identities.account
    # RequestCounter only wraps ``api_client.do``, which an AccountClient has too.
    account_requests = RequestCounter(cast(WorkspaceClient, account)) if account is not None else None
    members_of = account_service_principals(account) if account is not None else service_principals(client)
    objects = model.objects()
    production = [facts for facts in model.environments.values() if facts.production]
    extra: list[Callable[[], list[Finding]]] = [partial(_undeclared, client, facts) for facts in production]
    extra += [
        partial(_unmanaged_catalog, client, facts)
        for facts in production
        if not model.on_object(CATALOG, facts.catalog)
    ]
    if account is not None:
        workspace_id = identities.workspace_id or client.get_workspace_id()
        extra.append(lambda: unassigned_groups(model, assigned_principals(account, workspace_id), workspace_id))
    tracker = Counter("audit: objects read", len(objects) + len(extra), progress)

    def read(item: tuple[str, str, str]) -> list[Finding]:
        try:
            return _audit_object(model, client, account, members_of, *item)
        finally:
            tracker.step()

    def run(check: Callable[[], list[Finding]]) -> list[Finding]:
        try:
            return check()
        finally:
            tracker.step()

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        results = list(pool.map(read, objects)) + list(pool.map(run, extra))
    tracker.finish()
    count = requests.count + (account_requests.count if account_requests is not None else 0)
    return audit_report([finding for result in results for finding in result], count)


def _audit_object(
    model: PermissionModel,
    client: WorkspaceClient,
    account: AccountClient | None,
    principals: ServicePrincipals,
    environment: str,
    object_type: str,
    name: str,
) -> list[Finding]:
    if object_type in SECURABLES:
        live = read_securable(client, object_type, name)
        return compare_securable(model, model.environments[environment], object_type, name, live)
    expected = model.on_object(object_type, name)
    names = {grant.principal for grant in expected}
    if object_type == GROUP and account is not None:
        members = account_group_members(account, principals, name, names)
        return compare_object(environment, object_type, name, expected, members)
    if object_type in (GROUP, DIRECTORY):
        return compare_object(
            environment, object_type, name, expected, live_access(client, principals, object_type, name, names)
        )
    return []


def _undeclared(client: WorkspaceClient, facts: EnvironmentFacts) -> list[Finding]:
    return undeclared_models(facts, models_in_schema(client, facts.schema))


def _unmanaged_catalog(client: WorkspaceClient, facts: EnvironmentFacts) -> list[Finding]:
    """Squatting risks on a production catalog governed outside mlenv, or why they could not be read."""
    try:
        return unmanaged_catalog_risks(facts, read_securable(client, CATALOG, facts.catalog))
    except PermissionDenied as error:
        detail = f"cannot read the grants of this catalog governed outside mlenv: {first_sentence(error)}"
        return [Finding(facts.name, CATALOG, facts.catalog, NOT_CHECKED, detail=detail)]
