"""Emulator tests: the documentation fixtures, tasks, builds, the clock-driven pipeline, triggers."""

import http.server
import threading

import pytest

from emu_testlib import START_EPOCH, error_of

SEED_TASKS = [
    ("exampleorg-sushi-0001-1732886919-dltar", "engine", "done"),
    ("exampleorg-sushi-0001-1732887061-mkraw", "engine", "done"),
    ("exampleorg-sushi-0001-1732887229-mkdxf", "engine", "done"),
    ("exampleorg-sushi-0001-1732887357-publish", "engine", "done"),
    ("exampleorg-sushi-0001-1732887364-deploy", "edge", "done"),
    ("exampleorg-sushi-0002-1733149403-dltar", "engine", "pending"),
    ("exampleorg-sushi-0002-1733154780-dltar", "engine", "done"),
    ("exampleorg-sushi-0002-1733154909-mkraw", "engine", "done"),
    ("exampleorg-sushi-0002-1733155066-mkpat", "engine", "done"),
    ("exampleorg-sushi-0002-1733155262-mkdxf", "engine", "done"),
]
SEED_APP = {
    "name": "Sushi", "label": "Sushibar: All you can feed", "dxfName": "b1e0efe3-3415-45ea-afa5-290c76ef3c4c",
    "iCurBuild": 3, "maxBuilds": 3, "processing": False, "exporting": False, "deployed": ["gcore"],
    "files": {
        "dxf": [
            {"name": "app.json", "size": 685, "md5": "7cd715cdcabf2feb58f12e08c4b5fb74"},
            {"name": "img.json", "size": 204, "md5": "8d92dcf7ced29815e07bee58e9b983bb"},
            {"name": "img.idx.7z", "size": 12696, "md5": "4a3df23e6a37b03936979d6bb144d1c1"},
            {"name": "img.dxf", "size": 166711296, "md5": "ddfddf0f2a7ba167299d96a23d34a73b"}],
        "patches": {
            "0001-0003": [
                {"name": "app.json", "size": 476, "md5": "d663daa2926b3b1d2be62c42c9551e55"},
                {"name": "img.json", "size": 204, "md5": "8d92dcf7ced29815e07bee58e9b983bb"},
                {"name": "map.7z", "size": 12643, "md5": "7d1206cde916d119d7aa32daee2a667a"},
                {"name": "patch.7z", "size": 254, "md5": "99560e8d5bf1f632b3ae5f705f13b17c"},
                {"name": "patch.json", "size": 356, "md5": "a00974f7a83ebd911bebf17f9d8bd615"},
                {"name": "patch.data", "size": 353, "md5": "e94a95aa7d1aa4008f7021a503dc2011"}],
            "0002-0003": [
                {"name": "app.json", "size": 476, "md5": "d663daa2926b3b1d2be62c42c9551e55"},
                {"name": "img.json", "size": 204, "md5": "8d92dcf7ced29815e07bee58e9b983bb"},
                {"name": "map.7z", "size": 12643, "md5": "75f6538edd9e5761a0c5ac684b7f60af"},
                {"name": "patch.7z", "size": 253, "md5": "15b5b0bb5ade3bd25c8e2d92eb7cd478"},
                {"name": "patch.json", "size": 356, "md5": "38e42f3b7cbd3ad030c9f16ce525b31c"},
                {"name": "patch.data", "size": 368, "md5": "4bff49016fb290453454b3e928c8f17a"}]}},
}
SEED_SUBSCRIPTIONS = [
    {"event": "end", "type": "slack", "sender": "deploy", "name": "deploySlack",
     "slack": {"channelId": "#rockitplay-events"}},
    {"event": "error", "type": "webhook", "sender": "dltar", "name": "dltarWebhook",
     "webhook": {"url": "http://example.com/webhook"}},
    {"event": "exception", "sender": "dltar", "type": "webhook", "name": "dltarWebhook",
     "webhook": {"url": "http://example.com/webhook"}},
    {"sender": "deploy", "event": "end", "type": "webhook", "name": "deployWebhook",
     "webhook": {"url": "http://example.com/webhook"}},
    {"sender": "deploy", "event": "error", "type": "webhook", "name": "deployWebhook",
     "webhook": {"url": "http://example.com/webhook"}},
]
PIPELINE = ["dltar", "mkraw", "mkdxf", "publish", "deploy"]


