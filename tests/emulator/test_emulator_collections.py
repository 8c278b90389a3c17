"""Emulator tests: roles, users, apps, deployments, subscriptions, validation and list helpers."""

import pytest

from emu_testlib import ADMIN, error_of

S3_ORIGIN = {"type": "s3", "endpoint": "s3.eu-central-1.example.com", "region": "eu-central-1", "bucket": "games",
             "credentials": {"accessKeyId": "AKIA1", "secretAccessKey": "s3cr3t"}}


def make_deployment(api, name="cdn1", **extra):
    """Create a deployment with an s3 origin."""
    body = {"name": name, "originPrefix": "rockit", "origin": dict(S3_ORIGIN)}
    body.update(extra)
    return api.ok("POST", "/be/v1/deployments", json=body)["deployment"]


# -- roles ---------------------------------------------------------------------------------------------


def test_role_crud(api):
    created = api.ok("POST", "/be/v1/roles", json={"name": "Account_Admins", "label": "Account Admins",
                                                   "permissions": {"beUsers": 15, "roles": 15}})["role"]
    assert created["permissions"] == {"apps": 0, "beUsers": 15, "bundles": 0, "consumption": 0, "dependencies": 0,
                                      "deployments": 0, "keys": 0, "roles": 15, "sources": 0, "subscriptions": 0,
                                      "tasks": 0, "trainings": 0}
    assert created["created"] == "2025-06-01T00:00:00Z"
    api.advance(60)
    patched = api.ok("PATCH", "/be/v1/roles", json={"name": "Account_Admins", "permissions": {"apps": 3}})["role"]
    assert patched["permissions"]["apps"] == 3 and patched["permissions"]["beUsers"] == 0  # replaced as a whole
    assert patched["label"] == "Account Admins" and patched["updated"] == "2025-06-01T00:01:00Z"
    assert api.ok("GET", "/be/v1/roles/account_admins", query={"fields[]": "name,label"})["role"] == {
        "name": "Account_Admins", "label": "Account Admins"}
    assert api.ok("GET", "/be/v1/roles", query={"fields[]": ["label"]})["roles"] == [
        {"name": "Administrators", "label": "Administrators"}, {"name": "Account_Admins", "label": "Account Admins"}]
    error_of(api.post("/be/v1/roles", json={"name": "account_admins"}), 409, "already-exists")
    assert "deleted" in api.ok("DELETE", "/be/v1/roles/Account_Admins")["message"]
    error_of(api.get("/be/v1/roles/Account_Admins"), 404, "not-found")
    error_of(api.patch("/be/v1/roles", json={"name": "Account_Admins"}), 404, "not-found")
    error_of(api.delete("/be/v1/roles/Account_Admins"), 404, "not-found")


def test_role_validation_and_protection(api):
    assert "apps" in error_of(api.post("/be/v1/roles", json={"name": "R1", "permissions": {"apps": 16}}), 400,
                              "invalid-param")["param"]
    error_of(api.post("/be/v1/roles", json={"name": "R1", "permissions": {"consumption": 4}}), 400, "invalid-param")
    error_of(api.post("/be/v1/roles", json={"name": "R1", "permissions": {"tasks": -1}}), 400, "invalid-param")
    assert error_of(api.post("/be/v1/roles", json={"name": "R1", "permissions": {"trigger": 1}}), 400,
                    "invalid-param")["param"] == "permissions.trigger"
    assert api.post("/be/v1/roles", json={"name": "R1", "permissions": {"tasks": 31}}).status_code == 200
    assert error_of(api.post("/be/v1/roles", json={"label": "x"}), 400, "missing-param")["param"] == "name"
    error_of(api.post("/be/v1/roles", json={"name": "x"}), 400, "invalid-param")
    error_of(api.post("/be/v1/roles", json={"name": "bad-name"}), 400, "invalid-param")
    error_of(api.get("/be/v1/roles", query={"fields[]": "nope"}), 400, "invalid-param")
    error_of(api.patch("/be/v1/roles", json={"name": "Administrators", "label": "x"}), 409, "conflict")
    error_of(api.delete("/be/v1/roles/Administrators"), 409, "conflict")
    api.machine_user("holder", ["R1"])
    body = error_of(api.delete("/be/v1/roles/R1"), 409, "conflict")
    assert body["users"] == ["holder"] and "holder" in body["message"]


