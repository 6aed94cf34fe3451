"""Commands that read the live workspace with databricks-sdk: audit and adopt."""

from __future__ import annotations

import argparse
import sys

from generator.errors import ExitCode, InvalidInput, Problem, Refused
from generator.model.checked import load_and_check
from generator.paths import IMPORTS_TERRAFORM_FILE, in_root
from generator.render.audit_report import report_json, report_markdown, report_table
from generator.render.imports import render_imports
from generator.render.state_layout import layout_of
from generator.render.writer import write_atomically
from generator.terminal import styled
from generator.workspace.adopt import ExistingObject, describe_production_model, production_models
from generator.workspace.audit import audit as audit_workspace
from generator.workspace.connection import workspace_client
from generator.workspace.existing import existing_objects
from generator.workspace.preflight import preflight
from generator.workspace.unity_catalog_account import account_client
from generator.workspace.unity_catalog_audit import Identities, audit_unity_catalog


def audit(arguments: argparse.Namespace) -> int:
    """``mlenv audit``: compare the workspace the standard Databricks auth points at with the manifests."""
    _check_workspace_options(arguments)
    checked = load_and_check(arguments.root)
    model = checked.model
    preflight("audit the workspace", checked.manifests.settings.databricks_host, command="mlenv audit")
    settings = checked.manifests.settings
    with workspace_client("audit the workspace", arguments.timeout, settings.request_budget) as client:
        if settings.unity_catalog_mode:
            account = account_client(settings, arguments.timeout) if settings.identity_mode == "account" else None
            identities = Identities(account, settings.workspace_id)
            report = audit_unity_catalog(model, client, identities, concurrency=arguments.concurrency)
        else:
            report = audit_workspace(model, client, concurrency=arguments.concurrency)
    writers = {"json": report_json, "markdown": report_markdown}
    writer = writers.get(arguments.format)
    if writer is not None:
        sys.stdout.write(writer(report))
    else:
        table, _, summary_line = report_table(report, arguments.show_ok).rstrip("\n").rpartition("\n")
        sys.stdout.write(f"{table}\n{styled(summary_line, 'red' if report.drift else 'green', sys.stdout)}\n")
    return ExitCode.CHANGES if report.drift else ExitCode.OK


def adopt(arguments: argparse.Namespace) -> int:
    """``mlenv adopt``: write import blocks for the declared objects that already exist."""
    _check_workspace_options(arguments)
    checked = load_and_check(arguments.root)
    model = checked.model
    settings = checked.manifests.settings
    preflight("read the workspace", settings.databricks_host, command="mlenv adopt")
    with workspace_client("read the workspace", arguments.timeout, settings.request_budget) as client:
        host = client.config.host or ""
        existing = existing_objects(settings, model, client, arguments.timeout, arguments.concurrency)
    production = production_models(existing)
    for item in production:
        print(describe_production_model(item), file=sys.stderr)
    if production and not arguments.include_production:
        raise Refused(
            f"{len(production)} production models exist that Terraform did not create; whoever created "
            f"them {'owns them' if settings.unity_catalog_mode else 'held CAN_MANAGE'} and may have registered the "
            "versions above. Check them, then rerun with "
            "--include-production to adopt them (nothing was written)"
        )
    if not existing:
        what = "catalog, schema, model or group" if settings.unity_catalog_mode else "group or registered model"
        print(f"nothing to adopt: no declared {what} exists yet")
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
        write_atomically(arguments.root / path, text)
    for item in existing:
        print(f"adopt {item.kind} {item.name} -> {item.address}")
    for path, items in sorted(by_file.items()):
        print(f"wrote {path}: {len(items)} import blocks; run mlenv plan to review the imports")
    return ExitCode.OK


def _check_workspace_options(arguments: argparse.Namespace) -> None:
    if arguments.concurrency < 1 or arguments.timeout < 1:
        raise InvalidInput([Problem("--concurrency/--timeout", None, "must be at least 1")])
