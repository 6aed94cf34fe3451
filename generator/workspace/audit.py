"""``mlenv audit`` reads: the live access on every object of the permission model, compared as it arrives.

Requests run concurrently with a bound; the SDK retries 429 and 503 answers, honouring
``Retry-After``. The comparison itself is :mod:`generator.model.drift`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from databricks.sdk import WorkspaceClient

from generator.model.drift import AuditReport, Finding, audit_report, compare_object, undeclared_production_models
from generator.model.permission_model import PermissionModel
from generator.terminal import Counter
from generator.workspace.connection import RequestCounter
from generator.workspace.live_state import ServicePrincipals, live_access, registered_model_names, service_principals


def audit(
    model: PermissionModel, client: WorkspaceClient, concurrency: int = 8, progress: bool | None = None
) -> AuditReport:
    """Read the live state of every object of ``model`` and compare it with the model.

    ``progress`` shows a counter on stderr; by default on a terminal outside CI.
    """
    requests = RequestCounter(client)
    principals = service_principals(client)
    objects = model.objects()
    tracker = Counter("audit: objects read", len(objects) + 1, progress)

    def read(item: tuple[str, str, str]) -> list[Finding]:
        try:
            return _audit_object(model, client, principals, *item)
        finally:
            tracker.step()

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        results = list(pool.map(read, objects))
        undeclared = pool.submit(_undeclared, model, client).result()
    tracker.step()
    tracker.finish()
    return audit_report([finding for result in results for finding in result] + undeclared, requests.count)


def _audit_object(
    model: PermissionModel,
    client: WorkspaceClient,
    principals: ServicePrincipals,
    environment: str,
    object_type: str,
    name: str,
) -> list[Finding]:
    expected = model.on_object(object_type, name)
    live = live_access(client, principals, object_type, name, {grant.principal for grant in expected})
    return compare_object(environment, object_type, name, expected, live)


def _undeclared(model: PermissionModel, client: WorkspaceClient) -> list[Finding]:
    if not any(facts.production for facts in model.environments.values()):
        return []
    return undeclared_production_models(model, registered_model_names(client))
