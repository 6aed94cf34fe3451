"""``mlenv audit`` output: the findings as an aligned table, Markdown for a ticket, or JSON."""

from __future__ import annotations

import json

from generator.model.drift import DRIFT_KINDS, IMPLICIT, NOT_CHECKED, OK, AuditReport, Finding
from generator.tables import Table, code


def report_table(report: AuditReport, show_ok: bool = False) -> str:
    """Findings as an aligned text table (matching grants only with ``show_ok``), then a summary line."""
    rows = [
        (f.kind, f.environment, f.object_type, f.object, _principal(f), f.expected, f.actual, f.detail)
        for f in report.findings
        if show_ok or f.kind != OK
    ]
    table = Table(("KIND", "ENVIRONMENT", "OBJECT TYPE", "OBJECT", "PRINCIPAL", "EXPECTED", "ACTUAL", "DETAIL"), rows)
    return table.text() + summary(report) + "\n"


def report_markdown(report: AuditReport) -> str:
    """Findings as Markdown for a ticket: drift first, then the implicit grants."""
    lines = ["# mlenv audit", "", summary(report), ""]
    sections = [
        ("Drift", report.drift),
        ("Implicit grants (added by Databricks, expected)", tuple(f for f in report.findings if f.kind == IMPLICIT)),
    ]
    unchecked = tuple(f for f in report.findings if f.kind == NOT_CHECKED)
    if unchecked:
        sections.append(("Not checked (the audit's identity may not read them)", unchecked))
    for title, selected in sections:
        lines += [f"## {title}", ""]
        if not selected:
            lines += ["None.", ""]
            continue
        lines += Table(
            ("Kind", "Environment", "Object", "Principal", "Expected", "Actual", "Detail"),
            [
                (
                    f.kind,
                    f.environment,
                    code(f.object),
                    code(_principal(f)) if f.principal else "",
                    f.expected,
                    f.actual,
                    f.detail,
                )
                for f in selected
            ],
        ).markdown()
        lines.append("")
    return "\n".join(lines)


def report_json(report: AuditReport) -> str:
    """The summary word, the request count and every finding as JSON."""
    document = {
        "summary": "drift" if report.drift else "incomplete" if report.unchecked else "clean",
        "requests": report.requests,
        "findings": [finding.as_dict() for finding in report.findings],
    }
    return json.dumps(document, indent=1) + "\n"


def summary(report: AuditReport) -> str:
    """One line: clean, or how much drift of which kind."""
    unchecked = len(report.unchecked)
    caveat = f", {unchecked} not checked" if unchecked else ""
    if not report.drift:
        verdict = (
            "incomplete: the workspace matches the manifests where the audit could read it"
            if unchecked
            else "clean: the workspace matches the manifests"
        )
        return f"{verdict} ({len(report.findings)} checks{caveat}, {report.requests} requests)"
    counts = {kind: sum(1 for f in report.drift if f.kind == kind) for kind in DRIFT_KINDS}
    listed = ", ".join(f"{count} {kind}" for kind, count in counts.items() if count)
    return f"drift: {listed} ({len(report.findings)} checks{caveat}, {report.requests} requests)"


def _principal(finding: Finding) -> str:
    return f"{finding.principal_type}:{finding.principal}" if finding.principal else ""
