"""The permission files auditors read: Markdown per environment, CSV and JSON for the whole workspace.

Every principal known by id is shown with its name (the service principal's display name, or
"Terraform identity"), and every explicit grant carries the manifest line it comes from. In Unity Catalog
mode the Markdown adds each securable with its owner and privileges, and the implicit access of metastore
admins and of the owner of the catalog and schema, which holds everything below them.
"""

from __future__ import annotations

from collections.abc import Mapping

from generator.manifests.environments import Environment, Manifests
from generator.model.effective_access import EffectiveGrant, effective_access
from generator.model.grants import CATALOG, GROUP, METASTORE_ADMINS, REGISTERED_MODEL, SCHEMA, Grant
from generator.model.levels import describe
from generator.model.permission_model import EnvironmentFacts, PermissionModel
from generator.paths import PERMISSIONS_CSV, PERMISSIONS_JSON, environment_permissions_file
from generator.render.diagrams import CONTAINS, MERMAID_MAX_EDGES, Graph, access_graph, drawable_mermaid
from generator.render.grant_formats import JSON_ENCODER, grant_rows, grant_rows_csv, json_lines
from generator.render.header import Header
from generator.tables import Table, code, code_list


def render_reports(manifests: Manifests, model: PermissionModel, header: Header) -> dict[str, str]:
    """Every permission file, by path relative to the repository root."""
    reach: dict[str, list[EffectiveGrant]] = {}
    by_environment: dict[str, list[EffectiveGrant]] = {}
    runners = {principal for facts in model.environments.values() for principal in facts.principals}
    for grant in effective_access(model):
        by_environment.setdefault(grant.environment, []).append(grant)
        if grant.principal in runners:
            reach.setdefault(grant.principal, []).append(grant)
    production = {name for name, facts in model.environments.items() if facts.production}
    names = manifests.display_names()
    files = {
        environment_permissions_file(environment.name): _markdown(
            environment,
            model,
            reach,
            access_graph(by_environment.get(environment.name, ()), production, names),
            names,
            header(manifests.sources_of(environment), "md"),
        )
        for environment in manifests.environments
    }
    rows = grant_rows(model.grants, names)
    files[PERMISSIONS_CSV] = grant_rows_csv(rows)
    environments = {name: _environment_json(model, facts) for name, facts in sorted(model.environments.items())}
    files[PERMISSIONS_JSON] = (
        '{\n  "generated": '
        + JSON_ENCODER.encode(header(manifests.sources, None))
        + ',\n  "environments": {\n    '
        + ",\n    ".join(
            f"{JSON_ENCODER.encode(name)}: {JSON_ENCODER.encode(facts)}" for name, facts in environments.items()
        )
        + "\n  }"
        + ',\n  "principals": {\n    '
        + ",\n    ".join(
            f"{JSON_ENCODER.encode(key)}: {JSON_ENCODER.encode(value)}"
            for key, value in _principals(manifests, names).items()
        )
        + "\n  }"
        + ',\n  "grants": '
        + json_lines(rows, indent="  ")
        + "\n}\n"
    )
    return files


def _environment_json(model: PermissionModel, facts: EnvironmentFacts) -> dict[str, object]:
    """An environment in the JSON file; in Unity Catalog mode with its catalog (and whether mlenv manages it),
    schema and their owner."""
    environment: dict[str, object] = {
        "production": facts.production,
        "group": facts.group,
        "experiment_directory": facts.experiment_directory,
        "models": list(facts.models),
    }
    if facts.unity_catalog:
        environment |= {
            "catalog": facts.catalog,
            "catalog_managed": bool(model.on_object(CATALOG, facts.catalog)),
            "schema": facts.schema,
            "owner": facts.container_owner,
        }
    return environment


