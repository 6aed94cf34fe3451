"""MLflow's Unity Catalog model registry API (``/api/2.0/mlflow/unity-catalog/...``) over the stand-in's UC state.

MLflow's ``databricks-uc`` store (``mlflow/store/_unity_catalog/registry/rest_store.py``) calls these
endpoints; the request and response shapes follow ``databricks_uc_registry_messages.proto``
(``mlflow.ucmodelregistry``): a registered model is ``{name, creation_timestamp, user_id,
description, aliases: [{alias, version}], tags: [{key, value}]}``, a version adds ``version`` (a
string), ``source``, ``run_id``, ``status`` (``PENDING_REGISTRATION`` until finalized, then
``READY``), ``storage_location`` and ``model_id``.

The models are the ones Unity Catalog holds (:class:`tests.support.stand_in_unity_catalog.UnityCatalog`,
as Terraform left them); versions go into the same model records (``versions``, ``aliases``: one
holder per alias, setting it moves it). Permissions are enforced as Unity Catalog does:

* only the model's owner (a principal, or a member of the owning group), a holder of MANAGE, or a
  metastore admin creates and finalizes versions, sets and deletes aliases and tags, and gets write
  credentials;
* reading a model or a version, searching, and read credentials need EXECUTE on the model (or on its
  schema or catalog) or ownership, plus USE_CATALOG and USE_SCHEMA (or ownership of those);
* creating a model needs CREATE_MODEL (or CREATE_FUNCTION) on the schema.

Refusals answer 403 ``PERMISSION_DENIED``; missing models, versions and aliases 404
``RESOURCE_DOES_NOT_EXIST``. Version files live in an S3-compatible store (``bucket``): temporary
credentials are ``aws_temp_credentials`` for the version's ``storage_location``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.support.stand_in_unity_catalog import Answer, UnityCatalog

PREFIX = "/api/2.0/mlflow/unity-catalog/"
#: What a caller may do with a model: read it (EXECUTE + USE_*), write it (owner), or create one in the schema.
READ, WRITE = "read", "write"
_READ_WRITE = "MODEL_VERSION_OPERATION_READ_WRITE"


def _error(status: int, code: str, message: str) -> Answer:
    return status, {"error_code": code, "message": message}, {}


def _now() -> int:
    return int(time.time() * 1000)


@dataclass
class ModelRegistry:
    """The MLflow UC registry endpoints of one stand-in, holding versions, aliases and tags in ``uc``'s models."""

    uc: UnityCatalog
    bucket: str = "metastore"
    #: The credentials handed out: write ones only to owners (the S3 server is told which is which by tests).
    read_credentials: dict[str, str] = field(
        default_factory=lambda: {"access_key_id": "read-key", "secret_access_key": "read-secret", "session_token": "r"}
    )
    write_credentials: dict[str, str] = field(
        default_factory=lambda: {
            "access_key_id": "write-key",
            "secret_access_key": "write-secret",
            "session_token": "w",
        }
    )
    model_tags: dict[str, dict[str, str]] = field(default_factory=dict)
    version_tags: dict[tuple[str, int], dict[str, str]] = field(default_factory=dict)

    def handles(self, path: str) -> bool:
        """Whether ``path`` is one of MLflow's Unity Catalog registry endpoints."""
        return path.startswith(PREFIX)

    def serve(self, method: str, path: str, request: dict[str, Any], caller: str) -> Answer:
        """Answer one request of ``caller`` (a principal known by its token)."""
        route = (method, path[len(PREFIX) :])
        handler: Callable[[dict[str, Any], str], Answer] | None = self._routes().get(route)
        if handler is None:
            return _error(501, "NOT_IMPLEMENTED", f"the stand-in does not implement {method} {path}")
        try:
            return handler(request, caller)
        except KeyError as missing:
            return _error(400, "INVALID_PARAMETER_VALUE", f"missing field {missing}")

    def _routes(self) -> dict[tuple[str, str], Callable[[dict[str, Any], str], Answer]]:
        return {
            ("GET", "registered-models:is-databricks-sdk-models-artifact-repository-enabled"): self._sdk_repository,
            ("POST", "registered-models/create"): self._create_model,
            ("GET", "registered-models/get"): self._get_model,
            ("PATCH", "registered-models/update"): self._update_model,
            ("DELETE", "registered-models/delete"): self._delete_model,
            ("GET", "registered-models/search"): self._search_models,
            ("POST", "registered-models/set-tag"): self._set_model_tag,
            ("DELETE", "registered-models/delete-tag"): self._delete_model_tag,
            ("POST", "registered-models/alias"): self._set_alias,
            ("DELETE", "registered-models/alias"): self._delete_alias,
            ("GET", "registered-models/alias"): self._get_by_alias,
            ("POST", "model-versions/create"): self._create_version,
            ("GET", "model-versions/get"): self._get_version,
            ("PATCH", "model-versions/update"): self._update_version,
            ("DELETE", "model-versions/delete"): self._delete_version,
            ("GET", "model-versions/search"): self._search_versions,
            ("POST", "model-versions/finalize"): self._finalize,
            ("POST", "model-versions/generate-temporary-credentials"): self._credentials,
            ("GET", "model-versions/get-download-uri"): self._download_uri,
            ("POST", "model-versions/set-tag"): self._set_version_tag,
            ("DELETE", "model-versions/delete-tag"): self._delete_version_tag,
        }

    # ------------------------------------------------------------ permissions

    def may(self, caller: str, access: str, full_name: str) -> bool:
        """Whether ``caller`` may ``access`` (:data:`READ` or :data:`WRITE`) the model ``full_name``."""
        who = self.uc.identities(caller)
        if who & self.uc.metastore_admins:
            return True
        model = self.uc.models[full_name]
        owner = model["owner"] in who or "MANAGE" in self._held(who, full_name)
        if access == WRITE or owner:
            return owner and self._uses(who, full_name)
        held = self._held(who, full_name)
        return bool(held & {"EXECUTE", "ALL_PRIVILEGES"}) and self._uses(who, full_name)

    def _held(self, who: set[str], full_name: str) -> set[str]:
        """Privileges ``who`` holds on the model, directly or inherited from its schema and catalog."""
        catalog, schema, _ = full_name.split(".")
        held: set[str] = set()
        for key in (("function", full_name), ("schema", f"{catalog}.{schema}"), ("catalog", catalog)):
            for principal, privileges in self.uc.grants.get(key, {}).items():
                if principal in who:
                    held |= privileges
        return held

    def _uses(self, who: set[str], full_name: str) -> bool:
        """USE_CATALOG and USE_SCHEMA (or ownership of the catalog, the schema): needed for anything below."""
        catalog, schema, _ = full_name.split(".")
        schema_name = f"{catalog}.{schema}"
        catalog_grants = {
            p for principal, ps in self.uc.grants.get(("catalog", catalog), {}).items() if principal in who for p in ps
        }
        schema_grants = {
            p
            for principal, ps in self.uc.grants.get(("schema", schema_name), {}).items()
            if principal in who
            for p in ps
        }
        owns_catalog = self.uc.catalogs.get(catalog, {}).get("owner") in who
        owns_schema = self.uc.schemas.get(schema_name, {}).get("owner") in who
        uses_catalog = owns_catalog or bool(catalog_grants & {"USE_CATALOG", "ALL_PRIVILEGES"})
        uses_schema = (
            owns_catalog or owns_schema or bool((schema_grants | catalog_grants) & {"USE_SCHEMA", "ALL_PRIVILEGES"})
        )
        return uses_catalog and uses_schema

    def _checked(self, caller: str, access: str, name: str) -> tuple[dict[str, Any] | None, Answer | None]:
        """The model ``name`` when ``caller`` may ``access`` it, else the refusal to answer."""
        model = self.uc.models.get(name)
        if model is None:
            return None, _error(404, "RESOURCE_DOES_NOT_EXIST", f"Registered model '{name}' does not exist.")
        if not self.may(caller, access, name):
            needs = "EXECUTE on the model and USE CATALOG/USE SCHEMA" if access == READ else "ownership of the model"
            return None, _error(403, "PERMISSION_DENIED", f"User {caller} does not have {needs} for '{name}'.")
        return model, None

    def _version(self, model: dict[str, Any], number: object) -> dict[str, Any] | None:
        wanted = int(str(number)) if str(number).isdigit() else -1
        return next((v for v in model.get("versions", []) if v["version"] == wanted), None)

    def _with_version(
        self, request: dict[str, Any], caller: str, access: str
    ) -> tuple[dict[str, Any] | None, dict[str, Any] | None, Answer | None]:
        model, refused = self._checked(caller, access, request["name"])
        if model is None:
            return None, None, refused
        version = self._version(model, request["version"])
        if version is None:
            message = f"Model version {request['version']} of '{request['name']}' does not exist."
            return None, None, _error(404, "RESOURCE_DOES_NOT_EXIST", message)
        return model, version, None

    # ------------------------------------------------------------ shapes

    def model_json(self, model: dict[str, Any]) -> dict[str, Any]:
        """A ``mlflow.ucmodelregistry.RegisteredModel`` as JSON."""
        return {
            "name": model["full_name"],
            "creation_timestamp": model["created_at"],
            "last_updated_timestamp": model.get("updated_at", model["created_at"]),
            "user_id": model["created_by"],
            "description": model.get("comment", ""),
            "aliases": [{"alias": a["alias_name"], "version": str(a["version_num"])} for a in model["aliases"]],
            "tags": [{"key": k, "value": v} for k, v in sorted(self.model_tags.get(model["full_name"], {}).items())],
        }

    def version_json(self, model: dict[str, Any], version: dict[str, Any]) -> dict[str, Any]:
        """A ``mlflow.ucmodelregistry.ModelVersion`` as JSON."""
        number = version["version"]
        tags = self.version_tags.get((model["full_name"], number), {})
        shaped = {
            "name": model["full_name"],
            "version": str(number),
            "creation_timestamp": version["created_at"],
            "last_updated_timestamp": version.get("updated_at", version["created_at"]),
            "user_id": version["created_by"],
            "description": version.get("comment", ""),
            "source": version.get("source", ""),
            "run_id": version.get("run_id", ""),
            "status": version["status"],
            "storage_location": version.get("storage_location", f"{model['storage_location']}/versions/{number}"),
            "aliases": [
                {"alias": a["alias_name"], "version": str(number)}
                for a in model["aliases"]
                if a["version_num"] == number
            ],
            "tags": [{"key": k, "value": v} for k, v in sorted(tags.items())],
        }
        if version.get("model_id"):
            shaped["model_id"] = version["model_id"]
        return shaped

    # ------------------------------------------------------------ registered models

    def _sdk_repository(self, request: dict[str, Any], caller: str) -> Answer:
        return 200, {"is_databricks_sdk_models_artifact_repository_enabled": False}, {}

    def _create_model(self, request: dict[str, Any], caller: str) -> Answer:
        parts = str(request["name"]).split(".")
        if len(parts) != 3:
            return _error(400, "INVALID_PARAMETER_VALUE", f"'{request['name']}' is not catalog.schema.model.")
        status, body, headers = self.uc.serve(
            "POST",
            "/api/2.1/unity-catalog/models",
            {
                "catalog_name": parts[0],
                "schema_name": parts[1],
                "name": parts[2],
                "comment": request.get("description", ""),
            },
            caller,
        )
        if status != 200:
            if body.get("error_code") == "RESOURCE_ALREADY_EXISTS":
                return status, body, headers
            return status, body, headers
        model = self.uc.models[request["name"]]
        self.model_tags[model["full_name"]] = {t["key"]: t.get("value", "") for t in request.get("tags", [])}
        return 200, {"registered_model": self.model_json(model)}, {}

    def _get_model(self, request: dict[str, Any], caller: str) -> Answer:
        model, refused = self._checked(caller, READ, request["name"])
        return refused if model is None else (200, {"registered_model": self.model_json(model)}, {})

    def _update_model(self, request: dict[str, Any], caller: str) -> Answer:
        model, refused = self._checked(caller, WRITE, request["name"])
        if model is None:
            return refused  # type: ignore[return-value]
        if request.get("new_name"):
            return _error(501, "NOT_IMPLEMENTED", "the stand-in does not rename Unity Catalog models")
        if "description" in request:
            model["comment"] = request["description"]
        model["updated_at"] = _now()
        return 200, {"registered_model": self.model_json(model)}, {}

    def _delete_model(self, request: dict[str, Any], caller: str) -> Answer:
        model, refused = self._checked(caller, WRITE, request["name"])
        if model is None:
            return refused  # type: ignore[return-value]
        del self.uc.models[request["name"]]
        self.uc.grants.pop(("function", request["name"]), None)
        return 200, {}, {}

    def _search_models(self, request: dict[str, Any], caller: str) -> Answer:
        visible = [m for name, m in sorted(self.uc.models.items()) if self.may(caller, READ, name)]
        return self._page(request, [self.model_json(m) for m in visible], "registered_models", 100)

    def _set_model_tag(self, request: dict[str, Any], caller: str) -> Answer:
        model, refused = self._checked(caller, WRITE, request["name"])
        if model is None:
            return refused  # type: ignore[return-value]
        self.model_tags.setdefault(request["name"], {})[request["key"]] = str(request.get("value", ""))
        return 200, {}, {}

    def _delete_model_tag(self, request: dict[str, Any], caller: str) -> Answer:
        model, refused = self._checked(caller, WRITE, request["name"])
        if model is None:
            return refused  # type: ignore[return-value]
        self.model_tags.get(request["name"], {}).pop(request["key"], None)
        return 200, {}, {}

    def _set_alias(self, request: dict[str, Any], caller: str) -> Answer:
        model, version, refused = self._with_version(request, caller, WRITE)
        if model is None or version is None:
            return refused  # type: ignore[return-value]
        model["aliases"] = [a for a in model["aliases"] if a["alias_name"] != request["alias"]]
        model["aliases"].append({"alias_name": request["alias"], "version_num": version["version"]})
        return 200, {}, {}

    def _delete_alias(self, request: dict[str, Any], caller: str) -> Answer:
        model, refused = self._checked(caller, WRITE, request["name"])
        if model is None:
            return refused  # type: ignore[return-value]
        model["aliases"] = [a for a in model["aliases"] if a["alias_name"] != request["alias"]]
        return 200, {}, {}

    def _get_by_alias(self, request: dict[str, Any], caller: str) -> Answer:
        model, refused = self._checked(caller, READ, request["name"])
        if model is None:
            return refused  # type: ignore[return-value]
        held = next((a for a in model["aliases"] if a["alias_name"] == request["alias"]), None)
        version = None if held is None else self._version(model, held["version_num"])
        if version is None:
            message = f"Alias {request['alias']} of '{request['name']}' does not exist."
            return _error(404, "RESOURCE_DOES_NOT_EXIST", message)
        return 200, {"model_version": self.version_json(model, version)}, {}

    # ------------------------------------------------------------ model versions

    def _create_version(self, request: dict[str, Any], caller: str) -> Answer:
        model, refused = self._checked(caller, WRITE, request["name"])
        if model is None:
            return refused  # type: ignore[return-value]
        versions = model.setdefault("versions", [])
        number = max((v["version"] for v in versions), default=0) + 1
        version = {
            "model_name": model["name"],
            "catalog_name": model["catalog_name"],
            "schema_name": model["schema_name"],
            "version": number,
            "created_by": caller,
            "created_at": _now(),
            "status": "PENDING_REGISTRATION",
            "source": request.get("source", ""),
            "run_id": request.get("run_id", ""),
            "comment": request.get("description", ""),
            "model_id": request.get("model_id", ""),
            "storage_location": f"s3://{self.bucket}/{model['storage_location'].partition('://')[2].partition('/')[2]}/versions/{number}",
        }
        versions.append(version)
        self.version_tags[(model["full_name"], number)] = {
            t["key"]: t.get("value", "") for t in request.get("tags", [])
        }
        return 200, {"model_version": self.version_json(model, version)}, {}

    def _get_version(self, request: dict[str, Any], caller: str) -> Answer:
        model, version, refused = self._with_version(request, caller, READ)
        if model is None or version is None:
            return refused  # type: ignore[return-value]
        return 200, {"model_version": self.version_json(model, version)}, {}

    def _update_version(self, request: dict[str, Any], caller: str) -> Answer:
        model, version, refused = self._with_version(request, caller, WRITE)
        if model is None or version is None:
            return refused  # type: ignore[return-value]
        if "description" in request:
            version["comment"] = request["description"]
        version["updated_at"] = _now()
        return 200, {"model_version": self.version_json(model, version)}, {}

    def _delete_version(self, request: dict[str, Any], caller: str) -> Answer:
        model, version, refused = self._with_version(request, caller, WRITE)
        if model is None or version is None:
            return refused  # type: ignore[return-value]
        model["versions"].remove(version)
        model["aliases"] = [a for a in model["aliases"] if a["version_num"] != version["version"]]
        return 200, {}, {}

    def _search_versions(self, request: dict[str, Any], caller: str) -> Answer:
        wanted = str(request.get("filter", "")).partition("=")[2].strip().strip("'\"")
        if not wanted or "name" not in str(request.get("filter", "")):
            return _error(400, "INVALID_PARAMETER_VALUE", "Unity Catalog searches versions by name = '<model>' only.")
        model, refused = self._checked(caller, READ, wanted)
        if model is None:
            return refused  # type: ignore[return-value]
        shaped = [self.version_json(model, v) for v in sorted(model.get("versions", []), key=lambda v: -v["version"])]
        return self._page(request, shaped, "model_versions", 10000)

    def _finalize(self, request: dict[str, Any], caller: str) -> Answer:
        model, version, refused = self._with_version(request, caller, WRITE)
        if model is None or version is None:
            return refused  # type: ignore[return-value]
        version["status"] = "READY"
        version["updated_at"] = _now()
        return 200, {"model_version": self.version_json(model, version)}, {}

    def _credentials(self, request: dict[str, Any], caller: str) -> Answer:
        access = WRITE if request.get("operation") == _READ_WRITE else READ
        model, version, refused = self._with_version(request, caller, access)
        if model is None or version is None:
            return refused  # type: ignore[return-value]
        keys = self.write_credentials if access == WRITE else self.read_credentials
        credentials = {
            "aws_temp_credentials": keys,
            "expiration_time": _now() + 3600_000,
            "storage_mode": "CUSTOMER_HOSTED",
        }
        return 200, {"credentials": credentials}, {}

    def _download_uri(self, request: dict[str, Any], caller: str) -> Answer:
        model, version, refused = self._with_version(request, caller, READ)
        if model is None or version is None:
            return refused  # type: ignore[return-value]
        return 200, {"artifact_uri": self.version_json(model, version)["storage_location"]}, {}

    def _set_version_tag(self, request: dict[str, Any], caller: str) -> Answer:
        model, version, refused = self._with_version(request, caller, WRITE)
        if model is None or version is None:
            return refused  # type: ignore[return-value]
        self.version_tags.setdefault((model["full_name"], version["version"]), {})[request["key"]] = str(
            request.get("value", "")
        )
        return 200, {}, {}

    def _delete_version_tag(self, request: dict[str, Any], caller: str) -> Answer:
        model, version, refused = self._with_version(request, caller, WRITE)
        if model is None or version is None:
            return refused  # type: ignore[return-value]
        self.version_tags.get((model["full_name"], version["version"]), {}).pop(request["key"], None)
        return 200, {}, {}

    @staticmethod
    def _page(request: dict[str, Any], items: list[dict[str, Any]], key: str, default: int) -> Answer:
        start = int(request.get("page_token") or 0)
        size = int(request.get("max_results") or default)
        body: dict[str, Any] = {key: items[start : start + size]}
        if start + size < len(items):
            body["next_page_token"] = str(start + size)
        return 200, body, {}
