"""Emulator tests: firewall rules, API key and token authentication, permissions."""

import pytest

from emu_testlib import ADMIN, API_KEY, ORG, PASSWORD, error_of

TOKEN = "x-rockit-beauth-token"


def login_2026(api, username=ADMIN, password=PASSWORD, org=ORG) -> dict:
    """The two-step login; returns the step 2 body."""
    step1 = api.ok("POST", "/be/v1/login", json={"username": username, "password": password}, auth=False)
    assert step1["orgs"] == [org] and step1["expiresIn"] == 900
    return api.ok("POST", "/be/v1/login", json={"orgName": org, "orgSelectionToken": step1["orgSelectionToken"]},
                  auth=False)


def with_token(token: str) -> dict:
    """Headers that authenticate with a token only."""
    return {"Accept": "application/json", TOKEN: token}


def test_missing_accept_header_is_refused_by_the_firewall(api):
    response = api.get("/be/v1/apps", headers={"Accept": None})
    assert response.status_code == 400
    assert response.get_json() == {"code": 400, "message": "Bad Request"}
    assert api.get("/be/v1/apps", headers={"Accept": ""}).status_code == 400


def test_no_require_accept(make_api):
    api = make_api(require_accept=False)
    assert api.get("/be/v1/apps", headers={"Accept": None}).status_code == 200


@pytest.mark.parametrize("method,path", [("GET", "/be/v1/nothing"), ("PATCH", "/be/v1/subscriptions"),
                                         ("PUT", "/be/v1/apps"), ("GET", "/be/v1/apps/a/b"), ("GET", "/"),
                                         ("OPTIONS", "/be/v1/apps"), ("HEAD", "/be/v1/apps")])
def test_unknown_routes_are_firewall_404(api, method, path):
    response = api.call(method, path)
    assert response.status_code == 404
    if method != "HEAD":
        assert response.get_json() == {"code": 404, "message": "Not Found"}


def test_api_key_authentication(api):
    assert api.ok("GET", "/be/v1/users")["users"][0]["username"] == ADMIN
    error_of(api.get("/be/v1/apps", auth=False), 401, "unauthorized")
    error_of(api.get("/be/v1/apps", headers={"x-rockit-api-key": "wrong"}), 401, "unauthorized")
    error_of(api.get("/be/v1/apps", headers={"x-rockit-orgname": "OtherOrg"}), 401, "unauthorized")
    body = error_of(api.get("/be/v1/apps", headers={"x-rockit-username": None}), 400, "missing-param")
    assert "x-rockit-username" in body["message"]
    # names are case-insensitive keys
    assert api.get("/be/v1/apps", headers={"x-rockit-orgname": ORG.lower()}).status_code == 200


def test_token_and_api_key_at_once_is_400(api):
    token = login_2026(api)["accessToken"]
    body = error_of(api.get("/be/v1/apps", headers={TOKEN: token}), 400, "invalid-param")
    assert "x-rockit-api-key" in body["message"]


def test_login_2026_refresh_rotation_and_logout(api):
    tokens = login_2026(api)
    assert tokens["expiresIn"] == 900 and tokens["refreshExpiresIn"] == 86400
    assert tokens["permissions"]["tasks"] == 31 and tokens["permissions"]["consumption"] == 2
    assert api.get("/be/v1/apps", headers=with_token(tokens["accessToken"]), auth=False).status_code == 200
    refreshed = api.ok("POST", "/be/v1/refresh", json={}, auth=False,
                       headers={"x-rockit-refresh-token": tokens["refreshToken"]})
    assert refreshed["accessToken"] != tokens["accessToken"] and refreshed["refreshToken"] != tokens["refreshToken"]
    # rotation: the old refresh token stops working
    error_of(api.post("/be/v1/refresh", json={}, auth=False, headers={"x-rockit-refresh-token": tokens["refreshToken"]}),
             401, "unauthorized")
    error_of(api.post("/be/v1/refresh", json={}, auth=False), 400, "missing-param")
    api.ok("POST", "/be/v1/logout", json={}, auth=False, headers={"x-rockit-refresh-token": refreshed["refreshToken"]})
    for token in (tokens["accessToken"], refreshed["accessToken"]):
        error_of(api.get("/be/v1/apps", headers=with_token(token), auth=False), 401, "unauthorized")
    error_of(api.post("/be/v1/refresh", json={}, auth=False, headers={"x-rockit-refresh-token": refreshed["refreshToken"]}),
             401, "unauthorized")
    error_of(api.post("/be/v1/logout", json={}, auth=False), 401, "unauthorized")


def test_logout_with_access_token(api):
    tokens = login_2026(api)
    api.ok("POST", "/be/v1/logout", auth=False, headers={TOKEN: tokens["accessToken"]})
    error_of(api.get("/be/v1/apps", headers=with_token(tokens["accessToken"]), auth=False), 401, "unauthorized")


