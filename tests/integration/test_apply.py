"""rockit_apply against the emulator (the module path gives the same results: test_parity.py).

Many objects in one task: created with one write each, unchanged on the second run with no write,
predicted in check mode, refused as a whole before any request when one object is bad; a new
machine user's API key in the registered result only; progress lines for the changed objects.
"""
import json

import pytest

pytestmark = pytest.mark.integration

PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: roles
      rockitplay.edge.rockit_apply:
        kind: role
        objects: "{{ roles }}"
    - name: users
      rockitplay.edge.rockit_apply:
        kind: user
        objects: "{{ users }}"
      register: applied
    - name: keys
      ansible.builtin.debug:
        msg: "{{ applied.results | selectattr('api_key', 'defined') | map(attribute='api_key') | list }}"
'''
ROLES = [{'name': 'Role_%02d' % i, 'label': 'Role %d' % i, 'permissions': {'apps': ['read']}} for i in range(12)]
USERS = ([{'username': 'human_%02d' % i, 'email': 'h%d@example.com' % i, 'first_name': 'H', 'surname': str(i),
           'password': 'Secret-pw-%02d!' % i, 'update_password': 'on_create', 'roles': ['Role_%02d' % (i % 12)]} for i in range(8)]
         + [{'username': 'bot_%02d' % i, 'type': 'machine', 'label': 'Bot %d' % i} for i in range(4)])


def run(playbook, edge, fast_path, roles=None, users=None, check=False, verbosity=0):
    return playbook(PLAY, edge, extra_vars={'roles': ROLES if roles is None else roles, 'users': USERS if users is None else users},
                    diff=True, check=check, fast_path=fast_path, verbosity=verbosity)


def test_many_objects_one_write_each_then_nothing(playbook, edge):
    """The fast path (the module path gives the same results: test_parity.py; its display: the action's unit tests)."""
    fast_path = True
    predicted = run(playbook, edge, fast_path, check=True)
    assert predicted.rc == 0, predicted
    assert predicted.result('roles')['counts']['created'] == 12 and edge.writes() == []

    edge.clear()
    cold = run(playbook, edge, fast_path)
    assert cold.rc == 0, cold
    writes = [(w['method'], w['path']) for w in edge.writes()]
    assert writes == [('POST', '/be/v1/roles')] * 12 + [('POST', '/be/v1/users')] * 12
    # 12 objects or more: one list read per kind instead of a read per new object
    reads = [(r['method'], r['path']) for r in edge.requests() if r['method'] == 'GET']
    assert reads == [('GET', '/be/v1/roles'), ('GET', '/be/v1/users')]
    # a task that returns a new secret shows only its results without a secret (counts and diff are hidden)
    assert 'counts' not in cold.result('users') and cold.result('users')['changed'] is True
    assert '[localhost] role Role_00: created' in cold.stdout and '[localhost] user bot_03: created' in cold.stdout
    # the new API keys: in the registered result, not in what the display saw of the users task
    keys = cold.result('keys')['msg']
    assert len(keys) == 4
    shown = json.dumps(cold.result('users'))
    before_keys_task = cold.stdout.split('TASK [keys]')[0]
    assert not any(key in shown or key in before_keys_task for key in keys)
    assert 'Secret-pw' not in cold.stdout + cold.stderr + json.dumps(cold.results)
    # the other objects' results stay visible
    assert [r['name'] for r in cold.result('users')['results'] if 'censored' not in r][:8] == ['human_%02d' % i for i in range(8)]

    edge.clear()
    warm = run(playbook, edge, fast_path, verbosity=1)
    assert warm.rc == 0, warm
    assert edge.writes() == []
    # one list per kind, and no read by name: the lists of roles and users carry every managed field
    assert [(r['method'], r['path']) for r in edge.requests()] == [('GET', '/be/v1/roles'), ('GET', '/be/v1/users')]
    assert warm.result('roles')['changed'] is False and warm.result('users')['counts']['unchanged'] == 12
    assert '[localhost] user human_00: unchanged' in warm.stdout


def test_one_bad_object_refuses_the_whole_list_before_any_request(playbook, edge):
    fast_path = True
    bad = ROLES[:3] + [{'name': 'Broken', 'permissions': {'apps': 99}}]
    result = run(playbook, edge, fast_path, roles=bad, users=[])
    assert result.rc != 0
    msg = result.result('roles')['msg']
    assert 'objects[3] (Broken): permissions.apps' in msg and 'nothing was sent' in msg
    assert edge.requests() == []


def test_deletes_and_reports_each_object(playbook, edge):
    assert run(playbook, edge, True, users=[]).rc == 0
    edge.clear()
    gone = [{'name': r['name'], 'state': 'absent'} for r in ROLES[:3]]
    result = run(playbook, edge, True, roles=gone, users=[])
    assert result.rc == 0, result
    assert [w['method'] for w in edge.writes()] == ['DELETE'] * 3
    assert result.result('roles')['counts']['deleted'] == 3
    assert '[localhost] role Role_02: deleted' in result.stdout