@pytest.fixture
def files():
    """A tiny HTTP server on 127.0.0.1 serving a dict of path -> bytes (404 for the rest)."""
    content: dict = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        """GET only."""

        def do_GET(self):  # noqa: N802  pylint: disable=invalid-name
            body = content.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):  # pylint: disable=arguments-differ
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    content["base"] = "http://127.0.0.1:%d" % server.server_address[1]
    yield content
    server.shutdown()
    server.server_close()


def tasks_of(api, **query) -> list:
    """(name, status) of the tasks matching the query, up to 1000."""
    query.setdefault("limit", 1000)
    return [(task["name"], task["status"]) for task in api.ok("GET", "/be/v1/tasks", query=query)["tasks"]]


def run_build(api, app="Tetris", url="http://downloads.example.com/build.tar", **extra) -> dict:
    """Import a build and let the clock run until its pipeline is over."""
    build = api.ok("POST", "/be/v1/builds", json=dict({"appName": app, "url": url}, **extra))["build"]
    api.advance(4 * 6)
    return build


# -- fixtures --------------------------------------------------------------------------------------------


def test_docs_fixture_tasks_match_the_listing_example(docs_api):
    body = docs_api.ok("GET", "/be/v1/tasks")
    assert body["totalCount"] == 13
    assert [(task["name"], task["service"], task["status"]) for task in body["tasks"]] == SEED_TASKS
    docs_api.advance(3600)
    assert [(task["name"], task["status"]) for task in docs_api.ok("GET", "/be/v1/tasks")["tasks"]] == [
        (name, status) for name, _service, status in SEED_TASKS]


def test_docs_fixture_app_matches_the_details_example(docs_api):
    fields = ",".join(SEED_APP)
    assert docs_api.ok("GET", "/be/v1/apps/sushi", query={"fields[]": fields})["app"] == SEED_APP
    full = docs_api.ok("GET", "/be/v1/apps/Sushi")["app"]
    assert {key: full[key] for key in SEED_APP} == SEED_APP and full["deployments"] == ["gcore"]
    assert docs_api.ok("GET", "/be/v1/apps/sushi", query={"fields[]": ["name", "label"]})["app"] == {
        "name": "Sushi", "label": "Sushibar: All you can feed"}
    assert docs_api.ok("GET", "/be/v1/deployments/gcore")["deployment"]["origin"]["type"] == "s3"


def test_docs_fixture_subscriptions_match_the_list_example(docs_api):
    body = docs_api.ok("GET", "/be/v1/subscriptions")
    assert body["totalCount"] == 5
    assert body["subscriptions"] == [dict(item, orgName="ExampleOrg") for item in SEED_SUBSCRIPTIONS]
    first = docs_api.ok("GET", "/be/v1/subscriptions", query={"offset": 0, "limit": 1, "order[]": "[-name]"})
    assert first["totalCount"] == 5 and first["subscriptions"][0]["name"] == "dltarWebhook"
    assert [item["name"] for item in docs_api.ok("GET", "/be/v1/subscriptions", query={"order[]": "name"})[
        "subscriptions"]] == ["deploySlack", "deployWebhook", "deployWebhook", "dltarWebhook", "dltarWebhook"]
    assert docs_api.ok("GET", "/be/v1/subscriptions/dltarWebhook")["subscription"]["events"] == ["error", "exception"]


# -- task lists ------------------------------------------------------------------------------------------


