"""The role rockitplay.edge.bootstrap against the emulator: a whole organisation, idempotence, prune, secrets.

What the emulator saw (its request log) is the truth: the first converge sends exactly one write per
object, the second none; check mode sends no write; prune never deletes the role Administrators nor the
user the play authenticates as; new API keys are handed back and written to a 0600 file, never printed.
"""
import collections
import os
import stat
import time

import pytest
import yaml

from emulator_defaults import ADMIN

pytestmark = pytest.mark.integration

PLAY = '''
- name: Bootstrap
  hosts: localhost
  gather_facts: false
  roles:
    - role: rockitplay.edge.bootstrap
  post_tasks:
    - name: keys handed back
      ansible.builtin.debug:
        msg: "{{ rockit_bootstrap_api_keys | list | sort }}"
    - name: summary handed back
      ansible.builtin.debug:
        msg: "{{ rockit_bootstrap_summary }}"
'''

SUMMARY = 'summary handed back'
PLAN = 'rockitplay.edge.bootstrap : Check the declaration and plan the changes'
KINDS = ('deployments', 'roles', 'users', 'apps', 'subscriptions')
COLLECTION_PATHS = {'deployments': '/be/v1/deployments', 'roles': '/be/v1/roles', 'users': '/be/v1/users',
                    'apps': '/be/v1/apps', 'subscriptions': '/be/v1/subscriptions'}


def organisation(deployments=3, roles=20, users=50, apps=30, subscriptions=40, machine_every=5):
    """An organisation of the given size; every machine_every-th user is a machine user."""
    org = {
        'rockit_deployments': [
            {'name': 'dep_%d' % i,
             'origin': {'type': 's3', 'endpoint': 's3.eu-central-%d.example.com' % (i + 1), 'region': 'eu-central-%d' % (i + 1),
                        'bucket': 'games', 'access_key_id': 'AKIA-TEST-%d' % i, 'secret_access_key': 'deployment-secret-%d' % i}}
            for i in range(deployments)],
        'rockit_roles': [
            {'name': 'role_%02d' % i, 'label': 'Role %d' % i,
             'permissions': {'apps': ['read'] + (['update'] if i % 2 else []), 'tasks': i % 32}}
            for i in range(roles)],
        'rockit_users': [],
        'rockit_apps': [
            {'name': 'app_%02d' % i, 'label': 'App %d' % i, 'max_builds': 1 + i % 10,
             'deployments': ['dep_%d' % (i % deployments)]}
            for i in range(apps)],
        'rockit_subscriptions': [],
    }
    for i in range(users):
        if i % machine_every == 0:
            user = {'username': 'bot_%02d' % i, 'type': 'machine', 'label': 'Bot %d' % i}
        else:
            user = {'username': 'user_%02d' % i, 'email': 'user%d@example.com' % i, 'first_name': 'First%d' % i,
                    'surname': 'Last%d' % i, 'password': 'user-password-%d' % i}
        user['roles'] = ['role_%02d' % (i % roles)] if roles else []
        org['rockit_users'].append(user)
    senders = ('dltar', 'mkraw', 'deploy')
    for i in range(subscriptions):
        sub = {'name': 'sub_%02d' % i, 'sender': senders[i % 3], 'events': ['end', 'error'] if i % 2 else ['begin']}
        if i % 2:
            sub['webhook_url'] = 'https://hooks.example.com/rockit/%d' % i
        else:
            sub['slack_channel'] = '#rockit-%d' % i
        org['rockit_subscriptions'].append(sub)
    return org


def machine_users(org):
    return sorted(u['username'] for u in org['rockit_users'] if u.get('type') == 'machine')


def summary(run):
    """The fact rockit_bootstrap_summary, as the play's post_tasks show it."""
    return run.result(SUMMARY)['msg']


def planned(run, what='prune'):
    """Per kind, what the plan holds under ``what`` (prune, extra, kept...)."""
    kinds = run.result(PLAN)['plan']['kinds']
    return dict((kind, part[what]) for kind, part in kinds.items() if part.get(what))


def write_counts(writes):
    return collections.Counter((w['method'], w['path']) for w in writes)


