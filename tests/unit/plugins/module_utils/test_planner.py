"""The planner: the modules' own comparison in check mode on a client that cannot write; extras; prune's guard rails."""
import pytest

from ansible_collections.rockitplay.edge.plugins.module_utils.planner import (
    PLAN_MODULE, PlanError, PlanOptions, ReadOnlyClient, field_changes, make_plan, primary_administrators,
)
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import Context, ModuleFailure, execute

CONN = dict(edge_url='http://edge.test', edge_org='ExampleOrg', edge_username='adminPrincipal', edge_api_key='k-123',
            edge_password=None, edge_token=None, validate_certs=True, ca_path=None, request_timeout=30.0, retries=0,
            max_retry_wait=0)
NOT_FOUND = {'status': 'failed', 'error': 'not-found', 'message': 'not found'}


def role(name, label='', apps=0):
    return {'name': name, 'label': label, 'permissions': {'apps': apps, 'tasks': 0}}


def user(name, roles=(), created='2026-01-02T00:00:00Z', machine=True):
    out = {'username': name, 'type': 'machine' if machine else 'user', 'roles': list(roles), 'created': created}
    out.update({'label': name} if machine else {'email': '%s@example.com' % name, 'firstname': 'F', 'surname': 'S', 'title': ''})
    return out


def listing(fake, kind, items):
    fake.add('GET', '/be/v1/%s' % kind, body={'status': 'success', kind: items, 'totalCount': len(items)}, times=-1)


def one(fake, kind, obj):
    key = 'username' if kind == 'users' else 'name'
    fake.add('GET', '/be/v1/%s/%s' % (kind, obj[key]), body={'status': 'success', kind[:-1]: obj})


def context(make_client, **params):
    ctx = Context(dict(CONN, **params), check_mode=False)
    ctx._client = make_client()
    return ctx


def plan(make_client, declarations, **options):
    return make_plan(context(make_client), declarations, PlanOptions(**options))


def test_each_object_is_compared_by_its_modules_code_and_nothing_is_written(fake, make_client):
    listing(fake, 'roles', [role('Administrators'), role('RA', 'same'), role('RB', 'old', apps=2), role('Stray')])
    one(fake, 'roles', role('RA', 'same'))
    fake.add('GET', '/be/v1/roles/rb', body={'status': 'success', 'role': role('RB', 'old', apps=2)})  # names without case
    result = plan(make_client, {'roles': [{'name': 'RA', 'label': 'same'},
                                          {'name': 'rb', 'label': 'new', 'permissions': {'apps': ['read', 'update']}},
                                          {'name': 'RC', 'label': 'missing'}]})
    roles = result['kinds']['roles']
    assert [(e['name'], e['action']) for e in roles['declared']] == [('RA', 'unchanged'), ('rb', 'updated'), ('RC', 'created')]
    assert roles['declared'][1]['changes'] == [{'field': 'label', 'declared': 'new', 'actual': 'old'},
                                               {'field': 'permissions.apps', 'declared': 6, 'actual': 2}]
    assert roles['apply'] == [1, 2]
    assert roles['extra'] == ['Stray'] and roles['ignored'] == [{'name': 'Administrators', 'reason': 'every organisation has it'}]
    assert roles['prune'] == [] and roles['remove'] == []
    # one list; RA is taken from it (a role's list record carries every managed field), rb is read by name (the list
    # spells it RB), the missing RC is known from the list
    assert [(c['method'], c['path']) for c in fake.calls] == [('GET', '/be/v1/roles'), ('GET', '/be/v1/roles/rb')]
    assert result['summary']['roles'] == {'missing': ['RC'], 'changed': ['rb'], 'unchanged': ['RA'], 'not_comparable': [],
                                          'extra': ['Stray'], 'delete': []}
    assert [(d['name'], d['status']) for d in result['drift']] == [('rb', 'changed'), ('RC', 'missing'), ('Stray', 'extra')]


