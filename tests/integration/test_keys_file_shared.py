"""One API keys file for many organisations and hosts: no issued key is ever lost.

8 organisations, one inventory host each, forks 8, one shared keys file: every key the Edge issued is in the file,
under its organisation, and works. A keys file that cannot be written is refused before any machine user is created;
one that fails later keeps the keys in the run's result and says where they are.
"""
import json
import os
import stat
import sys

import pytest
import yaml

from edge_orgs import ROLE_PLAY, Org, writes_of

pytestmark = pytest.mark.integration

ORGS = ['Tenant%d' % index for index in range(1, 9)]
BOTS = ['deploy_bot', 'ci_bot']


def declaration(keys_file):
    return {'rockit_roles': [{'name': 'Bots', 'permissions': {'apps': ['read']}}],
            'rockit_users': [{'username': bot, 'type': 'machine', 'label': bot, 'roles': ['Bots']} for bot in BOTS],
            'rockit_api_keys_file': str(keys_file)}


def inventory(tmp_path, edge, orgs):
    hosts = {}
    for org in orgs:
        hosts[org.name.lower()] = {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable,
                                   'rockit_connection': {'edge_url': edge.url, 'edge_org': org.name, 'edge_username': org.user,
                                                         'edge_api_key': org.key}}
    path = tmp_path / 'inventory.yml'
    path.write_text(yaml.safe_dump({'all': {'hosts': hosts}}))
    return str(path)


PLAY = '''
- name: Bootstrap every organisation
  hosts: all
  gather_facts: false
  roles:
    - role: rockitplay.edge.bootstrap
'''


def test_eight_organisations_share_one_keys_file(playbook, edge, tmp_path):
    orgs = [Org(edge, name) for name in ORGS]
    keys_dir = tmp_path / 'secrets'
    keys_dir.mkdir()
    keys_file = keys_dir / 'api_keys.yml'
    hosts = inventory(tmp_path, edge, orgs)
    run = playbook(PLAY, None, extra_vars=declaration(keys_file), inventory=hosts, args=['--forks', '8'])
    assert run.rc == 0, run
    assert stat.S_IMODE(os.stat(keys_file).st_mode) == 0o600
    data = yaml.safe_load(keys_file.read_text())
    assert sorted(data) == sorted(ORGS)
    issued = 0
    for org in orgs:
        assert sorted(data[org.name]) == sorted(BOTS), org.name
        for bot in BOTS:
            key = data[org.name][bot]['api_key']
            assert key not in run.stdout and key not in json.dumps(run.results)
            edge.api('GET', '/be/v1/apps', org=org.name, user=bot, api_key=key, expect=200)
            # a key works for its own organisation only
            other = orgs[(orgs.index(org) + 1) % len(orgs)]
            assert edge.api('GET', '/be/v1/apps', org=other.name, user=bot, api_key=key).status_code == 401
            issued += 1
    assert issued == 16
    posts = [r for r in edge.requests() if r['method'] == 'POST' and r['path'] == '/be/v1/users']
    assert len(posts) == 16  # exactly as many keys issued as are in the file

    # a second run issues nothing and keeps the file as it is
    before = keys_file.read_bytes()
    edge.clear()
    run = playbook(PLAY, None, extra_vars=declaration(keys_file), inventory=hosts, args=['--forks', '8'])
    assert run.rc == 0, run
    assert writes_of(edge.requests()) == []
    assert keys_file.read_bytes() == before


def test_a_keys_file_that_cannot_be_written_is_refused_before_any_machine_user_is_created(playbook, edge, tmp_path):
    org = Org(edge, 'KeysOrg')
    edge.clear()
    missing = tmp_path / 'no-such-dir' / 'api_keys.yml'
    run = playbook(ROLE_PLAY, edge, env=org.env(), extra_vars=declaration(missing))
    assert run.rc != 0
    msg = run.result('rockitplay.edge.bootstrap : Check the declaration and plan the changes')['msg']
    assert 'does not exist' in msg and str(missing.parent) in msg and 'Nothing was sent' in msg
    assert writes_of(edge.requests()) == []  # not even the role


RESCUE_PLAY = '''
- name: Bootstrap, and keep the keys whatever happens
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Apply
      block:
        - name: The role
          ansible.builtin.include_role:
            name: rockitplay.edge.bootstrap
      rescue:
        - name: Keep the keys the run handed back
          ansible.builtin.copy:
            content: "{{ rockit_bootstrap_api_keys | to_json }}"
            dest: "{{ rescued_keys }}"
            mode: "0600"
          no_log: true
        - name: Fail as the role did
          ansible.builtin.fail:
            msg: rescued
'''


@pytest.mark.parametrize('fast_path', [True, False])
def test_a_keys_file_that_fails_later_keeps_the_keys_and_says_where(playbook, edge, tmp_path, fast_path):
    org = Org(edge, 'LateOrg')
    keys_file = tmp_path / 'api_keys.yml'
    # the lock beside the file cannot be created: the file passes the check, the write fails
    (tmp_path / 'api_keys.yml.lock').mkdir()
    rescued = tmp_path / 'rescued.json'
    run = playbook(RESCUE_PLAY, edge, env=org.env(), extra_vars=dict(declaration(keys_file), rescued_keys=str(rescued)),
                   fast_path=fast_path)
    assert run.rc != 0
    users = run.result('rockitplay.edge.bootstrap : Users')
    assert users.get('censored')  # the keys are in it, so it is hidden
    # the failure is shown anyway, names the users and says where the keys are
    assert 'could not be written to %s' % keys_file in run.stdout, run
    assert 'deploy_bot, ci_bot' in run.stdout and 'registered result' in run.stdout
    summary = run.result('rockitplay.edge.bootstrap : Summary')['msg']
    assert any('NOT written to %s' % keys_file in line and 'rockit_bootstrap_api_keys' in line for line in summary), summary
    keys = json.loads(rescued.read_text())
    assert sorted(keys) == sorted(BOTS)
    for bot, key in keys.items():
        assert key not in run.stdout
        edge.api('GET', '/be/v1/apps', org=org.name, user=bot, api_key=key, expect=200)
    assert not keys_file.exists()
