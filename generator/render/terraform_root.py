"""Render the Terraform root module and its ``terraform test`` from the permission model.

The root calls the reusable modules under ``modules/`` with explicit inputs; every access
list comes from the permission model, so the modules decide nothing.
"""

from __future__ import annotations

from typing import Any

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
from generator.model.grants import DIRECTORY, REGISTERED_MODEL
from generator.model.permission_model import PermissionModel
from generator.paths import (
    BACKEND_TERRAFORM_FILE,
    SHARED_TERRAFORM_FILE,
    TERRAFORM_TEST_FILE,
    environment_terraform_file,
)
from generator.render.hcl import Expression, hcl_body, hcl_value
from generator.render.header import Header
from generator.render.terraform_common import (
    access_control,
    access_strings,
    inline_map,
    memberships,
    service_principals_input,
    templates,
    without_none,
)
from generator.render.terraform_unity_catalog import render_unity_catalog_terraform


def render_terraform(manifests: Manifests, model: PermissionModel, header: Header) -> dict[str, str]:
    """Every Terraform file of the root module, by path relative to the repository root.

    ``header(sources, comment)`` returns the generated-file header for the given sources. With
    ``registry: unity_catalog`` the environments are rendered by :mod:`.terraform_unity_catalog`.
    """
    if manifests.settings.unity_catalog_mode:
        files = render_unity_catalog_terraform(manifests, model, header)
    else:
        files = _workspace_registry_terraform(manifests, model, header)
    backend = manifests.settings.backend
    if backend is not None:
        files[BACKEND_TERRAFORM_FILE] = (
            templates()
            .get_template("backend.tf.j2")
            .render(
                header=header(tuple(filter(None, (manifests.settings_source,))), "#"),
                backend=backend,
                body=hcl_body([sorted(backend.config.items())], depth=2),
            )
        )
    return files


def _workspace_registry_terraform(manifests: Manifests, model: PermissionModel, header: Header) -> dict[str, str]:
    files: dict[str, str] = {}
    template = templates().get_template("environment.tf.j2")
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
        templates()
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
    files[TERRAFORM_TEST_FILE] = (
        templates()
        .get_template("permissions.tftest.hcl.j2")
        .render(header=header(manifests.sources, "#"), checks=_test_checks(manifests, model))
    )
    return files


def _environment_bodies(environment: Environment, model: PermissionModel) -> dict[str, str]:
    name = environment.name
    facts = model.environments[name]
    principals = service_principals_input(environment)
    after_group = [("depends_on", [Expression(environment_module_address(name, EnvironmentModule.GROUP))])]
    models: dict[str, dict[str, Any]] = {}
    for spec in environment.manifest.models:
        full_name = full_model_name(spec.name, name)
        models[full_name] = without_none(
            {
                "description": spec.description,
                "tags": dict(sorted(spec.tags.items())) or None,
                "access_control": access_control(model.access_list(REGISTERED_MODEL, full_name)),
            }
        )
    return {
        "service_principals_body": hcl_body(
            [
                [("source", module_source(EnvironmentModule.SERVICE_PRINCIPALS))],
                [("service_principals", principals), ("adopt_existing", True)],
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
                    ("access_control", access_control(model.access_list(DIRECTORY, facts.experiment_directory))),
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


def _test_checks(manifests: Manifests, model: PermissionModel) -> list[dict[str, str]]:
    checks = []
    members = memberships(model)
    for environment in manifests.environments:
        name = environment.name
        facts = model.environments[name]
        directory_access = access_strings(model.access_list(DIRECTORY, facts.experiment_directory))
        model_access = {
            full_name: access_strings(model.access_list(REGISTERED_MODEL, full_name))
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
                "expected": inline_map(model_access),
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