def test_bad_declarations_are_all_refused_before_any_request(fake, make_client):
    with pytest.raises(PlanError) as info:
        plan(make_client, {'roles': [{'name': 'Ok'}, {'name': 'OK'}, {'name': 'bad-name'}],
                           'users': [{'username': 'u1', 'edge_url': 'http://elsewhere'}, {'username': 'adminPrincipal', 'state': 'absent'}]})
    errors = info.value.errors
    assert any(e.startswith('rockit_roles[1] (OK): OK is also rockit_roles[0]') for e in errors), errors
    assert any(e.startswith("rockit_roles[2] (bad-name): name: 'bad-name' does not match") for e in errors), errors
    assert any(e.startswith('rockit_users[0] (u1): edge_url: connection options belong to the task') for e in errors), errors
    assert any(e.startswith('rockit_users[1] (adminPrincipal)') for e in errors), errors
    assert 'nothing was sent to the Edge' in info.value.msg
    assert fake.calls == []


def test_what_a_module_would_refuse_is_refused_for_the_whole_plan(fake, make_client):
    listing(fake, 'users', [])
    with pytest.raises(PlanError) as info:
        plan(make_client, {'users': [{'username': 'jdoe', 'roles': []}]})
    assert 'jdoe does not exist; creating a human user needs email, first_name, surname' in info.value.msg
    assert fake.writes() == []


def test_a_drift_plan_reports_what_a_module_would_refuse(fake, make_client):
    listing(fake, 'users', [user('adminPrincipal', ['Administrators'])])
    result = plan(make_client, {'users': [{'username': 'jdoe', 'roles': []}]}, fail_on_refusal=False, list_kinds=['user'])
    entry = result['kinds']['users']['declared'][0]
    assert entry['action'] == 'created' and 'creating a human user needs' in entry['refused']
    assert [(d['name'], d['status']) for d in result['drift']] == [('jdoe', 'missing')]


def test_the_plan_client_refuses_every_write(fake, make_client):
    client = ReadOnlyClient(make_client())
    fake.add('GET', '/be/v1/roles/A', body={'status': 'success', 'role': role('A')})
    assert client.get_or_none('/be/v1/roles/A')['role']['name'] == 'A'
    for method in ('POST', 'PATCH', 'DELETE'):
        with pytest.raises(BaseException) as info:
            client.request(method, '/be/v1/roles', {})
        assert type(info.value).__name__ == '_WouldWrite'
    with pytest.raises(BaseException):
        client._send('POST', '/be/v1/login', {}, auth=False)
    assert fake.writes() == []


def test_a_password_check_that_needs_a_login_is_planned_as_an_update(fake, make_client):
    listing(fake, 'users', [user('adminPrincipal', ['Administrators'], machine=False)])
    one(fake, 'users', user('adminPrincipal', ['Administrators'], machine=False))
    result = plan(make_client, {'users': [{'username': 'adminPrincipal', 'password': 'new-password-1',
                                           'current_password': 'old-password-1', 'update_password': 'always'}]})
    entry = result['kinds']['users']['declared'][0]
    assert entry['action'] == 'updated' and entry['sends_secrets'] and entry['not_comparable'] == ['password', 'current_password']
    assert result['kinds']['users']['apply'] == [0]
    assert result['drift'] == []  # not comparable is not drift
    assert fake.writes() == []


def test_write_only_values_are_never_changes():
    diff = {'before': {'name': 'd', 'downloadAuth': {'type': 'gcore', 'key': '********'}},
            'after': {'name': 'd', 'downloadAuth': {'type': 'gcore', 'key': '******** (new value)'}}}
    assert field_changes('deployment', diff) == ([], True)
    diff = {'before': {'name': 'd', 'originPrefix': 'a', 'origin': {'type': 's3'}},
            'after': {'name': 'd', 'originPrefix': 'b', 'origin': {'type': 's3'}}}
    assert field_changes('deployment', diff) == ([{'field': 'origin.prefix', 'declared': 'b', 'actual': 'a'}], False)
    diff = {'before': {'username': 'u', 'firstname': 'A', 'roles': ['x']}, 'after': {'username': 'u', 'firstname': 'B', 'roles': ['x']}}
    assert field_changes('user', diff) == ([{'field': 'first_name', 'declared': 'B', 'actual': 'A'}], False)


def test_the_primary_administrator_is_the_first_created_member_of_administrators():
    users = [user('late_admin', ['administrators'], created='2026-02-01T00:00:00Z'),
             user('founder', ['Administrators'], created='2025-01-01T00:00:00Z'), user('other', ['QA'], created='2024-01-01T00:00:00Z')]
    assert primary_administrators(users) == ['founder']
    undated = [dict(u, created=None) for u in users]
    assert sorted(primary_administrators(undated)) == ['founder', 'late_admin']


