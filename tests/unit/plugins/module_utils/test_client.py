"""The HTTP client: auth headers, retries, Retry-After, re-login, pagination, error messages."""
import pytest
import requests

from ansible_collections.rockitplay.edge.plugins.module_utils import client as client_mod
from ansible_collections.rockitplay.edge.plugins.module_utils.client import ApiError, ConfigError, EdgeClient


def test_api_key_headers_accept_and_user_agent(make_client, fake):
    fake.add('GET', '/be/v1/roles/x', body={'status': 'success', 'role': {'name': 'x'}})
    client = make_client()
    assert client.get('/be/v1/roles/x')['role'] == {'name': 'x'}
    headers = fake.calls[0]['headers']
    assert headers['x-rockit-orgname'] == 'ExampleOrg'
    assert headers['x-rockit-username'] == 'adminPrincipal'
    assert headers['x-rockit-api-key'] == 'k-123'
    assert 'x-rockit-beauth-token' not in headers
    assert headers['Accept'] == 'application/json'
    assert headers['User-Agent'].startswith('rockitplay.edge/%s' % client_mod.COLLECTION_VERSION)


def test_token_header_only(make_client, fake):
    fake.add('GET', '/be/v1/roles/x', body={'role': {'name': 'x'}})
    make_client(edge_api_key=None, edge_token='tok').get('/be/v1/roles/x')
    headers = fake.calls[0]['headers']
    assert headers['x-rockit-beauth-token'] == 'tok'
    assert 'x-rockit-api-key' not in headers


@pytest.mark.parametrize('kwargs, fragment', [
    ({'edge_url': None}, 'edge_url is required'),
    ({'edge_url': 'edge.test'}, 'must start with http'),
    ({'edge_token': 't'}, 'Only one way to authenticate'),
    ({'edge_org': None}, 'needs edge_org'),
])
def test_config_errors(kwargs, fragment):
    options = dict(edge_url='http://edge.test', edge_org='o', edge_username='u', edge_api_key='k')
    options.update(kwargs)
    with pytest.raises(ConfigError, match=fragment):
        EdgeClient(**options)


def test_no_credentials_refused_by_the_first_request(make_client, fake):
    client = make_client(edge_api_key=None)
    with pytest.raises(ConfigError, match='No credentials'):
        client.get('/be/v1/roles')
    assert not fake.calls


def test_url_with_api_prefix_is_tolerated(make_client, fake):
    fake.add('GET', '/be/v1/roles/x', body={'role': {}})
    make_client(edge_url='http://edge.test/be/v1/').get('/be/v1/roles/x')
    assert fake.calls[0]['path'] == '/be/v1/roles/x'


def test_password_login_once_then_relogin_on_token_expired(make_client, fake):
    fake.add('POST', '/be/v1/login', body={'orgSelectionToken': 'sel-1'}, times=1)
    fake.add('POST', '/be/v1/login', body={'accessToken': 'acc-1'}, times=1)
    fake.add('GET', '/be/v1/roles', body={'roles': [], 'totalCount': 0}, times=2)
    fake.add('GET', '/be/v1/roles', status=401, body={'status': 'failed', 'error': 'token-expired', 'message': 'expired'})
    fake.add('POST', '/be/v1/login', body={'orgSelectionToken': 'sel-2'}, times=1)
    fake.add('POST', '/be/v1/login', body={'accessToken': 'acc-2'}, times=1)
    fake.add('GET', '/be/v1/roles', body={'roles': [], 'totalCount': 0})
    client = make_client(edge_api_key=None, edge_password='pw')
    client.get('/be/v1/roles')
    client.get('/be/v1/roles')
    assert client.logins == 1
    client.get('/be/v1/roles')
    assert client.logins == 2
    logins = [c['body'] for c in fake.calls if c['path'] == '/be/v1/login']
    assert logins[0] == {'username': 'adminPrincipal', 'password': 'pw'}
    assert logins[1] == {'orgName': 'ExampleOrg', 'orgSelectionToken': 'sel-1'}
    assert fake.calls[-1]['headers']['x-rockit-beauth-token'] == 'acc-2'
    for call in fake.calls:
        if call['path'] == '/be/v1/login':
            assert 'x-rockit-beauth-token' not in call['headers']


