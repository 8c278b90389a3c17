"""Emulator tests: a fresh organisation has no API key; API keys are created and deleted through the API."""

import pytest

from emu_testlib import ADMIN, API_KEY, ORG, PASSWORD, error_of

TOKEN = "x-rockit-beauth-token"


def access_token(api, username=ADMIN, password=PASSWORD) -> str:
    """A 2026 access token of a password login."""
    step1 = api.ok("POST", "/be/v1/login", json={"username": username, "password": password}, auth=False)
    return api.ok("POST", "/be/v1/login", json={"orgName": ORG, "orgSelectionToken": step1["orgSelectionToken"]},
                  auth=False)["accessToken"]


def token_headers(token: str) -> dict:
    """Headers that authenticate with the token header alone."""
    return {"Accept": "application/json", TOKEN: token}


def key_headers(username: str, key: str) -> dict:
    """The three API key headers."""
    return {"Accept": "application/json", "x-rockit-orgname": ORG, "x-rockit-username": username,
            "x-rockit-api-key": key}


@pytest.fixture
def fresh(make_api):
    """An emulator started without --admin-api-key: the primary administrator has a password only."""
    return make_api(admin_api_key=None)


def test_fresh_organisation_has_no_api_key(fresh):
    for key in (API_KEY, "", "anything"):
        error_of(fresh.get("/be/v1/apps", auth=False, headers=key_headers(ADMIN, key)), 401, "unauthorized")
    token = access_token(fresh)
    assert fresh.get("/be/v1/apps", auth=False, headers=token_headers(token)).status_code == 200


def test_create_a_key_after_a_password_login_and_use_it_both_ways(fresh):
    token = access_token(fresh)
    created = fresh.ok("POST", "/be/v1/apikeys", json={}, auth=False, headers=token_headers(token))
    assert set(created) == {"status", "apiKey", "apiKeyId", "username", "created"}
    assert created["username"] == ADMIN and created["created"] == "2025-06-01T00:00:00Z"
    assert created["apiKeyId"] != created["apiKey"]
    key = created["apiKey"]
    # the three API key headers, or the key alone in the token header
    assert fresh.ok("GET", "/be/v1/users", auth=False, headers=key_headers(ADMIN, key))["totalCount"] == 1
    assert fresh.ok("GET", "/be/v1/apps", auth=False, headers=token_headers(key))["totalCount"] == 0
    both = dict(key_headers(ADMIN, key), **{TOKEN: key})
    error_of(fresh.get("/be/v1/apps", auth=False, headers=both), 400, "invalid-param")
    # the secret is never returned again
    assert key not in fresh.get("/be/v1/users/%s" % ADMIN, auth=False, headers=token_headers(token)).get_data(True)
    # a key is not a login token: it cannot log out
    error_of(fresh.post("/be/v1/logout", json={}, auth=False, headers=token_headers(key)), 401, "unauthorized")


def test_the_admin_api_key_option_is_a_key_the_administrator_created(api):
    """--admin-api-key KEY: the administrator holds KEY, with an id like any other key."""
    assert api.ok("DELETE", "/be/v1/apikeys") == {"status": "success", "deleted": 1}
    error_of(api.get("/be/v1/apps"), 401, "unauthorized")


def test_at_most_five_keys_per_user(api):
    ids = [api.ok("POST", "/be/v1/apikeys", json={})["apiKeyId"] for _count in range(4)]
    assert len(set(ids)) == 4
    body = error_of(api.post("/be/v1/apikeys", json={}), 409, "conflict")
    assert "5" in body["message"]
    api.ok("DELETE", "/be/v1/apikeys/%s" % ids[0])
    assert api.ok("POST", "/be/v1/apikeys", json={})["apiKeyId"] not in ids  # an id never names another key


def test_delete_one_key_by_id(api):
    first = api.ok("POST", "/be/v1/apikeys", json={})
    second = api.ok("POST", "/be/v1/apikeys", json={})
    body = api.ok("DELETE", "/be/v1/apikeys/%s" % first["apiKeyId"])
    assert first["apiKeyId"] in body["message"]
    error_of(api.get("/be/v1/apps", auth=False, headers=key_headers(ADMIN, first["apiKey"])), 401, "unauthorized")
    assert api.get("/be/v1/apps", auth=False, headers=key_headers(ADMIN, second["apiKey"])).status_code == 200
    assert api.get("/be/v1/apps").status_code == 200
    error_of(api.delete("/be/v1/apikeys/%s" % first["apiKeyId"]), 404, "not-found")
    error_of(api.delete("/be/v1/apikeys/ak_unknown"), 404, "not-found")


