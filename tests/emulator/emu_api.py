"""The ``/be/v1`` API of the ROCKIT Edge emulator.

Everything is driven by one route table (``ROUTES``): each ``Op`` names its method, path, handler,
required permission, query parameters, body schema and response schema.  ``register`` turns the
table into Flask routes behind one view wrapper (authentication, permission check, query and body
validation, the success envelope); ``emu_openapi`` turns the same table into ``/openapi.json``.
The five named collections share one list handler, one read handler and one delete handler.
"""

import dataclasses
import decimal
import json
import operator
import re
import secrets
from typing import Any, Callable

import flask
import werkzeug.exceptions

import emu_release
import emu_schemas as S
from emu_core import OPERATION_BITS, RESOURCE_MAX, ApiError, conflict, invalid, iso, missing, not_found, parse_datetime
from emu_core import describe, validate
from emu_gateway import WAF_NOT_FOUND
from emu_pipeline import UPLOAD_TTL, fetch_url
from emu_state import ADMIN_ROLE, ADMIN_TOKEN_HEADER, TOKEN_HEADER, secret_hash, unauthorized
from emu_store import Store

REFRESH_HEADER = "x-rockit-refresh-token"
SESSION_HEADER = "x-rockit-besession-token"
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]{1,3})?")


def _json_number(text: str) -> int | float:
    """JSON Schema counts 2.0 as an integer, so integral numbers become ints."""
    value = float(text)
    return int(value) if value.is_integer() else value


def _no_constant(text: str):
    raise ValueError("%s is not JSON" % text)


def loads(raw: bytes) -> Any:
    """Strict JSON: no NaN or Infinity; integral numbers are ints."""
    return json.loads(raw, parse_float=_json_number, parse_constant=_no_constant)


def json_response(status: int, body: Any, headers: dict | None = None) -> flask.Response:
    """A JSON answer."""
    return flask.Response(json.dumps(body, separators=(",", ":")), status=status, headers=headers,
                          mimetype="application/json")


def already_exists(title: str, name: str) -> ApiError:
    """A ``409 already-exists``."""
    return ApiError("already-exists", "%s '%s' already exists." % (title, name))


# --------------------------------------------------------------------------------------------------
# Request context
# --------------------------------------------------------------------------------------------------


class Ctx:
    """What a handler needs: the state, the caller and the validated query and body."""

    def __init__(self, state, request: flask.Request) -> None:
        self.state = state
        self.store = state.store
        self.request = request
        self.org = ""
        self.user: dict = {}
        self.query: dict = {}
        self.body: dict = {}
        self._org_name: str | None = None

    def now(self) -> float:
        """The emulated time."""
        return self.state.now()

    def org_name(self) -> str:
        """The caller's organisation as spelled at creation."""
        if self._org_name is None:
            self._org_name = self.state.org_name(self.org)
        return self._org_name

    def require(self, resource: str, operation: str) -> None:
        """The one permission check: 403 forbidden naming the missing permission."""
        if not self.state.permissions(self.org, self.user)[resource] & OPERATION_BITS[operation]:
            permission = "%s.%s" % (resource, operation)
            raise ApiError("forbidden", "Permission denied: %s requires %s (bit %d on the %s resource)." % (
                "this operation", permission, OPERATION_BITS[operation], resource), permission=permission)

    def find(self, col: "Collection", name: str, edit: bool = False) -> dict:
        """The document, or 404 not-found."""
        doc = (self.store.edit if edit else self.store.get)(self.org, col.kind, name)
        if doc is None:
            raise not_found(col.title, name)
        return doc

    def order(self) -> list[tuple[str, bool]]:
        """The ``order[]`` keys as (field, descending)."""
        keys = []
        for value in self.query.get("order[]", []):
            if value.startswith("[") and value.endswith("]"):
                value = value[1:-1]
            keys.append((value.lstrip("+-"), value.startswith("-")))
        return keys

    def fields(self) -> set[str] | None:
        """The ``fields[]`` projection (repeated keys or comma-separated values), ``name`` always included."""
        values = self.query.get("fields[]")
        if not values:
            return None
        return {field for value in values for field in value.split(",")} | {"name"}


def project(doc: dict, fields: set[str] | None) -> dict:
    """Keep only the requested fields."""
    return doc if fields is None else {key: value for key, value in doc.items() if key in fields}


def page(ctx: Ctx, col: "Collection", items: list, render: Callable[[dict], list[dict]]) -> dict:
    """The one list helper: ``order[]`` (several keys, stable), ``offset``/``limit`` and ``totalCount``.

    ``render`` turns one document into its list records (one, or one per event for subscriptions);
    only the documents on the requested page are rendered.
    """
    items = list(items)
    for field, descending in reversed(ctx.order()):
        items.sort(key=operator.itemgetter(col.key if field == "name" else field), reverse=descending)
    offset, limit = ctx.query["offset"], ctx.state.variants.apply("page_limit", ctx.query["limit"])
    if col.expand is None:
        window = items[offset:offset + limit]
        return {"totalCount": len(items), col.plural: [record for item in window for record in render(item)]}
    total, records = 0, []
    for item in items:
        size = len(item["events"])
        if total + size > offset and total < offset + limit:
            records.extend(render(item)[max(0, offset - total):offset + limit - total])
        total += size
    return {"totalCount": total, col.plural: records}


# --------------------------------------------------------------------------------------------------
# Collections
# --------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Collection:  # pylint: disable=too-many-instance-attributes
    """A named collection served at ``/be/v1/<plural>`` and ``/be/v1/<plural>/{<param>}``."""

    kind: str
    plural: str
    singular: str
    title: str
    resource: str
    key: str
    param: str
    name_schema: dict
    out_schema: dict
    render: Callable
    sort: tuple = ("name", "created", "updated")
    detail_fields: tuple = ()
    list_fields: tuple = ()
    expand: Callable | None = None
    item_schema: dict | None = None
    before_delete: Callable | None = None
    after_delete: Callable | None = None
    delete_conflicts: bool = False
    filters: dict = dataclasses.field(default_factory=dict)
    match: Callable | None = None
    detail_message: bool = False


def _times(doc: dict) -> dict:
    return {"created": iso(doc["created"]), "updated": iso(doc["updated"])}


def render_role(ctx: Ctx, doc: dict) -> dict:  # pylint: disable=unused-argument
    """A role as the API shows it."""
    return dict(name=doc["name"], label=doc["label"], permissions=dict(doc["permissions"]), **_times(doc))


def render_user(ctx: Ctx, doc: dict) -> dict:  # pylint: disable=unused-argument
    """A user as the API shows it (never the password or API key)."""
    result = {"username": doc["username"], "type": doc["type"]}
    keys = ("label",) if doc["type"] == "machine" else ("email", "firstname", "surname", "title")
    result.update((key, doc[key]) for key in keys)
    result.update(roles=list(doc["roles"]), **_times(doc))
    return result


