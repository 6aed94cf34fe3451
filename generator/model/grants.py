"""One grant of the permission model, and the names of the object and principal types it uses."""

from __future__ import annotations

from dataclasses import dataclass, field

GROUP = "group"
DIRECTORY = "directory"
REGISTERED_MODEL = "registered_model"
CATALOG = "catalog"
SCHEMA = "schema"
SERVICE_PRINCIPAL = "service_principal"
USER = "user"
TERRAFORM_IDENTITY = "terraform_identity"

ADMINS_GROUP = "admins"
METASTORE_ADMINS = "metastore admins"
UNKNOWN_TERRAFORM_IDENTITY = "<identity running terraform>"

#: Keys of one grant in the JSON outputs, in order.
GRANT_FIELDS = ("environment", "object_type", "object", "principal", "principal_type", "permission_level", "implicit")


@dataclass(frozen=True, order=True)
class Grant:
    """One permission (or, with ``object_type == "group"``, one membership) of one principal."""

    environment: str
    object_type: str
    object: str
    principal_type: str
    principal: str
    permission_level: str
    implicit: bool = False
    source: str = field(default="", compare=False)

    def as_dict(self) -> dict[str, str | bool]:
        """The grant as the documented JSON object (without ``source``)."""
        return {key: getattr(self, key) for key in GRANT_FIELDS}
