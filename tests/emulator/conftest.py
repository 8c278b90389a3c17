"""pytest fixtures of the ROCKIT Edge emulator tests.

``make_api(**config)`` builds an in-process emulator (Flask test client) with a frozen clock that
only moves when a test advances it, so every run is deterministic.  ``live`` serves an emulator
on a real socket in a thread, for the tests that need TCP (dropped connections, keep-alive).
"""

import os
import sys
import threading

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

# pylint: disable=wrong-import-position
import edge_emulator  # noqa: E402
from emu_testlib import API_KEY, START_EPOCH, Api  # noqa: E402


def pytest_configure(config):
    """Register the marker of the slower tests (``-m "not slow"`` skips them)."""
    config.addinivalue_line("markers", "slow: slower emulator tests (real processes, property-based runs)")


@pytest.fixture
def make_api():
    """Build an in-process emulator with a frozen clock (``clock_speed=0``) starting at START.

    The primary administrator holds the API key ``API_KEY`` (``--admin-api-key``) unless a test
    passes ``admin_api_key=None``.
    """
    def factory(**config) -> Api:
        settings = {"quiet": True, "clock_speed": 0.0, "start_time": START_EPOCH, "admin_api_key": API_KEY}
        settings.update(config)
        return Api(edge_emulator.create_app(settings))
    return factory


@pytest.fixture
def api(make_api) -> Api:
    """An emulator without fixtures."""
    return make_api()


@pytest.fixture
def docs_api(make_api) -> Api:
    """An emulator with ``--fixtures docs``."""
    return make_api(fixtures="docs")


@pytest.fixture
def live():
    """An emulator on a real socket (port 0) served by a thread; yields (base URL, app)."""
    servers = []

    def factory(**config):
        settings = {"quiet": True, "port": 0, "host": "127.0.0.1", "admin_api_key": API_KEY}
        settings.update(config)
        app = edge_emulator.create_app(settings)
        server = edge_emulator.make_http_server(app)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        servers.append(server)
        return server.emulator_url, app

    yield factory
    for server in servers:
        server.shutdown()
        server.server_close()
