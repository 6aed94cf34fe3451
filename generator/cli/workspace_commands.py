"""``mlenv audit`` and ``mlenv adopt``: connect with databricks-sdk, run, print, map failures to exit codes."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from generator.model.permission_model import PermissionModel

EXIT_CLEAN = 0
EXIT_DRIFT = 1
EXIT_UNREACHABLE = 3
EXIT_REFUSED = 4

Result = TypeVar("Result")


def run_audit(model: PermissionModel, output_format: str, concurrency: int, show_ok: bool, timeout: int) -> int:
    """Audit the workspace the standard Databricks auth points at; return the exit code."""
    from generator.workspace.audit import audit, report_markdown, report_table

    report = _with_workspace("audit the workspace", timeout,
                             lambda client: audit(model, client, concurrency=concurrency))
    if report is None:
        return EXIT_UNREACHABLE
    if output_format == "json":
        document = {"summary": report.drift and "drift" or "clean", "requests": report.requests,
                    "findings": [finding.as_dict() for finding in report.findings]}
        sys.stdout.write(json.dumps(document, indent=1) + "\n")
    elif output_format == "markdown":
        sys.stdout.write(report_markdown(report))
    else:
        sys.stdout.write(report_table(report, show_ok))
    return EXIT_DRIFT if report.drift else EXIT_CLEAN


def run_adopt(root: Path, model: PermissionModel, concurrency: int, timeout: int, include_production: bool,
              dry_run: bool) -> int:
    """Write import blocks for the declared objects that already exist; return the exit code."""
    from generator.workspace.adopt import IMPORTS_FILE, find_existing, production_models, render_imports
    from generator.render.writer import write_atomically

    found = _with_workspace("read the workspace", timeout,
                            lambda client: (client.config.host, find_existing(model, client, concurrency)))
    if found is None:
        return EXIT_UNREACHABLE
    host, existing = found
    production = production_models(existing)
    for item in production:
        print(f"production model {item.name} already exists: " + ("; ".join(item.versions) or "no versions"),
              file=sys.stderr)
    if production and not include_production:
        print(f"mlenv: refused: {len(production)} production models exist that Terraform did not create; whoever "
              "created them held CAN_MANAGE and may have registered the versions above. Check them, then rerun "
              "with --include-production to adopt them (nothing was written)", file=sys.stderr)
        return EXIT_REFUSED
    if not existing:
        print("nothing to adopt: no declared group or registered model exists yet")
        return EXIT_CLEAN
    text = render_imports(existing, host or "")
    if dry_run:
        sys.stdout.write(text)
        return EXIT_CLEAN
    write_atomically(root / IMPORTS_FILE, text)
    for item in existing:
        print(f"adopt {item.kind} {item.name} -> {item.address}")
    print(f"wrote {IMPORTS_FILE}: {len(existing)} import blocks; run mlenv plan to review the imports")
    return EXIT_CLEAN


def _with_workspace(action: str, timeout: int, work: Callable[[Any], Result]) -> Result | None:
    """Run ``work(client)``; on an unreachable or refusing workspace print one line and return None."""
    logging.getLogger("databricks.sdk").setLevel(logging.ERROR)  # failures become one line below
    from databricks.sdk import WorkspaceClient
    from databricks.sdk.config import Config
    from databricks.sdk.errors import DatabricksError
    from requests.exceptions import RequestException

    try:
        return work(WorkspaceClient(config=Config(retry_timeout_seconds=timeout)))
    except (ValueError, DatabricksError, RequestException, TimeoutError) as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        print(f"mlenv: cannot {action}: {reason[:300]}", file=sys.stderr)
        return None