def test_login_failures(api):
    error_of(api.post("/be/v1/login", json={"username": ADMIN, "password": "wrong-password"}, auth=False),
             401, "unauthorized")
    error_of(api.post("/be/v1/login", json={"username": ADMIN}, auth=False), 400, "missing-param")
    error_of(api.post("/be/v1/login", json={"username": ADMIN, "password": PASSWORD, "extra": 1}, auth=False),
             400, "invalid-param")
    error_of(api.post("/be/v1/login", json={"orgName": ORG, "orgSelectionToken": "nope"}, auth=False),
             401, "unauthorized")
    # a machine user has no password
    key = api.machine_user("ci_bot", ["Administrators"])
    assert key["x-rockit-api-key"]
    error_of(api.post("/be/v1/login", json={"username": "ci_bot", "password": "whatever1"}, auth=False),
             401, "unauthorized")
    # an organisation selection token is only valid for the listed organisations
    step1 = api.ok("POST", "/be/v1/login", json={"username": ADMIN, "password": PASSWORD}, auth=False)
    error_of(api.post("/be/v1/login", json={"orgName": "OtherOrg", "orgSelectionToken": step1["orgSelectionToken"]},
                      auth=False), 401, "unauthorized")


def test_token_expiry_follows_the_emulator_clock(api):
    tokens = login_2026(api)
    api.advance(899)
    assert api.get("/be/v1/apps", headers=with_token(tokens["accessToken"]), auth=False).status_code == 200
    api.advance(1)
    error_of(api.get("/be/v1/apps", headers=with_token(tokens["accessToken"]), auth=False), 401, "token-expired")
    refreshed = api.ok("POST", "/be/v1/refresh", auth=False, headers={"x-rockit-refresh-token": tokens["refreshToken"]})
    assert api.get("/be/v1/apps", headers=with_token(refreshed["accessToken"]), auth=False).status_code == 200
    api.advance(86400)
    error_of(api.post("/be/v1/refresh", auth=False, headers={"x-rockit-refresh-token": refreshed["refreshToken"]}),
             401, "token-expired")


def test_orgsel_token_expiry(make_api):
    api = make_api(orgsel_ttl=10)
    step1 = api.ok("POST", "/be/v1/login", json={"username": ADMIN, "password": PASSWORD}, auth=False)
    assert step1["expiresIn"] == 10
    api.advance(10)
    error_of(api.post("/be/v1/login", json={"orgName": ORG, "orgSelectionToken": step1["orgSelectionToken"]},
                      auth=False), 401, "token-expired")


def test_login_2025_session_and_auth(make_api):
    api = make_api(release=152)
    session = api.ok("POST", "/be/v1/login", json={"orgName": ORG, "username": ADMIN, "password": PASSWORD}, auth=False)
    assert session["expiresIn"] == 86400 and session["permissions"]["apps"] == 15
    headers = {"x-rockit-besession-token": session["sessionToken"], "Content-Type": "application/json"}
    beauth = api.ok("POST", "/be/v1/auth", auth=False, headers=headers)
    assert beauth["expiresIn"] == 300
    assert api.get("/be/v1/tasks", headers=with_token(beauth["beauthToken"]), auth=False).status_code == 200
    # a session token is not an auth token
    error_of(api.get("/be/v1/tasks", headers=with_token(session["sessionToken"]), auth=False), 401, "unauthorized")
    error_of(api.post("/be/v1/auth", auth=False), 400, "missing-param")
    api.advance(300)
    error_of(api.get("/be/v1/tasks", headers=with_token(beauth["beauthToken"]), auth=False), 401, "token-expired")
    api.advance(86400)
    error_of(api.post("/be/v1/auth", auth=False, headers={"x-rockit-besession-token": session["sessionToken"]}),
             401, "token-expired")
    error_of(api.post("/be/v1/login", json={"orgName": ORG, "username": ADMIN, "password": "bad-password"}, auth=False),
             401, "unauthorized")


def test_human_user_logs_in_with_password_only(api):
    api.ok("POST", "/be/v1/users", json={"username": "jdoe", "email": "jdoe@example.com", "firstname": "Jane",
                                         "surname": "Doe", "roles": ["Administrators"], "password": "jane-secret"})
    tokens = login_2026(api, "jdoe", "jane-secret")
    assert tokens["permissions"]["roles"] == 15
    # a human user has no API key
    error_of(api.get("/be/v1/apps", headers={"x-rockit-username": "jdoe", "x-rockit-api-key": "jane-secret"}),
             401, "unauthorized")
    # invited without a password: cannot log in until an administrator resets it
    api.ok("POST", "/be/v1/users", json={"username": "invited", "email": "i@example.com", "firstname": "I",
                                         "surname": "Nvited", "roles": []})
    error_of(api.post("/be/v1/login", json={"username": "invited", "password": "anything1"}, auth=False),
             401, "unauthorized")
    api.ok("PATCH", "/be/v1/users", json={"username": "invited", "resetCreds": {"password": "fresh-password"}})
    assert login_2026(api, "invited", "fresh-password")["permissions"]["apps"] == 0