def render_app(ctx: Ctx, doc: dict) -> dict:  # pylint: disable=unused-argument
    """An app as the API shows it."""
    result = {key: doc[key] for key in ("name", "label", "maxBuilds", "deployments", "dxfName", "iCurBuild",
                                        "processing", "exporting", "deployed", "files", "sizeBytes")}
    result["status"] = doc.get("status", "ok")
    result.update(_times(doc))
    return result


def render_deployment(ctx: Ctx, doc: dict) -> dict:  # pylint: disable=unused-argument
    """A deployment as the API shows it (never the credentials or the download key)."""
    auth = doc.get("downloadAuth")
    return dict(name=doc["name"], originPrefix=doc["originPrefix"], origin=dict(doc["origin"]),
                downloadAuth={"type": auth["type"]} if auth else None, status=doc["status"], message=doc["message"],
                **_times(doc))


def render_subscription(ctx: Ctx, doc: dict) -> dict:
    """A subscription, aggregated over its events (never the secret)."""
    return {"name": doc["name"], "sender": doc["sender"], "events": list(doc["events"]), "type": doc["type"],
            doc["type"]: dict(doc[doc["type"]]), "orgName": ctx.org_name(), "created": iso(doc["created"])}


def subscription_records(ctx: Ctx, doc: dict) -> list[dict]:
    """The list shows one record per (name, event)."""
    return [{"name": doc["name"], "sender": doc["sender"], "event": event, "type": doc["type"],
             doc["type"]: dict(doc[doc["type"]]), "orgName": ctx.org_name()} for event in doc["events"]]


def render_task(ctx: Ctx, doc: dict, details: bool = True) -> dict:  # pylint: disable=unused-argument
    """A task: the list item, or the details with the failure fields that apply."""
    result = {key: doc[key] for key in ("name", "service", "status", "appName", "taskType", "taskGroup")}
    result["created"] = iso(doc["created"])
    if details:
        result.update({key: doc[key] for key in ("step", "build", "acknowledged", "expired", "warning", "message")})
        result["updated"] = iso(doc["updated"])
        failure_fields = ("httpStatus", "exitCode", "sizeBytesActual", "sizeBytesExpected", "fileReadFailed")
        result.update({key: doc[key] for key in failure_fields if key in doc})
    return result


def _role_before_delete(ctx: Ctx, doc: dict) -> None:
    if doc["name"] == ADMIN_ROLE:
        raise conflict("The role '%s' cannot be changed or deleted." % ADMIN_ROLE)
    users = [user["username"] for user in ctx.store.docs(ctx.org, "user")
             if doc["name"].lower() in (role.lower() for role in user["roles"])]
    if users:
        raise conflict("Role '%s' is still assigned to: %s." % (doc["name"], ", ".join(users)), users=users)


def _user_before_delete(ctx: Ctx, doc: dict) -> None:
    if ctx.store.same("user", doc["username"], ctx.user["username"]):
        raise conflict("A user cannot delete itself.")
    if doc.get("_primary"):
        raise conflict("The primary administrator of the organisation cannot be deleted.")


def _deployment_before_delete(ctx: Ctx, doc: dict) -> None:
    apps = [app["name"] for app in ctx.store.docs(ctx.org, "app")
            if doc["name"].lower() in (name.lower() for name in app["deployments"])]
    if apps:
        raise conflict("Deployment '%s' still has registered apps: %s." % (doc["name"], ", ".join(apps)), apps=apps)


def _deployment_after_delete(ctx: Ctx, doc: dict) -> None:
    for app in ctx.store.docs(ctx.org, "app"):
        if doc["name"] in app["deployed"]:
            changed = ctx.store.edit(ctx.org, "app", app["name"])
            changed["deployed"] = [name for name in app["deployed"] if name != doc["name"]]
            ctx.store.put(ctx.org, "app", app["name"], changed)


def _app_before_delete(ctx: Ctx, doc: dict) -> None:
    ctx.state.pipeline.cancel_app(ctx.org, doc["name"])


ROLES = Collection("role", "roles", "role", "Role", "roles", "name", "roleName", S.NAME, S.ROLE_OUT, render_role,
                   detail_fields=tuple(S.ROLE_FIELDS), list_fields=tuple(S.ROLE_FIELDS),
                   before_delete=_role_before_delete, delete_conflicts=True)
USERS = Collection("user", "users", "user", "User", "beUsers", "username", "username", S.NAME, S.USER_OUT, render_user,
                   before_delete=_user_before_delete, delete_conflicts=True)
APPS = Collection("app", "apps", "app", "App", "apps", "name", "appName", S.NAME, S.APP_OUT, render_app,
                  detail_fields=tuple(S.APP_DETAIL_FIELDS), list_fields=tuple(S.APP_LIST_FIELDS),
                  before_delete=_app_before_delete, detail_message=True)
DEPLOYMENTS = Collection("deployment", "deployments", "deployment", "Deployment", "deployments", "name", "deployment",
                         S.DEPLOYMENT_NAME, S.DEPLOYMENT_OUT, render_deployment,
                         before_delete=_deployment_before_delete, after_delete=_deployment_after_delete,
                         delete_conflicts=True, filters={"name": S.string(maxLength=200),
                                                         "status": S.string(enum=["ok", "error"])},
                         match=lambda query, doc: query.get("name", "").lower() in doc["name"].lower()
                         and query.get("status", doc["status"]) == doc["status"])
SUBSCRIPTIONS = Collection("subscription", "subscriptions", "subscription", "Subscription", "subscriptions", "name",
                           "subscriptionName", S.NAME, S.SUBSCRIPTION_OUT, render_subscription, sort=("name",),
                           expand=subscription_records, item_schema=S.SUBSCRIPTION_RECORD)
TASKS = Collection("task", "tasks", "task", "Task", "tasks", "name", "taskName", S.string(), S.TASK_DETAILS, render_task,
                   sort=("appName", "taskType", "created", "name", "status"), item_schema=S.TASK_ITEM)


def list_objects(col: Collection) -> Callable:
    """The shared list handler of a collection."""
    def handler(ctx: Ctx) -> dict:
        docs = ctx.store.docs(ctx.org, col.kind)
        if col.match:
            docs = [doc for doc in docs if col.match(ctx.query, doc)]
        if col.expand:
            return page(ctx, col, docs, lambda doc: col.expand(ctx, doc))
        fields = ctx.fields()
        return page(ctx, col, docs, lambda doc: [project(col.render(ctx, doc), fields)])
    return handler


