"""JSON schemas of the ROCKIT Edge emulator: request bodies, query parameters and responses.

The request schemas are enforced by ``emu_core.validate`` and published unchanged (minus the
emulator-only ``x-`` keywords) in ``/openapi.json``; the response schemas describe what the render
functions of ``emu_api`` produce.
"""

from emu_core import ERROR_STATUS, RESOURCE_MAX

NAME_PATTERN = r"^[A-Za-z0-9_]{2,50}$"
DEPLOYMENT_PATTERN = r"^[A-Za-z0-9_\[\]]{2,50}$"
HOST_PATTERN = r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
URL_PATTERN = r"^https?://[A-Za-z0-9._~-]+(:[0-9]{1,5})?([/?#][!-~]*)?$"
EMAIL_PATTERN = r"^[^@ \t\n\r\f\v]+@[^@ \t\n\r\f\v.]+(\.[^@ \t\n\r\f\v.]+)+$"
SLACK_PATTERN = r"^(#[a-z0-9._-]{1,80}|[CGD][A-Z0-9]{8,20})$"

SENDERS = ["dltar", "mkraw", "deploy"]
EVENTS = ["submit", "begin", "end", "error", "exception"]
TASK_STATUSES = ["allocating", "pending", "configuring", "preparing", "running", "finalizing", "done", "failed",
                 "canceled", "unfinished"]
TASK_TYPES = ["build", "deploy", "replication", "cleanup", "migration", "test", "export", "import", "backup",
              "restore"]


def string(**keywords) -> dict:
    """A string schema."""
    return dict(type="string", **keywords)


def obj(properties: dict, required: tuple = (), closed: bool = True, **keywords) -> dict:
    """An object schema; closed objects refuse unknown keys."""
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if closed:
        schema["additionalProperties"] = False
    schema.update(keywords)
    return schema


def array(items: dict, **keywords) -> dict:
    """An array schema."""
    return dict(type="array", items=items, **keywords)


def nullable(schema: dict) -> dict:
    """The schema or null (OpenAPI 3.1 type list)."""
    result = dict(schema)
    result["type"] = [schema["type"], "null"]
    return result


NAME = string(pattern=NAME_PATTERN)
DEPLOYMENT_NAME = string(pattern=DEPLOYMENT_PATTERN)
LABEL = string(maxLength=256)
TEXT = string(maxLength=100)
EMAIL = string(pattern=EMAIL_PATTERN, maxLength=254)
PASSWORD = string(minLength=8, maxLength=128)
LOGIN_PASSWORD = string(minLength=1, maxLength=128)
SECRET = string(minLength=1, maxLength=1024)
TOKEN = string(minLength=1, maxLength=1024)
HOST = string(pattern=HOST_PATTERN, maxLength=253)
URL = string(pattern=URL_PATTERN, maxLength=2048)
DATE_TIME = string(format="date-time")
BOOLEAN = {"type": "boolean"}
INTEGER = {"type": "integer"}
COUNT = {"type": "integer", "minimum": 0}
TRUE = {"type": "boolean", "enum": [True]}
EMPTY = obj({})

# -- roles -------------------------------------------------------------------------------------------

PERMISSIONS_IN = obj({name: {"type": "integer", "minimum": 0, "maximum": top} for name, top in RESOURCE_MAX.items()})
ROLE_CREATE = obj({"name": NAME, "label": LABEL, "permissions": PERMISSIONS_IN}, ("name",))
ROLE_PATCH = ROLE_CREATE
PERMISSIONS_OUT = obj({name: {"type": "integer", "minimum": 0, "maximum": top} for name, top in RESOURCE_MAX.items()},
                      tuple(RESOURCE_MAX))
ROLE_OUT = obj({"name": string(), "label": string(), "permissions": PERMISSIONS_OUT, "created": DATE_TIME,
                "updated": DATE_TIME}, ("name",))
ROLE_FIELDS = ["name", "label", "permissions", "created", "updated"]

# -- users -------------------------------------------------------------------------------------------