def test_machine_user_key_has_an_id_and_can_be_rotated(api):
    created = api.ok("POST", "/be/v1/users", json={"username": "ci_bot", "label": "CI", "roles": ["Administrators"]})
    assert created["apiKey"] and created["apiKeyId"]
    old = key_headers("ci_bot", created["apiKey"])
    # rotation: the new key first, then the old one goes; the user is never without a key
    new = api.ok("POST", "/be/v1/apikeys", json={}, auth=False, headers=old)
    assert new["username"] == "ci_bot"
    api.ok("DELETE", "/be/v1/apikeys/%s" % created["apiKeyId"], auth=False, headers=key_headers("ci_bot", new["apiKey"]))
    error_of(api.get("/be/v1/apps", auth=False, headers=old), 401, "unauthorized")
    assert api.get("/be/v1/apps", auth=False, headers=key_headers("ci_bot", new["apiKey"])).status_code == 200


def test_keys_of_another_user_need_users_update(api):
    narrow = api.machine_user("narrow", ["Narrow"], apps=2)
    admin_key = api.ok("POST", "/be/v1/apikeys", json={})
    assert error_of(api.post("/be/v1/apikeys", json={"username": ADMIN}, headers=narrow), 403,
                    "forbidden")["permission"] == "beUsers.update"
    error_of(api.delete("/be/v1/apikeys/%s" % admin_key["apiKeyId"], headers=narrow), 403, "forbidden")
    error_of(api.delete("/be/v1/apikeys", query={"username": ADMIN}, headers=narrow), 403, "forbidden")
    # its own keys need no permission
    own = api.ok("POST", "/be/v1/apikeys", json={}, headers=narrow)
    assert own["username"] == "narrow"
    # the administrator manages the keys of others
    for_narrow = api.ok("POST", "/be/v1/apikeys", json={"username": "NARROW"})
    assert for_narrow["username"] == "narrow"
    assert api.ok("DELETE", "/be/v1/apikeys", query={"username": "narrow"}) == {"status": "success", "deleted": 3}
    error_of(api.get("/be/v1/apps", headers=narrow), 401, "unauthorized")
    assert api.ok("DELETE", "/be/v1/apikeys", query={"username": "narrow"})["deleted"] == 0


def test_api_key_validation(api):
    assert error_of(api.post("/be/v1/apikeys", json={"user": ADMIN}), 400, "invalid-param")["param"] == "user"
    error_of(api.post("/be/v1/apikeys", json={"username": "bad-name"}), 400, "invalid-param")
    error_of(api.post("/be/v1/apikeys", json={"username": "nobody"}), 404, "not-found")
    error_of(api.delete("/be/v1/apikeys", query={"username": "nobody"}), 404, "not-found")
    error_of(api.delete("/be/v1/apikeys", query={"user": ADMIN}), 400, "invalid-param")
    error_of(api.post("/be/v1/apikeys", json={}, auth=False), 401, "unauthorized")
    assert api.get("/be/v1/apikeys").status_code == 404  # there is no list of keys


def test_deleted_user_takes_its_keys(api):
    created = api.ok("POST", "/be/v1/users", json={"username": "temp_bot", "label": "t", "roles": []})
    api.ok("DELETE", "/be/v1/users/temp_bot")
    api.ok("POST", "/be/v1/users", json={"username": "temp_bot", "label": "t", "roles": []})
    error_of(api.get("/be/v1/apps", auth=False, headers=key_headers("temp_bot", created["apiKey"])), 401,
             "unauthorized")


def test_human_user_creates_its_own_key(api):
    api.ok("POST", "/be/v1/users", json={"username": "jdoe", "email": "jdoe@example.com", "firstname": "Jane",
                                         "surname": "Doe", "roles": [], "password": "jane-secret"})
    token = access_token(api, "jdoe", "jane-secret")
    key = api.ok("POST", "/be/v1/apikeys", json={}, auth=False, headers=token_headers(token))["apiKey"]
    # no permissions, but authenticated: 403, not 401
    error_of(api.get("/be/v1/apps", auth=False, headers=key_headers("jdoe", key)), 403, "forbidden")
