"""Unit-test helpers: a scripted HTTP transport for the client, so tests assert the exact requests.

The unit tests run under pytest (``make test``, ``make quick``) and under ``ansible-test units`` on a staged
copy of the collection; the shared helpers of ``tests/tools`` (module_runner, task_payloads) are put on
``sys.path`` here for both.
"""
import json
import os
import sys
import threading

import pytest
import requests
from requests.adapters import BaseAdapter
from requests.models import Response

TOOLS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'tools')
if TOOLS not in sys.path:
    sys.path.insert(0, TOOLS)


class FakeEdge(BaseAdapter):
    """A requests transport that answers from a script and records every request."""

    def __init__(self):
        super(FakeEdge, self).__init__()
        self.routes = []
        self.calls = []
        self.lock = threading.Lock()   # objects applied side by side send from several threads

    def add(self, method, path, status=200, body=None, headers=None, raw=None, exc=None, times=1):
        self.routes.append({'method': method, 'path': path, 'status': status, 'body': body, 'headers': headers or {},
                            'raw': raw, 'exc': exc, 'times': times})

    def send(self, request, **kwargs):  # pylint: disable=arguments-differ
        with self.lock:
            return self._send(request)

    def _send(self, request):
        url = requests.utils.urlparse(request.url)
        body = json.loads(request.body) if request.body else None
        self.calls.append({'method': request.method, 'path': url.path, 'query': url.query, 'body': body,
                           'headers': dict(request.headers)})
        for route in self.routes:
            if route['method'] == request.method and route['path'] == url.path and route['times'] != 0:
                route['times'] -= 1
                if route['exc'] is not None:
                    raise route['exc']
                response = Response()
                response.status_code = route['status']
                response.headers.update(route['headers'])
                if route['raw'] is not None:
                    response._content = route['raw'].encode('utf-8')
                else:
                    response._content = json.dumps(route['body'] if route['body'] is not None else {'status': 'success'}).encode('utf-8')
                    response.headers.setdefault('Content-Type', 'application/json')
                response.url = request.url
                response.request = request
                response.reason = 'scripted'
                return response
        raise AssertionError('unexpected request %s %s' % (request.method, request.url))

    def close(self):
        pass

    def writes(self):
        return [c for c in self.calls if c['method'] not in ('GET', 'HEAD')]


@pytest.fixture
def fake():
    return FakeEdge()


@pytest.fixture
def make_client(fake):
    from ansible_collections.rockitplay.edge.plugins.module_utils.client import EdgeClient

    sleeps = []

    def build(**kwargs):
        options = dict(edge_url='http://edge.test', edge_org='ExampleOrg', edge_username='adminPrincipal',
                       edge_api_key='k-123', sleep=sleeps.append)
        options.update(kwargs)
        client = EdgeClient(**options)
        client.session.mount('http://', fake)
        client.sleeps = sleeps
        return client

    return build
