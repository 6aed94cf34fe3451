"""Commands that need only the manifests: validate, render, permissions, access, diff, new-env."""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from generator.cli.history_commands import check_history_options, show_history
from generator.cli.render_notes import report_deletions
from generator.errors import ExitCode, InvalidInput, Problem
from generator.manifests.environments import Manifests
from generator.manifests.git_revision import manifests_at
from generator.manifests.loader import load_settings
from generator.manifests.manifest import ENVIRONMENT_NAME_PATTERN, PATTERN_HINTS
from generator.model.access_diff import (
    access_changes,
    object_changes,
    objects_of,
    registry_change,
    registry_moves,
)
from generator.model.checked import load_and_check
from generator.model.effective_access import effective_access
from generator.paths import ENVIRONMENTS_DIRECTORY, SETTINGS_FILE_NAME, environment_manifest
from generator.render.client_config import as_json, as_shell, client_settings
from generator.render.diagram_dot import dot
from generator.render.diagrams import access_graph, mermaid
from generator.render.diff_report import diff_json, diff_markdown
from generator.render.generated import render_files
from generator.render.grant_formats import (
    effective_csv,
    effective_json_text,
    effective_table,
    grants_csv,
    grants_json_text,
    grants_table,
)
from generator.render.scaffold import scaffold_manifest
from generator.render.writer import compare_outputs, write_outputs


def validate(arguments: argparse.Namespace) -> int:
    """``mlenv validate``: check every manifest and the policy; with ``--terraform`` also validate Terraform."""
    checked = load_and_check(arguments.repository)
    environments = checked.manifests.environments
    production = [environment.name for environment in environments if environment.production]
    if arguments.format == "json":
        document = {
            "valid": True,
            "environments": [e.name for e in environments],
            "production": production,
            "grants": len(checked.model.grants),
        }
        print(json.dumps(document))
    else:
        print(
            f"{len(environments)} environments valid ({', '.join(e.name for e in environments)}); "
            f"production: {', '.join(production) or 'none'}; {len(checked.model.grants)} grants"
        )
    report_deletions(arguments.repository, checked.model)
    if not arguments.terraform:
        return ExitCode.OK
    from generator.cli.terraform_commands import validate_terraform

    write_outputs(arguments.repository, render_files(checked))
    return validate_terraform(arguments.repository, checked.manifests)


def render(arguments: argparse.Namespace) -> int:
    """``mlenv render``: write every generated file, or with ``--check`` list the stale ones."""
    root: Path = arguments.repository
    checked = load_and_check(root)
    files = render_files(checked)
    if arguments.check:
        stale = compare_outputs(root, files).stale
        if stale:
            print(
                "stale generated files (run: mlenv render):",
                *(f"  {path}" for path in stale),
                sep="\n",
                file=sys.stderr,
            )
            return ExitCode.CHANGES
        print(f"{len(files)} generated files are up to date")
        return ExitCode.OK
    report_deletions(root, checked.model)
    changes = write_outputs(root, files)
    for path in changes.changed:
        print(f"wrote {path}")
    for path in changes.removed:
        print(f"removed {path}")
    print(f"{len(files)} files, {len(changes.changed)} written, {len(changes.removed)} removed")
    if changes.stale:
        print(f"commit them with the manifests: git add -A {ENVIRONMENTS_DIRECTORY} {' '.join(changes.stale)}")
    return ExitCode.OK


def permissions(arguments: argparse.Namespace) -> int:
    """``mlenv permissions``: print the permission model."""
    checked = load_and_check(arguments.repository)
    model = checked.model
    grants = model.grants
    if arguments.env is not None:
        _check_environment(arguments.env, model.environments)
        grants = model.for_environment(arguments.env)
    names = checked.manifests.display_names()
    writers: dict[str, Callable[[Sequence[Any]], str]] = {
        "table": lambda rows: grants_table(rows, names),
        "csv": lambda rows: grants_csv(rows, names),
        "json": lambda rows: grants_json_text(rows, names) + "\n",
    }
    sys.stdout.write(writers[arguments.format](grants))
    return ExitCode.OK


def client_config(arguments: argparse.Namespace) -> int:
    """``mlenv client-config``: the runtime client's environment variables for one environment."""
    checked = load_and_check(arguments.repository)
    _check_environment(arguments.env, checked.model.environments)
    environment = checked.manifests.environment(arguments.env)
    variables = client_settings(checked.manifests, checked.model, arguments.env)
    if arguments.format == "json":
        sys.stdout.write(as_json(variables))
    else:
        sources = ", ".join(checked.manifests.sources_of(environment))
        sys.stdout.write(as_shell(variables, f"env_mlflow_client settings of environment {arguments.env} ({sources})"))
    return ExitCode.OK