def converge(playbook, edge, org, **kwargs):
    started = time.monotonic()
    run = playbook(PLAY, edge, extra_vars=org, **kwargs)
    return run, time.monotonic() - started


def test_large_organisation_converges_once_then_changes_nothing(playbook, edge, tmp_path):
    org = organisation()
    keys_file = tmp_path / 'keys' / 'api_keys.yml'
    keys_file.parent.mkdir()
    org['rockit_api_keys_file'] = str(keys_file)

    # first converge: exactly one write (a create) per object, nothing else
    run, first = converge(playbook, edge, org, verbosity=1)
    assert run.rc == 0, run
    expected = collections.Counter({('POST', COLLECTION_PATHS[kind]): len(org['rockit_' + kind]) for kind in KINDS})
    assert write_counts(edge.writes()) == expected
    assert sum(expected.values()) == 3 + 20 + 50 + 30 + 40
    done = summary(run)
    for kind in KINDS:
        names = [o.get('name', o.get('username')) for o in org['rockit_' + kind]]
        assert done[kind] == {'created': names, 'updated': [], 'deleted': [], 'unchanged': []}, kind

    # the API keys: handed back (the caller sees the user names), written with mode 0600, valid, never printed
    bots = machine_users(org)
    assert run.result('keys handed back')['msg'] == bots
    assert stat.S_IMODE(os.stat(keys_file).st_mode) == 0o600
    keys = dict((user, entry['api_key']) for user, entry in yaml.safe_load(keys_file.read_text())[ADMIN['org']].items())
    assert sorted(keys) == bots
    for bot, key in keys.items():
        assert key and key not in run.stdout and key not in run.stderr, bot
        assert key not in str(run.results), bot
        edge.api('GET', '/be/v1/apps', user=bot, api_key=key, expect=200)
    for secret in ('deployment-secret-0', 'user-password-1'):
        assert secret not in run.stdout and secret not in str(run.results)

    # second converge: no change, no write
    edge.clear()
    run, second = converge(playbook, edge, org)
    assert run.rc == 0, run
    assert edge.writes() == []
    done = summary(run)
    for kind in KINDS:
        assert done[kind]['created'] == done[kind]['updated'] == done[kind]['deleted'] == [], kind
        assert len(done[kind]['unchanged']) == len(org['rockit_' + kind]), kind
    assert 'changed=0' in run.stdout
    assert run.result('keys handed back')['msg'] == []
    kept = dict((user, entry['api_key']) for user, entry in yaml.safe_load(keys_file.read_text())[ADMIN['org']].items())
    assert kept == keys  # the keys of the first run stay in the file
    print('\nbootstrap of 143 objects: first converge %.1f s, second converge %.1f s' % (first, second))


def small_organisation():
    org = organisation(deployments=2, roles=3, users=4, apps=3, subscriptions=2, machine_every=2)
    org['rockit_apps'][2]['deployments'] = ['dep_0']
    return org


def add_undeclared(edge):
    """Objects the declaration does not know, in use by each other (so the delete order matters)."""
    edge.api('POST', '/be/v1/deployments', {'name': 'stray_dep', 'origin': {
        'type': 'netstorage', 'endpoint': 'stray.akamaihd.net', 'credentials': {'keyName': 'k', 'key': 'v'}}}, expect=200)
    edge.api('POST', '/be/v1/roles', {'name': 'stray_role', 'permissions': {'apps': 2}}, expect=200)
    edge.api('POST', '/be/v1/users', {'username': 'stray_user', 'email': 'stray@example.com', 'firstname': 'S',
                                      'surname': 'T', 'roles': ['stray_role']}, expect=200)
    edge.api('POST', '/be/v1/users', {'username': 'stray_bot', 'label': 'Stray', 'roles': ['stray_role']}, expect=200)
    edge.api('POST', '/be/v1/apps', {'name': 'stray_app', 'label': 'Stray', 'deployments': ['stray_dep']}, expect=200)
    edge.api('POST', '/be/v1/subscriptions', {'name': 'stray_sub', 'sender': 'deploy', 'events': ['end'], 'type': 'webhook',
                                              'webhook': {'url': 'https://stray.example.com/hook'}}, expect=200)


