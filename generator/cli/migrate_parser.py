"""The ``mlenv migrate`` command's arguments (kept apart from :mod:`generator.cli.parser`, which holds the rest)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from generator.cli.deprecated import DeprecatedSpelling

if TYPE_CHECKING:
    from generator.cli.parser import Commands

#: What ``mlenv migrate`` does: copy then verify, plan only, verify only, or verify then delete the archive.
MODES = ("copy", "dry-run", "verify", "delete-archive")


def add_migrate_command(commands: Commands) -> None:
    """``mlenv migrate``: Workspace Model Registry versions into Unity Catalog."""
    migrate = commands.add_parser(
        "migrate",
        help="move model versions from the Workspace Model Registry to Unity Catalog",
        description="For every model the manifests manage (registry: unity_catalog, after mlenv apply made the "
        "target models): list each Workspace Model Registry version (stage, tags, description, run, signature, "
        "files) and where it goes (rule source-files-missing: a version whose MLmodel, or a file it names, is "
        "gone cannot move; uc-signature-required: nor one without a signature; target-model-missing: run mlenv "
        "apply first); copy it, in version order, as the environment's "
        "principal with its description and tags and a "
        "tag naming its source (mlenv.migrated_from), so a rerun skips what is done and remakes what an "
        "interruption left half made; restore the model's tags and the aliases (newest Production version: "
        "champion, newest Staging: challenger); then verify every version (files and sha256, signature, tags, "
        "description, alias) and write permissions/migration/verification.md and .json. Exit 0 when everything "
        "matches, 1 when something cannot move or does not match, 3 when a registry refuses the credentials (rule "
        "uc-owner-creates-versions), 4 when delete-archive finds an unclean verification (archive-unverified) or "
        "production models without --include-production (production-archive). Needs MLflow 3.4 or newer "
        "(pip install 'mlenv[migrate]'; make setup installs it).",
    )
    migrate.add_argument(
        "mode",
        nargs="?",
        choices=MODES,
        help="copy (the default): copy, then verify. dry-run: print the plan only; exit 1 when a version cannot "
        "move. verify: verify only (copy nothing). delete-archive: verify, then, only when every version matches, "
        "delete the Workspace Model Registry models (the archive the registry switch kept); production models "
        "also need --include-production",
    )
    for mode in MODES[1:]:
        migrate.add_argument(
            f"--{mode}", dest="old_mode", action=DeprecatedSpelling, instead=f"mlenv migrate {mode}", value=mode
        )
    migrate.add_argument("--include-production", action="store_true", help="with delete-archive: production models too")
    migrate.add_argument(
        "--full",
        action="store_true",
        help="download and check every version again, ignoring the records of earlier clean checks "
        "(.mlenv/migration/verified.json)",
    )
    migrate.add_argument(
        "--env", action="append", metavar="NAME", help="only this environment (repeatable; default: all)"
    )
    migrate.add_argument(
        "--format", choices=("table", "markdown", "json"), default="table", help="output format (default: table)"
    )
    migrate.add_argument(
        "--source-registry-uri",
        default="databricks",
        metavar="URI",
        help="the Workspace Model Registry (default: databricks, the standard Databricks auth)",
    )
    migrate.add_argument(
        "--tracking-uri", default="databricks", metavar="URI", help="where the versions' runs are (default: databricks)"
    )
    migrate.add_argument(
        "--target-registry-uri",
        default="databricks-uc",
        metavar="URI",
        help="Unity Catalog as the environment's principal; {env} is replaced, e.g. databricks-uc://{env} with one "
        "Databricks profile per environment (default: databricks-uc)",
    )
    migrate.add_argument(
        "--jobs",
        type=int,
        default=4,
        metavar="N",
        help="models copied, or versions verified, at once (default: 4); every request keeps to the share of "
        "request_budget one process has",
    )
    migrate.set_defaults(command="migrate_commands:migrate", writes=True)


def chosen_mode(arguments: argparse.Namespace) -> str:
    """The mode ``mlenv migrate`` was given (an old spelling's too; ``copy`` when none)."""
    return str(getattr(arguments, "old_mode", None) or arguments.mode or "copy")