def access(arguments: argparse.Namespace) -> int:
    """``mlenv access``: effective access, followed through group memberships (``--history``: since when)."""
    check_history_options(arguments)
    if arguments.history:
        return show_history(arguments)
    checked = load_and_check(arguments.repository)
    grants = effective_access(checked.model)
    production = {name for name, facts in checked.model.environments.items() if facts.production}
    if arguments.production:
        grants = tuple(grant for grant in grants if grant.environment in production)
    if arguments.env is not None:
        _check_environment(arguments.env, checked.model.environments)
        grants = tuple(grant for grant in grants if grant.environment == arguments.env)
    if arguments.principal is not None:
        principal = _resolve_principal(arguments.principal, checked.manifests, {g.principal for g in grants})
        grants = tuple(grant for grant in grants if grant.principal == principal)
    if arguments.object is not None:
        _check_known("--object", arguments.object, {grant.object for grant in grants}, "object")
        grants = tuple(grant for grant in grants if grant.object == arguments.object)
    names = checked.manifests.display_names()
    inheritance = checked.model.registry.inheritance
    writers: dict[str, Callable[[Sequence[Any]], str]] = {
        "table": lambda rows: effective_table(rows, names),
        "csv": lambda rows: effective_csv(rows, names, inheritance),
        "json": lambda rows: effective_json_text(rows, names, inheritance),
        "mermaid": lambda rows: mermaid(access_graph(rows, production, names)),
        "dot": lambda rows: dot(access_graph(rows, production, names)),
    }
    sys.stdout.write(writers[arguments.format](grants))
    return ExitCode.OK


def diff(arguments: argparse.Namespace) -> int:
    """``mlenv diff``: objects and access that change between a git revision and the working tree (or another
    revision), as Markdown or JSON."""
    with manifests_at(arguments.repository, arguments.base) as base_root:
        base = load_and_check(base_root)
    if arguments.head is None:
        head, head_label = load_and_check(arguments.repository), "working tree"
    else:
        with manifests_at(arguments.repository, arguments.head) as head_root:
            head, head_label = load_and_check(head_root), arguments.head
    registries = registry_change(base.model, head.model)
    objects = object_changes(objects_of(base.model), objects_of(head.model), head.model.registry)
    changes = access_changes(base.model, head.model)
    moves = registry_moves(base.model, head.model)
    if arguments.format == "json":
        sys.stdout.write(diff_json(objects, changes, arguments.base, head_label, moves, registries))
    else:
        names = {**base.manifests.display_names(), **head.manifests.display_names()}
        sys.stdout.write(diff_markdown(objects, changes, arguments.base, head_label, names, moves, registries))
    return ExitCode.CHANGES if (changes or objects) and arguments.exit_code else ExitCode.OK


def new_env(arguments: argparse.Namespace) -> int:
    """``mlenv new-env``: scaffold a commented manifest."""
    root: Path = arguments.repository
    name: str = arguments.name
    display = environment_manifest(name)
    target = root / display
    if name == Path(SETTINGS_FILE_NAME).stem:
        raise InvalidInput(
            [
                Problem(
                    display,
                    None,
                    f"{name!r} is reserved: environments/{SETTINGS_FILE_NAME} holds the settings all environments "
                    "share",
                    "choose another name",
                )
            ]
        )
    if re.fullmatch(ENVIRONMENT_NAME_PATTERN, name) is None:
        raise InvalidInput(
            [
                Problem(
                    display, None, f"{name!r} is not a valid environment name", PATTERN_HINTS[ENVIRONMENT_NAME_PATTERN]
                )
            ]
        )
    if target.exists():
        raise InvalidInput([Problem(display, None, "manifest already exists", "edit it, or choose another name")])
    settings = load_settings(root)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(scaffold_manifest(name, arguments.production, settings), encoding="utf-8")
    print(f"wrote {display}; edit it, then run: mlenv validate && mlenv render")
    return ExitCode.OK


def _resolve_principal(name: str, manifests: Manifests, known: set[str]) -> str:
    """The principal ``name`` refers to: itself, or the application id behind a display name."""
    if name.lower() in known:
        return name.lower()
    for environment in manifests.environments:
        for principal in environment.manifest.service_principals:
            if principal.display_name == name and principal.key in known:
                return principal.key
    _check_known("--principal", name, known, "principal")
    return name


def _check_known(option: str, value: str, known: Collection[str], kind: str) -> None:
    if value in known:
        return
    # A short model name: churn_acc in the workspace registry, ml_acc.models.churn in Unity Catalog.
    in_every_environment = sorted(name for name in known if name.startswith(f"{value}_") or name.endswith(f".{value}"))
    close = in_every_environment or difflib.get_close_matches(value, sorted(known), n=3)
    hint = f"did you mean {', '.join(close)}?" if close else f"run mlenv access to list every {kind}"
    raise InvalidInput([Problem(option, None, f"no {kind} named {value!r} holds any access here", hint)])


def _check_environment(name: str, environments: Mapping[str, object]) -> None:
    if name not in environments:
        raise InvalidInput(
            [
                Problem(
                    "--env", None, f"no environment named {name!r}", f"choose one of: {', '.join(sorted(environments))}"
                )
            ]
        )
