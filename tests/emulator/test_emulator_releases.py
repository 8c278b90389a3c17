"""Emulator tests: what --release changes (login flow era, routes)."""

import pytest

import edge_emulator
from emu_testlib import ADMIN, ORG, PASSWORD, error_of

STEP1 = {"username": ADMIN, "password": PASSWORD}
SESSION = {"orgName": ORG, "username": ADMIN, "password": PASSWORD}


@pytest.mark.parametrize("release", [141, 150, 152])
def test_2025_flow_only_before_153(make_api, release):
    api = make_api(release=release)
    # the 2026 first step is answered with missing-param orgName: the client's cue to use the 2025 flow
    body = error_of(api.post("/be/v1/login", json=STEP1, auth=False), 400, "missing-param")
    assert body["param"] == "orgName"
    error_of(api.post("/be/v1/login", json={"orgName": ORG, "orgSelectionToken": "x"}, auth=False), 400,
             "invalid-param")
    session = api.ok("POST", "/be/v1/login", json=SESSION, auth=False)
    assert set(session) == {"status", "sessionToken", "expiresIn", "permissions"}
    beauth = api.ok("POST", "/be/v1/auth", auth=False, headers={"x-rockit-besession-token": session["sessionToken"]})
    headers = {"Accept": "application/json", "x-rockit-beauth-token": beauth["beauthToken"]}
    assert api.get("/be/v1/apps", auth=False, headers=headers).status_code == 200
    for path in ("/be/v1/refresh", "/be/v1/logout"):
        assert api.post(path, json={}, auth=False, headers=headers).status_code == 404, path
    assert api.get("/be/v1/apps").status_code == 200  # API keys work in every release


@pytest.mark.parametrize("release", [153, 155, 159])
def test_2026_flow_only_from_153(make_api, release):
    api = make_api(release=release)
    body = error_of(api.post("/be/v1/login", json=SESSION, auth=False), 400, "invalid-param")
    assert body["param"] == "orgName"
    step1 = api.ok("POST", "/be/v1/login", json=STEP1, auth=False)
    tokens = api.ok("POST", "/be/v1/login", json={"orgName": ORG, "orgSelectionToken": step1["orgSelectionToken"]},
                    auth=False)
    headers = {"Accept": "application/json", "x-rockit-beauth-token": tokens["accessToken"]}
    assert api.get("/be/v1/apps", auth=False, headers=headers).status_code == 200
    assert api.post("/be/v1/auth", auth=False, headers={"x-rockit-besession-token": "x"}).status_code == 404
    api.ok("POST", "/be/v1/logout", json={}, auth=False, headers={"x-rockit-refresh-token": tokens["refreshToken"]})
    error_of(api.get("/be/v1/apps", auth=False, headers=headers), 401, "unauthorized")


def test_release_bounds():
    for release in (140, 160):
        with pytest.raises(ValueError):
            edge_emulator.create_app({"release": release, "quiet": True})
    with pytest.raises(SystemExit):
        edge_emulator.build_parser().parse_args(["--release", "160"])
    assert edge_emulator.build_parser().parse_args([]).release == 159