def test_deleted_user_token_stops_working(api):
    api.ok("POST", "/be/v1/users", json={"username": "temp", "email": "t@example.com", "firstname": "T",
                                         "surname": "Emp", "roles": ["Administrators"], "password": "temp-secret"})
    tokens = login_2026(api, "temp", "temp-secret")
    api.ok("DELETE", "/be/v1/users/temp")
    error_of(api.get("/be/v1/apps", headers=with_token(tokens["accessToken"]), auth=False), 401, "unauthorized")


PERMISSION_CASES = [
    ("GET", "/be/v1/apps", None, "apps.read"),
    ("POST", "/be/v1/apps", {"name": "App1", "label": "x"}, "apps.create"),
    ("PATCH", "/be/v1/apps", {"name": "App1"}, "apps.update"),
    ("DELETE", "/be/v1/apps/App1", None, "apps.delete"),
    ("POST", "/be/v1/builds", {"appName": "App1"}, "apps.update"),
    ("GET", "/be/v1/users", None, "beUsers.read"),
    ("POST", "/be/v1/roles", {"name": "R2"}, "roles.create"),
    ("GET", "/be/v1/deployments", None, "deployments.read"),
    ("DELETE", "/be/v1/subscriptions/abc", None, "subscriptions.delete"),
    ("GET", "/be/v1/tasks", None, "tasks.read"),
    ("PATCH", "/be/v1/tasks", {"name": "x", "acknowledged": True}, "tasks.update"),
    ("POST", "/be/v1/trigger", {"action": "processTraces", "appName": "App1"}, "tasks.execute"),
]


@pytest.mark.parametrize("method,path,body,permission", PERMISSION_CASES)
def test_permission_denied_names_the_permission(api, method, path, body, permission):
    key = api.machine_user("narrow", ["Narrow"], tasks=2 if permission != "tasks.read" else 4, apps=0)
    body_out = error_of(api.call(method, path, json=body, headers=key), 403, "forbidden")
    assert body_out["permission"] == permission and permission in body_out["message"]


def test_effective_permission_is_the_or_over_roles(api):
    api.ok("POST", "/be/v1/roles", json={"name": "Readers", "permissions": {"apps": 2}})
    api.ok("POST", "/be/v1/roles", json={"name": "Creators", "permissions": {"apps": 1}})
    key = api.machine_user("both", ["Readers", "Creators"])
    assert api.call("POST", "/be/v1/apps", json={"name": "Made", "label": ""}, headers=key).status_code == 200
    assert api.call("GET", "/be/v1/apps/Made", headers=key).status_code == 200
    error_of(api.call("DELETE", "/be/v1/apps/Made", headers=key), 403, "forbidden")


def test_self_service_patch(api):
    api.ok("POST", "/be/v1/users", json={"username": "selfie", "email": "s@example.com", "firstname": "S",
                                         "surname": "Elf", "roles": [], "password": "old-password"})
    headers = {"Accept": "application/json"}
    token = login_2026(api, "selfie", "old-password")["accessToken"]
    headers[TOKEN] = token
    body = api.ok("PATCH", "/be/v1/users", auth=False, headers=headers,
                  json={"username": "selfie", "title": "Boss", "oldPW": "old-password", "newPW": "new-password"})
    assert body["user"]["title"] == "Boss"
    assert login_2026(api, "selfie", "new-password")["accessToken"]
    error_of(api.patch("/be/v1/users", auth=False, headers=headers,
                       json={"username": "selfie", "oldPW": "wrong-password", "newPW": "whatever12"}),
             400, "invalid-param")
    # roles are not self-service, nor is anybody else's profile
    assert error_of(api.patch("/be/v1/users", auth=False, headers=headers, json={"username": "selfie", "roles": []}),
                    403, "forbidden")["permission"] == "beUsers.update"
    error_of(api.patch("/be/v1/users", auth=False, headers=headers, json={"username": ADMIN, "title": "x"}),
             403, "forbidden")
    error_of(api.patch("/be/v1/users", json={"username": "selfie", "oldPW": "new-password"}), 400, "missing-param")
    # oldPW/newPW change the caller's own password only
    error_of(api.patch("/be/v1/users", json={"username": "selfie", "oldPW": "new-password", "newPW": "other-pass"}),
             400, "invalid-param")


def test_admin_api_key_and_password_both_work(make_api):
    api = make_api(org="AcmeOrg", admin_user="root_admin", admin_api_key="k-123", admin_password="p-12345678")
    headers = {"x-rockit-orgname": "AcmeOrg", "x-rockit-username": "root_admin", "x-rockit-api-key": "k-123"}
    assert api.get("/be/v1/apps", headers=headers).status_code == 200
    assert login_2026(api, "root_admin", "p-12345678", "AcmeOrg")["permissions"]["tasks"] == 31
    assert API_KEY not in str(api.get("/be/v1/users/root_admin", headers=headers).get_json())