def _principals(manifests: Manifests, names: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Every principal known by id: its name and role (a service principal of an environment, or Terraform)."""
    principals = {
        principal.key: {"name": names.get(principal.key, ""), "environment": environment.name, "role": "runner"}
        for environment in manifests.environments
        for principal in environment.manifest.service_principals
    }
    identity = manifests.settings.terraform_identity
    if identity is not None:
        key = identity.application_id or identity.user_name or ""
        principals[key] = {"name": names.get(key, ""), "environment": "", "role": "terraform identity"}
    return dict(sorted(principals.items()))


def _named(principal: str, names: Mapping[str, str]) -> str:
    """A principal as inline code, followed by its name when it is known by id."""
    name = names.get(principal)
    return code(principal) + (f" ({name})" if name else "")


def _markdown(
    environment: Environment,
    model: PermissionModel,
    reach_of: dict[str, list[EffectiveGrant]],
    picture: Graph,
    names: Mapping[str, str],
    header: str,
) -> str:
    name = environment.name
    facts = model.environments[name]
    principals = ", ".join(_named(p.key, names) for p in environment.manifest.service_principals)
    grants = model.for_environment(name)
    kind = "production" if facts.production else "non-production"
    lines = [
        header,
        "",
        f"# Permissions of environment `{name}` ({kind})",
        "",
        f"- Group: `{facts.group}`, a member of `{model.all_principals_group}`",
        f"- Service principals: {principals or 'none'}",
        f"- Experiment directory: `{facts.experiment_directory}`",
        f"- Registered models: {code_list(facts.models) or 'none'}",
        "",
    ]
    if facts.unity_catalog:
        lines[-1:] = [f"- Unity Catalog: catalog `{facts.catalog}`, schema `{facts.schema}`", ""]
    reading = "EXECUTE" if facts.unity_catalog else "CAN_READ"
    readers = sorted({g.principal for g in grants if g.permission_level == reading and not g.implicit})
    if facts.production and readers:
        lines += [
            "> **Production readers (explicit opt-in):** "
            + code_list(readers)
            + (
                " can read and load production models of this environment (EXECUTE, with the USE_CATALOG and "
                "USE_SCHEMA to reach them)."
                if facts.unity_catalog
                else " can read production objects of this environment (CAN_READ only)."
            ),
            "",
        ]
    lines += _picture(name, picture)
    lines += _unity_catalog(model, facts, names) if facts.unity_catalog else []
    lines += ["## Grants and memberships", ""]
    lines += ["Implicit grants are added by Databricks itself, not by these manifests; they are real access.", ""]
    lines += Table(
        ("Object", "Object type", "Principal", "Principal type", "Level", "Implicit", "What it allows"),
        [
            (
                code(g.object),
                g.object_type,
                _named(g.principal, names),
                g.principal_type,
                g.permission_level,
                "yes" if g.implicit else "no",
                _allows(g),
            )
            for g in grants
        ],
    ).markdown()
    lines += ["", "## What the service principals of this environment can reach", ""]
    reach = [grant for principal in sorted(facts.principals) for grant in reach_of.get(principal, ())]
    if reach:
        lines += ["Every object, in any environment, reached directly or through groups (`mlenv access`).", ""]
        lines += Table(
            ("Service principal", "Object", "Object type", "Level", "Through"),
            [
                (
                    _named(g.principal, names),
                    code(g.object),
                    g.object_type,
                    g.permission_level,
                    (code_list(g.via) if g.via else "direct")
                    + (f", inherited from `{g.inherited_from}`" if g.inherited_from else ""),
                )
                for g in reach
            ],
        ).markdown()
    else:
        lines.append("The environment has no service principals.")
    return "\n".join(lines) + "\n"


_CONTAINS_LEGEND = (
    " Thin `contains` arrows lead from the catalog to its schema and from the schema to its models: a grant on a "
    "catalog or schema applies to everything it contains. In Unity Catalog the implicit grants are those of the "
    "metastore admins and of the owner of the catalog and schema."
)


def _picture(environment: str, graph: Graph) -> list[str]:
    """The "Picture" section: a Mermaid diagram of the environment's objects and who reaches them."""
    lines = ["## Picture", ""]
    text = drawable_mermaid(graph)
    if text is None:
        return [
            *lines,
            f"Too large to draw here ({len(graph.edges)} arrows; Mermaid draws up to {MERMAID_MAX_EDGES}): "
            f"`mlenv access --env {environment} --format dot` writes it for Graphviz.",
            "",
        ]
    return [
        *lines,
        "Who reaches the objects of this environment (`mlenv access --env "
        f"{environment} --format mermaid`): service principals and groups on the left, the environment's objects "
        "in the box on the right (red when production). Solid arrows are memberships and the grants of the manifests; "
        "dashed arrows are implicit grants that Databricks adds itself (admins, the identity running Terraform)."
        + (_CONTAINS_LEGEND if any(edge.label == CONTAINS for edge in graph.edges) else ""),
        "",
        "```mermaid",
        text.rstrip("\n"),
        "```",
        "",
    ]


def _unity_catalog(model: PermissionModel, facts: EnvironmentFacts, names: Mapping[str, str]) -> list[str]:
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
    lines.append(
        f"- {_named(facts.container_owner, names)}{role} owns {owned}: it can grant itself any privilege on them "
        f"and on everything below ({code_list(facts.models) or 'no models yet'}), so it holds everything below "
        f"(`mlenv access --object {facts.models[0] if facts.models else facts.schema}` lists it)."
    )
    return [*lines, ""]


def _holder(grant: Grant, names: Mapping[str, str]) -> str:
    """A principal with its name, and whether Databricks gives it the privilege itself."""
    name = ", ".join(filter(None, (names.get(grant.principal), "implicit" if grant.implicit else "")))
    return code(grant.principal) + (f" ({name})" if name else "")


def _allows(grant: Grant) -> str:
    if grant.object_type == GROUP:
        return f"`{grant.principal}` {describe(GROUP, grant.permission_level)} `{grant.object}`"
    return describe(grant.object_type, grant.permission_level)
