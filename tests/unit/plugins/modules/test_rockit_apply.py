"""rockit_apply as a module (module path) and its action's display hooks: one run for many objects."""
import json
from unittest import mock

import pytest
from ansible.module_utils import _internal, basic

from ansible_collections.rockitplay.edge.plugins.modules import rockit_apply
from module_runner import run_module  # pylint: disable=import-error

NOT_FOUND = {'status': 'failed', 'error': 'not-found', 'message': 'not found'}


@pytest.fixture
def actions():
    """The action plugins, imported here: importing controller code marks the process as the controller, which
    changes how ansible.module_utils records warnings; the mark is restored for the module tests that follow."""
    was_controller = _internal.is_controller
    # pylint: disable-next=import-outside-toplevel
    from ansible_collections.rockitplay.edge.plugins.action import rockit_apply, rockit_validate
    yield {'rockit_apply': rockit_apply, 'rockit_validate': rockit_validate}
    _internal.is_controller = was_controller


def run(fake, monkeypatch, **args):
    return run_module(rockit_apply, fake, monkeypatch, **args)


def role(name, label):
    return {'status': 'success', 'role': {'name': name, 'label': label, 'permissions': {}}}


def test_each_object_is_applied_once_and_results_keep_their_order(fake, monkeypatch):
    fake.add('GET', '/be/v1/roles/RA', body=role('RA', 'same'))
    fake.add('GET', '/be/v1/roles/RB', status=404, body=NOT_FOUND)
    fake.add('POST', '/be/v1/roles', body=role('RB', 'new'))
    fake.add('GET', '/be/v1/roles/RC', body=role('RC', 'old'))
    fake.add('PATCH', '/be/v1/roles', body=role('RC', 'new'))
    result = run(fake, monkeypatch, kind='role', objects=[{'name': 'RA', 'label': 'same'}, {'name': 'RB', 'label': 'new'},
                                                          {'name': 'RC', 'label': 'new'}])
    assert [r['name'] for r in result['results']] == ['RA', 'RB', 'RC']
    assert [r['action'] for r in result['results']] == ['unchanged', 'created', 'updated']
    assert result['changed'] is True and not result.get('failed')
    assert result['counts'] == {'created': 1, 'updated': 1, 'replaced': 0, 'deleted': 0, 'unchanged': 1, 'failed': 0, 'skipped': 0}
    assert [d['after']['label'] for d in result['diff']] == ['new', 'new']
    assert [(c['method'], c['path']) for c in fake.calls] == [
        ('GET', '/be/v1/roles/RA'), ('GET', '/be/v1/roles/RB'), ('POST', '/be/v1/roles'), ('GET', '/be/v1/roles/RC'), ('PATCH', '/be/v1/roles')]


def test_check_mode_predicts_and_writes_nothing(fake, monkeypatch):
    fake.add('GET', '/be/v1/roles/RB', status=404, body=NOT_FOUND)
    result = run(fake, monkeypatch, check_mode=True, kind='role', objects=[{'name': 'RB', 'label': 'new'}])
    assert result['changed'] is True and result['results'][0]['action'] == 'created'
    assert fake.writes() == []


@pytest.mark.parametrize('objects, fragment', [
    ([{'name': 'RA'}, {'name': 'ra'}], 'is also objects[1]'),
    ([{'name': 'RA', 'permissions': {'apps': 99}}], 'objects[1] (RA): permissions.apps'),
    ([{'name': 'RA', 'colour': 'red'}], 'colour'),
    ([{'name': 'RA', 'edge_url': 'http://other'}], 'connection options belong to the task'),
    ([{'label': 'no name'}], 'name'),
])
def test_any_bad_object_refuses_all_before_any_request(fake, monkeypatch, objects, fragment):
    result = run(fake, monkeypatch, kind='role', objects=[{'name': 'Good', 'label': 'ok'}] + objects)
    assert result['failed'] and fragment in result['msg'] and 'nothing was sent' in result['msg']
    assert fake.calls == []


def test_an_object_failure_does_not_stop_the_others(fake, monkeypatch):
    fake.add('GET', '/be/v1/roles/RA', status=404, body=NOT_FOUND)
    fake.add('POST', '/be/v1/roles', status=400, body={'status': 'failed', 'error': 'invalid-param', 'message': 'label'})
    fake.add('GET', '/be/v1/roles/RB', body=role('RB', 'same'))
    result = run(fake, monkeypatch, kind='role', objects=[{'name': 'RA', 'label': 'x'}, {'name': 'RB', 'label': 'same'}])
    assert result['failed'] and result['msg'].startswith('1 of 2 role objects failed: RA: ')
    assert result['results'][0]['failed'] and result['results'][0]['api_status'] == 400
    assert result['results'][1]['action'] == 'unchanged'


def test_a_failure_every_object_would_repeat_skips_the_rest(fake, monkeypatch):
    fake.add('GET', '/be/v1/roles/RA', status=403, body={'status': 'failed', 'error': 'forbidden', 'message': 'no'})
    result = run(fake, monkeypatch, kind='role', objects=[{'name': 'RA'}, {'name': 'RB'}, {'name': 'RC'}])
    assert result['failed'] and '(2 not attempted)' in result['msg']
    assert [r.get('skipped', False) for r in result['results']] == [False, True, True]
    assert len(fake.calls) == 1