def get_object(col: Collection) -> Callable:
    """The shared read handler of a collection."""
    def handler(ctx: Ctx, **params) -> dict:
        doc = ctx.find(col, params[col.param])
        result = {col.singular: project(col.render(ctx, doc), ctx.fields())}
        if col.detail_message:
            result["message"] = doc.get("_message", "")
        if col.expand:
            result = ctx.state.variants.apply("subscription_detail", result, col.expand(ctx, doc))
        return result
    return handler


def delete_object(col: Collection) -> Callable:
    """The shared delete handler of a collection."""
    def handler(ctx: Ctx, **params) -> dict:
        doc = ctx.find(col, params[col.param])
        if col.before_delete:
            col.before_delete(ctx, doc)
        ctx.store.delete(ctx.org, col.kind, doc[col.key])
        if col.after_delete:
            col.after_delete(ctx, doc)
        return {"message": "%s '%s' deleted." % (col.title, doc[col.key])}
    return handler


def _new_doc(ctx: Ctx, col: Collection, key: str, /, **fields) -> dict:
    """Refuse a duplicate name, then stamp a new document."""
    if ctx.store.get(ctx.org, col.kind, key) is not None:
        raise already_exists(col.title, key)
    now = ctx.now()
    return dict(fields, created=now, updated=now)


def _canonical(ctx: Ctx, col: Collection, names: list[str], param: str) -> list[str]:
    """Referenced names as stored; an unknown name is 400 invalid-param."""
    result = []
    for name in names:
        doc = ctx.store.get(ctx.org, col.kind, name)
        if doc is None:
            raise invalid(param, "unknown %s '%s'." % (col.title.lower(), name))
        result.append(doc[col.key])
    return result


# --------------------------------------------------------------------------------------------------
# Handlers: roles, users, apps, deployments, subscriptions
# --------------------------------------------------------------------------------------------------


def create_role(ctx: Ctx) -> dict:
    """POST /be/v1/roles."""
    body = ctx.body
    doc = _new_doc(ctx, ROLES, body["name"], name=body["name"], label=body.get("label", ""),
                   permissions=dict(dict.fromkeys(RESOURCE_MAX, 0), **body.get("permissions", {})))
    return {"role": render_role(ctx, ctx.store.put(ctx.org, "role", doc["name"], doc))}


def patch_role(ctx: Ctx) -> dict:
    """PATCH /be/v1/roles: label and/or the whole permission map."""
    doc = ctx.find(ROLES, ctx.body["name"], edit=True)
    if doc["name"] == ADMIN_ROLE:
        raise conflict("The role '%s' cannot be changed or deleted." % ADMIN_ROLE)
    if "label" in ctx.body:
        doc["label"] = ctx.body["label"]
    if "permissions" in ctx.body:
        sent = ctx.body["permissions"]
        doc["permissions"] = ctx.state.variants.apply("role_permissions", dict(dict.fromkeys(RESOURCE_MAX, 0), **sent),
                                                      doc["permissions"], sent)
    doc["updated"] = ctx.now()
    return {"role": render_role(ctx, ctx.store.put(ctx.org, "role", doc["name"], doc))}


def create_user(ctx: Ctx) -> dict:
    """POST /be/v1/users: a machine user (label) gets an API key, once; a human user (email) a password."""
    body = ctx.body
    roles = _canonical(ctx, ROLES, body["roles"], "roles")
    if "label" in body:
        doc = _new_doc(ctx, USERS, body["username"], username=body["username"], type="machine", label=body["label"],
                       roles=roles, _apiKeys=[], _passwordHash=None)
        api_key, entry = ctx.state.add_api_key(ctx.org, doc)
        return {"user": render_user(ctx, doc), "apiKey": api_key, "apiKeyId": entry["id"]}
    doc = _new_doc(ctx, USERS, body["username"], username=body["username"], type="user", email=body["email"],
                   firstname=body["firstname"], surname=body["surname"], title=body.get("title", ""), roles=roles,
                   _apiKeys=[], _passwordHash=secret_hash(body["password"]) if "password" in body else None)
    return {"user": render_user(ctx, ctx.store.put(ctx.org, "user", doc["username"], doc))}


def patch_user(ctx: Ctx) -> dict:
    """PATCH /be/v1/users: profile, label, roles, own password (oldPW/newPW) or a reset (resetCreds)."""
    body = ctx.state.variants.apply("user_patch", ctx.body)
    doc = ctx.find(USERS, body["username"], edit=True)
    is_self = ctx.store.same("user", doc["username"], ctx.user["username"])
    if not (is_self and set(body) <= set(S.SELF_SERVICE_FIELDS)):
        ctx.require("beUsers", "update")
    machine = doc["type"] == "machine"
    for field in ("email", "firstname", "surname", "title", "label"):
        if field in body and (field == "label") != machine:
            raise invalid(field, "a %s user has no %s." % ("machine" if machine else "human", field))
    if ("oldPW" in body) != ("newPW" in body):
        raise missing("newPW" if "oldPW" in body else "oldPW")
    password = None
    if "oldPW" in body:
        if not is_self:
            raise invalid("oldPW", "oldPW/newPW change the caller's own password; use resetCreds for another user.")
        if "resetCreds" in body:
            raise invalid("resetCreds", "cannot be combined with oldPW/newPW.")
        if not doc.get("_passwordHash") or doc["_passwordHash"] != secret_hash(body["oldPW"]):
            raise invalid("oldPW", "does not match the current password.")
        password = body["newPW"]
    if "resetCreds" in body:
        if machine:
            raise invalid("resetCreds", "a machine user has no password.")
        password = body["resetCreds"]["password"]
    if "roles" in body:
        roles = _canonical(ctx, ROLES, body["roles"], "roles")
        if doc.get("_primary") and {role.lower() for role in roles} != {role.lower() for role in doc["roles"]}:
            raise conflict("The roles of the primary administrator cannot be changed.")
        doc["roles"] = roles
    doc.update((field, body[field]) for field in ("email", "firstname", "surname", "title", "label") if field in body)
    if password is not None:
        doc["_passwordHash"] = secret_hash(password)
    doc["updated"] = ctx.now()
    return {"user": render_user(ctx, ctx.store.put(ctx.org, "user", doc["username"], doc))}


def _app_deployments(ctx: Ctx, names: list[str]) -> list[str]:
    return ctx.state.variants.apply("app_deployments", _canonical(ctx, DEPLOYMENTS, names, "deployments"))


