"""The manifest format: one definition used by the loader and by the published JSON Schema.

``environments/<env>.yaml`` is an :class:`EnvironmentManifest`; the optional
``environments/workspace.yaml`` is a :class:`WorkspaceSettings`.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

ENVIRONMENT_NAME_PATTERN = r"^[a-z][a-z0-9]{1,15}$"
MODEL_NAME_PATTERN = r"^[a-z][a-z0-9_-]{0,62}[a-z0-9]$"
GROUP_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 ._@+-]{0,126}[A-Za-z0-9._-]$"
DISPLAY_NAME_PATTERN = GROUP_NAME_PATTERN
USER_NAME_PATTERN = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$"
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
TAG_KEY_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$"
BACKEND_KEY_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
WORKSPACE_PATH_PATTERN = r"^(/[A-Za-z0-9][A-Za-z0-9_.-]*)+$"
GROUP_PATTERN_PATTERN = r"^[A-Za-z0-9_.-]*\{env\}[A-Za-z0-9_.-]*$"
HOST_PATTERN = r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?/?$"
UC_NAME_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"
CATALOG_PATTERN_PATTERN = r"^([a-z][a-z0-9_]{0,20})?\{env\}[a-z0-9_]{0,20}$"
STORAGE_ROOT_PATTERN_PATTERN = r"^(s3|abfss|gs)://[A-Za-z0-9@._/-]*\{env\}[A-Za-z0-9@._/-]*$"
FREE_TEXT_PATTERN = r"^[^\x00-\x08\x0b-\x1f\x7f]*$"
NIL_UUID = "00000000-0000-0000-0000-000000000000"

#: Most registered models one environment may own.
MAX_MODELS = 1000
#: Most service principals one environment may have.
MAX_SERVICE_PRINCIPALS = 100
#: Most reader groups on one model or experiment directory.
MAX_READERS = 100
#: Most tags on one model.
MAX_TAGS = 100

#: Hints shown when a value does not match one of the patterns above.
PATTERN_HINTS: dict[str, str] = {
    ENVIRONMENT_NAME_PATTERN: "2-16 lowercase letters and digits, starting with a letter, no '_', e.g. acc",
    MODEL_NAME_PATTERN: "2-64 lowercase letters, digits, '_' and '-', starting with a letter and "
    "ending with a letter or digit, e.g. churn",
    GROUP_NAME_PATTERN: "2-128 letters, digits, spaces and . _ @ + -, starting with a letter or digit, "
    "e.g. data-scientists",
    USER_NAME_PATTERN: "an e-mail address such as jane.doe@example.com",
    UUID_PATTERN: "an application (client) id such as 9f0c6a1e-3b2d-4c5e-8f7a-1b2c3d4e5f60",
    BACKEND_KEY_PATTERN: "backend arguments are lowercase words with '_', e.g. storage_account_name",
    TAG_KEY_PATTERN: "tag keys are 1-64 letters, digits, '_', '.' and '-', starting with a letter",
    WORKSPACE_PATH_PATTERN: "an absolute workspace path of letters, digits, '_', '.' and '-', e.g. /experiments",
    GROUP_PATTERN_PATTERN: "letters, digits, '_', '.' and '-' around one '{env}', e.g. apps_{env}",
    HOST_PATTERN: "the workspace URL, e.g. https://adb-1234567890123456.7.azuredatabricks.net",
    FREE_TEXT_PATTERN: "remove control characters; use plain text on one or more lines",
    UC_NAME_PATTERN: "a Unity Catalog name of 1-63 lowercase letters, digits and '_', starting with a letter, "
    "e.g. ml_acc",
    CATALOG_PATTERN_PATTERN: "up to 20 lowercase letters, digits and '_' on each side of one '{env}', starting "
    "with a letter or '{env}', e.g. ml_{env}",
    STORAGE_ROOT_PATTERN_PATTERN: "a cloud storage URL (s3://, abfss:// or gs://) with one '{env}', "
    "e.g. s3://ml-models/{env}",
}

ModelName = Annotated[
    str, Field(pattern=MODEL_NAME_PATTERN, description="Short model name, without the environment suffix.")
]
GroupName = Annotated[
    str, Field(pattern=GROUP_NAME_PATTERN, description="Display name of an existing workspace group.")
]
FreeText = Annotated[str, Field(pattern=FREE_TEXT_PATTERN, max_length=1000)]
#: An application (client) id; stored lowercase, as Databricks reports it.
ApplicationId = Annotated[str, Field(pattern=UUID_PATTERN), AfterValidator(str.lower)]


class Strict(BaseModel):
    """Base of every manifest model: unknown keys refused, no type coercion, immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ServicePrincipal(Strict):
    """An identity that runs this environment's jobs.

    Azure-managed service principals are named by ``application_id`` (their client id);
    Databricks-managed ones by ``display_name``. Give the application id whenever it exists:
    Databricks permissions name service principals by application id.
    """

    application_id: ApplicationId | None = Field(
        default=None, description=("Application (client) id of an Azure-managed service principal.")
    )
    display_name: str | None = Field(
        default=None,
        pattern=DISPLAY_NAME_PATTERN,
        description="Display name; required for a Databricks-managed service principal.",
    )

    @model_validator(mode="after")
    def _named(self) -> ServicePrincipal:
        if self.application_id is None and self.display_name is None:
            raise ValueError("a service principal needs an application_id or a display_name")
        if self.application_id == NIL_UUID:
            raise ValueError("application_id is the all-zero placeholder; use the principal's real client id")
        return self

    @property
    def key(self) -> str:
        """The identifier Databricks permissions and memberships use for this principal."""
        return self.application_id or self.display_name or ""


