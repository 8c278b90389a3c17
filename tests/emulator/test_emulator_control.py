"""Emulator tests: the /_emulator/ test-control API, injected faults, the request log, /openapi.json."""

import time

import pytest
import requests

from emu_testlib import ADMIN, ADMIN_HEADERS, ORG, error_of


def control(api, method, path, body=None):
    """A control request that must succeed."""
    response = api.client.open("/_emulator/" + path, method=method, json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


# -- request log -----------------------------------------------------------------------------------------


def test_request_log(api):
    api.get("/be/v1/apps", query="limit=5&order[]=-name")
    api.get("/be/v1/apps", auth=False)
    api.client.get("/openapi.json")
    control(api, "GET", "clock")
    entries = control(api, "GET", "requests")["requests"]
    assert [(entry["method"], entry["path"], entry["status"]) for entry in entries] == [
        ("GET", "/be/v1/apps", 200), ("GET", "/be/v1/apps", 401)]
    first = entries[0]
    assert first["query"] == "limit=5&order[]=-name" and first["org"] == ORG and first["user"] == ADMIN
    assert first["seq"] + 1 == entries[1]["seq"] and entries[1]["org"] is None
    assert first["time"] == "2025-06-01T00:00:00.000Z" and first["duration_ms"] >= 0
    control(api, "DELETE", "requests")
    assert control(api, "GET", "requests")["requests"] == []


# -- faults ----------------------------------------------------------------------------------------------


def test_fault_status_retry_after_and_times(api):
    fault = control(api, "POST", "faults", {"path": "/be/v1/roles*", "status": 429})
    assert fault["id"] >= 1
    response = api.get("/be/v1/roles/Administrators")
    assert response.status_code == 429 and response.headers["Retry-After"] == "60"
    assert response.get_json() == {"code": 429, "message": "Too Many Requests"}
    assert api.get("/be/v1/roles").status_code == 200  # times defaults to 1
    control(api, "POST", "faults", {"method": "POST", "path": "/be/v1/apps", "status": 503, "times": 2,
                                    "retry_after": 5, "headers": {"X-Trace": "t1"}})
    assert api.get("/be/v1/apps").status_code == 200  # other method
    for _attempt in range(2):
        response = api.post("/be/v1/apps", json={"name": "App1", "label": ""})
        assert response.status_code == 503 and response.headers["Retry-After"] == "5"
        assert response.headers["X-Trace"] == "t1" and response.get_json()["error"] == "maintenance"
    assert api.post("/be/v1/apps", json={"name": "App1", "label": ""}).status_code == 200
    control(api, "POST", "faults", {"path": "/be/v1/apps", "status": 500, "body": {"oops": True}, "times": None})
    assert [api.get("/be/v1/apps").get_json() for _attempt in range(3)] == [{"oops": True}] * 3
    assert control(api, "GET", "faults")["faults"][0]["hits"] == 3
    control(api, "DELETE", "faults")
    assert api.get("/be/v1/apps").status_code == 200
    statuses = [entry["status"] for entry in control(api, "GET", "requests")["requests"]]
    assert statuses[:3] == [429, 200, 200] and statuses.count(500) == 3


def test_fault_html_malformed_and_string_body(api):
    control(api, "POST", "faults", {"path": "/be/v1/apps", "html": True})
    response = api.get("/be/v1/apps")
    assert response.status_code == 502 and response.headers["Content-Type"].startswith("text/html")
    assert b"502 Bad Gateway" in response.data
    control(api, "POST", "faults", {"path": "/be/v1/apps", "html": True, "status": 504})
    assert api.get("/be/v1/apps").status_code == 504
    control(api, "POST", "faults", {"method": "POST", "path": "/be/v1/apps", "malformed": True})
    response = api.post("/be/v1/apps", json={"name": "Half", "label": ""})
    assert response.status_code == 200 and response.data.startswith(b'{"status"')
    with pytest.raises(ValueError):
        response.get_json(force=True, silent=False)
    assert api.get("/be/v1/apps/Half").status_code == 200  # processed normally
    control(api, "POST", "faults", {"path": "/be/v1/apps", "status": 418, "body": "plain words"})
    response = api.get("/be/v1/apps")
    assert response.status_code == 418 and response.data == b"plain words"


def test_fault_delay_alone_proceeds(api):
    control(api, "POST", "faults", {"path": "/be/v1/apps", "delay": 0.2})
    started = time.monotonic()
    assert api.get("/be/v1/apps").status_code == 200
    assert time.monotonic() - started >= 0.2


def test_fault_validation(api):
    for body in ({}, {"path": "/x"}, {"path": "/x", "status": 99}, {"path": "/x", "drop": "during"},
                 {"path": "/x", "status": 500, "extra": 1}):
        assert api.client.post("/_emulator/faults", json=body).status_code == 400, body
    assert api.client.post("/_emulator/faults", data=b"[1]").status_code == 400


def test_drop_before_and_after_on_a_real_socket(live):
    url, _app = live()
    session = requests.Session()
    session.headers.update(ADMIN_HEADERS)
    assert session.get(url + "/be/v1/apps").status_code == 200
    session.post(url + "/_emulator/faults", json={"path": "/be/v1/apps", "method": "GET", "drop": "before"})
    with pytest.raises(requests.ConnectionError):
        session.get(url + "/be/v1/apps")
    assert session.get(url + "/be/v1/apps").status_code == 200
    session.post(url + "/_emulator/faults", json={"path": "/be/v1/apps", "method": "POST", "drop": "after"})
    with pytest.raises(requests.ConnectionError):
        session.post(url + "/be/v1/apps", json={"name": "Lost", "label": ""})
    assert session.get(url + "/be/v1/apps/Lost").json()["app"]["name"] == "Lost"  # the effect is stored
    log = session.get(url + "/_emulator/requests").json()["requests"]
    assert [entry["status"] for entry in log] == [200, 0, 200, 0, 200]


def test_keep_alive_and_latency(live):
    url, app = live(latency_ms=30)
    session = requests.Session()
    session.headers.update(ADMIN_HEADERS)
    started = time.monotonic()
    for _attempt in range(3):
        assert session.get(url + "/be/v1/apps").status_code == 200
    assert time.monotonic() - started >= 0.09
    assert session.post(url + "/_emulator/latency", json={"ms": 0}).json() == {"ms": 0}
    assert app.extensions["edge_emulator"]["state"].latency_ms == 0
    response = session.get(url + "/be/v1/apps")
    assert response.headers.get("Connection", "").lower() != "close"
    assert len(session.adapters["http://"].poolmanager.pools) == 1


def test_drop_in_process_raises(api):
    control(api, "POST", "faults", {"path": "/be/v1/apps", "drop": "before"})
    with pytest.raises(ConnectionError):
        api.get("/be/v1/apps")


# -- clock, orgs, reset, state ---------------------------------------------------------------------------


def test_clock(api):
    assert control(api, "GET", "clock")["now"] == "2025-06-01T00:00:00Z"
    assert control(api, "POST", "clock", {"advance": 90})["now"] == "2025-06-01T00:01:30Z"
    body = control(api, "POST", "clock", {"speed": 1000})
    assert body["speed"] == 1000
    time.sleep(0.01)
    assert control(api, "GET", "clock")["epoch"] > 1748736090 + 5
    assert api.client.post("/_emulator/clock", json={"advance": -1}).status_code == 400
    assert api.client.post("/_emulator/clock", json={"speed": "fast"}).status_code == 400


def test_latency_control(api):
    assert control(api, "POST", "latency", {"ms": 0}) == {"ms": 0}
    assert api.client.post("/_emulator/latency", json={}).status_code == 400


def test_extra_org_and_reset(docs_api):
    body = control(docs_api, "POST", "orgs", {"org": "OtherOrg", "admin_user": "boss", "admin_api_key": "k2",
                                              "admin_password": "other-password"})
    assert body == {"org": "OtherOrg", "admin_user": "boss"}
    assert docs_api.client.post("/_emulator/orgs", json={"org": "otherorg"}).status_code == 409
    other = {"x-rockit-orgname": "OtherOrg", "x-rockit-username": "boss", "x-rockit-api-key": "k2"}
    assert docs_api.ok("GET", "/be/v1/apps", headers=other)["totalCount"] == 0
    docs_api.ok("POST", "/be/v1/apps", headers=other, json={"name": "Sushi", "label": "other sushi"})
    assert docs_api.ok("GET", "/be/v1/apps/Sushi")["app"]["label"] == "Sushibar: All you can feed"
    # the same user name and password log in to both organisations
    control(docs_api, "POST", "orgs", {"org": "ThirdOrg", "fixtures": "docs"})
    assert docs_api.ok("POST", "/be/v1/login", json={"username": ADMIN, "password": "rockit-demo-password"},
                       auth=False)["orgs"] == ["ExampleOrg", "ThirdOrg"]
    docs_api.ok("POST", "/be/v1/apps", json={"name": "Extra", "label": ""})
    control(docs_api, "POST", "clock", {"advance": 1000})
    control(docs_api, "POST", "faults", {"path": "/be/v1/*", "status": 500, "times": None})
    control(docs_api, "POST", "reset")
    assert control(docs_api, "GET", "faults")["faults"] == [] and control(docs_api, "GET", "requests")["requests"] == []
    assert control(docs_api, "GET", "clock")["now"] == "2025-06-01T00:00:00Z"
    assert [app["name"] for app in docs_api.ok("GET", "/be/v1/apps")["apps"]] == ["Sushi"]
    assert docs_api.get("/be/v1/apps", headers=other).status_code == 401
    assert docs_api.ok("GET", "/be/v1/tasks")["totalCount"] == 13


def test_state_dump(docs_api):
    dump = control(docs_api, "GET", "state")
    assert dump["org"] == "ExampleOrg" and [app["name"] for app in dump["apps"]] == ["Sushi"]
    assert len(dump["tasks"]) == 13 and len(dump["subscriptions"]) == 3 and dump["deployments"][0]["name"] == "gcore"
    assert "_credentials" not in str(dump)
    assert docs_api.client.get("/_emulator/state?org=Nope").status_code == 404


def test_no_control(make_api):
    api = make_api(control=False)
    assert api.client.get("/_emulator/requests").get_json() == {"code": 404, "message": "Not Found"}
    assert api.client.post("/_emulator/reset").status_code == 404
    body = api.ok("POST", "/be/v1/apps", json={"name": "Up", "label": ""})
    assert body["app"]["name"] == "Up"
    upload = api.ok("POST", "/be/v1/builds", json={"appName": "Up"})
    assert api.client.put(upload["uploadUrl"].split("localhost", 1)[1], data=b"abc").status_code == 200


# -- OpenAPI ---------------------------------------------------------------------------------------------


def test_openapi_document(api):
    doc = api.client.get("/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    assert not any(path.startswith("/_emulator") for path in doc["paths"])
    assert "patch" not in doc["paths"]["/be/v1/subscriptions"]
    assert set(doc["paths"]["/be/v1/apps"]) == {"get", "post", "patch"}
    status_param = next(param for param in doc["paths"]["/be/v1/tasks"]["get"]["parameters"]
                        if param["name"] == "status[]")
    assert status_param["style"] == "form" and status_param["explode"] is True
    assert doc["paths"]["/be/v1/apps"]["post"]["requestBody"]["content"]["application/json"]["schema"][
        "additionalProperties"] is False
    delete_statuses = set(doc["paths"]["/be/v1/apps/{appName}"]["delete"]["responses"])
    assert delete_statuses == {"200", "400", "401", "403", "404", "429", "504"}
    assert set(doc["components"]["securitySchemes"]) == {"orgName", "userName", "apiKey", "beauthToken", "adminToken",
                                                         "adminTokenInBeauth"}
    limit = next(param for param in doc["paths"]["/be/v1/roles"]["get"]["parameters"] if param["name"] == "limit")
    assert limit["schema"]["maximum"] == 1000 and limit["schema"]["default"] == 10
    error_of(api.get("/be/v1/roles", query={"limit": 1001}), 400, "invalid-param")