ROLE_LIST = array(NAME, uniqueItems=True, maxItems=50, **{"x-case-insensitive": True})
HUMAN_CREATE = obj({"username": NAME, "email": EMAIL, "firstname": string(minLength=1, maxLength=100),
                    "surname": string(minLength=1, maxLength=100), "title": TEXT, "roles": ROLE_LIST,
                    "password": PASSWORD}, ("username", "email", "firstname", "surname", "roles"),
                   title="human user", **{"x-when-present": "email"})
MACHINE_CREATE = obj({"username": NAME, "label": LABEL, "roles": ROLE_LIST}, ("username", "label", "roles"),
                     title="machine user", **{"x-when-present": "label"})
USER_CREATE = {"oneOf": [HUMAN_CREATE, MACHINE_CREATE]}
SELF_SERVICE_FIELDS = ("username", "email", "firstname", "surname", "title", "oldPW", "newPW")
USER_PATCH = obj({"username": NAME, "email": EMAIL, "firstname": string(minLength=1, maxLength=100),
                  "surname": string(minLength=1, maxLength=100), "title": TEXT, "label": LABEL, "roles": ROLE_LIST,
                  "oldPW": LOGIN_PASSWORD, "newPW": PASSWORD, "resetCreds": obj({"password": PASSWORD}, ("password",))},
                 ("username",))
USER_OUT = obj({"username": string(), "type": string(enum=["user", "machine"]), "label": string(), "email": string(),
                "firstname": string(), "surname": string(), "title": string(), "roles": array(string()),
                "created": DATE_TIME, "updated": DATE_TIME}, ("username", "type", "roles", "created", "updated"))

# -- deployments -------------------------------------------------------------------------------------

