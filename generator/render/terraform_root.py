"""Render the Terraform root module and its ``terraform test`` from the permission model.

The root calls the reusable modules under ``modules/`` with explicit inputs; every access
list comes from the permission model, so the modules decide nothing.
"""

from __future__ import annotations

from typing import Any

from generator.addresses import (
    ALL_PRINCIPALS_GROUP_CALL,
    EnvironmentModule,
    environment_module_address,
    environment_module_call,
    module_source,
)
from generator.manifests.environments import Environment, Manifests
from generator.manifests.manifest import full_model_name
from generator.model.grants import DIRECTORY, REGISTERED_MODEL
from generator.model.permission_model import PermissionModel
from generator.paths import SHARED_TERRAFORM_FILE, TERRAFORM_TEST_FILE
from generator.render.hcl import Expression, hcl_body, hcl_value
from generator.render.header import Header
from generator.render.state_layout import layout_of, membership_block, root_files, shared_sources
from generator.render.terraform_common import (
    access_control,
    access_strings,
    all_principals_members_check,
    inline_map,
    membership_check,
    memberships,
    service_principals_input,
    templates,
    without_none,
)
from generator.render.terraform_unity_catalog import render_unity_catalog_terraform


def render_terraform(manifests: Manifests, model: PermissionModel, header: Header) -> dict[str, str]:
    """Every Terraform file of the root modules, by path relative to the repository root.

    ``header(sources, comment)`` returns the generated-file header for the given sources. With
    ``registry: unity_catalog`` the environments are rendered by :mod:`.terraform_unity_catalog`; with
    ``state: per_environment`` each environment gets its own root (:mod:`.state_layout`).
    """
    if manifests.settings.unity_catalog_mode:
        files = render_unity_catalog_terraform(manifests, model, header)
    else:
        files = _workspace_registry_terraform(manifests, model, header)
    files.update(root_files(manifests, header))
    return files


def _workspace_registry_terraform(manifests: Manifests, model: PermissionModel, header: Header) -> dict[str, str]:
    files: dict[str, str] = {}
    layout = layout_of(manifests)
    template = templates().get_template("environment.tf.j2")
    test_template = templates().get_template("permissions.tftest.hcl.j2")
    for environment in manifests.environments:
        name = environment.name
        calls = {module.value: environment_module_call(name, module) for module in EnvironmentModule}
        membership = None
        if layout.per_environment:
            group_call = environment_module_call(name, EnvironmentModule.GROUP)
            group = model.environments[name].group
            membership = membership_block(name, group, f"module.{group_call}", model.all_principals_group, False)
            files[layout.test_file(name)] = test_template.render(
                header=header(manifests.sources_of(environment), "#"),
                checks=[*_environment_checks(environment, model), membership_check(model, environment.name)],
            )
        files[layout.environment_file(name)] = template.render(
            header=header(manifests.sources_of(environment), "#"),
            env=environment,
            calls=calls,
            membership=membership,
            **_environment_bodies(environment, model, layout.directory(name)),
        )
    group_members = {
        grant.principal: Expression(f"{environment_module_address(grant.environment, EnvironmentModule.GROUP)}.id")
        for grant in model.grants
        if grant.object == model.all_principals_group and not layout.per_environment
    }
    shared = shared_sources(manifests)
    files[SHARED_TERRAFORM_FILE] = (
        templates()
        .get_template("workspace.tf.j2")
        .render(
            header=header(shared, "#"),
            call=ALL_PRINCIPALS_GROUP_CALL,
            per_environment=layout.per_environment,
            group_body=hcl_body(
                [
                    [("source", module_source(EnvironmentModule.GROUP))],
                    [("display_name", model.all_principals_group)]
                    + ([] if layout.per_environment else [("member_ids", group_members)]),
                ]
            ),
        )
    )
    checks = (
        []
        if layout.per_environment
        else [check for environment in manifests.environments for check in _environment_checks(environment, model)]
    )
    files[TERRAFORM_TEST_FILE] = test_template.render(
        header=header(shared, "#"), checks=[*checks, all_principals_members_check(model, layout.per_environment)]
    )
    return files


def _environment_bodies(environment: Environment, model: PermissionModel, directory: str) -> dict[str, str]:
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
                [("source", module_source(EnvironmentModule.SERVICE_PRINCIPALS, directory))],
                [("service_principals", principals), ("adopt_existing", True)],
            ]
        ),
        "group_body": hcl_body(
            [
                [("source", module_source(EnvironmentModule.GROUP, directory))],
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
                [("source", module_source(EnvironmentModule.EXPERIMENTS, directory)), *after_group],
                [
                    ("path", facts.experiment_directory),
                    ("access_control", access_control(model.access_list(DIRECTORY, facts.experiment_directory))),
                ],
            ]
        ),
        "models_body": hcl_body(
            [
                [("source", module_source(EnvironmentModule.MODELS, directory)), *after_group],
                [("models", dict(sorted(models.items())))],
            ]
        ),
    }


def _environment_checks(environment: Environment, model: PermissionModel) -> list[dict[str, str]]:
    """The assertions on one environment's group, experiment directory and models."""
    name = environment.name
    facts = model.environments[name]
    members = memberships(model)
    directory_access = access_strings(model.access_list(DIRECTORY, facts.experiment_directory))
    model_access = {
        full_name: access_strings(model.access_list(REGISTERED_MODEL, full_name)) for full_name in sorted(facts.models)
    }
    return [
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
