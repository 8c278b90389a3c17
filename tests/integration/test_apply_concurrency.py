"""Objects applied side by side send the same writes as one after another, and keep the dependency order.

The emulator's request log is the truth (never the timing): a run with ``concurrency: 8`` sends the same writes
as one with ``concurrency: 1`` and leaves the same organisation; the results come back in the declared order; the
role's creations go kind by kind in dependency order and its deletions in the reverse order.
"""
import collections

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
        concurrency: "{{ workers }}"
    - name: users
      rockitplay.edge.rockit_apply:
        kind: user
        objects: "{{ users }}"
        concurrency: "{{ workers }}"
'''
ROLES = [{'name': 'Role_%02d' % i, 'label': 'Role %d' % i, 'permissions': {'apps': ['read'], 'tasks': i % 4}} for i in range(15)]
# people only: a task that returns a new machine user's API key hides that object's result from the display
USERS = [{'username': 'human_%02d' % i, 'email': 'h%d@example.com' % i, 'first_name': 'H', 'surname': str(i),
          'roles': ['Role_%02d' % (i % 15)]} for i in range(25)]
# Kinds in dependency order, as the emulator's paths name them.
ORDER = ('deployments', 'roles', 'users', 'apps', 'subscriptions')
VOLATILE = frozenset(('created', 'updated', 'dxfName'))


ROLE_PLAY = '''
- hosts: localhost
  gather_facts: false
  roles:
    - role: rockitplay.edge.bootstrap
'''


def organisation(deployments, roles, users, apps, subscriptions):
    """An organisation whose users name its roles, and whose apps name its deployments."""
    return {
        'rockit_deployments': [{'name': 'dep_%d' % i, 'origin': {'type': 's3', 'endpoint': 's3.eu-west-%d.example.com' % i,
                                                                 'region': 'eu-west-%d' % i, 'bucket': 'games',
                                                                 'access_key_id': 'AKIA-%d' % i, 'secret_access_key': 'secret-%d' % i}}
                               for i in range(deployments)],
        'rockit_roles': [{'name': 'role_%d' % i, 'label': 'Role %d' % i, 'permissions': {'apps': ['read']}} for i in range(roles)],
        'rockit_users': [{'username': 'bot_%02d' % i, 'type': 'machine', 'label': 'Bot %d' % i, 'roles': ['role_%d' % (i % roles)]}
                         for i in range(users)],
        'rockit_apps': [{'name': 'app_%d' % i, 'label': 'App %d' % i, 'deployments': ['dep_%d' % (i % deployments)]}
                        for i in range(apps)],
        'rockit_subscriptions': [{'name': 'sub_%d' % i, 'sender': 'deploy', 'events': ['end'],
                                  'webhook_url': 'https://hooks.example.com/%d' % i} for i in range(subscriptions)],
    }


def kind_of(path):
    return path.split('/')[3]


def organisation_state(edge):
    state = edge.control('GET', 'state')
    return dict((kind, sorted(({k: v for k, v in obj.items() if k not in VOLATILE} for obj in state.get(kind, [])), key=repr))
                for kind in ORDER)


def writes(edge):
    return collections.Counter((w['method'], w['path'], w['status']) for w in edge.writes())


def apply(playbook, edge, workers, roles=None, users=None):
    result = playbook(PLAY, edge, extra_vars={'roles': ROLES if roles is None else roles, 'users': USERS if users is None else users,
                                              'workers': workers})
    assert result.rc == 0, result
    return result


def outcome(result, task):
    return [(r['name'], r['action']) for r in result.result(task)['results']]


def test_side_by_side_sends_the_writes_of_one_after_another(playbook, edge):
    runs = {}
    for workers in (1, 8):
        edge.reset()
        cold = apply(playbook, edge, workers)
        cold_writes = writes(edge)
        state = organisation_state(edge)
        edge.clear()
        changed = [dict(r, label='Changed %s' % r['name']) if i % 3 == 0 else r for i, r in enumerate(ROLES)]
        gone = [{'username': u['username'], 'state': 'absent'} for u in USERS[::4]]
        update = apply(playbook, edge, workers, roles=changed, users=gone)
        runs[workers] = dict(cold=cold_writes, state=state, update=writes(edge), after=organisation_state(edge),
                             results=(outcome(cold, 'roles'), outcome(cold, 'users'), outcome(update, 'roles'), outcome(update, 'users')))
    one, many = runs[1], runs[8]
    assert sum(one['cold'].values()) == len(ROLES) + len(USERS)
    assert many['cold'] == one['cold'] and many['state'] == one['state']
    assert many['update'] == one['update'] and many['after'] == one['after']
    # the results in the declared order, the same either way
    assert many['results'] == one['results']
    assert [name for name, dummy in many['results'][1]] == [u['username'] for u in USERS]
    assert collections.Counter(action for dummy, action in many['results'][2]) == {'updated': 5, 'unchanged': 10}


def test_role_creates_in_dependency_order_and_deletes_in_reverse(playbook, edge):
    org = organisation(deployments=3, roles=6, users=12, apps=9, subscriptions=6)
    created = playbook(ROLE_PLAY, edge, extra_vars=dict(org, rockit_concurrency=8))
    assert created.rc == 0, created
    posts = [kind_of(w['path']) for w in edge.writes() if w['method'] == 'POST']
    assert posts == sorted(posts, key=ORDER.index), 'a kind was created before one it depends on: %s' % posts
    assert collections.Counter(posts) == {'deployments': 3, 'roles': 6, 'users': 12, 'apps': 9, 'subscriptions': 6}

    edge.clear()
    absent = {}
    for var, key in (('rockit_deployments', 'name'), ('rockit_roles', 'name'), ('rockit_users', 'username'), ('rockit_apps', 'name'),
                     ('rockit_subscriptions', 'name')):
        absent[var] = [{key: obj[key], 'state': 'absent'} for obj in org[var]]
    deleted = playbook(ROLE_PLAY, edge, extra_vars=dict(absent, rockit_concurrency=8, rockit_prune_allow_content_loss=True))
    assert deleted.rc == 0, deleted
    deletes = [kind_of(w['path']) for w in edge.writes()]
    assert all(w['method'] == 'DELETE' and w['status'] == 200 for w in edge.writes())
    assert deletes == sorted(deletes, key=lambda kind: -ORDER.index(kind)), 'deleted out of reverse order: %s' % deletes
    assert collections.Counter(deletes) == {'deployments': 3, 'roles': 6, 'users': 12, 'apps': 9, 'subscriptions': 6}
