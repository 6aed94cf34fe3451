"""Benchmark: render and audit in Unity Catalog mode, side by side with the Workspace Model Registry.

Synthesizes E environments x M models (default 100 x 100 = 10,000 models) once per registry and
prints, for each: the median time of the whole `mlenv render` command (a new process, as a user runs
it) and of `terraform fmt -check -recursive` over its output, their ratio (target <= 1.0 as for the
workspace registry), the output size, and the time of `mlenv audit`'s library call against the
REST stand-in with a fixed latency per request (every UC object costs an owner read and a grants
read), its requests and the most requests in flight (never above the concurrency).

    .venv/bin/python -m benchmarks.unity_catalog_scale [--environments 100] [--models 100] [--latency 0.005]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

from databricks.sdk import AccountClient, WorkspaceClient

from benchmarks.render_scale import output_size, terraform_binary, timed
from generator.model.checked import load_and_check
from generator.model.drift import AuditReport
from generator.model.permission_model import PermissionModel
from generator.workspace.audit import audit
from generator.workspace.identities import AccountIdentities, IdentityReader, WorkspaceIdentities
from tests.support.stand_in import TOKEN, FakeDatabricks, FakeWorkspace
from tests.support.stand_in_unity_catalog import ACCOUNT_ID
from tests.support.stand_in_unity_catalog_seed import matching_unity_catalog
from tests.support.synthetic import synthesize

REGISTRIES = ("workspace", "unity_catalog")


def audited(model: PermissionModel, registry: str, latency: float, concurrency: int) -> tuple[float, AuditReport, int]:
    """Wall time, report and most requests in flight of one audit of the workspace Terraform leaves."""
    workspace = matching_unity_catalog(model) if registry == "unity_catalog" else FakeWorkspace.matching(model)
    workspace.latency = latency
    with FakeDatabricks(workspace) as server:
        client = WorkspaceClient(host=server.host, token=TOKEN)
        started = time.perf_counter()
        identities: IdentityReader = WorkspaceIdentities()
        if registry == "unity_catalog":
            account = AccountClient(host=server.host, account_id=ACCOUNT_ID, token=TOKEN)
            identities = AccountIdentities(account, int(workspace.uc.workspace_id))
        report = audit(model, client, identities, concurrency=concurrency, progress=False)
        elapsed = time.perf_counter() - started
    assert not report.drift, report.drift[:3]
    return elapsed, report, workspace.max_in_flight


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--environments", type=int, default=100)
    parser.add_argument("--models", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.005)
    parser.add_argument("--concurrency", type=int, default=16)
    arguments = parser.parse_args()
    logging.getLogger("databricks.sdk").setLevel(logging.ERROR)
    terraform = terraform_binary()
    mlenv = [sys.executable, "-m", "generator"]
    count = arguments.environments * arguments.models
    print(
        f"{arguments.environments} environments x {arguments.models} models = {count:,} models; median of "
        f"{arguments.repeat} renders; audit at {1000 * arguments.latency:.0f} ms per request, concurrency "
        f"{arguments.concurrency}"
    )
    print(
        f"{'registry':<14} {'render s':>9} {'fmt -check s':>13} {'ratio':>6} {'output MB':>10} {'grants':>8} "
        f"{'audit s':>8} {'requests':>9} {'in flight':>10}"
    )
    rows = {}
    for registry in REGISTRIES:
        with tempfile.TemporaryDirectory() as directory:
            root = Path(directory)
            synthesize(root, arguments.environments, arguments.models, registry)
            render = statistics.median(
                timed([*mlenv, "--repository", str(root), "render"], root) for _ in range(arguments.repeat)
            )
            fmt = statistics.median(
                timed([terraform, "fmt", "-check", "-recursive", "."], root) for _ in range(arguments.repeat)
            )
            size = output_size(root)
            model = load_and_check(root).model
        elapsed, report, in_flight = audited(model, registry, arguments.latency, arguments.concurrency)
        rows[registry] = (render, elapsed)
        print(
            f"{registry:<14} {render:>9.3f} {fmt:>13.3f} {render / fmt:>6.2f} {size / 1e6:>10.1f} "
            f"{len(model.grants):>8,} {elapsed:>8.2f} {report.requests:>9,} {in_flight:>10}"
        )
    (ws_render, ws_audit), (uc_render, uc_audit) = rows["workspace"], rows["unity_catalog"]
    print(
        f"unity_catalog / workspace: render {uc_render / ws_render:.2f}x, audit {uc_audit / ws_audit:.2f}x; "
        "target: render ratio to fmt -check <= 1.0 in both registries, in flight <= concurrency"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
