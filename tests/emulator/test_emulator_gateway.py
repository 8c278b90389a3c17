"""Emulator tests: the firewall (Accept rule, its 404), the rate limits and the gateway's time limit, per release."""

import time

import pytest

from emu_testlib import ADMIN_HEADERS, ADMIN_TOKEN, error_of

WAF_404 = {"code": 404, "message": "Not Found"}
WAF_400 = {"code": 400, "message": "Bad Request"}
TOO_MANY = {"code": 429, "message": "Too Many Requests"}


def from_client(api, address, method="GET", path="/be/v1/apps", headers=None):
    """A request from another client address."""
    return api.client.open(path, method=method, headers=headers or ADMIN_HEADERS,
                           environ_base={"REMOTE_ADDR": address})


def statuses(api, count, address="127.0.0.1", **kwargs):
    """The statuses of COUNT requests from one client."""
    return [from_client(api, address, **kwargs).status_code for _index in range(count)]


def log(api):
    """The request log."""
    return api.client.get("/_emulator/requests").get_json()["requests"]


# -- firewall ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("release,install", [(155, "prod"), (159, "prod"), (159, "stage")])
def test_firewall_404_and_accept_rule_from_155(make_api, release, install):
    api = make_api(release=release, install=install)
    for method, path in (("GET", "/be/v1/nothing"), ("PUT", "/be/v1/apps"), ("OPTIONS", "/be/v1/apps"),
                         ("GET", "/adm/v1/nothing"), ("GET", "/srv/v1/nothing")):
        response = api.call(method, path)
        assert response.status_code == 404 and response.get_json() == WAF_404, (method, path)
    assert api.call("HEAD", "/be/v1/apps").status_code == 404
    assert api.get("/be/v1/apps", headers={"Accept": None}).get_json() == WAF_400
    assert api.get("/be/v1/apps", headers={"Accept": "*/*"}).status_code == 200


@pytest.mark.parametrize("release", [141, 150])
def test_firewall_before_151_has_the_accept_rule_but_lets_unknown_routes_through(make_api, release):
    api = make_api(release=release)
    assert api.get("/be/v1/apps", headers={"Accept": None}).get_json() == WAF_400
    assert api.get("/be/v1/nothing", headers={"Accept": None}).get_json() == WAF_400
    body = error_of(api.get("/be/v1/nothing"), 404, "not-found")
    assert "/be/v1/nothing" in body["message"]
    error_of(api.call("PUT", "/be/v1/apps"), 404, "not-found")


@pytest.mark.parametrize("release,install", [(151, "prod"), (154, "prod"), (159, "test"), (145, "test")])
def test_no_firewall(make_api, release, install):
    api = make_api(release=release, install=install)
    assert api.get("/be/v1/apps", headers={"Accept": None}).status_code == 200
    error_of(api.get("/be/v1/nothing"), 404, "not-found")
    error_of(api.get("/", auth=False), 404, "not-found")
    assert api.call("HEAD", "/be/v1/apps").status_code == 200  # the backend answers HEAD like GET
    assert api.client.get("/_emulator/settings").get_json()["firewall"] is False


# -- rate limits ---------------------------------------------------------------------------------------


def test_rate_limit_is_shared_by_all_clients_with_retry_after(make_api):
    api = make_api(rate_limit=2)
    assert statuses(api, 1, address="10.0.0.1") == [200]
    other = dict(ADMIN_HEADERS)
    del other["x-rockit-api-key"]
    assert from_client(api, "10.0.0.2", headers=other).status_code == 400  # a request like any other
    response = from_client(api, "10.0.0.3")
    assert response.status_code == 429 and response.get_json() == TOO_MANY
    assert response.headers["Retry-After"] == "1"
    assert from_client(api, "10.0.0.1", "POST", "/be/v1/roles").status_code == 429
    # the control API is never limited
    for _index in range(20):
        assert api.client.get("/_emulator/clock").status_code == 200
    api.advance(0.5)
    assert statuses(api, 2, address="10.0.0.4") == [200, 429]
    api.advance(10)  # the bucket holds at most one second's worth
    assert statuses(api, 3) == [200, 200, 429]
    entries = log(api)
    assert [entry["status"] for entry in entries] == [200, 400, 429, 429, 200, 429, 200, 200, 429]
    assert entries[2]["org"] is None  # refused before the backend saw it


def test_retry_after_counts_the_seconds_until_a_request_is_admitted(make_api):
    api = make_api(rate_limit=0.25)
    assert statuses(api, 1) == [200]
    assert api.get("/be/v1/apps").headers["Retry-After"] == "4"
    api.advance(3)
    assert api.get("/be/v1/apps").headers["Retry-After"] == "1"
    api.advance(1)
    assert statuses(api, 1) == [200]


