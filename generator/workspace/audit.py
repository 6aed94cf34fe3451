"""``mlenv audit``: compare the live workspace with the permission model (databricks-sdk).

Reads every group and its members, every experiment directory and registered model of the
model and their permissions, and every registered model name (to find undeclared models under a
production environment's suffix). Requests run concurrently with a bound; the SDK retries 429
and 503 answers, honouring ``Retry-After``.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound

from generator.model.levels import MEMBER, level_order
from generator.model.permission_model import (ADMINS_GROUP, DIRECTORY, GROUP, REGISTERED_MODEL, SERVICE_PRINCIPAL,
                               TERRAFORM_IDENTITY, USER, Grant, PermissionModel)

OK = "ok"
IMPLICIT = "implicit"
MISSING_GRANT = "missing-grant"
EXTRA_GRANT = "extra-grant"
WRONG_LEVEL = "wrong-level"
MISSING_OBJECT = "missing-object"
UNDECLARED_PRODUCTION_MODEL = "undeclared-production-model"
DRIFT_KINDS = (MISSING_OBJECT, UNDECLARED_PRODUCTION_MODEL, EXTRA_GRANT, WRONG_LEVEL, MISSING_GRANT)
_ACL_PRINCIPALS = (("group_name", GROUP), ("service_principal_name", SERVICE_PRINCIPAL), ("user_name", USER))


@dataclass(frozen=True, order=True)
class Finding:
    """One observation about one principal on one object (or about the object itself)."""

    environment: str
    object_type: str
    object: str
    kind: str
    principal_type: str = ""
    principal: str = ""
    expected: str = ""
    actual: str = ""
    detail: str = ""

    @property
    def drift(self) -> bool:
        """Whether this finding is a difference from the manifests."""
        return self.kind in DRIFT_KINDS

    def as_dict(self) -> dict[str, Any]:
        """The finding as a JSON object."""
        return {**asdict(self), "drift": self.drift}


@dataclass(frozen=True)
class AuditReport:
    """Every finding, sorted with drift first, and how many requests the audit made."""

    findings: tuple[Finding, ...]
    requests: int

    @property
    def drift(self) -> tuple[Finding, ...]:
        """The findings that are drift."""
        return tuple(finding for finding in self.findings if finding.drift)


class _Progress:
    """Counts finished reads; shows a one-line counter when stderr is a terminal."""

    def __init__(self, total: int, show: bool):
        self.total, self.done, self.show = total, 0, show
        self._lock = threading.Lock()

    def step(self) -> None:
        with self._lock:
            self.done += 1
            if self.show:
                print(f"\raudit: {self.done}/{self.total} objects read", end="", file=sys.stderr, flush=True)

    def finish(self) -> None:
        if self.show:
            print(file=sys.stderr)


def audit(model: PermissionModel, client: WorkspaceClient, concurrency: int = 8,
          progress: bool | None = None) -> AuditReport:
    """Read the live state of every object of ``model`` and compare it with the model."""
    requests = _RequestCounter(client)
    principals = _service_principals(client)
    objects = _objects(model)
    tracker = _Progress(len(objects) + 1, sys.stderr.isatty() if progress is None else progress)

    def read(item: tuple[str, str, str]) -> list[Finding]:
        try:
            return _audit_object(model, client, principals, *item)
        finally:
            tracker.step()

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        results = list(pool.map(read, objects))
        undeclared = pool.submit(_undeclared_production_models, model, client).result()
    tracker.step()
    tracker.finish()
    findings = [finding for result in results for finding in result] + undeclared
    ordered = sorted(findings, key=lambda f: (not f.drift, DRIFT_KINDS.index(f.kind) if f.drift else 0, f))
    return AuditReport(tuple(ordered), requests.count)


class _RequestCounter:
    """Counts the HTTP requests the SDK client sends (for the report and the benchmark)."""

    def __init__(self, client: WorkspaceClient):
        self.count = 0
        lock = threading.Lock()
        api = client.api_client
        original = api.do

        def counted(*args: Any, **kwargs: Any) -> Any:
            nonlocal lock
            with lock:
                self.count += 1
            return original(*args, **kwargs)

        api.do = counted  # type: ignore[method-assign]


def _objects(model: PermissionModel) -> list[tuple[str, str, str]]:
    """(environment, object_type, object) of every group, directory and model, in model order."""
    seen: dict[tuple[str, str], str] = {}
    for grant in model.grants:
        seen.setdefault((grant.object_type, grant.object), grant.environment)
    return [(environment, object_type, name) for (object_type, name), environment in seen.items()]


def _service_principals(client: WorkspaceClient) -> dict[str, tuple[str, str]]:
    """SCIM id -> (application id, display name) of every service principal in the workspace."""
    return {sp.id: (sp.application_id or "", sp.display_name or "")
            for sp in client.service_principals.list(attributes="id,applicationId,displayName")}


def _audit_object(model: PermissionModel, client: WorkspaceClient, principals: dict[str, tuple[str, str]],
                  environment: str, object_type: str, name: str) -> list[Finding]:
    expected = model.on_object(object_type, name)
    try:
        if object_type == GROUP:
            live = _group_members(client, name, principals, {grant.principal for grant in expected})
        elif object_type == DIRECTORY:
            status = client.workspace.get_status(name)
            live = _acl(client.permissions.get("directories", str(status.object_id)))
        else:
            registered = client.model_registry.get_model(name).registered_model_databricks
            live = _acl(client.permissions.get("registered-models", registered.id))
    except NotFound:
        return [Finding(environment, object_type, name, MISSING_OBJECT, detail="not found in the workspace")]
    return _compare(environment, object_type, name, expected, live)


def _group_members(client: WorkspaceClient, name: str, principals: dict[str, tuple[str, str]],
                   expected: set[str]) -> dict[tuple[str, str], tuple[str, bool, str]]:
    """Members keyed as the permission model names them: a service principal by application id, or by
    display name when the manifest names it so (Databricks-managed principals)."""
    group = find_group(client, name, "id,displayName,members")
    if group is None:
        raise NotFound(f"group {name} not found")
    members: dict[tuple[str, str], tuple[str, bool, str]] = {}
    for member in group.members or []:
        reference = member.ref or ""
        if reference.startswith("Groups/"):
            members[(GROUP, member.display or "")] = (MEMBER, False, "")
        elif member.value in principals or reference.startswith("ServicePrincipals/"):
            application_id, display_name = principals.get(member.value or "", ("", member.display or ""))
            key = display_name if application_id not in expected and display_name in expected else \
                application_id or display_name
            members[(SERVICE_PRINCIPAL, key)] = (MEMBER, False, display_name)
        else:
            members[(USER, member.display or member.value or "")] = (MEMBER, False, "")
    return members


def find_group(client: WorkspaceClient, name: str, attributes: str) -> Any:
    """The workspace group whose display name is ``name`` (with ``attributes``), or None."""
    return next(iter(client.groups.list(filter=f'displayName eq "{name}"', attributes=attributes)), None)


def _acl(permissions: Any) -> dict[tuple[str, str], tuple[str, bool, str]]:
    """(principal_type, principal) -> (highest level, whether only inherited, where it is inherited from)."""
    live: dict[tuple[str, str], tuple[str, bool, str]] = {}
    for entry in permissions.access_control_list or []:
        principal = next(((kind, getattr(entry, field)) for field, kind in _ACL_PRINCIPALS
                          if getattr(entry, field, None)), None)
        if principal is None:
            continue
        levels = [(permission.permission_level.value if permission.permission_level else "", bool(permission.inherited),
                   ", ".join(permission.inherited_from_object or []))
                  for permission in entry.all_permissions or []]
        if not levels:
            continue
        direct = [level for level in levels if not level[1]]
        live[principal] = max(direct or levels, key=lambda level: level_order(level[0]))
    return live


def _compare(environment: str, object_type: str, name: str, expected: Iterable[Grant],
             live: dict[tuple[str, str], tuple[str, bool, str]]) -> list[Finding]:
    findings: list[Finding] = []
    remaining = dict(live)
    unknown_identity = []
    for grant in expected:
        if grant.principal_type == TERRAFORM_IDENTITY:
            unknown_identity.append(grant)
            continue
        key = (grant.principal_type, grant.principal)
        actual = remaining.pop(key, None)
        kind = IMPLICIT if grant.implicit else OK
        if actual is None:
            if grant.implicit:
                continue  # Databricks did not add it here: less access, not drift
            findings.append(Finding(grant.environment, object_type, name, MISSING_GRANT, *key, grant.permission_level))
        elif actual[0] != grant.permission_level:
            findings.append(Finding(grant.environment, object_type, name, WRONG_LEVEL, *key, grant.permission_level,
                                    actual[0], _inherited(actual)))
        else:
            findings.append(Finding(grant.environment, object_type, name, kind, *key, grant.permission_level,
                                    actual[0]))
    for (principal_type, principal), actual in sorted(remaining.items()):
        if principal == ADMINS_GROUP and principal_type == GROUP and actual[0] == "CAN_MANAGE":
            findings.append(Finding(environment, object_type, name, IMPLICIT, principal_type, principal, "",
                                    actual[0], "Databricks admins"))
            continue
        detail = _inherited(actual)
        if unknown_identity and principal_type != GROUP and actual[0] == "CAN_MANAGE" and not actual[1]:
            detail = ("possibly the identity running Terraform: name it as terraform_identity in "
                      "environments/workspace.yaml")
        findings.append(Finding(environment, object_type, name, EXTRA_GRANT, principal_type, principal, "",
                                actual[0], detail))
    return findings


def _inherited(actual: tuple[str, bool, str]) -> str:
    return f"inherited from {actual[2]}" if actual[1] else ""


def _undeclared_production_models(model: PermissionModel, client: WorkspaceClient) -> list[Finding]:
    production = [facts for facts in model.environments.values() if facts.production]
    if not production:
        return []
    declared = {name for facts in production for name in facts.models}
    findings = []
    for registered in client.model_registry.list_models(max_results=1000):
        for facts in production:
            if registered.name.endswith(f"_{facts.name}") and registered.name not in declared:
                findings.append(Finding(facts.name, REGISTERED_MODEL, registered.name, UNDECLARED_PRODUCTION_MODEL,
                                        detail=f"a model under the production suffix _{facts.name} that the "
                                               "manifests do not declare: someone may be squatting a production "
                                               "name"))
    return findings


def report_table(report: AuditReport, show_ok: bool = False) -> str:
    """Findings as an aligned text table, then a summary line."""
    rows = [finding for finding in report.findings if show_ok or finding.kind != OK]
    headings = ("KIND", "ENVIRONMENT", "OBJECT TYPE", "OBJECT", "PRINCIPAL", "EXPECTED", "ACTUAL", "DETAIL")
    cells = [headings] + [(f.kind, f.environment, f.object_type, f.object, _principal(f), f.expected, f.actual,
                           f.detail) for f in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headings))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines) + "\n" + summary(report) + "\n"


def report_markdown(report: AuditReport) -> str:
    """Findings as Markdown for a ticket: drift first, then the implicit grants."""
    lines = ["# mlenv audit", "", summary(report), ""]
    for title, selected in (("Drift", report.drift),
                            ("Implicit grants (added by Databricks, expected)",
                             tuple(f for f in report.findings if f.kind == IMPLICIT))):
        lines += [f"## {title}", ""]
        if not selected:
            lines += ["None.", ""]
            continue
        lines += ["| Kind | Environment | Object | Principal | Expected | Actual | Detail |", "|---|---|---|---|---|---|---|"]
        lines += [f"| {f.kind} | {f.environment} | `{f.object}` | {('`' + _principal(f) + '`') if f.principal else ''} | "
                  f"{f.expected} | {f.actual} | {f.detail} |" for f in selected]
        lines.append("")
    return "\n".join(lines)


def summary(report: AuditReport) -> str:
    """One line: clean or how much drift of which kind."""
    if not report.drift:
        return f"clean: the workspace matches the manifests ({len(report.findings)} checks, {report.requests} requests)"
    counts = {kind: sum(1 for f in report.drift if f.kind == kind) for kind in DRIFT_KINDS}
    listed = ", ".join(f"{count} {kind}" for kind, count in counts.items() if count)
    return f"drift: {listed} ({len(report.findings)} checks, {report.requests} requests)"


def _principal(finding: Finding) -> str:
    return f"{finding.principal_type}:{finding.principal}" if finding.principal else ""


