"""Prune's guard rails in the bootstrap role: what it never deletes, how much it may delete, and the consent that
deleting apps and deployments needs. Every refusal happens before the first write (the request log proves it), and
check mode names exactly what the real run then deletes.
"""
import pytest

from edge_orgs import ROLE_PLAY, Org, writes_of

pytestmark = pytest.mark.integration

PLAN = 'rockitplay.edge.bootstrap : Check the declaration and plan the changes'
KINDS = ('deployments', 'roles', 'users', 'apps', 'subscriptions')


def prune(*kinds):
    return {'rockit_prune': dict((kind, kind in kinds) for kind in KINDS)}


def deletes(edge):
    return [(m, p) for m, p in writes_of(edge.requests()) if m == 'DELETE']


def plan_of(run):
    return run.result(PLAN)['plan']['kinds']


@pytest.fixture
def org(edge):
    """An organisation with a second administrator (founder) besides its primary administrator (adminPrincipal)."""
    org = Org(edge, 'GuardOrg')
    org.api('POST', '/be/v1/users', {'username': 'founder', 'email': 'founder@example.com', 'firstname': 'F',
                                     'surname': 'Ounder', 'roles': ['Administrators']})
    return org


def as_bot(org):
    """Authenticate as a machine user of Administrators created later than the primary administrator."""
    created = org.api('POST', '/be/v1/users', {'username': 'ops_bot', 'label': 'Ops', 'roles': ['Administrators']}).json()
    return {'ROCKIT_ORGNAME': org.name, 'ROCKIT_USERNAME': 'ops_bot', 'ROCKIT_API_KEY': created['apiKey']}


def test_never_the_authenticated_user_the_primary_administrator_nor_administrators(playbook, edge, org):
    env = as_bot(org)
    org.api('POST', '/be/v1/users', {'username': 'stray', 'label': 'Stray', 'roles': []})
    declaration = dict(prune('users', 'roles'), rockit_users=[{'username': 'founder'}])
    edge.clear()
    run = playbook(ROLE_PLAY, edge, env=env, extra_vars=declaration, check=True)
    assert run.rc == 0, run
    kinds = plan_of(run)
    assert kinds['users']['prune'] == ['stray']
    kept = dict((k['name'], k['reason']) for k in kinds['users']['kept'])
    assert kept == {'ops_bot': 'the user the play authenticates as', 'adminPrincipal': 'the primary administrator of the organisation'}
    assert kinds['roles']['kept'] == [{'name': 'Administrators', 'reason': 'every organisation has it'}]
    assert writes_of(edge.requests()) == []
    assert '[localhost] user stray: deleted' in run.stdout
    run = playbook(ROLE_PLAY, edge, env=env, extra_vars=declaration)
    assert run.rc == 0, run
    assert deletes(edge) == [('DELETE', '/be/v1/users/stray')]
    assert 'ops_bot' in org.names('users')


def test_the_primary_administrator_is_the_first_member_of_administrators(playbook, edge, org):
    env = as_bot(org)
    edge.clear()
    run = playbook(ROLE_PLAY, edge, env=env, extra_vars=prune('users'), check=True)
    assert run.rc == 0, run
    kept = dict((k['name'], k['reason']) for k in plan_of(run)['users']['kept'])
    # adminPrincipal was created with the organisation, before founder and ops_bot
    assert kept == {'ops_bot': 'the user the play authenticates as', 'adminPrincipal': 'the primary administrator of the organisation'}
    assert plan_of(run)['users']['prune'] == ['founder']


def test_a_role_still_assigned_and_a_deployment_still_used_are_kept(playbook, edge, org):
    org.api('POST', '/be/v1/roles', {'name': 'Used', 'permissions': {'apps': 2}})
    org.api('POST', '/be/v1/roles', {'name': 'Unused', 'permissions': {'apps': 2}})
    org.api('POST', '/be/v1/users', {'username': 'keeper', 'label': 'Keeper', 'roles': ['Used']})
    for name in ('used_dep', 'unused_dep'):
        org.api('POST', '/be/v1/deployments', {'name': name, 'origin': {'type': 'netstorage', 'endpoint': '%s.akamaihd.net' % name.replace('_', '-'),
                                                                        'credentials': {'keyName': 'k', 'key': 'v'}}})
    org.api('POST', '/be/v1/apps', {'name': 'Game', 'label': 'Game', 'deployments': ['used_dep']})
    declaration = dict(prune('roles', 'deployments'), rockit_prune_allow_content_loss=True,
                       rockit_users=[{'username': 'keeper', 'type': 'machine'}], rockit_apps=[{'name': 'Game'}])
    edge.clear()
    run = playbook(ROLE_PLAY, edge, env=org.env(), extra_vars=declaration)
    assert run.rc == 0, run
    kinds = plan_of(run)
    assert kinds['roles']['prune'] == ['Unused']
    assert {'name': 'Used', 'reason': 'still assigned to the users keeper'} in kinds['roles']['kept']
    assert kinds['deployments']['prune'] == ['unused_dep']
    assert kinds['deployments']['kept'] == [{'name': 'used_dep', 'reason': 'still used by the apps Game'}]
    assert deletes(edge) == [('DELETE', '/be/v1/roles/Unused'), ('DELETE', '/be/v1/deployments/unused_dep')]

    # the same run taking the role away from its user in the declaration: now the role goes (after the user changed)
    declaration['rockit_users'] = [{'username': 'keeper', 'type': 'machine', 'roles': []}]
    edge.clear()
    run = playbook(ROLE_PLAY, edge, env=org.env(), extra_vars=declaration)
    assert run.rc == 0, run
    assert writes_of(edge.requests()) == [('PATCH', '/be/v1/users'), ('DELETE', '/be/v1/roles/Used')]


