"""Permission files for auditors: Markdown per environment, CSV and JSON for the whole workspace."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from generator.manifests.environments import Environment, Manifests
from generator.model.effective_access import EFFECTIVE_FIELDS, EffectiveGrant, effective_access
from generator.model.levels import describe
from generator.model.permission_model import GRANT_FIELDS, GROUP, Grant, PermissionModel
from generator.paths import PERMISSIONS_CSV, PERMISSIONS_JSON, environment_permissions_file
from generator.render.diagrams import MERMAID_MAX_EDGES, Graph, access_graph, drawable_mermaid, principal_names
from generator.tables import Table, code, code_list

#: ``header(sources, comment)``: the generated-file header naming ``sources`` in a comment syntax.
Header = Callable[[tuple[str, ...], str | None], str]

#: One encoder for every row: json.dumps(..., ensure_ascii=False) would build a new one per call.
_JSON = json.JSONEncoder(ensure_ascii=False)


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
    names = principal_names(manifests)
    files = {
        environment_permissions_file(environment.name): _markdown(
            environment,
            model,
            reach,
            access_graph(by_environment.get(environment.name, ()), production, names),
            header(manifests.sources_of(environment), "md"),
        )
        for environment in manifests.environments
    }
    files[PERMISSIONS_CSV] = header(manifests.sources, "#") + "\n" + grants_csv(model.grants)
    environments = {
        name: {
            "production": facts.production,
            "group": facts.group,
            "experiment_directory": facts.experiment_directory,
            "models": list(facts.models),
        }
        for name, facts in sorted(model.environments.items())
    }
    files[PERMISSIONS_JSON] = (
        '{\n  "generated": '
        + _JSON.encode(header(manifests.sources, None))
        + ',\n  "environments": {\n    '
        + ",\n    ".join(f"{_JSON.encode(name)}: {_JSON.encode(facts)}" for name, facts in environments.items())
        + "\n  }"
        + ',\n  "grants": '
        + grants_json_text(model.grants, indent="  ")
        + "\n}\n"
    )
    return files


def grants_json_text(grants: Sequence[Grant], indent: str = "") -> str:
    """Grants as a JSON list with one grant per line (readable in diffs, fast to write)."""
    return json_lines([grant.as_dict() for grant in grants], indent)


def grants_csv(grants: Sequence[Grant]) -> str:
    """Grants as CSV with a header row of the documented keys."""
    return _csv(GRANT_FIELDS, (grant.as_dict() for grant in grants))


def grants_table(grants: Sequence[Grant]) -> str:
    """Grants as an aligned plain-text table for terminals."""
    headings = ("ENVIRONMENT", "OBJECT TYPE", "OBJECT", "PRINCIPAL", "PRINCIPAL TYPE", "LEVEL", "IMPLICIT")
    return Table(
        headings,
        [
            (
                g.environment,
                g.object_type,
                g.object,
                g.principal,
                g.principal_type,
                g.permission_level,
                "yes" if g.implicit else "",
            )
            for g in grants
        ],
    ).text()


def effective_table(grants: Sequence[EffectiveGrant]) -> str:
    """Effective grants as an aligned plain-text table for terminals."""
    headings = ("PRINCIPAL", "PRINCIPAL TYPE", "OBJECT TYPE", "OBJECT", "LEVEL", "THROUGH", "IMPLICIT")
    return Table(
        headings,
        [
            (
                g.principal,
                g.principal_type,
                g.object_type,
                g.object,
                g.permission_level,
                via_text(g.via),
                "yes" if g.implicit else "",
            )
            for g in grants
        ],
    ).text()


def effective_csv(grants: Sequence[EffectiveGrant]) -> str:
    """Effective grants as CSV; ``via`` is the chain of groups joined with `` > ``, empty when direct."""
    return _csv(EFFECTIVE_FIELDS, (grant.as_dict() for grant in grants))


def effective_json_text(grants: Sequence[EffectiveGrant]) -> str:
    """Effective grants as a JSON list, one per line."""
    return json_lines([grant.as_dict() for grant in grants]) + "\n"


def via_text(via: Sequence[str]) -> str:
    """How a grant is held, for people: ``direct`` or ``apps_prod > apps_all``."""
    return " > ".join(via) if via else "direct"


def json_lines(rows: Sequence[dict[str, Any]], indent: str = "") -> str:
    """A JSON list with one object per line."""
    if not rows:
        return "[]"
    joined = f",\n{indent}  ".join(_JSON.encode(row) for row in rows)
    return f"[\n{indent}  {joined}\n{indent}]"


def _csv(fields: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    """CSV with a header row of ``fields``; booleans as ``true``/``false``, lists joined with `` > ``."""
    return Table(fields, [[_csv_cell(row[key]) for key in fields] for row in rows]).csv()


def _csv_cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " > ".join(value)
    return str(value)


def _markdown(
    environment: Environment,
    model: PermissionModel,
    reach_of: dict[str, list[EffectiveGrant]],
    picture: Graph,
    header: str,
) -> str:
    name = environment.name
    facts = model.environments[name]
    principals = ", ".join(
        code(p.key) + (f" ({p.display_name})" if p.application_id and p.display_name else "")
        for p in environment.manifest.service_principals
    )
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
    readers = sorted({g.principal for g in grants if g.permission_level == "CAN_READ" and not g.implicit})
    if facts.production and readers:
        lines += [
            "> **Production readers (explicit opt-in):** "
            + code_list(readers)
            + " can read production objects of this environment (CAN_READ only).",
            "",
        ]
    lines += [*_picture(name, picture), "## Grants and memberships", ""]
    lines += ["Implicit grants are added by Databricks itself, not by these manifests; they are real access.", ""]
    lines += Table(
        ("Object", "Object type", "Principal", "Principal type", "Level", "Implicit", "What it allows"),
        [
            (
                code(g.object),
                g.object_type,
                code(g.principal),
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
                    code(g.principal),
                    code(g.object),
                    g.object_type,
                    g.permission_level,
                    code_list(g.via) if g.via else "direct",
                )
                for g in reach
            ],
        ).markdown()
    else:
        lines.append("The environment has no service principals.")
    return "\n".join(lines) + "\n"


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
        "dashed arrows are implicit grants that Databricks adds itself (admins, the identity running Terraform).",
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
