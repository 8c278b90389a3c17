"""Emulator tests: the field constraints of docs/api-assumptions.md ("Field constraints") are enforced.

Each documented limit is refused one step past it (``400 invalid-param`` naming the field) and accepted
at it. The collection checks the same limits before it sends anything (its constraint tables); the
emulator keeps its own copy in its schemas.
"""

import pytest

from emu_testlib import error_of

S3 = {"type": "s3", "endpoint": "s3.eu-central-1.example.com", "region": "eu-central-1", "bucket": "games",
      "credentials": {"accessKeyId": "AKIA1", "secretAccessKey": "s3cr3t"}}
NETSTORAGE = {"type": "netstorage", "endpoint": "ns.example.com", "credentials": {"keyName": "kn", "key": "k"}}
HUMAN = {"username": "jdoe", "email": "jdoe@example.com", "firstname": "Jane", "surname": "Doe", "roles": []}
HOOK = {"name": "hook", "sender": "deploy", "events": ["end"], "type": "webhook"}


def origin(**changes):
    return dict(S3, **changes)


# (case, path, body that is refused, the parameter named, body that is accepted at the limit)
CASES = [
    ("role label", "/be/v1/roles", {"name": "R1", "label": "x" * 257}, "label", {"name": "R1", "label": "x" * 256}),
    ("app label", "/be/v1/apps", {"name": "A1", "label": "x" * 257}, "label", {"name": "A1", "label": "x" * 256}),
    ("machine label", "/be/v1/users", {"username": "m1", "label": "", "roles": []}, "label",
     {"username": "m1", "label": "x" * 256, "roles": []}),
    ("first name", "/be/v1/users", dict(HUMAN, firstname="x" * 101), "firstname", dict(HUMAN, firstname="x" * 100)),
    ("title", "/be/v1/users", dict(HUMAN, title="x" * 101), "title", dict(HUMAN, title="x" * 100)),
    ("short password", "/be/v1/users", dict(HUMAN, password="x" * 7), "password", dict(HUMAN, password="x" * 8)),
    ("long password", "/be/v1/users", dict(HUMAN, password="x" * 129), "password", dict(HUMAN, password="x" * 128)),
    ("bucket", "/be/v1/deployments", {"name": "d1", "origin": origin(bucket="b")}, "origin.bucket",
     {"name": "d1", "origin": origin(bucket="abc")}),
    ("bucket end", "/be/v1/deployments", {"name": "d1", "origin": origin(bucket="games-")}, "origin.bucket",
     {"name": "d1", "origin": origin(bucket="games-1")}),
    ("prefix", "/be/v1/deployments", {"name": "d1", "originPrefix": "a b", "origin": S3}, "originPrefix",
     {"name": "d1", "originPrefix": "a/b_c.d-e", "origin": S3}),
    ("key name", "/be/v1/deployments", {"name": "d1", "origin": dict(NETSTORAGE, credentials={"keyName": "", "key": "k"})},
     "origin.credentials.keyName", {"name": "d1", "origin": NETSTORAGE}),
    ("endpoint port", "/be/v1/deployments", {"name": "d1", "origin": origin(endpoint="s3.eu-central-1.example.com:443")},
     "origin.endpoint", {"name": "d1", "origin": S3}),
    ("webhook credentials", "/be/v1/subscriptions", dict(HOOK, webhook={"url": "https://u:p@hooks.example.com/x"}), "webhook.url",
     dict(HOOK, webhook={"url": "https://hooks.example.com/x"})),
    ("webhook port", "/be/v1/subscriptions", dict(HOOK, webhook={"url": "https://hooks.example.com:123456/x"}), "webhook.url",
     dict(HOOK, webhook={"url": "https://hooks.example.com:65535/x"})),
    ("webhook port 65536", "/be/v1/subscriptions", dict(HOOK, webhook={"url": "https://hooks.example.com:65536/x"}), "webhook.url",
     dict(HOOK, webhook={"url": "https://hooks.example.com:1/x"})),
    ("webhook port 0", "/be/v1/subscriptions", dict(HOOK, webhook={"url": "https://hooks.example.com:0/x"}), "webhook.url",
     dict(HOOK, webhook={"url": "http://192.0.2.10:8080/x"})),
    ("webhook IPv6", "/be/v1/subscriptions", dict(HOOK, webhook={"url": "https://[2001:db8::1]/x"}), "webhook.url",
     dict(HOOK, webhook={"url": "https://hooks.example.com/x?a=b#c"})),
]


@pytest.mark.parametrize("case, path, bad, param, good", CASES, ids=[c[0] for c in CASES])
def test_documented_limits(api, case, path, bad, param, good):  # pylint: disable=unused-argument
    body = error_of(api.post(path, json=bad), 400, "invalid-param")
    assert body["param"] == param, body
    api.ok("POST", path, json=good)


def test_patches_keep_the_limits(api):
    api.ok("POST", "/be/v1/users", json={"username": "m1", "label": "bot", "roles": []})
    assert error_of(api.patch("/be/v1/users", json={"username": "m1", "label": ""}), 400, "invalid-param")["param"] == "label"
    api.ok("POST", "/be/v1/deployments", json={"name": "d1", "origin": S3})
    assert error_of(api.patch("/be/v1/deployments", json={"name": "d1", "origin": {"bucket": "b"}}), 400,
                    "invalid-param")["param"] == "origin.bucket"