# -- users ---------------------------------------------------------------------------------------------


def test_machine_and_human_users(api):
    api.ok("POST", "/be/v1/roles", json={"name": "CI_Pipeline_Services", "permissions": {"apps": 15}})
    machine = api.ok("POST", "/be/v1/users", json={"username": "ci_bot", "label": "CI pipeline",
                                                   "roles": ["ci_pipeline_services"]})
    assert machine["apiKey"] and machine["user"] == {
        "username": "ci_bot", "type": "machine", "label": "CI pipeline", "roles": ["CI_Pipeline_Services"],
        "created": "2025-06-01T00:00:00Z", "updated": "2025-06-01T00:00:00Z"}
    headers = {"x-rockit-username": "ci_bot", "x-rockit-api-key": machine["apiKey"]}
    assert api.get("/be/v1/apps", headers=headers).status_code == 200
    shown = api.ok("GET", "/be/v1/users/ci_bot")["user"]
    assert "apiKey" not in shown and machine["apiKey"] not in str(shown)
    human = api.ok("POST", "/be/v1/users", json={"username": "jdoe", "email": "jdoe@example.com", "firstname": "Jane",
                                                 "surname": "Doe", "title": "Producer", "roles": [],
                                                 "password": "secret-pw"})
    assert "apiKey" not in human and human["user"]["type"] == "user" and human["user"]["title"] == "Producer"
    assert "secret-pw" not in str(api.ok("GET", "/be/v1/users")["users"])
    patched = api.ok("PATCH", "/be/v1/users", json={"username": "ci_bot", "label": "CI", "roles": []})["user"]
    assert patched["label"] == "CI" and patched["roles"] == []
    assert api.get("/be/v1/apps", headers=headers).status_code == 403
    patched = api.ok("PATCH", "/be/v1/users", json={"username": "jdoe", "email": "j@example.com",
                                                    "roles": ["Administrators"]})["user"]
    assert patched["email"] == "j@example.com" and patched["roles"] == ["Administrators"]
    api.ok("DELETE", "/be/v1/users/ci_bot")
    assert api.get("/be/v1/apps", headers=headers).status_code == 401


def test_user_validation(api):
    body = {"username": "u1", "label": "x", "roles": []}
    error_of(api.post("/be/v1/users", json=dict(body, roles=["Nope"])), 400, "invalid-param")
    error_of(api.post("/be/v1/users", json=dict(body, roles=["Administrators", "administrators"])), 400, "invalid-param")
    assert error_of(api.post("/be/v1/users", json={"username": "u1", "roles": []}), 400, "missing-param")["param"] == "email"
    assert error_of(api.post("/be/v1/users", json={"username": "u1", "label": "x"}), 400, "missing-param")["param"] == "roles"
    error_of(api.post("/be/v1/users", json={"username": "u1", "email": "u@example.com", "firstname": "U",
                                            "surname": "One", "roles": [], "label": "x"}), 400, "invalid-param")
    error_of(api.post("/be/v1/users", json={"username": "u1", "email": "not-an-email", "firstname": "U",
                                            "surname": "One", "roles": []}), 400, "invalid-param")
    error_of(api.post("/be/v1/users", json={"username": "u1", "email": "u@example.com", "firstname": "U",
                                            "surname": "One", "roles": [], "password": "short"}), 400, "invalid-param")
    error_of(api.post("/be/v1/users", json=dict(body, type="machine")), 400, "invalid-param")
    api.ok("POST", "/be/v1/users", json=body)
    error_of(api.post("/be/v1/users", json=dict(body, username="U1")), 409, "already-exists")
    error_of(api.patch("/be/v1/users", json={"username": "u1", "email": "u@example.com"}), 400, "invalid-param")
    error_of(api.patch("/be/v1/users", json={"username": "u1", "resetCreds": {"password": "long-enough"}}),
             400, "invalid-param")
    error_of(api.patch("/be/v1/users", json={"username": "ghost"}), 404, "not-found")
    error_of(api.delete("/be/v1/users/%s" % ADMIN), 409, "conflict")
    error_of(api.patch("/be/v1/users", json={"username": ADMIN, "roles": []}), 409, "conflict")
    assert api.ok("PATCH", "/be/v1/users", json={"username": ADMIN, "roles": ["administrators"]})["user"]["roles"] == [
        "Administrators"]


