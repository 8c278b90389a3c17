"""Emulator tests: every --variant differs from the API assumptions exactly as section 16 says, and only there."""

import email.utils
import os
import re
import time

import pytest

import edge_emulator
import emu_variants
from emu_testlib import ADMIN_TOKEN, ADMIN_TOKEN_HEADERS, error_of

DOCS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "docs",
                    "api-assumptions.md")
S3 = {"type": "s3", "endpoint": "s3.eu-central-1.example.com", "region": "eu-central-1", "bucket": "games",
      "credentials": {"accessKeyId": "AKIA1", "secretAccessKey": "s3cr3t"}}
WEBHOOK = {"name": "hook", "sender": "deploy", "events": ["end", "error"], "type": "webhook",
           "webhook": {"url": "https://hooks.example.com/x"}}


@pytest.fixture
def variant(make_api):
    """An emulator with the given variants (and the docs fixtures)."""
    def factory(*names, **config):
        return make_api(fixtures="docs", variants=names, **config)
    return factory


def test_list_variants_prints_one_name_per_line(capsys):
    assert edge_emulator.main(["--list-variants"]) == 0
    names = capsys.readouterr().out.splitlines()
    assert names == list(emu_variants.REGISTRY) and len(names) == 15


def test_the_variants_are_those_of_the_assumptions_page():
    with open(DOCS, encoding="utf-8") as handle:
        text = handle.read()
    section = text[text.index("## 16."):text.index("### 16.1")]
    outcomes = text[text.index("### 16.1"):text.index("## 17.")]
    documented = re.findall(r"^\| `([a-z-]+)` \| ([^|]+) \|", section, re.MULTILINE)
    assert [name for name, _differs in documented] == list(emu_variants.REGISTRY)
    assert re.findall(r"^\| `([a-z-]+)` \|", outcomes, re.MULTILINE) == list(emu_variants.REGISTRY)
    assert {name: differs.strip() for name, differs in documented} == {
        name: entry.differs for name, entry in emu_variants.REGISTRY.items()}


def test_variant_options(variant):
    with pytest.raises(SystemExit):
        edge_emulator.main(["--variant", "no-such-variant", "--port", "0"])
    args = edge_emulator.build_parser().parse_args(["--variant", "small-page-limit", "--variant", "no-firewall"])
    assert edge_emulator.config_from_args(args).variants == ("small-page-limit", "no-firewall")
    with pytest.raises(ValueError):
        variant("no-such-variant")
    settings = variant("small-page-limit", "no-firewall").client.get("/_emulator/settings").get_json()
    assert settings["variants"] == ["small-page-limit", "no-firewall"] and settings["firewall"] is False
    assert variant().client.get("/_emulator/settings").get_json()["variants"] == []


def test_task_list_minimal(variant):
    api = variant("task-list-minimal")
    tasks = api.ok("GET", "/be/v1/tasks")["tasks"]
    assert len(tasks) == 10 and all(set(task) == {"name", "service", "status"} for task in tasks)
    details = api.ok("GET", "/be/v1/tasks/%s" % tasks[0]["name"])["task"]
    assert details["appName"] == "Sushi" and details["taskGroup"] and details["step"] == "dltar"


def test_app_deployments_ignored(variant):
    api = variant("app-deployments-ignored")
    created = api.ok("POST", "/be/v1/apps", json={"name": "Ramen", "label": "", "deployments": ["gcore"]})["app"]
    assert created["deployments"] == []
    assert api.ok("PATCH", "/be/v1/apps", json={"name": "Ramen", "deployments": ["gcore"]})["app"]["deployments"] == []
    assert api.ok("GET", "/be/v1/apps/Ramen")["app"]["deployments"] == []
    error_of(api.post("/be/v1/apps", json={"name": "Udon", "label": "", "deployments": ["nope"]}), 400, "invalid-param")