def guarded_edge(fake):
    listing(fake, 'roles', [role('Administrators'), role('Used'), role('Unused')])
    listing(fake, 'users', [user('adminPrincipal', ['Administrators'], created='2025-01-01T00:00:00Z'),
                            user('founder', ['Administrators'], created='2024-01-01T00:00:00Z'),
                            user('keeper', ['Used']), user('break_glass', []), user('stray', [])])


def test_prune_keeps_what_it_must_and_deletes_the_rest(fake, make_client):
    guarded_edge(fake)
    result = plan(make_client, {'roles': [], 'users': []}, prune={'roles': True, 'users': True},
                  exclude={'users': ['BREAK_*']}, max_deletions=10)
    users, roles = result['kinds']['users'], result['kinds']['roles']
    assert users['prune'] == ['keeper', 'stray']
    assert users['kept'] == [{'name': 'adminPrincipal', 'reason': 'the user the play authenticates as'},
                             {'name': 'break_glass', 'reason': 'excluded'},
                             {'name': 'founder', 'reason': 'the primary administrator of the organisation'}]
    # keeper goes, so Used is no longer assigned
    assert roles['prune'] == ['Unused', 'Used']  # by name
    assert users['remove'] == [{'username': 'keeper', 'state': 'absent'}, {'username': 'stray', 'state': 'absent'}]
    assert fake.writes() == []


def test_a_role_assigned_to_a_user_that_stays_is_kept(fake, make_client):
    guarded_edge(fake)
    result = plan(make_client, {'roles': []}, prune={'roles': True})
    assert result['kinds']['roles']['prune'] == ['Unused']
    assert result['kinds']['roles']['kept'][-1] == {'name': 'Used', 'reason': 'still assigned to the users keeper'}


@pytest.mark.parametrize('limit, fails', [(2, True), (3, False), (None, False)])
def test_at_most_max_deletions(fake, make_client, limit, fails):
    guarded_edge(fake)
    options = dict(prune={'users': True}, max_deletions=limit)
    if fails:
        with pytest.raises(PlanError) as info:
            plan(make_client, {'users': []}, **options)
        assert 'Prune would delete 3 objects' in info.value.msg and 'users: break_glass, keeper, stray' in info.value.msg
        assert info.value.plan['user']['prune'] == ['break_glass', 'keeper', 'stray']
    else:
        assert len(plan(make_client, {'users': []}, **options)['kinds']['users']['prune']) == 3


def test_pruning_apps_needs_consent(fake, make_client):
    listing(fake, 'apps', [{'name': 'Game', 'label': 'G', 'deployments': []}])
    with pytest.raises(PlanError) as info:
        plan(make_client, {}, prune={'apps': True})
    assert 'destroys published content' in info.value.msg and 'apps: Game' in info.value.msg
    assert plan(make_client, {}, prune={'apps': True}, allow_content_loss=True)['kinds']['apps']['prune'] == ['Game']


def test_a_declared_deletion_of_a_role_that_stays_assigned_fails(fake, make_client):
    guarded_edge(fake)
    one(fake, 'roles', role('Used'))
    with pytest.raises(PlanError) as info:
        plan(make_client, {'roles': [{'name': 'Used', 'state': 'absent'}]})
    assert 'Used is declared absent but stays assigned to the users keeper' in info.value.msg


def test_the_module_returns_the_plan_and_fails_with_readable_text(fake, make_client):
    guarded_edge(fake)
    validation = PLAN_MODULE.validator().validate(dict(CONN, users=[], prune={'users': True}, prune_max_deletions=1))
    assert not validation.error_messages, validation.error_messages
    ctx = Context(validation.validated_parameters)
    ctx._client = make_client()
    with pytest.raises(ModuleFailure) as info:
        execute(PLAN_MODULE, ctx)
    assert isinstance(info.value.msg, str) and info.value.details['plan']['kinds']['users']['prune']
    validation = PLAN_MODULE.validator().validate(dict(CONN, roles=[{'name': 'Used'}]))
    ctx = Context(validation.validated_parameters)
    ctx._client = make_client()
    one(fake, 'roles', role('Used'))
    result = execute(PLAN_MODULE, ctx)
    assert result['changed'] is False and result['plan']['organisation'] == 'ExampleOrg'
    assert result['drift'] is True and result['plan']['summary']['roles']['extra'] == ['Unused']


