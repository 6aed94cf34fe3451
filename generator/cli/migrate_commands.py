"""``mlenv migrate``: move every managed model's versions from the Workspace Model Registry to Unity Catalog."""

from __future__ import annotations

import argparse
import sys

from generator.atomic_files import write_atomically
from generator.cli.migrate_parser import chosen_mode
from generator.errors import ExitCode, InvalidInput, Problem, Refused
from generator.migration.archive import delete_archive
from generator.migration.copy import copy_versions
from generator.migration.inventory import read_inventories
from generator.migration.pacing import paced_requests
from generator.migration.pairs import ModelPair, model_pairs
from generator.migration.plan import plan_migration as make_plan
from generator.migration.registries import Registries, RegistryUris
from generator.migration.report import (
    plan_json,
    plan_markdown,
    plan_summary,
    plan_text,
    verification_json,
    verification_markdown,
    verification_text,
)
from generator.migration.verified import VerificationRecords
from generator.migration.verify import verify
from generator.model.checked import load_and_check
from generator.paths import MIGRATION_RECORDS, MIGRATION_VERIFICATION_JSON, MIGRATION_VERIFICATION_MARKDOWN
from generator.request_budget import process_share


def migrate(arguments: argparse.Namespace) -> int:
    """``mlenv migrate [MODE]``: copy then verify (the default), plan only (``dry-run``), verify only (``verify``),
    or verify then delete the archive (``delete-archive``)."""
    if arguments.jobs < 1:
        raise InvalidInput([Problem("--jobs", None, "must be at least 1")])
    checked = load_and_check(arguments.repository)
    pairs = model_pairs(checked, tuple(arguments.env or ()))
    uris = RegistryUris(arguments.tracking_uri, arguments.source_registry_uri, arguments.target_registry_uri)
    registries = Registries(uris)
    with registries.source_as_default(), paced_requests(process_share(checked.manifests.settings.request_budget, 1)):
        return _migrate(arguments, registries, pairs)


def _migrate(arguments: argparse.Namespace, registries: Registries, pairs: list[ModelPair]) -> int:
    mode = chosen_mode(arguments)
    uris = registries.uris
    records = VerificationRecords(arguments.repository, reuse=not arguments.full)
    plan = make_plan(read_inventories(registries, pairs, arguments.jobs, records))
    if mode == "dry-run":
        writers = {"json": plan_json, "markdown": plan_markdown, "table": plan_text}
        sys.stdout.write(writers[arguments.format](plan))
        return ExitCode.CHANGES if plan.blocked else ExitCode.OK
    if mode == "copy":
        missing = sorted({inventory.pair.target for inventory in plan.inventories if not inventory.target_exists})
        if missing:
            raise Refused(
                f"[target-model-missing] {', '.join(missing)} not in Unity Catalog (or not visible to the "
                "target credentials): run mlenv apply first, so that Terraform creates them owned by the "
                "environment groups; nothing was copied"
            )
        print(plan_summary(plan), flush=True)
        copy_versions(registries, plan, arguments.jobs, records)
        plan = make_plan(read_inventories(registries, pairs, arguments.jobs, records))
    verification = verify(registries, plan.inventories, arguments.jobs, records)
    print(
        f"verification: {registries.downloads} downloads of a whole version, {registries.file_reads} MLmodel files "
        f"read ({MIGRATION_RECORDS} spared the versions unchanged since their last clean check; --full checks every "
        "one)",
        file=sys.stderr,
    )
    write_atomically(
        arguments.repository / MIGRATION_VERIFICATION_MARKDOWN, verification_markdown(verification, uris.source)
    )
    write_atomically(arguments.repository / MIGRATION_VERIFICATION_JSON, verification_json(verification))
    reports = {
        "json": verification_json(verification),
        "markdown": verification_markdown(verification, uris.source),
        "table": verification_text(verification),
    }
    sys.stdout.write(reports[arguments.format])
    print(f"wrote {MIGRATION_VERIFICATION_MARKDOWN} and {MIGRATION_VERIFICATION_JSON}", file=sys.stderr)
    if mode == "delete-archive":
        delete_archive(registries, plan.inventories, verification, arguments.include_production)
    return ExitCode.OK if verification.clean else ExitCode.CHANGES
