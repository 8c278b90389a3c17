"""Emulator tests: the admin API (organisations), deleting an organisation, and the service routes."""

import pytest

from emu_testlib import ADMIN, ADMIN_TOKEN, ADMIN_TOKEN_HEADERS, ORG, PASSWORD, error_of

NEW_ORG = {"name": "NewOrg", "adminUser": "newAdmin", "adminEmail": "admin@example.com"}


def admin_call(api, method, path, json=None, token=ADMIN_TOKEN, query=None):
    """A request with the admin token only."""
    headers = dict(ADMIN_TOKEN_HEADERS, **{"x-rockit-admin-token": token})
    return api.client.open(path, method=method, json=json, headers={k: v for k, v in headers.items() if v},
                           query_string=query)


def admin_ok(api, method, path, json=None, query=None) -> dict:
    """An admin request that must succeed."""
    response = admin_call(api, method, path, json, query=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def login(api, org, username, password) -> dict:
    """Token headers of a 2026 password login."""
    step1 = api.ok("POST", "/be/v1/login", json={"username": username, "password": password}, auth=False)
    assert org in step1["orgs"]
    tokens = api.ok("POST", "/be/v1/login", json={"orgName": org, "orgSelectionToken": step1["orgSelectionToken"]},
                    auth=False)
    return {"Accept": "application/json", "x-rockit-beauth-token": tokens["accessToken"]}


@pytest.fixture
def admin_api(make_api):
    """An emulator with an admin token."""
    return make_api(admin_token=ADMIN_TOKEN)


ADMIN_ROUTES = {
    159: [("POST", "/adm/v1/orgs", NEW_ORG), ("GET", "/adm/v1/orgs", None), ("GET", "/adm/v1/orgs/NewOrg", None),
          ("DELETE", "/adm/v1/orgs/NewOrg", None), ("GET", "/srv/v1/versions", None), ("POST", "/srv/v1/ping", {})],
    152: [("POST", "/adm/v1/orgs", NEW_ORG), ("DELETE", "/adm/v1/orgs/NewOrg", None),
          ("GET", "/adm/v1/versions", None), ("POST", "/adm/v1/ping", {})],
}


@pytest.mark.parametrize("release", sorted(ADMIN_ROUTES))
def test_without_admin_token_every_admin_route_is_401(make_api, release):
    for api in (make_api(release=release), make_api(release=release, admin_token=ADMIN_TOKEN)):
        for method, path, body in ADMIN_ROUTES[release]:
            for token in (None, "wrong-token"):
                error_of(admin_call(api, method, path, body, token=token), 401, "unauthorized")
            # an API key is not an admin token
            error_of(api.call(method, path, json=body), 401, "unauthorized")
    api = make_api(release=158)
    error_of(api.post("/be/v1/orgs", json=NEW_ORG, auth=False, headers={"x-rockit-beauth-token": "wrong"}), 401,
             "unauthorized")


def test_org_lifecycle_with_an_initial_password(admin_api):
    created = admin_ok(admin_api, "POST", "/adm/v1/orgs", NEW_ORG)
    assert created["org"] == {"name": "NewOrg", "adminUser": "newAdmin", "adminEmail": "admin@example.com",
                              "created": "2025-06-01T00:00:00Z", "updated": "2025-06-01T00:00:00Z"}
    password = created["initialPassword"]
    assert len(password) >= 12
    # the password is returned once: reads never carry it
    read = admin_ok(admin_api, "GET", "/adm/v1/orgs/neworg")
    assert read["org"] == created["org"] and password not in str(read)
    listed = admin_ok(admin_api, "GET", "/adm/v1/orgs")
    assert listed["totalCount"] == 2 and [org["name"] for org in listed["orgs"]] == [ORG, "NewOrg"]
    assert admin_ok(admin_api, "GET", "/adm/v1/orgs", query={"limit": 1, "offset": 1})["orgs"][0]["name"] == "NewOrg"
    body = error_of(admin_call(admin_api, "POST", "/adm/v1/orgs", dict(NEW_ORG, name="NEWORG")), 409,
                    "already-exists")
    assert "NEWORG" in body["message"]
    # a new organisation: Administrators, its primary administrator with a password, no API key
    headers = login(admin_api, "NewOrg", "newAdmin", password)
    users = admin_api.ok("GET", "/be/v1/users", auth=False, headers=headers)["users"]
    assert [(user["username"], user["roles"], user["email"]) for user in users] == [
        ("newAdmin", ["Administrators"], "admin@example.com")]
    assert [role["name"] for role in admin_api.ok("GET", "/be/v1/roles", auth=False, headers=headers)["roles"]] == [
        "Administrators"]
    key_headers = {"x-rockit-orgname": "NewOrg", "x-rockit-username": "newAdmin", "x-rockit-api-key": password}
    error_of(admin_api.get("/be/v1/apps", headers=key_headers), 401, "unauthorized")
    key = admin_api.ok("POST", "/be/v1/apikeys", json={}, auth=False, headers=headers)["apiKey"]
    key_headers["x-rockit-api-key"] = key
    admin_api.ok("POST", "/be/v1/apps", json={"name": "Ramen", "label": ""}, headers=key_headers)
    # delete: everything, keys and tokens included, is gone
    assert "NewOrg" in admin_ok(admin_api, "DELETE", "/adm/v1/orgs/newOrg")["message"]
    error_of(admin_api.get("/be/v1/apps", auth=False, headers=headers), 401, "unauthorized")
    error_of(admin_api.get("/be/v1/apps", headers=key_headers), 401, "unauthorized")
    error_of(admin_api.post("/be/v1/login", json={"username": "newAdmin", "password": password}, auth=False), 401,
             "unauthorized")
    error_of(admin_call(admin_api, "GET", "/adm/v1/orgs/NewOrg"), 404, "not-found")
    error_of(admin_call(admin_api, "DELETE", "/adm/v1/orgs/NewOrg"), 404, "not-found")
    assert admin_ok(admin_api, "GET", "/adm/v1/orgs")["totalCount"] == 1
    # the same name can be used again, and starts empty
    again = admin_ok(admin_api, "POST", "/adm/v1/orgs", dict(NEW_ORG, adminPassword="chosen-password"))
    assert "initialPassword" not in again
    headers = login(admin_api, "NewOrg", "newAdmin", "chosen-password")
    assert admin_api.ok("GET", "/be/v1/apps", auth=False, headers=headers)["totalCount"] == 0


def test_org_create_validation(admin_api):
    for body, status, error, param in (
            ({"name": "X1"}, 400, "missing-param", "adminUser"),
            (dict(NEW_ORG, extra=1), 400, "invalid-param", "extra"),
            (dict(NEW_ORG, name="bad-name"), 400, "invalid-param", "name"),
            (dict(NEW_ORG, adminEmail="nope"), 400, "invalid-param", "adminEmail"),
            (dict(NEW_ORG, adminPassword="short"), 400, "invalid-param", "adminPassword")):
        assert error_of(admin_call(admin_api, "POST", "/adm/v1/orgs", body), status, error)["param"] == param
    body = dict(NEW_ORG, adminFirstname="Ada", adminSurname="Lovelace", adminPassword="ada-password")
    admin_ok(admin_api, "POST", "/adm/v1/orgs", body)
    headers = login(admin_api, "NewOrg", "newAdmin", "ada-password")
    user = admin_api.ok("GET", "/be/v1/users/newAdmin", auth=False, headers=headers)["user"]
    assert (user["firstname"], user["surname"], user["type"]) == ("Ada", "Lovelace", "user")


def test_the_primary_administrator_deletes_its_organisation(admin_api):
    created = admin_ok(admin_api, "POST", "/adm/v1/orgs", dict(NEW_ORG, adminPassword="new-password"))
    assert created["org"]["name"] == "NewOrg"
    headers = login(admin_api, "NewOrg", "newAdmin", "new-password")
    admin_api.ok("POST", "/be/v1/roles", json={"name": "Helpers"}, auth=False, headers=headers)
    admin_api.ok("POST", "/be/v1/users", json={"username": "helper", "email": "h@example.com", "firstname": "H",
                                               "surname": "Elper", "roles": ["Helpers"], "password": "help-password"},
                 auth=False, headers=headers)
    helper = login(admin_api, "NewOrg", "helper", "help-password")
    error_of(admin_api.delete("/be/v1/orgs/NewOrg", auth=False, headers=helper, query={"prune": "true"}), 403,
             "forbidden")
    # another organisation is not visible
    error_of(admin_api.delete("/be/v1/orgs/%s" % ORG, auth=False, headers=headers, query={"prune": "true"}), 404,
             "not-found")
    body = error_of(admin_api.delete("/be/v1/orgs/NewOrg", auth=False, headers=headers), 409, "conflict")
    assert "prune=true" in body["message"]
    error_of(admin_api.delete("/be/v1/orgs/NewOrg", auth=False, headers=headers, query={"prune": "yes"}), 400,
             "invalid-param")
    assert "NewOrg" in admin_api.ok("DELETE", "/be/v1/orgs/neworg", auth=False, headers=headers,
                                    query={"prune": "true"})["message"]
    error_of(admin_api.get("/be/v1/apps", auth=False, headers=headers), 401, "unauthorized")
    error_of(admin_call(admin_api, "GET", "/adm/v1/orgs/NewOrg"), 404, "not-found")


def test_an_empty_organisation_is_deleted_without_prune(api):
    """The default organisation holds only Administrators and its primary administrator (with an API key)."""
    api.ok("POST", "/be/v1/apikeys", json={})
    api.ok("DELETE", "/be/v1/orgs/%s" % ORG)
    error_of(api.get("/be/v1/apps"), 401, "unauthorized")
    assert api.client.get("/_emulator/state").status_code == 404
    assert api.client.post("/_emulator/reset").status_code == 200
    assert api.get("/be/v1/apps").status_code == 200


def test_org_routes_per_release(make_api):
    old = make_api(release=158, admin_token=ADMIN_TOKEN)
    assert admin_call(old, "GET", "/adm/v1/orgs").status_code == 404
    assert admin_call(old, "GET", "/adm/v1/orgs/%s" % ORG).status_code == 404
    # up to release 158 the backend creates organisations too, with the admin token in the token header
    created = old.ok("POST", "/be/v1/orgs", json=NEW_ORG, auth=False,
                     headers={"Accept": "application/json", "x-rockit-beauth-token": ADMIN_TOKEN})
    assert created["org"]["name"] == "NewOrg" and created["initialPassword"]
    error_of(old.post("/be/v1/orgs", json=NEW_ORG, auth=False,
                      headers={"Accept": "application/json", "x-rockit-beauth-token": ADMIN_TOKEN}), 409,
             "already-exists")
    admin_ok(old, "DELETE", "/adm/v1/orgs/NewOrg")
    new = make_api(release=159, admin_token=ADMIN_TOKEN)
    assert new.post("/be/v1/orgs", json=NEW_ORG, auth=False,
                    headers={"Accept": "application/json", "x-rockit-beauth-token": ADMIN_TOKEN}).status_code == 404


@pytest.mark.parametrize("release,versions,ping", [
    (141, None, "/adm/v1/ping"), (151, None, "/adm/v1/ping"), (152, "/adm/v1/versions", "/adm/v1/ping"),
    (153, "/srv/v1/versions", "/srv/v1/ping"), (159, "/srv/v1/versions", "/srv/v1/ping")])
def test_service_routes_per_release(make_api, release, versions, ping):
    api = make_api(release=release, admin_token=ADMIN_TOKEN)
    for path in ("/adm/v1/versions", "/srv/v1/versions"):
        if path != versions:
            assert admin_call(api, "GET", path).status_code == 404, path
    for path in ("/adm/v1/ping", "/srv/v1/ping"):
        if path != ping:
            assert admin_call(api, "POST", path, {}).status_code == 404, path
    assert admin_ok(api, "POST", ping, {}) == {"status": "success", "message": "pong"}
    error_of(admin_call(api, "POST", ping, {"x": 1}), 400, "invalid-param")
    if versions:
        assert admin_ok(api, "GET", versions) == {"status": "success", "release": release,
                                                  "versions": {"edge": str(release), "engine": "2026.07.13"}}
    # the installer sends curl's Accept: */*
    response = api.client.post(ping, json={}, headers={"Accept": "*/*", "x-rockit-admin-token": ADMIN_TOKEN})
    assert response.status_code == 200


def test_openapi_covers_the_new_routes(make_api):
    doc = make_api().client.get("/openapi.json").get_json()
    paths = doc["paths"]
    assert set(paths["/be/v1/apikeys"]) == {"post", "delete"} and set(paths["/be/v1/apikeys/{apiKeyId}"]) == {"delete"}
    assert set(paths["/adm/v1/orgs"]) == {"post", "get"} and set(paths["/adm/v1/orgs/{orgName}"]) == {"get", "delete"}
    assert set(paths["/be/v1/orgs/{orgName}"]) == {"delete"} and "/be/v1/orgs" not in paths
    assert "/srv/v1/versions" in paths and "/srv/v1/ping" in paths and "/be/v1/auth" not in paths
    assert paths["/adm/v1/orgs"]["post"]["security"] == [{"adminToken": []}]
    create = paths["/adm/v1/orgs"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert create["required"] == ["name", "adminUser", "adminEmail"] and create["additionalProperties"] is False
    answer = paths["/be/v1/apikeys"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(answer["required"]) == {"status", "apiKey", "apiKeyId", "username", "created"}
    users = paths["/be/v1/users"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert {"apiKey", "apiKeyId"} <= set(users["properties"])
    old = make_api(release=152).client.get("/openapi.json").get_json()["paths"]
    assert {"/be/v1/auth", "/be/v1/orgs", "/adm/v1/ping", "/adm/v1/versions"} <= set(old)
    assert not {"/be/v1/refresh", "/be/v1/logout", "/srv/v1/ping", "/srv/v1/versions"} & set(old)
    assert set(old["/adm/v1/orgs/{orgName}"]) == {"delete"}
    assert old["/be/v1/orgs"]["post"]["security"] == [{"adminTokenInBeauth": []}]
    login_body = old["/be/v1/login"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert login_body["required"] == ["orgName", "username", "password"]


def test_password_login_of_the_default_organisation_needs_no_admin_token(api):
    assert login(api, ORG, ADMIN, PASSWORD)
