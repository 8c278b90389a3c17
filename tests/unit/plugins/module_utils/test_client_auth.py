"""The client's login flows, logout, admin token, retry budget, rate limit and in-flight bound."""
import email.utils
import threading
import time

import pytest

from ansible.module_utils import _internal

from ansible_collections.rockitplay.edge.plugins.module_utils import client as client_mod
from ansible_collections.rockitplay.edge.plugins.module_utils.client import (
    ApiError, ConfigError, InFlightLimit, RateLimiter, parse_retry_after, release_facts,
)

# Importing controller code marks the process as the controller, which changes how ansible.module_utils records
# warnings for the module tests that follow: the mark is put back.
_WAS_CONTROLLER = _internal.is_controller
from ansible_collections.rockitplay.edge.plugins.plugin_utils import session_store  # noqa: E402  pylint: disable=wrong-import-position
_internal.is_controller = _WAS_CONTROLLER

MISSING_ORG = {'status': 'failed', 'error': 'missing-param', 'param': 'orgName', 'message': 'orgName is required'}


def login_2026(fake, n=1, access='acc-1', refresh='ref-1'):
    fake.add('POST', '/be/v1/login', body={'orgSelectionToken': 'sel-%d' % n, 'orgs': ['ExampleOrg']}, times=1)
    fake.add('POST', '/be/v1/login', body={'accessToken': access, 'refreshToken': refresh, 'expiresIn': 900}, times=1)


def paths(fake, method=None):
    return [c['path'] for c in fake.calls if method is None or c['method'] == method]


def test_2026_login_once_and_logout_on_close(make_client, fake):
    login_2026(fake)
    fake.add('GET', '/be/v1/roles', body={'roles': [], 'totalCount': 0}, times=3)
    fake.add('POST', '/be/v1/logout', body={'status': 'success'})
    client = make_client(edge_api_key=None, edge_password='pw')
    for _round in range(3):
        client.get('/be/v1/roles')
    assert client.logins == 1 and client.flow == '2026'
    client.close()
    logout = fake.calls[-1]
    assert logout['path'] == '/be/v1/logout' and logout['headers']['x-rockit-refresh-token'] == 'ref-1'
    assert 'x-rockit-beauth-token' not in logout['headers']
    client.close()  # nothing left to end
    assert paths(fake).count('/be/v1/logout') == 1


def test_2025_flow_after_missing_orgname_and_kept(make_client, fake):
    fake.add('POST', '/be/v1/login', status=400, body=MISSING_ORG, times=1)
    fake.add('POST', '/be/v1/login', body={'sessionToken': 'sess-1', 'expiresIn': 86400}, times=1)
    fake.add('POST', '/be/v1/auth', body={'beauthToken': 'auth-1', 'expiresIn': 300}, times=1)
    fake.add('GET', '/be/v1/roles', body={'roles': [], 'totalCount': 0}, times=1)
    fake.add('GET', '/be/v1/roles', status=401, body={'status': 'failed', 'error': 'token-expired'}, times=1)
    fake.add('POST', '/be/v1/auth', body={'beauthToken': 'auth-2', 'expiresIn': 300}, times=1)
    fake.add('GET', '/be/v1/roles', body={'roles': [], 'totalCount': 0}, times=1)
    client = make_client(edge_api_key=None, edge_password='pw')
    client.get('/be/v1/roles')
    assert client.flow == '2025'
    logins = [c['body'] for c in fake.calls if c['path'] == '/be/v1/login']
    assert logins == [{'username': 'adminPrincipal', 'password': 'pw'},
                      {'orgName': 'ExampleOrg', 'username': 'adminPrincipal', 'password': 'pw'}]
    auth = [c for c in fake.calls if c['path'] == '/be/v1/auth'][0]
    assert auth['headers']['x-rockit-besession-token'] == 'sess-1'
    client.get('/be/v1/roles')  # token expired: a new auth token from the session, no new login
    assert client.logins == 1
    assert fake.calls[-1]['headers']['x-rockit-beauth-token'] == 'auth-2'
    client.close()
    assert '/be/v1/logout' not in paths(fake)