def test_retry_after_is_waited_out(make_client, fake):
    fake.add('GET', '/be/v1/roles/x', status=429, body={'code': 429, 'message': 'Too Many Requests'}, headers={'Retry-After': '1'})
    fake.add('GET', '/be/v1/roles/x', body={'role': {'name': 'x'}})
    client = make_client()
    assert client.get('/be/v1/roles/x')['role']['name'] == 'x'
    assert client.sleeps == [1.0]


def test_retry_after_also_for_post(make_client, fake):
    fake.add('POST', '/be/v1/roles', status=503, body={'status': 'failed', 'error': 'maintenance'}, headers={'Retry-After': '2'})
    fake.add('POST', '/be/v1/roles', body={'role': {'name': 'x'}})
    client = make_client()
    client.request('POST', '/be/v1/roles', {'name': 'x'})
    assert client.sleeps == [2.0]
    assert len(fake.writes()) == 2


def test_retry_after_above_bound_fails_naming_the_wait(make_client, fake):
    fake.add('GET', '/be/v1/roles/x', status=503, headers={'Retry-After': '900'},
             body={'status': 'failed', 'error': 'maintenance', 'message': 'The service is in maintenance mode.'})
    with pytest.raises(ApiError) as info:
        make_client(max_retry_wait=60).get('/be/v1/roles/x')
    assert '900 seconds' in str(info.value) and 'max_retry_wait=60' in str(info.value)
    assert 'maintenance' in str(info.value)


def test_server_error_on_get_is_retried_with_backoff(make_client, fake):
    fake.add('GET', '/be/v1/roles/x', status=500, body={'status': 'failed', 'error': 'internal'}, times=2)
    fake.add('GET', '/be/v1/roles/x', body={'role': {'name': 'x'}})
    client = make_client()
    client.get('/be/v1/roles/x')
    assert len(client.sleeps) == 2 and client.sleeps[1] > client.sleeps[0]


def test_server_error_on_post_is_not_repeated(make_client, fake):
    fake.add('POST', '/be/v1/roles', status=500, body={'status': 'failed', 'error': 'internal', 'message': 'boom'})
    with pytest.raises(ApiError) as info:
        make_client().request('POST', '/be/v1/roles', {'name': 'x'})
    assert info.value.ambiguous
    assert len(fake.writes()) == 1


def test_connection_error_retried_for_get_not_for_post(make_client, fake):
    fake.add('GET', '/be/v1/roles/x', exc=requests.exceptions.ConnectionError('reset'), times=1)
    fake.add('GET', '/be/v1/roles/x', body={'role': {}})
    make_client().get('/be/v1/roles/x')
    fake.add('POST', '/be/v1/roles', exc=requests.exceptions.ConnectionError('reset'))
    with pytest.raises(ApiError) as info:
        make_client().request('POST', '/be/v1/roles', {})
    assert info.value.status is None and info.value.ambiguous


def test_error_message_names_status_error_and_what_to_do(make_client, fake):
    fake.add('POST', '/be/v1/roles', status=403,
             body={'status': 'failed', 'error': 'forbidden', 'message': 'missing permission roles.create', 'permission': 'roles.create'})
    with pytest.raises(ApiError) as info:
        make_client().request('POST', '/be/v1/roles', {})
    msg = str(info.value)
    # one sentence each: the Edge's message names the permission, the hint only says what to do about it
    assert msg == ('ROCKIT Edge request POST /be/v1/roles failed: HTTP 403 forbidden: missing permission roles.create. '
                   'Grant it to one of the roles of the user the play authenticates as.')
    fake.add('POST', '/be/v1/apps', status=403, body={'status': 'failed', 'error': 'forbidden', 'message': 'Forbidden.',
                                                      'permission': 'apps.create'})
    with pytest.raises(ApiError) as info:
        make_client().request('POST', '/be/v1/apps', {})
    assert 'Forbidden. Grant the permission apps.create to one of the roles' in str(info.value)


def test_html_and_malformed_bodies(make_client, fake):
    fake.add('GET', '/be/v1/roles/x', status=502, raw='<html><body>Bad Gateway</body></html>', headers={'Content-Type': 'text/html'},
             times=4)
    with pytest.raises(ApiError, match='HTML page'):
        make_client(retries=3).get('/be/v1/roles/x')
    fake.add('GET', '/be/v1/roles/y', raw='{"status": "succ', times=4)
    with pytest.raises(ApiError, match='not valid JSON') as info:
        make_client(retries=3).get('/be/v1/roles/y')
    assert info.value.ambiguous
    assert len([c for c in fake.calls if c['path'] == '/be/v1/roles/y']) == 4


