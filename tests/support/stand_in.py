"""A local HTTP stand-in for the Databricks REST endpoints that mlenv audit and mlenv adopt read and
that the Terraform provider writes.

It answers with the real response shapes (SCIM groups, members and service principals, SCIM Me with
the workspace id header, workspace get-status, list, mkdirs and delete, registered-model create, get, list
and delete, permissions get and set), so the real databricks-sdk code and the real provider run end
to end. An endpoint it lacks answers 501, never a "not found" that a caller could take for an
answer. Only the REST API is faked; nothing else is.
"""

from __future__ import annotations

import json
import random
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from generator.model.grants import DIRECTORY, GROUP, REGISTERED_MODEL, SERVICE_PRINCIPAL, TERRAFORM_IDENTITY, USER
from generator.model.permission_model import PermissionModel
from tests.support.stand_in_model_registry import ModelRegistry
from tests.support.stand_in_unity_catalog import UnityCatalog

TOKEN = "dapi-fake-token"
#: A token of an identity that exists but may not use this workspace: every request answers 403.
FORBIDDEN_TOKEN = "dapi-forbidden-token"
WORKSPACE_ID = "1234567890123456"
#: The user the token belongs to (SCIM Me): the identity running Terraform against this stand-in.
FAKE_DEPLOYER = "deployer@example.com"
_OBJECT_TYPES = {"directories": "directory", "registered-models": "registered-model"}
_PRINCIPAL_FIELD = {GROUP: "group_name", SERVICE_PRINCIPAL: "service_principal_name", USER: "user_name"}


#: The fault kinds :class:`Faults` injects, in the order a draw tries them.
THROTTLED, UNAVAILABLE, DROPPED, LOST = "throttled", "unavailable", "dropped", "lost"


