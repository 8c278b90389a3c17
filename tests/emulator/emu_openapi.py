"""``/openapi.json`` of the ROCKIT Edge emulator, generated from the route table of ``emu_api``.

Paths, methods, parameters, request bodies and responses come from the same ``Op`` entries and
schemas that the server enforces, so the document describes the emulator exactly.
"""

import functools

import emu_schemas as S
from emu_api import APPS, DEPLOYMENTS, ORGS, ROLES, ROUTES, SUBSCRIPTIONS, TASKS, USERS, Op
from emu_core import public_schema
from emu_state import ADMIN_TOKEN_HEADER, TOKEN_HEADER

SECURITY = [{"orgName": [], "userName": [], "apiKey": []}, {"beauthToken": []}]
SECURITY_SCHEMES = {
    "orgName": {"type": "apiKey", "in": "header", "name": "x-rockit-orgname",
                "description": "Organisation of the API key (all three API key headers go together)."},
    "userName": {"type": "apiKey", "in": "header", "name": "x-rockit-username",
                 "description": "Machine user (or primary administrator) the API key belongs to."},
    "apiKey": {"type": "apiKey", "in": "header", "name": "x-rockit-api-key",
               "description": "API key; cannot be combined with x-rockit-beauth-token."},
    "beauthToken": {"type": "apiKey", "in": "header", "name": "x-rockit-beauth-token",
                    "description": "2026 access token, 2025 auth token, or an API key sent alone."},
    "adminToken": {"type": "apiKey", "in": "header", "name": "x-rockit-admin-token",
                   "description": "The installation's static admin token (admin API and service routes)."},
    "adminTokenInBeauth": {"type": "apiKey", "in": "header", "name": "x-rockit-beauth-token",
                           "description": "The installation's static admin token, sent in the token header."},
}
ADMIN_SECURITY = {ADMIN_TOKEN_HEADER: [{"adminToken": []}], TOKEN_HEADER: [{"adminTokenInBeauth": []}]}
STATUS_TEXT = {200: "Success", 400: "missing-param / invalid-param (or the firewall's Bad Request)",
               401: "unauthorized / token-expired", 403: "forbidden (the body names the missing permission)",
               404: "not-found (or the firewall's Not Found)", 409: "already-exists / conflict",
               429: "Too Many Requests (the firewall's or the gateway's rate limit; see Retry-After)",
               504: "Gateway Timeout (the request took longer than the gateway allows; its work may stand)"}
GATEWAY_STATUSES = (429, 504)
HEADER_TEXT = {
    "x-rockit-refresh-token": "The refresh token of the 2026 login.",
    "x-rockit-beauth-token": "An access token, to log out with it instead of the refresh token.",
    "x-rockit-besession-token": "The session token of the 2025 login.",
}


def _path_schema(op: Op, name: str) -> dict:
    for col in (ROLES, USERS, APPS, DEPLOYMENTS, SUBSCRIPTIONS, TASKS, ORGS):
        if col.param == name and op.path.split("/")[3] == col.plural:
            return public_schema(col.name_schema)
    return {"type": "string"}


def _parameters(op: Op) -> list[dict]:
    params = [{"name": name, "in": "path", "required": True, "schema": _path_schema(op, name),
               "description": "Unknown names (including names that cannot exist) are 404 not-found."}
              for name in op.path_params]
    for name, schema in op.query.items():
        param = {"name": name, "in": "query", "required": False, "schema": public_schema(schema)}
        if schema.get("type") == "array":
            param.update(style="form", explode=True)
        params.append(param)
    for name, required in op.headers.items():
        params.append({"name": name, "in": "header", "required": required, "schema": {"type": "string"},
                       "description": HEADER_TEXT.get(name, "")})
    return params


def _response(op: Op, status: int, release: int) -> dict:
    if status == 200:
        answer = {"description": STATUS_TEXT[status],
                  "content": {"application/json": {"schema": public_schema(op.response)}}}
        if (op.method, op.path) in links(release):
            answer["links"] = links(release)[(op.method, op.path)]
        return answer
    if status in GATEWAY_STATUSES:
        schema = public_schema(S.WAF)
    elif status in (400, 404):
        schema = {"anyOf": [public_schema(S.ERROR), public_schema(S.WAF)]}
    else:
        schema = public_schema(S.ERROR)
    return {"description": STATUS_TEXT[status], "content": {"application/json": {"schema": schema}}}


