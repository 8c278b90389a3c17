"""Emulator tests: Get Deployments filters, deployment status, an app's error state after a failed deploy."""

from emu_testlib import error_of

BROKEN = "s3.eu-central-1.broken.invalid"
GOOD = "s3.eu-central-1.example.com"


def deployment(api, name, endpoint=GOOD):
    """An s3 deployment."""
    return api.ok("POST", "/be/v1/deployments", json={"name": name, "origin": {
        "type": "s3", "endpoint": endpoint, "region": "eu-central-1", "bucket": "games",
        "credentials": {"accessKeyId": "AKIA1", "secretAccessKey": "s3cr3t"}}})["deployment"]


def build(api, app, seconds=60):
    """Import a build of APP and let its pipeline run; returns its tasks."""
    api.ok("POST", "/be/v1/builds", json={"appName": app, "url": "https://downloads.example.com/%s.tar" % app})
    api.advance(seconds)
    return api.ok("GET", "/be/v1/tasks", query={"appName": app, "limit": 100})["tasks"]


def names(body, key="deployments"):
    return [item["name"] for item in body[key]]


def test_get_deployments_filters(api):
    for name in ("Gcore_EU", "gcore_us", "akamai"):
        deployment(api, name)
    body = api.ok("GET", "/be/v1/deployments", query={"name": "GCORE"})
    assert names(body) == ["Gcore_EU", "gcore_us"] and body["totalCount"] == 2
    body = api.ok("GET", "/be/v1/deployments", query={"name": "core", "limit": 1, "order[]": "-name"})
    assert names(body) == ["gcore_us"] and body["totalCount"] == 2
    assert api.ok("GET", "/be/v1/deployments", query={"status": "ok"})["totalCount"] == 3
    assert api.ok("GET", "/be/v1/deployments", query={"status": "error"}) == {
        "status": "success", "totalCount": 0, "deployments": []}
    assert api.ok("GET", "/be/v1/deployments", query={"name": ""})["totalCount"] == 3
    assert error_of(api.get("/be/v1/deployments", query={"status": "broken"}), 400, "invalid-param")["param"] == "status"


def test_a_failed_deploy_puts_the_app_and_the_deployment_in_error_until_fixed_and_retried(api):
    deployment(api, "cdn_ok")
    deployment(api, "cdn_bad", BROKEN)
    api.ok("POST", "/be/v1/apps", json={"name": "Ramen", "label": "", "deployments": ["cdn_ok", "cdn_bad"]})
    assert api.ok("GET", "/be/v1/apps/Ramen")["message"] == ""
    tasks = build(api, "Ramen")
    assert [(task["name"].rsplit("-", 1)[1], task["status"]) for task in tasks] == [
        ("dltar", "done"), ("mkraw", "done"), ("mkdxf", "done"), ("publish", "done"), ("deploy", "failed")]
    failed = api.ok("GET", "/be/v1/tasks/%s" % tasks[-1]["name"])["task"]
    assert "cdn_bad" in failed["message"] and BROKEN in failed["message"]
    details = api.ok("GET", "/be/v1/apps/Ramen")
    assert details["app"]["status"] == "error" and details["message"] == failed["message"]
    assert details["app"]["processing"] is False and details["app"]["iCurBuild"] == 0
    assert details["app"]["deployed"] == []
    assert api.ok("GET", "/be/v1/apps", query={"fields[]": "status"})["apps"] == [{"name": "Ramen", "status": "error"}]
    bad = api.ok("GET", "/be/v1/deployments/cdn_bad")["deployment"]
    assert bad["status"] == "error" and BROKEN in bad["message"]
    assert api.ok("GET", "/be/v1/deployments/cdn_ok")["deployment"]["status"] == "ok"
    assert names(api.ok("GET", "/be/v1/deployments", query={"status": "error"})) == ["cdn_bad"]
    # a retry without a fix fails again
    retried = api.ok("POST", "/be/v1/trigger", json={"action": "retry", "taskName": failed["name"]})["task"]
    api.advance(10)
    assert api.ok("GET", "/be/v1/tasks/%s" % retried["name"])["task"]["status"] == "failed"
    assert api.ok("GET", "/be/v1/apps/Ramen")["app"]["status"] == "error"
    # fix the deployment, retry the failed task: the error clears
    api.ok("PATCH", "/be/v1/deployments", json={"name": "cdn_bad", "origin": {"endpoint": GOOD}})
    assert api.ok("GET", "/be/v1/apps/Ramen")["app"]["status"] == "error"  # until a deploy succeeds
    again = api.ok("POST", "/be/v1/trigger", json={"action": "retry", "taskName": retried["name"]})["task"]
    api.advance(10)
    assert api.ok("GET", "/be/v1/tasks/%s" % again["name"])["task"]["status"] == "done"
    details = api.ok("GET", "/be/v1/apps/Ramen")
    assert details["app"]["status"] == "ok" and details["message"] == ""
    assert details["app"]["iCurBuild"] == 1 and details["app"]["deployed"] == ["cdn_ok", "cdn_bad"]
    assert api.ok("GET", "/be/v1/deployments/cdn_bad")["deployment"]["message"] == ""
    assert api.ok("GET", "/be/v1/deployments", query={"status": "error"})["totalCount"] == 0


def test_an_app_registered_nowhere_deploys_everywhere_and_fails_on_any_broken_deployment(api):
    deployment(api, "cdn_ok")
    deployment(api, "cdn_bad", BROKEN)
    api.ok("POST", "/be/v1/apps", json={"name": "Udon", "label": ""})
    assert build(api, "Udon")[-1]["status"] == "failed"
    assert api.ok("GET", "/be/v1/apps/Udon")["app"]["status"] == "error"
    # a new build after the fix clears the error as well
    api.ok("DELETE", "/be/v1/deployments/cdn_bad")
    assert build(api, "Udon")[-1]["status"] == "done"
    details = api.ok("GET", "/be/v1/apps/Udon")
    assert details["app"]["status"] == "ok" and details["app"]["iCurBuild"] == 2 and details["message"] == ""


def test_a_failed_download_is_no_app_error(api):
    api.ok("POST", "/be/v1/apps", json={"name": "Soba", "label": ""})
    api.ok("POST", "/be/v1/builds", json={"appName": "Soba", "url": "https://nowhere.invalid/soba.tar"})
    api.advance(10)
    assert api.ok("GET", "/be/v1/tasks", query={"appName": "Soba"})["tasks"][0]["status"] == "failed"
    assert api.ok("GET", "/be/v1/apps/Soba")["app"]["status"] == "ok"
