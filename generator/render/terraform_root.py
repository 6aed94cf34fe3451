"""Render the Terraform root module and its ``terraform test`` from the permission model.

The root calls the reusable modules under ``modules/`` with explicit inputs; every access
list comes from the permission model, so the modules decide nothing.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from generator.render.hcl import Expression, hcl_body, hcl_key, hcl_value
from generator.manifests.loader import Environment, Workspace
from generator.model.levels import MEMBER
from generator.model.permission_model import (DIRECTORY, GROUP, REGISTERED_MODEL, SERVICE_PRINCIPAL, USER, Grant,
                               PermissionModel)

ROOT_FILE_PREFIX = "mlenv_"
WORKSPACE_FILE = "mlenv_workspace.tf"
BACKEND_FILE = "mlenv_backend.tf"
TERRAFORM_TEST_DIRECTORY = "tests/terraform"
TERRAFORM_TEST_FILE = f"{TERRAFORM_TEST_DIRECTORY}/mlenv_permissions.tftest.hcl"

_PRINCIPAL_ARGUMENT = {GROUP: "group_name", SERVICE_PRINCIPAL: "service_principal_name", USER: "user_name"}


@cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("generator.render", "templates"), autoescape=False,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                              trim_blocks=True, lstrip_blocks=True)


#: Address of the module that manages the all-principals group (see templates/workspace.tf.j2).
ALL_PRINCIPALS_GROUP_MODULE = "module.all_principals_group"


def environment_module(environment: str, part: str) -> str:
    """Address of one of an environment's modules (see templates/environment.tf.j2):
    ``part`` is ``service_principals``, ``group``, ``experiments`` or ``models``."""
    return f"module.{environment}_{part}"


def environment_file(name: str) -> str:
    """Path of the root module file rendered for environment ``name``."""
    return f"{ROOT_FILE_PREFIX}{name}.tf"


def render_terraform(workspace: Workspace, model: PermissionModel, header: Any) -> dict[str, str]:
    """Every Terraform file of the root module, by path relative to the repository root.

    ``header(sources, comment)`` returns the generated-file header for the given sources.
    """
    files: dict[str, str] = {}
    template = _templates().get_template("environment.tf.j2")
    for environment in workspace.environments:
        sources = _environment_sources(workspace, environment)
        files[environment_file(environment.name)] = template.render(
            header=header(sources, "#"), env=environment, **_environment_bodies(workspace, environment, model))
    group_members = {grant.principal: Expression(f"{environment_module(grant.environment, 'group')}.id")
                     for grant in model.grants if grant.object == model.all_principals_group}
    files[WORKSPACE_FILE] = _templates().get_template("workspace.tf.j2").render(
        header=header(workspace.sources, "#"),
        group_body=hcl_body([[("source", "./modules/group")],
                             [("display_name", model.all_principals_group), ("member_ids", group_members)]]))
    backend = workspace.settings.backend
    if backend is not None:
        files[BACKEND_FILE] = _templates().get_template("backend.tf.j2").render(
            header=header(tuple(filter(None, (workspace.settings_source,))), "#"), backend=backend,
            body=hcl_body([sorted(backend.config.items())], depth=2))
    files[TERRAFORM_TEST_FILE] = _templates().get_template("permissions.tftest.hcl.j2").render(
        header=header(workspace.sources, "#"), checks=_test_checks(workspace, model))
    return files


def _environment_sources(workspace: Workspace, environment: Environment) -> tuple[str, ...]:
    return tuple(sorted(filter(None, (environment.source, workspace.settings_source))))


def _environment_bodies(workspace: Workspace, environment: Environment, model: PermissionModel) -> dict[str, str]:
    name = environment.name
    facts = model.environments[name]
    principals = {principal.key: _without_none({"application_id": principal.application_id,
                                                 "display_name": principal.display_name})
                  for principal in environment.manifest.service_principals}
    depends_on = [("source", None), ("depends_on", [Expression(environment_module(name, "group"))])]
    models: dict[str, dict[str, Any]] = {}
    for spec in environment.manifest.models:
        full_name = f"{spec.name}_{name}"
        models[full_name] = _without_none({
            "description": spec.description,
            "tags": dict(sorted(spec.tags.items())) or None,
            "access_control": _access_control(model.access_list(REGISTERED_MODEL, full_name)),
        })
    return {
        "service_principals_body": hcl_body([
            [("source", "./modules/service-principals")],
            [("service_principals", dict(sorted(principals.items()))), ("adopt_existing", True)]]),
        "group_body": hcl_body([
            [("source", "./modules/group")],
            [("display_name", facts.group),
             ("member_ids", Expression(f"{environment_module(name, 'service_principals')}.ids"))]]),
        "directory_body": hcl_body([
            _with_source(depends_on, "./modules/experiment-directory"),
            [("path", facts.experiment_directory),
             ("access_control", _access_control(model.access_list(DIRECTORY, facts.experiment_directory)))]]),
        "models_body": hcl_body([
            _with_source(depends_on, "./modules/registered-models"),
            [("models", dict(sorted(models.items())))]]),
    }


def _with_source(attributes: list[tuple[str, Any]], source: str) -> list[tuple[str, Any]]:
    return [(key, source if key == "source" else value) for key, value in attributes]


def _without_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _access_control(grants: tuple[Grant, ...]) -> list[dict[str, str]]:
    return [{_PRINCIPAL_ARGUMENT[grant.principal_type]: grant.principal, "permission_level": grant.permission_level}
            for grant in sorted(grants, key=lambda grant: (grant.principal_type, grant.principal))]


def _access_strings(grants: tuple[Grant, ...]) -> list[str]:
    return sorted(f"{grant.principal_type}:{grant.principal}:{grant.permission_level}" for grant in grants)


def _test_checks(workspace: Workspace, model: PermissionModel) -> list[dict[str, str]]:
    checks = []
    members: dict[str, list[str]] = {}
    for grant in model.explicit():
        if grant.object_type == GROUP and grant.permission_level == MEMBER:
            members.setdefault(grant.object, []).append(grant.principal)
    for environment in workspace.environments:
        name = environment.name
        facts = model.environments[name]
        directory_access = _access_strings(model.access_list(DIRECTORY, facts.experiment_directory))
        model_access = {full_name: _access_strings(model.access_list(REGISTERED_MODEL, full_name))
                        for full_name in sorted(facts.models)}
        checks += [
            {"what": f"members of {facts.group}", "actual": f"{environment_module(name, 'group')}.members",
             "expected": hcl_value(sorted(members.get(facts.group, [])))},
            {"what": f"grants on {facts.experiment_directory}",
             "actual": f"{environment_module(name, 'experiments')}.access_control",
             "expected": hcl_value(directory_access)},
            {"what": f"grants on the registered models of {name}",
             "actual": f"{environment_module(name, 'models')}.access_control",
             "expected": _inline_map(model_access)},
        ]
    checks.append({"what": f"members of {model.all_principals_group}",
                   "actual": f"{ALL_PRINCIPALS_GROUP_MODULE}.members",
                   "expected": hcl_value(sorted(members.get(model.all_principals_group, [])))})
    return checks


def _inline_map(values: dict[str, list[str]]) -> str:
    if not values:
        return "{}"
    return "{ " + ", ".join(f"{hcl_value(key)} = {hcl_value(value)}" for key, value in values.items()) + " }"