def create_application(ctx: Ctx) -> dict:
    """POST /be/v1/apps."""
    body = ctx.body
    doc = _new_doc(ctx, APPS, body["name"], name=body["name"], label=body["label"], maxBuilds=body.get("maxBuilds", 5),
                   deployments=_app_deployments(ctx, body.get("deployments", [])), dxfName="",
                   iCurBuild=0, processing=False, exporting=False, deployed=[], files={"dxf": [], "patches": {}},
                   sizeBytes=0, status="ok", _message="", _lastBuild=0, _kept=[])
    return {"app": render_app(ctx, ctx.store.put(ctx.org, "app", doc["name"], doc))}


def patch_app(ctx: Ctx) -> dict:
    """PATCH /be/v1/apps: label, maxBuilds, the whole deployments list."""
    doc = ctx.find(APPS, ctx.body["name"], edit=True)
    if "deployments" in ctx.body:
        doc["deployments"] = _app_deployments(ctx, ctx.body["deployments"])
    doc.update((field, ctx.body[field]) for field in ("label", "maxBuilds") if field in ctx.body)
    doc["updated"] = ctx.now()
    return {"app": render_app(ctx, ctx.store.put(ctx.org, "app", doc["name"], doc))}


def _check_origin(origin: dict) -> None:
    """The s3 rule of the docs: the endpoint contains the region and not the bucket."""
    if origin["type"] != "s3":
        return
    endpoint = origin["endpoint"].lower()
    if origin["region"].lower() not in endpoint:
        raise invalid("origin.endpoint", "an s3 endpoint must contain the region '%s'." % origin["region"])
    if ".%s." % origin["bucket"].lower() in ".%s." % endpoint:
        raise invalid("origin.endpoint", "an s3 endpoint must not contain the bucket '%s'." % origin["bucket"])


def _store_origin(doc: dict, origin: dict) -> None:
    _check_origin(origin)
    doc["origin"] = {key: value for key, value in origin.items() if key != "credentials"}
    doc["_credentials"] = dict(origin["credentials"])


def _store_download_auth(doc: dict, auth: dict | None) -> None:
    doc["downloadAuth"] = {"type": auth["type"]} if auth else None
    doc["_downloadKey"] = auth["key"] if auth else None


def create_deployment(ctx: Ctx) -> dict:
    """POST /be/v1/deployments: credentials are write-only."""
    body = ctx.body
    doc = _new_doc(ctx, DEPLOYMENTS, body["name"], name=body["name"], originPrefix=body.get("originPrefix", ""),
                   status="ok", message="")
    _store_origin(doc, body["origin"])
    _store_download_auth(doc, body.get("downloadAuth"))
    return {"deployment": render_deployment(ctx, ctx.store.put(ctx.org, "deployment", doc["name"], doc))}


def patch_deployment(ctx: Ctx) -> dict:
    """PATCH /be/v1/deployments: origin merged key by key, downloadAuth merged or removed with null."""
    body = ctx.body
    doc = ctx.find(DEPLOYMENTS, body["name"], edit=True)
    if "originPrefix" in body:
        doc["originPrefix"] = body["originPrefix"]
    if "origin" in body and ctx.state.variants.apply("origin_replaced", False):
        doc["origin"] = {key: value for key, value in body["origin"].items() if key != "credentials"}
        doc["_credentials"] = dict(body["origin"].get("credentials", {}))
    elif "origin" in body:
        current = dict(doc["origin"], credentials=doc["_credentials"])
        patch = body["origin"]
        merged = dict(current, **patch) if patch.get("type", current["type"]) == current["type"] else dict(patch)
        validate(S.ORIGIN, merged, "origin")
        _store_origin(doc, merged)
    if "downloadAuth" in body:
        auth = body["downloadAuth"]
        if auth is not None:
            current = dict(doc["downloadAuth"], key=doc["_downloadKey"]) if doc.get("downloadAuth") else {}
            auth = dict(current, **auth)
            validate(S.DOWNLOAD_AUTH, auth, "downloadAuth")
        _store_download_auth(doc, auth)
    doc["updated"] = ctx.now()
    return {"deployment": render_deployment(ctx, ctx.store.put(ctx.org, "deployment", doc["name"], doc))}


def create_subscription(ctx: Ctx) -> dict:
    """POST /be/v1/subscriptions: the signing secret is returned here only."""
    body = ctx.body
    secret = secrets.token_urlsafe(32)
    events = [event for event in S.EVENTS if event in body["events"]]
    doc = _new_doc(ctx, SUBSCRIPTIONS, body["name"], name=body["name"], sender=body["sender"], events=events,
                   type=body["type"], _secret=secret, **{body["type"]: dict(body[body["type"]])})
    doc = ctx.store.put(ctx.org, "subscription", doc["name"], doc)
    return {"secret": secret, "subscription": render_subscription(ctx, doc)}


# --------------------------------------------------------------------------------------------------
# Handlers: builds, tasks, triggers
# --------------------------------------------------------------------------------------------------


def _idle_app(ctx: Ctx, name: str) -> dict:
    app = ctx.find(APPS, name)
    if app["processing"]:
        raise conflict("App '%s' is processing a build; wait until it is done." % app["name"])
    return app


def _upload_fields(ctx: Ctx, build: dict) -> dict:
    return {"uploadUrl": "%s_upload/%s" % (ctx.request.host_url, build["upload"]["token"]), "expiresIn": UPLOAD_TTL}


def create_build(ctx: Ctx) -> dict:
    """POST /be/v1/builds: url mode (Edge downloads) or upload mode (PUT to the returned URL)."""
    body = ctx.body
    url, size = body.get("url"), body.get("size")
    _idle_app(ctx, body["appName"])
    fetch = None
    if url:
        with ctx.state.unlocked():
            fetch = fetch_url(url, size)
        ctx.state.advance()
    app = ctx.store.edit(ctx.org, "app", _idle_app(ctx, body["appName"])["name"])
    build, task = ctx.state.pipeline.submit(ctx.org, app, url, size, fetch)
    result = {"build": {"appName": app["name"], "iBuild": build["iBuild"], "taskGroup": build["name"],
                        "tasks": [task["name"]]}}
    if not url:
        result.update(_upload_fields(ctx, build))
    return result


def list_tasks(ctx: Ctx) -> dict:
    """GET /be/v1/tasks with the filters appName, taskGroup, status[], taskTypes[] and created."""
    query = ctx.query
    statuses = set(query.get("status[]", []))
    if "unfinished" in statuses:
        statuses |= set(S.TASK_STATUSES) - {"done", "failed", "canceled"}
    types = set(query.get("taskTypes[]", []))
    after = parse_datetime(query["created"]) if "created" in query else None
    tasks = [task for task in ctx.store.docs(ctx.org, "task")
             if query.get("appName", "") in task["appName"] and query.get("taskGroup", "") in task["taskGroup"]
             and (not statuses or task["status"] in statuses) and (not types or task["taskType"] in types)
             and (after is None or task["created"] > after)]
    tasks.sort(key=lambda task: (task["created"], task["_seq"]))
    return page(ctx, TASKS, tasks, lambda task: [ctx.state.variants.apply("task_item", render_task(ctx, task, False))])


