"""The Unity Catalog and account parts of the REST stand-in (:mod:`tests.support.stand_in` routes to them).

State: catalogs, schemas and registered models with their owners, the direct grants on each
(``/api/2.1/unity-catalog/permissions/{securable_type}/{full_name}``; a model is securable type
``function``), account-level groups and service principals (``/api/2.0/accounts/{id}/scim/v2/...``)
and workspace permission assignments. Shapes follow databricks-sdk-go v0.170.0 and the provider
v1.126.0 (CatalogInfo, SchemaInfo, RegisteredModelInfo, GetPermissionsResponse, SCIM resources,
PermissionAssignments).

It enforces what the audit is about: a caller is known by its token (``callers``); only the owner of
a securable or of one of its parents, a holder of MANAGE there, or a metastore admin changes its
grants, owner or comment, or deletes it; creating a schema needs ownership of the catalog or
CREATE_SCHEMA (with USE_CATALOG), creating a model needs ownership of the schema or CREATE_MODEL or
CREATE_FUNCTION on it or its catalog (with USE_CATALOG and USE_SCHEMA); reading a securable needs some
privilege on it or a parent; the account API takes only ``account_admins`` when that is set. Missing
objects answer 404 with the real error codes; anything else it lacks answers 501.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

Answer = tuple[int, dict[str, Any], dict[str, str]]

UC = "/api/2.1/unity-catalog/"
ACCOUNT_ID = "00000000-0000-4000-8000-00000000acc7"
METASTORE_ID = "11111111-2222-4333-8444-555555555555"
_SECURABLE_KINDS = {"catalog": "catalogs", "schema": "schemas", "function": "models"}
_PARENT_PRIVILEGE = {"catalog": "USE_CATALOG", "schema": "USE_SCHEMA"}
_SCIM_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
_SCIM_SP = "urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal"


def _error(status: int, code: str, message: str) -> Answer:
    return status, {"error_code": code, "message": message}, {}


def _scim_error(status: int, detail: str) -> Answer:
    return (
        status,
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "detail": detail, "status": str(status)},
        {},
    )


@dataclass
class UnityCatalog:
    """Unity Catalog securables, their grants, and the account's groups, principals and workspace assignments."""

    workspace_id: str
    callers: dict[str, str] = field(default_factory=dict)
    metastore_admins: set[str] = field(default_factory=set)
    #: Who may use the account API; None: every known caller (the default, for the deploying identity).
    account_admins: set[str] | None = None
    catalogs: dict[str, dict[str, Any]] = field(default_factory=dict)
    schemas: dict[str, dict[str, Any]] = field(default_factory=dict)
    models: dict[str, dict[str, Any]] = field(default_factory=dict)
    grants: dict[tuple[str, str], dict[str, set[str]]] = field(default_factory=dict)
    account_groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    account_service_principals: dict[str, dict[str, Any]] = field(default_factory=dict)
    assignments: dict[str, list[str]] = field(default_factory=dict)
    _next_id: int = 7000

    # ------------------------------------------------------------ seeding (what an admin did before)

    def catalog(self, name: str, owner: str) -> dict[str, Any]:
        """Create catalog ``name`` owned by ``owner`` (no ``default`` schema)."""
        self.catalogs[name] = {
            "name": name,
            "full_name": name,
            "owner": owner,
            "catalog_type": "MANAGED_CATALOG",
            "isolation_mode": "OPEN",
            "securable_type": "CATALOG",
            "metastore_id": METASTORE_ID,
            "created_by": owner,
            "created_at": 1700000000000,
        }
        return self.catalogs[name]

    def schema(self, full_name: str, owner: str) -> dict[str, Any]:
        """Create schema ``catalog.schema`` owned by ``owner``."""
        catalog_name, _, name = full_name.partition(".")
        self.schemas[full_name] = {
            "name": name,
            "catalog_name": catalog_name,
            "full_name": full_name,
            "owner": owner,
            "schema_id": self.new_id(),
            "securable_type": "SCHEMA",
            "metastore_id": METASTORE_ID,
            "created_by": owner,
            "created_at": 1700000000000,
        }
        return self.schemas[full_name]

    def model(self, full_name: str, owner: str, comment: str = "") -> dict[str, Any]:
        """Create registered model ``catalog.schema.model`` owned by ``owner``."""
        catalog_name, schema_name, name = full_name.split(".")
        self.models[full_name] = {
            "name": name,
            "catalog_name": catalog_name,
            "schema_name": schema_name,
            "full_name": full_name,
            "owner": owner,
            "comment": comment,
            "aliases": [],
            "storage_location": f"s3://metastore/models/{self.new_id()}",
            "metastore_id": METASTORE_ID,
            "created_by": owner,
            "created_at": 1700000000000,
        }
        return self.models[full_name]

    def version(self, full_name: str, number: int, created_by: str, alias: str | None = None) -> None:
        """Record version ``number`` of a model, created by ``created_by``, with an optional alias."""
        model = self.models[full_name]
        model.setdefault("versions", []).append(
            {
                "model_name": model["name"],
                "catalog_name": model["catalog_name"],
                "schema_name": model["schema_name"],
                "version": number,
                "created_by": created_by,
                "status": "READY",
                "created_at": 1700000000000 + number,
            }
        )
        if alias is not None:
            model["aliases"].append({"alias_name": alias, "version_num": number})

    def grant(self, securable_type: str, full_name: str, principal: str, *privileges: str) -> None:
        """Add direct ``privileges`` of ``principal`` on a securable (``catalog``, ``schema`` or ``function``)."""
        self.grants.setdefault((securable_type, full_name), {}).setdefault(principal, set()).update(privileges)

    def revoke(self, securable_type: str, full_name: str, principal: str) -> None:
        """Remove every direct privilege of ``principal`` on a securable."""
        self.grants.get((securable_type, full_name), {}).pop(principal, None)

    def account_group(self, name: str, members: tuple[str, ...] = (), assigned: bool = True) -> dict[str, Any]:
        """An account group with ``members`` (SCIM ids), assigned to the workspace as USER unless not ``assigned``."""
        group = next((g for g in self.account_groups.values() if g["displayName"] == name), None)
        if group is None:
            group_id = self.new_id()
            group = self.account_groups[group_id] = {"id": group_id, "displayName": name, "members": []}
        for member in members:
            self._add_member(group, member)
        if assigned:
            self.assignments[group["id"]] = ["USER"]
        return group

    def account_service_principal(self, application_id: str, display_name: str = "") -> str:
        """SCIM id of the account service principal ``application_id``, created when missing."""
        for sp_id, sp in self.account_service_principals.items():
            if sp["applicationId"] == application_id:
                return sp_id
        sp_id = self.new_id()
        self.account_service_principals[sp_id] = {
            "id": sp_id,
            "applicationId": application_id,
            "displayName": display_name or f"sp-{application_id[:8]}",
            "active": True,
        }
        return sp_id

    def new_id(self) -> str:
        """A fresh numeric id (account SCIM ids are numeric: assignments take them as numbers)."""
        self._next_id += 1
        return str(self._next_id)

    # ------------------------------------------------------------ HTTP

    def handles(self, path: str) -> bool:
        """Whether ``path`` is a Unity Catalog or account endpoint."""
        return path.startswith((UC, "/api/2.0/accounts/"))

    def serve(self, method: str, path: str, query: dict[str, Any], caller: str) -> Answer:
        """Answer one request of ``caller`` (a principal name) to a Unity Catalog or account endpoint."""
        if path.startswith("/api/2.0/accounts/"):
            if self.account_admins is not None and caller not in self.account_admins:
                return _error(403, "PERMISSION_DENIED", "This API is disabled for users without account admin status.")
            return self._account(method, path, query)
        rest = path[len(UC) :]
        if rest == "current-metastore-assignment" and method == "GET":  # the provider reads it to update a catalog
            return 200, {"metastore_id": METASTORE_ID, "workspace_id": int(self.workspace_id)}, {}
        for prefix, handler in (
            ("permissions/", self._permissions),
            ("catalogs", self._catalogs),
            ("schemas", self._schemas),
            ("models", self._models),
        ):
            if rest.startswith(prefix):
                return handler(method, rest[len(prefix) :].lstrip("/"), query, caller)
        return _error(501, "NOT_IMPLEMENTED", f"the stand-in does not implement {method} {path}")

    # ------------------------------------------------------------ securables

    def _catalogs(self, method: str, name: str, body: dict[str, Any], caller: str) -> Answer:
        if not name:
            if method == "GET":
                visible = [c for n, c in sorted(self.catalogs.items()) if self._may_read(caller, "catalog", n)]
                return 200, {"catalogs": visible}, {}
            if method == "POST":
                if body["name"] in self.catalogs:
                    return _error(409, "CATALOG_ALREADY_EXISTS", f"Catalog '{body['name']}' already exists.")
                catalog = self.catalog(body["name"], caller)
                catalog.update({k: body[k] for k in ("comment", "storage_root", "properties") if k in body})
                self.schema(f"{body['name']}.default", caller)  # as Databricks does; the provider deletes it
                return 200, catalog, {}
        return self._securable(method, "catalog", name, body, caller)

    def _schemas(self, method: str, name: str, body: dict[str, Any], caller: str) -> Answer:
        if not name:
            if method == "GET":
                found = [
                    s
                    for n, s in sorted(self.schemas.items())
                    if s["catalog_name"] == body.get("catalog_name") and self._may_read(caller, "schema", n)
                ]
                return 200, {"schemas": found}, {}
            if method == "POST":
                catalog, full_name = body["catalog_name"], f"{body['catalog_name']}.{body['name']}"
                if catalog not in self.catalogs:
                    return _error(404, "CATALOG_DOES_NOT_EXIST", f"Catalog '{catalog}' does not exist.")
                if not self._may_create(caller, "catalog", catalog, "CREATE_SCHEMA"):
                    return _error(403, "PERMISSION_DENIED", f"User does not have CREATE SCHEMA on Catalog '{catalog}'.")
                if full_name in self.schemas:
                    return _error(409, "SCHEMA_ALREADY_EXISTS", f"Schema '{full_name}' already exists.")
                schema = self.schema(full_name, caller)
                schema.update({k: body[k] for k in ("comment", "properties", "storage_root") if k in body})
                return 200, schema, {}
        return self._securable(method, "schema", name, body, caller)

    def _models(self, method: str, name: str, body: dict[str, Any], caller: str) -> Answer:
        if not name:
            if method == "GET":
                found = [
                    m
                    for n, m in sorted(self.models.items())
                    if m["catalog_name"] == body.get("catalog_name")
                    and body.get("schema_name") in (None, m["schema_name"])
                    and self._may_read(caller, "function", n)
                ]
                return 200, {"registered_models": found}, {}
            if method == "POST":
                schema = f"{body['catalog_name']}.{body['schema_name']}"
                full_name = f"{schema}.{body['name']}"
                if schema not in self.schemas:
                    return _error(404, "SCHEMA_DOES_NOT_EXIST", f"Schema '{schema}' does not exist.")
                if not self._may_create(caller, "schema", schema, "CREATE_MODEL", "CREATE_FUNCTION"):
                    return _error(403, "PERMISSION_DENIED", f"User does not have CREATE MODEL on Schema '{schema}'.")
                if full_name in self.models:
                    return _error(409, "RESOURCE_ALREADY_EXISTS", f"Registered model '{full_name}' already exists.")
                return 200, self.model(full_name, caller, body.get("comment", "")), {}
        model_name, _, sub = name.partition("/")
        if sub == "versions" and method == "GET":
            if model_name not in self.models:
                return _missing("function", model_name)
            if not self._may_read(caller, "function", model_name):
                return _error(403, "PERMISSION_DENIED", f"User does not have EXECUTE on '{model_name}'.")
            return 200, {"model_versions": self.models[model_name].get("versions", [])}, {}
        if sub:
            return _error(501, "NOT_IMPLEMENTED", f"the stand-in does not implement {method} models/{name}")
        return self._securable(method, "function", name, body, caller)

    def _securable(self, method: str, kind: str, name: str, body: dict[str, Any], caller: str) -> Answer:
        store = self._store(kind)
        if name not in store:
            return _missing(kind, name)
        if method == "GET":
            if not self._may_read(caller, kind, name):
                return _error(403, "PERMISSION_DENIED", f"User does not have USE or ownership on '{name}'.")
            return 200, store[name], {}
        if not self._may_manage(caller, kind, name):
            return _error(403, "PERMISSION_DENIED", f"User is not an owner of '{name}'.")
        if method == "DELETE":
            del store[name]
            self.grants.pop((kind, name), None)
            for child_kind in ("schema", "function"):
                for child in [n for n in self._store(child_kind) if n.startswith(f"{name}.")]:
                    del self._store(child_kind)[child]
            return 200, {}, {}
        if method == "PATCH":
            store[name].update({k: v for k, v in body.items() if k in ("owner", "comment", "properties")})
            return 200, store[name], {}
        return _error(501, "NOT_IMPLEMENTED", f"the stand-in does not implement {method} on a {kind}")

    def _permissions(self, method: str, rest: str, body: dict[str, Any], caller: str) -> Answer:
        securable_type, _, full_name = rest.partition("/")
        kind = securable_type.lower()
        if kind not in _SECURABLE_KINDS:
            return _error(501, "NOT_IMPLEMENTED", f"the stand-in has no securable type {securable_type}")
        if full_name not in self._store(kind):
            return _missing(kind, full_name)
        if method == "PATCH":
            if not self._may_manage(caller, kind, full_name):
                return _error(403, "PERMISSION_DENIED", f"User is not an owner of '{full_name}'.")
            current = self.grants.setdefault((kind, full_name), {})
            for change in body.get("changes", []):
                held = current.setdefault(change["principal"], set())
                held.update(change.get("add") or [])
                held.difference_update(change.get("remove") or [])
                if not held:
                    del current[change["principal"]]
        elif method != "GET":
            return _error(501, "NOT_IMPLEMENTED", f"the stand-in does not implement {method} on permissions")
        elif not self._may_read(caller, kind, full_name):
            return _error(403, "PERMISSION_DENIED", f"User does not have USE or ownership on '{full_name}'.")
        assignments = [
            {"principal": principal, "privileges": sorted(privileges)}
            for principal, privileges in sorted(self.grants.get((kind, full_name), {}).items())
        ]
        return 200, {"privilege_assignments": assignments}, {}

    # ------------------------------------------------------------ enforcement

    def _store(self, kind: str) -> dict[str, dict[str, Any]]:
        return {"catalog": self.catalogs, "schema": self.schemas, "function": self.models}[kind]

    def identities(self, caller: str) -> set[str]:
        """``caller`` and every account group it is a member of (directly or through a group)."""
        ids = {sp_id for sp_id, sp in self.account_service_principals.items() if sp["applicationId"] == caller}
        names = {caller}
        changed = True
        while changed:
            changed = False
            for group in self.account_groups.values():
                if group["displayName"] not in names and any(m["value"] in ids for m in group["members"]):
                    names.add(group["displayName"])
                    ids.add(group["id"])
                    changed = True
        return names

    def _chain(self, kind: str, name: str) -> list[tuple[str, str]]:
        """The securable and its parents: model -> schema -> catalog."""
        parts = name.split(".")
        chain = [("catalog", parts[0])]
        if kind in ("schema", "function"):
            chain.append(("schema", ".".join(parts[:2])))
        if kind == "function":
            chain.append(("function", name))
        return chain[::-1]

    def _privileges(self, who: set[str], kind: str, name: str) -> set[str]:
        held = self.grants.get((kind, name), {})
        return {privilege for principal in who for privilege in held.get(principal, set())}

    def _may_manage(self, caller: str, kind: str, name: str) -> bool:
        who = self.identities(caller)
        if who & self.metastore_admins:
            return True
        for link_kind, link in self._chain(kind, name):
            item = self._store(link_kind).get(link)
            if (item is not None and item["owner"] in who) or "MANAGE" in self._privileges(who, link_kind, link):
                return True
        return False

    def _may_read(self, caller: str, kind: str, name: str) -> bool:
        who = self.identities(caller)
        return self._may_manage(caller, kind, name) or any(
            self._privileges(who, link_kind, link) for link_kind, link in self._chain(kind, name)
        )

    def _may_create(self, caller: str, kind: str, name: str, *privileges: str) -> bool:
        """Whether ``caller`` may create a child in the catalog or schema ``name`` with one of ``privileges``."""
        if self._may_manage(caller, kind, name):
            return True
        who = self.identities(caller)
        chain = self._chain(kind, name)
        held = set().union(*(self._privileges(who, link_kind, link) for link_kind, link in chain))
        uses = all(
            _PARENT_PRIVILEGE[link_kind] in self._privileges(who, link_kind, link)
            or "ALL_PRIVILEGES" in self._privileges(who, link_kind, link)
            for link_kind, link in chain
        )
        return uses and bool(held & {*privileges, "ALL_PRIVILEGES"})

    # ------------------------------------------------------------ account

    def _account(self, method: str, path: str, body: dict[str, Any]) -> Answer:
        match = re.fullmatch(r"/api/2\.0/accounts/([^/]+)/(.*)", path)
        if match is None or match.group(1) != ACCOUNT_ID:
            return _error(404, "NOT_FOUND", f"Account {path.split('/')[4]} not found.")
        rest = match.group(2)
        assignment = re.fullmatch(r"workspaces/(\d+)/permissionassignments(?:/principals/(\d+))?", rest)
        if assignment is not None:
            return self._assignment(method, assignment.group(1), assignment.group(2), body)
        for prefix, store, schema in (
            ("scim/v2/Groups", self.account_groups, _SCIM_GROUP),
            ("scim/v2/ServicePrincipals", self.account_service_principals, _SCIM_SP),
        ):
            if rest == prefix:
                return self._scim_collection(method, store, schema, body)
            if rest.startswith(f"{prefix}/"):
                return self._scim_item(method, store, schema, rest.rpartition("/")[2], body)
        return _error(501, "NOT_IMPLEMENTED", f"the stand-in does not implement {method} {path}")

    def _scim_collection(self, method: str, store: dict[str, Any], schema: str, body: dict[str, Any]) -> Answer:
        if method == "POST":
            if schema == _SCIM_GROUP:
                if any(g["displayName"] == body["displayName"] for g in store.values()):
                    return _scim_error(409, f"Group with name {body['displayName']} already exists.")
                return 201, {"schemas": [schema], **self.account_group(body["displayName"], assigned=False)}, {}
            application_id = body.get("applicationId") or f"generated-{self.new_id()}"
            if any(sp["applicationId"] == application_id for sp in store.values()):
                return _scim_error(409, f"Service principal with application ID {application_id} already exists.")
            sp_id = self.account_service_principal(application_id, body.get("displayName", ""))
            return 201, {"schemas": [schema], **store[sp_id]}, {}
        if method != "GET":
            return _error(501, "NOT_IMPLEMENTED", f"the stand-in does not implement {method} on SCIM lists")
        attribute, _, wanted = str(body.get("filter", "")).partition(" eq ")
        found = [
            {key: value for key, value in item.items() if key != "members"}  # lists omit members since 08/2025
            for item in store.values()
            if not wanted or str(item.get(attribute.strip(), "")) == wanted.strip().strip('"')
        ]
        start, count = int(body.get("startIndex", 1)), int(body.get("count", 100))
        page = found[start - 1 : start - 1 + count]
        return (
            200,
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                "totalResults": len(found),
                "startIndex": start,
                "itemsPerPage": len(page),
                "Resources": page,
            },
            {},
        )

    def _scim_item(self, method: str, store: dict[str, Any], schema: str, item_id: str, body: dict[str, Any]) -> Answer:
        item = store.get(item_id)
        if item is None:
            return _scim_error(404, f"{'Group' if schema == _SCIM_GROUP else 'Service principal'} not found")
        if method == "GET":
            return 200, {"schemas": [schema], **item}, {}
        if method == "DELETE":
            del store[item_id]
            self.assignments.pop(item_id, None)
            for group in self.account_groups.values():
                group["members"] = [m for m in group["members"] if m["value"] != item_id]
            return 204, {}, {}
        if method == "PATCH" and schema == _SCIM_GROUP:
            for operation in body.get("Operations", []):
                op = operation.get("op", "").lower()
                if op == "add":
                    value = operation.get("value", {})
                    for member in value.get("members", []) if isinstance(value, dict) else value:
                        self._add_member(item, member["value"])
                elif op == "remove":
                    removed = operation.get("path", "").partition('eq "')[2].rstrip('"]')
                    item["members"] = [m for m in item["members"] if m["value"] != removed]
            return 204, {}, {}
        if method == "PUT" and schema == _SCIM_GROUP:  # the provider's update: the whole group, members as read
            if body.get("displayName"):
                item["displayName"] = body["displayName"]
            item["members"] = []
            for member in body.get("members") or []:
                self._add_member(item, member["value"])
            return 200, {"schemas": [schema], **item}, {}
        if method == "PUT" and schema == _SCIM_SP:  # the provider's force adoption of an existing principal
            if body.get("displayName"):
                item["displayName"] = body["displayName"]
            return 200, {"schemas": [schema], **item}, {}
        return _error(501, "NOT_IMPLEMENTED", f"the stand-in does not implement {method} on a SCIM item")

    def _add_member(self, group: dict[str, Any], member_id: str) -> None:
        if any(m["value"] == member_id for m in group["members"]):
            return
        if member_id in self.account_service_principals:
            display, ref = self.account_service_principals[member_id]["displayName"], f"ServicePrincipals/{member_id}"
        elif member_id in self.account_groups:
            display, ref = self.account_groups[member_id]["displayName"], f"Groups/{member_id}"
        else:
            raise KeyError(f"no account principal {member_id}")
        group["members"].append({"value": member_id, "display": display, "$ref": ref})

    def _assignment(self, method: str, workspace_id: str, principal_id: str | None, body: dict[str, Any]) -> Answer:
        if workspace_id != self.workspace_id:
            return _error(404, "RESOURCE_DOES_NOT_EXIST", f"Workspace {workspace_id} does not exist.")
        if principal_id is None and method == "GET":
            return 200, {"permission_assignments": [self._assigned(p) for p in sorted(self.assignments)]}, {}
        if principal_id is not None and method == "PUT":
            if principal_id not in self.account_groups and principal_id not in self.account_service_principals:
                return _error(404, "RESOURCE_DOES_NOT_EXIST", f"Principal {principal_id} does not exist.")
            self.assignments[principal_id] = list(body.get("permissions", []))
            return 200, self._assigned(principal_id), {}
        if principal_id is not None and method == "DELETE":
            self.assignments.pop(principal_id, None)
            return 200, {}, {}
        return _error(501, "NOT_IMPLEMENTED", f"the stand-in does not implement {method} on assignments")

    def _assigned(self, principal_id: str) -> dict[str, Any]:
        principal: dict[str, Any] = {"principal_id": int(principal_id)}
        if principal_id in self.account_groups:
            name = self.account_groups[principal_id]["displayName"]
            principal |= {"display_name": name, "group_name": name}
        elif principal_id in self.account_service_principals:
            sp = self.account_service_principals[principal_id]
            principal |= {"display_name": sp["displayName"], "service_principal_name": sp["applicationId"]}
        return {"permissions": self.assignments[principal_id], "principal": principal}


def _missing(kind: str, name: str) -> Answer:
    if kind == "catalog":
        return _error(404, "CATALOG_DOES_NOT_EXIST", f"Catalog '{name}' does not exist.")
    if kind == "schema":
        return _error(404, "SCHEMA_DOES_NOT_EXIST", f"Schema '{name}' does not exist.")
    return _error(404, "RESOURCE_DOES_NOT_EXIST", f"Registered model '{name}' does not exist.")
