"""Shared building blocks of the ROCKIT Edge emulator.

Configuration, the emulator clock, the API error type, time formatting, the permission table and a
small JSON Schema validator.  The validator understands exactly the subset of JSON Schema used by
the route table in ``emu_api``; the same schemas are published in ``/openapi.json``, so the
document and the server cannot drift apart.
"""

import dataclasses
import datetime
import functools
import re
import threading
import time
from typing import Any

# --------------------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class EmulatorConfig:
    """Every setting of the emulator; the command line maps one option to one field."""

    host: str = "127.0.0.1"
    port: int = 8765
    org: str = "ExampleOrg"
    admin_user: str = "adminPrincipal"
    admin_api_key: str | None = None
    admin_password: str = "rockit-demo-password"
    admin_token: str | None = None
    release: int = 159
    install: str = "prod"
    tier: str = "paid"
    rate_limit: float | None = None
    gateway_timeout: float = 60.0
    variants: tuple = ()
    db: str | None = None
    fixtures: str | None = None
    control: bool = True
    require_accept: bool = True
    session_ttl: float = 86400
    auth_ttl: float = 300
    orgsel_ttl: float = 900
    access_ttl: float = 900
    refresh_ttl: float = 86400
    step_seconds: float = 4.0
    clock_speed: float = 1.0
    latency_ms: float = 0.0
    start_time: float | None = None
    tls_cert: str | None = None
    tls_key: str | None = None
    quiet: bool = False

    @classmethod
    def from_any(cls, config: Any = None) -> "EmulatorConfig":
        """Accept an EmulatorConfig, a mapping, an argparse namespace or None."""
        if isinstance(config, cls):
            return config
        if config is None:
            return cls()
        data = dict(config) if isinstance(config, dict) else vars(config)
        names = {field.name for field in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError("unknown emulator settings: %s" % ", ".join(unknown))
        return cls(**data)


# --------------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------------

ERROR_STATUS = {
    "missing-param": 400,
    "invalid-param": 400,
    "unauthorized": 401,
    "token-expired": 401,
    "forbidden": 403,
    "not-found": 404,
    "method-not-allowed": 405,
    "already-exists": 409,
    "conflict": 409,
    "maintenance": 503,
}


class ApiError(Exception):
    """An error answer of the /be/v1 API: ``{"status": "failed", "error", "message", ...extra}``."""

    def __init__(self, error: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.error = error
        self.status = ERROR_STATUS[error]
        self.message = message
        self.extra = extra

    def body(self) -> dict:
        """The JSON body of the answer."""
        body = {"status": "failed", "error": self.error, "message": self.message}
        body.update(self.extra)
        return body


def missing(param: str, message: str | None = None) -> ApiError:
    """A ``400 missing-param`` naming the parameter."""
    return ApiError("missing-param", message or "Missing required parameter '%s'." % param, param=param)


def invalid(param: str, message: str) -> ApiError:
    """A ``400 invalid-param`` naming the parameter and what is allowed."""
    return ApiError("invalid-param", "Invalid parameter '%s': %s" % (param, message), param=param)


def not_found(kind: str, name: str) -> ApiError:
    """A ``404 not-found`` for an object of the given kind."""
    return ApiError("not-found", "%s '%s' not found." % (kind, name))


def conflict(message: str, **extra: Any) -> ApiError:
    """A ``409 conflict``."""
    return ApiError("conflict", message, **extra)


# --------------------------------------------------------------------------------------------------
# Time
# --------------------------------------------------------------------------------------------------

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def iso(epoch: float) -> str:
    """ISO 8601 UTC with a Z and seconds precision."""
    return _iso(int(epoch))


@functools.lru_cache(maxsize=8192)
def _iso(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def iso_ms(epoch: float) -> str:
    """ISO 8601 UTC with milliseconds, for the request log."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(int(epoch))) + ".%03dZ" % int((epoch % 1) * 1000)


def parse_datetime(value: str) -> float | None:
    """Parse an RFC 3339 date-time (the JSON Schema ``date-time`` format) to epoch seconds."""
    match = _RFC3339.match(value)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    fraction = float(match.group(7) or 0)
    zone = match.group(8)
    if hour > 23 or minute > 59 or second > 60:
        return None
    if zone in ("Z", "z"):
        offset = 0
    else:
        zone_hours, zone_minutes = int(zone[1:3]), int(zone[4:6])
        if zone_hours > 23 or zone_minutes > 59:
            return None
        offset = (zone_hours * 60 + zone_minutes) * 60 * (1 if zone[0] == "+" else -1)
    try:
        moment = datetime.datetime(year, month, day, hour, minute, min(second, 59), tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    return moment.timestamp() + fraction - offset


class Clock:
    """The emulator clock: wall time plus an offset, running at an adjustable speed."""

    def __init__(self, speed: float = 1.0, start: float | None = None) -> None:
        self._lock = threading.Lock()
        self.default_speed = speed
        self.default_start = start
        self.reset()

    def reset(self, offset: float = 0.0) -> None:
        """Back to the start: the configured speed, wall time (or the configured start) plus offset."""
        with self._lock:
            self._real_anchor = time.time()
            self._emu_anchor = (self.default_start if self.default_start is not None else self._real_anchor) + offset
            self.speed = self.default_speed

    def now(self) -> float:
        """The emulated time in epoch seconds."""
        with self._lock:
            return self._emu_anchor + (time.time() - self._real_anchor) * self.speed

    def advance(self, seconds: float) -> None:
        """Jump forward."""
        with self._lock:
            self._emu_anchor += seconds

    def set_speed(self, speed: float) -> None:
        """Change the number of emulated seconds per real second from now on."""
        with self._lock:
            real = time.time()
            self._emu_anchor += (real - self._real_anchor) * self.speed
            self._real_anchor = real
            self.speed = speed

    def offset(self) -> float:
        """Emulated time minus wall time, to persist across restarts."""
        return self.now() - time.time()


# --------------------------------------------------------------------------------------------------
# Permissions
# --------------------------------------------------------------------------------------------------

RESOURCE_MAX = {
    "apps": 15, "beUsers": 15, "bundles": 15, "consumption": 2, "dependencies": 15, "deployments": 15,
    "keys": 15, "roles": 15, "sources": 15, "subscriptions": 15, "tasks": 31, "trainings": 6,
}
OPERATION_BITS = {"create": 1, "read": 2, "update": 4, "delete": 8, "execute": 16}


# --------------------------------------------------------------------------------------------------
# JSON Schema subset
# --------------------------------------------------------------------------------------------------

_JSON_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
_PATTERNS: dict[str, re.Pattern] = {}


def _pattern(pattern: str) -> re.Pattern:
    compiled = _PATTERNS.get(pattern)
    if compiled is None:
        compiled = _PATTERNS[pattern] = re.compile(pattern)
    return compiled


def _types(schema: dict) -> list[str]:
    kind = schema.get("type")
    if kind is None:
        return []
    return list(kind) if isinstance(kind, list) else [kind]


def describe(schema: dict) -> str:
    """A short English description of what a schema allows, for error messages."""
    if "x-describe" in schema:
        return schema["x-describe"]
    if "enum" in schema:
        values = ", ".join(str(value).lower() if isinstance(value, bool) else str(value) for value in schema["enum"])
        return "one of: %s" % values if len(schema["enum"]) > 1 else "exactly %s" % values
    if "oneOf" in schema:
        return " or ".join(describe(branch) for branch in schema["oneOf"])
    words = []
    for kind in _types(schema):
        if kind == "integer":
            text = "an integer"
            if "minimum" in schema and "maximum" in schema:
                text += " between %s and %s" % (schema["minimum"], schema["maximum"])
            elif "minimum" in schema:
                text += " >= %s" % schema["minimum"]
        elif kind == "number":
            text = "a number"
            if "minimum" in schema:
                text += " >= %s" % schema["minimum"]
        elif kind == "string":
            text = "a string"
            if schema.get("format") == "date-time":
                text = "an RFC 3339 date-time such as 2025-01-01T00:00:00Z"
            elif "pattern" in schema:
                text += " matching %s" % schema["pattern"]
            elif "minLength" in schema or "maxLength" in schema:
                text += " of %s to %s characters" % (schema.get("minLength", 0), schema.get("maxLength", "any number of"))
        elif kind == "array":
            text = "an array"
            if "items" in schema:
                text += " of unique items, each %s" % describe(schema["items"]) if schema.get("uniqueItems") else \
                    " of items, each %s" % describe(schema["items"])
        elif kind == "object":
            text = "an object"
            if "properties" in schema and schema.get("additionalProperties") is False:
                text += " with the keys %s" % ", ".join(schema["properties"])
        else:
            text = kind
        words.append(text)
    return " or ".join(words) or "a value"


def _join(path: str, key: Any) -> str:
    if isinstance(key, int):
        return "%s[%d]" % (path, key)
    return "%s.%s" % (path, key) if path else str(key)


def validate(schema: dict, value: Any, path: str = "") -> None:
    """Raise ``ApiError`` (missing-param / invalid-param) when ``value`` does not satisfy ``schema``."""
    label = path or "body"
    kinds = _types(schema)
    if kinds and not any(_JSON_TYPES[kind](value) for kind in kinds):
        raise invalid(label, "expected %s." % describe(schema))
    if value is None:
        if not kinds and "oneOf" in schema:
            raise invalid(label, "expected an object, not null.")
        return
    if "enum" in schema and value not in schema["enum"]:
        raise invalid(label, "expected %s." % describe(schema))
    if "oneOf" in schema:
        validate(_branch(schema, value, label), value, path)
    if isinstance(value, str):
        _validate_string(schema, value, label)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if ("minimum" in schema and value < schema["minimum"]) or ("maximum" in schema and value > schema["maximum"]):
            raise invalid(label, "expected %s." % describe(schema))
    elif isinstance(value, list):
        _validate_array(schema, value, path, label)
    elif isinstance(value, dict):
        _validate_object(schema, value, path)


def _branch(schema: dict, value: Any, label: str) -> dict:
    """The ``oneOf`` branch selected by the discriminator property or by the presence of a key."""
    if not isinstance(value, dict):
        raise invalid(label, "expected an object.")
    prefix = label if label != "body" else ""
    if "discriminator" in schema:
        prop = schema["discriminator"]["propertyName"]
        if prop not in value:
            raise missing(_join(prefix, prop))
        for branch in schema["oneOf"]:
            if value[prop] in branch["properties"][prop]["enum"]:
                return branch
        allowed = [branch["properties"][prop]["enum"][0] for branch in schema["oneOf"]]
        raise invalid(_join(prefix, prop), "expected one of: %s." % ", ".join(allowed))
    for branch in schema["oneOf"]:
        if branch.get("x-when-present") in value:
            return branch
    defaults = [branch for branch in schema["oneOf"] if "x-when-present" not in branch]
    return (defaults or schema["oneOf"])[0]


def _validate_string(schema: dict, value: str, label: str) -> None:
    if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", len(value)):
        raise invalid(label, "expected %s." % describe(schema))
    if "pattern" in schema and not _pattern(schema["pattern"]).fullmatch(value):
        raise invalid(label, "expected %s." % describe(schema))
    if schema.get("format") == "date-time" and parse_datetime(value) is None:
        raise invalid(label, "expected %s." % describe(schema))


def _validate_array(schema: dict, value: list, path: str, label: str) -> None:
    if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", len(value)):
        raise invalid(label, "expected %s with %s to %s items." % (
            describe(schema), schema.get("minItems", 0), schema.get("maxItems", "any number of")))
    if "items" in schema:
        for index, item in enumerate(value):
            validate(schema["items"], item, _join(path or "body", index))
    if schema.get("uniqueItems"):
        seen = []
        for item in value:
            folded = item.lower() if isinstance(item, str) and schema.get("x-case-insensitive") else item
            if folded in seen:
                raise invalid(label, "the value %r is listed twice." % (item,))
            seen.append(folded)


def _validate_object(schema: dict, value: dict, path: str) -> None:
    properties = schema.get("properties", {})
    if schema.get("additionalProperties") is False:
        for key in value:
            if key not in properties:
                allowed = ", ".join(properties) or "none"
                raise invalid(_join(path, key), "unknown field; allowed fields: %s." % allowed)
    for key in schema.get("required", []):
        if key not in value:
            raise missing(_join(path, key))
    alternatives = schema.get("x-require-one-of")
    if alternatives and not any(key in value for key in alternatives):
        raise missing(_join(path, alternatives[0]), "Missing required parameter: one of %s." % ", ".join(
            "'%s'" % _join(path, key) for key in alternatives))
    for key, item in value.items():
        if key in properties:
            validate(properties[key], item, _join(path, key))


def strip_unknown(schema: dict, value: Any) -> Any:
    """A copy of ``value`` without the keys that ``schema`` does not know (a server that ignores them)."""
    if "oneOf" in schema and isinstance(value, dict):
        try:
            schema = _branch(schema, value, "body")
        except ApiError:
            return value
    if isinstance(value, dict) and "properties" in schema:
        properties = schema["properties"]
        closed = schema.get("additionalProperties") is False
        return {key: strip_unknown(properties[key], item) if key in properties else item
                for key, item in value.items() if key in properties or not closed}
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [strip_unknown(schema["items"], item) for item in value]
    return value


def public_schema(schema: Any) -> Any:
    """A copy of a schema without the emulator-only ``x-`` keywords, for the OpenAPI document."""
    if isinstance(schema, dict):
        result = {}
        for key, value in schema.items():
            if key == "x-require-one-of":
                result["anyOf"] = [{"required": [name]} for name in value]
            elif key.startswith("x-"):
                continue
            elif key == "properties":
                result[key] = {name: public_schema(sub) for name, sub in value.items()}
            else:
                result[key] = public_schema(value)
        return result
    if isinstance(schema, list):
        return [public_schema(item) for item in schema]
    return schema