def test_subscription_detail_records(variant):
    api = variant("subscription-detail-records")
    body = api.ok("GET", "/be/v1/subscriptions/deployWebhook")
    assert "subscription" not in body
    assert [(record["name"], record["event"]) for record in body["subscriptions"]] == [
        ("deployWebhook", "end"), ("deployWebhook", "error")]
    assert body["subscriptions"] == api.ok("GET", "/be/v1/subscriptions")["subscriptions"][3:5]


def test_user_roles_ignored(variant):
    api = variant("user-roles-ignored")
    api.ok("POST", "/be/v1/roles", json={"name": "Ops"})
    api.ok("POST", "/be/v1/users", json={"username": "ci_bot", "label": "CI", "roles": ["Administrators"]})
    answer = api.ok("PATCH", "/be/v1/users", json={"username": "ci_bot", "label": "new", "roles": ["Ops"]})["user"]
    assert answer["roles"] == ["Administrators"] and answer["label"] == "new"
    assert api.ok("GET", "/be/v1/users/ci_bot")["user"]["roles"] == ["Administrators"]


def test_deployment_patch_replaces_origin(variant):
    api = variant("deployment-patch-replaces-origin")
    api.ok("POST", "/be/v1/deployments", json={"name": "cdn", "origin": S3})
    answer = api.ok("PATCH", "/be/v1/deployments", json={"name": "cdn", "origin": {"bucket": "other"}})
    assert answer["deployment"]["origin"] == {"bucket": "other"}
    assert api.ok("GET", "/be/v1/deployments/cdn")["deployment"]["origin"] == {"bucket": "other"}


def test_role_patch_merges_permissions(variant):
    api = variant("role-patch-merges-permissions")
    api.ok("POST", "/be/v1/roles", json={"name": "Ops", "permissions": {"apps": 3, "roles": 15}})
    role = api.ok("PATCH", "/be/v1/roles", json={"name": "Ops", "permissions": {"apps": 1}})["role"]
    assert role["permissions"]["apps"] == 1 and role["permissions"]["roles"] == 15


def test_apikey_field_renamed(variant):
    api = variant("apikey-field-renamed")
    created = api.ok("POST", "/be/v1/users", json={"username": "ci_bot", "label": "CI", "roles": ["Administrators"]})
    assert "apiKey" not in created and created["key"] and created["apiKeyId"] and created["user"]
    headers = {"x-rockit-username": "ci_bot", "x-rockit-api-key": created["key"]}
    more = api.ok("POST", "/be/v1/apikeys", json={}, headers=headers)
    assert "apiKey" not in more and set(more) == {"status", "key", "apiKeyId", "username", "created"}


def test_subscription_secret_renamed(variant):
    api = variant("subscription-secret-renamed")
    created = api.ok("POST", "/be/v1/subscriptions", json=WEBHOOK)
    assert "secret" not in created and created["signingSecret"] and created["subscription"]["name"] == "hook"


def test_create_answer_status_only(variant):
    api = variant("create-answer-status-only", admin_token=ADMIN_TOKEN)
    assert api.ok("POST", "/be/v1/roles", json={"name": "Ops"}) == {"status": "success"}
    assert api.ok("POST", "/be/v1/apps", json={"name": "Ramen", "label": ""}) == {"status": "success"}
    assert api.ok("POST", "/be/v1/deployments", json={"name": "cdn", "origin": S3}) == {"status": "success"}
    assert set(api.ok("POST", "/be/v1/users", json={"username": "ci_bot", "label": "CI", "roles": []})) == {
        "status", "apiKey", "apiKeyId"}
    assert set(api.ok("POST", "/be/v1/subscriptions", json=WEBHOOK)) == {"status", "secret"}
    org = api.client.post("/adm/v1/orgs", headers=ADMIN_TOKEN_HEADERS,
                          json={"name": "NewOrg", "adminUser": "boss", "adminEmail": "boss@example.com"}).get_json()
    assert set(org) == {"status", "initialPassword"}
    assert set(api.ok("POST", "/be/v1/apikeys", json={})) == {"status", "apiKey", "apiKeyId", "username", "created"}
    assert api.ok("GET", "/be/v1/roles/Ops")["role"]["name"] == "Ops"  # the objects exist


