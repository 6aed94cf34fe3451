"""Run ``mlenv audit``: connect with databricks-sdk, audit, print, and map failures to exit codes."""

from __future__ import annotations

import json
import logging
import sys

from .audit import audit, report_markdown, report_table
from .permission_model import PermissionModel

EXIT_CLEAN = 0
EXIT_DRIFT = 1
EXIT_UNREACHABLE = 3


def run_audit(model: PermissionModel, output_format: str, concurrency: int, show_ok: bool, timeout: int) -> int:
    """Audit the workspace the standard Databricks auth points at; return the exit code."""
    logging.getLogger("databricks.sdk").setLevel(logging.ERROR)  # failures become one line below
    from databricks.sdk import WorkspaceClient
    from databricks.sdk.config import Config
    from databricks.sdk.errors import DatabricksError
    from requests.exceptions import RequestException

    try:
        client = WorkspaceClient(config=Config(retry_timeout_seconds=timeout))
        report = audit(model, client, concurrency=concurrency)
    except (ValueError, DatabricksError, RequestException, TimeoutError) as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        print(f"mlenv: cannot audit the workspace: {reason[:300]}", file=sys.stderr)
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
