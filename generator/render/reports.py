"""Permission files for auditors: Markdown per environment, CSV and JSON for the workspace."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from generator.model.effective_access import EFFECTIVE_FIELDS, EffectiveGrant, effective_access
from generator.model.levels import describe
from generator.manifests.loader import Environment, Workspace
from generator.model.permission_model import GRANT_FIELDS, GROUP, Grant, PermissionModel

PERMISSIONS_DIRECTORY = "permissions"
WORKSPACE_CSV = f"{PERMISSIONS_DIRECTORY}/workspace.csv"
WORKSPACE_JSON = f"{PERMISSIONS_DIRECTORY}/workspace.json"
#: One encoder for every row: json.dumps(..., ensure_ascii=False) would build a new one per call.
_JSON = json.JSONEncoder(ensure_ascii=False)


def environment_report(name: str) -> str:
    """Path of the Markdown permission file of environment ``name``."""
    return f"{PERMISSIONS_DIRECTORY}/{name}.md"


def render_reports(workspace: Workspace, model: PermissionModel, header: Any) -> dict[str, str]:
    """Every permission file, by path relative to the repository root."""
    reach: dict[str, list[EffectiveGrant]] = {}
    runners = {principal for facts in model.environments.values() for principal in facts.principals}
    for grant in effective_access(model, runners):
        reach.setdefault(grant.principal, []).append(grant)
    files = {environment_report(environment.name): _markdown(environment, model, reach,
                                                             header(_sources(workspace, environment.source), "md"))
             for environment in workspace.environments}
    files[WORKSPACE_CSV] = header(workspace.sources, "#") + "\n" + grants_csv(model.grants)
    environments = {name: {"production": facts.production, "group": facts.group,
                           "experiment_directory": facts.experiment_directory, "models": list(facts.models)}
                    for name, facts in sorted(model.environments.items())}
    files[WORKSPACE_JSON] = ("{\n  \"generated\": " + _JSON.encode(header(workspace.sources, None))
                             + ",\n  \"environments\": {\n    "
                             + ",\n    ".join(f"{_JSON.encode(name)}: {_JSON.encode(facts)}"
                                             for name, facts in environments.items()) + "\n  }"
                             + ",\n  \"grants\": " + grants_json_text(model.grants, indent="  ") + "\n}\n")
    return files


def grants_json_text(grants: tuple[Grant, ...], indent: str = "") -> str:
    """Grants as a JSON list with one grant per line (readable in diffs, fast to write)."""
    return _json_lines(grants_json(grants), indent)


def grants_json(grants: tuple[Grant, ...]) -> list[dict[str, Any]]:
    """Grants as the documented list of JSON objects, in the model's sorted order."""
    return [grant.as_dict() for grant in grants]


def grants_csv(grants: tuple[Grant, ...]) -> str:
    """Grants as CSV with a header row of the documented keys."""
    return _csv_text(GRANT_FIELDS, (grant.as_dict() for grant in grants))


def grants_table(grants: tuple[Grant, ...]) -> str:
    """Grants as an aligned plain-text table for terminals."""
    headings = ("ENVIRONMENT", "OBJECT TYPE", "OBJECT", "PRINCIPAL", "PRINCIPAL TYPE", "LEVEL", "IMPLICIT")
    return _aligned(headings, [(g.environment, g.object_type, g.object, g.principal, g.principal_type,
                                g.permission_level, "yes" if g.implicit else "") for g in grants])


def effective_table(grants: tuple[EffectiveGrant, ...]) -> str:
    """Effective grants as an aligned plain-text table for terminals."""
    headings = ("PRINCIPAL", "PRINCIPAL TYPE", "OBJECT TYPE", "OBJECT", "LEVEL", "THROUGH", "IMPLICIT")
    return _aligned(headings, [(g.principal, g.principal_type, g.object_type, g.object, g.permission_level,
                                via_text(g.via), "yes" if g.implicit else "") for g in grants])


def effective_csv(grants: tuple[EffectiveGrant, ...]) -> str:
    """Effective grants as CSV; ``via`` is the chain of groups joined with `` > ``, empty when direct."""
    return _csv_text(EFFECTIVE_FIELDS, (grant.as_dict() for grant in grants))