def test_list_all_reads_every_page_and_checks_total(make_client, fake):
    fake.add('GET', '/be/v1/roles', body={'roles': [{'name': 'a'}, {'name': 'b'}], 'totalCount': 5})
    fake.add('GET', '/be/v1/roles', body={'roles': [{'name': 'c'}, {'name': 'd'}], 'totalCount': 5})
    fake.add('GET', '/be/v1/roles', body={'roles': [{'name': 'e'}], 'totalCount': 5})
    items, total = make_client().list_all('/be/v1/roles', 'roles', page_size=2)
    assert [i['name'] for i in items] == ['a', 'b', 'c', 'd', 'e'] and total == 5
    assert [c['query'] for c in fake.calls] == ['offset=0&limit=2', 'offset=2&limit=2', 'offset=4&limit=2']


def test_list_all_limit_stops_early(make_client, fake):
    fake.add('GET', '/be/v1/roles', body={'roles': [{'name': 'a'}, {'name': 'b'}], 'totalCount': 50})
    items, total = make_client().list_all('/be/v1/roles', 'roles', page_size=10, limit=2)
    assert len(items) == 2 and total == 50
    assert fake.calls[0]['query'] == 'offset=0&limit=2'


def test_list_all_detects_a_shrinking_list(make_client, fake):
    fake.add('GET', '/be/v1/roles', body={'roles': [{'name': 'a'}], 'totalCount': 3})
    fake.add('GET', '/be/v1/roles', body={'roles': [], 'totalCount': 3})
    with pytest.raises(ApiError, match='changed while it was read'):
        make_client().list_all('/be/v1/roles', 'roles', page_size=1)


def test_largest_page_size_by_default(make_client, fake):
    fake.add('GET', '/be/v1/roles', body={'roles': [], 'totalCount': 0})
    make_client().list_all('/be/v1/roles', 'roles')
    assert fake.calls[0]['query'] == 'offset=0&limit=1000'


def test_reuse_keeps_one_client_per_connection():
    params = dict(edge_url='http://edge.test', edge_org='o', edge_username='u', edge_api_key='k')
    first = client_mod.get_client(params, reuse=True)
    assert client_mod.get_client(dict(params), reuse=True) is first
    assert client_mod.get_client(dict(params, edge_api_key='other'), reuse=True) is not first
    assert client_mod.get_client(params) is not first


def test_retry_after_as_an_http_date_is_waited_out(make_client, fake):
    fake.add('GET', '/be/v1/roles/x', status=429, body={'code': 429, 'message': 'Too Many Requests'},
             headers={'Retry-After': 'Wed, 02 Dec 2026 12:00:03 GMT', 'Date': 'Wed, 02 Dec 2026 12:00:00 GMT'})
    fake.add('GET', '/be/v1/roles/x', status=429, body={'code': 429, 'message': 'Too Many Requests'},
             headers={'Retry-After': 'Wed, 02 Dec 2026 12:00:00 GMT', 'Date': 'Wed, 02 Dec 2026 12:00:00 GMT'})
    fake.add('GET', '/be/v1/roles/x', body={'status': 'success', 'role': {'name': 'x'}})
    client = make_client()
    assert client.get('/be/v1/roles/x')['role']['name'] == 'x'
    assert client.sleeps == [3.0, 1.0]    # an HTTP date counts whole seconds: at least one


def test_probe_returns_error_answers_and_records_retry_after(make_client, fake):
    fake.add('GET', '/be/v1/roles', status=429, body={'code': 429, 'message': 'Too Many Requests'}, headers={'Retry-After': '2'})
    fake.add('GET', '/be/v1/roles', status=400, body={'code': 400, 'message': 'Bad Request'})
    client = make_client()
    answer = client.probe('GET', '/be/v1/roles', params={'limit': 1}, headers={'Accept': None})
    assert answer.status == 400 and answer.body == {'code': 400, 'message': 'Bad Request'} and answer.get('code') == 400
    assert client.retry_after_seen == ['2'] and client.sleeps == [2.0]
    assert 'Accept' not in fake.calls[-1]['headers']
