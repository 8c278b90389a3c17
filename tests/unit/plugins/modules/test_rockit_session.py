"""rockit_edge_info, rockit_login and rockit_logout as modules."""
from ansible_collections.rockitplay.edge.plugins.modules import rockit_edge_info, rockit_login, rockit_logout

from module_runner import run_module  # pylint: disable=import-error

MISSING_ORG = {'status': 'failed', 'error': 'missing-param', 'param': 'orgName'}


def test_edge_info_with_admin_token(fake, monkeypatch):
    fake.add('GET', '/srv/v1/versions', body={'status': 'success', 'release': 159, 'versions': {'edge': '159', 'engine': 'x'}})
    fake.add('POST', '/srv/v1/ping', body={'status': 'success', 'message': 'pong'})
    result = run_module(rockit_edge_info, fake, monkeypatch, edge_admin_token='adm', edge_api_key=None, edge_org=None,
                        edge_username=None)
    assert result['release'] == 159 and result['healthy'] is True and result['login_flow'] == '2026'
    assert result['rate_limit'] == 800 and result['rate_limit_free_tier'] == 33 and result['authenticated'] is None


def test_edge_info_on_release_150(fake, monkeypatch):
    fake.add('GET', '/srv/v1/versions', status=404, body={'status': 'failed', 'error': 'not-found'})
    fake.add('GET', '/adm/v1/versions', status=404, body={'status': 'failed', 'error': 'not-found'})
    fake.add('POST', '/srv/v1/ping', status=404, body={'status': 'failed', 'error': 'not-found'})
    fake.add('POST', '/adm/v1/ping', body={'status': 'success', 'message': 'pong'})
    result = run_module(rockit_edge_info, fake, monkeypatch, edge_admin_token='adm', edge_api_key=None, edge_org=None,
                        edge_username=None)
    assert result['release'] is None and result['release_range'] == [141, 151] and result['healthy'] is True
    assert result['service_prefix'] == '/adm/v1'


def test_edge_info_with_only_a_password_learns_the_flow(fake, monkeypatch):
    fake.add('POST', '/be/v1/login', status=400, body=MISSING_ORG, times=1)
    fake.add('POST', '/be/v1/login', body={'sessionToken': 's'}, times=1)
    fake.add('POST', '/be/v1/auth', body={'beauthToken': 'a'})
    fake.add('GET', '/be/v1/users/adminPrincipal', body={'user': {}})
    result = run_module(rockit_edge_info, fake, monkeypatch, edge_api_key=None, edge_password='pw')
    assert result['login_flow'] == '2025' and result['release_range'] == [141, 152] and result['authenticated'] is True
    assert result['release'] is None and result['rate_limit'] is None


def test_edge_info_with_an_api_key(fake, monkeypatch):
    fake.add('GET', '/be/v1/users/adminPrincipal', status=401, body={'status': 'failed', 'error': 'unauthorized'})
    result = run_module(rockit_edge_info, fake, monkeypatch)
    assert result['authenticated'] is False and result['login_flow'] is None


def test_login_hands_back_the_token_and_does_not_log_out(fake, monkeypatch):
    fake.add('POST', '/be/v1/login', body={'orgSelectionToken': 'sel'}, times=1)
    fake.add('POST', '/be/v1/login', body={'accessToken': 'acc-9', 'refreshToken': 'ref-9', 'expiresIn': 900})
    result = run_module(rockit_login, fake, monkeypatch, edge_api_key=None, edge_password='pw')
    assert result['changed'] is True and result['token'] == 'acc-9' and result['refresh_token'] == 'ref-9'
    assert result['login_flow'] == '2026' and 850 <= result['expires_in'] <= 900
    assert '/be/v1/logout' not in [c['path'] for c in fake.calls]


def test_login_in_check_mode_does_not_log_in(fake, monkeypatch):
    result = run_module(rockit_login, fake, monkeypatch, check_mode=True, edge_api_key=None, edge_password='pw')
    assert result['token'] is None and not fake.calls


def test_logout_by_refresh_token(fake, monkeypatch):
    fake.add('POST', '/be/v1/logout', body={'status': 'success'})
    result = run_module(rockit_logout, fake, monkeypatch, edge_api_key=None, edge_org=None, edge_username=None,
                        refresh_token='ref-9')
    assert result['changed'] is True
    call = fake.calls[0]
    assert call['headers']['x-rockit-refresh-token'] == 'ref-9' and 'x-rockit-api-key' not in call['headers']


def test_logout_of_an_ended_session(fake, monkeypatch):
    fake.add('POST', '/be/v1/logout', status=401, body={'status': 'failed', 'error': 'unauthorized'})
    result = run_module(rockit_logout, fake, monkeypatch, edge_api_key=None, refresh_token='gone')
    assert result['changed'] is False


def test_logout_2025_sends_nothing(fake, monkeypatch):
    result = run_module(rockit_logout, fake, monkeypatch, edge_api_key=None, edge_token='tok', login_flow='2025')
    assert result['changed'] is False and not fake.calls