def test_user_cannot_delete_itself(api):
    api.ok("POST", "/be/v1/roles", json={"name": "UserAdmins", "permissions": {"beUsers": 15}})
    key = api.machine_user("admin2", ["UserAdmins"])
    error_of(api.delete("/be/v1/users/admin2", headers=key), 409, "conflict")


# -- apps ----------------------------------------------------------------------------------------------


def test_app_crud_and_fields(api):
    make_deployment(api, "cdn1")
    app = api.ok("POST", "/be/v1/apps", json={"name": "Tetris", "label": "Blocks", "deployments": ["CDN1"]})["app"]
    assert app == {"name": "Tetris", "label": "Blocks", "maxBuilds": 5, "deployments": ["cdn1"], "dxfName": "",
                   "iCurBuild": 0, "processing": False, "exporting": False, "deployed": [],
                   "files": {"dxf": [], "patches": {}}, "sizeBytes": 0, "status": "ok",
                   "created": "2025-06-01T00:00:00Z", "updated": "2025-06-01T00:00:00Z"}
    assert api.ok("GET", "/be/v1/apps/Tetris", query={"fields[]": ["label", "maxBuilds"]})["app"] == {
        "name": "Tetris", "label": "Blocks", "maxBuilds": 5}
    error_of(api.get("/be/v1/apps/Tetris", query={"fields[]": "sizeBytes"}), 400, "invalid-param")
    assert api.ok("GET", "/be/v1/apps", query={"fields[]": "sizeBytes"})["apps"] == [{"name": "Tetris", "sizeBytes": 0}]
    patched = api.ok("PATCH", "/be/v1/apps", json={"name": "tetris", "maxBuilds": 2, "deployments": []})["app"]
    assert patched["maxBuilds"] == 2 and patched["deployments"] == [] and patched["label"] == "Blocks"
    error_of(api.post("/be/v1/apps", json={"name": "Tetris", "label": ""}), 409, "already-exists")
    error_of(api.post("/be/v1/apps", json={"name": "Other"}), 400, "missing-param")
    error_of(api.post("/be/v1/apps", json={"name": "Other", "label": "", "maxBuilds": 0}), 400, "invalid-param")
    error_of(api.post("/be/v1/apps", json={"name": "Other", "label": "", "maxBuilds": 101}), 400, "invalid-param")
    error_of(api.post("/be/v1/apps", json={"name": "Other", "label": "", "deployments": ["nope"]}), 400, "invalid-param")
    error_of(api.patch("/be/v1/apps", json={"name": "Ghost", "label": ""}), 404, "not-found")
    api.ok("DELETE", "/be/v1/apps/Tetris")
    error_of(api.get("/be/v1/apps/Tetris"), 404, "not-found")


@pytest.mark.parametrize("body,param", [
    ([1, 2], "body"), ("text", "body"), (None, "body"),
])
def test_non_object_bodies_are_invalid(api, body, param):
    response = api.call("POST", "/be/v1/apps", data=__import__("json").dumps(body),
                        headers={"Content-Type": "application/json"})
    assert error_of(response, 400, "invalid-param")["param"] == param


