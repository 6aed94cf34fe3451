"""Databricks permission levels and Unity Catalog privileges, their order and what each one allows, in plain
language."""

from __future__ import annotations

MEMBER = "MEMBER"

#: Levels that only read: what a reader group may hold on a production object.
READ_ONLY_LEVELS = frozenset({"CAN_READ", "USE_CATALOG", "USE_SCHEMA", "EXECUTE"})

#: Every level, weakest first: registered models have CAN_READ, CAN_EDIT, CAN_MANAGE_STAGING_VERSIONS,
#: CAN_MANAGE_PRODUCTION_VERSIONS, CAN_MANAGE; directories CAN_READ, CAN_RUN, CAN_EDIT, CAN_MANAGE. The Unity
#: Catalog privileges follow (they never meet a workspace level on one object): USE_* < EXECUTE < ... < MANAGE <
#: OWNER (ownership is not a grant, but the owner can grant itself everything).
LEVEL_ORDER = (
    "CAN_READ",
    "CAN_RUN",
    "CAN_EDIT",
    "CAN_MANAGE_STAGING_VERSIONS",
    "CAN_MANAGE_PRODUCTION_VERSIONS",
    "CAN_MANAGE",
    "USE_CATALOG",
    "USE_SCHEMA",
    "EXECUTE",
    "APPLY_TAG",
    "CREATE_FUNCTION",
    "CREATE_MODEL",
    "ALL_PRIVILEGES",
    "MANAGE",
    "OWNER",
    MEMBER,
)

_SCHEMAS_AND_MODELS = frozenset({"schema", "registered_model"})
#: Unity Catalog privileges that a grant on a catalog or schema passes to the objects below it, by the object
#: types they apply to there (USE_CATALOG is about the catalog alone; USE_SCHEMA and CREATE_* on a catalog reach
#: its schemas; the rest reach schemas and models). The owner of a catalog or schema holds everything below it.
INHERITED_BY: dict[str, frozenset[str]] = {
    "USE_SCHEMA": frozenset({"schema"}),
    "CREATE_MODEL": frozenset({"schema"}),
    "CREATE_FUNCTION": frozenset({"schema"}),
    "EXECUTE": _SCHEMAS_AND_MODELS,
    "APPLY_TAG": _SCHEMAS_AND_MODELS,
    "ALL_PRIVILEGES": _SCHEMAS_AND_MODELS,
    "MANAGE": _SCHEMAS_AND_MODELS,
    "OWNER": _SCHEMAS_AND_MODELS,
}

_MODEL_ABILITIES = {
    "CAN_READ": "view the model, its versions, their details and artifacts; request stage transitions",
    "CAN_EDIT": "what CAN_READ allows, plus add new versions and edit model and version descriptions",
    "CAN_MANAGE_STAGING_VERSIONS": "what CAN_EDIT allows, plus move versions between None, Staging and "
    "Archived and approve such transition requests",
    "CAN_MANAGE_PRODUCTION_VERSIONS": "what CAN_MANAGE_STAGING_VERSIONS allows, plus move versions into "
    "and out of Production and approve such requests",
    "CAN_MANAGE": "everything: what CAN_MANAGE_PRODUCTION_VERSIONS allows (moving versions into and out of "
    "Production included), plus rename or delete the model and its versions and change its permissions",
}
_DIRECTORY_ABILITIES = {
    "CAN_READ": "view the directory and read the experiments and runs inside it",
    "CAN_RUN": "what CAN_READ allows, plus run notebooks in the directory",
    "CAN_EDIT": "what CAN_RUN allows, plus edit the experiments and runs inside it",
    "CAN_MANAGE": "everything: create, log to and delete experiments in it, and change its permissions",
}
_NEEDS_USE = " (with USE_CATALOG and USE_SCHEMA, which every operation needs)"
#: Unity Catalog privileges by securable (DESIGN.md section 7).
_UNITY_CATALOG_ABILITIES = {
    ("catalog", "OWNER"): "owns the catalog (ownership, not a grant): can grant itself or anyone any privilege on "
    "it and on every schema and model in it, so it holds everything below; can rename or drop it",
    ("catalog", "MANAGE"): "manage the grants of the catalog and of everything in it, rename or drop it "
    "(owner-equivalent)",
    ("catalog", "USE_CATALOG"): "enter the catalog: needed, with USE_SCHEMA, for anything on the schemas and models "
    "in it; reads nothing by itself",
    ("catalog", "USE_SCHEMA"): "enter every schema of the catalog",
    ("catalog", "EXECUTE"): "read the metadata of every model in the catalog and download or load its versions",
    ("catalog", "CREATE_MODEL"): "create models in every schema of the catalog, and own them",
    ("catalog", "CREATE_FUNCTION"): "create functions and models in every schema of the catalog, and own them",
    ("schema", "OWNER"): "owns the schema (ownership, not a grant): can grant itself or anyone any privilege on it "
    "and on every model in it, so it holds everything below; can create models, rename or drop it",
    ("schema", "MANAGE"): "manage the grants of the schema and of every model in it, rename or drop it "
    "(owner-equivalent)",
    ("schema", "USE_SCHEMA"): "enter the schema: needed, with USE_CATALOG, for anything on the models in it; reads "
    "nothing by itself",
    ("schema", "EXECUTE"): "read the metadata of every model in the schema and download or load its versions",
    ("schema", "CREATE_MODEL"): "create models in the schema, and own them (then create their versions and aliases)",
    ("schema", "CREATE_FUNCTION"): "create functions and models in the schema, and own them",
    ("registered_model", "OWNER"): "owns the model (ownership, not a grant): creates versions, sets and deletes "
    "aliases, edits, renames or drops the model, and grants privileges on it" + _NEEDS_USE,
    ("registered_model", "MANAGE"): "rename or drop the model and manage its grants (owner-equivalent; creating "
    "versions and setting aliases stays with the owner)",
    ("registered_model", "EXECUTE"): "read the model's metadata and download or load its versions"
    + _NEEDS_USE
    + "; no new versions, no aliases",
    ("registered_model", "APPLY_TAG"): "add and remove tags on the model",
}
_UNITY_CATALOG_ANY = {
    "APPLY_TAG": "add and remove tags on it and on everything in it",
    "ALL_PRIVILEGES": "every privilege on it and on everything in it but MANAGE; not ownership",
}
_MEMBERSHIP = "holds every permission granted to the group"


def describe(object_type: str, level: str) -> str:
    """One plain-language line on what ``level`` allows on an object of ``object_type``."""
    if level == MEMBER:
        return _MEMBERSHIP
    unity_catalog = _UNITY_CATALOG_ABILITIES.get((object_type, level)) or _UNITY_CATALOG_ANY.get(level)
    if unity_catalog is not None:
        return unity_catalog
    table = _MODEL_ABILITIES if object_type == "registered_model" else _DIRECTORY_ABILITIES
    return table[level]


def describe_inherited(level: str, container_type: str, container: str) -> str:
    """What ``level``, granted on ``container`` (a catalog or schema), gives on an object below it."""
    if level == "OWNER":
        return f"the owner of {container_type} {container} can grant itself any privilege here"
    return f"{level} on {container_type} {container} applies here"


def level_order(level: str) -> int:
    """Position of ``level`` in :data:`LEVEL_ORDER` (-1 when unknown), to pick the strongest of several."""
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else -1
