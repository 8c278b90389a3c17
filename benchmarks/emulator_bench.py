"""Benchmark of the ROCKIT Edge emulator (not a test).

Starts ``tests/emulator/edge_emulator.py`` as a real process on 127.0.0.1 (``--port 0``), creates
COUNT objects in every collection (roles, users, apps, deployments, subscriptions; tasks through
builds), then times REQUESTS mixed requests (read one, list with limit 10 and 100, PATCH) over one
keep-alive ``requests.Session`` (``trust_env`` off: no proxy or netrc look-ups per request) and
prints the median, p90 and p99 latency in milliseconds, as seen by the client.

    python benchmarks/emulator_bench.py [--count 500] [--requests 2000] [--seed 1]
"""

import argparse
import os
import random
import subprocess
import sys
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EMULATOR = os.path.join(ROOT, "tests", "emulator", "edge_emulator.py")
HEADERS = {"Accept": "application/json", "x-rockit-orgname": "ExampleOrg", "x-rockit-username": "adminPrincipal",
           "x-rockit-api-key": "rockit-demo-api-key"}
COLLECTIONS = ("roles", "users", "apps", "deployments", "subscriptions", "tasks")


def start() -> tuple[subprocess.Popen, str]:
    """The emulator process and its base URL."""
    proc = subprocess.Popen([sys.executable, EMULATOR, "--host", "127.0.0.1", "--port", "0", "--quiet",
                             "--step-seconds", "0", "--admin-api-key", "rockit-demo-api-key"],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith("listening on "):
        proc.kill()
        raise SystemExit("the emulator did not start: %r" % line)
    return proc, line.split("listening on ", 1)[1]


def populate(session: requests.Session, url: str, count: int) -> dict:
    """COUNT objects per collection; returns their names by collection."""
    def post(path, body):
        response = session.post(url + path, json=body)
        response.raise_for_status()
        return response.json()

    names: dict = {name: [] for name in COLLECTIONS}
    for index in range(count):
        role = "Role_%04d" % index
        post("/be/v1/roles", {"name": role, "label": "bench", "permissions": {"apps": index % 16}})
        names["roles"].append(role)
        user = "user_%04d" % index
        post("/be/v1/users", {"username": user, "label": "bench", "roles": [role]})
        names["users"].append(user)
        deployment = "cdn_%04d" % index
        post("/be/v1/deployments", {"name": deployment, "originPrefix": "bench", "origin": {
            "type": "s3", "endpoint": "s3.eu-central-1.example.com", "region": "eu-central-1", "bucket": "games",
            "credentials": {"accessKeyId": "AKIA", "secretAccessKey": "secret"}}})
        names["deployments"].append(deployment)
        app = "App_%04d" % index
        post("/be/v1/apps", {"name": app, "label": "bench", "deployments": [deployment]})
        names["apps"].append(app)
        subscription = "sub_%04d" % index
        post("/be/v1/subscriptions", {"name": subscription, "sender": "deploy", "events": ["end"],
                                      "type": "webhook", "webhook": {"url": "https://hooks.example.com/%d" % index}})
        names["subscriptions"].append(subscription)
    # builds with --step-seconds 0 run their whole pipeline on the next request: 5 tasks each
    for app in names["apps"][:max(1, count // 5)]:
        post("/be/v1/builds", {"appName": app, "url": "https://downloads.example.com/%s.tar" % app})
    tasks = session.get(url + "/be/v1/tasks", params={"limit": 1000}).json()
    names["tasks"] = [task["name"] for task in tasks["tasks"]]
    return names


def requests_mix(names: dict, total: int, rng: random.Random) -> list[tuple[str, str, str, dict | None, dict | None]]:
    """(kind, method, path, query, body) for TOTAL requests: 40% read one, 40% lists, 20% PATCH."""
    patchable = {"roles": lambda name: {"name": name, "label": "changed %d" % rng.randint(0, 99)},
                 "users": lambda name: {"username": name, "label": "changed %d" % rng.randint(0, 99)},
                 "apps": lambda name: {"name": name, "label": "changed %d" % rng.randint(0, 99)},
                 "deployments": lambda name: {"name": name, "originPrefix": "p%d" % rng.randint(0, 99)}}
    mix = []
    for _index in range(total):
        draw = rng.random()
        collection = rng.choice(COLLECTIONS)
        if draw < 0.4:
            mix.append(("get one", "GET", "/be/v1/%s/%s" % (collection, rng.choice(names[collection])), None, None))
        elif draw < 0.6:
            mix.append(("list 10", "GET", "/be/v1/" + collection, {"limit": 10, "offset": rng.randint(0, 400)}, None))
        elif draw < 0.8:
            mix.append(("list 100", "GET", "/be/v1/" + collection, {"limit": 100, "order[]": "-name"}, None))
        else:
            collection = rng.choice(sorted(patchable))
            mix.append(("patch", "PATCH", "/be/v1/" + collection, None,
                        patchable[collection](rng.choice(names[collection]))))
    return mix


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of sorted values."""
    return values[min(len(values) - 1, max(0, int(round(fraction * len(values) + 0.5)) - 1))]


def main(argv=None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--count", type=int, default=500, help="objects per collection (default 500)")
    parser.add_argument("--requests", type=int, default=2000, help="measured requests (default 2000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    proc, url = start()
    try:
        session = requests.Session()
        session.trust_env = False  # no proxy / netrc lookups from the environment on every request
        session.headers.update(HEADERS)
        started = time.perf_counter()
        names = populate(session, url, args.count)
        print("populated %d objects per collection (%d tasks) in %.1f s" % (
            args.count, len(names["tasks"]), time.perf_counter() - started))
        mix = requests_mix(names, args.requests, random.Random(args.seed))
        for kind, method, path, query, body in mix[:50]:  # warm-up
            session.request(method, url + path, params=query, json=body)
        session.delete(url + "/_emulator/requests")
        timings: dict = {}
        for kind, method, path, query, body in mix:
            begin = time.perf_counter()
            response = session.request(method, url + path, params=query, json=body)
            elapsed = (time.perf_counter() - begin) * 1000
            if response.status_code != 200:
                raise SystemExit("%s %s -> %d %s" % (method, path, response.status_code, response.text[:200]))
            timings.setdefault(kind, []).append(elapsed)
        everything = sorted(value for values in timings.values() for value in values)
        print("%-9s %6s %8s %8s %8s" % ("requests", "n", "median", "p90", "p99"))
        for kind in sorted(timings) + ["all"]:
            values = everything if kind == "all" else sorted(timings[kind])
            print("%-9s %6d %7.2fms %7.2fms %7.2fms" % (kind, len(values), percentile(values, 0.5),
                                                        percentile(values, 0.9), percentile(values, 0.99)))
        served = sorted(entry["duration_ms"] for entry in session.get(url + "/_emulator/requests").json()["requests"])
        print("%-9s %6d %7.2fms %7.2fms %7.2fms   (inside the server, from the request log)" % (
            "server", len(served), percentile(served, 0.5), percentile(served, 0.9), percentile(served, 0.99)))
    finally:
        proc.terminate()
        proc.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