@pytest.mark.parametrize("raw", [b"{", b"{'a': 1}", b"\xff\xfe", b"NaN", b'{"name": NaN}', b"[" * 5000])
def test_invalid_json_is_invalid_param(api, raw):
    error_of(api.call("POST", "/be/v1/apps", data=raw, headers={"Content-Type": "application/json"}),
             400, "invalid-param")


def test_type_errors_name_the_field(api):
    body = error_of(api.post("/be/v1/apps", json={"name": "Good", "label": 5}), 400, "invalid-param")
    assert body["param"] == "label" and "string" in body["message"]
    body = error_of(api.post("/be/v1/apps", json={"name": "Good", "label": "", "typo": 1}), 400, "invalid-param")
    assert body["param"] == "typo" and "maxBuilds" in body["message"]
    # 2.0 is an integer in JSON Schema
    assert api.ok("POST", "/be/v1/apps", json={"name": "Good", "label": "", "maxBuilds": 2.0})["app"]["maxBuilds"] == 2


# -- deployments ---------------------------------------------------------------------------------------


def test_deployment_crud_credentials_write_only(api):
    created = make_deployment(api, "gcore_eu", downloadAuth={"type": "gcore", "key": "dl-secret"})
    assert created == {"name": "gcore_eu", "originPrefix": "rockit",
                       "origin": {"type": "s3", "endpoint": "s3.eu-central-1.example.com", "region": "eu-central-1",
                                  "bucket": "games"},
                       "downloadAuth": {"type": "gcore"}, "status": "ok", "message": "",
                       "created": "2025-06-01T00:00:00Z", "updated": "2025-06-01T00:00:00Z"}
    everything = str(api.ok("GET", "/be/v1/deployments")) + str(api.ok("GET", "/be/v1/deployments/gcore_eu"))
    assert "s3cr3t" not in everything and "dl-secret" not in everything and "AKIA1" not in everything
    # origin merged key by key, the stored credentials stay
    patched = api.ok("PATCH", "/be/v1/deployments", json={"name": "gcore_eu", "origin": {"bucket": "assets"}})
    assert patched["deployment"]["origin"]["bucket"] == "assets"
    assert api.state.store.get("exampleorg", "deployment", "gcore_eu")["_credentials"]["secretAccessKey"] == "s3cr3t"
    # credentials are replaced as a whole
    error_of(api.patch("/be/v1/deployments", json={"name": "gcore_eu", "origin": {"credentials": {"accessKeyId": "x"}}}),
             400, "missing-param")
    # a type change needs a complete origin
    body = error_of(api.patch("/be/v1/deployments", json={"name": "gcore_eu", "origin": {"type": "netstorage"}}),
                    400, "missing-param")
    assert body["param"] == "origin.endpoint"
    netstorage = api.ok("PATCH", "/be/v1/deployments", json={"name": "gcore_eu", "origin": {
        "type": "netstorage", "endpoint": "example-nsu.akamaihd.net", "credentials": {"keyName": "k", "key": "v"}}})
    assert netstorage["deployment"]["origin"] == {"type": "netstorage", "endpoint": "example-nsu.akamaihd.net"}
    # downloadAuth: merged, null removes
    auth = api.ok("PATCH", "/be/v1/deployments", json={"name": "gcore_eu", "downloadAuth": {"type": "akamai"}})
    assert auth["deployment"]["downloadAuth"] == {"type": "akamai"}
    removed = api.ok("PATCH", "/be/v1/deployments", json={"name": "gcore_eu", "downloadAuth": None})
    assert removed["deployment"]["downloadAuth"] is None
    error_of(api.patch("/be/v1/deployments", json={"name": "gcore_eu", "downloadAuth": {"type": "gcore"}}),
             400, "missing-param")
    error_of(api.post("/be/v1/deployments", json={"name": "gcore_eu", "origin": S3_ORIGIN}), 409, "already-exists")


