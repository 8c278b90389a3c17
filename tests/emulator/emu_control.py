"""Test control of the ROCKIT Edge emulator.

* ``EmulatorMiddleware`` wraps the Flask app: it logs every ``/be/v1`` and ``/_upload`` request,
  adds the configured latency and applies injected faults (status, delay, dropped connection,
  malformed or HTML answers).
* ``register_control`` adds the ``/_emulator/`` API (request log, faults, clock, latency, extra
  organisations, reset, state dump); it is left out with ``--no-control``.
* ``register_upload`` adds ``PUT /_upload/<token>``, the upload URL of client-upload builds, which
  is always served.
"""

import collections
import fnmatch
import hashlib
import http
import json
import socket
import threading
import time

import flask

from emu_api import APPS, DEPLOYMENTS, ROLES, SUBSCRIPTIONS, USERS, Ctx, json_response
from emu_api import render_task
from emu_core import ApiError, iso, iso_ms, validate
from emu_gateway import GATEWAY_TIMEOUT, TOO_MANY_REQUESTS, WAF_BAD_REQUEST, WAF_NOT_FOUND, Gateway
from emu_release import API_PREFIXES
from emu_schemas import NAME, PASSWORD, obj, string
from emu_store import Store

LOGGED_PREFIXES = API_PREFIXES + ("/_upload/",)
FAULT_SCHEMA = obj({
    "method": string(minLength=1), "path": string(minLength=1),
    "times": {"type": ["integer", "null"], "minimum": 1},
    "status": {"type": "integer", "minimum": 100, "maximum": 599},
    "body": {"type": ["object", "string"]}, "headers": {"type": "object", "additionalProperties": string()},
    "retry_after": {"type": "integer", "minimum": 0}, "delay": {"type": "number", "minimum": 0, "maximum": 600},
    "drop": string(enum=["before", "after"]), "malformed": {"type": "boolean"}, "html": {"type": "boolean"},
    "duration": {"type": "number", "minimum": 0, "maximum": 86400},
}, ("path",))
CLOCK_SCHEMA = obj({"advance": {"type": "number", "minimum": 0}, "speed": {"type": "number", "minimum": 0}})
LATENCY_SCHEMA = obj({"ms": {"type": "number", "minimum": 0, "maximum": 60000}}, ("ms",))
ORG_SCHEMA = obj({"org": NAME, "admin_user": NAME, "admin_api_key": string(minLength=1), "admin_password": PASSWORD,
                  "fixtures": string(enum=["docs"])}, ("org",))
DEFAULT_FAULT_BODIES = {
    400: WAF_BAD_REQUEST,
    404: WAF_NOT_FOUND,
    429: TOO_MANY_REQUESTS,
    503: {"status": "failed", "error": "maintenance",
          "message": "The service is in maintenance mode. Please retry later.", "retryAfter": "900"},
}
DEFAULT_RETRY_AFTER = {429: 60, 503: 900}


