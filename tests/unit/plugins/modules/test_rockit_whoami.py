"""rockit_whoami as a module: the effective permissions of the authenticated user, and the pre-flight of a run."""
from ansible_collections.rockitplay.edge.plugins.modules import rockit_whoami

from module_runner import run_module  # pylint: disable=import-error

ME = {'username': 'adminPrincipal', 'type': 'machine', 'label': 'Automation', 'roles': ['Readers', 'App_Editors']}
ZERO = dict.fromkeys(('apps', 'beUsers', 'bundles', 'consumption', 'dependencies', 'deployments', 'keys', 'roles', 'sources',
                      'subscriptions', 'tasks', 'trainings'), 0)


def role(name, **permissions):
    return {'status': 'success', 'role': {'name': name, 'label': '', 'permissions': dict(ZERO, **permissions)}}


def me(fake):
    fake.add('GET', '/be/v1/users/adminPrincipal', body={'status': 'success', 'user': ME})
    fake.add('GET', '/be/v1/roles/Readers', body=role('Readers', beUsers=2, roles=2, apps=2))
    fake.add('GET', '/be/v1/roles/App_Editors', body=role('App_Editors', apps=4, tasks=2))


def test_the_effective_permissions_are_the_or_of_the_roles(fake, monkeypatch):
    me(fake)
    result = run_module(rockit_whoami, fake, monkeypatch)
    assert result['changed'] is False and result['user']['username'] == 'adminPrincipal' and result['user']['type'] == 'machine'
    assert result['permissions'] == dict(ZERO, apps=6, beUsers=2, roles=2, tasks=2)
    assert result['granted'] == ['apps.read', 'apps.update', 'beUsers.read', 'roles.read', 'tasks.read']
    assert fake.writes() == [] and 'required' not in result


def test_preflight_names_what_is_missing_and_writes_nothing(fake, monkeypatch):
    me(fake)
    fake.add('GET', '/be/v1/apps', body={'status': 'success', 'totalCount': 1, 'apps': [{'name': 'Sushi'}]})
    result = run_module(rockit_whoami, fake, monkeypatch, requires=['tasks.read', 'tasks.execute'], declarations={
        'rockitplay.edge.rockit_app': [{'name': 'sushi', 'label': 'S'}, {'name': 'Ramen', 'label': 'R', 'all_deployments': True},
                                       {'name': 'Udon', 'state': 'absent'}]})
    assert result['failed'] and fake.writes() == []
    assert result['missing'] == {'apps.create': ['create app Ramen'], 'tasks.execute': ['the run']}
    assert result['msg'].startswith('The user adminPrincipal lacks permissions this run needs, so nothing was written: '
                                    'apps.create (to create app Ramen); tasks.execute (to the run).')
    # sushi exists (names without case) and may be updated: no read of it was needed
    assert [c['path'] for c in fake.calls if c['path'].startswith('/be/v1/apps')] == ['/be/v1/apps']


def test_an_update_is_only_worked_out_when_it_is_not_allowed(fake, monkeypatch):
    fake.add('GET', '/be/v1/users/adminPrincipal', body={'status': 'success', 'user': dict(ME, roles=['Readers'])}, times=2)
    fake.add('GET', '/be/v1/roles/Readers', body=role('Readers', beUsers=2, roles=2, apps=2), times=2)
    fake.add('GET', '/be/v1/apps', body={'status': 'success', 'totalCount': 1, 'apps': [{'name': 'Sushi'}]}, times=2)
    fake.add('GET', '/be/v1/apps/Sushi', body={'status': 'success', 'app': {'name': 'Sushi', 'label': 'S', 'maxBuilds': 5,
                                                                            'deployments': ['gcore']}}, times=2)
    result = run_module(rockit_whoami, fake, monkeypatch, declarations={'rockit_app': [{'name': 'Sushi', 'label': 'S'}]})
    assert not result.get('failed') and result['missing'] == {}
    result = run_module(rockit_whoami, fake, monkeypatch, declarations={'rockit_app': [{'name': 'Sushi', 'label': 'Sushi bar'}]})
    assert result['failed'] and result['missing'] == {'apps.update': ['update app Sushi']}
    assert fake.writes() == []


def test_no_permission_to_read_oneself_is_named(fake, monkeypatch):
    fake.add('GET', '/be/v1/users/adminPrincipal', status=403, body={
        'status': 'failed', 'error': 'forbidden', 'message': 'Permission denied: beUsers.read', 'permission': 'beUsers.read'})
    result = run_module(rockit_whoami, fake, monkeypatch)
    assert result['failed'] and result['api_status'] == 403
    assert 'Grant beUsers.read to one of the roles of adminPrincipal' in result['msg'] and 'roles.read' in result['msg']


def test_bad_requires_and_declarations_are_refused_before_any_request(fake, monkeypatch):
    result = run_module(rockit_whoami, fake, monkeypatch, requires=['apps.fly'])
    assert result['failed'] and "requires: 'apps.fly' is not a permission" in result['msg']
    result = run_module(rockit_whoami, fake, monkeypatch, declarations={'rockit_app': [{'name': 'Sushi', 'label': 'L' * 300}]})
    assert result['failed'] and 'label: 300 characters, but the Edge takes at most 256 characters.' in result['msg']
    assert fake.calls == []
