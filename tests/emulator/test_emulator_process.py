"""Emulator tests: the real process (command line, --port 0, --db restart, HTTPS)."""

import os
import re
import shutil
import signal
import subprocess
import sys

import pytest
import requests

from emu_testlib import ADMIN_HEADERS, API_KEY

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "edge_emulator.py")
pytestmark = pytest.mark.slow


class Process:
    """The emulator as a child process."""

    def __init__(self, *args, cwd=None) -> None:
        self.proc = subprocess.Popen([sys.executable, SCRIPT, "--host", "127.0.0.1", "--port", "0",
                                      "--admin-api-key", API_KEY, *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd)
        self.line = self.proc.stdout.readline()
        assert self.line.startswith("listening on "), (self.line, self.proc.stderr.read())
        self.url = self.line.strip().split("listening on ", 1)[1]

    def stop(self) -> tuple[str, str]:
        """SIGTERM; returns the rest of stdout and stderr."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        out, err = self.proc.communicate(timeout=10)
        return out, err


@pytest.fixture
def processes():
    """Start emulator processes; stop them at the end."""
    started = []

    def start(*args, cwd=None) -> Process:
        process = Process(*args, cwd=cwd)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.proc.poll() is None:
            process.proc.kill()
            process.proc.communicate()


def test_port_0_prints_exactly_one_line(processes, tmp_path):
    process = processes("--fixtures", "docs", cwd=str(tmp_path))
    assert re.fullmatch(r"listening on http://127\.0\.0\.1:\d+\n", process.line)
    session = requests.Session()
    session.headers.update(ADMIN_HEADERS)
    for _attempt in range(3):
        assert session.get(process.url + "/be/v1/tasks").json()["totalCount"] == 13
    assert session.get(process.url + "/be/v1/nothing").status_code == 404
    out, err = process.stop()
    assert out == "" and err == ""
    assert process.proc.returncode == 0


def test_help_documents_every_option():
    result = subprocess.run([sys.executable, SCRIPT, "--help"], capture_output=True, text=True, check=True)
    for option in ("--host", "--port", "--org", "--admin-user", "--admin-api-key", "--admin-password", "--db",
                   "--fixtures", "--no-control", "--no-require-accept", "--session-ttl", "--auth-ttl",
                   "--orgsel-ttl", "--access-ttl", "--refresh-ttl", "--step-seconds", "--clock-speed",
                   "--latency-ms", "--tls-cert", "--tls-key", "--quiet", "--start-time", "--admin-token", "--release",
                   "--install", "--tier", "--rate-limit", "--gateway-timeout", "--variant", "--list-variants"):
        assert option in result.stdout, option
    assert "default: 8765" in result.stdout and "default: ExampleOrg" in result.stdout


def test_state_survives_a_restart(processes, tmp_path):
    db = str(tmp_path / "edge.sqlite")
    first = processes("--db", db, "--fixtures", "docs", "--step-seconds", "2")
    session = requests.Session()
    session.headers.update(ADMIN_HEADERS)
    assert session.post(first.url + "/be/v1/roles", json={"name": "Keeper", "permissions": {"apps": 3}}).ok
    assert session.post(first.url + "/be/v1/apps", json={"name": "Kept", "label": "still here"}).ok
    assert session.post(first.url + "/be/v1/builds", json={"appName": "Kept", "url": "http://a.example/b.tar"}).ok
    key = session.post(first.url + "/be/v1/users", json={"username": "bot", "label": "b", "roles": ["Keeper"]})
    api_key = key.json()["apiKey"]
    clock = session.post(first.url + "/_emulator/clock", json={"advance": 86400}).json()
    first.stop()
    second = processes("--db", db, "--fixtures", "docs", "--step-seconds", "2")
    assert session.get(second.url + "/be/v1/apps/Kept").json()["app"]["label"] == "still here"
    assert session.get(second.url + "/be/v1/roles/Keeper").json()["role"]["permissions"]["apps"] == 3
    assert session.get(second.url + "/be/v1/apps").json()["totalCount"] == 2  # fixtures not loaded twice
    assert session.get(second.url + "/_emulator/clock").json()["epoch"] >= clock["epoch"]
    bot = dict(ADMIN_HEADERS, **{"x-rockit-username": "bot", "x-rockit-api-key": api_key})
    assert requests.get(second.url + "/be/v1/apps/Kept", headers=bot).status_code == 200
    # the build started before the restart goes on
    session.post(second.url + "/_emulator/clock", json={"advance": 60})
    tasks = session.get(second.url + "/be/v1/tasks", params={"appName": "Kept"}).json()["tasks"]
    assert [task["status"] for task in tasks] == ["done"] * 5
    assert session.get(second.url + "/be/v1/apps/Kept").json()["app"]["iCurBuild"] == 1


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_https(processes, tmp_path):
    cert, key = str(tmp_path / "cert.pem"), str(tmp_path / "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    process = processes("--tls-cert", cert, "--tls-key", key)
    assert process.url.startswith("https://127.0.0.1:")
    response = requests.get(process.url + "/be/v1/apps", headers=ADMIN_HEADERS, verify=cert)
    assert response.status_code == 200
    upload = requests.post(process.url + "/be/v1/apps", headers=ADMIN_HEADERS, verify=cert,
                           json={"name": "Secure", "label": ""})
    assert upload.status_code == 200
    build = requests.post(process.url + "/be/v1/builds", headers=ADMIN_HEADERS, verify=cert,
                          json={"appName": "Secure"}).json()
    assert build["uploadUrl"].startswith("https://")
