"""Databricks permission levels, their order and what each one allows, in plain language."""

from __future__ import annotations

MEMBER = "MEMBER"

#: Levels that only read: what a reader group may hold on a production object.
READ_ONLY_LEVELS = frozenset({"CAN_READ", "USE_CATALOG", "USE_SCHEMA", "EXECUTE"})

#: Every level, weakest first: registered models have CAN_READ, CAN_EDIT, CAN_MANAGE_STAGING_VERSIONS,
#: CAN_MANAGE_PRODUCTION_VERSIONS, CAN_MANAGE; directories CAN_READ, CAN_RUN, CAN_EDIT, CAN_MANAGE.
LEVEL_ORDER = (
    "CAN_READ",
    "CAN_RUN",
    "CAN_EDIT",
    "CAN_MANAGE_STAGING_VERSIONS",
    "CAN_MANAGE_PRODUCTION_VERSIONS",
    "CAN_MANAGE",
    MEMBER,
)

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
_MEMBERSHIP = "holds every permission granted to the group"


def describe(object_type: str, level: str) -> str:
    """One plain-language line on what ``level`` allows on an object of ``object_type``."""
    if level == MEMBER:
        return _MEMBERSHIP
    table = _MODEL_ABILITIES if object_type == "registered_model" else _DIRECTORY_ABILITIES
    return table[level]


def level_order(level: str) -> int:
    """Position of ``level`` in :data:`LEVEL_ORDER` (-1 when unknown), to pick the strongest of several."""
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else -1
