"""The connection layer against the emulator: env and module_defaults, token expiry, Retry-After, retries, secrets."""
import pytest

from emulator_defaults import ADMIN  # pylint: disable=import-error
from forward_proxy import ClockMover, ForwardProxy  # pylint: disable=import-error

pytestmark = pytest.mark.integration

INFO_LOOP = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: info
      rockitplay.edge.rockit_role_info:
        name: Administrators
      loop: "{{ range(items | default(1)) | list }}"
'''

CREATE = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: create
      rockitplay.edge.rockit_role:
        name: Testers
        label: Testers
        permissions: {bundles: [read]}
'''


@pytest.mark.parametrize('fast_path', [True, False], ids=['fast-path', 'module-path'])
def test_token_expiry_mid_run_is_survived_with_one_relogin(playbook, emulator_factory, fast_path):
    """The emulator's clock stands still and jumps past the token's lifetime between the two loop items
    (a proxy in front of the emulator moves it at that request): no race with a loaded machine."""
    emu = emulator_factory('--clock-speed', '0', '--access-ttl', '60', '--admin-api-key', ADMIN['api_key'], '--quiet')
    clock = ClockMover(emu, 120).after('GET', '/be/v1/roles/Administrators')
    with ForwardProxy(upstream=emu.url, before=clock) as proxy:
        env = {'ROCKIT_API_KEY': '', 'ROCKIT_PASSWORD': ADMIN['password'], 'ROCKIT_EDGE_URL': proxy.url}
        run = playbook(INFO_LOOP, emu, env=env, extra_vars={'items': 2}, fast_path=fast_path)
    assert run.rc == 0, run
    assert clock.fired, 'the clock was not moved'
    log = emu.requests()
    expired = [r for r in log if r['status'] == 401]
    logins = [r for r in log if r['path'] == '/be/v1/login']
    refreshes = [r for r in log if r['path'] == '/be/v1/refresh']
    if fast_path:
        # one login for the run; the token expires during the pause and is refreshed once (before or after a 401)
        assert len(logins) == 2 and len(refreshes) == 1 and len(expired) <= 1
    else:
        # the module path logs in once per item and logs out at its end; a fresh token never expires here
        assert len(logins) == 4 and len([r for r in log if r['path'] == '/be/v1/logout']) == 2
    roles = [r['status'] for r in log if r['path'].startswith('/be/v1/roles')]
    assert roles[-1] == 200 and roles.count(200) == 2


def test_token_expired_answer_triggers_exactly_one_relogin(playbook, edge):
    edge.fault(method='GET', path='/be/v1/roles/*', status=401, times=1,
               body={'status': 'failed', 'error': 'token-expired', 'message': 'The token has expired.'})
    run = playbook(INFO_LOOP, edge, env={'ROCKIT_API_KEY': '', 'ROCKIT_PASSWORD': 'rockit-demo-password'})
    assert run.rc == 0, run
    # one login (two steps); the expired token is renewed with the refresh token, not with a second login
    assert len([r for r in edge.requests() if r['path'] == '/be/v1/login']) == 2
    assert len([r for r in edge.requests() if r['path'] == '/be/v1/refresh']) == 1


def test_429_with_retry_after_is_waited_out(playbook, edge):
    edge.fault(method='GET', path='/be/v1/roles/*', status=429, retry_after=1, times=1,
               body={'code': 429, 'message': 'Too Many Requests'})
    run = playbook(INFO_LOOP, edge)
    assert run.rc == 0, run
    statuses = [r['status'] for r in edge.requests()]
    assert statuses == [429, 200]


def test_503_maintenance_beyond_the_bound_fails_naming_the_wait(playbook, edge):
    edge.fault(method='GET', path='/be/v1/roles/*', status=503, retry_after=900, times=1,
               body={'status': 'failed', 'error': 'maintenance', 'message': 'The service is in maintenance mode. Please retry later.'})
    run = playbook(INFO_LOOP, edge)
    assert run.rc != 0
    msg = run.result('info')['results'][0]['msg']
    assert '900 seconds' in msg and 'max_retry_wait=120' in msg and 'maintenance' in msg