def patch_task(ctx: Ctx) -> dict:
    """PATCH /be/v1/tasks: acknowledge a warning and/or expire a dltar task."""
    task = ctx.find(TASKS, ctx.body["name"], edit=True)
    if ctx.body.get("expired"):
        ctx.state.pipeline.expire(ctx.org, task)
    else:
        task.update(acknowledged=True, updated=ctx.now())
        ctx.store.put(ctx.org, "task", task["name"], task)
    return {"task": render_task(ctx, ctx.store.get(ctx.org, "task", task["name"]))}


def trigger(ctx: Ctx) -> dict:
    """POST /be/v1/trigger: retry a failed task, or process the player traces of an app."""
    body = ctx.body
    if body["action"] == "processTraces":
        app = ctx.find(APPS, body["appName"])
        if app["iCurBuild"] < 1:
            raise conflict("App '%s' has no build yet, so there are no traces to process." % app["name"])
        return {"message": "Trace processing started for app '%s'." % app["name"]}
    task = ctx.find(TASKS, body["taskName"])
    build = ctx.state.pipeline.retry_plan(ctx.org, task)
    fetch = None
    if task["step"] == "dltar" and build["mode"] == "url":
        with ctx.state.unlocked():
            fetch = fetch_url(build["url"], build["size"])
        ctx.state.advance()
        task = ctx.find(TASKS, body["taskName"])
    build, new_task = ctx.state.pipeline.retry(ctx.org, task, fetch)
    result = {"task": render_task(ctx, new_task)}
    if new_task["_t0"] is None:
        result.update(_upload_fields(ctx, build))
    return result


# --------------------------------------------------------------------------------------------------
# Handlers: authentication
# --------------------------------------------------------------------------------------------------


def login(ctx: Ctx) -> dict:
    """POST /be/v1/login (2026 flow, release 153 on): step 1 user and password, step 2 the organisation."""
    state, body = ctx.state, ctx.body
    if "orgSelectionToken" in body:
        entry = state.check_token(body["orgSelectionToken"], ("orgsel",))
        org = Store.key(body["orgName"])
        if org not in entry["orgs"] or state.org_doc(org) is None:
            raise unauthorized("The organisation selection token is not valid for '%s'." % body["orgName"])
        return state.token_pair(org, entry["user"])
    orgs = state.login_orgs(body["username"], body["password"])
    if not orgs:
        raise unauthorized("Invalid username or password.")
    token = state.issue("orgsel", state.config.orgsel_ttl, user=body["username"], orgs=orgs)
    return {"orgs": [state.org_name(org) for org in orgs], "orgSelectionToken": token,
            "expiresIn": int(state.config.orgsel_ttl)}


def login_2025(ctx: Ctx) -> dict:
    """POST /be/v1/login (2025 flow, releases up to 152): organisation, user and password buy a session token."""
    state, body = ctx.state, ctx.body
    org = Store.key(body["orgName"])
    user = state.password_user(org, body["username"], body["password"]) if state.org_doc(org) else None
    if user is None:
        raise unauthorized("Invalid organisation, username or password.")
    token = state.issue("session", state.config.session_ttl, org=org, user=user["username"],
                        family=secrets.token_hex(8))
    return {"sessionToken": token, "expiresIn": int(state.config.session_ttl),
            "permissions": state.permissions(org, user)}


def refresh(ctx: Ctx) -> dict:
    """POST /be/v1/refresh: rotate the refresh token, issue a new access token."""
    token = ctx.request.headers.get(REFRESH_HEADER)
    if token is None:
        raise missing(REFRESH_HEADER)
    entry = ctx.state.check_token(token, ("refresh",))
    entry["revoked"] = True
    return ctx.state.token_pair(entry["org"], entry["user"], entry["family"])


def logout(ctx: Ctx) -> dict:
    """POST /be/v1/logout: revoke the refresh token and every access token of the same login."""
    headers = ctx.request.headers
    if headers.get(REFRESH_HEADER) is not None:
        entry = ctx.state.check_token(headers[REFRESH_HEADER], ("refresh",))
    elif headers.get(TOKEN_HEADER) is not None:
        entry = ctx.state.check_token(headers[TOKEN_HEADER], ("access", "beauth"))
    else:
        raise unauthorized("Send the refresh token in %s (or the access token in %s)." % (REFRESH_HEADER, TOKEN_HEADER))
    ctx.state.revoked_families.add(entry["family"])
    return {}


def auth(ctx: Ctx) -> dict:
    """POST /be/v1/auth (2025): a session token buys a short auth token."""
    token = ctx.request.headers.get(SESSION_HEADER)
    if token is None:
        raise missing(SESSION_HEADER)
    entry = ctx.state.check_token(token, ("session",))
    if ctx.store.get(entry["org"], "user", entry["user"]) is None:
        raise unauthorized("The user of this token no longer exists.")
    beauth = ctx.state.issue("beauth", ctx.state.config.auth_ttl, org=entry["org"], user=entry["user"],
                             family=entry["family"])
    return {"beauthToken": beauth, "expiresIn": int(ctx.state.config.auth_ttl)}


# --------------------------------------------------------------------------------------------------
# Handlers: API keys
# --------------------------------------------------------------------------------------------------


def _key_owner(ctx: Ctx, username: str | None) -> dict:
    """The user whose keys a request manages (a private copy): the caller, or another user (beUsers.update)."""
    if username is None or ctx.store.same("user", username, ctx.user["username"]):
        return ctx.store.edit(ctx.org, "user", ctx.user["username"])
    ctx.require("beUsers", "update")
    return ctx.find(USERS, username, edit=True)


def create_api_key(ctx: Ctx) -> dict:
    """POST /be/v1/apikeys: a new key for the caller or (beUsers.update) another user; the secret once."""
    user = _key_owner(ctx, ctx.body.get("username"))
    api_key, entry = ctx.state.add_api_key(ctx.org, user)
    return {"apiKey": api_key, "apiKeyId": entry["id"], "username": user["username"], "created": iso(entry["created"])}


def delete_api_keys(ctx: Ctx) -> dict:
    """DELETE /be/v1/apikeys?username=...: every key of a user (default: the caller)."""
    user = _key_owner(ctx, ctx.query.get("username"))
    count = len(user.get("_apiKeys", ()))
    user["_apiKeys"] = []
    ctx.store.put(ctx.org, "user", user["username"], user)
    return {"deleted": count}