STRAYS = {'deployments': ['stray_dep'], 'roles': ['stray_role'], 'users': ['stray_bot', 'stray_user'],
          'apps': ['stray_app'], 'subscriptions': ['stray_sub']}
ALL_PRUNE = dict((kind, True) for kind in KINDS)
# Pruning apps and deployments destroys published content: it needs its own consent.
PRUNE_ALL = {'rockit_prune': ALL_PRUNE, 'rockit_prune_allow_content_loss': True}


def names_on_edge(edge, kind):
    key = 'username' if kind == 'users' else 'name'
    items = edge.api('GET', COLLECTION_PATHS[kind], params={'limit': 1000}, expect=200).json()[kind]
    return sorted(set(i[key] for i in items))


def test_prune_check_mode_lists_and_writes_nothing_then_deletes_in_reverse_order(playbook, edge):
    org = small_organisation()
    assert converge(playbook, edge, org)[0].rc == 0
    add_undeclared(edge)
    before = dict((kind, names_on_edge(edge, kind)) for kind in KINDS)
    edge.clear()

    # check mode: the preview and the summary name what would go; no write; each kind listed once
    run = playbook(PLAY, edge, extra_vars=dict(org, **PRUNE_ALL), check=True, diff=True)
    assert run.rc == 0, run
    assert edge.writes() == []
    assert planned(run) == STRAYS
    done = summary(run)
    for kind in KINDS:
        assert sorted(done[kind]['deleted']) == sorted(STRAYS[kind]), kind
        assert done[kind]['created'] == done[kind]['updated'] == [], kind
    lists = collections.Counter(r['path'] for r in edge.requests() if r['method'] == 'GET' and r['path'] in COLLECTION_PATHS.values())
    assert lists == collections.Counter(COLLECTION_PATHS.values())
    assert dict((kind, names_on_edge(edge, kind)) for kind in KINDS) == before

    # for real: exactly the undeclared objects go, users before roles, apps before deployments
    edge.clear()
    run = playbook(PLAY, edge, extra_vars=dict(org, **PRUNE_ALL))
    assert run.rc == 0, run
    deletes = [(w['method'], w['path']) for w in edge.writes()]
    # kinds in reverse dependency order; the objects of one kind are deleted side by side, in any order
    assert [path.split('/')[3] for dummy, path in deletes] == ['subscriptions', 'apps', 'users', 'users', 'roles', 'deployments']
    assert sorted(deletes) == sorted([('DELETE', '/be/v1/subscriptions/stray_sub'), ('DELETE', '/be/v1/apps/stray_app'),
                                      ('DELETE', '/be/v1/users/stray_user'), ('DELETE', '/be/v1/users/stray_bot'),
                                      ('DELETE', '/be/v1/roles/stray_role'), ('DELETE', '/be/v1/deployments/stray_dep')])
    assert names_on_edge(edge, 'roles') == sorted(['Administrators'] + [r['name'] for r in org['rockit_roles']])
    assert names_on_edge(edge, 'users') == sorted([ADMIN['user']] + [u['username'] for u in org['rockit_users']])

    # and again: nothing left to prune, nothing written
    edge.clear()
    run = playbook(PLAY, edge, extra_vars=dict(org, **PRUNE_ALL))
    assert run.rc == 0, run
    assert edge.writes() == []


@pytest.mark.parametrize('source', ['rockit_connection', 'environment', 'rockit_auth_username'])
def test_prune_never_deletes_administrators_nor_the_authenticating_user(playbook, edge, source):
    connection = {'edge_url': edge.url, 'edge_org': ADMIN['org'], 'edge_username': ADMIN['user'], 'edge_api_key': ADMIN['api_key']}
    extra = dict(PRUNE_ALL, rockit_roles=[], rockit_users=[])
    if source == 'rockit_connection':
        # the connection only through the role's variable (as an AWX job passes it), no ROCKIT_* variable
        run = playbook(PLAY, None, extra_vars=dict(extra, rockit_connection=connection))
    elif source == 'environment':
        run = playbook(PLAY, edge, extra_vars=extra)
    else:
        # the user name only in the play's module_defaults: the play names it in rockit_auth_username
        play = PLAY.replace('  roles:\n', '  module_defaults:\n    group/rockitplay.edge.rockit: %s\n  roles:\n' % connection)
        run = playbook(play, None, extra_vars=dict(extra, rockit_auth_username=ADMIN['user']))
    assert run.rc == 0, run
    assert edge.writes() == []
    assert names_on_edge(edge, 'roles') == ['Administrators']
    assert names_on_edge(edge, 'users') == [ADMIN['user']]