@pytest.mark.parametrize("origin,param", [
    (dict(S3_ORIGIN, endpoint="s3.us-east-1.example.com"), "origin.endpoint"),
    (dict(S3_ORIGIN, endpoint="games.s3.eu-central-1.example.com"), "origin.endpoint"),
    (dict(S3_ORIGIN, type="ftp"), "origin.type"),
    ({k: v for k, v in S3_ORIGIN.items() if k != "credentials"}, "origin.credentials"),
    (dict(S3_ORIGIN, credentials={"keyName": "a"}), "origin.credentials.keyName"),
    (dict(S3_ORIGIN, endpoint="https://s3.eu-central-1.example.com"), "origin.endpoint"),
])
def test_deployment_origin_rules(api, origin, param):
    response = api.post("/be/v1/deployments", json={"name": "bad", "origin": origin})
    assert response.status_code == 400 and response.get_json()["param"] == param, response.get_json()


def test_deployment_names_with_brackets_and_delete_rules(api):
    make_deployment(api, "edge[eu]")
    assert api.ok("GET", "/be/v1/deployments/edge%5Beu%5D")["deployment"]["name"] == "edge[eu]"
    api.ok("POST", "/be/v1/apps", json={"name": "A1", "label": "", "deployments": ["edge[eu]"]})
    api.ok("POST", "/be/v1/apps", json={"name": "A2", "label": "", "deployments": ["edge[eu]"]})
    body = error_of(api.delete("/be/v1/deployments/edge%5Beu%5D"), 409, "conflict")
    assert body["apps"] == ["A1", "A2"] and "A1, A2" in body["message"]
    api.ok("PATCH", "/be/v1/apps", json={"name": "A1", "deployments": []})
    api.ok("PATCH", "/be/v1/apps", json={"name": "A2", "deployments": []})
    api.ok("DELETE", "/be/v1/deployments/edge%5Beu%5D")


# -- subscriptions -------------------------------------------------------------------------------------


def test_subscription_lifecycle(api):
    created = api.ok("POST", "/be/v1/subscriptions", json={
        "name": "buildHook", "sender": "dltar", "events": ["error", "submit"], "type": "webhook",
        "webhook": {"url": "https://hooks.example.com/x"}})
    assert created["secret"]
    assert created["subscription"] == {"name": "buildHook", "sender": "dltar", "events": ["submit", "error"],
                                       "type": "webhook", "webhook": {"url": "https://hooks.example.com/x"},
                                       "orgName": "ExampleOrg", "created": "2025-06-01T00:00:00Z"}
    one = api.ok("GET", "/be/v1/subscriptions/buildHook")["subscription"]
    assert "secret" not in one and created["secret"] not in str(one)
    listed = api.ok("GET", "/be/v1/subscriptions")
    assert listed["totalCount"] == 2 and [item["event"] for item in listed["subscriptions"]] == ["submit", "error"]
    error_of(api.post("/be/v1/subscriptions", json={"name": "buildHook", "sender": "dltar", "events": ["end"],
                                                    "type": "slack", "slack": {"channelId": "#ops"}}),
             409, "already-exists")
    api.ok("DELETE", "/be/v1/subscriptions/buildHook")
    again = api.ok("POST", "/be/v1/subscriptions", json={"name": "buildHook", "sender": "deploy", "events": ["end"],
                                                         "type": "slack", "slack": {"channelId": "C0123456789"}})
    assert again["secret"] != created["secret"]
    error_of(api.get("/be/v1/subscriptions/nothing"), 404, "not-found")