def delete_api_key(ctx: Ctx, apiKeyId: str) -> dict:  # pylint: disable=invalid-name
    """DELETE /be/v1/apikeys/{apiKeyId}: one key, found among the keys of the caller's organisation."""
    owner = next((user for user in ctx.store.docs(ctx.org, "user")
                  if any(entry["id"] == apiKeyId for entry in user.get("_apiKeys", ()))), None)
    if owner is None:
        raise not_found("API key", apiKeyId)
    user = _key_owner(ctx, owner["username"])
    user["_apiKeys"] = [entry for entry in user["_apiKeys"] if entry["id"] != apiKeyId]
    ctx.store.put(ctx.org, "user", user["username"], user)
    return {"message": "API key '%s' of user '%s' deleted." % (apiKeyId, user["username"])}


# --------------------------------------------------------------------------------------------------
# Handlers: organisations (admin API) and service routes
# --------------------------------------------------------------------------------------------------


def render_org(ctx: Ctx, doc: dict) -> dict:  # pylint: disable=unused-argument
    """An organisation as the admin API shows it."""
    return dict(name=doc["name"], adminUser=doc["adminUser"], adminEmail=doc["adminEmail"], **_times(doc))


ORGS = Collection("org", "orgs", "org", "Organisation", "", "name", "orgName", S.NAME, S.ORG_OUT, render_org)


def create_organisation(ctx: Ctx) -> dict:
    """POST /adm/v1/orgs (and POST /be/v1/orgs up to release 158): the organisation and its primary administrator."""
    body, state = ctx.body, ctx.state
    if state.org_doc(body["name"]) is not None:
        raise already_exists("Organisation", body["name"])
    password = body.get("adminPassword") or secrets.token_urlsafe(12)
    org = state.create_org(body["name"], body["adminUser"], None, password, email=body["adminEmail"],
                           firstname=body.get("adminFirstname", "Primary"),
                           surname=body.get("adminSurname", "Administrator"))
    result = {"org": render_org(ctx, state.org_doc(org))}
    if "adminPassword" not in body:
        result["initialPassword"] = password
    return result


def list_organisations(ctx: Ctx) -> dict:
    """GET /adm/v1/orgs (release 159 on)."""
    return page(ctx, ORGS, ctx.store.docs("", "org"), lambda doc: [render_org(ctx, doc)])


def get_organisation(ctx: Ctx, orgName: str) -> dict:  # pylint: disable=invalid-name
    """GET /adm/v1/orgs/{orgName} (release 159 on)."""
    doc = ctx.state.org_doc(orgName)
    if doc is None:
        raise not_found("Organisation", orgName)
    return {"org": render_org(ctx, doc)}


def delete_organisation(ctx: Ctx, orgName: str) -> dict:  # pylint: disable=invalid-name
    """DELETE /adm/v1/orgs/{orgName}: the organisation and everything in it."""
    doc = ctx.state.org_doc(orgName)
    if doc is None:
        raise not_found("Organisation", orgName)
    ctx.state.delete_org(Store.key(doc["name"]))
    return {"message": "Organisation '%s' deleted with everything in it." % doc["name"]}


def delete_own_organisation(ctx: Ctx, orgName: str) -> dict:  # pylint: disable=invalid-name
    """DELETE /be/v1/orgs/{orgName}?prune=true: the primary administrator deletes the caller's organisation."""
    if Store.key(orgName) != ctx.org:
        raise not_found("Organisation", orgName)
    name = ctx.org_name()
    if not ctx.user.get("_primary"):
        raise ApiError("forbidden", "Only the primary administrator of organisation '%s' can delete it." % name)
    if ctx.query["prune"] != "true" and not ctx.state.org_is_empty(ctx.org):
        raise conflict("Organisation '%s' still holds objects besides its primary administrator and the role %s; "
                       "delete them first or send prune=true." % (name, ADMIN_ROLE))
    ctx.state.delete_org(ctx.org)
    return {"message": "Organisation '%s' deleted with everything in it." % name}


def versions(ctx: Ctx) -> dict:
    """GET /srv/v1/versions (/adm/v1/versions in release 152)."""
    return emu_release.versions(ctx.state.config.release)


def ping(ctx: Ctx) -> dict:  # pylint: disable=unused-argument
    """POST /srv/v1/ping (/adm/v1/ping before release 153)."""
    return {"message": "pong"}


# --------------------------------------------------------------------------------------------------
# Route table
# --------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Op:  # pylint: disable=too-many-instance-attributes
    """One operation of the API."""

    method: str
    path: str
    handler: Callable
    summary: str
    tag: str
    response: dict
    permission: tuple | None = None
    auth: bool = True
    query: dict = dataclasses.field(default_factory=dict)
    body: dict | None = None
    headers: dict = dataclasses.field(default_factory=dict)
    errors: tuple = ()
    description: str = ""
    admin: str | None = None
    creates: str | None = None
    releases: tuple = (emu_release.OLDEST, emu_release.NEWEST)

    def serves(self, release: int) -> bool:
        """True when the route exists in this release."""
        return self.releases[0] <= release <= self.releases[1]

    @property
    def path_params(self) -> list[str]:
        """The names of the path parameters."""
        return re.findall(r"{(\w+)}", self.path)

    @property
    def statuses(self) -> list[int]:
        """Every status the operation can answer."""
        result = {200, 400}
        if self.auth or self.admin:
            result.add(401)
        if self.permission:
            result.add(403)
        return sorted(result | set(self.errors))


def success(required: tuple = (), **properties) -> dict:
    """The success envelope with resource keys (all required unless ``required`` narrows them)."""
    return S.obj(dict(status=S.string(enum=["success"]), **properties),
                 ("status",) + (required if required else tuple(properties)))


def order_values(fields: tuple) -> list[str]:
    """``order[]`` values: field, +field, -field, and the bracketed form of the docs example."""
    plain = [prefix + field for field in fields for prefix in ("", "+", "-")]
    return plain + ["[%s]" % value for value in plain]


def list_query(sort: tuple, fields: tuple = ()) -> dict:
    """The query parameters every list takes."""
    query = {
        "offset": {"type": "integer", "minimum": 0, "default": 0},
        "limit": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 10},
        "order[]": S.array(S.string(enum=order_values(sort))),
    }
    if fields:
        query["fields[]"] = fields_query(fields)
    return query


def fields_query(fields: tuple) -> dict:
    """``fields[]``: repeated keys or comma-separated values."""
    alternatives = "(%s)" % "|".join(fields)
    return S.array(S.string(pattern="^%s(,%s)*$" % (alternatives, alternatives)))