def test_input_is_checked_before_any_request(playbook, edge):
    org = small_organisation()
    org['rockit_subscriptions'].append({'name': 'bad-name', 'sender': 'deploy', 'events': ['end'], 'slack_channel': '#x'})
    run = playbook(PLAY, edge, extra_vars=org)
    assert run.rc != 0
    failure = run.result(PLAN)
    # one readable sentence, not a list
    assert isinstance(failure['msg'], str)
    assert "rockit_subscriptions[2] (bad-name): name: 'bad-name' does not match" in failure['msg'], failure
    assert edge.requests() == []

    org = small_organisation()
    org['rockit_users'][1]['passwrd'] = 'typo-secret'
    org['rockit_apps'][0]['max_builds'] = 'many'
    run = playbook(PLAY, edge, extra_vars=org, verbosity=1)
    assert run.rc != 0
    assert 'rockit_users.passwrd' in run.stdout and 'max_builds' in run.stdout
    assert edge.requests() == []


def test_keys_are_kept_when_a_later_task_fails(playbook, edge, tmp_path):
    org = small_organisation()
    # the Edge refuses the first subscription, after the users were created
    edge.fault(method='POST', path='/be/v1/subscriptions', status=403, times=1,
               body={'status': 'failed', 'error': 'forbidden', 'message': 'missing permission subscriptions.create',
                     'permission': 'subscriptions.create'})
    keys_file = tmp_path / 'api_keys.yml'
    run = playbook(PLAY, edge, extra_vars=dict(org, rockit_api_keys_file=str(keys_file)))
    assert run.rc != 0
    assert 'subscriptions.create' in run.stdout
    keys = yaml.safe_load(keys_file.read_text())[ADMIN['org']]
    assert sorted(keys) == machine_users(org)
    assert stat.S_IMODE(os.stat(keys_file).st_mode) == 0o600
    assert 'users: 4 created (%s)' % ', '.join(u['username'] for u in org['rockit_users']) in str(
        run.result('rockitplay.edge.bootstrap : Summary')['msg'])


def test_module_path(playbook, edge):
    org = small_organisation()
    run = playbook(PLAY, edge, extra_vars=org, fast_path=False)
    assert run.rc == 0, run
    assert sum(write_counts(edge.writes()).values()) == 2 + 3 + 4 + 3 + 2
    assert run.result('keys handed back')['msg'] == machine_users(org)
    edge.clear()
    run = playbook(PLAY, edge, extra_vars=org, fast_path=False)
    assert run.rc == 0, run
    assert edge.writes() == []


def test_waits_for_the_pipelines_of_the_changed_apps(playbook, edge):
    org = small_organisation()
    assert converge(playbook, edge, org)[0].rc == 0
    edge.api('POST', '/be/v1/builds', {'appName': 'app_00', 'url': 'https://builds.example.com/app_00/0001.tar'}, expect=200)
    org['rockit_apps'][0]['label'] = 'App 0, relabelled'
    run = playbook(PLAY, edge, extra_vars=dict(org, rockit_wait_for_pipelines=True, rockit_wait_timeout=120))
    assert run.rc == 0, run
    assert summary(run)['apps']['updated'] == ['app_00']
    waited = run.result('rockitplay.edge.bootstrap : Wait for the pipelines of the changed apps')['results']
    assert [r['item'] for r in waited] == ['app_00']
    tasks = edge.api('GET', '/be/v1/tasks', params={'appName': 'app_00', 'limit': 1000}, expect=200).json()['tasks']
    assert tasks and all(t['status'] == 'done' for t in tasks)
    assert edge.api('GET', '/be/v1/apps/app_00', expect=200).json()['app']['processing'] is False