class ModelSpec(Strict):
    """A registered model owned by one environment; a bare string is short for ``{name: ...}``."""

    name: ModelName
    description: FreeText | None = Field(default=None, description="Shown in the model registry.")
    readers: list[GroupName] = Field(
        default_factory=list,
        max_length=MAX_READERS,
        description=(
            "Extra workspace groups given CAN_READ on this model. On a production model this is an "
            "explicit, reported opt-in; environment groups are never allowed."
        ),
    )
    tags: dict[Annotated[str, Field(pattern=TAG_KEY_PATTERN)], FreeText] = Field(
        default_factory=dict, max_length=MAX_TAGS, description="Tags set on the registered model."
    )

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:
        return value if isinstance(value, (dict, list)) else {"name": value}

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        full_form = handler(core_schema)
        short_form = {
            "type": "string",
            "pattern": MODEL_NAME_PATTERN,
            "description": "Short form: just the model name.",
        }
        return {"anyOf": [short_form, full_form]}


def _null_means_empty(schema: dict[str, Any]) -> None:
    """JSON Schema of a list key that may also be left empty (``models:`` with only comments below it)."""
    listed = {key: schema.pop(key) for key in list(schema) if key not in ("title", "description")}
    schema["anyOf"] = [listed, {"type": "null"}]


def _empty_when_null(value: Any) -> Any:
    return [] if value is None else value


class EnvironmentManifest(Strict):
    """``environments/<env>.yaml``: one logical environment. The file stem is its name.

    A list key left empty (only commented examples below it) means an empty list.
    """

    @field_validator("service_principals", "models", "experiment_readers", mode="before")
    @classmethod
    def _empty_lists(cls, value: Any) -> Any:
        return _empty_when_null(value)

    production: bool = Field(
        default=False,
        description=(
            "true for a production environment: its models get CAN_MANAGE_PRODUCTION_VERSIONS and "
            "stage to Production; nothing outside it may reach them."
        ),
    )
    description: FreeText | None = Field(default=None, description="Who owns this environment and what it is for.")
    service_principals: list[ServicePrincipal] = Field(
        default_factory=list,
        max_length=MAX_SERVICE_PRINCIPALS,
        json_schema_extra=_null_means_empty,
        description=("Identities that run this environment's jobs; they become members of its group."),
    )
    models: list[ModelSpec] = Field(
        default_factory=list,
        max_length=MAX_MODELS,
        json_schema_extra=_null_means_empty,
        description=("Registered models this environment owns; each becomes {name}_{env}."),
    )
    experiment_readers: list[GroupName] = Field(
        default_factory=list,
        max_length=MAX_READERS,
        json_schema_extra=_null_means_empty,
        description=("Extra workspace groups given CAN_READ on the environment's experiment directory."),
    )
    catalog: str | None = Field(
        default=None,
        pattern=UC_NAME_PATTERN,
        description=(
            "Unity Catalog mode only: this environment's catalog, instead of the one catalog_name_pattern "
            "gives (for teams whose catalog exists already)."
        ),
    )


def uc_full_name(*parts: str) -> str:
    """A Unity Catalog full name: ``ml_acc``, ``ml_acc.models`` or ``ml_acc.models.churn``."""
    return ".".join(parts)


def model_suffix(environment: str) -> str:
    """What every registered model name of ``environment`` ends with: ``_acc``."""
    return f"_{environment}"


def full_model_name(model: str, environment: str) -> str:
    """The registered model name of short name ``model`` in ``environment``: ``churn`` in ``acc`` is ``churn_acc``."""
    return f"{model}{model_suffix(environment)}"