def collection_ops(col: Collection, create: tuple | None, patch: tuple | None, create_extra: dict | None = None,
                   errors: tuple = ()) -> list[Op]:
    """The standard operations of a named collection."""
    base, one = "/be/v1/" + col.plural, "/be/v1/%s/{%s}" % (col.plural, col.param)
    tag = col.plural
    ops = [
        Op("GET", base, list_objects(col), "List %s" % col.plural, tag,
           success(totalCount=S.COUNT, **{col.plural: S.array(col.item_schema or col.out_schema)}),
           (col.resource, "read"), query=dict(list_query(col.sort, col.list_fields), **col.filters)),
        Op("GET", one, get_object(col), "Read one %s" % col.singular, tag,
           success(**{col.singular: col.out_schema}, **({"message": S.string()} if col.detail_message else {})),
           (col.resource, "read"), query={"fields[]": fields_query(col.detail_fields)} if col.detail_fields else {},
           errors=(404,)),
        Op("DELETE", one, delete_object(col), "Delete a %s" % col.singular, tag, success(message=S.string()),
           (col.resource, "delete"), errors=(404, 409) if col.delete_conflicts else (404,)),
    ]
    if create:
        handler, schema = create
        extra = create_extra or {}
        ops.append(Op("POST", base, handler, "Create a %s" % col.singular, tag,
                      success(required=(col.singular,) + tuple(name for name in extra
                                                               if name not in ("apiKey", "apiKeyId")),
                              **{col.singular: col.out_schema}, **extra),
                      (col.resource, "create"), body=schema, errors=(409,) + errors, creates=col.singular))
    if patch:
        handler, schema, patch_errors = patch
        ops.append(Op("PATCH", base, handler, "Update a %s" % col.singular, tag, success(**{col.singular: col.out_schema}),
                      (col.resource, "update") if handler is not patch_user else None, body=schema,
                      errors=(404,) + patch_errors + ((403,) if handler is patch_user else ())))
    return ops


TOKEN_PAIR_OUT = success(**S.TOKEN_PAIR)
ORG_CREATE_OUT = success(required=("org",), org=S.ORG_OUT, initialPassword=S.string())
VERSIONS_OUT = success(release=S.INTEGER, versions=S.obj({"edge": S.string(), "engine": S.string()}, ("edge", "engine")))
TASK_ARRAY_FILTERS = {"status[]": S.array(S.string(enum=S.TASK_STATUSES)),
                      "taskTypes[]": S.array(S.string(enum=S.TASK_TYPES))}
ADMIN_ONLY = dict(auth=False, admin=ADMIN_TOKEN_HEADER)
SRV = (153, emu_release.NEWEST)
ROUTES: list[Op] = [
    Op("POST", "/be/v1/login", login, "Log in (2026 flow): user and password, then the organisation", "auth",
       S.LOGIN_OUT, auth=False, body=S.LOGIN, errors=(401,), releases=(153, emu_release.NEWEST)),
    Op("POST", "/be/v1/login", login_2025, "Log in (2025 flow): organisation, user and password", "auth",
       S.LOGIN_2025_OUT, auth=False, body=S.LOGIN_2025, errors=(401,), releases=(emu_release.OLDEST, 152)),
    Op("POST", "/be/v1/refresh", refresh, "Rotate the refresh token", "auth", TOKEN_PAIR_OUT, auth=False,
       body=S.EMPTY, headers={REFRESH_HEADER: True}, errors=(401,), releases=(153, emu_release.NEWEST)),
    Op("POST", "/be/v1/logout", logout, "Log out", "auth", success(), auth=False, body=S.EMPTY,
       headers={REFRESH_HEADER: False, TOKEN_HEADER: False}, errors=(401,), releases=(153, emu_release.NEWEST)),
    Op("POST", "/be/v1/auth", auth, "Exchange a 2025 session token for an auth token", "auth",
       success(beauthToken=S.string(), expiresIn=S.INTEGER), auth=False, body=S.EMPTY, headers={SESSION_HEADER: True},
       errors=(401,), releases=(emu_release.OLDEST, 152)),
    Op("POST", "/be/v1/apikeys", create_api_key, "Create an API key (for the caller, or for another user)",
       "apikeys", success(apiKey=S.string(), apiKeyId=S.string(), username=S.string(), created=S.DATE_TIME),
       body=S.APIKEY_CREATE, errors=(403, 404, 409), creates="",
       description="Another user's key needs beUsers.update. The secret is returned only here."),
    Op("DELETE", "/be/v1/apikeys", delete_api_keys, "Delete every API key of a user (default: the caller)", "apikeys",
       success(deleted=S.COUNT), query={"username": S.NAME}, errors=(403, 404),
       description="Another user's keys need beUsers.update."),
    Op("DELETE", "/be/v1/apikeys/{apiKeyId}", delete_api_key, "Delete one API key", "apikeys",
       success(message=S.string()), errors=(403, 404), description="Another user's key needs beUsers.update."),
    *collection_ops(ROLES, (create_role, S.ROLE_CREATE), (patch_role, S.ROLE_PATCH, (409,))),
    *collection_ops(USERS, (create_user, S.USER_CREATE), (patch_user, S.USER_PATCH, (409,)),
                    create_extra={"apiKey": S.string(), "apiKeyId": S.string()}),
    *collection_ops(APPS, (create_application, S.APP_CREATE), (patch_app, S.APP_PATCH, ())),
    *collection_ops(DEPLOYMENTS, (create_deployment, S.DEPLOYMENT_CREATE), (patch_deployment, S.DEPLOYMENT_PATCH, ())),
    *collection_ops(SUBSCRIPTIONS, (create_subscription, S.SUBSCRIPTION_CREATE), None,
                    create_extra={"secret": S.string()}),
    Op("POST", "/be/v1/builds", create_build, "Import a native build", "apps",
       success(required=("build",), build=S.BUILD_OUT, uploadUrl=S.string(), expiresIn=S.INTEGER),
       ("apps", "update"), body=S.BUILD_CREATE, errors=(404, 409)),
    Op("GET", "/be/v1/tasks", list_tasks, "List tasks", "tasks",
       success(totalCount=S.COUNT, tasks=S.array(S.TASK_ITEM)), ("tasks", "read"),
       query=dict(list_query(TASKS.sort), appName=S.string(maxLength=200), taskGroup=S.string(maxLength=200),
                  created=S.DATE_TIME, **TASK_ARRAY_FILTERS)),
    Op("GET", "/be/v1/tasks/{taskName}", get_object(TASKS), "Task details", "tasks", success(task=S.TASK_DETAILS),
       ("tasks", "read"), errors=(404,)),
    Op("PATCH", "/be/v1/tasks", patch_task, "Acknowledge a warning / expire a task", "tasks",
       success(task=S.TASK_DETAILS), ("tasks", "update"), body=S.TASK_PATCH, errors=(404, 409)),
    Op("POST", "/be/v1/trigger", trigger, "Retry a failed task or process traces", "tasks",
       S.obj({"status": S.string(enum=["success"]), "task": S.TASK_DETAILS, "message": S.string(),
              "uploadUrl": S.string(), "expiresIn": S.INTEGER}, ("status",)),
       ("tasks", "execute"), body=S.TRIGGER, errors=(404, 409)),
    # organisations
    Op("DELETE", "/be/v1/orgs/{orgName}", delete_own_organisation, "Delete the caller's organisation", "orgs",
       success(message=S.string()), query={"prune": S.string(enum=["true", "false"], default="false")},
       errors=(403, 404, 409),
       description="Only the primary administrator. Without prune=true an organisation that holds anything besides "
                   "its primary administrator and Administrators is 409 conflict."),
    Op("POST", "/be/v1/orgs", create_organisation, "Create an organisation (the admin token in x-rockit-beauth-token)",
       "orgs", ORG_CREATE_OUT, body=S.ORG_CREATE, errors=(409,), auth=False, admin=TOKEN_HEADER, creates="org",
       releases=(emu_release.OLDEST, 158)),
    Op("POST", "/adm/v1/orgs", create_organisation, "Create an organisation with its primary administrator", "admin",
       ORG_CREATE_OUT, body=S.ORG_CREATE, errors=(409,), **ADMIN_ONLY, creates="org",
       description="Without adminPassword the answer carries initialPassword, once."),
    Op("GET", "/adm/v1/orgs", list_organisations, "List organisations", "admin",
       success(totalCount=S.COUNT, orgs=S.array(S.ORG_OUT)), query=list_query(ORGS.sort), **ADMIN_ONLY,
       releases=(159, emu_release.NEWEST)),
    Op("GET", "/adm/v1/orgs/{orgName}", get_organisation, "Read one organisation", "admin", success(org=S.ORG_OUT),
       errors=(404,), **ADMIN_ONLY, releases=(159, emu_release.NEWEST)),
    Op("DELETE", "/adm/v1/orgs/{orgName}", delete_organisation, "Delete an organisation with everything in it",
       "admin", success(message=S.string()), errors=(404,), **ADMIN_ONLY),
    # service routes
    Op("GET", "/srv/v1/versions", versions, "Versions of the installation", "service", VERSIONS_OUT, **ADMIN_ONLY,
       releases=SRV),
    Op("POST", "/srv/v1/ping", ping, "Ping", "service", success(message=S.string()), body=S.EMPTY, **ADMIN_ONLY,
       releases=SRV),
    Op("GET", "/adm/v1/versions", versions, "Versions of the installation (release 152)", "service", VERSIONS_OUT,
       **ADMIN_ONLY, releases=(152, 152)),
    Op("POST", "/adm/v1/ping", ping, "Ping (before release 153)", "service", success(message=S.string()),
       body=S.EMPTY, **ADMIN_ONLY, releases=(emu_release.OLDEST, 152)),
]


