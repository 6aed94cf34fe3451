"""Grants and effective grants as rows: aligned tables for terminals, CSV and JSON with documented keys.

``names`` maps a principal known by id to its name (see :meth:`Manifests.display_names`); rows carry
it as ``principal_name``, and grant rows carry the manifest line they come from as ``source``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from generator.model.effective_access import EFFECTIVE_FIELDS, INHERITED_EFFECTIVE_FIELDS, EffectiveGrant
from generator.model.grants import GRANT_FIELDS, Grant
from generator.tables import Table, code

#: Keys of a grant row in CSV and JSON, in order.
GRANT_ROW_FIELDS = (*GRANT_FIELDS, "principal_name", "source")
#: Keys of an effective grant row in CSV and JSON, in order.
EFFECTIVE_ROW_FIELDS = (*EFFECTIVE_FIELDS, "principal_name")
#: The same in Unity Catalog mode (with ``inherited_from``: the catalog or schema a grant comes down from).
INHERITED_EFFECTIVE_ROW_FIELDS = (*INHERITED_EFFECTIVE_FIELDS, "principal_name")
#: One encoder for every row: json.dumps(..., ensure_ascii=False) would build a new one per call.
JSON_ENCODER = json.JSONEncoder(ensure_ascii=False)


def grant_row(grant: Grant, names: Mapping[str, str]) -> dict[str, Any]:
    """A grant as the documented row: its keys, the principal's name and the manifest line it comes from."""
    return {**grant.as_dict(), "principal_name": names.get(grant.principal, ""), "source": grant.source}


def grant_rows(grants: Iterable[Grant], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """Every grant as its row (see :func:`grant_row`), built once for the CSV and the JSON of the same grants."""
    return [grant_row(grant, names) for grant in grants]


def grants_json_text(grants: Sequence[Grant], names: Mapping[str, str], indent: str = "") -> str:
    """Grants as a JSON list with one grant per line (readable in diffs, fast to write)."""
    return json_lines(grant_rows(grants, names), indent)


def grants_csv(grants: Sequence[Grant], names: Mapping[str, str]) -> str:
    """Grants as CSV: a header row of the documented keys, then one row per grant."""
    return grant_rows_csv(grant_rows(grants, names))


def grant_rows_csv(rows: Iterable[dict[str, Any]]) -> str:
    """Grant rows (from :func:`grant_rows`) as CSV: a header row of the documented keys, then one row each."""
    return _csv(GRANT_ROW_FIELDS, rows)


def grants_table(grants: Sequence[Grant], names: Mapping[str, str]) -> str:
    """Grants as an aligned plain-text table for terminals."""
    headings = ("ENVIRONMENT", "OBJECT TYPE", "OBJECT", "PRINCIPAL", "NAME", "PRINCIPAL TYPE", "LEVEL", "IMPLICIT")
    return Table(
        headings,
        [
            (
                g.environment,
                g.object_type,
                g.object,
                g.principal,
                names.get(g.principal, ""),
                g.principal_type,
                g.permission_level,
                "yes" if g.implicit else "",
            )
            for g in grants
        ],
    ).text()


def effective_row(grant: EffectiveGrant, names: Mapping[str, str], inheritance: bool = False) -> dict[str, Any]:
    """An effective grant as the documented row, with the principal's name (and ``inherited_from`` in Unity
    Catalog mode)."""
    return {**grant.as_dict(inheritance), "principal_name": names.get(grant.principal, "")}


def effective_table(grants: Sequence[EffectiveGrant], names: Mapping[str, str]) -> str:
    """Effective grants as an aligned plain-text table for terminals."""
    headings = ("PRINCIPAL", "NAME", "PRINCIPAL TYPE", "OBJECT TYPE", "OBJECT", "LEVEL", "THROUGH", "IMPLICIT")
    return Table(
        headings,
        [
            (
                g.principal,
                names.get(g.principal, ""),
                g.principal_type,
                g.object_type,
                g.object,
                g.permission_level,
                through_text(g),
                "yes" if g.implicit else "",
            )
            for g in grants
        ],
    ).text()


def effective_csv(grants: Sequence[EffectiveGrant], names: Mapping[str, str], inheritance: bool = False) -> str:
    """Effective grants as CSV; ``via`` is the chain of groups joined with `` > ``, empty when direct; in Unity
    Catalog mode ``inherited_from`` follows it."""
    fields = INHERITED_EFFECTIVE_ROW_FIELDS if inheritance else EFFECTIVE_ROW_FIELDS
    return _csv(fields, (effective_row(grant, names, inheritance) for grant in grants))


def effective_json_text(grants: Sequence[EffectiveGrant], names: Mapping[str, str], inheritance: bool = False) -> str:
    """Effective grants as a JSON list, one per line."""
    return json_lines([effective_row(grant, names, inheritance) for grant in grants]) + "\n"


def via_text(via: Sequence[str]) -> str:
    """How a grant is held, for people: ``direct`` or ``apps_prod > apps_all``."""
    return " > ".join(via) if via else "direct"


def through_text(grant: EffectiveGrant) -> str:
    """How a grant is held, for people: the groups, then the catalog or schema it comes down from, if any:
    ``apps_prod``, ``inherited from ml_prod`` or ``apps_prod, inherited from ml_prod.models``."""
    if not grant.inherited_from:
        return via_text(grant.via)
    inherited = f"inherited from {grant.inherited_from}"
    return f"{via_text(grant.via)}, {inherited}" if grant.via else inherited


def json_lines(rows: Sequence[dict[str, Any]], indent: str = "") -> str:
    """A JSON list with one object per line."""
    if not rows:
        return "[]"
    joined = f",\n{indent}  ".join(JSON_ENCODER.encode(row) for row in rows)
    return f"[\n{indent}  {joined}\n{indent}]"


def _csv(fields: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    """CSV with a header row of ``fields``; booleans as ``true``/``false``, lists joined with `` > ``."""
    return Table(fields, [[_csv_cell(row[key]) for key in fields] for row in rows]).csv()


def _csv_cell(value: Any) -> str:
    if type(value) is str:  # most cells: the fast path
        return value
    return _csv_value(value)


def _csv_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " > ".join(value)
    return str(value)


def named_principal(principal: str, names: Mapping[str, str]) -> str:
    """A principal as inline code, followed by its name when it is known by id."""
    name = names.get(principal)
    return code(principal) + (f" ({name})" if name else "")