def test_passwords_and_new_api_keys_stay_out_of_the_output_but_in_the_result(fake, monkeypatch):
    fake.add('GET', '/be/v1/users/jdoe', status=404, body=NOT_FOUND)
    fake.add('POST', '/be/v1/users', body={'status': 'success', 'user': {'username': 'jdoe', 'type': 'user', 'email': 'j@example.com',
                                                                         'firstname': 'J', 'surname': 'D'}})
    fake.add('GET', '/be/v1/users/bot', status=404, body=NOT_FOUND)
    fake.add('POST', '/be/v1/users', body={'status': 'success', 'user': {'username': 'bot', 'type': 'machine', 'label': 'Bot'},
                                           'apiKey': 'issued-key-0042'})
    result = run(fake, monkeypatch, kind='user', objects=[
        {'username': 'jdoe', 'email': 'j@example.com', 'first_name': 'J', 'surname': 'D', 'password': 'Pa55-word-xyz'},
        {'username': 'bot', 'type': 'machine', 'label': 'Bot'}])
    text = json.dumps(result)
    assert 'Pa55-word-xyz' not in text and 'k-secret-123' not in text
    assert result['results'][1]['api_key'] == 'issued-key-0042'
    assert fake.writes()[0]['body']['password'] == 'Pa55-word-xyz'


def _action(module, args, no_log=False):
    task = mock.MagicMock()
    task.args = args
    task.no_log = no_log
    action = module.ActionModule(task, mock.MagicMock(), mock.MagicMock(), loader=None, templar=None, shared_loader_obj=None)
    action._host = 'localhost'
    action._shown = False
    return action


@pytest.mark.parametrize('name', ['rockit_apply', 'rockit_validate'])
def test_modules_with_nested_secrets_never_log_their_invocation_on_the_host(actions, name):
    module = actions[name]
    action = _action(module, {'kind': 'user', 'objects': []})
    seen = []
    with mock.patch.object(module.ActionModule, '_execute_module',
                           side_effect=lambda **kw: seen.append(action._task.no_log) or {'results': []}):
        action._run_module({})
    assert seen == [True] and action._task.no_log is False


def test_results_with_a_secret_are_hidden_from_the_display_the_others_are_shown(actions):
    module = actions['rockit_apply']
    action = _action(module, {'kind': 'user'})
    lines = []
    returned = {'results': [
        {'name': 'bot', 'action': 'created', 'changed': True, 'api_key': 'issued-key-0042'},
        {'name': 'jdoe', 'action': 'updated', 'changed': True},
        {'name': 'x', 'failed': True, 'msg': 'HTTP 409'}]}
    # the module path: what the module returned, through the base action's handling of secrets
    with mock.patch.object(module.RockitAction, 'run', side_effect=lambda tmp, task_vars: action._hide_returned_secrets(returned)), \
            mock.patch.object(module.display, 'display', side_effect=lambda msg, **kw: lines.append(msg)):
        result = action.run(task_vars={'inventory_hostname': 'localhost'})
    assert result['_ansible_no_log'] is True
    assert [r.get('_ansible_no_log', False) for r in result['results']] == [True, False, False]
    assert lines == ['[localhost] user bot: created', '[localhost] user jdoe: updated', '[localhost] user x: failed: HTTP 409']
    assert not any('issued-key' in line for line in lines)


def test_with_many_objects_the_list_spares_the_reads_of_new_ones(fake, monkeypatch):
    existing = ['R%02d' % i for i in range(10)]
    fake.add('GET', '/be/v1/roles', body={'status': 'success', 'totalCount': 11,
                                          'roles': [{'name': n.lower()} for n in existing] + [{'name': 'Other'}]})
    for name in existing:
        fake.add('GET', '/be/v1/roles/%s' % name, body=role(name, 'same'))
    fake.add('POST', '/be/v1/roles', body=role('R10', 'same'), times=2)
    objects = [{'name': 'R%02d' % i, 'label': 'same'} for i in range(12)]
    result = run(fake, monkeypatch, kind='role', objects=objects)
    assert result['counts']['unchanged'] == 10 and result['counts']['created'] == 2
    calls = [(c['method'], c['path']) for c in fake.calls]
    assert calls[0] == ('GET', '/be/v1/roles') and 'limit=1000' in fake.calls[0]['query']
    assert calls.count(('POST', '/be/v1/roles')) == 2 and len(calls) == 1 + 10 + 2
    assert ('GET', '/be/v1/roles/R10') not in calls


def test_a_list_that_cannot_be_read_only_costs_its_request(fake, monkeypatch):
    fake.add('GET', '/be/v1/roles', status=403, body={'status': 'failed', 'error': 'forbidden', 'message': 'no list'})
    for i in range(10):
        fake.add('GET', '/be/v1/roles/R%02d' % i, body=role('R%02d' % i, 'same'))
    result = run(fake, monkeypatch, kind='role', objects=[{'name': 'R%02d' % i, 'label': 'same'} for i in range(10)])
    assert not result.get('failed') and result['counts']['unchanged'] == 10
    assert len(fake.calls) == 11


def test_an_object_created_by_someone_else_meanwhile_is_compared_instead(fake, monkeypatch):
    fake.add('GET', '/be/v1/roles/RA', status=404, body=NOT_FOUND)
    fake.add('POST', '/be/v1/roles', status=409, body={'status': 'failed', 'error': 'already-exists', 'message': 'exists'})
    fake.add('GET', '/be/v1/roles/RA', body=role('RA', 'theirs'))
    fake.add('PATCH', '/be/v1/roles', body=role('RA', 'ours'))
    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, msg: warnings.append(msg))
    result = run(fake, monkeypatch, kind='role', objects=[{'name': 'RA', 'label': 'ours'}])
    item = result['results'][0]
    assert not result.get('failed') and item['action'] == 'updated'
    assert item['diff'] == {'before': {'name': 'RA', 'label': 'theirs'}, 'after': {'name': 'RA', 'label': 'ours'}}
    assert any('created by someone else' in w for w in warnings)