def effective_json_text(grants: tuple[EffectiveGrant, ...]) -> str:
    """Effective grants as a JSON list, one per line."""
    return _json_lines([grant.as_dict() for grant in grants]) + "\n"


def via_text(via: tuple[str, ...]) -> str:
    """How a grant is held, for people: ``direct`` or ``apps_prod > apps_all``."""
    return " > ".join(via) if via else "direct"


def _json_lines(rows: list[dict[str, Any]], indent: str = "") -> str:
    """A JSON list with one object per line."""
    if not rows:
        return "[]"
    joined = f",\n{indent}  ".join(_JSON.encode(row) for row in rows)
    return f"[\n{indent}  {joined}\n{indent}]"


def _csv_text(fields: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> str:
    """CSV with a header row of ``fields``; booleans as ``true``/``false``, lists joined with `` > ``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(fields)
    for row in rows:
        writer.writerow([_csv_cell(row[key]) for key in fields])
    return buffer.getvalue()


def _csv_cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " > ".join(value)
    return value


def _aligned(headings: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(str(row[i])) for row in [headings, *rows]) for i in range(len(headings))]
    return "\n".join("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip()
                     for row in [headings, *rows]) + "\n"


def _sources(workspace: Workspace, source: str) -> tuple[str, ...]:
    return tuple(sorted(filter(None, (source, workspace.settings_source))))


def _markdown(environment: Environment, model: PermissionModel, reach_of: dict[str, list[EffectiveGrant]],
              header: str) -> str:
    name = environment.name
    facts = model.environments[name]
    principals = ", ".join(f"`{p.key}`" + (f" ({p.display_name})" if p.application_id and p.display_name else "")
                           for p in environment.manifest.service_principals)
    grants = model.for_environment(name)
    kind = "production" if facts.production else "non-production"
    lines = [header, "", f"# Permissions of environment `{name}` ({kind})", "",
             f"- Group: `{facts.group}`, a member of `{model.all_principals_group}`",
             f"- Service principals: {principals or 'none'}",
             f"- Experiment directory: `{facts.experiment_directory}`",
             f"- Registered models: {_code_list(facts.models) or 'none'}", ""]
    readers = sorted({g.principal for g in grants if g.permission_level == "CAN_READ" and not g.implicit})
    if facts.production and readers:
        lines += ["> **Production readers (explicit opt-in):** " + _code_list(readers) +
                  " can read production objects of this environment (CAN_READ only).", ""]
    lines += ["Implicit grants are added by Databricks itself, not by these manifests; they are real access.", "",
              "| Object | Object type | Principal | Principal type | Level | Implicit | What it allows |",
              "|---|---|---|---|---|---|---|"]
    for grant in grants:
        lines.append(f"| `{grant.object}` | {grant.object_type} | `{grant.principal}` | {grant.principal_type} | "
                     f"{grant.permission_level} | {'yes' if grant.implicit else 'no'} | "
                     f"{_allows(grant)} |")
    lines += ["", "## What the service principals of this environment can reach", ""]
    reach = [grant for principal in sorted(facts.principals) for grant in reach_of.get(principal, ())]
    if reach:
        lines += ["Every object, in any environment, reached directly or through groups (`mlenv access`).", "",
                  "| Service principal | Object | Object type | Level | Through |", "|---|---|---|---|---|"]
        lines += [f"| `{grant.principal}` | `{grant.object}` | {grant.object_type} | {grant.permission_level} | "
                  f"{_code_list(grant.via) if grant.via else 'direct'} |" for grant in reach]
    else:
        lines.append("The environment has no service principals.")
    return "\n".join(lines) + "\n"


def _allows(grant: Grant) -> str:
    if grant.object_type == GROUP:
        return f"`{grant.principal}` {describe(GROUP, grant.permission_level)} `{grant.object}`"
    return describe(grant.object_type, grant.permission_level)


def _code_list(values: Any) -> str:
    return ", ".join(f"`{value}`" for value in values)