def test_task_filters(docs_api):
    assert len(tasks_of(docs_api, appName="ush")) == 13
    assert tasks_of(docs_api, appName="sush") == []
    assert len(tasks_of(docs_api, taskGroup="sushi-0002")) == 7
    assert tasks_of(docs_api, taskGroup="SUSHI") == []
    assert tasks_of(docs_api, **{"status[]": "pending"}) == [("exampleorg-sushi-0002-1733149403-dltar", "pending")]
    assert tasks_of(docs_api, **{"status[]": "unfinished"}) == [("exampleorg-sushi-0002-1733149403-dltar", "pending")]
    assert len(tasks_of(docs_api, **{"status[]": ["pending", "done"]})) == 13
    assert len(tasks_of(docs_api, **{"taskTypes[]": "deploy"})) == 3
    assert len(tasks_of(docs_api, **{"taskTypes[]": ["build", "deploy"]})) == 13
    assert tasks_of(docs_api, **{"taskTypes[]": "backup"}) == []
    after = tasks_of(docs_api, created="2024-12-02T16:01:02Z")
    assert [name for name, _status in after] == ["exampleorg-sushi-0002-1733155391-publish",
                                                 "exampleorg-sushi-0002-1733155398-deploy",
                                                 "exampleorg-sushi-0003-1733846412-deploy"]
    assert len(tasks_of(docs_api, created="2024-12-02T17:01:02+01:00")) == 3
    assert len(tasks_of(docs_api, created="2024-12-02T17:01:01+01:00")) == 4
    error_of(docs_api.get("/be/v1/tasks", query={"created": "yesterday"}), 400, "invalid-param")
    error_of(docs_api.get("/be/v1/tasks", query={"status[]": "bogus"}), 400, "invalid-param")
    error_of(docs_api.get("/be/v1/tasks", query={"taskTypes[]": "bogus"}), 400, "invalid-param")
    error_of(docs_api.get("/be/v1/tasks", query={"status": "done"}), 400, "invalid-param")


def test_task_ordering(docs_api):
    newest = tasks_of(docs_api, **{"order[]": ["-created"], "limit": 2})
    assert [name for name, _status in newest] == ["exampleorg-sushi-0003-1733846412-deploy",
                                                  "exampleorg-sushi-0002-1733155398-deploy"]
    by_type = tasks_of(docs_api, **{"order[]": ["-taskType", "-created"], "limit": 4})
    assert [name.rsplit("-", 1)[1] for name, _status in by_type] == ["deploy", "deploy", "deploy", "publish"]
    assert by_type[0][0] == "exampleorg-sushi-0003-1733846412-deploy"
    by_status = tasks_of(docs_api, **{"order[]": ["-status"], "limit": 1})
    assert by_status == [("exampleorg-sushi-0002-1733149403-dltar", "pending")]
    error_of(docs_api.get("/be/v1/tasks", query={"order[]": "service"}), 400, "invalid-param")


def test_task_details_and_acknowledge(docs_api):
    name = "exampleorg-sushi-0002-1733155066-mkpat"
    task = docs_api.ok("GET", "/be/v1/tasks/%s" % name)["task"]
    assert task == {"name": name, "service": "engine", "status": "done", "appName": "Sushi", "taskType": "build",
                    "taskGroup": "exampleorg-sushi-0002", "created": "2024-12-02T15:57:46Z", "step": "mkpat",
                    "build": 2, "acknowledged": False, "expired": False, "warning": "", "message": "",
                    "updated": "2024-12-02T15:57:50Z"}
    acknowledged = docs_api.ok("PATCH", "/be/v1/tasks", json={"name": name, "acknowledged": True})["task"]
    assert acknowledged["acknowledged"] is True and acknowledged["status"] == "done"
    error_of(docs_api.patch("/be/v1/tasks", json={"name": name, "expired": True}), 409, "conflict")
    error_of(docs_api.patch("/be/v1/tasks", json={"name": name, "acknowledged": False}), 400, "invalid-param")
    assert error_of(docs_api.patch("/be/v1/tasks", json={"name": name}), 400, "missing-param")["param"] == "acknowledged"
    error_of(docs_api.patch("/be/v1/tasks", json={"name": "nope", "acknowledged": True}), 404, "not-found")
    error_of(docs_api.get("/be/v1/tasks/nope"), 404, "not-found")


