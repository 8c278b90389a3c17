"""rockit_org, rockit_api_key and rockit_edge_info against the emulator, on both execution paths."""
import pytest

pytestmark = pytest.mark.integration

ADMIN_TOKEN = 'test-admin-token'
PATHS = pytest.mark.parametrize('fast_path', [True, False], ids=['fast-path', 'module-path'])

ORG_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: org
      rockitplay.edge.rockit_org:
        name: ModOrg
        admin_user: mod_admin
        admin_email: mod_admin@example.com
        admin_password: Mod-admin-pw-1
        state: "{{ state | default('present') }}"
'''

INFO_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: info
      rockitplay.edge.rockit_edge_info:
      register: info
'''

KEY_PLAY = '''
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/rockitplay.edge.rockit:
      edge_org: ModOrg
      edge_username: mod_admin
      edge_password: Mod-admin-pw-1
      edge_api_key: ""
  tasks:
    - name: machine user
      rockitplay.edge.rockit_user:
        username: mod_bot
        type: machine
        label: bot
      when: (state | default('present')) == 'present'
    - name: key
      rockitplay.edge.rockit_api_key:
        username: mod_bot
        keys_file: "{{ keys_file }}"
        state: "{{ state | default('present') }}"
'''


def writes(emu):
    return ['%s %s' % (r['method'], r['path']) for r in emu.requests() if r['method'] in ('POST', 'PATCH', 'PUT', 'DELETE')]


@pytest.fixture(scope='module')
def admin_emu(emulator_factory):
    return emulator_factory('--admin-token', ADMIN_TOKEN)


def env(emu):
    return {'ROCKIT_ADMIN_TOKEN': ADMIN_TOKEN, 'ROCKIT_API_KEY': ''}


@PATHS
def test_org_lifecycle(playbook, admin_emu, fast_path):
    emu = admin_emu
    emu.reset()
    check = playbook(ORG_PLAY, emu, env=env(emu), check=True, fast_path=fast_path)
    assert check.rc == 0 and check.result('org')['changed'] is True and writes(emu) == [], check
    emu.clear()
    first = playbook(ORG_PLAY, emu, env=env(emu), diff=True, fast_path=fast_path)
    assert first.rc == 0 and first.result('org')['changed'] is True, first
    assert writes(emu) == ['POST /adm/v1/orgs']
    assert 'Mod-admin-pw-1' not in first.stdout
    emu.clear()
    second = playbook(ORG_PLAY, emu, env=env(emu), fast_path=fast_path)
    assert second.rc == 0 and second.result('org')['changed'] is False and writes(emu) == [], second
    gone = playbook(ORG_PLAY, emu, env=env(emu), extra_vars={'state': 'absent'}, fast_path=fast_path)
    assert gone.rc == 0 and gone.result('org')['changed'] is True, gone
    emu.clear()
    again = playbook(ORG_PLAY, emu, env=env(emu), extra_vars={'state': 'absent'}, fast_path=fast_path)
    assert again.rc == 0 and again.result('org')['changed'] is False and writes(emu) == [], again


@PATHS
def test_edge_info(playbook, admin_emu, fast_path):
    admin_emu.reset()
    run = playbook(INFO_PLAY, admin_emu, env=env(admin_emu), fast_path=fast_path)
    assert run.rc == 0, run
    info = run.result('info')
    assert info['healthy'] is True and isinstance(info['release'], int) and info['login_flow'] in ('2025', '2026')
    assert info['rate_limit'] > 0


@PATHS
def test_api_key_lifecycle(playbook, admin_emu, tmp_path, fast_path):
    emu = admin_emu
    emu.reset()
    assert playbook(ORG_PLAY, emu, env=env(emu)).rc == 0
    keys_file = str(tmp_path / 'keys.yml')
    first = playbook(KEY_PLAY, emu, env=env(emu), extra_vars={'keys_file': keys_file}, fast_path=fast_path)
    assert first.rc == 0 and first.result('key')['changed'] is True, first
    emu.clear()
    second = playbook(KEY_PLAY, emu, env=env(emu), extra_vars={'keys_file': keys_file}, fast_path=fast_path)
    assert second.rc == 0 and second.result('key')['changed'] is False, second
    # the user is read (one login), the key is proved with itself; nothing is created
    assert 'POST /be/v1/apikeys' not in writes(emu) and 'POST /be/v1/users' not in writes(emu)
    emu.clear()
    rotated = playbook(KEY_PLAY, emu, env=env(emu), extra_vars={'keys_file': keys_file, 'state': 'rotated'}, fast_path=fast_path)
    assert rotated.rc == 0, rotated
    done = writes(emu)
    assert done.index('POST /be/v1/apikeys') < [i for i, w in enumerate(done) if w.startswith('DELETE /be/v1/apikeys/')][0]
    removed = playbook(KEY_PLAY, emu, env=env(emu), extra_vars={'keys_file': keys_file, 'state': 'absent'}, fast_path=fast_path)
    assert removed.rc == 0 and removed.result('key')['changed'] is True, removed
    playbook(ORG_PLAY, emu, env=env(emu), extra_vars={'state': 'absent'})
