"""Commands that read the live workspace with databricks-sdk: audit and adopt."""

from __future__ import annotations

import argparse
import sys

from generator.atomic_files import write_atomically
from generator.errors import ExitCode, InvalidInput, Problem, Refused
from generator.model.checked import load_and_check
from generator.paths import IMPORTS_TERRAFORM_FILE, in_root
from generator.render.audit_report import report_json, report_markdown, report_table
from generator.render.imports import render_imports
from generator.render.state_layout import layout_of
from generator.terminal import styled
from generator.workspace.audit import audit as audit_workspace
from generator.workspace.connection import workspace_client
from generator.workspace.existing import existing_objects
from generator.workspace.lookups import ExistingObject, describe_production_model, production_models
from generator.workspace.preflight import preflight
from generator.workspace.registries import identity_reader, registry_reader


def audit(arguments: argparse.Namespace) -> int:
    """``mlenv audit``: compare the workspace the standard Databricks auth points at with the manifests."""
    _check_workspace_options(arguments)
    checked = load_and_check(arguments.repository)
    model = checked.model
    preflight("audit the workspace", checked.manifests.settings.databricks_host, command="mlenv audit")
    settings = checked.manifests.settings
    with workspace_client("audit the workspace", arguments.timeout, settings.request_budget) as client:
        identities = identity_reader(settings, arguments.timeout)
        report = audit_workspace(model, client, identities, concurrency=arguments.jobs)
    writers = {"json": report_json, "markdown": report_markdown}
    writer = writers.get(arguments.format)
    if writer is not None:
        sys.stdout.write(writer(report))
    else:
        table, _, summary_line = report_table(report, arguments.show_ok).rstrip("\n").rpartition("\n")
        sys.stdout.write(f"{table}\n{styled(summary_line, 'green' if report.clean else 'red', sys.stdout)}\n")
    return ExitCode.OK if report.clean else ExitCode.CHANGES


def adopt(arguments: argparse.Namespace) -> int:
    """``mlenv adopt``: write import blocks for the declared objects that already exist."""
    _check_workspace_options(arguments)
    checked = load_and_check(arguments.repository)
    model = checked.model
    settings = checked.manifests.settings
    preflight("read the workspace", settings.databricks_host, command="mlenv adopt")
    with workspace_client("read the workspace", arguments.timeout, settings.request_budget) as client:
        host = client.config.host or ""
        identities = identity_reader(settings, arguments.timeout)
        existing = existing_objects(model, client, identities, arguments.jobs)
    production = production_models(existing)
    for item in production:
        print(describe_production_model(item), file=sys.stderr)
    if production and not arguments.include_production:
        raise Refused(
            f"{len(production)} production models exist that Terraform did not create; whoever created "
            f"them {registry_reader(model).creator_held} and may have registered the "
            "versions above. Check them, then rerun with "
            "--include-production to adopt them (nothing was written)"
        )
    if not existing:
        print(f"nothing to adopt: no declared {registry_reader(model).adoptable} exists yet")
        return ExitCode.OK
    layout = layout_of(checked.manifests)
    by_file: dict[str, list[ExistingObject]] = {}
    for item in existing:
        directory = layout.directory(item.environment) if item.environment else "."
        by_file.setdefault(in_root(directory, IMPORTS_TERRAFORM_FILE), []).append(item)
    texts = {path: render_imports([item.import_target() for item in items], host) for path, items in by_file.items()}
    if arguments.dry_run:
        for path, text in sorted(texts.items()):
            sys.stdout.write(text if len(texts) == 1 else f"# {path}\n{text}")
        return ExitCode.OK
    for path, text in sorted(texts.items()):
        write_atomically(arguments.repository / path, text)
    for item in existing:
        print(f"adopt {item.kind} {item.name} -> {item.address}")
    for path, items in sorted(by_file.items()):
        print(f"wrote {path}: {len(items)} import blocks; run mlenv plan to review the imports")
    return ExitCode.OK


def _check_workspace_options(arguments: argparse.Namespace) -> None:
    if arguments.jobs < 1 or arguments.timeout < 1:
        raise InvalidInput([Problem("--jobs/--timeout", None, "must be at least 1")])