def test_expire_the_pending_upload_task(docs_api):
    name = "exampleorg-sushi-0002-1733149403-dltar"
    task = docs_api.ok("PATCH", "/be/v1/tasks", json={"name": name, "expired": True})["task"]
    assert (task["status"], task["acknowledged"], task["expired"]) == ("failed", True, True)
    # a fixture task has no pipeline to continue
    error_of(docs_api.post("/be/v1/trigger", json={"action": "retry", "taskName": name}), 409, "conflict")


# -- pipelines -------------------------------------------------------------------------------------------


def test_pipeline_runs_on_the_emulator_clock(api):
    api.ok("POST", "/be/v1/apps", json={"name": "Tetris", "label": "Blocks"})
    build = api.ok("POST", "/be/v1/builds", json={"appName": "Tetris", "url": "https://cdn.example.com/b.tar"})
    first = "exampleorg-tetris-0001-%d-dltar" % START_EPOCH
    assert build["build"] == {"appName": "Tetris", "iBuild": 1, "taskGroup": "exampleorg-tetris-0001",
                              "tasks": [first]}
    assert api.ok("GET", "/be/v1/apps/Tetris")["app"]["processing"] is True
    assert tasks_of(api) == [(first, "pending")]
    error_of(api.post("/be/v1/builds", json={"appName": "Tetris"}), 409, "conflict")
    api.advance(2)
    assert tasks_of(api) == [(first, "running")]
    api.advance(2)
    assert tasks_of(api) == [(first, "done"), ("exampleorg-tetris-0001-%d-mkraw" % (START_EPOCH + 4), "pending")]
    api.advance(100)
    names = tasks_of(api)
    assert [name.rsplit("-", 1)[1] for name, _status in names] == PIPELINE
    assert [int(name.split("-")[3]) for name, _status in names] == [START_EPOCH + 4 * step for step in range(5)]
    assert {status for _name, status in names} == {"done"}
    deploy = api.ok("GET", "/be/v1/tasks/%s" % names[-1][0])["task"]
    assert (deploy["service"], deploy["taskType"], deploy["step"]) == ("edge", "deploy", "deploy")
    app = api.ok("GET", "/be/v1/apps/Tetris")["app"]
    assert app["iCurBuild"] == 1 and app["processing"] is False and app["dxfName"]
    assert [item["name"] for item in app["files"]["dxf"]] == ["app.json", "img.json", "img.idx.7z", "img.dxf"]
    assert app["files"]["patches"] == {} and app["deployed"] == []
    assert app["sizeBytes"] == sum(item["size"] for item in app["files"]["dxf"])