def test_2025_flow_kept_for_a_new_login(make_client, fake):
    fake.add('POST', '/be/v1/login', status=400, body=MISSING_ORG, times=1)
    fake.add('POST', '/be/v1/login', body={'sessionToken': 'sess-1'}, times=1)
    fake.add('POST', '/be/v1/auth', body={'beauthToken': 'auth-1'}, times=1)
    fake.add('POST', '/be/v1/auth', status=401, body={'status': 'failed', 'error': 'token-expired'}, times=1)
    fake.add('POST', '/be/v1/login', body={'sessionToken': 'sess-2'}, times=1)
    fake.add('POST', '/be/v1/auth', body={'beauthToken': 'auth-2'}, times=1)
    fake.add('GET', '/be/v1/roles', body={'roles': []}, times=1)
    fake.add('GET', '/be/v1/roles', status=401, body={'status': 'failed', 'error': 'token-expired'}, times=1)
    fake.add('GET', '/be/v1/roles', body={'roles': []}, times=1)
    client = make_client(edge_api_key=None, edge_password='pw')
    client.get('/be/v1/roles')
    client.get('/be/v1/roles')
    logins = [c['body'] for c in fake.calls if c['path'] == '/be/v1/login']
    assert len(logins) == 3 and 'orgName' in logins[2]  # no second 2026 attempt


@pytest.mark.parametrize('answer, named', [
    ({'status': 'success', 'orgs': ['ExampleOrg'], 'expiresIn': 900}, 'expiresIn, orgs, status'),
    ({}, 'nothing'),
])
def test_login_answer_without_token_names_its_fields_not_values(make_client, fake, answer, named):
    fake.add('POST', '/be/v1/login', body=answer)
    with pytest.raises(ApiError) as info:
        make_client(edge_api_key=None, edge_password='pw').get('/be/v1/roles')
    assert 'has no orgSelectionToken' in str(info.value) and named in str(info.value)
    assert 'ExampleOrg' not in str(info.value)


def test_2025_answer_without_session_token(make_client, fake):
    fake.add('POST', '/be/v1/login', status=400, body=MISSING_ORG, times=1)
    fake.add('POST', '/be/v1/login', body={'status': 'success', 'token': 'secret-value'})
    with pytest.raises(ApiError) as info:
        make_client(edge_api_key=None, edge_password='pw').get('/be/v1/roles')
    assert 'has no sessionToken (it carries: status, token)' in str(info.value)
    assert 'secret-value' not in str(info.value)


def test_other_400_on_login_is_not_taken_for_2025(make_client, fake):
    fake.add('POST', '/be/v1/login', status=400, body={'status': 'failed', 'error': 'missing-param', 'param': 'password'})
    with pytest.raises(ApiError, match='missing-param'):
        make_client(edge_api_key=None, edge_password='pw').get('/be/v1/roles')
    assert len(fake.calls) == 1


def test_token_expired_refreshes_2026_login(make_client, fake):
    login_2026(fake)
    fake.add('GET', '/be/v1/roles', status=401, body={'status': 'failed', 'error': 'token-expired'}, times=1)
    fake.add('POST', '/be/v1/refresh', body={'accessToken': 'acc-2', 'refreshToken': 'ref-2', 'expiresIn': 900})
    fake.add('GET', '/be/v1/roles', body={'roles': []})
    fake.add('POST', '/be/v1/logout', body={'status': 'success'})
    client = make_client(edge_api_key=None, edge_password='pw')
    client.get('/be/v1/roles')
    refresh = [c for c in fake.calls if c['path'] == '/be/v1/refresh'][0]
    assert refresh['headers']['x-rockit-refresh-token'] == 'ref-1'
    assert client.logins == 1
    client.close()
    assert fake.calls[-1]['headers']['x-rockit-refresh-token'] == 'ref-2'


def test_token_expired_renewed_only_once(make_client, fake):
    login_2026(fake)
    fake.add('GET', '/be/v1/roles', status=401, body={'status': 'failed', 'error': 'token-expired'}, times=2)
    fake.add('POST', '/be/v1/refresh', body={'accessToken': 'acc-2', 'refreshToken': 'ref-2'})
    with pytest.raises(ApiError, match='token-expired'):
        make_client(edge_api_key=None, edge_password='pw').get('/be/v1/roles')
    assert paths(fake).count('/be/v1/roles') == 2


def test_given_token_is_never_logged_out(make_client, fake):
    fake.add('GET', '/be/v1/roles', body={'roles': []})
    client = make_client(edge_api_key=None, edge_token='tok')
    client.get('/be/v1/roles')
    client.close()
    assert paths(fake) == ['/be/v1/roles']


