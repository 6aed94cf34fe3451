"""The Workspace Model Registry's files: workspace groups and service principals, the experiment directory and
the ``{model}_{env}`` registered models with their ``databricks_permissions`` (``modules/``), the root test's
assertions on them, and nothing of its own in the permission files."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from generator.addresses import (
    ALL_PRINCIPALS_GROUP_CALL,
    ARCHIVE_MODULE_DIRECTORY,
    DIRECTORY_RESOURCE,
    REGISTERED_MODEL_RESOURCE,
    SERVICE_PRINCIPAL_RESOURCE,
    EnvironmentModule,
    environment_module_address,
    environment_module_call,
    module_source,
)
from generator.manifests.archives import Archive
from generator.manifests.environments import Environment
from generator.manifests.manifest import full_model_name
from generator.manifests.settings import WorkspaceSettings
from generator.model.grants import DIRECTORY, REGISTERED_MODEL
from generator.model.permission_model import EnvironmentFacts, PermissionModel
from generator.render.archives import archive_file
from generator.render.hcl import Expression, hcl_body, hcl_value
from generator.render.registry import Check, RegistryRendering, RenderInputs
from generator.render.state_layout import membership_block, shared_sources
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


class WorkspaceRegistryRendering(RegistryRendering):
    """The files of ``registry: workspace``."""

    name: ClassVar[str] = "workspace"

    def environment_file(self, inputs: RenderInputs, environment: Environment) -> str:
        manifests, model, layout = inputs.manifests, inputs.model, inputs.layout
        name = environment.name
        membership = None
        if layout.per_environment:
            group_call = environment_module_call(name, EnvironmentModule.GROUP)
            group = model.environments[name].group
            membership = membership_block(name, group, f"module.{group_call}", model.all_principals_group, False)
        return (
            templates()
            .get_template("environment.tf.j2")
            .render(
                header=inputs.header(manifests.sources_of(environment), "#"),
                env=environment,
                calls={module.value: environment_module_call(name, module) for module in EnvironmentModule},
                membership=membership,
                **_environment_bodies(environment, model, layout.directory(name)),
            )
        )

    def archive_file(self, inputs: RenderInputs, archive: Archive) -> str:
        name = archive.name
        experiments = environment_module_address(name, EnvironmentModule.EXPERIMENTS)
        models = environment_module_address(name, EnvironmentModule.MODELS)
        principals = environment_module_address(name, EnvironmentModule.SERVICE_PRINCIPALS)
        return archive_file(
            inputs,
            archive,
            ARCHIVE_MODULE_DIRECTORY,
            [
                ("experiment_directory", archive.record.experiment_directory),
                ("models", sorted(archive.record.models)),
            ],
            [
                (f"{experiments}.{DIRECTORY_RESOURCE}", f"{{call}}.{DIRECTORY_RESOURCE}"),
                (f"{models}.{REGISTERED_MODEL_RESOURCE}", f"{{call}}.{REGISTERED_MODEL_RESOURCE}"),
            ],
            [f"{principals}.{SERVICE_PRINCIPAL_RESOURCE}"],
        )

    def environment_checks(self, inputs: RenderInputs, environment: Environment, own_root: bool) -> list[Check]:
        checks = _environment_checks(environment, inputs.model)
        return [*checks, membership_check(inputs.model, environment.name)] if own_root else checks

    def shared_file(self, inputs: RenderInputs) -> str:
        model, layout = inputs.model, inputs.layout
        group_members = {
            grant.principal: Expression(f"{environment_module_address(grant.environment, EnvironmentModule.GROUP)}.id")
            for grant in model.grants
            if grant.object == model.all_principals_group and not layout.per_environment
        }
        return (
            templates()
            .get_template("workspace.tf.j2")
            .render(
                header=inputs.header(shared_sources(inputs.manifests), "#"),
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

    def shared_check(self, inputs: RenderInputs) -> Check:
        return all_principals_members_check(inputs.model, inputs.layout.per_environment)

    def test_file(self, inputs: RenderInputs, header_text: str, checks: list[Check]) -> str:
        return templates().get_template("permissions.tftest.hcl.j2").render(header=header_text, checks=checks)

    def root_files(self, inputs: RenderInputs) -> dict[str, str]:
        return {}

    def manifest_terms(self, settings: WorkspaceSettings, environment: str) -> dict[str, str]:
        return {
            "model_name": f"<model>_{environment}",
            "production_meaning": "its models get CAN_MANAGE_PRODUCTION_VERSIONS",
            "tags_note": ", tags and",
            "tags_example": "  #   tags:\n  #     team: risk\n",
            "reader_level": "CAN_READ",
        }

    def environment_json(self, model: PermissionModel, facts: EnvironmentFacts) -> dict[str, object]:
        return {}

    def summary_lines(self, facts: EnvironmentFacts) -> list[str]:
        return []

    def production_readers(self) -> str:
        return " can read production objects of this environment (CAN_READ only)."

    def environment_section(
        self, model: PermissionModel, facts: EnvironmentFacts, names: Mapping[str, str]
    ) -> list[str]:
        return []


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