def test_variants_combine(variant):
    api = variant("apikey-field-renamed", "create-answer-status-only")
    assert set(api.ok("POST", "/be/v1/users", json={"username": "ci_bot", "label": "CI", "roles": []})) == {
        "status", "key", "apiKeyId"}


def test_unknown_fields_ignored(variant):
    api = variant("unknown-fields-ignored")
    role = api.ok("POST", "/be/v1/roles", json={"name": "Ops", "lable": "typo", "permissions": {"apps": 2, "x": 1}})
    assert role["role"]["label"] == "" and "x" not in role["role"]["permissions"]
    deployment = api.ok("POST", "/be/v1/deployments", json={"name": "cdn", "origin": dict(S3, tier="hot")})
    assert "tier" not in deployment["deployment"]["origin"]
    error_of(api.get("/be/v1/roles", query={"unknown": 1}), 400, "invalid-param")  # query parameters still count
    error_of(api.post("/be/v1/roles", json={"label": "x"}), 400, "missing-param")


def test_not_found_without_name(variant):
    api = variant("not-found-without-name")
    for path in ("/be/v1/apps/Nope", "/be/v1/roles/Nope", "/be/v1/tasks/nope"):
        response = api.get(path)
        assert response.status_code == 404 and response.get_json() == {"message": "Not Found"}, path
    error_of(api.post("/be/v1/apps", json={"name": "Sushi", "label": ""}), 409, "already-exists")


def test_small_page_limit(variant):
    api = variant("small-page-limit")
    for index in range(105):
        api.ok("POST", "/be/v1/roles", json={"name": "Role_%03d" % index})
    body = api.ok("GET", "/be/v1/roles", query={"limit": 1000})
    assert len(body["roles"]) == 100 and body["totalCount"] == 106
    assert len(api.ok("GET", "/be/v1/roles", query={"limit": 50})["roles"]) == 50
    assert len(api.ok("GET", "/be/v1/roles", query={"limit": 1000, "offset": 100})["roles"]) == 6


def test_case_sensitive_names(variant):
    api = variant("case-sensitive-names")
    assert api.get("/be/v1/apps/Sushi").status_code == 200
    error_of(api.get("/be/v1/apps/sushi"), 404, "not-found")
    api.ok("POST", "/be/v1/apps", json={"name": "sushi", "label": "another app"})
    assert api.ok("GET", "/be/v1/apps")["totalCount"] == 2
    error_of(api.post("/be/v1/apps", json={"name": "Ramen", "label": "", "deployments": ["GCORE"]}), 400,
             "invalid-param")
    assert variant().get("/be/v1/apps/sushi").status_code == 200


def test_retry_after_date(variant):
    api = variant("retry-after-date", rate_limit=1)
    assert api.get("/be/v1/apps").status_code == 200
    before = time.time()
    response = api.get("/be/v1/apps")
    assert response.status_code == 429
    when = email.utils.parsedate_to_datetime(response.headers["Retry-After"]).timestamp()
    assert before - 1 <= when <= time.time() + 2
    api.client.post("/_emulator/faults", json={"path": "/be/v1/roles", "status": 503})
    api.advance(1)
    answer = api.get("/be/v1/roles")
    assert answer.status_code == 503 and email.utils.parsedate_to_datetime(answer.headers["Retry-After"])


def test_no_firewall(variant):
    api = variant("no-firewall")
    assert api.get("/be/v1/apps", headers={"Accept": None}).status_code == 200
    error_of(api.get("/be/v1/nothing"), 404, "not-found")
    firewall = variant()
    assert firewall.get("/be/v1/nothing").get_json() == {"code": 404, "message": "Not Found"}