def test_500_on_get_is_retried(playbook, edge):
    edge.fault(method='GET', path='/be/v1/roles/*', status=500, times=2, body={'status': 'failed', 'error': 'internal'})
    run = playbook(INFO_LOOP, edge)
    assert run.rc == 0, run
    assert [r['status'] for r in edge.requests()] == [500, 500, 200]


def test_500_on_post_is_not_blindly_repeated(playbook, edge):
    edge.fault(method='POST', path='/be/v1/roles', status=500, times=1, body={'status': 'failed', 'error': 'internal'})
    run = playbook(CREATE, edge)
    assert run.rc == 0, run
    posts = [r for r in edge.requests() if r['method'] == 'POST']
    # the failed create is looked up before it is sent again: GET (absent), POST (500), GET (still absent), POST (201)
    assert [(r['method'], r['status']) for r in edge.requests()] == [('GET', 404), ('POST', 500), ('GET', 404), ('POST', 200)]
    assert len(posts) == 2


def test_lost_create_answer_is_not_repeated(playbook, edge):
    edge.fault(method='POST', path='/be/v1/roles', drop='after', times=1)
    run = playbook(CREATE, edge)
    assert run.rc == 0, run
    assert run.result('create')['changed'] is True
    assert [r['method'] for r in edge.requests()] == ['GET', 'POST', 'GET']
    assert edge.api('GET', '/be/v1/roles/Testers').status_code == 200


def test_no_secret_at_vvvv(playbook, edge):
    """The module path at -vvvv, with an API key and with a password: tests/reliability/test_secrets.py."""
    fast_path = True
    for env in ({}, {'ROCKIT_API_KEY': '', 'ROCKIT_PASSWORD': 'rockit-demo-password'}):
        run = playbook(CREATE + '''
    - name: info
      rockitplay.edge.rockit_role_info:
        name: Testers
''', edge, env=env, verbosity=4, diff=True, fast_path=fast_path)
        assert run.rc == 0, run
        output = run.stdout + run.stderr
        for secret in ('rockit-demo-api-key', 'rockit-demo-password'):
            assert secret not in output
        assert 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' in output


def test_token_passed_directly_is_never_printed(playbook, edge):
    login = edge.http.post(edge.url + '/be/v1/login', json={'username': 'adminPrincipal', 'password': 'rockit-demo-password'}).json()
    tokens = edge.http.post(edge.url + '/be/v1/login', json={'orgName': 'ExampleOrg', 'orgSelectionToken': login['orgSelectionToken']}).json()
    run = playbook(INFO_LOOP, edge, env={'ROCKIT_API_KEY': '', 'ROCKIT_TOKEN': tokens['accessToken']}, verbosity=4)
    assert run.rc == 0, run
    assert tokens['accessToken'] not in run.stdout + run.stderr


def test_both_auth_modes_at_once_fail_before_any_request(playbook, edge):
    run = playbook(INFO_LOOP, edge, env={'ROCKIT_PASSWORD': 'x'})
    assert run.rc != 0
    assert 'Only one way to authenticate' in run.result('info')['results'][0]['msg']
    assert edge.requests() == []


def test_env_from_the_task_environment_keyword(playbook, edge):
    play = '''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: info
          rockitplay.edge.rockit_role_info:
          environment:
            ROCKIT_EDGE_URL: "{{ url }}"
    '''
    env = {'ROCKIT_ORGNAME': 'ExampleOrg', 'ROCKIT_USERNAME': 'adminPrincipal', 'ROCKIT_API_KEY': 'rockit-demo-api-key'}
    run = playbook(play, None, extra_vars={'url': edge.url}, env=env)
    assert run.rc == 0, run
    assert run.result('info')['total_count'] == 1
