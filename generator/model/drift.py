"""Drift: the live access on each object compared with the permission model (pure; no I/O).

``generator.workspace`` reads the live state into :class:`LiveAccess` values; this module decides
what is expected, implicit or drift, and ``generator.render.audit_report`` writes the findings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from generator.model.grants import ADMINS_GROUP, GROUP, REGISTERED_MODEL, TERRAFORM_IDENTITY, Grant
from generator.model.permission_model import EnvironmentFacts, PermissionModel
from generator.paths import SETTINGS_MANIFEST

OK = "ok"
IMPLICIT = "implicit"
MISSING_GRANT = "missing-grant"
EXTRA_GRANT = "extra-grant"
WRONG_LEVEL = "wrong-level"
MISSING_OBJECT = "missing-object"
UNDECLARED_PRODUCTION_MODEL = "undeclared-production-model"
#: An object named like an environment's (``workspace.yaml``'s patterns) that no manifest declares: a retired
#: environment's, or one made by hand; nobody manages its access.
UNMANAGED = "unmanaged"
#: A retired environment's data kept as an archive (not drift: what its record says, reported so auditors see it).
ARCHIVED = "archived"
#: A version of a production model that another principal than the environment's created (and no baseline accepts).
FOREIGN_VERSION = "foreign-version"
#: A retired environment's group still in the workspace: access that outlived its manifest.
ARCHIVE_ACCESS = "archive-access"
#: Not drift, and not clean either: a check the audit's identity may not make (the detail says which, why and
#: what the identity would need); the audit exits 1 while any is left.
NOT_CHECKED = "not-checked"
#: Unity Catalog: who could create (and own) models in a production catalog or schema, or act as its owner.
SQUATTING_RISK = "squatting-risk"
#: Unity Catalog: a catalog, schema or model owned by another principal than the manifests say.
WRONG_OWNER = "wrong-owner"
#: Account identities: an environment group not assigned to the workspace (its members cannot use it).
UNASSIGNED_GROUP = "unassigned-group"
#: The kinds of finding that are drift, most serious first (the order of the report).
DRIFT_KINDS = (
    MISSING_OBJECT,
    SQUATTING_RISK,
    UNDECLARED_PRODUCTION_MODEL,
    FOREIGN_VERSION,
    ARCHIVE_ACCESS,
    UNMANAGED,
    WRONG_OWNER,
    EXTRA_GRANT,
    WRONG_LEVEL,
    MISSING_GRANT,
    UNASSIGNED_GROUP,
)


@dataclass(frozen=True, order=True)
class Principal:
    """A principal as the permission model names it: ``kind`` is group, service_principal or user."""

    kind: str
    name: str


@dataclass(frozen=True)
class LiveAccess:
    """The strongest level one principal holds on one object in the workspace, and whether only by inheritance."""

    level: str
    inherited: bool = False
    inherited_from: str = ""

    def inheritance(self) -> str:
        """``inherited from X`` for an inherited level, else empty."""
        return f"inherited from {self.inherited_from}" if self.inherited else ""


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

    @property
    def unchecked(self) -> tuple[Finding, ...]:
        """The checks the audit's identity could not make."""
        return tuple(finding for finding in self.findings if finding.kind == NOT_CHECKED)

    @property
    def clean(self) -> bool:
        """Whether every check was made and none found drift."""
        return not self.drift and not self.unchecked


def unmanaged_objects(model: PermissionModel, object_type: str, pattern: str, live: Iterable[str]) -> list[Finding]:
    """A finding for every ``live`` object named like an environment's under ``pattern`` (``{env}`` where the name
    goes) that the model does not declare."""
    declared = {name for _, kind, name in model.objects() if kind == object_type} | {model.all_principals_group}
    declared |= {facts.catalog for facts in model.environments.values()}
    archived = {archive.name: archive for archive in model.archives}
    findings = []
    for name in sorted(set(live) - declared):
        environment = model.naming.environment_of(pattern, name) or ""
        retired_group = environment in archived and object_type == GROUP and name == archived[environment].record.group
        if retired_group and model.registry.archive_deletes_group:
            findings.append(
                Finding(
                    environment,
                    object_type,
                    name,
                    ARCHIVE_ACCESS,
                    detail=f"the group of retired environment {environment} still exists: its members keep what it "
                    "gives them; run mlenv plan and mlenv apply (the retirement deletes it)",
                )
            )
        elif environment in archived:
            continue  # the archive's data, which its record declares
        elif environment and environment not in model.environments:
            findings.append(
                Finding(
                    environment,
                    object_type,
                    name,
                    UNMANAGED,
                    detail=f"named like the objects of environment {environment} ({pattern}) but no manifest declares "
                    "it: a retired environment's or one made by hand, whose access nobody manages",
                )
            )
    return findings


