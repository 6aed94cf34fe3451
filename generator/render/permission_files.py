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
from generator.model.grants import GROUP, Grant
from generator.model.levels import describe
from generator.model.permission_model import EnvironmentFacts, PermissionModel
from generator.paths import PERMISSIONS_CSV, PERMISSIONS_JSON, environment_permissions_file
from generator.render.archive_reports import archive_reports, archives_json
from generator.render.diagrams import CONTAINS, MERMAID_MAX_EDGES, Graph, access_graph, drawable_mermaid
from generator.render.grant_formats import JSON_ENCODER, grant_rows, grant_rows_csv, json_lines, named_principal
from generator.render.header import Header
from generator.render.registries import rendering_of
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
        + archives_json(model)
        + "\n}\n"
    )
    files.update(archive_reports(model, manifests.sources, header))
    return files


def _environment_json(model: PermissionModel, facts: EnvironmentFacts) -> dict[str, object]:
    """An environment in the JSON file, with what its registry adds (in Unity Catalog its catalog, whether mlenv
    manages it, its schema and their owner)."""
    environment: dict[str, object] = {
        "production": facts.production,
        "group": facts.group,
        "experiment_directory": facts.experiment_directory,
        "models": list(facts.models),
    }
    return environment | rendering_of(model).environment_json(model, facts)


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
    rendering = rendering_of(model)
    principals = ", ".join(named_principal(p.key, names) for p in environment.manifest.service_principals)
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
    lines[-1:] = [*rendering.summary_lines(facts), ""]
    reading = model.registry.reading_level
    readers = sorted({g.principal for g in grants if g.permission_level == reading and not g.implicit})
    if facts.production and readers:
        lines += [
            "> **Production readers (explicit opt-in):** " + code_list(readers) + rendering.production_readers(),
            "",
        ]
    lines += _picture(name, picture)
    lines += rendering.environment_section(model, facts, names)
    lines += ["## Grants and memberships", ""]
    lines += ["Implicit grants are added by Databricks itself, not by these manifests; they are real access.", ""]
    lines += Table(
        ("Object", "Object type", "Principal", "Principal type", "Level", "Implicit", "What it allows"),
        [
            (
                code(g.object),
                g.object_type,
                named_principal(g.principal, names),
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
                    named_principal(g.principal, names),
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


def _allows(grant: Grant) -> str:
    if grant.object_type == GROUP:
        return f"`{grant.principal}` {describe(GROUP, grant.permission_level)} `{grant.object}`"
    return describe(grant.object_type, grant.permission_level)
