"""The assertions of the generated ``terraform test`` in Unity Catalog mode.

Each compares a module output with the permission model, both directions (exact equality of sorted
lists): the experiment directory's access list, the owner and grants of every catalog and schema, and the owner, grants
and full name of every model.
"""

from __future__ import annotations

from generator.addresses import UnityCatalogModule, environment_module_address
from generator.manifests.environments import Environment
from generator.model.grants import CATALOG, DIRECTORY, GROUP, REGISTERED_MODEL, SCHEMA, Grant
from generator.model.permission_model import EnvironmentFacts, PermissionModel
from generator.model.unity_catalog import OWNER
from generator.render.hcl import hcl_value
from generator.render.registry import Check
from generator.render.terraform_common import access_strings, inline_map


def short_model_name(facts: EnvironmentFacts, full_name: str) -> str:
    """``churn`` of ``ml_acc.models.churn``."""
    return full_name.removeprefix(f"{facts.schema}.")


def groups_to_look_up(model: PermissionModel, facts: EnvironmentFacts) -> list[str]:
    """The environment group and every group its explicit grants name (readers, an owner group), sorted."""
    named = {
        grant.principal
        for grant in model.for_environment(facts.name)
        if not grant.implicit and grant.principal_type == GROUP
    }
    return sorted(named | {facts.group})


def owners(model: PermissionModel, object_type: str, name: str) -> list[str]:
    """Every owner of one object in the model, implicit (the creator) or explicit, sorted."""
    return sorted(grant.principal for grant in model.on_object(object_type, name) if grant.permission_level == OWNER)


def implicit_owner(model: PermissionModel) -> str | None:
    """The one principal the model names as implicit owner (the identity running Terraform), as HCL, if any."""
    implicit = {grant.principal for grant in model.grants if grant.implicit and grant.permission_level == OWNER}
    return hcl_value(implicit.pop()) if len(implicit) == 1 else None


def privilege_strings(grants: tuple[Grant, ...]) -> list[str]:
    """Privileges (owners aside) as the sorted ``principal:PRIVILEGE`` strings the Unity Catalog modules output."""
    return sorted(f"{grant.principal}:{grant.permission_level}" for grant in grants if grant.permission_level != OWNER)


def check(what: str, actual: str, expected: str) -> Check:
    """One assertion: what it checks, the actual value (a module output) and the expected value (HCL)."""
    return {"what": what, "actual": actual, "expected": expected}


def uc_object_checks(model: PermissionModel, environment: Environment) -> list[Check]:
    """The assertions on one environment's experiment directory, catalog, schema and models."""
    facts = model.environments[environment.name]
    directory = facts.experiment_directory
    checks = [
        check(
            f"grants on {directory}",
            f"{environment_module_address(environment.name, UnityCatalogModule.EXPERIMENTS)}.access_control",
            hcl_value(access_strings(model.access_list(DIRECTORY, directory))),
        )
    ]
    checks += _container_checks(model, facts)
    if facts.models:
        checks += _model_checks(model, facts)
    return checks


def _container_checks(model: PermissionModel, facts: EnvironmentFacts) -> list[dict[str, str]]:
    catalog_module = environment_module_address(facts.name, UnityCatalogModule.CATALOG)
    checks = []
    for object_type, name in ((CATALOG, facts.catalog), (SCHEMA, facts.schema)):
        found = owners(model, object_type, name)
        if found:  # a catalog mlenv does not manage has no owner in the model, and keeps its own
            checks.append(
                check(f"owners of {object_type} {name}", f"{catalog_module}.{object_type}_owner", hcl_value(found[0]))
            )
        checks.append(
            check(
                f"grants on {object_type} {name}",
                f"{catalog_module}.{object_type}_grants",
                hcl_value(privilege_strings(model.access_list(object_type, name))),
            )
        )
    return checks


def _model_checks(model: PermissionModel, facts: EnvironmentFacts) -> list[dict[str, str]]:
    models_module = environment_module_address(facts.name, UnityCatalogModule.MODELS)
    names = sorted(facts.models)
    model_owners = {short_model_name(facts, full): ",".join(owners(model, REGISTERED_MODEL, full)) for full in names}
    return [
        check(
            f"full names of the models of {facts.name}",
            f"{models_module}.full_names",
            inline_map({short_model_name(facts, full): full for full in names}),
        ),
        check(f"owners of the models of {facts.name}", f"{models_module}.owners", inline_map(model_owners)),
        check(
            f"grants on the models of {facts.name}",
            f"{models_module}.grants",
            inline_map({full: privilege_strings(model.access_list(REGISTERED_MODEL, full)) for full in names}),
        ),
    ]
