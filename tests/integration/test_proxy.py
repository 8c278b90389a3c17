"""The task's ``environment`` reaches every request, on the fast path as on the module path.

A proxy set in the task's ``environment`` (HTTP_PROXY for the emulator's plain HTTP, HTTPS_PROXY with the
emulator serving HTTPS) is used for the requests: when it points at a dead port both paths fail the same
way and nothing reaches the Edge; when it points at a working proxy (a tiny forwarding proxy of the
test, on 127.0.0.1) both paths go through it and the proxy sees the requests; NO_PROXY from the task
lets the requests bypass it; REQUESTS_CA_BUNDLE from the task makes the private CA of the HTTPS emulator
trusted. One playbook holds every case; it runs once per path.
"""
import re
import socket

import pytest

from certs import make_ca, make_server_cert  # pylint: disable=import-error
from edge_log import mark_task, playbook_text, split_log  # pylint: disable=import-error
from emulator_defaults import ADMIN  # pylint: disable=import-error
from forward_proxy import ForwardProxy  # pylint: disable=import-error

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group('proxy')]

# Set empty in every case, so that nothing of the controller's environment takes part. (Python reads the lower-case
# proxy variables last, and an empty one cancels its upper-case twin: only the upper-case ones are emptied.)
PROXY_VARS = ('HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE')


@pytest.fixture(scope='module')
def dead_port():
    """A port on 127.0.0.1 that refuses connections: bound, never listening, for the whole module."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(('127.0.0.1', 0))
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture(scope='module')
def edges(emulator_factory, tmp_path_factory):
    """(the plain HTTP emulator, the HTTPS emulator, the PEM of the private CA that signed its certificate)."""
    directory = str(tmp_path_factory.mktemp('proxy-tls'))
    ca_cert, ca_key, ca_path = make_ca(directory, 'proxy-ca')
    cert, key = make_server_cert(directory, ca_cert, ca_key)
    http = emulator_factory('--admin-api-key', ADMIN['api_key'], '--quiet')
    https = emulator_factory('--tls-cert', cert, '--tls-key', key, '--admin-api-key', ADMIN['api_key'], '--quiet')
    https.http.trust_env = False
    return http, https, ca_path


def _cases(http, https, ca_path, proxy_url, dead):
    """(case, edge_url, role to read, task environment)."""
    none = dict((name, '') for name in PROXY_VARS)
    return [
        ('dead http proxy', http.url, 'Administrators', dict(none, HTTP_PROXY=dead)),
        ('dead http proxy lower case', http.url, 'Administrators', dict(none, http_proxy=dead)),
        ('http proxy', http.url, 'Administrators', dict(none, HTTP_PROXY=proxy_url)),
        ('no_proxy bypasses it', http.url, 'Administrators', dict(none, HTTP_PROXY=dead, NO_PROXY='127.0.0.1')),
        ('dead https proxy', https.url, 'Administrators', dict(none, HTTPS_PROXY=dead, REQUESTS_CA_BUNDLE=ca_path)),
        ('https proxy and ca bundle', https.url, 'Administrators', dict(none, HTTPS_PROXY=proxy_url, REQUESTS_CA_BUNDLE=ca_path)),
        ('ca bundle missing', https.url, 'Administrators', dict(none)),
    ]


def _run(playbook, edges_, dead_port, fast_path):
    http, https, ca_path = edges_
    http.reset()
    https.reset()
    with ForwardProxy() as proxy:
        dead = 'http://127.0.0.1:%d' % dead_port
        tasks = []
        for case, url, role, env in _cases(http, https, ca_path, proxy.url, dead):
            tasks.append(mark_task(case))
            tasks.append({'name': case, 'rockitplay.edge.rockit_role_info': {'name': role, 'edge_url': url, 'retries': 0},
                          'environment': env, 'ignore_errors': True})
        run = playbook(playbook_text(tasks), http, fast_path=fast_path)
        seen = list(proxy.seen)
    assert run.rc == 0, run
    return run, seen, split_log(http.requests()), https.requests()


def _masked(msg, dead_port):
    msg = msg.replace(str(dead_port), '<dead port>')
    return re.sub(r' at 0x[0-9a-f]+', ' at 0x...', msg)


@pytest.fixture(scope='module')
def runs(playbook, edges, dead_port):
    return dict((fast_path, _run(playbook, edges, dead_port, fast_path)) for fast_path in (True, False))


@pytest.mark.parametrize('fast_path', [True, False], ids=['fast-path', 'module-path'])
def test_the_task_proxy_carries_the_requests(runs, edges, fast_path):
    http, https, _ca = edges
    run, seen, http_log, https_log = runs[fast_path]
    # through the working HTTP proxy: the proxy saw each request the emulator answered, as absolute URLs
    through = [entry for entry in seen if entry[0] != 'CONNECT']
    answered = http_log['http proxy']
    assert run.status('http proxy') == 'ok' and run.result('http proxy')['roles'][0]['name'] == 'Administrators'
    assert through and len(through) == len(answered), (through, answered)
    assert all(target.startswith(http.url + '/be/v1/') for _method, target in through), through
    # through the working HTTPS proxy: a tunnel to the HTTPS emulator, whose private CA came from the task's REQUESTS_CA_BUNDLE
    port = https.url.rsplit(':', 1)[1]
    assert [entry for entry in seen if entry[0] == 'CONNECT'] == [('CONNECT', '127.0.0.1:%s' % port)]
    assert run.status('https proxy and ca bundle') == 'ok', run.result('https proxy and ca bundle')
    assert [r['path'] for r in https_log] == ['/be/v1/roles/Administrators']
    # NO_PROXY from the task bypasses the (dead) proxy
    assert run.status('no_proxy bypasses it') == 'ok' and len(http_log['no_proxy bypasses it']) == 1


@pytest.mark.parametrize('fast_path', [True, False], ids=['fast-path', 'module-path'])
def test_a_dead_task_proxy_fails_and_nothing_reaches_the_edge(runs, fast_path):
    run, _seen, http_log, _https_log = runs[fast_path]
    for case in ('dead http proxy', 'dead http proxy lower case', 'dead https proxy'):
        assert run.status(case) == 'failed', (case, run.result(case))
        msg = run.result(case)['msg']
        assert 'connection failed' in msg and 'proxy' in msg.lower() and 'Traceback' not in msg, (case, msg)
        if 'https' not in case:
            assert http_log[case] == [], (case, http_log[case])
    # without the CA bundle the HTTPS emulator's certificate is refused, with the usual hint
    assert run.status('ca bundle missing') == 'failed' and 'ca_path' in run.result('ca bundle missing')['msg']


def test_both_paths_fail_the_same_way(runs, dead_port):
    fast, module = runs[True][0], runs[False][0]
    for case in ('dead http proxy', 'dead http proxy lower case', 'dead https proxy', 'ca bundle missing'):
        assert _masked(fast.result(case)['msg'], dead_port) == _masked(module.result(case)['msg'], dead_port), case
