"""rockit_apply as a module (module path): one run for many objects."""
import json

import pytest
from ansible.module_utils import basic

from ansible_collections.rockitplay.edge.plugins.modules import rockit_apply
from module_runner import run_module  # pylint: disable=import-error

NOT_FOUND = {'status': 'failed', 'error': 'not-found', 'message': 'not found'}


def run(fake, monkeypatch, **args):
    return run_module(rockit_apply, fake, monkeypatch, **args)


def role(name, label):
    return {'status': 'success', 'role': {'name': name, 'label': label, 'permissions': {}}}


@pytest.mark.parametrize('concurrency', [1, 8])
def test_each_object_is_applied_once_and_results_keep_their_order(fake, monkeypatch, concurrency):
    fake.add('GET', '/be/v1/roles/RA', body=role('RA', 'same'))
    fake.add('GET', '/be/v1/roles/RB', status=404, body=NOT_FOUND)
    fake.add('POST', '/be/v1/roles', body=role('RB', 'new'))
    fake.add('GET', '/be/v1/roles/RC', body=role('RC', 'old'))
    fake.add('PATCH', '/be/v1/roles', body=role('RC', 'new'))
    result = run(fake, monkeypatch, kind='role', concurrency=concurrency,
                 objects=[{'name': 'RA', 'label': 'same'}, {'name': 'RB', 'label': 'new'}, {'name': 'RC', 'label': 'new'}])
    assert [r['name'] for r in result['results']] == ['RA', 'RB', 'RC']
    assert [r['action'] for r in result['results']] == ['unchanged', 'created', 'updated']
    assert result['changed'] is True and not result.get('failed')
    assert result['counts'] == {'created': 1, 'updated': 1, 'replaced': 0, 'deleted': 0, 'unchanged': 1, 'failed': 0, 'skipped': 0}
    assert [d['after']['label'] for d in result['diff']] == ['new', 'new']
    calls = [(c['method'], c['path']) for c in fake.calls]
    expected = [('GET', '/be/v1/roles/RA'), ('GET', '/be/v1/roles/RB'), ('POST', '/be/v1/roles'), ('GET', '/be/v1/roles/RC'),
                ('PATCH', '/be/v1/roles')]
    # one after another: this order; side by side: the same requests, each object's own in its order
    assert calls == expected if concurrency == 1 else sorted(calls) == sorted(expected)
    assert calls.index(('GET', '/be/v1/roles/RB')) < calls.index(('POST', '/be/v1/roles'))
    assert calls.index(('GET', '/be/v1/roles/RC')) < calls.index(('PATCH', '/be/v1/roles'))


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
    # one after another (concurrency 1): the objects after the failure are not attempted
    result = run(fake, monkeypatch, kind='role', concurrency=1, objects=[{'name': 'RA'}, {'name': 'RB'}, {'name': 'RC'}])
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
    # one after another: the scripted answers to POST /be/v1/users come in the order they were added
    result = run(fake, monkeypatch, kind='user', concurrency=1, objects=[
        {'username': 'jdoe', 'email': 'j@example.com', 'first_name': 'J', 'surname': 'D', 'password': 'Pa55-word-xyz'},
        {'username': 'bot', 'type': 'machine', 'label': 'Bot'}])
    text = json.dumps(result)
    assert 'Pa55-word-xyz' not in text and 'k-secret-123' not in text
    assert result['results'][1]['api_key'] == 'issued-key-0042'
    assert fake.writes()[0]['body']['password'] == 'Pa55-word-xyz'


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