def test_admin_token_only_for_admin_requests(make_client, fake):
    fake.add('GET', '/srv/v1/versions', body={'status': 'success', 'release': 150})
    fake.add('GET', '/be/v1/roles', body={'roles': []})
    client = make_client(edge_admin_token='adm-jwt')
    assert client.versions()['release'] == 150
    assert fake.calls[0]['headers']['x-rockit-admin-token'] == 'adm-jwt'
    assert 'x-rockit-api-key' not in fake.calls[0]['headers']
    client.get('/be/v1/roles')
    assert 'x-rockit-admin-token' not in fake.calls[1]['headers']
    assert client.release == 150 and client.rate_limit == 600


def test_admin_token_alone_is_enough_for_admin_requests(make_client, fake):
    fake.add('POST', '/adm/v1/orgs', body={'status': 'success', 'org': {'name': 'N'}})
    client = make_client(edge_api_key=None, edge_org=None, edge_username=None, edge_admin_token='adm')
    client.admin_request('POST', '/adm/v1/orgs', {'name': 'N'})
    with pytest.raises(ConfigError, match='No credentials'):
        client.get('/be/v1/roles')


def test_service_routes_fall_back_to_adm(make_client, fake):
    fake.add('GET', '/srv/v1/versions', status=404, body={'code': 404, 'message': 'Not Found'})
    fake.add('GET', '/adm/v1/versions', body={'release': 152})
    fake.add('POST', '/adm/v1/ping', body={'message': 'pong'})
    client = make_client(edge_admin_token='adm')
    assert client.versions()['release'] == 152
    assert client.service('/ping', 'POST', {})['message'] == 'pong'
    assert paths(fake) == ['/srv/v1/versions', '/adm/v1/versions', '/adm/v1/ping']


def test_no_versions_route(make_client, fake):
    fake.add('GET', '/srv/v1/versions', status=404, body={'code': 404, 'message': 'Not Found'})
    fake.add('GET', '/adm/v1/versions', status=404, body={'status': 'failed', 'error': 'not-found'})
    client = make_client(edge_admin_token='adm')
    assert client.versions() is None and client.release is None and client.rate_limit is None


def test_admin_request_without_admin_token(make_client):
    with pytest.raises(ConfigError, match='edge_admin_token'):
        make_client().admin_request('GET', '/adm/v1/orgs/x')


# ---------------------------------------------------------------- retries: one layer, one budget
@pytest.mark.parametrize('retries', [0, 1, 3])
@pytest.mark.parametrize('status, headers, method', [
    (500, {}, 'GET'), (502, {}, 'DELETE'), (503, {}, 'GET'), (429, {}, 'POST'), (503, {'Retry-After': '1'}, 'POST'),
])
def test_attempts_never_exceed_retries_plus_one(make_client, fake, retries, status, headers, method):
    fake.add(method, '/be/v1/roles/x', status=status, headers=headers, body={'status': 'failed'}, times=100)
    with pytest.raises(ApiError):
        make_client(retries=retries).request(method, '/be/v1/roles/x')
    assert len(fake.calls) == retries + 1


@pytest.mark.parametrize('retries', [0, 3])
def test_rate_limit_with_retry_after_is_waited_out_within_max_retry_wait(make_client, fake, retries):
    # A 429 with Retry-After: not carried out, and the Edge says when to come back; bounded by the time, not by retries.
    fake.add('GET', '/be/v1/roles/x', status=429, headers={'Retry-After': '2'}, body={'code': 429}, times=100)
    client = make_client(retries=retries, max_retry_wait=7)
    with pytest.raises(ApiError, match='after 6 seconds of waiting already.*max_retry_wait=7'):
        client.request('GET', '/be/v1/roles/x')
    assert len(fake.calls) == 4 and client.sleeps == [2.0, 2.0, 2.0]
    fake.add('GET', '/be/v1/roles/y', status=429, headers={'Retry-After': '1'}, body={'code': 429}, times=5)
    fake.add('GET', '/be/v1/roles/y', body={'role': {'name': 'y'}})
    assert make_client(retries=retries, max_retry_wait=7).get('/be/v1/roles/y') == {'role': {'name': 'y'}}