def operation_id(op: Op) -> str:
    """``getAppsByAppName`` for ``GET /be/v1/apps/{appName}``."""
    parts = op.path.replace("{", "by/").replace("}", "").split("/")[3:]
    if not op.path.startswith("/be/"):
        parts.insert(0, op.path.split("/")[1])
    return op.method.lower() + "".join(part[:1].upper() + part[1:] for part in parts)


def _op(method: str, path: str, release: int) -> Op | None:
    return next((op for op in ROUTES if op.method == method and op.path == path and op.serves(release)), None)


@functools.lru_cache(maxsize=None)
def links(release: int) -> dict:
    """OpenAPI links (for stateful testing): what a create answers feeds the reads, updates and deletes."""
    result: dict = {}
    _op_in = functools.partial(_op, release=release)
    for col in (ROLES, USERS, APPS, DEPLOYMENTS, SUBSCRIPTIONS):
        value = "$response.body#/%s/%s" % (col.singular, col.key)
        base, one = "/be/v1/" + col.plural, "/be/v1/%s/{%s}" % (col.plural, col.param)
        item = result.setdefault(("POST", base), {})
        item["Get" + col.title] = {"operationId": operation_id(_op_in("GET", one)), "parameters": {col.param: value}}
        item["Delete" + col.title] = {"operationId": operation_id(_op_in("DELETE", one)), "parameters": {col.param: value}}
        if _op_in("PATCH", base):
            item["Update" + col.title] = {"operationId": operation_id(_op_in("PATCH", base)), "requestBody": {col.key: value}}
    result[("POST", "/be/v1/apps")]["ImportBuild"] = {
        "operationId": operation_id(_op_in("POST", "/be/v1/builds")),
        "requestBody": {"appName": "$response.body#/app/name"}}
    first_task = "$response.body#/build/tasks/0"
    result[("POST", "/be/v1/builds")] = {
        "GetTask": {"operationId": operation_id(_op_in("GET", "/be/v1/tasks/{taskName}")),
                    "parameters": {"taskName": first_task}},
        "UpdateTask": {"operationId": operation_id(_op_in("PATCH", "/be/v1/tasks")), "requestBody": {"name": first_task}},
    }
    if _op_in("GET", "/adm/v1/orgs/{orgName}"):
        value = "$response.body#/org/name"
        result[("POST", "/adm/v1/orgs")] = {
            "GetOrg": {"operationId": operation_id(_op_in("GET", "/adm/v1/orgs/{orgName}")),
                       "parameters": {"orgName": value}},
            "DeleteOrg": {"operationId": operation_id(_op_in("DELETE", "/adm/v1/orgs/{orgName}")),
                          "parameters": {"orgName": value}}}
    return result


def _operation(op: Op, release: int) -> dict:
    operation = {
        "operationId": operation_id(op),
        "summary": op.summary,
        "tags": [op.tag],
        "parameters": _parameters(op),
        "security": ADMIN_SECURITY[op.admin] if op.admin else SECURITY if op.auth else [],
        "responses": {str(status): _response(op, status, release) for status in op.statuses + list(GATEWAY_STATUSES)},
    }
    description = []
    if op.permission:
        description.append("Required permission: %s.%s." % op.permission)
    if op.description:
        description.append(op.description)
    if description:
        operation["description"] = " ".join(description)
    if op.body is not None:
        operation["requestBody"] = {"required": op.body is not S.EMPTY,
                                    "content": {"application/json": {"schema": public_schema(op.body)}}}
    return operation


@functools.lru_cache(maxsize=None)
def document(release: int) -> dict:
    """The OpenAPI 3.1 document of the API of one release (built once per release; do not modify it)."""
    paths: dict = {}
    for op in ROUTES:
        if op.serves(release):
            paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, release)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ROCKIT Edge Backend API (emulator)",
            "version": "1.0.0",
            "description": "The API of Edge release %d as the rockitplay.edge emulator implements it (the /be/v1 "
                           "backend, the /adm/v1 admin API and the /srv/v1 service routes). Where the firewall runs, "
                           "every request needs an Accept header (400 Bad Request otherwise) and, from release 155, "
                           "routes that are not listed answer 404 {\"code\":404,\"message\":\"Not Found\"}; "
                           "elsewhere they reach the backend (404 not-found)." % release,
        },
        "paths": paths,
        "components": {"securitySchemes": SECURITY_SCHEMES},
    }
