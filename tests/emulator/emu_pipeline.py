"""The build pipeline of the ROCKIT Edge emulator.

A build runs the steps dltar, mkraw, mkpat (when the app already has a build), mkdxf, publish and
deploy.  Each step is one task, created when the previous one is done; it spends half of
``--step-seconds`` pending, the other half running, then it is done (or failed).  Nothing runs in
the background: ``Pipeline.advance`` brings every running build up to the emulator clock before
each request and whenever the clock is advanced, so the outcome only depends on emulated time.
"""

import hashlib
import secrets
import ssl
import urllib.error
import urllib.parse
import urllib.request
import uuid

from emu_core import conflict

STEPS = ("dltar", "mkraw", "mkpat", "mkdxf", "publish", "deploy")
STEP_SERVICE = {"deploy": "edge"}
STEP_TASK_TYPE = {"deploy": "deploy"}
UPLOAD_TTL = 3600
FETCH_TIMEOUT = 3.0
LOCAL_HOSTS = ("127.0.0.1", "localhost")
DEFAULT_IMAGE_SIZE = 166711296
_NAMESPACE = uuid.UUID("5f1d8f5e-8d0c-4c36-9a53-2d62c1ad0e55")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Never follow a redirect: the emulator only ever talks to 127.0.0.1."""

    def redirect_request(self, *args, **kwargs):
        return None


def unreachable(host: str) -> bool:
    """A host in the reserved top-level domain ``.invalid`` can never be reached (RFC 2606)."""
    host = host.lower().rstrip(".")
    return host == "invalid" or host.endswith(".invalid")


def fetch_url(url: str, size: int | None) -> dict:
    """Download a build URL the way the emulator pretends to.

    ``127.0.0.1`` and ``localhost`` are really fetched (GET, body counted and discarded); a host
    ending in ``.invalid`` fails with 404; any other host is never contacted and counts as fetched.
    """
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    if unreachable(host):
        return {"ok": False, "httpStatus": 404, "message": "Could not resolve host %s." % host}
    if host not in LOCAL_HOSTS:
        return {"ok": True, "size": size}
    netloc = "127.0.0.1" + (":%d" % parts.port if parts.port else "")
    local = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    handlers = [urllib.request.ProxyHandler({}), _NoRedirect()]
    if parts.scheme == "https":
        handlers.append(urllib.request.HTTPSHandler(context=ssl._create_unverified_context()))  # pylint: disable=protected-access
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(local, headers={"Host": parts.netloc.rsplit("@", 1)[-1], "Accept": "*/*"})
    try:
        with opener.open(request, timeout=FETCH_TIMEOUT) as response:
            total = 0
            while True:
                chunk = response.read(65536)
                if not chunk:
                    break
                total += len(chunk)
    except urllib.error.HTTPError as error:
        return {"ok": False, "httpStatus": error.code, "message": "Download failed with HTTP status %d." % error.code}
    except (OSError, ValueError) as error:
        return {"ok": False, "httpStatus": 404, "message": "Download failed: %s." % error}
    return {"ok": True, "size": total}


def _md5(*parts) -> str:
    return hashlib.md5("/".join(str(part) for part in parts).encode("utf-8", "surrogatepass")).hexdigest()


def _size(seed: str, low: int, high: int) -> int:
    return low + int(_md5(seed)[:8], 16) % (high - low + 1)


def image_files(org: str, app: str, build: int, image_size: int) -> list[dict]:
    """The four files of a ROCKIT image (names as in the App Details example)."""
    seed = "%s/%s/%d" % (org, app, build)
    return [
        {"name": "app.json", "size": _size(seed + "app", 600, 800), "md5": _md5(seed, "app.json")},
        {"name": "img.json", "size": 204, "md5": _md5(seed, "img.json")},
        {"name": "img.idx.7z", "size": max(1024, image_size // 13131), "md5": _md5(seed, "img.idx.7z")},
        {"name": "img.dxf", "size": image_size, "md5": _md5(seed, "img.dxf")},
    ]


def patch_files(org: str, app: str, source: int, target: int) -> list[dict]:
    """The six files of a ROCKIT patch (names as in the App Details example)."""
    seed = "%s/%s/%04d-%04d" % (org, app, source, target)
    return [
        {"name": "app.json", "size": 476, "md5": _md5(seed, "app.json")},
        {"name": "img.json", "size": 204, "md5": _md5(seed, "img.json")},
        {"name": "map.7z", "size": _size(seed + "map", 12000, 13000), "md5": _md5(seed, "map.7z")},
        {"name": "patch.7z", "size": _size(seed + "p7z", 200, 300), "md5": _md5(seed, "patch.7z")},
        {"name": "patch.json", "size": 356, "md5": _md5(seed, "patch.json")},
        {"name": "patch.data", "size": _size(seed + "data", 300, 400), "md5": _md5(seed, "patch.data")},
    ]


def task_name(org_name: str, app: str, build: int, epoch: float, step: str) -> str:
    """``<org>-<app>-<build:04d>-<epoch>-<step>`` in lower case."""
    return ("%s-%s-%04d-%d-%s" % (org_name, app, build, int(epoch), step)).lower()


class Pipeline:
    """Creates and advances the tasks of the builds."""

    def __init__(self, state) -> None:
        self.state = state
        self.active: set[tuple[str, str]] = set()
        self.uploads: dict[str, tuple[str, str]] = {}

    @property
    def store(self):
        """The state's document store."""
        return self.state.store

    def rebuild_index(self) -> None:
        """Find the running builds and the open upload URLs (after start, restart or reset)."""
        self.active.clear()
        self.uploads.clear()
        for org in self.store.orgs():
            for build in self.store.docs(org, "build"):
                if build["state"] == "running":
                    self.active.add((org, build["name"]))
                upload = build.get("upload")
                if upload and not upload.get("used"):
                    self.uploads[upload["token"]] = (org, build["name"])

    # -- tasks ----------------------------------------------------------------------------------------

    def _new_task(self, org: str, build: dict, step: str, at: float, t0: float | None) -> dict:
        org_name = self.state.org_name(org)
        epoch = int(at)
        while self.store.get(org, "task", task_name(org_name, build["appName"], build["iBuild"], epoch, step)):
            epoch += 1
        task = {
            "name": task_name(org_name, build["appName"], build["iBuild"], epoch, step),
            "service": STEP_SERVICE.get(step, "engine"), "status": "pending", "appName": build["appName"],
            "taskType": STEP_TASK_TYPE.get(step, "build"), "taskGroup": build["name"], "created": epoch,
            "step": step, "build": build["iBuild"], "acknowledged": False, "expired": False, "warning": "",
            "message": "", "updated": at, "_t0": t0,
        }
        build["task"] = task["name"]
        return self.store.put(org, "task", task["name"], task)

    def _set_app(self, org: str, app_name: str, at: float, **changes) -> None:
        app = self.store.edit(org, "app", app_name)
        if app is not None:
            app.update(changes, updated=at)
            self.store.put(org, "app", app["name"], app)

    def _new_upload(self, org: str, build: dict, at: float) -> None:
        token = secrets.token_urlsafe(24)
        build["upload"] = {"token": token, "expires": at + UPLOAD_TTL, "used": False}
        self.uploads[token] = (org, build["name"])

    # -- commands -------------------------------------------------------------------------------------

    def submit(self, org: str, app: dict, url: str | None, size: int | None, fetch: dict | None) -> tuple[dict, dict]:
        """Start a build of an app (``app`` is a private copy); returns (build, first task)."""
        now = self.state.now()
        number = app.get("_lastBuild", 0) + 1
        steps = [step for step in STEPS if step != "mkpat" or app.get("iCurBuild", 0) >= 1]
        build = {
            "name": ("%s-%s-%04d" % (self.state.org_name(org), app["name"], number)).lower(),
            "appName": app["name"], "iBuild": number, "mode": "url" if url else "upload", "url": url, "size": size,
            "fetch": fetch, "steps": steps, "step": 0, "task": None, "state": "running", "created": now,
            "updated": now,
        }
        if not url:
            self._new_upload(org, build, now)
        task = self._new_task(org, build, steps[0], now, now if url else None)
        self.store.put(org, "build", build["name"], build)
        app.update(_lastBuild=number, processing=True, updated=now)
        self.store.put(org, "app", app["name"], app)
        self.active.add((org, build["name"]))
        return build, task

    def upload(self, token: str, size: int) -> tuple[int, str]:
        """Accept the file of an upload build: (HTTP status, message)."""
        now = self.state.now()
        where = self.uploads.get(token)
        build = self.store.edit(where[0], "build", where[1]) if where else None
        if build is None:
            return 404, "Unknown upload URL."
        upload = build["upload"]
        if now >= upload["expires"]:
            return 403, "The upload URL has expired."
        task = self.store.edit(where[0], "task", build["task"])
        if build["state"] != "running" or task is None or task["_t0"] is not None:
            return 409, "The upload task is no longer waiting for a file."
        upload["used"] = True
        self.uploads.pop(token, None)
        build.update(fetch={"ok": True, "size": size}, updated=now)
        task.update(_t0=now, updated=now)
        self.store.put(where[0], "task", task["name"], task)
        self.store.put(where[0], "build", build["name"], build)
        self.advance(now)
        return 200, "Upload received."

    def expire(self, org: str, task: dict) -> None:
        """Expire a dltar task that is not done: failed, acknowledged and expired; its build stops."""
        if task["step"] != "dltar" or task["status"] == "done":
            raise conflict("Only dltar (upload) tasks that are not done can be expired; task '%s' is a %s task "
                           "with status %s." % (task["name"], task["step"], task["status"]))
        now = self.state.now()
        task.update(status="failed", acknowledged=True, expired=True, updated=now,
                    message=task["message"] or "Expired by the user.")
        self.store.put(org, "task", task["name"], task)
        build = self.store.edit(org, "build", task["taskGroup"])
        if build and build["state"] == "running" and build["task"] == task["name"]:
            build.update(state="failed", updated=now)
            self.store.put(org, "build", build["name"], build)
            self.active.discard((org, build["name"]))
            self._set_app(org, build["appName"], now, processing=False)

    def retry_plan(self, org: str, task: dict) -> dict:
        """Check that a task can be retried; returns its build (a private copy)."""
        if task["status"] != "failed":
            raise conflict("Only failed tasks can be retried; task '%s' is %s." % (task["name"], task["status"]))
        build = self.store.edit(org, "build", task["taskGroup"])
        if build is None or build["task"] != task["name"] or build["state"] != "failed":
            raise conflict("Task '%s' cannot be retried: it is not the failed step of a build." % task["name"])
        app = self.store.get(org, "app", build["appName"])
        if app is None:
            raise conflict("Task '%s' cannot be retried: app '%s' no longer exists." % (task["name"], build["appName"]))
        if app.get("processing"):
            raise conflict("App '%s' is processing another build." % app["name"])
        return build

    def retry(self, org: str, task: dict, fetch: dict | None) -> tuple[dict, dict]:
        """Create a new task for the failed step and let the build continue; returns (build, task)."""
        build = self.retry_plan(org, task)
        now = self.state.now()
        waiting = task["step"] == "dltar" and build["mode"] == "upload"
        if task["step"] == "dltar":
            if waiting:
                self._new_upload(org, build, now)
            else:
                build["fetch"] = fetch
        new_task = self._new_task(org, build, task["step"], now, None if waiting else now)
        build.update(state="running", updated=now)
        self.store.put(org, "build", build["name"], build)
        self._set_app(org, build["appName"], now, processing=True)
        self.active.add((org, build["name"]))
        return build, new_task

    def cancel_app(self, org: str, app_name: str) -> None:
        """An app is deleted: cancel its running build and forget its builds."""
        now = self.state.now()
        for build in self.store.docs(org, "build"):
            if build["appName"].lower() != app_name.lower():
                continue
            if build["state"] == "running":
                task = self.store.edit(org, "task", build["task"])
                if task and task["status"] not in ("done", "failed"):
                    task.update(status="canceled", updated=now)
                    self.store.put(org, "task", task["name"], task)
            self.active.discard((org, build["name"]))
            if build.get("upload"):
                self.uploads.pop(build["upload"]["token"], None)
            self.store.delete(org, "build", build["name"])

    def forget_org(self, org: str) -> None:
        """An organisation is deleted: its builds stop and its upload URLs stop working."""
        self.active = {item for item in self.active if item[0] != org}
        self.uploads = {token: where for token, where in self.uploads.items() if where[0] != org}

    # -- time -----------------------------------------------------------------------------------------

    def advance(self, now: float) -> None:
        """Bring every running build up to ``now``."""
        for org, name in sorted(self.active):
            build = self.store.edit(org, "build", name)
            if build is None or build["state"] != "running":
                self.active.discard((org, name))
                continue
            self._advance_build(org, build, now)
            if build["state"] != "running":
                self.active.discard((org, name))

    def _advance_build(self, org: str, build: dict, now: float) -> None:
        step_seconds = max(0.0, float(self.state.config.step_seconds))
        while True:
            task = self.store.edit(org, "task", build["task"])
            if task is None or task["_t0"] is None or task["status"] in ("failed", "canceled"):
                return
            t0 = task["_t0"]
            if now < t0 + step_seconds / 2:
                return
            if now < t0 + step_seconds:
                if task["status"] != "running":
                    task.update(status="running", updated=t0 + step_seconds / 2)
                    self.store.put(org, "task", task["name"], task)
                return
            end = t0 + step_seconds
            failure = self._failure(org, build, task)
            broken = failure.pop("_broken", [])
            task.update(failure, status="failed" if failure else "done", updated=end)
            self.store.put(org, "task", task["name"], task)
            if failure:
                build.update(state="failed", updated=end)
                self.store.put(org, "build", build["name"], build)
                if task["step"] == "deploy":
                    self._set_app(org, build["appName"], end, processing=False, status="error",
                                  _message=failure["message"])
                    for name in broken:
                        doc = self.store.get(org, "deployment", name)
                        self._set_deployment(org, name, "error", "The last deploy (build %d of app '%s') failed: the "
                                             "origin endpoint %s could not be reached." % (
                                                 build["iBuild"], build["appName"], doc["origin"].get("endpoint", "")))
                else:
                    self._set_app(org, build["appName"], end, processing=False)
                return
            if build["step"] + 1 >= len(build["steps"]):
                build.update(state="done", updated=end)
                self.store.put(org, "build", build["name"], build)
                self._deploy(org, build, end)
                return
            build["step"] += 1
            self._new_task(org, build, build["steps"][build["step"]], end, end)
            build["updated"] = end
            self.store.put(org, "build", build["name"], build)

    def targets(self, org: str, app: dict) -> list[dict]:
        """The deployments a build of the app goes to: those it is registered on, or all when none is."""
        registered = [doc for doc in (self.store.get(org, "deployment", name) for name in app["deployments"]) if doc]
        return registered or self.store.docs(org, "deployment")

    def _set_deployment(self, org: str, name: str, status: str, message: str) -> None:
        """The read-only status of a deployment (its ``updated`` stays: nobody changed its settings)."""
        doc = self.store.edit(org, "deployment", name)
        if doc is not None and (doc["status"], doc["message"]) != (status, message):
            doc.update(status=status, message=message)
            self.store.put(org, "deployment", name, doc)

    def _failure(self, org: str, build: dict, task: dict) -> dict:
        """The failure fields of a finished step, or {} when it succeeds.

        A deploy fails when the origin endpoint of a target deployment is a host under ``.invalid``
        (``_broken`` names those deployments); a dltar step fails as its download did.
        """
        if task["step"] == "deploy":
            app = self.store.get(org, "app", build["appName"])
            broken = [doc for doc in self.targets(org, app) if unreachable(doc["origin"].get("endpoint", ""))] \
                if app else []
            if not broken:
                return {}
            return {"message": "Deploy failed: the origin of deployment %s could not be reached (%s)." % (
                ", ".join("'%s'" % doc["name"] for doc in broken),
                ", ".join(doc["origin"].get("endpoint", "") for doc in broken)),
                "_broken": [doc["name"] for doc in broken]}
        fetch = build.get("fetch") or {}
        if task["step"] != "dltar":
            return {}
        if fetch and not fetch.get("ok"):
            return {"httpStatus": fetch["httpStatus"], "exitCode": 22, "message": fetch.get("message", "")}
        expected, actual = build.get("size"), fetch.get("size")
        if expected is not None and actual is not None and expected != actual:
            return {"sizeBytesActual": actual, "sizeBytesExpected": expected,
                    "message": "Size mismatch: expected %d bytes, got %d." % (expected, actual)}
        return {}

    def _deploy(self, org: str, build: dict, at: float) -> None:
        """The deploy step is done: the build becomes the app's current image."""
        app = self.store.edit(org, "app", build["appName"])
        if app is None:
            return
        number = build["iBuild"]
        org_name = self.state.org_name(org)
        kept = [b for b in app.get("_kept", []) if b != number] + [number]
        kept = kept[-app["maxBuilds"]:]
        fetch = build.get("fetch") or {}
        image_size = fetch.get("size") or build.get("size") or DEFAULT_IMAGE_SIZE + 4096 * number
        dxf = image_files(org_name, app["name"], number, image_size)
        patches = {"%04d-%04d" % (source, number): patch_files(org_name, app["name"], source, number)
                   for source in kept[:-1]}
        deployed = [doc["name"] for doc in self.targets(org, app)]
        for name in deployed:
            self._set_deployment(org, name, "ok", "")
        size = sum(item["size"] for item in dxf) + sum(item["size"] for files in patches.values() for item in files)
        app.update(iCurBuild=number, dxfName=str(uuid.uuid5(_NAMESPACE, "%s/%s" % (build["name"], at))),
                   files={"dxf": dxf, "patches": patches}, sizeBytes=size, deployed=deployed, processing=False,
                   status="ok", _message="", updated=at, _kept=kept)
        self.store.put(org, "app", app["name"], app)