@dataclass
class Faults:
    """Transient failures a share of requests meets, drawn from a seeded generator (the same run twice is the same).

    ``throttled``: 429 with ``Retry-After: 1``; ``unavailable``: 503 ``TEMPORARILY_UNAVAILABLE``; ``dropped``:
    the connection is closed before the request is handled; ``lost``: the request is handled, then the
    connection is closed before the answer (the caller cannot know that it happened). ``counts`` says how many
    of each were injected.
    """

    throttled: float = 0.0
    unavailable: float = 0.0
    dropped: float = 0.0
    lost: float = 0.0
    seed: int = 0
    #: Only requests that change the workspace meet faults (a read stays whole).
    writes_only: bool = False
    #: Names of groups and service principals (application ids) whose every read (GET by id) is dropped until
    #: :meth:`off`: the read back after their create fails, however often the client repeats it.
    unreadable: set[str] = field(default_factory=set)
    counts: Counter[str] = field(default_factory=Counter)
    _random: random.Random = field(init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def draw(self, method: str, name: str | None) -> str | None:
        """The fault a request meets, or None; ``name`` is the group or service principal it reads, if any."""
        with self._lock:
            if method == "GET" and name in self.unreadable:
                self.counts[DROPPED] += 1
                return DROPPED
            if self.writes_only and method == "GET":
                return None
            roll = self._random.random()
            shares = ((THROTTLED, self.throttled), (UNAVAILABLE, self.unavailable), (DROPPED, self.dropped))
            for kind, share in (*shares, (LOST, self.lost)):
                if roll < share:
                    self.counts[kind] += 1
                    return kind
                roll -= share
        return None

    def off(self) -> None:
        """No more faults (the workspace recovered)."""
        self.throttled = self.unavailable = self.dropped = self.lost = 0.0
        self.unreadable.clear()


#: The ``workspace.yaml`` line of a repository deployed to a stand-in without a :class:`RequestBudget` (the
#: default): the highest budget mlenv takes, so that Terraform and mlenv's reads go at their own pace. Only the
#: tests of the budget itself deploy at a budget the stand-in enforces.
UNTHROTTLED = "request_budget: 1000\n"


def unthrottled(root: Path) -> Path:
    """``root``'s ``environments/workspace.yaml`` with :data:`UNTHROTTLED` added (once); ``root``."""
    settings = root / "environments" / "workspace.yaml"
    text = settings.read_text(encoding="utf-8")
    if UNTHROTTLED not in text:
        settings.write_text(text + UNTHROTTLED, encoding="utf-8")
    return root


@dataclass
class RequestBudget:
    """Databricks' per-workspace throttling: a token bucket of ``rate`` requests per second holding at most
    ``burst`` (default: one second's worth); a request finding it empty is answered 429 with ``Retry-After``.
    ``per_second`` counts the requests admitted in each second since the first, ``refused`` the 429s."""

    rate: float
    burst: float = 0.0
    per_second: Counter[int] = field(default_factory=Counter)
    refused: int = 0
    #: The refused requests by the first word of their User-Agent (which client sent them).
    refused_agents: Counter[str] = field(default_factory=Counter)
    _tokens: float = field(init=False)
    _last: float = field(init=False)
    _started: float = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.burst = self.burst or self.rate
        self._tokens = self.burst
        self._last = self._started = time.monotonic()

    def take(self) -> bool:
        """Whether a request arriving now is admitted (it then uses one token)."""
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
            self._last = now
            if self._tokens < 1:
                self.refused += 1
                return False
            self._tokens -= 1
            self.per_second[int(now - self._started)] += 1
            return True

    @property
    def peak(self) -> int:
        """The most requests admitted in one second."""
        return max(self.per_second.values(), default=0)


@dataclass
class FakeWorkspace:
    """Live state: groups and members, service principals, directories, models and their ACLs."""

    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    service_principals: dict[str, dict[str, str]] = field(default_factory=dict)
    directories: dict[str, dict[str, Any]] = field(default_factory=dict)
    models: dict[str, dict[str, Any]] = field(default_factory=dict)
    latency: float = 0.0
    throttle_once: set[str] = field(default_factory=set)
    requests: list[tuple[str, str]] = field(default_factory=list)
    #: Unity Catalog securables and the account's identities (tests.support.stand_in_unity_catalog).
    uc: UnityCatalog = field(default_factory=lambda: UnityCatalog(WORKSPACE_ID, {TOKEN: FAKE_DEPLOYER}))
    #: MLflow's Unity Catalog registry API (versions, aliases, credentials) over ``uc``'s models.
    registry: ModelRegistry | None = None
    in_flight: int = 0
    max_in_flight: int = 0
    #: Transient failures injected into a share of requests (none by default).
    faults: Faults = field(default_factory=Faults)
    #: The workspace's request budget (429 above it), shared by every caller; none by default.
    budget: RequestBudget | None = None
    #: Tokens accepted besides :data:`TOKEN`, each for the same deployer (a test's own canary, say).
    extra_tokens: set[str] = field(default_factory=set)
    _next_id: int = 1000
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        if self.registry is None:
            self.registry = ModelRegistry(self.uc)

    def new_id(self) -> str:
        """A fresh numeric id."""
        self._next_id += 1
        return str(self._next_id)

    @classmethod
    def matching(cls, model: PermissionModel, unnamed_identity: str = "deployer@example.com") -> FakeWorkspace:
        """A workspace exactly as Terraform leaves it after applying ``model``.

        The identity running Terraform gets CAN_MANAGE on every model; when the manifests do not
        name it, it is the user ``unnamed_identity``.
        """
        workspace = cls()
        for grant in model.grants:
            if grant.object_type == GROUP:
                group = workspace.group(grant.object)
                if grant.principal_type == SERVICE_PRINCIPAL:
                    sp_id = workspace.service_principal(grant.principal)
                    group["members"].append(
                        {"value": sp_id, "display": grant.principal, "$ref": f"ServicePrincipals/{sp_id}"}
                    )
                else:
                    member = workspace.group(grant.principal)
                    group["members"].append(
                        {"value": member["id"], "display": grant.principal, "$ref": f"Groups/{member['id']}"}
                    )
            elif not grant.implicit:
                workspace.grant(
                    grant.object_type, grant.object, grant.principal_type, grant.principal, grant.permission_level
                )
            elif grant.principal != "admins":
                principal_type, principal = (
                    (USER, unnamed_identity)
                    if grant.principal_type == TERRAFORM_IDENTITY
                    else (grant.principal_type, grant.principal)
                )
                workspace.grant(grant.object_type, grant.object, principal_type, principal, grant.permission_level)
        return workspace

    def group(self, name: str) -> dict[str, Any]:
        """The group called ``name``, created when missing."""
        return self.groups.setdefault(name, {"id": self.new_id(), "displayName": name, "members": []})

    def service_principal(self, application_id: str) -> str:
        """SCIM id of the service principal with ``application_id``, created when missing."""
        for sp_id, sp in self.service_principals.items():
            if sp["applicationId"] == application_id:
                return sp_id
        sp_id = self.new_id()
        self.service_principals[sp_id] = {"applicationId": application_id, "displayName": f"sp-{application_id[:8]}"}
        return sp_id

    def version(self, model: str, version: int, stage: str, user_id: str) -> None:
        """Record ``version`` of ``model`` as the latest in ``stage``, registered by ``user_id``."""
        self.obj(REGISTERED_MODEL, model).setdefault("latest_versions", []).append(
            {
                "name": model,
                "version": str(version),
                "current_stage": stage,
                "user_id": user_id,
                "status": "READY",
                "creation_timestamp": 1700000000000 + version,
            }
        )

    def read_by_id(self, path: str) -> str | None:
        """The group or service principal (application id) a SCIM path by id names, if any."""
        scim = "/api/2.0/preview/scim/v2/"
        identifier = path.rpartition("/")[2]
        with self._lock:
            if path.startswith(f"{scim}Groups/"):
                return next((name for name, group in self.groups.items() if group["id"] == identifier), None)
            if path.startswith(f"{scim}ServicePrincipals/") and identifier in self.service_principals:
                return self.service_principals[identifier]["applicationId"]
        return None

    def obj(self, object_type: str, name: str) -> dict[str, Any]:
        """The directory or registered model ``name``, created with Databricks' inherited admin grant."""
        if object_type == REGISTERED_MODEL:
            return self.models.setdefault(
                name, {"id": f"{self.new_id()}abcdef", "acl": self._admins("/registered-models/")}
            )
        return self.directories.setdefault(
            name, {"object_id": int(self.new_id()), "acl": self._admins("/directories/")}
        )

    def grant(
        self,
        object_type: str,
        name: str,
        principal_type: str,
        principal: str,
        level: str,
        inherited_from: str | None = None,
    ) -> None:
        """Add a direct (or inherited) permission."""
        self.obj(object_type, name)["acl"].append(
            {
                _PRINCIPAL_FIELD[principal_type]: principal,
                "all_permissions": [
                    {
                        "permission_level": level,
                        "inherited": inherited_from is not None,
                        **({"inherited_from_object": [inherited_from]} if inherited_from else {}),
                    }
                ],
            }
        )

    def revoke(self, object_type: str, name: str, principal: str) -> None:
        """Remove every permission of ``principal`` on the object."""
        acl = self.obj(object_type, name)["acl"]
        acl[:] = [entry for entry in acl if principal not in entry.values()]

    @staticmethod
    def _admins(root: str) -> list[dict[str, Any]]:
        return [
            {
                "group_name": "admins",
                "all_permissions": [
                    {"permission_level": "CAN_MANAGE", "inherited": True, "inherited_from_object": [root]}
                ],
            }
        ]

    # ---------------------------------------------------------------- HTTP

    def answer(self, method: str, path: str, query: dict[str, str], authorization: str) -> tuple[int, dict, dict]:
        """Status, JSON body and extra headers for one request."""
        if path == "/.well-known/databricks-config":  # host metadata: this stand-in has none
            return 404, {"error_code": "NOT_FOUND", "message": "Not found"}, {}
        if authorization == f"Bearer {FORBIDDEN_TOKEN}":
            return 403, {"error_code": "PERMISSION_DENIED", "message": "You are not allowed to use this workspace."}, {}
        if self.registry is not None and self.registry.handles(path):
            with self._lock:
                return self._model_registry(method, path, query, authorization)
        if self.uc.handles(path):
            if path in self.throttle_once:
                self.throttle_once.discard(path)
                return 429, {"error_code": "TOO_MANY_REQUESTS", "message": "Too many requests."}, {"Retry-After": "1"}
            return self._unity_catalog(method, path, query, authorization)
        if authorization != f"Bearer {TOKEN}":
            return 401, {"error_code": "UNAUTHENTICATED", "message": "Invalid access token."}, {}
        if path in self.throttle_once:
            self.throttle_once.discard(path)
            return 429, {"error_code": "TOO_MANY_REQUESTS", "message": "Too many requests."}, {"Retry-After": "1"}
        if path == "/api/2.0/preview/scim/v2/Groups":
            wanted = query.get("filter", "").partition(" eq ")[2].strip('"')
            found = [group for group in self.groups.values() if not wanted or group["displayName"] == wanted]
            return 200, _scim_page(found, query), {}
        if path == "/api/2.0/preview/scim/v2/Me":  # the provider reads the workspace id from the header
            return (
                200,
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "1", "userName": FAKE_DEPLOYER},
                {"X-Databricks-Org-Id": WORKSPACE_ID},
            )
        if path.startswith("/api/2.0/preview/scim/v2/Groups/"):
            group_id = path.rpartition("/")[2]
            for group in self.groups.values():
                if group["id"] == group_id:
                    return 200, {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], **group}, {}
            if method == "GET" and group_id in self.uc.account_groups and group_id in self.uc.assignments:
                # Identity federation: an account group assigned to the workspace is read through the workspace's
                # SCIM API too (the provider does so when it imports one: the import has no `api` to go by).
                return (
                    200,
                    {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], **self.uc.account_groups[group_id]},
                    {},
                )
            return (
                404,
                {
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                    "detail": "Group not found",
                    "status": "404",
                },
                {},
            )
        if path == "/api/2.0/preview/scim/v2/ServicePrincipals":
            attribute, _, wanted = query.get("filter", "").partition(" eq ")
            found = [
                {"id": sp_id, **sp}
                for sp_id, sp in self.service_principals.items()
                if not wanted or sp.get(attribute.strip()) == wanted.strip().strip('"')
            ]
            return 200, _scim_page(found, query), {}
        if path == "/api/2.0/workspace/list":
            parent = query.get("path", "").rstrip("/")
            children = sorted(name for name in self.directories if name.rpartition("/")[0] == parent)
            if not children and parent not in self.directories:
                return 404, {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": f"Path ({parent}) doesn't exist."}, {}
            objects = [
                {"path": name, "object_type": "DIRECTORY", "object_id": self.directories[name]["object_id"]}
                for name in children
            ]
            return 200, {"objects": objects}, {}
        if path == "/api/2.0/workspace/get-status":
            directory = self.directories.get(query.get("path", ""))
            if directory is None:
                return (
                    404,
                    {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": f"Path ({query.get('path')}) doesn't exist."},
                    {},
                )
            return 200, {"object_type": "DIRECTORY", "path": query["path"], "object_id": directory["object_id"]}, {}
        if path == "/api/2.0/mlflow/databricks/registered-models/get":
            model = self.models.get(query.get("name", ""))
            if model is None:
                return (
                    404,
                    {
                        "error_code": "RESOURCE_DOES_NOT_EXIST",
                        "message": f"RegisteredModel '{query.get('name')}' does not exist.",
                    },
                    {},
                )
            return (
                200,
                {
                    "registered_model_databricks": {
                        "name": query["name"],
                        "id": model["id"],
                        "permission_level": "CAN_MANAGE",
                        "latest_versions": model.get("latest_versions", []),
                        **({"description": model["description"]} if model.get("description") else {}),
                        **({"tags": model["tags"]} if model.get("tags") else {}),
                    }
                },
                {},
            )
        if path == "/api/2.0/mlflow/registered-models/list":
            names = sorted(self.models)
            start = int(query.get("page_token") or 0)
            size = int(query.get("max_results") or 100)
            page = names[start : start + size]
            body: dict[str, Any] = {"registered_models": [{"name": name} for name in page]}
            if start + size < len(names):
                body["next_page_token"] = str(start + size)
            return 200, body, {}
        if path.startswith("/api/2.0/permissions/"):
            kind, _, object_id = path.partition("/api/2.0/permissions/")[2].partition("/")
            item = self._by_permission_id(kind, object_id)
            if item is None:
                return 404, {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": f"{kind} {object_id} not found"}, {}
            return 200, self._permissions(kind, object_id, item), {}
        if path.startswith("/api/2.0/preview/scim/v2/ServicePrincipals/"):
            sp_id = path.rpartition("/")[2]
            if sp_id not in self.service_principals:
                return 404, _scim_error("Service principal not found", 404), {}
            return 200, self._service_principal_resource(sp_id), {}
        return _not_implemented(method, path)

    def change(self, method: str, path: str, body: dict[str, Any], authorization: str) -> tuple[int, dict, dict]:
        """Status, JSON body and headers for a request that changes the workspace (what Terraform sends)."""
        if authorization == f"Bearer {FORBIDDEN_TOKEN}":
            return 403, {"error_code": "PERMISSION_DENIED", "message": "You are not allowed to use this workspace."}, {}
        if self.registry is not None and self.registry.handles(path):
            return self._model_registry(method, path, body, authorization)
        if self.uc.handles(path):
            return self._unity_catalog(method, path, body, authorization)
        if authorization != f"Bearer {TOKEN}":
            return 401, {"error_code": "UNAUTHENTICATED", "message": "Invalid access token."}, {}
        scim = "/api/2.0/preview/scim/v2/"
        if method == "POST" and path == f"{scim}Groups":
            if body.get("displayName") in self.groups:
                return 409, _scim_error(f"Group with name {body['displayName']} already exists.", 409), {}
            return (
                201,
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], **self.group(body["displayName"])},
                {},
            )
        if method == "PATCH" and path.startswith(f"{scim}Groups/"):
            group = next((g for g in self.groups.values() if g["id"] == path.rpartition("/")[2]), None)
            if group is None:
                return 404, _scim_error("Group not found", 404), {}
            for operation in body.get("Operations", []):
                self._patch_members(group, operation)
            return 204, {}, {}
        if method == "POST" and path == f"{scim}ServicePrincipals":
            application_id = body.get("applicationId", "")
            if any(sp["applicationId"] == application_id for sp in self.service_principals.values()):
                return (
                    409,
                    _scim_error(f"Service principal with application ID {application_id} already exists.", 409),
                    {},
                )
            sp_id = self.service_principal(application_id)
            if body.get("displayName"):
                self.service_principals[sp_id]["displayName"] = body["displayName"]
            return 201, self._service_principal_resource(sp_id), {}
        if method == "PUT" and path.startswith(f"{scim}ServicePrincipals/"):
            sp_id = path.rpartition("/")[2]
            if sp_id not in self.service_principals:
                return 404, _scim_error("Service principal not found", 404), {}
            if body.get("displayName"):
                self.service_principals[sp_id]["displayName"] = body["displayName"]
            return 200, self._service_principal_resource(sp_id), {}
        if method == "DELETE" and path.startswith((f"{scim}Groups/", f"{scim}ServicePrincipals/")):
            identifier = path.rpartition("/")[2]
            if path.startswith(f"{scim}Groups/"):
                self.groups = {name: g for name, g in self.groups.items() if g["id"] != identifier}
            else:
                self.service_principals.pop(identifier, None)
            for group in self.groups.values():
                group["members"] = [member for member in group["members"] if member["value"] != identifier]
            return 204, {}, {}
        if method == "POST" and path == "/api/2.0/workspace/delete":
            self.directories.pop(body["path"], None)
            return 200, {}, {}
        if method == "DELETE" and path == "/api/2.0/mlflow/registered-models/delete":
            self.models.pop(body["name"], None)
            return 200, {}, {}
        if method == "POST" and path == "/api/2.0/workspace/mkdirs":
            self.obj(DIRECTORY, body["path"])
            return 200, {}, {}
        if method == "POST" and path == "/api/2.0/mlflow/registered-models/create":
            if body["name"] in self.models:
                return (
                    400,
                    {
                        "error_code": "RESOURCE_ALREADY_EXISTS",
                        "message": f"Registered Model (name={body['name']}) already exists.",
                    },
                    {},
                )
            model = self.obj(REGISTERED_MODEL, body["name"])
            model["description"] = body.get("description", "")
            model["tags"] = body.get("tags", [])
            return (
                200,
                {
                    "registered_model": {
                        "name": body["name"],
                        "description": model["description"],
                        "creation_timestamp": 1700000000000,
                    }
                },
                {},
            )
        if method == "PATCH" and path == "/api/2.0/mlflow/registered-models/update":
            if body.get("name") not in self.models:
                return 404, {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": f"{body.get('name')} not found"}, {}
            self.models[body["name"]]["description"] = body.get("description", "")
            return 200, {}, {}
        if method == "PUT" and path.startswith("/api/2.0/permissions/"):
            kind, _, object_id = path.partition("/api/2.0/permissions/")[2].partition("/")
            item = self._by_permission_id(kind, object_id)
            if item is None:
                return 404, {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": f"{kind} {object_id} not found"}, {}
            item["acl"] = self._admins(f"/{kind}/") + [
                {field: entry[field] for field in _PRINCIPAL_FIELD.values() if entry.get(field)}
                | {"all_permissions": [{"permission_level": entry["permission_level"], "inherited": False}]}
                for entry in body.get("access_control_list", [])
            ]
            return 200, self._permissions(kind, object_id, item), {}
        return _not_implemented(method, path)

    def _unity_catalog(
        self, method: str, path: str, request: dict[str, Any], authorization: str
    ) -> tuple[int, dict, dict]:
        caller = self.uc.callers.get(authorization.removeprefix("Bearer "))
        if caller is None:
            return 401, {"error_code": "UNAUTHENTICATED", "message": "Invalid access token."}, {}
        return self.uc.serve(method, path, request, caller)

    def _model_registry(
        self, method: str, path: str, request: dict[str, Any], authorization: str
    ) -> tuple[int, dict, dict]:
        caller = self.uc.callers.get(authorization.removeprefix("Bearer "))
        if caller is None or self.registry is None:
            return 401, {"error_code": "UNAUTHENTICATED", "message": "Invalid access token."}, {}
        return self.registry.serve(method, path, request, caller)

    def _patch_members(self, group: dict[str, Any], operation: dict[str, Any]) -> None:
        if operation.get("op", "").lower() == "add":
            value = operation.get("value", {})
            for member in value.get("members", []) if isinstance(value, dict) else value:
                if all(existing["value"] != member["value"] for existing in group["members"]):
                    group["members"].append(self._member(member["value"]))
        elif operation.get("op", "").lower() == "remove":
            removed = operation.get("path", "").partition('eq "')[2].rstrip('"]')
            group["members"] = [member for member in group["members"] if member["value"] != removed]

    def _member(self, member_id: str) -> dict[str, str]:
        if member_id in self.service_principals:
            return {
                "value": member_id,
                "display": self.service_principals[member_id]["displayName"],
                "$ref": f"ServicePrincipals/{member_id}",
            }
        group = next(g for g in self.groups.values() if g["id"] == member_id)
        return {"value": member_id, "display": group["displayName"], "$ref": f"Groups/{member_id}"}

    def _service_principal_resource(self, sp_id: str) -> dict[str, Any]:
        sp = self.service_principals[sp_id]
        return {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal"],
            "id": sp_id,
            "active": True,
            **sp,
        }

    def _by_permission_id(self, kind: str, object_id: str) -> dict[str, Any] | None:
        store = self.directories if kind == "directories" else self.models
        return next((item for item in store.values() if str(item.get("object_id", item.get("id"))) == object_id), None)

    @staticmethod
    def _permissions(kind: str, object_id: str, item: dict[str, Any]) -> dict[str, Any]:
        return {
            "object_id": f"/{kind}/{object_id}",
            "object_type": _OBJECT_TYPES.get(kind, kind),
            "access_control_list": item["acl"],
        }


def _canonical_token(authorization: str, extra_tokens: set[str]) -> str:
    """An extra token's header as :data:`TOKEN`'s: the same deployer, whatever secret it carries."""
    return f"Bearer {TOKEN}" if authorization.removeprefix("Bearer ") in extra_tokens else authorization


def _not_implemented(method: str, path: str) -> tuple[int, dict, dict]:
    """501 for an endpoint the stand-in lacks, so a test fails loudly instead of reading it as "not found"."""
    return 501, {"error_code": "NOT_IMPLEMENTED", "message": f"the stand-in does not implement {method} {path}"}, {}


def _scim_error(detail: str, status: int) -> dict[str, Any]:
    return {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "detail": detail, "status": str(status)}


def _scim_page(resources: list[dict], query: dict[str, str]) -> dict[str, Any]:
    start = int(query.get("startIndex", "1"))
    count = int(query.get("count", "100"))
    page = resources[start - 1 : start - 1 + count]
    return {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": len(resources),
        "startIndex": start,
        "itemsPerPage": len(page),
        "Resources": page,
    }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        workspace: FakeWorkspace = self.server.workspace  # type: ignore[attr-defined]
        parsed = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parsed.query))
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        request = json.loads(raw) if raw.strip() else {}
        with workspace._lock:
            workspace.requests.append((self.command, parsed.path))
            workspace.in_flight += 1
            workspace.max_in_flight = max(workspace.max_in_flight, workspace.in_flight)
        api = parsed.path.startswith("/api/")
        fault = workspace.faults.draw(self.command, workspace.read_by_id(parsed.path)) if api else None
        if api and fault is None and workspace.budget is not None and not workspace.budget.take():
            workspace.budget.refused_agents[self.headers.get("User-Agent", "").split(" ")[0]] += 1
            fault = THROTTLED
        try:
            if workspace.latency:
                time.sleep(workspace.latency)
            if fault is not None and fault != LOST:
                self._fail(fault)
                return
            authorization = _canonical_token(self.headers.get("Authorization", ""), workspace.extra_tokens)
            with workspace._lock:  # one request at a time reads or changes the state (the latency is outside)
                if self.command == "GET":
                    status, body, headers = workspace.answer("GET", parsed.path, query, authorization)
                else:
                    status, body, headers = workspace.change(
                        self.command, parsed.path, {**query, **request}, authorization
                    )
        finally:
            with workspace._lock:
                workspace.in_flight -= 1
        if fault == LOST:
            self.close_connection = True
            return
        payload = b"" if status == 204 else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _fail(self, fault: str) -> None:
        """Answer 429 or 503, or close the connection without an answer."""
        if fault == DROPPED:
            self.close_connection = True
            return
        status, code, message = (
            (429, "TOO_MANY_REQUESTS", "Too many requests.")
            if fault == THROTTLED
            else (503, "TEMPORARILY_UNAVAILABLE", "The service is temporarily unavailable.")
        )
        payload = json.dumps({"error_code": code, "message": message}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        if fault == THROTTLED:
            self.send_header("Retry-After", "1")
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, *arguments: object) -> None:
        """Quiet."""


class FakeDatabricks:
    """The HTTP server around a :class:`FakeWorkspace`; use as a context manager."""

    def __init__(self, workspace: FakeWorkspace):
        self.workspace = workspace
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.workspace = workspace  # type: ignore[attr-defined]
        self.host = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeDatabricks:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