def test_a_declared_deletion_the_edge_would_refuse_fails_before_any_write(playbook, edge, org):
    org.api('POST', '/be/v1/roles', {'name': 'Used', 'permissions': {'apps': 2}})
    org.api('POST', '/be/v1/users', {'username': 'keeper', 'label': 'Keeper', 'roles': ['Used']})
    edge.clear()
    run = playbook(ROLE_PLAY, edge, env=org.env(), extra_vars={
        'rockit_roles': [{'name': 'Fresh', 'label': 'Fresh'}, {'name': 'Used', 'state': 'absent'}]})
    assert run.rc != 0
    msg = run.result(PLAN)['msg']
    assert isinstance(msg, str) and 'Used is declared absent but stays assigned to the users keeper' in msg
    assert writes_of(edge.requests()) == []


def test_excluded_names_and_patterns_are_never_pruned(playbook, edge, org):
    for name in ('break_glass_1', 'Break_Glass_2', 'temp_bot'):
        org.api('POST', '/be/v1/users', {'username': name, 'label': name, 'roles': []})
    edge.clear()
    run = playbook(ROLE_PLAY, edge, env=org.env(), extra_vars=dict(
        prune('users'), rockit_users=[{'username': 'founder'}], rockit_prune_exclude={'users': ['break_glass_*']}))
    assert run.rc == 0, run
    assert deletes(edge) == [('DELETE', '/be/v1/users/temp_bot')]
    assert sorted(org.names('users')) == ['Break_Glass_2', 'adminPrincipal', 'break_glass_1', 'founder']


def test_more_deletions_than_allowed_stop_the_run_before_anything_is_deleted(playbook, edge, org):
    for index in range(12):
        org.api('POST', '/be/v1/subscriptions', {'name': 'old_sub_%02d' % index, 'sender': 'deploy', 'events': ['end'],
                                                 'type': 'webhook', 'webhook': {'url': 'https://hooks.example.com/%d' % index}})
    declaration = dict(prune('subscriptions'), rockit_roles=[{'name': 'NewRole', 'label': 'New'}])
    for check in (True, False):
        edge.clear()
        run = playbook(ROLE_PLAY, edge, env=org.env(), extra_vars=declaration, check=check)
        assert run.rc != 0
        msg = run.result(PLAN)['msg']
        assert 'Prune would delete 12 objects, more than rockit_prune_max_deletions' in msg and '(10)' in msg
        assert 'old_sub_00' in msg and 'old_sub_11' in msg
        assert writes_of(edge.requests()) == []  # not even the new role
    edge.clear()
    run = playbook(ROLE_PLAY, edge, env=org.env(), extra_vars=dict(declaration, rockit_prune_max_deletions=12))
    assert run.rc == 0, run
    assert len(deletes(edge)) == 12 and ('POST', '/be/v1/roles') in writes_of(edge.requests())


def test_pruning_apps_and_deployments_needs_its_own_consent(playbook, edge, org):
    org.api('POST', '/be/v1/deployments', {'name': 'cdn', 'origin': {'type': 'netstorage', 'endpoint': 'cdn.akamaihd.net',
                                                                     'credentials': {'keyName': 'k', 'key': 'v'}}})
    org.api('POST', '/be/v1/apps', {'name': 'Game', 'label': 'Game', 'deployments': ['cdn']})
    edge.clear()
    run = playbook(ROLE_PLAY, edge, env=org.env(), extra_vars=prune('apps', 'deployments'))
    assert run.rc != 0
    msg = run.result(PLAN)['msg']
    assert 'destroys published content' in msg and 'apps: Game' in msg and 'deployments: cdn' in msg
    assert 'rockit_prune_allow_content_loss' in msg
    assert writes_of(edge.requests()) == []

    # check mode with consent names exactly what the real run deletes, in the reverse dependency order
    consent = dict(prune('apps', 'deployments'), rockit_prune_allow_content_loss=True)
    run = playbook(ROLE_PLAY, edge, env=org.env(), extra_vars=consent, check=True)
    assert run.rc == 0, run
    predicted = [(kind, name) for kind in ('apps', 'deployments') for name in plan_of(run)[kind]['prune']]
    assert writes_of(edge.requests()) == []
    assert '[localhost] app Game: deleted' in run.stdout and '[localhost] deployment cdn: deleted' in run.stdout
    run = playbook(ROLE_PLAY, edge, env=org.env(), extra_vars=consent)
    assert run.rc == 0, run
    assert deletes(edge) == [('DELETE', '/be/v1/apps/Game'), ('DELETE', '/be/v1/deployments/cdn')]
    assert predicted == [('apps', 'Game'), ('deployments', 'cdn')]