def archive_findings(model: PermissionModel) -> list[Finding]:
    """One finding per archive, not drift: what it keeps, since when and who may reach it."""
    return [
        Finding(
            archive.name,
            "archive",
            archive.source,
            ARCHIVED,
            detail=f"retired {archive.record.archived_since}: directory {archive.record.experiment_directory} and "
            f"models {', '.join(archive.record.models) or 'none'} kept, reachable only by {model.archive_reach}"
            + ("; its record asks for the data's deletion" if archive.deleting else ""),
        )
        for archive in model.archives
    ]


def not_checked(environment: str, object_type: str, name: str, reason: str, needs: str) -> Finding:
    """A check the audit's identity could not make on ``name``: ``reason`` (what the workspace said) and ``needs``
    (what the identity would need)."""
    return Finding(environment, object_type, name, NOT_CHECKED, detail=f"cannot read it: {reason}; it needs {needs}")


def audit_report(findings: Iterable[Finding], requests: int) -> AuditReport:
    """The findings sorted drift first (most serious kind first), then the rest."""
    ordered = sorted(findings, key=lambda f: (not f.drift, DRIFT_KINDS.index(f.kind) if f.drift else 0, f))
    return AuditReport(tuple(ordered), requests)


def compare_object(
    environment: str,
    object_type: str,
    name: str,
    expected: Iterable[Grant],
    live: Mapping[Principal, LiveAccess] | None,
) -> list[Finding]:
    """Findings for one object: ``expected`` grants (the model's, implicit ones too) against its ``live``
    access, or a missing-object finding when ``live`` is ``None``."""
    if live is None:
        return [Finding(environment, object_type, name, MISSING_OBJECT, detail="not found in the workspace")]
    findings: list[Finding] = []
    remaining = dict(live)
    identity_unnamed = False
    for grant in expected:
        if grant.principal_type == TERRAFORM_IDENTITY:
            identity_unnamed = True
            continue
        findings.extend(
            _expected_grant(
                grant, object_type, name, remaining.pop(Principal(grant.principal_type, grant.principal), None)
            )
        )
    for principal, access in sorted(remaining.items(), key=lambda item: item[0]):
        findings.append(_unexpected_grant(environment, object_type, name, principal, access, identity_unnamed))
    return findings


def undeclared_models(model: PermissionModel, facts: EnvironmentFacts, registered: Mapping[str, str]) -> list[Finding]:
    """A finding for every ``registered`` model (name -> who owns or made it, as the registry says; empty when it
    does not) in the namespace of the production environment ``facts`` (its registry's
    :meth:`~generator.model.registry.ModelRegistry.in_namespace`) that the manifests do not declare."""
    registry = model.registry
    if not facts.production:
        return []
    found = {name for name in registered if registry.in_namespace(facts, name)} - set(facts.models)
    return [
        Finding(
            facts.name,
            REGISTERED_MODEL,
            name,
            UNDECLARED_PRODUCTION_MODEL,
            detail=f"a model {registry.namespace(facts)} that the manifests do not declare"
            + (f" ({registered[name]})" if registered[name] else "")
            + f": {registry.undeclared_risk}",
        )
        for name in sorted(found)
    ]


def _expected_grant(grant: Grant, object_type: str, name: str, actual: LiveAccess | None) -> list[Finding]:
    principal = (grant.principal_type, grant.principal)
    if actual is None:
        if grant.implicit:
            return []  # Databricks did not add it here: less access, not drift
        return [Finding(grant.environment, object_type, name, MISSING_GRANT, *principal, grant.permission_level)]
    if actual.level != grant.permission_level:
        return [
            Finding(
                grant.environment,
                object_type,
                name,
                WRONG_LEVEL,
                *principal,
                grant.permission_level,
                actual.level,
                actual.inheritance(),
            )
        ]
    kind = IMPLICIT if grant.implicit else OK
    return [Finding(grant.environment, object_type, name, kind, *principal, grant.permission_level, actual.level)]


def _unexpected_grant(
    environment: str, object_type: str, name: str, principal: Principal, access: LiveAccess, identity_unnamed: bool
) -> Finding:
    if principal == Principal(GROUP, ADMINS_GROUP) and access.level == "CAN_MANAGE":
        return Finding(
            environment,
            object_type,
            name,
            IMPLICIT,
            principal.kind,
            principal.name,
            "",
            access.level,
            "Databricks admins",
        )
    detail = access.inheritance()
    if identity_unnamed and principal.kind != GROUP and access.level == "CAN_MANAGE" and not access.inherited:
        detail = f"possibly the identity running Terraform: name it as terraform_identity in {SETTINGS_MANIFEST}"
    return Finding(
        environment, object_type, name, EXTRA_GRANT, principal.kind, principal.name, "", access.level, detail
    )
