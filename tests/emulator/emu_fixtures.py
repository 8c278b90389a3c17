"""The ``--fixtures docs`` data set: the objects shown in the ROCKIT Edge documentation examples.

The deployment ``gcore``, the app ``Sushi`` of the App Details page, the thirteen tasks behind the
Listing Tasks example (the ten shown plus three created later) and the three subscriptions behind
the five records of the List Subscriptions example.
"""

from emu_core import parse_datetime
from emu_pipeline import STEP_SERVICE, STEP_TASK_TYPE

SUSHI_FILES = {
    "dxf": [
        {"name": "app.json", "size": 685, "md5": "7cd715cdcabf2feb58f12e08c4b5fb74"},
        {"name": "img.json", "size": 204, "md5": "8d92dcf7ced29815e07bee58e9b983bb"},
        {"name": "img.idx.7z", "size": 12696, "md5": "4a3df23e6a37b03936979d6bb144d1c1"},
        {"name": "img.dxf", "size": 166711296, "md5": "ddfddf0f2a7ba167299d96a23d34a73b"},
    ],
    "patches": {
        "0001-0003": [
            {"name": "app.json", "size": 476, "md5": "d663daa2926b3b1d2be62c42c9551e55"},
            {"name": "img.json", "size": 204, "md5": "8d92dcf7ced29815e07bee58e9b983bb"},
            {"name": "map.7z", "size": 12643, "md5": "7d1206cde916d119d7aa32daee2a667a"},
            {"name": "patch.7z", "size": 254, "md5": "99560e8d5bf1f632b3ae5f705f13b17c"},
            {"name": "patch.json", "size": 356, "md5": "a00974f7a83ebd911bebf17f9d8bd615"},
            {"name": "patch.data", "size": 353, "md5": "e94a95aa7d1aa4008f7021a503dc2011"},
        ],
        "0002-0003": [
            {"name": "app.json", "size": 476, "md5": "d663daa2926b3b1d2be62c42c9551e55"},
            {"name": "img.json", "size": 204, "md5": "8d92dcf7ced29815e07bee58e9b983bb"},
            {"name": "map.7z", "size": 12643, "md5": "75f6538edd9e5761a0c5ac684b7f60af"},
            {"name": "patch.7z", "size": 253, "md5": "15b5b0bb5ade3bd25c8e2d92eb7cd478"},
            {"name": "patch.json", "size": 356, "md5": "38e42f3b7cbd3ad030c9f16ce525b31c"},
            {"name": "patch.data", "size": 368, "md5": "4bff49016fb290453454b3e928c8f17a"},
        ],
    },
}

# (build, epoch, step, status); the first ten are the Listing Tasks example in its order.
SUSHI_TASKS = (
    (1, 1732886919, "dltar", "done"),
    (1, 1732887061, "mkraw", "done"),
    (1, 1732887229, "mkdxf", "done"),
    (1, 1732887357, "publish", "done"),
    (1, 1732887364, "deploy", "done"),
    (2, 1733149403, "dltar", "pending"),
    (2, 1733154780, "dltar", "done"),
    (2, 1733154909, "mkraw", "done"),
    (2, 1733155066, "mkpat", "done"),
    (2, 1733155262, "mkdxf", "done"),
    (2, 1733155391, "publish", "done"),
    (2, 1733155398, "deploy", "done"),
    (3, 1733846412, "deploy", "done"),
)

# (name, sender, events, type, target), in the order of the List Subscriptions example.
SUBSCRIPTIONS = (
    ("deploySlack", "deploy", ["end"], "slack", {"channelId": "#rockitplay-events"}),
    ("dltarWebhook", "dltar", ["error", "exception"], "webhook", {"url": "http://example.com/webhook"}),
    ("deployWebhook", "deploy", ["end", "error"], "webhook", {"url": "http://example.com/webhook"}),
)


def _epoch(text: str) -> float:
    return parse_datetime(text)


def load_docs(state, org: str) -> None:
    """Put the documentation examples into an organisation."""
    store = state.store
    org_name = state.org_name(org).lower()
    created = _epoch("2024-11-28T09:00:00Z")
    store.put(org, "deployment", "gcore", {
        "name": "gcore", "originPrefix": "rockit",
        "origin": {"type": "s3", "endpoint": "s3.eu-central-1.example.com", "region": "eu-central-1",
                   "bucket": "games"},
        "downloadAuth": {"type": "gcore"}, "status": "ok", "message": "", "created": created, "updated": created,
        "_credentials": {"accessKeyId": "EXAMPLEACCESSKEY", "secretAccessKey": "example-secret-key"},
        "_downloadKey": "example-download-key"})
    store.put(org, "app", "Sushi", {
        "name": "Sushi", "label": "Sushibar: All you can feed", "maxBuilds": 3, "deployments": ["gcore"],
        "dxfName": "b1e0efe3-3415-45ea-afa5-290c76ef3c4c", "iCurBuild": 3, "processing": False, "exporting": False,
        "deployed": ["gcore"], "files": SUSHI_FILES, "sizeBytes": 166724585, "status": "ok", "_message": "",
        "created": _epoch("2024-11-29T13:20:00Z"), "updated": float(SUSHI_TASKS[-1][1]),
        "_lastBuild": 3, "_kept": [1, 2, 3]})
    for build, epoch, step, status in SUSHI_TASKS:
        name = "%s-sushi-%04d-%d-%s" % (org_name, build, epoch, step)
        store.put(org, "task", name, {
            "name": name, "service": STEP_SERVICE.get(step, "engine"), "status": status, "appName": "Sushi",
            "taskType": STEP_TASK_TYPE.get(step, "build"), "taskGroup": "%s-sushi-%04d" % (org_name, build),
            "created": epoch, "step": step, "build": build, "acknowledged": False, "expired": False, "warning": "",
            "message": "Waiting for the upload of the build." if status == "pending" else "",
            "updated": float(epoch if status == "pending" else epoch + 4), "_t0": None})
    for index, (name, sender, events, kind, target) in enumerate(SUBSCRIPTIONS):
        moment = _epoch("2024-11-28T10:00:00Z") + 60 * index
        store.put(org, "subscription", name, {
            "name": name, "sender": sender, "events": events, "type": kind, kind: target, "created": moment,
            "updated": moment, "_secret": "fixture-secret-%s" % name.lower()})
