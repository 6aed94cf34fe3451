"""The files of ``registry: unity_catalog``: each environment's module calls (:mod:`.terraform_unity_catalog`) with
its identities (:mod:`.identities`), the account provider of every root, the root tests' assertions on owners,
privileges and memberships, and the permission files' catalog, schema and Unity Catalog section (each securable
with its owner and privileges, and the implicit access of metastore admins and of the catalog and schema owner).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from generator.addresses import (
    DIRECTORY_RESOURCE,
    SCHEMA_RESOURCE,
    UC_ARCHIVE_MODULE_DIRECTORY,
    UC_MODEL_RESOURCE,
    WORKSPACE_GROUP_RESOURCES,
    UnityCatalogModule,
    all_principals_group_address,
    environment_module_address,
    uc_catalog_module_address,
)
from generator.manifests.archives import Archive
from generator.manifests.environments import Environment, Manifests
from generator.manifests.manifest import full_model_name
from generator.manifests.settings import WorkspaceSettings
from generator.model.grants import CATALOG, METASTORE_ADMINS, REGISTERED_MODEL, SCHEMA, Grant
from generator.model.permission_model import EnvironmentFacts, PermissionModel
from generator.paths import PROVIDERS_TERRAFORM_FILE, in_root
from generator.render.archives import archive_file
from generator.render.grant_formats import named_principal
from generator.render.hcl import hcl_value
from generator.render.identities import IDENTITY_RENDERINGS, IdentityRendering
from generator.render.registry import Check, RegistryRendering, RenderInputs
from generator.render.state_layout import shared_sources
from generator.render.terraform_common import templates
from generator.render.terraform_unity_catalog import archived_addresses, environment_blocks
from generator.render.terraform_unity_catalog_checks import implicit_owner, uc_object_checks
from generator.tables import Table, code, code_list


class UnityCatalogRendering(RegistryRendering):
    """The files of ``registry: unity_catalog``."""

    name: ClassVar[str] = "unity_catalog"

    def environment_file(self, inputs: RenderInputs, environment: Environment) -> str:
        manifests, model, layout = inputs.manifests, inputs.model, inputs.layout
        name = environment.name
        identities = _identities(manifests)
        blocks = environment_blocks(inputs, environment, identities)
        if layout.per_environment:
            blocks += identities.own_root_blocks(model, environment)
        return (
            templates()
            .get_template("environment_uc.tf.j2")
            .render(
                header=inputs.header(manifests.sources_of(environment), "#"),
                env=environment,
                facts=model.environments[name],
                external=identities.external,
                blocks=blocks,
                archived=archived_addresses(name, identities),
                archived_models=", ".join(full_model_name(spec.name, name) for spec in environment.manifest.models)
                or "none declared",
            )
        )

    def archive_file(self, inputs: RenderInputs, archive: Archive) -> str:
        record, name = archive.record, archive.name
        catalog = uc_catalog_module_address(name)
        models = environment_module_address(name, UnityCatalogModule.MODELS)
        experiments = environment_module_address(name, UnityCatalogModule.EXPERIMENTS)
        moves = [
            (f"{experiments}.{DIRECTORY_RESOURCE}", f"{{call}}.{DIRECTORY_RESOURCE}"),
            (f"{catalog}.{SCHEMA_RESOURCE}", f"{{call}}.{SCHEMA_RESOURCE}"),
            (f"{models}.{UC_MODEL_RESOURCE}", f"{{call}}.{UC_MODEL_RESOURCE}"),
        ]
        if record.catalog_managed:
            moves.insert(0, (f"{catalog}.databricks_catalog.this", "{call}.databricks_catalog.this"))
        return archive_file(
            inputs,
            archive,
            UC_ARCHIVE_MODULE_DIRECTORY,
            [
                ("experiment_directory", record.experiment_directory),
                ("catalog_name", record.catalog or ""),
                ("manage_catalog", record.catalog_managed),
                ("schema_name", (record.schema_name or "").rpartition(".")[2]),
                ("models", sorted(model.rpartition(".")[2] for model in record.models)),
                ("owner", inputs.manifests.settings.uc.archive_owner or ""),
            ],
            moves,
            _identities(inputs.manifests).archive_forgets(name),
            _identities(inputs.manifests).archive_blocks(inputs, archive),
        )

    def environment_checks(self, inputs: RenderInputs, environment: Environment, own_root: bool) -> list[Check]:
        model, identities = inputs.model, _identities(inputs.manifests)
        checks = [*identities.principal_checks(model, environment), *uc_object_checks(model, environment)]
        return [*checks, *identities.own_root_checks(model, environment)] if own_root else checks

    def shared_file(self, inputs: RenderInputs) -> str:
        identities = _identities(inputs.manifests)
        return (
            templates()
            .get_template("workspace_uc.tf.j2")
            .render(
                header=inputs.header(shared_sources(inputs.manifests), "#"),
                external=identities.external,
                per_environment=inputs.layout.per_environment,
                block=identities.all_principals_block(inputs),
                archived=[f"{all_principals_group_address()}.{resource}" for resource in WORKSPACE_GROUP_RESOURCES],
            )
        )

    def shared_check(self, inputs: RenderInputs) -> Check:
        return _identities(inputs.manifests).all_principals_check(inputs.model, inputs.layout.per_environment)

    def test_file(self, inputs: RenderInputs, header_text: str, checks: list[Check]) -> str:
        return (
            templates()
            .get_template("permissions_uc.tftest.hcl.j2")
            .render(header=header_text, checks=checks, implicit_owner=implicit_owner(inputs.model))
        )

    def root_files(self, inputs: RenderInputs) -> dict[str, str]:
        manifests = inputs.manifests
        providers = (
            templates()
            .get_template("providers.tf.j2")
            .render(
                header=inputs.header(tuple(filter(None, (manifests.settings_source,))), "#"),
                external=_identities(manifests).external,
                host=hcl_value(manifests.settings.account_console),
            )
        )
        return {in_root(root.directory, PROVIDERS_TERRAFORM_FILE): providers for root in inputs.layout.roots}

    def manifest_terms(self, settings: WorkspaceSettings, environment: str) -> dict[str, str]:
        group = settings.group_name(environment)
        return {
            "model_name": f"{settings.uc.catalog_name(environment)}.{settings.uc.schema_name}.<model> (owner {group})",
            "production_meaning": "no one may create models in its catalog and schema",
            "tags_note": " and",
            "tags_example": "",
            "reader_level": "EXECUTE",
        }

    def environment_json(self, model: PermissionModel, facts: EnvironmentFacts) -> dict[str, object]:
        return {
            "catalog": facts.catalog,
            "catalog_managed": bool(model.on_object(CATALOG, facts.catalog)),
            "schema": facts.schema,
            "owner": facts.container_owner,
        }

    def summary_lines(self, facts: EnvironmentFacts) -> list[str]:
        return [f"- Unity Catalog: catalog `{facts.catalog}`, schema `{facts.schema}`"]

    def production_readers(self) -> str:
        return (
            " can read and load production models of this environment (EXECUTE, with the USE_CATALOG and "
            "USE_SCHEMA to reach them)."
        )

    def environment_section(
        self, model: PermissionModel, facts: EnvironmentFacts, names: Mapping[str, str]
    ) -> list[str]:
        return unity_catalog_section(model, facts, names)


def _identities(manifests: Manifests) -> IdentityRendering:
    return IDENTITY_RENDERINGS[manifests.settings.identity_mode]


def unity_catalog_section(model: PermissionModel, facts: EnvironmentFacts, names: Mapping[str, str]) -> list[str]:
    """The "Unity Catalog" section: each securable with its owner and privileges, then the implicit access."""
    securables = [(CATALOG, facts.catalog), (SCHEMA, facts.schema), *((REGISTERED_MODEL, m) for m in facts.models)]
    managed = [(kind, name) for kind, name in securables if model.on_object(kind, name)]
    lines = [
        "## Unity Catalog",
        "",
        "Every securable has one owner (ownership is not a grant, and the owner can grant itself anything on it). "
        "A grant on the catalog applies to every schema and model in it, a grant on the schema to every model in "
        "it; every operation on a model also needs USE_CATALOG on its catalog and USE_SCHEMA on its schema. "
        "Only the owner of a model (or a metastore admin) creates versions and sets aliases.",
        "",
    ]
    rows = []
    for kind, name in managed:
        grants = model.on_object(kind, name)
        owners = [_holder(g, names) for g in grants if g.permission_level == "OWNER"]
        others = [f"{_holder(g, names)}: {g.permission_level}" for g in grants if g.permission_level != "OWNER"]
        rows.append((code(name), kind.replace("_", " "), ", ".join(owners), "; ".join(others) or "none"))
    lines += [*Table(("Securable", "Type", "Owner", "Privileges"), rows).markdown(), ""]
    if (CATALOG, facts.catalog) not in managed:
        lines += [
            f"Catalog `{facts.catalog}` exists already and is governed outside mlenv: its owner and grants are not "
            "listed here; its owner, and anyone with MANAGE on it, holds everything in it.",
            "",
        ]
    lines += ["### Implicit access", "", "Not granted by these manifests, and real:", ""]
    on_containers = [g for kind, name in managed if kind != REGISTERED_MODEL for g in model.on_object(kind, name)]
    admins = [g for g in on_containers if g.principal == METASTORE_ADMINS]
    here = "".join(
        f"; here they hold {g.permission_level} on {g.object_type} `{g.object}` (manage its grants, rename or drop "
        "it) and so on everything in it"
        for g in admins
    )
    lines.append(
        f"- `{METASTORE_ADMINS}` (the metastore's admins, set in the account console) can change the owner of, and "
        f"manage the grants on, every object in the metastore, so they can give themselves any access{here}."
    )
    owner_grants = [g for g in on_containers if g.permission_level == "OWNER"]
    owned = " and ".join(f"{g.object_type} `{g.object}`" for g in owner_grants)
    implicit = bool(owner_grants) and owner_grants[0].implicit
    role = "" if facts.container_owner in names else " (the identity running Terraform)" if implicit else ""
    role += "" if implicit else " (`unity_catalog.owner_group`)"
    owner = named_principal(facts.container_owner, names)
    lines.append(
        f"- {owner}{role} owns {owned}: it can grant itself any privilege on them "
        f"and on everything below ({code_list(facts.models) or 'no models yet'}), so it holds everything below "
        f"(`mlenv access --object {facts.models[0] if facts.models else facts.schema}` lists it)."
    )
    return [*lines, ""]


def _holder(grant: Grant, names: Mapping[str, str]) -> str:
    """A principal with its name, and whether Databricks gives it the privilege itself."""
    name = ", ".join(filter(None, (names.get(grant.principal), "implicit" if grant.implicit else "")))
    return code(grant.principal) + (f" ({name})" if name else "")