# --------------------------------------------------------------------------------------------------
# Flask glue
# --------------------------------------------------------------------------------------------------


def parse_query(spec: dict, args) -> dict:
    """Validate the query string against an operation's parameters; unknown keys are refused."""
    for key in args:
        if key not in spec:
            raise invalid(key, "unknown query parameter; allowed: %s." % (", ".join(spec) or "none"))
    result = {}
    for name, schema in spec.items():
        values = args.getlist(name)
        if not values:
            if "default" in schema:
                result[name] = schema["default"]
            continue
        if schema["type"] == "array":
            for value in values:
                validate(schema["items"], value, name)
            result[name] = values
            continue
        if len(values) > 1:
            raise invalid(name, "given more than once.")
        value = values[0]
        if schema["type"] == "integer":
            number = decimal.Decimal(value) if _NUMBER.fullmatch(value) else None
            if number is None or number != number.to_integral_value():
                raise invalid(name, "expected %s." % describe(schema))
            value = int(number)
        validate(schema, value, name)
        result[name] = value
    return result


def parse_body(op: Op, request: flask.Request, variants) -> dict:
    """Decode and validate the JSON body; anything but a JSON object is 400 invalid-param."""
    if op.body is None:
        return {}
    raw = request.get_data(cache=False)
    if not raw.strip():
        data: Any = {}
    else:
        try:
            data = loads(raw)
        except (ValueError, RecursionError):
            raise invalid("body", "the body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise invalid("body", "expected a JSON object.")
    data = variants.apply("body", data, op.body)
    validate(op.body, data)
    return data


def make_view(state, op: Op) -> Callable:
    """The one view wrapper: lock, clock, authentication, permission, validation, envelope."""
    def view(**params) -> flask.Response:
        request = flask.request
        with state.lock:
            state.advance()
            ctx = Ctx(state, request)
            if op.admin:
                state.authenticate_admin(request.headers.get(op.admin))
                request.environ["emulator.user"] = "(admin token)"
            elif op.auth:
                ctx.org, ctx.user = state.authenticate(request.headers)
                request.environ["emulator.org"] = state.org_name(ctx.org)
                request.environ["emulator.user"] = ctx.user["username"]
            if op.permission:
                ctx.require(*op.permission)
            ctx.query = parse_query(op.query, request.args)
            ctx.body = parse_body(op, request, state.variants)
            result = op.handler(ctx, **params)
            if op.creates is not None:
                result = state.variants.apply("create_answer", result, op.creates)
        body = {"status": "success"}
        body.update(result)
        return json_response(200, body)
    return view


def register(app: flask.Flask, state) -> None:
    """Add the routes of the table that the release serves, and the error answers, to the Flask app."""
    for op in ROUTES:
        if not op.serves(state.config.release):
            continue
        rule = re.sub(r"{(\w+)}", r"<\1>", op.path)
        app.add_url_rule(rule, "%s %s" % (op.method, op.path), make_view(state, op), methods=[op.method],
                         provide_automatic_options=False)

    @app.errorhandler(ApiError)
    def api_error(error: ApiError):
        return json_response(error.status, state.variants.apply("error_body", error.body(), error))

    @app.errorhandler(404)
    @app.errorhandler(405)
    def no_route(_error):
        if state.profile.allow_list:
            return json_response(404, WAF_NOT_FOUND)  # the firewall (release 155 on) knows its routes
        request = flask.request
        return api_error(ApiError("not-found", "Route %s %s not found." % (request.method, request.path)))

    @app.errorhandler(Exception)
    def internal_error(error: Exception):
        if isinstance(error, werkzeug.exceptions.HTTPException):
            return json_response(error.code or 500, {"code": error.code, "message": error.name})
        app.logger.exception("internal error")
        return json_response(500, {"status": "failed", "error": "internal", "message": "Internal emulator error: %r" % error})