def test_builds_rotate_images_and_patches(api):
    api.ok("POST", "/be/v1/deployments", json={"name": "cdn1", "origin": {
        "type": "netstorage", "endpoint": "x.akamaihd.net", "credentials": {"keyName": "k", "key": "v"}}})
    api.ok("POST", "/be/v1/deployments", json={"name": "cdn2", "origin": {
        "type": "netstorage", "endpoint": "y.akamaihd.net", "credentials": {"keyName": "k", "key": "v"}}})
    api.ok("POST", "/be/v1/apps", json={"name": "Tetris", "label": "", "maxBuilds": 3})
    run_build(api)
    app = api.ok("GET", "/be/v1/apps/Tetris")["app"]
    assert app["deployed"] == ["cdn1", "cdn2"]  # no registered deployment: all of them
    dxf_names = {app["dxfName"]}
    run_build(api)
    groups = tasks_of(api, taskGroup="tetris-0002")
    assert [name.rsplit("-", 1)[1] for name, _status in groups] == ["dltar", "mkraw", "mkpat", "mkdxf", "publish", "deploy"]
    api.ok("PATCH", "/be/v1/apps", json={"name": "Tetris", "deployments": ["cdn2"]})
    for _attempt in range(3):
        run_build(api)
        dxf_names.add(api.ok("GET", "/be/v1/apps/Tetris")["app"]["dxfName"])
    app = api.ok("GET", "/be/v1/apps/Tetris")["app"]
    assert app["iCurBuild"] == 5 and len(dxf_names) == 4
    assert sorted(app["files"]["patches"]) == ["0003-0005", "0004-0005"]  # maxBuilds 3: 3 builds, 2 patches
    assert [item["name"] for item in app["files"]["patches"]["0004-0005"]] == [
        "app.json", "img.json", "map.7z", "patch.7z", "patch.json", "patch.data"]
    assert app["deployed"] == ["cdn2"]
    api.ok("PATCH", "/be/v1/apps", json={"name": "Tetris", "maxBuilds": 1})
    run_build(api)
    assert api.ok("GET", "/be/v1/apps/Tetris")["app"]["files"]["patches"] == {}


def test_failed_download_and_retry(api, files):
    api.ok("POST", "/be/v1/apps", json={"name": "Tetris", "label": ""})
    url = files["base"] + "/build.tar"
    run_build(api, url=url)
    (name, status), = tasks_of(api)
    assert status == "failed" and name.endswith("-dltar")
    task = api.ok("GET", "/be/v1/tasks/%s" % name)["task"]
    assert task["httpStatus"] == 404 and task["exitCode"] == 22
    assert api.ok("GET", "/be/v1/apps/Tetris")["app"]["processing"] is False
    error_of(api.post("/be/v1/trigger", json={"action": "retry", "taskName": "nope"}), 404, "not-found")
    files["/build.tar"] = b"x" * 1000
    retried = api.ok("POST", "/be/v1/trigger", json={"action": "retry", "taskName": name})["task"]
    assert retried["step"] == "dltar" and retried["name"] != name and retried["status"] == "pending"
    assert api.ok("GET", "/be/v1/apps/Tetris")["app"]["processing"] is True
    error_of(api.post("/be/v1/trigger", json={"action": "retry", "taskName": name}), 409, "conflict")
    api.advance(100)
    statuses = tasks_of(api)
    assert statuses[0] == (name, "failed") and {status for _name, status in statuses[1:]} == {"done"}
    assert api.ok("GET", "/be/v1/apps/Tetris")["app"]["files"]["dxf"][3]["size"] == 1000
    error_of(api.post("/be/v1/trigger", json={"action": "retry", "taskName": statuses[-1][0]}), 409, "conflict")


def test_invalid_host_and_size_mismatch(api, files):
    api.ok("POST", "/be/v1/apps", json={"name": "Tetris", "label": ""})
    run_build(api, url="http://builds.example.invalid/b.tar")
    task = api.ok("GET", "/be/v1/tasks/%s" % tasks_of(api)[0][0])["task"]
    assert (task["status"], task["httpStatus"], task["exitCode"]) == ("failed", 404, 22)
    files["/b.tar"] = b"y" * 100
    run_build(api, url=files["base"] + "/b.tar", size=99)
    task = api.ok("GET", "/be/v1/tasks/%s" % tasks_of(api, taskGroup="0002")[0][0])["task"]
    assert (task["status"], task["sizeBytesActual"], task["sizeBytesExpected"]) == ("failed", 100, 99)
    run_build(api, url=files["base"] + "/b.tar", size=100)
    assert api.ok("GET", "/be/v1/apps/Tetris")["app"]["iCurBuild"] == 3


