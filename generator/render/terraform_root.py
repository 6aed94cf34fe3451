"""Render the Terraform root module and its ``terraform test`` from the permission model.

The root calls the reusable modules under ``modules/`` with explicit inputs; every access
list comes from the permission model, so the modules decide nothing.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from generator.addresses import (
    ALL_PRINCIPALS_GROUP_CALL,
    EnvironmentModule,
    all_principals_group_address,
    environment_module_address,
    environment_module_call,
    module_source,
)
from generator.manifests.environments import Environment, Manifests
from generator.manifests.manifest import full_model_name
from generator.model.grants import DIRECTORY, GROUP, REGISTERED_MODEL, SERVICE_PRINCIPAL, USER, Grant
from generator.model.levels import MEMBER
from generator.model.permission_model import PermissionModel
from generator.paths import (
    BACKEND_TERRAFORM_FILE,
    SHARED_TERRAFORM_FILE,
    TERRAFORM_TEST_FILE,
    environment_terraform_file,
)
from generator.render.hcl import Expression, hcl_body, hcl_value
from generator.render.header import Header

_PRINCIPAL_ARGUMENT = {GROUP: "group_name", SERVICE_PRINCIPAL: "service_principal_name", USER: "user_name"}


@cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("generator.render", "templates"),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_terraform(manifests: Manifests, model: PermissionModel, header: Header) -> dict[str, str]:
    """Every Terraform file of the root module, by path relative to the repository root.

    ``header(sources, comment)`` returns the generated-file header for the given sources.
    """
    files: dict[str, str] = {}
    template = _templates().get_template("environment.tf.j2")
    for environment in manifests.environments:
        calls = {module.value: environment_module_call(environment.name, module) for module in EnvironmentModule}
        files[environment_terraform_file(environment.name)] = template.render(
            header=header(manifests.sources_of(environment), "#"),
            env=environment,
            calls=calls,
            **_environment_bodies(environment, model),
        )
    group_members = {
        grant.principal: Expression(f"{environment_module_address(grant.environment, EnvironmentModule.GROUP)}.id")
        for grant in model.grants
        if grant.object == model.all_principals_group
    }
    files[SHARED_TERRAFORM_FILE] = (
        _templates()
        .get_template("workspace.tf.j2")
        .render(
            header=header(manifests.sources, "#"),
            call=ALL_PRINCIPALS_GROUP_CALL,
            group_body=hcl_body(
                [
                    [("source", module_source(EnvironmentModule.GROUP))],
                    [("display_name", model.all_principals_group), ("member_ids", group_members)],
                ]
            ),
        )
    )
    backend = manifests.settings.backend
    if backend is not None:
        files[BACKEND_TERRAFORM_FILE] = (
            _templates()
            .get_template("backend.tf.j2")
            .render(
                header=header(tuple(filter(None, (manifests.settings_source,))), "#"),
                backend=backend,
                body=hcl_body([sorted(backend.config.items())], depth=2),
            )
        )
    files[TERRAFORM_TEST_FILE] = (
        _templates()
        .get_template("permissions.tftest.hcl.j2")
        .render(header=header(manifests.sources, "#"), checks=_test_checks(manifests, model))
    )
    return files


def _environment_bodies(environment: Environment, model: PermissionModel) -> dict[str, str]:
    name = environment.name
    facts = model.environments[name]
    principals = {
        principal.key: _without_none(
            {"application_id": principal.application_id, "display_name": principal.display_name}
        )
        for principal in environment.manifest.service_principals
    }
    after_group = [("depends_on", [Expression(environment_module_address(name, EnvironmentModule.GROUP))])]
    models: dict[str, dict[str, Any]] = {}
    for spec in environment.manifest.models:
        full_name = full_model_name(spec.name, name)
        models[full_name] = _without_none(
            {
                "description": spec.description,
                "tags": dict(sorted(spec.tags.items())) or None,
                "access_control": _access_control(model.access_list(REGISTERED_MODEL, full_name)),
            }
        )
    return {
        "service_principals_body": hcl_body(
            [
                [("source", module_source(EnvironmentModule.SERVICE_PRINCIPALS))],
                [("service_principals", dict(sorted(principals.items()))), ("adopt_existing", True)],
            ]
        ),
        "group_body": hcl_body(
            [
                [("source", module_source(EnvironmentModule.GROUP))],
                [
                    ("display_name", facts.group),
                    (
                        "member_ids",
                        Expression(f"{environment_module_address(name, EnvironmentModule.SERVICE_PRINCIPALS)}.ids"),
                    ),
                ],
            ]
        ),
        "directory_body": hcl_body(
            [
                [("source", module_source(EnvironmentModule.EXPERIMENTS)), *after_group],
                [
                    ("path", facts.experiment_directory),
                    ("access_control", _access_control(model.access_list(DIRECTORY, facts.experiment_directory))),
                ],
            ]
        ),
        "models_body": hcl_body(
            [
                [("source", module_source(EnvironmentModule.MODELS)), *after_group],
                [("models", dict(sorted(models.items())))],
            ]
        ),
    }


def _without_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _access_control(grants: tuple[Grant, ...]) -> list[dict[str, str]]:
    return [
        {_PRINCIPAL_ARGUMENT[grant.principal_type]: grant.principal, "permission_level": grant.permission_level}
        for grant in sorted(grants, key=lambda grant: (grant.principal_type, grant.principal))
    ]


def _access_strings(grants: tuple[Grant, ...]) -> list[str]:
    return sorted(f"{grant.principal_type}:{grant.principal}:{grant.permission_level}" for grant in grants)


def _test_checks(manifests: Manifests, model: PermissionModel) -> list[dict[str, str]]:
    checks = []
    members: dict[str, list[str]] = {}
    for grant in model.explicit():
        if grant.object_type == GROUP and grant.permission_level == MEMBER:
            members.setdefault(grant.object, []).append(grant.principal)
    for environment in manifests.environments:
        name = environment.name
        facts = model.environments[name]
        directory_access = _access_strings(model.access_list(DIRECTORY, facts.experiment_directory))
        model_access = {
            full_name: _access_strings(model.access_list(REGISTERED_MODEL, full_name))
            for full_name in sorted(facts.models)
        }
        checks += [
            {
                "what": f"members of {facts.group}",
                "actual": f"{environment_module_address(name, EnvironmentModule.GROUP)}.members",
                "expected": hcl_value(sorted(members.get(facts.group, []))),
            },
            {
                "what": f"grants on {facts.experiment_directory}",
                "actual": f"{environment_module_address(name, EnvironmentModule.EXPERIMENTS)}.access_control",
                "expected": hcl_value(directory_access),
            },
            {
                "what": f"grants on the registered models of {name}",
                "actual": f"{environment_module_address(name, EnvironmentModule.MODELS)}.access_control",
                "expected": _inline_map(model_access),
            },
        ]
    checks.append(
        {
            "what": f"members of {model.all_principals_group}",
            "actual": f"{all_principals_group_address()}.members",
            "expected": hcl_value(sorted(members.get(model.all_principals_group, []))),
        }
    )
    return checks


def _inline_map(values: dict[str, list[str]]) -> str:
    if not values:
        return "{}"
    return "{ " + ", ".join(f"{hcl_value(key)} = {hcl_value(value)}" for key, value in values.items()) + " }"