def test_a_rate_limit_holds_back_the_other_threads(make_client, fake):
    fake.add('GET', '/be/v1/roles/x', body={'role': {}}, times=5)
    client = make_client()
    client._hold_for(30.0)
    client.get('/be/v1/roles/x')        # the thread that met the 429 waits in its own retry, not again here
    assert client.sleeps == []
    waits = []
    thread = threading.Thread(target=lambda: waits.append(client.get('/be/v1/roles/x')))
    thread.start()
    thread.join()
    assert len(client.sleeps) == 1 and 29.0 < client.sleeps[0] <= 30.0 and client.holds == 1


def test_writes_are_counted_per_thread(make_client, fake):
    fake.add('POST', '/be/v1/roles', body={'role': {'name': 'r'}}, times=5)
    client = make_client()
    client.request('POST', '/be/v1/roles', {'name': 'r'})
    seen = []
    thread = threading.Thread(target=lambda: seen.append((client.written_here, client.request('POST', '/be/v1/roles', {}),
                                                          client.written_here)))
    thread.start()
    thread.join()
    assert seen[0][0] == 0 and seen[0][2] == 1
    assert client.written == 2 and client.written_here == 1


def test_garbled_reads_and_expired_tokens_share_the_budget(make_client, fake):
    login_2026(fake)
    fake.add('GET', '/be/v1/roles', raw='{"rol', times=1)
    fake.add('GET', '/be/v1/roles', status=401, body={'status': 'failed', 'error': 'token-expired'}, times=1)
    fake.add('POST', '/be/v1/refresh', body={'accessToken': 'acc-2', 'refreshToken': 'ref-2'})
    fake.add('GET', '/be/v1/roles', status=500, body={}, times=5)
    with pytest.raises(ApiError):
        make_client(edge_api_key=None, edge_password='pw', retries=3).read('/be/v1/roles')
    assert paths(fake).count('/be/v1/roles') == 4


def test_plain_503_retried_for_reads_not_for_creates(make_client, fake):
    fake.add('GET', '/be/v1/roles/x', status=503, raw='<html>Service Unavailable</html>', headers={'Content-Type': 'text/html'},
             times=2)
    fake.add('GET', '/be/v1/roles/x', body={'role': {}})
    client = make_client()
    client.get('/be/v1/roles/x')
    assert len(client.sleeps) == 2
    fake.add('POST', '/be/v1/roles', status=503, raw='<html>Service Unavailable</html>', headers={'Content-Type': 'text/html'})
    with pytest.raises(ApiError, match='503'):
        client.request('POST', '/be/v1/roles', {})
    assert len(fake.writes()) == 1


def test_retry_after_as_http_date(make_client, fake):
    when = email.utils.formatdate(time.time() + 5, usegmt=True)
    fake.add('GET', '/be/v1/roles/x', status=429, headers={'Retry-After': when}, body={'code': 429}, times=1)
    fake.add('GET', '/be/v1/roles/x', body={'role': {}})
    client = make_client()
    client.get('/be/v1/roles/x')
    assert len(client.sleeps) == 1 and 3.5 <= client.sleeps[0] <= 5.01


def test_parse_retry_after():
    assert parse_retry_after('7') == 7.0
    assert parse_retry_after('Wed, 21 Oct 2015 07:28:00 GMT', now=email.utils.parsedate_to_datetime(
        'Wed, 21 Oct 2015 07:27:00 GMT').timestamp()) == 60.0
    assert parse_retry_after('Wed, 21 Oct 2015 07:28:00 GMT') == 1.0  # in the past: whole seconds, at least one
    assert parse_retry_after('soon') is None and parse_retry_after(None) is None


def test_429_halves_in_flight_limit(make_client, fake):
    fake.add('GET', '/be/v1/roles/x', status=429, headers={'Retry-After': '1'}, body={}, times=2)
    fake.add('GET', '/be/v1/roles/x', body={'role': {}}, times=20)
    client = make_client(max_in_flight=8)
    client.get('/be/v1/roles/x')
    assert client.in_flight.decreases == 2 and client.in_flight.limit == 2.5  # 8 -> 4 -> 2, then +1/2 for the success
    for _round in range(19):
        client.get('/be/v1/roles/x')
    assert 2.0 < client.in_flight.limit <= 8.0


# ---------------------------------------------------------------- rate limit and in-flight bound
class FakeClock(object):
    def __init__(self):
        self.now = 100.0
        self.lock = threading.Lock()

    def __call__(self):
        with self.lock:
            return self.now

    def sleep(self, seconds):
        with self.lock:
            self.now += seconds