def test_upload_mode(api):
    api.ok("POST", "/be/v1/apps", json={"name": "Tetris", "label": ""})
    body = api.ok("POST", "/be/v1/builds", json={"appName": "Tetris", "size": 5})
    assert body["expiresIn"] == 3600 and body["uploadUrl"].startswith("http://localhost/_upload/")
    path = body["uploadUrl"].split("localhost", 1)[1]
    api.advance(600)
    assert tasks_of(api)[0][1] == "pending"  # waits for the file
    assert api.client.put("/_upload/unknown", data=b"12345").status_code == 404
    response = api.client.put(path, data=b"12345")
    assert response.status_code == 200 and response.headers["ETag"]
    assert api.client.put(path, data=b"12345").status_code == 404
    api.advance(100)
    assert {status for _name, status in tasks_of(api)} == {"done"}
    assert api.ok("GET", "/be/v1/apps/Tetris")["app"]["iCurBuild"] == 1


def test_upload_expiry_and_retry(api):
    api.ok("POST", "/be/v1/apps", json={"name": "Tetris", "label": ""})
    body = api.ok("POST", "/be/v1/builds", json={"appName": "Tetris"})
    name = body["build"]["tasks"][0]
    expired = api.ok("PATCH", "/be/v1/tasks", json={"name": name, "expired": True, "acknowledged": True})["task"]
    assert (expired["status"], expired["acknowledged"], expired["expired"]) == ("failed", True, True)
    assert api.ok("GET", "/be/v1/apps/Tetris")["app"]["processing"] is False
    assert api.client.put(body["uploadUrl"].split("localhost", 1)[1], data=b"1").status_code == 409
    retried = api.ok("POST", "/be/v1/trigger", json={"action": "retry", "taskName": name})
    assert retried["uploadUrl"] != body["uploadUrl"] and retried["task"]["status"] == "pending"
    api.advance(3600)
    assert api.client.put(retried["uploadUrl"].split("localhost", 1)[1], data=b"1").status_code == 403


def test_delete_app_cancels_its_build(api):
    api.ok("POST", "/be/v1/apps", json={"name": "Tetris", "label": ""})
    name = api.ok("POST", "/be/v1/builds", json={"appName": "Tetris", "url": "http://a.example/b"})["build"]["tasks"][0]
    api.ok("DELETE", "/be/v1/apps/Tetris")
    api.advance(100)
    assert tasks_of(api) == [(name, "canceled")]


def test_build_and_trigger_errors(docs_api):
    error_of(docs_api.post("/be/v1/builds", json={"appName": "Nope"}), 404, "not-found")
    error_of(docs_api.post("/be/v1/builds", json={"appName": "Sushi", "url": "ftp://x"}), 400, "invalid-param")
    error_of(docs_api.post("/be/v1/builds", json={"appName": "Sushi", "size": -1}), 400, "invalid-param")
    error_of(docs_api.post("/be/v1/builds", json={}), 400, "missing-param")
    assert "Sushi" in docs_api.ok("POST", "/be/v1/trigger", json={"action": "processTraces", "appName": "sushi"})["message"]
    docs_api.ok("POST", "/be/v1/apps", json={"name": "Fresh", "label": ""})
    error_of(docs_api.post("/be/v1/trigger", json={"action": "processTraces", "appName": "Fresh"}), 409, "conflict")
    error_of(docs_api.post("/be/v1/trigger", json={"action": "processTraces", "appName": "Nope"}), 404, "not-found")
    error_of(docs_api.post("/be/v1/trigger", json={"action": "restart", "appName": "Sushi"}), 400, "invalid-param")
    error_of(docs_api.post("/be/v1/trigger", json={"action": "retry"}), 400, "missing-param")
    error_of(docs_api.post("/be/v1/trigger", json={"action": "retry",
                                                   "taskName": "exampleorg-sushi-0001-1732886919-dltar"}),
             409, "conflict")
    # the 4th build of Sushi gets a patch step and patches from builds 2 and 3
    run_build(docs_api, app="Sushi")
    app = docs_api.ok("GET", "/be/v1/apps/Sushi")["app"]
    assert app["iCurBuild"] == 4 and sorted(app["files"]["patches"]) == ["0002-0004", "0003-0004"]
