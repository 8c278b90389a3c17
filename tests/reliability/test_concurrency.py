"""Concurrency: eight organisations applied at once by the bootstrap role, and two plays racing on one.

One emulator holds eight organisations (``POST /_emulator/orgs``); the inventory has one host per
organisation (``ansible_connection: local``, the connection in per-host variables) and the role
applies all of them with ``--forks 8``. Every organisation must end exactly as declared, and a second
run must change nothing. Then two ansible-playbook processes apply the same organisation at the same
moment: the result must be the declared state, with no failure (the play that finds an object created
by the other one meanwhile compares it instead) and no traceback, and a third run must report no change.
"""
import json
import sys
import threading

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ORGS = ['Org_%d' % i for i in range(1, 9)]
RACE_DELAY = 4.0   # longer than the two plays start apart, even on a busy machine
PLAY = '''
- name: Bootstrap every organisation of the inventory
  hosts: all
  gather_facts: false
  roles:
    - role: rockitplay.edge.bootstrap
'''


def declaration(i):
    """The declared organisation of host ``i`` (its objects differ a little from host to host)."""
    return {
        'rockit_deployments': [{'name': 'cdn', 'origin': {
            'type': 's3', 'endpoint': 's3.eu-central-1.example.com', 'region': 'eu-central-1', 'bucket': 'games%d' % i,
            'access_key_id': 'AKIDORG%d' % i, 'secret_access_key': 'secret-org-%d' % i}}],
        'rockit_roles': [{'name': 'Devs', 'label': 'Developers %d' % i, 'permissions': {'apps': ['read', 'update'], 'tasks': 2}},
                         {'name': 'Ops', 'label': 'Operations', 'permissions': {'deployments': 15}}],
        'rockit_users': [{'username': 'ci_bot', 'type': 'machine', 'label': 'CI %d' % i, 'roles': ['Devs']},
                         {'username': 'jdoe', 'email': 'jdoe%d@example.com' % i, 'first_name': 'Jane', 'surname': 'Doe',
                          'roles': ['Ops', 'Devs']}],
        'rockit_apps': [{'name': 'Game', 'label': 'Game %d' % i, 'max_builds': 3, 'deployments': ['cdn']}],
        'rockit_subscriptions': [{'name': 'hook', 'sender': 'deploy', 'events': ['end', 'error'],
                                  'webhook_url': 'https://hooks.example.com/%d' % i}],
    }


def inventory(path, emu, orgs):
    hosts = {}
    for i, org in enumerate(orgs, 1):
        host = dict(declaration(i), ansible_connection='local', ansible_python_interpreter=sys.executable,
                    rockit_connection={'edge_url': emu.url, 'edge_org': org, 'edge_username': 'admin_%d' % i,
                                       'edge_api_key': 'key-%s' % org})
        hosts[org.lower()] = host
    with open(path, 'w') as handle:
        json.dump({'all': {'hosts': hosts}}, handle)   # JSON is YAML
    return path


def add_orgs(emu, orgs):
    for i, org in enumerate(orgs, 1):
        emu.control('POST', 'orgs', {'org': org, 'admin_user': 'admin_%d' % i, 'admin_api_key': 'key-%s' % org})


def check_org(emu, org, i):
    """The organisation on the emulator holds exactly the declared objects, with the declared fields."""
    state = emu.control('GET', 'state?org=%s' % org)
    want = declaration(i)
    roles = dict((r['name'], r) for r in state['roles'])
    assert sorted(roles) == ['Administrators', 'Devs', 'Ops'], (org, sorted(roles))
    assert roles['Devs']['label'] == 'Developers %d' % i and roles['Devs']['permissions']['apps'] == 6
    assert roles['Devs']['permissions']['tasks'] == 2 and roles['Ops']['permissions']['deployments'] == 15
    users = dict((u['username'], u) for u in state['users'])
    assert sorted(users) == sorted(['admin_%d' % i, 'ci_bot', 'jdoe']), (org, sorted(users))
    assert users['ci_bot']['type'] == 'machine' and users['ci_bot']['label'] == 'CI %d' % i and users['ci_bot']['roles'] == ['Devs']
    assert users['jdoe']['email'] == 'jdoe%d@example.com' % i and sorted(users['jdoe']['roles']) == ['Devs', 'Ops']
    [dep] = state['deployments']
    assert dep['name'] == 'cdn' and dep['origin']['bucket'] == 'games%d' % i, dep
    [app] = state['apps']
    assert (app['name'], app['label'], app['maxBuilds'], app['deployments']) == ('Game', 'Game %d' % i, 3, ['cdn']), app
    [sub] = state['subscriptions']
    assert sub['name'] == 'hook' and sorted(sub['events']) == ['end', 'error'], sub
    assert sub['webhook']['url'] == want['rockit_subscriptions'][0]['webhook_url'], sub


def host_results(run, host):
    return [r for r in run.results if r['host'] == host]


def assert_clean(run):
    out = run.stdout + run.stderr
    assert 'Traceback' not in out and 'Unexpected error' not in out, run


def test_eight_organisations_with_forks_8(playbook, emulator_factory, tmp_path, record_property):
    emu = emulator_factory('--quiet')
    add_orgs(emu, ORGS)
    inv = inventory(str(tmp_path / 'inventory.yml'), emu, ORGS)
    run = playbook(PLAY, None, inventory=inv, args=['--forks', '8'])
    assert run.rc == 0, run
    assert_clean(run)
    for i, org in enumerate(ORGS, 1):
        check_org(emu, org, i)
        assert [r for r in host_results(run, org.lower()) if r['status'] == 'failed'] == []
    by_org = {}
    for request in emu.requests():
        by_org.setdefault(request['org'], []).append(request)
    assert sorted(o for o in by_org if o) == sorted(ORGS)     # every host talked to its own organisation only

    emu.clear()
    again = playbook(PLAY, None, inventory=inv, args=['--forks', '8'])
    assert again.rc == 0, again
    assert [r['task'] for r in again.results if r['result'].get('changed')] == []
    assert emu.writes() == []
    record_property('concurrent_orgs', len(ORGS))


def test_two_plays_racing_on_one_organisation(playbook, emulator_factory, tmp_path, record_property):
    emu = emulator_factory('--quiet')
    add_orgs(emu, ['Race'])
    inv = inventory(str(tmp_path / 'inventory.yml'), emu, ['Race'])
    # hold the first create of a role: the other play finds the role absent too and creates it meanwhile
    emu.fault(method='POST', path='/be/v1/roles', delay=RACE_DELAY, times=1)
    runs = [None, None]

    def apply(slot):
        runs[slot] = playbook(PLAY, None, inventory=inv)

    threads = [threading.Thread(target=apply, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    warnings = []
    for run in runs:
        assert_clean(run)
        assert run.rc == 0, run
        warnings += [w for entry in run.results for w in entry['result'].get('warnings', [])]
    # the play that lost the race found the role created meanwhile and compared it instead of failing
    assert [w for w in warnings if 'created by someone else' in w] != [], (runs, warnings)
    check_org(emu, 'Race', 1)
    creates = [r['status'] for r in emu.requests() if (r['method'], r['path']) == ('POST', '/be/v1/roles')]
    assert sorted(creates) == [200, 200, 409], creates     # the race happened: Devs was created twice at once

    emu.clear()
    third = playbook(PLAY, None, inventory=inv)
    assert third.rc == 0, third
    assert [r['task'] for r in third.results if r['result'].get('changed')] == []
    assert emu.writes() == []
    check_org(emu, 'Race', 1)
    record_property('race_conflicts_compared', len(warnings))