def test_rate_limit_0_is_no_limit(make_api):
    api = make_api(rate_limit=0, tier="free")
    assert set(statuses(api, 60)) == {200}


def test_gateway_limit_of_the_newest_release_free_tier(make_api):
    api = make_api(tier="free")
    assert statuses(api, 33, address="10.0.0.1") == [200] * 33
    response = from_client(api, "10.0.0.2")
    assert response.status_code == 429 and response.headers["Retry-After"] == "1"
    api.advance(1)
    assert statuses(api, 33) == [200] * 33


def test_gateway_limit_151_to_154_is_on_the_backend_only(make_api):
    api = make_api(release=152, tier="free", admin_token=ADMIN_TOKEN)
    assert statuses(api, 6) == [200] * 5 + [429]
    ping = {"Accept": "application/json", "x-rockit-admin-token": ADMIN_TOKEN}
    assert set(statuses(api, 12, method="POST", path="/adm/v1/ping", headers=ping)) == {200}


def test_firewall_limits_141_to_150_are_per_client_with_retry_after_60(make_api):
    api = make_api(release=145, tier="free")
    assert statuses(api, 30, address="10.0.0.1") == [200] * 30
    response = from_client(api, "10.0.0.1")
    assert response.status_code == 429 and response.headers["Retry-After"] == "60"
    assert response.get_json() == TOO_MANY
    assert statuses(api, 30, address="10.0.0.2") == [200] * 30  # another client has its own allowance
    api.advance(1)
    assert statuses(api, 1, address="10.0.0.1") == [200]


def test_release_141_limits_per_path(make_api):
    api = make_api(release=141, admin_token=ADMIN_TOKEN)
    assert statuses(api, 11) == [200] * 10 + [429]
    ping = {"Accept": "application/json", "x-rockit-admin-token": ADMIN_TOKEN}
    assert statuses(api, 11, method="POST", path="/adm/v1/ping", headers=ping) == [200] * 10 + [429]
    assert make_api(release=141, install="test").client.get("/_emulator/settings").get_json()["rateLimits"] == []


def test_rate_limit_option_replaces_the_release_limits(make_api):
    api = make_api(release=145, rate_limit=1)
    assert statuses(api, 1, address="10.0.0.1") == [200]
    response = from_client(api, "10.0.0.2")
    assert response.status_code == 429 and response.headers["Retry-After"] == "1"


def test_settings_report_what_is_in_force(make_api):
    settings = make_api(release=152, tier="free", install="stage").client.get("/_emulator/settings").get_json()
    assert settings["release"] == 152 and settings["tier"] == "free" and settings["install"] == "stage"
    assert settings["loginFlow"] == "2025" and settings["firewall"] is False and settings["servicePrefix"] == "/adm/v1"
    assert settings["rateLimits"] == [{"rps": 5, "prefixes": ["/be/v1/"], "perClient": False, "source": "gateway"}]
    assert settings["gatewayTimeout"] == 60
    settings = make_api(rate_limit=7).client.get("/_emulator/state").get_json()["settings"]
    assert settings["release"] == 159 and settings["rateLimits"][0]["rps"] == 7 and settings["firewallNotFound"]


def test_bad_settings_are_refused(make_api):
    for config in ({"rate_limit": -1}, {"install": "dev"}, {"tier": "gold"}, {"gateway_timeout": 0}):
        with pytest.raises(ValueError):
            make_api(**config)


# -- gateway timeout -----------------------------------------------------------------------------------


def test_a_request_longer_than_the_gateway_allows_is_504_while_its_work_stands(api):
    api.client.post("/_emulator/faults", json={"method": "POST", "path": "/be/v1/apps", "duration": 61})
    response = api.post("/be/v1/apps", json={"name": "Slow", "label": ""})
    assert response.status_code == 504 and response.get_json() == {"code": 504, "message": "Gateway Timeout"}
    assert api.ok("GET", "/be/v1/apps/Slow")["app"]["name"] == "Slow"
    assert [entry["status"] for entry in log(api)] == [504, 200]
    api.client.post("/_emulator/faults", json={"path": "/be/v1/apps/Slow", "duration": 59})
    assert api.get("/be/v1/apps/Slow").status_code == 200


def test_the_gateway_answers_at_its_time_limit(make_api):
    api = make_api(gateway_timeout=0.2)
    api.client.post("/_emulator/faults", json={"method": "POST", "path": "/be/v1/roles", "delay": 30})
    started = time.monotonic()
    response = api.post("/be/v1/roles", json={"name": "Late"})
    assert response.status_code == 504 and time.monotonic() - started < 20
    assert api.ok("GET", "/be/v1/roles/Late")["role"]["name"] == "Late"