@pytest.mark.parametrize("body,param", [
    ({"sender": "dltar", "events": ["end"], "type": "webhook", "webhook": {"url": "http://x.example"}}, "name"),
    ({"name": "s1", "sender": "nope", "events": ["end"], "type": "webhook", "webhook": {"url": "http://x"}}, "sender"),
    ({"name": "s1", "sender": "dltar", "events": [], "type": "webhook", "webhook": {"url": "http://x"}}, "events"),
    ({"name": "s1", "sender": "dltar", "events": ["end", "end"], "type": "webhook", "webhook": {"url": "http://x"}},
     "events"),
    ({"name": "s1", "sender": "dltar", "events": ["end"], "type": "webhook"}, "webhook"),
    ({"name": "s1", "sender": "dltar", "events": ["end"], "type": "webhook", "webhook": {"url": "ftp://x"}},
     "webhook.url"),
    ({"name": "s1", "sender": "dltar", "events": ["end"], "type": "slack", "slack": {"channelId": "#Bad"}},
     "slack.channelId"),
    ({"name": "s1", "sender": "dltar", "events": ["end"], "type": "slack", "slack": {"channelId": "#ok"},
      "webhook": {"url": "http://x"}}, "webhook"),
    ({"name": "s1", "sender": "dltar", "events": ["end"], "webhook": {"url": "http://x"}}, "type"),
])
def test_subscription_validation(api, body, param):
    response = api.post("/be/v1/subscriptions", json=body)
    assert response.status_code == 400 and response.get_json()["param"] == param, response.get_json()


# -- lists ---------------------------------------------------------------------------------------------


def test_pagination_edges(api):
    for index in range(25):
        api.ok("POST", "/be/v1/roles", json={"name": "Role_%02d" % index})
        api.advance(1)
    default = api.ok("GET", "/be/v1/roles")
    assert default["totalCount"] == 26 and len(default["roles"]) == 10
    assert [role["name"] for role in default["roles"]][:2] == ["Administrators", "Role_00"]
    one = api.ok("GET", "/be/v1/roles", query={"offset": 5, "limit": 1})
    assert one["totalCount"] == 26 and [role["name"] for role in one["roles"]] == ["Role_04"]
    past = api.ok("GET", "/be/v1/roles", query={"offset": 26})
    assert past == {"status": "success", "totalCount": 26, "roles": []}
    assert len(api.ok("GET", "/be/v1/roles", query={"limit": 1000})["roles"]) == 26
    assert error_of(api.get("/be/v1/roles", query={"limit": 1001}), 400, "invalid-param")["param"] == "limit"
    error_of(api.get("/be/v1/roles", query={"limit": 0}), 400, "invalid-param")
    error_of(api.get("/be/v1/roles", query={"offset": -1}), 400, "invalid-param")
    error_of(api.get("/be/v1/roles", query={"offset": "one"}), 400, "invalid-param")
    error_of(api.get("/be/v1/roles", query="limit=1&limit=2"), 400, "invalid-param")
    assert error_of(api.get("/be/v1/roles", query={"page": 1}), 400, "invalid-param")["param"] == "page"


def test_multi_key_ordering(api):
    for name, label in (("Bravo", "x"), ("Alpha", "y"), ("Charlie", "x"), ("Delta", "y")):
        api.ok("POST", "/be/v1/apps", json={"name": name, "label": label})
        api.advance(10)
    api.ok("PATCH", "/be/v1/apps", json={"name": "Bravo", "label": "z"})

    def names(*order):
        return [app["name"] for app in api.ok("GET", "/be/v1/apps", query={"order[]": list(order)})["apps"]]
    assert names() == ["Bravo", "Alpha", "Charlie", "Delta"]
    assert names("name") == ["Alpha", "Bravo", "Charlie", "Delta"]
    assert names("-name") == ["Delta", "Charlie", "Bravo", "Alpha"]
    assert names("[-name]") == ["Delta", "Charlie", "Bravo", "Alpha"]
    assert names("+created") == ["Bravo", "Alpha", "Charlie", "Delta"]
    assert names("-updated", "name") == ["Bravo", "Delta", "Charlie", "Alpha"]
    error_of(api.get("/be/v1/apps", query={"order[]": "label"}), 400, "invalid-param")
    error_of(api.get("/be/v1/apps", query={"order": "name"}), 400, "invalid-param")
