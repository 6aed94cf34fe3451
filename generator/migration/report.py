"""The migration plan and the verification as a terminal table, Markdown (for auditors) and JSON."""

from __future__ import annotations

import json
from typing import Any

from generator.migration.inventory import BLOCKED
from generator.migration.plan import MigrationPlan
from generator.migration.verify import Verification
from generator.tables import Table, code

PLAN_HEADINGS = ("environment", "source", "stage", "signature", "files", "size", "target", "alias", "action", "why")
VERIFY_HEADINGS = ("environment", "source", "target", "files", "alias", "result")


def _size(size: int) -> str:
    """``512 B``, ``2.0 KiB``, ... up to GiB."""
    if size < 1024:
        return f"{size} B"
    scaled = size / 1024
    for unit in ("KiB", "MiB"):
        if scaled < 1024:
            return f"{scaled:.1f} {unit}"
        scaled /= 1024
    return f"{scaled:.1f} GiB"


def plan_table(plan: MigrationPlan) -> Table:
    """One row per source version."""
    return Table(
        PLAN_HEADINGS,
        [
            (
                move.environment,
                move.source,
                move.stage,
                "no" if move.version.signature_problem else "yes",
                str(move.version.files),
                _size(move.version.size),
                move.target,
                move.alias or "-",
                move.action,
                (f"[{move.rule}] " if move.rule else "") + move.reason,
            )
            for move in plan.moves
        ],
    )


def plan_summary(plan: MigrationPlan) -> str:
    """``12 versions: 8 to copy, 2 done, 0 to redo, 2 cannot move``."""
    counts = {
        action: sum(1 for move in plan.moves if move.action == action) for action in ("copy", "done", "redo", BLOCKED)
    }
    return (
        f"{len(plan.moves)} versions of {len(plan.inventories)} models: {counts['copy']} to copy, {counts['done']} "
        f"copied before, {counts['redo']} to redo, {counts[BLOCKED]} cannot move"
    )


def plan_text(plan: MigrationPlan) -> str:
    """The plan for a terminal: the table, the notes, the summary."""
    lines = [plan_table(plan).text().rstrip("\n")] if plan.moves else ["no versions to move"]
    lines += [f"note: {note}" for note in plan.notes]
    return "\n".join([*lines, plan_summary(plan)]) + "\n"


def plan_markdown(plan: MigrationPlan) -> str:
    """The plan as Markdown."""
    lines = ["# Moving versions to Unity Catalog: plan", "", plan_summary(plan) + ".", ""]
    if plan.moves:
        lines += plan_table(plan).markdown()
    if plan.notes:
        lines += ["", "## Notes", "", *(f"- {note}" for note in plan.notes)]
    return "\n".join(lines) + "\n"


def plan_json(plan: MigrationPlan) -> str:
    """The plan as JSON: every move, the notes and the counts."""
    document: dict[str, Any] = {
        "moves": [
            {
                "environment": move.environment,
                "source": move.source,
                "stage": move.stage,
                "signature": not move.version.signature_problem,
                "input_example": move.version.has_input_example,
                "files": move.version.files,
                "size_bytes": move.version.size,
                "run_id": move.version.run_id,
                "description": move.version.description,
                "tags": dict(sorted(move.version.tags.items())),
                "target": move.target,
                "alias": move.alias or None,
                "action": move.action,
                "target_version": move.target_version,
                "reason": move.reason or None,
                "rule": move.rule or None,
            }
            for move in plan.moves
        ],
        "notes": plan.notes,
        "summary": plan_summary(plan),
    }
    return json.dumps(document, indent=2) + "\n"


def _result(problems: tuple[str, ...]) -> str:
    return "ok" if not problems else "; ".join(problems)


def verification_table(verification: Verification) -> Table:
    """One row per model and per version."""
    return Table(
        VERIFY_HEADINGS,
        [
            (
                check.environment,
                check.source,
                check.target if check.target_version is None else f"{check.target}/{check.target_version}",
                str(check.files) if check.files else "-",
                check.alias or "-",
                _result(check.problems),
            )
            for check in verification.checks
        ],
    )


def verification_summary(verification: Verification) -> str:
    """``verified 36 versions and 9 models: all match`` or how many do not."""
    failing = sum(1 for check in verification.checks if not check.ok)
    versions = sum(1 for check in verification.checks if check.version)
    models = len(verification.checks) - versions
    verdict = "all match" if not failing else f"{failing} do not match"
    return f"verified {versions} versions and {models} models: {verdict}"


def verification_text(verification: Verification) -> str:
    """The verification for a terminal."""
    return verification_table(verification).text() + verification_summary(verification) + "\n"


def verification_markdown(verification: Verification, source: str) -> str:
    """The verification for auditors (``permissions/migration/verification.md``)."""
    lines = [
        "# Moving versions to Unity Catalog: verification",
        "",
        f"Written by `mlenv migrate` from the manifests, the Workspace Model Registry ({code(source)}) and Unity "
        "Catalog. Each copied version was matched to its source by its `mlenv.migrated_from` tag; files were "
        "compared by sha256. Rerun `mlenv migrate verify` to refresh it.",
        "",
        verification_summary(verification) + ".",
        "",
        *verification_table(verification).markdown(),
    ]
    return "\n".join(lines) + "\n"


def verification_json(verification: Verification) -> str:
    """The verification as JSON."""
    document = {
        "clean": verification.clean,
        "summary": verification_summary(verification),
        "checks": [
            {
                "environment": check.environment,
                "source": check.source,
                "target": check.target,
                "target_version": check.target_version,
                "files": check.files,
                "alias": check.alias or None,
                "ok": check.ok,
                "problems": list(check.problems),
            }
            for check in verification.checks
        ],
    }
    return json.dumps(document, indent=2) + "\n"