def test_rate_limiter_spaces_requests():
    clock = FakeClock()
    limiter = RateLimiter(4, clock=clock, sleep=clock.sleep)
    for _round in range(9):
        limiter.acquire()
    assert abs(clock.now - 102.0) < 1e-6  # 9 requests at 4/s: the 9th starts 2 s after the first


def test_rate_limiter_thread_safe():
    clock = FakeClock()
    limiter = RateLimiter(10, clock=clock, sleep=lambda s: None)
    threads = [threading.Thread(target=lambda: [limiter.acquire() for _round in range(50)]) for _round in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert abs(limiter._next - (100.0 + 200 / 10.0)) < 1e-6  # 200 distinct slots, none shared


def test_rate_limit_option_and_release_default(make_client, fake):
    assert make_client(rate_limit=5).rate_limit == 5
    assert make_client().rate_limit is None
    client = make_client(rate_limit=0)
    client.set_release(159)
    assert client.rate_limit is None  # the option wins: 0 is no limit
    client = make_client()
    client.set_release(153)
    assert client.rate_limit == 20
    with pytest.raises(ConfigError, match='rate_limit'):
        make_client(rate_limit=-1)


def test_release_facts():
    assert release_facts(141) == ('2025', 10, 10)
    assert release_facts(150) == ('2025', 600, 30)
    assert release_facts(152) == ('2025', 20, 5)
    assert release_facts(153) == ('2026', 20, 5)
    assert release_facts(159) == ('2026', 800, 33)
    assert release_facts(100) is None and release_facts(None) is None


def test_in_flight_limit_blocks_and_recovers():
    limit = InFlightLimit(4)
    limit.throttled()
    assert limit.limit == 2.0
    limit.acquire()
    limit.acquire()
    got = []
    waiter = threading.Thread(target=lambda: (limit.acquire(), got.append(1)))
    waiter.start()
    waiter.join(0.2)
    assert not got  # the third waits while two are in flight
    limit.release()
    waiter.join(5)
    assert got == [1]
    for _round in range(10):
        limit.succeeded()
    assert limit.limit == 4.0


def test_client_used_from_threads_logs_in_once(make_client, fake):
    login_2026(fake)
    fake.add('GET', '/be/v1/roles', body={'roles': []}, times=40)
    client = make_client(edge_api_key=None, edge_password='pw')
    threads = [threading.Thread(target=lambda: [client.get('/be/v1/roles') for _round in range(10)]) for _round in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert client.logins == 1 and client.request_count == 42


# ---------------------------------------------------------------- the shared store
@pytest.fixture
def store():
    context = session_store._fork_context()
    if context is None:
        pytest.skip('ansible-core does not fork its workers here')
    return session_store.SharedSessions(context, size=1 << 16)


def test_shared_store_one_login_for_two_clients(make_client, fake, store):
    login_2026(fake)
    fake.add('GET', '/be/v1/roles', body={'roles': []}, times=2)
    first = make_client(edge_api_key=None, edge_password='pw', session_store=store)
    first.get('/be/v1/roles')
    second = make_client(edge_api_key=None, edge_password='pw', session_store=store)
    second.get('/be/v1/roles')
    first.close()
    second.close()  # shared logins are ended by the run, not by a task
    assert paths(fake).count('/be/v1/login') == 2 and '/be/v1/logout' not in paths(fake)
    assert fake.calls[-1]['headers']['x-rockit-beauth-token'] == 'acc-1'
    other = make_client(edge_api_key=None, edge_password='other', session_store=store)
    assert other._store_key != first._store_key


def test_shared_store_record_renewed_by_one_is_used_by_the_other(make_client, fake, store):
    login_2026(fake)
    fake.add('GET', '/be/v1/roles', body={'roles': []}, times=2)
    fake.add('GET', '/be/v1/roles', status=401, body={'status': 'failed', 'error': 'token-expired'}, times=1)
    fake.add('POST', '/be/v1/refresh', body={'accessToken': 'acc-2', 'refreshToken': 'ref-2', 'expiresIn': 900})
    fake.add('GET', '/be/v1/roles', body={'roles': []}, times=5)
    first = make_client(edge_api_key=None, edge_password='pw', session_store=store)
    second = make_client(edge_api_key=None, edge_password='pw', session_store=store)
    first.get('/be/v1/roles')
    second.get('/be/v1/roles')
    first.get('/be/v1/roles')  # expired: refreshed, stored
    second.get('/be/v1/roles')  # still holds acc-1 locally
    assert fake.calls[-1]['headers']['x-rockit-beauth-token'] in ('acc-1', 'acc-2')
    record = list(store.records().values())[0]
    assert record['refresh'] == 'ref-2' and record['url'] == 'http://edge.test'
    assert paths(fake).count('/be/v1/login') == 2


def test_store_end_all_logs_out(store, monkeypatch):
    ended = []
    monkeypatch.setattr(session_store, '_logout', lambda record: ended.append(record['refresh']) or 1)
    store.save('k1', {'flow': '2026', 'access': 'a', 'refresh': 'r1', 'url': 'http://edge.test'})
    store.save('k2', {'flow': '2025', 'access': 'a', 'session': 's', 'url': 'http://edge.test'})
    assert store.end_all() == 1 and ended == ['r1']
    assert store.records() == {}


def test_store_shared_with_a_forked_child(store):
    import os
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        store.save('k', {'access': 'from-child'})
        os._exit(0)
    os.waitpid(pid, 0)
    assert store.load('k') == {'access': 'from-child'}


def test_store_steps_aside(monkeypatch):
    monkeypatch.setenv('ROCKIT_SESSION_REUSE', 'false')
    assert session_store._create() is None
    monkeypatch.delenv('ROCKIT_SESSION_REUSE')
    monkeypatch.setattr(session_store, '_fork_context', lambda: None)
    assert session_store._create() is None


def test_reuse_cache_passes_the_store(store):
    params = dict(edge_url='http://edge.test', edge_org='o', edge_username='u', edge_password='p-store')
    client = client_mod.get_client(params, reuse=True, session_store=store)
    assert client._store is store


def test_a_credential_the_task_sets_wins_over_one_only_the_environment_holds():
    # pylint: disable=protected-access
    environ = {'ROCKIT_API_KEY': 'env-key', 'ROCKIT_PASSWORD': 'env-password'}
    conn = client_mod._task_credentials_win({'edge_api_key': 'env-key', 'edge_password': 'task-password'}, environ)
    assert conn == {'edge_password': 'task-password'}
    # both from the environment, or both from the task: the client refuses them as before
    both_env = {'edge_api_key': 'env-key', 'edge_password': 'env-password'}
    assert client_mod._task_credentials_win(dict(both_env), environ) == both_env
    both_task = {'edge_api_key': 'task-key', 'edge_password': 'task-password'}
    assert client_mod._task_credentials_win(dict(both_task), environ) == both_task
    with pytest.raises(ConfigError, match='Only one way to authenticate'):
        client_mod.EdgeClient('https://edge.example.com', edge_org='o', edge_username='u', **both_task)


def test_a_rate_is_learnt_from_the_429_answers_and_shared_with_later_tasks(make_client, fake, store):
    clock = FakeClock()
    fake.add('GET', '/be/v1/roles/x', status=429, headers={'Retry-After': '1'}, body={'code': 429}, times=1)
    fake.add('GET', '/be/v1/roles/x', body={'role': {}}, times=10)
    fake.add('GET', '/be/v1/roles/x', status=429, headers={'Retry-After': '1'}, body={'code': 429}, times=1)
    fake.add('GET', '/be/v1/roles/x', body={'role': {}}, times=40)
    client = make_client(clock=clock, sleep=clock.sleep, session_store=store)
    client.get('/be/v1/roles/x')             # 429, waited out (1 s), then admitted
    for _round in range(9):
        clock.now += 0.1
        client.get('/be/v1/roles/x')
    assert client.rate_limit is None         # one 429 alone teaches nothing
    clock.now += 0.1
    client.get('/be/v1/roles/x')             # 10 admitted in 2 s since the first 429
    assert client.rate_changes == 1 and abs(client.rate_limit - 5.0) < 0.01
    assert abs(store.rate(client.base) - 5.0) < 0.01
    for _round in range(10):
        client.get('/be/v1/roles/x')         # spaced by the learnt rate; it grows by 5 % per second's worth
    assert 5.2 < client.rate_limit < 5.6 and clock.now > 103.0
    later = make_client(clock=clock, sleep=clock.sleep, session_store=store)
    assert 5.2 < later.rate_limit < 5.6      # a later task of the run starts at it
    assert make_client(rate_limit=0, session_store=store).rate_limit is None  # the option wins