class ControlError(Exception):
    """A 400 answer of the control API."""


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class Faults:
    """Injected faults, matched by method and path (exact or fnmatch glob), first registered first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[dict] = []
        self._next = 1

    def add(self, fault: dict) -> int:
        """Register a fault; returns its id."""
        with self._lock:
            fault = dict({"method": "*", "times": 1}, **fault, id=self._next, hits=0)
            fault["method"] = fault["method"].upper()
            self._next += 1
            self._faults.append(fault)
            return fault["id"]

    def active(self) -> list[dict]:
        """The active faults."""
        with self._lock:
            return [dict(fault) for fault in self._faults]

    def clear(self) -> None:
        """Remove every fault."""
        with self._lock:
            self._faults.clear()

    def match(self, method: str, path: str) -> dict | None:
        """The first fault for this request (its remaining count goes down), or None."""
        with self._lock:
            for fault in self._faults:
                if fault["method"] in ("*", method) and (fault["path"] == path or fnmatch.fnmatchcase(path, fault["path"])):
                    fault["hits"] += 1
                    if fault["times"] is not None:
                        fault["times"] -= 1
                        if fault["times"] <= 0:
                            self._faults.remove(fault)
                    return dict(fault)
        return None


class RequestLog:
    """The requests served, in order."""

    def __init__(self, limit: int = 100000) -> None:
        self._lock = threading.Lock()
        self._entries: collections.deque = collections.deque(maxlen=limit)
        self._seq = 0

    def add(self, **entry) -> None:
        """Append an entry with the next sequence number."""
        with self._lock:
            self._seq += 1
            self._entries.append(dict(seq=self._seq, **entry))

    def entries(self) -> list[dict]:
        """Every entry."""
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        """Forget every entry (sequence numbers keep counting)."""
        with self._lock:
            self._entries.clear()


def _drop(environ: dict) -> None:
    """Close the TCP connection without an answer."""
    sock = environ.get("werkzeug.socket")
    if sock is None:
        raise ConnectionAbortedError("connection dropped by an emulated fault")
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def fault_response(fault: dict, state) -> tuple[int, list, bytes]:
    """Status, headers and body of an injected error answer."""
    if fault.get("html"):
        status = fault.get("status") or 502
        text = ("<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n"
                "<hr><center>edge-gateway</center>\r\n</body>\r\n</html>\r\n") % ((status, _phrase(status)) * 2)
        body, content_type = text.encode(), "text/html; charset=utf-8"
    else:
        status = fault["status"]
        payload = fault.get("body", DEFAULT_FAULT_BODIES.get(status, {"code": status, "message": _phrase(status)}))
        if isinstance(payload, str):
            try:
                json.loads(payload)
                content_type = "application/json"
            except ValueError:
                content_type = "text/plain; charset=utf-8"
            body = payload.encode()
        else:
            body, content_type = json.dumps(payload).encode(), "application/json"
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    retry_after = fault.get("retry_after", DEFAULT_RETRY_AFTER.get(status))
    if retry_after is not None:
        headers.append(("Retry-After", state.retry_after(retry_after)))
    headers.extend((str(name), str(value)) for name, value in (fault.get("headers") or {}).items())
    return status, headers, body


class EmulatorMiddleware:  # pylint: disable=too-few-public-methods
    """WSGI middleware: request log, latency, faults, and the firewall and gateway in front of the backend."""

    def __init__(self, app, state, faults: Faults, log: RequestLog, gateway: Gateway) -> None:
        self.app = app
        self.state = state
        self.faults = faults
        self.log = log
        self.gateway = gateway

    def __call__(self, environ: dict, start_response):  # pylint: disable=too-many-locals
        path = environ.get("PATH_INFO", "")
        if not path.startswith(LOGGED_PREFIXES):
            return self.app(environ, start_response)
        started = time.monotonic()
        method = environ.get("REQUEST_METHOD", "GET")
        fault = self.faults.match(method, path) or {}

        def record(status: int) -> None:
            self.log.add(time=iso_ms(self.state.now()), method=method, path=path,
                         query=environ.get("QUERY_STRING", ""), status=status,
                         duration_ms=round((time.monotonic() - started) * 1000, 3),
                         org=environ.get("emulator.org"), user=environ.get("emulator.user"))

        def answer(status: int, headers: list, body: bytes) -> list:
            record(status)
            start_response("%d %s" % (status, _phrase(status)), headers)
            return [body]

        api = path.startswith(API_PREFIXES)
        wait = (self.state.latency_ms / 1000.0 if api else 0.0) + (fault.get("delay") or 0.0)
        limit = self.state.config.gateway_timeout if api else float("inf")
        late = wait + (fault.get("duration") or 0.0) > limit  # the gateway gives up; the backend's work goes on
        if wait:
            time.sleep(min(wait, limit))
        if fault.get("drop") == "before":
            record(0)
            _drop(environ)
            start_response("500 Internal Server Error", [("Content-Length", "0")])
            return []
        if (fault.get("html") or fault.get("status")) and not fault.get("malformed") and not fault.get("drop"):
            return answer(*fault_response(fault, self.state))
        front = self.gateway.front(environ, method, path)
        if front is not None:
            status, extra, payload = front
            return answer(status, _json_headers(payload, extra), json.dumps(payload).encode())
        captured: dict = {}

        def capture(status, headers, exc_info=None):  # pylint: disable=unused-argument
            captured.update(status=status, headers=headers)
            return lambda data: None

        result = self.app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        if fault.get("drop") == "after":
            record(0)
            _drop(environ)
            start_response("500 Internal Server Error", [("Content-Length", "0")])
            return []
        if late or self.gateway.timed_out(path, time.monotonic() - started + (fault.get("duration") or 0.0)):
            return answer(504, _json_headers(GATEWAY_TIMEOUT), json.dumps(GATEWAY_TIMEOUT).encode())
        status_line, headers = captured["status"], captured["headers"]
        if fault.get("malformed"):
            body = (body or b'{"status": "success"}')[:max(1, len(body) // 2)]
            status_line = "200 OK"
            headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        record(int(status_line.split(" ", 1)[0]))
        start_response(status_line, headers)
        return [body]


def _json_headers(payload, extra: dict | None = None) -> list:
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(json.dumps(payload).encode())))]
    headers.extend((name, str(value)) for name, value in (extra or {}).items())
    return headers


def _json_body() -> dict:
    raw = flask.request.get_data(cache=False)
    try:
        data = json.loads(raw) if raw.strip() else {}
    except (ValueError, RecursionError):
        raise ControlError("the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ControlError("the body must be a JSON object")
    return data


def _checked(schema: dict) -> dict:
    data = _json_body()
    try:
        validate(schema, data)
    except ApiError as error:
        raise ControlError(error.message) from None
    return data


def dump_org(state, org_name: str | None) -> dict:
    """Every object of an organisation as the API would show it."""
    org_doc = state.org_doc(org_name) if org_name else next(
        (doc for doc in state.store.docs("", "org") if doc.get("initial")), None)
    if org_doc is None:
        raise ApiError("not-found", "Organisation '%s' not found." % org_name)
    ctx = Ctx(state, flask.request)
    ctx.org = Store.key(org_doc["name"])
    result = {"org": org_doc["name"], "now": iso(state.now()), "settings": state.settings()}
    for col in (ROLES, USERS, APPS, DEPLOYMENTS, SUBSCRIPTIONS):
        result[col.plural] = [col.render(ctx, doc) for doc in state.store.docs(ctx.org, col.kind)]
    result["tasks"] = [render_task(ctx, doc) for doc in state.store.docs(ctx.org, "task")]
    result["builds"] = [{key: value for key, value in doc.items() if not key.startswith("_") and key != "upload"}
                        for doc in state.store.docs(ctx.org, "build")]
    return result


def register_control(app: flask.Flask, state, faults: Faults, log: RequestLog) -> None:
    """The /_emulator/ test-control API."""
    routes = []

    def route(path: str, *methods: str):
        def decorator(func):
            routes.append((path, methods, func))
            return func
        return decorator

    @route("/_emulator/requests", "GET", "DELETE")
    def requests_log():
        if flask.request.method == "DELETE":
            log.clear()
            return {"cleared": True}
        return {"requests": log.entries()}

    @route("/_emulator/faults", "GET", "POST", "DELETE")
    def faults_api():
        if flask.request.method == "DELETE":
            faults.clear()
            return {"cleared": True}
        if flask.request.method == "GET":
            return {"faults": faults.active()}
        fault = _checked(FAULT_SCHEMA)
        if not any(fault.get(key) for key in ("status", "html", "drop", "malformed", "delay", "duration")):
            raise ControlError("a fault needs at least one of status, html, drop, malformed, delay or duration")
        return {"id": faults.add(fault)}

    @route("/_emulator/clock", "GET", "POST")
    def clock_api():
        if flask.request.method == "POST":
            data = _checked(CLOCK_SCHEMA)
            with state.lock:
                if "speed" in data:
                    state.clock.set_speed(float(data["speed"]))
                if data.get("advance"):
                    state.clock.advance(float(data["advance"]))
                state.save_clock()
                state.advance()
        return {"now": iso(state.now()), "epoch": state.now(), "speed": state.clock.speed}

    @route("/_emulator/latency", "GET", "POST")
    def latency_api():
        if flask.request.method == "POST":
            state.latency_ms = float(_checked(LATENCY_SCHEMA)["ms"])
        return {"ms": state.latency_ms}

    @route("/_emulator/orgs", "POST")
    def orgs_api():
        data = _checked(ORG_SCHEMA)
        config = state.config
        with state.lock:
            if state.org_doc(data["org"]) is not None:
                return {"error": "already-exists", "message": "Organisation '%s' already exists." % data["org"]}, 409
            org = state.create_org(data["org"], data.get("admin_user", config.admin_user),
                                   data.get("admin_api_key", config.admin_api_key),
                                   data.get("admin_password", config.admin_password))
            if data.get("fixtures") == "docs":
                state.seed_fixtures(org)
        return {"org": data["org"], "admin_user": data.get("admin_user", config.admin_user)}

    @route("/_emulator/settings", "GET")
    def settings_api():
        return state.settings()

    @route("/_emulator/reset", "POST")
    def reset_api():
        with state.lock:
            state.reset()
            faults.clear()
            log.clear()
        return {"reset": True, "now": iso(state.now())}

    @route("/_emulator/state", "GET")
    def state_api():
        with state.lock:
            state.advance()
            return dump_org(state, flask.request.args.get("org"))

    for path, methods, func in routes:
        app.add_url_rule(path, "control " + path, _control_view(func), methods=list(methods))


def _control_view(func):
    def view():
        try:
            result = func()
        except ControlError as error:
            return json_response(400, {"error": "invalid", "message": str(error)})
        except ApiError as error:
            return json_response(error.status, error.body())
        status = 200
        if isinstance(result, tuple):
            result, status = result
        return json_response(status, result)
    return view


def register_upload(app: flask.Flask, state) -> None:
    """PUT /_upload/<token>: the temporary upload URL of a client-upload build."""
    def upload(token: str):
        size, digest = 0, hashlib.md5()
        stream = flask.request.stream
        while True:
            chunk = stream.read(65536)
            if not chunk:
                break
            size += len(chunk)
            digest.update(chunk)
        with state.lock:
            state.advance()
            where = state.pipeline.uploads.get(token)
            if where:
                flask.request.environ["emulator.org"] = state.org_name(where[0])
            status, message = state.pipeline.upload(token, size)
        if status == 200:
            return flask.Response(b"", status=200, headers={"ETag": '"%s"' % digest.hexdigest()})
        error = {403: "forbidden", 404: "not-found", 409: "conflict"}[status]
        return json_response(status, {"status": "failed", "error": error, "message": message})

    app.add_url_rule("/_upload/<token>", "upload", upload, methods=["PUT"])