S3_CREDENTIALS = obj({"accessKeyId": SECRET, "secretAccessKey": SECRET}, ("accessKeyId", "secretAccessKey"))
NETSTORAGE_CREDENTIALS = obj({"keyName": SECRET, "key": SECRET}, ("keyName", "key"))
ORIGIN = {
    "oneOf": [
        obj({"type": string(enum=["s3"]), "endpoint": HOST, "region": string(pattern=r"^[A-Za-z0-9_-]{1,64}$"),
             "bucket": string(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,62}$"), "credentials": S3_CREDENTIALS},
            ("type", "endpoint", "region", "bucket", "credentials"), title="s3",
            description="AWS S3 and S3-compatible stores. endpoint must contain region and must not contain bucket."),
        obj({"type": string(enum=["netstorage"]), "endpoint": HOST, "credentials": NETSTORAGE_CREDENTIALS},
            ("type", "endpoint", "credentials"), title="netstorage", description="Akamai NetStorage."),
    ],
    "discriminator": {"propertyName": "type"},
}
ORIGIN_PATCH = obj({
    "type": string(enum=["s3", "netstorage"]), "endpoint": HOST, "region": ORIGIN["oneOf"][0]["properties"]["region"],
    "bucket": ORIGIN["oneOf"][0]["properties"]["bucket"],
    "credentials": obj({"accessKeyId": SECRET, "secretAccessKey": SECRET, "keyName": SECRET, "key": SECRET})},
    description="Merged key by key into the stored origin (credentials are replaced as a whole); when type "
                "changes the origin is replaced. The result must satisfy the origin of the create operation.")
DOWNLOAD_AUTH = obj({"type": string(enum=["akamai", "gcore"]), "key": SECRET}, ("type", "key"))
DOWNLOAD_AUTH_PATCH = obj({"type": string(enum=["akamai", "gcore"]), "key": SECRET},
                          description="Merged into the stored download authentication; null removes it.")
ORIGIN_PREFIX = string(pattern=r"^[A-Za-z0-9._/-]{0,200}$")
DEPLOYMENT_CREATE = obj({"name": DEPLOYMENT_NAME, "originPrefix": ORIGIN_PREFIX, "origin": ORIGIN,
                         "downloadAuth": nullable(DOWNLOAD_AUTH)}, ("name", "origin"))
DEPLOYMENT_PATCH = obj({"name": DEPLOYMENT_NAME, "originPrefix": ORIGIN_PREFIX, "origin": ORIGIN_PATCH,
                        "downloadAuth": nullable(DOWNLOAD_AUTH_PATCH)}, ("name",))
DEPLOYMENT_OUT = obj({
    "name": string(), "originPrefix": string(),
    "origin": obj({"type": string(enum=["s3", "netstorage"]), "endpoint": string(), "region": string(),
                   "bucket": string()}, ("type", "endpoint")),
    "downloadAuth": nullable(obj({"type": string(enum=["akamai", "gcore"])}, ("type",))),
    "status": string(enum=["ok", "error"]), "message": string(), "created": DATE_TIME, "updated": DATE_TIME},
    ("name", "originPrefix", "origin", "downloadAuth", "status", "message", "created", "updated"))

# -- apps and builds ---------------------------------------------------------------------------------

MAX_BUILDS = {"type": "integer", "minimum": 1, "maximum": 100}
DEPLOYMENT_LIST = array(DEPLOYMENT_NAME, uniqueItems=True, maxItems=100, **{"x-case-insensitive": True})
APP_CREATE = obj({"name": NAME, "label": LABEL, "maxBuilds": MAX_BUILDS, "deployments": DEPLOYMENT_LIST},
                 ("name", "label"))
APP_PATCH = obj({"name": NAME, "label": LABEL, "maxBuilds": MAX_BUILDS, "deployments": DEPLOYMENT_LIST}, ("name",))
FILE = obj({"name": string(), "size": COUNT, "md5": string(pattern="^[0-9a-f]{32}$")}, ("name", "size", "md5"))
APP_OUT = obj({
    "name": string(), "label": string(), "maxBuilds": INTEGER, "deployments": array(string()), "dxfName": string(),
    "iCurBuild": COUNT, "processing": BOOLEAN, "exporting": BOOLEAN, "deployed": array(string()),
    "files": obj({"dxf": array(FILE), "patches": {"type": "object", "additionalProperties": array(FILE)}},
                 ("dxf", "patches")),
    "sizeBytes": COUNT, "status": string(enum=["ok", "error"]), "created": DATE_TIME, "updated": DATE_TIME},
    ("name",))
APP_DETAIL_FIELDS = ["name", "label", "dxfName", "iCurBuild", "maxBuilds", "processing", "exporting", "deployed",
                     "files", "deployments", "status"]
APP_LIST_FIELDS = APP_DETAIL_FIELDS + ["sizeBytes", "created", "updated"]
BUILD_CREATE = obj({"appName": NAME, "url": URL, "size": COUNT}, ("appName",))
BUILD_OUT = obj({"appName": string(), "iBuild": INTEGER, "taskGroup": string(), "tasks": array(string())},
                ("appName", "iBuild", "taskGroup", "tasks"))

# -- tasks and triggers ------------------------------------------------------------------------------

TASK_ITEM = obj({"name": string(), "service": string(enum=["engine", "edge"]), "status": string(enum=TASK_STATUSES),
                 "appName": string(), "taskType": string(enum=TASK_TYPES), "taskGroup": string(),
                 "created": DATE_TIME}, ("name", "service", "status", "appName", "taskType", "taskGroup", "created"))
TASK_DETAILS = obj(dict(TASK_ITEM["properties"], step=string(), build=INTEGER, acknowledged=BOOLEAN, expired=BOOLEAN,
                        warning=string(), message=string(), updated=DATE_TIME, httpStatus=INTEGER, exitCode=INTEGER,
                        sizeBytesActual=COUNT, sizeBytesExpected=COUNT,
                        fileReadFailed=obj({"filename": string(), "typeExpected": string(),
                                            "typeDetected": string()})),
                   tuple(TASK_ITEM["required"]) + ("step", "build", "acknowledged", "expired", "warning", "message",
                                                   "updated"))
TASK_PATCH = obj({"name": string(minLength=1, maxLength=200), "acknowledged": TRUE, "expired": TRUE}, ("name",),
                 **{"x-require-one-of": ["acknowledged", "expired"]})
TRIGGER = {
    "oneOf": [
        obj({"action": string(enum=["retry"]), "taskName": string(minLength=1, maxLength=200)}, ("action", "taskName"),
            title="retry"),
        obj({"action": string(enum=["processTraces"]), "appName": NAME}, ("action", "appName"), title="processTraces"),
    ],
    "discriminator": {"propertyName": "action"},
}

# -- subscriptions -----------------------------------------------------------------------------------

_SUBSCRIPTION_COMMON = {"name": NAME, "sender": string(enum=SENDERS),
                        "events": array(string(enum=EVENTS), minItems=1, uniqueItems=True)}
SUBSCRIPTION_CREATE = {
    "oneOf": [
        obj(dict(_SUBSCRIPTION_COMMON, type=string(enum=["webhook"]), webhook=obj({"url": URL}, ("url",))),
            ("name", "sender", "events", "type", "webhook"), title="webhook"),
        obj(dict(_SUBSCRIPTION_COMMON, type=string(enum=["slack"]),
                 slack=obj({"channelId": string(pattern=SLACK_PATTERN)}, ("channelId",))),
            ("name", "sender", "events", "type", "slack"), title="slack"),
    ],
    "discriminator": {"propertyName": "type"},
}
_TARGETS = {"webhook": obj({"url": string()}, ("url",)), "slack": obj({"channelId": string()}, ("channelId",))}
SUBSCRIPTION_OUT = obj(dict(_TARGETS, name=string(), sender=string(enum=SENDERS), events=array(string(enum=EVENTS)),
                            type=string(enum=["webhook", "slack"]), orgName=string(), created=DATE_TIME),
                       ("name", "sender", "events", "type", "orgName", "created"))
SUBSCRIPTION_RECORD = obj(dict(_TARGETS, name=string(), sender=string(enum=SENDERS), event=string(enum=EVENTS),
                               type=string(enum=["webhook", "slack"]), orgName=string()),
                          ("name", "sender", "event", "type", "orgName"))

# -- authentication ----------------------------------------------------------------------------------

LOGIN = {
    "oneOf": [
        obj({"orgName": NAME, "orgSelectionToken": TOKEN}, ("orgName", "orgSelectionToken"),
            title="2026 step 2: select the organisation", **{"x-when-present": "orgSelectionToken"}),
        obj({"username": NAME, "password": LOGIN_PASSWORD}, ("username", "password"),
            title="2026 step 1: user and password"),
    ],
}
LOGIN_2025 = obj({"orgName": NAME, "username": NAME, "password": LOGIN_PASSWORD}, ("orgName", "username", "password"),
                 title="2025: session login")
PERMISSIONS_MAP = PERMISSIONS_OUT
TOKEN_PAIR = {"accessToken": string(), "refreshToken": string(), "expiresIn": INTEGER, "refreshExpiresIn": INTEGER,
              "permissions": PERMISSIONS_MAP}
LOGIN_OUT = {
    "oneOf": [
        obj({"status": string(enum=["success"]), "orgs": array(string()), "orgSelectionToken": string(),
             "expiresIn": INTEGER}, ("status", "orgs", "orgSelectionToken", "expiresIn")),
        obj(dict(TOKEN_PAIR, status=string(enum=["success"])), ("status",) + tuple(TOKEN_PAIR)),
    ],
}
LOGIN_2025_OUT = obj({"status": string(enum=["success"]), "sessionToken": string(), "expiresIn": INTEGER,
                      "permissions": PERMISSIONS_MAP}, ("status", "sessionToken", "expiresIn", "permissions"))

# -- API keys and organisations ----------------------------------------------------------------------

APIKEY_CREATE = obj({"username": NAME}, description="{} creates a key for the caller; username names another user "
                                                    "of the organisation (needs beUsers.update).")
PERSON_NAME = string(minLength=1, maxLength=100)
ORG_CREATE = obj({"name": NAME, "adminUser": NAME, "adminEmail": EMAIL, "adminPassword": PASSWORD,
                  "adminFirstname": PERSON_NAME, "adminSurname": PERSON_NAME}, ("name", "adminUser", "adminEmail"))
ORG_OUT = obj({"name": string(), "adminUser": string(), "adminEmail": string(), "created": DATE_TIME,
               "updated": DATE_TIME}, ("name", "adminUser", "adminEmail", "created", "updated"))

# -- errors ------------------------------------------------------------------------------------------

ERROR = obj({"status": string(enum=["failed"]), "error": string(enum=sorted(ERROR_STATUS)), "message": string(),
             "param": string(), "permission": string(), "apps": array(string()), "users": array(string()),
             "retryAfter": string()}, ("status", "error", "message"))
WAF = obj({"code": INTEGER, "message": string()}, ("code", "message"))
