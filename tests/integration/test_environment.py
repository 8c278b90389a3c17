"""The from-zero playbook rockitplay.edge.environment against an emulator started with only an admin token."""
import json
import os
import stat

import pytest
import yaml

pytestmark = pytest.mark.integration

ADMIN_TOKEN = 'test-admin-token'
ORG = 'EnvStudio'
PLAYBOOK = 'rockitplay.edge.environment'
VARS = {
    'rockit_environment_org': ORG,
    'rockit_environment_admin': {'username': 'env_admin', 'email': 'env_admin@example.com'},
    'rockit_environment_admin_password': 'Env-admin-pw-1',
    'rockit_roles': [{'name': 'Producers', 'label': 'Producers', 'permissions': {'apps': ['read', 'update']}}],
    'rockit_users': [{'username': 'jdoe', 'email': 'jdoe@example.com', 'first_name': 'Jane', 'surname': 'Doe',
                      'roles': ['Producers']}],
    'rockit_apps': [{'name': 'Sushi', 'label': 'Sushi Run', 'all_deployments': True}],
}
SECRETS = ('Env-admin-pw-1', ADMIN_TOKEN)


def writes(log):
    return ['%s %s' % (r['method'], r['path']) for r in log if r['method'] in ('POST', 'PATCH', 'PUT', 'DELETE')]


def failures(run):
    return [(r['task'], r['result'].get('msg')) for r in run.results if r['status'] == 'failed']


def recap_changed(run):
    """The changed= count of the play recap."""
    for line in run.stdout.splitlines():
        if line.startswith('localhost') and 'changed=' in line:
            return int(line.split('changed=')[1].split()[0])
    raise AssertionError('no recap in %s' % run.stdout[-2000:])


@pytest.fixture(params=[None, '150'], ids=['2026-flow', '2025-flow'])
def admin_edge(request, emulator_factory):
    args = ['--admin-token', ADMIN_TOKEN]
    if request.param:
        args += ['--release', request.param]
    emu = emulator_factory(*args)
    emu.reset()
    return emu


def run_env(playbook, emu, tmp_path, check=False, extra=None, fast_path=True):
    env = {'ROCKIT_EDGE_URL': emu.url, 'ROCKIT_ADMIN_TOKEN': ADMIN_TOKEN, 'ROCKIT_ORGNAME': '', 'ROCKIT_USERNAME': '',
           'ROCKIT_API_KEY': ''}
    extra_vars = dict(VARS, rockit_environment_keys_file=str(tmp_path / 'keys' / 'api-keys.yml'), **(extra or {}))
    return playbook(PLAYBOOK, emu, env=env, extra_vars=extra_vars, check=check, diff=True, fast_path=fast_path)


# both login flows on the fast path; the module path (which runs the same client) with the newest flow
@pytest.mark.parametrize('admin_edge, fast_path', [(None, True), ('150', True), (None, False)], indirect=['admin_edge'],
                         ids=['2026-flow-fast-path', '2025-flow-fast-path', '2026-flow-module-path'])
def test_from_zero_then_nothing_then_teardown(playbook, admin_edge, tmp_path, fast_path):
    emu = admin_edge
    emu.clear()
    first = run_env(playbook, emu, tmp_path, fast_path=fast_path)
    assert first.rc == 0, failures(first)
    log = emu.requests()
    done = writes(log)
    assert 'POST /adm/v1/orgs' in done
    assert done.count('POST /be/v1/apikeys') + done.count('POST /be/v1/users') >= 1
    logins = [w for w in done if w == 'POST /be/v1/login']
    assert 1 <= len(logins) <= 2  # one login (one or two steps depending on the flow, plus the refused 2026 step)
    keys = yaml.safe_load((tmp_path / 'keys' / 'api-keys.yml').read_text())
    assert keys[ORG]['automation_bot']['api_key']
    assert stat.S_IMODE(os.stat(str(tmp_path / 'keys' / 'api-keys.yml')).st_mode) == 0o600
    for secret in SECRETS + (keys[ORG]['automation_bot']['api_key'],):
        assert secret not in first.stdout and secret not in first.stderr
    emu.clear()

    second = run_env(playbook, emu, tmp_path, fast_path=fast_path)
    assert second.rc == 0, failures(second)
    assert recap_changed(second) == 0, second.stdout[-4000:]
    assert writes(emu.requests()) == []
    emu.clear()

    check = run_env(playbook, emu, tmp_path, check=True, fast_path=fast_path)
    assert check.rc == 0, failures(check)
    assert writes(emu.requests()) == []
    emu.clear()

    down = run_env(playbook, emu, tmp_path, extra={'rockit_environment_state': 'absent'}, fast_path=fast_path)
    assert down.rc == 0, failures(down)
    assert 'DELETE /adm/v1/orgs/%s' % ORG in writes(emu.requests())
    assert ORG not in (yaml.safe_load((tmp_path / 'keys' / 'api-keys.yml').read_text()) or {})
    emu.clear()
    again = run_env(playbook, emu, tmp_path, extra={'rockit_environment_state': 'absent'}, fast_path=fast_path)
    assert again.rc == 0 and recap_changed(again) == 0, again


def test_check_run_from_zero_writes_nothing(playbook, admin_edge, tmp_path):
    emu = admin_edge
    emu.clear()
    run = run_env(playbook, emu, tmp_path, check=True)
    assert run.rc == 0, run
    assert writes(emu.requests()) == []
    assert 'would be created' in json.dumps(run.results)