# ---------------------------------------------------------------- lists that stand in for reads; objects side by side
def test_a_list_record_stands_in_for_a_read_only_when_it_carries_every_managed_field():
    from ansible_collections.rockitplay.edge.plugins.module_utils import rockit_specs as specs
    assert specs.ROLE.list_item_complete(role('RA', 'x'))
    assert not specs.ROLE.list_item_complete({'name': 'RA', 'label': 'x'})          # no permissions
    assert specs.USER.list_item_complete(user('bot')) and specs.USER.list_item_complete(user('jane', machine=False))
    human = user('jane', machine=False)
    del human['email']
    assert not specs.USER.list_item_complete(human)                                    # a person's record lacks its e-mail
    assert not specs.USER.list_item_complete(dict(user('bot'), type='robot'))          # a type the rule does not know
    assert specs.SUBSCRIPTION.list_item_complete({'name': 's', 'sender': 'deploy', 'events': ['end'], 'type': 'slack',
                                                  'slack': {'channelId': '#x'}})
    assert not specs.SUBSCRIPTION.list_item_complete({'name': 's', 'sender': 'deploy', 'events': ['end'], 'type': 'webhook'})
    deployment = {'name': 'd', 'originPrefix': '', 'origin': {'type': 's3', 'endpoint': 'h'}, 'downloadAuth': None}
    assert specs.DEPLOYMENT.list_item_complete(deployment)
    assert not specs.DEPLOYMENT.list_item_complete(dict(deployment, origin={'type': 's3'}))
    assert specs.APP.list_item_complete({'name': 'a', 'label': '', 'maxBuilds': 5, 'deployments': []})
    assert not specs.APP.list_item_complete({'name': 'a', 'label': '', 'maxBuilds': 5})


def test_an_incomplete_list_record_is_read_by_name(fake, make_client):
    listing(fake, 'roles', [role('RA', 'same'), {'name': 'RB', 'label': 'old'}])
    one(fake, 'roles', role('RB', 'old'))
    result = plan(make_client, {'roles': [{'name': 'RA', 'label': 'same'}, {'name': 'RB', 'label': 'new'}]})
    assert [(e['name'], e['action']) for e in result['kinds']['roles']['declared']] == [('RA', 'unchanged'), ('RB', 'updated')]
    assert [(c['method'], c['path']) for c in fake.calls] == [('GET', '/be/v1/roles'), ('GET', '/be/v1/roles/RB')]


@pytest.mark.parametrize('concurrency', [1, 4])
def test_reading_side_by_side_plans_the_same_in_the_same_order(fake, make_client, concurrency):
    listing(fake, 'roles', [role('R%02d' % i, 'old' if i % 3 else 'same') for i in range(12)])
    listing(fake, 'users', [user('bot_%02d' % i, roles=['R%02d' % i]) for i in range(9)])
    declared = {'roles': [{'name': 'R%02d' % i, 'label': 'same'} for i in range(14)],
                'users': [{'username': 'bot_%02d' % i, 'type': 'machine', 'label': 'bot_%02d' % i, 'roles': ['R%02d' % (i % 4)]}
                          for i in range(10)]}
    result = plan(make_client, declared, concurrency=concurrency)
    roles, users = result['kinds']['roles']['declared'], result['kinds']['users']['declared']
    assert [e['name'] for e in roles] == ['R%02d' % i for i in range(14)]
    assert [e['action'] for e in roles] == ['unchanged' if i % 3 == 0 else 'updated' for i in range(12)] + ['created'] * 2
    assert [e['name'] for e in users] == ['bot_%02d' % i for i in range(10)]
    assert [e['action'] for e in users] == ['unchanged' if i % 4 == i else 'updated' for i in range(9)] + ['created']
    # the two lists (read side by side, in either order) and no read by name: their records carry every managed field
    assert sorted((c['method'], c['path']) for c in fake.calls) == [('GET', '/be/v1/roles'), ('GET', '/be/v1/users')]
