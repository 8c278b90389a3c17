"""rockit_app and rockit_app_info as modules (module path): exact requests, refusals before any request, results."""
import json

import pytest

from ansible_collections.rockitplay.edge.plugins.modules import rockit_app, rockit_app_info
from module_runner import run_module  # pylint: disable=import-error

NOT_FOUND = {'status': 'failed', 'error': 'not-found', 'message': 'no such app'}
SUSHI = {'name': 'Sushi', 'label': 'Sushibar', 'maxBuilds': 3, 'deployments': ['gcore', 'akamai'], 'dxfName': '', 'iCurBuild': 0,
         'processing': False, 'exporting': False, 'deployed': [], 'files': {'dxf': [], 'patches': {}}, 'sizeBytes': 0,
         'created': '2026-01-01T00:00:00Z', 'updated': '2026-01-01T00:00:00Z'}


def run(fake, monkeypatch, **args):
    return run_module(rockit_app, fake, monkeypatch, **args)


def app(**changes):
    return dict(SUSHI, **changes)


def test_create_sends_exact_payload(fake, monkeypatch):
    fake.add('GET', '/be/v1/apps/Sushi', status=404, body=NOT_FOUND)
    fake.add('POST', '/be/v1/apps', body={'status': 'success', 'app': app()})
    result = run(fake, monkeypatch, name='Sushi', label='Sushibar', max_builds=3, deployments=['gcore', 'akamai', 'gcore'])
    assert result['changed'] is True and result['app']['iCurBuild'] == 0 and result['app']['processing'] is False
    assert [(c['method'], c['path']) for c in fake.calls] == [('GET', '/be/v1/apps/Sushi'), ('POST', '/be/v1/apps')]
    assert fake.writes()[0]['body'] == {'name': 'Sushi', 'label': 'Sushibar', 'maxBuilds': 3, 'deployments': ['gcore', 'akamai']}
    assert result['diff'] == {'before': {}, 'after': {'name': 'Sushi', 'label': 'Sushibar', 'maxBuilds': 3,
                                                      'deployments': ['akamai', 'gcore']}}
    assert 'k-secret-123' not in json.dumps(result)


def test_all_deployments_sends_an_empty_list(fake, monkeypatch):
    fake.add('GET', '/be/v1/apps/Sushi', status=404, body=NOT_FOUND)
    fake.add('POST', '/be/v1/apps', body={'status': 'success', 'app': app(deployments=[])})
    result = run(fake, monkeypatch, name='Sushi', label='Sushibar', all_deployments=True)
    assert result['changed'] is True
    assert fake.writes()[0]['body'] == {'name': 'Sushi', 'label': 'Sushibar', 'deployments': []}


def test_same_set_in_another_order_is_unchanged(fake, monkeypatch):
    fake.add('GET', '/be/v1/apps/Sushi', body={'status': 'success', 'app': app()})
    result = run(fake, monkeypatch, name='Sushi', label='Sushibar', deployments=['akamai', 'gcore'])
    assert result['changed'] is False and fake.writes() == []
    assert result['app'] == SUSHI


def test_undeclared_fields_are_not_compared(fake, monkeypatch):
    fake.add('GET', '/be/v1/apps/Sushi', body={'status': 'success', 'app': app(maxBuilds=7, deployments=[])})
    result = run(fake, monkeypatch, name='Sushi', label='Sushibar')
    assert result['changed'] is False and fake.writes() == []


def test_update_patches_only_what_changed(fake, monkeypatch):
    fake.add('GET', '/be/v1/apps/Sushi', body={'status': 'success', 'app': app()})
    fake.add('PATCH', '/be/v1/apps', body={'status': 'success', 'app': app(deployments=['gcore'])})
    result = run(fake, monkeypatch, name='Sushi', label='Sushibar', max_builds=3, deployments=['gcore'])
    assert result['changed'] is True
    assert fake.writes()[0]['body'] == {'name': 'Sushi', 'deployments': ['gcore']}
    assert result['diff'] == {'before': {'name': 'Sushi', 'label': 'Sushibar', 'maxBuilds': 3, 'deployments': ['akamai', 'gcore']},
                              'after': {'name': 'Sushi', 'label': 'Sushibar', 'maxBuilds': 3, 'deployments': ['gcore']}}


def test_switch_to_all_deployments(fake, monkeypatch):
    fake.add('GET', '/be/v1/apps/Sushi', body={'status': 'success', 'app': app()})
    fake.add('PATCH', '/be/v1/apps', body={'status': 'success', 'app': app(deployments=[])})
    result = run(fake, monkeypatch, name='Sushi', all_deployments=True)
    assert result['changed'] is True and fake.writes()[0]['body'] == {'name': 'Sushi', 'deployments': []}


def test_check_mode_predicts_and_writes_nothing(fake, monkeypatch):
    fake.add('GET', '/be/v1/apps/Sushi', status=404, body=NOT_FOUND)
    result = run(fake, monkeypatch, check_mode=True, name='Sushi', label='Sushibar', deployments=['gcore'])
    assert result['changed'] is True and fake.writes() == []
    # the complete new app, with the Edge's defaults (docs/api-assumptions.md, section 10 "New app")
    assert result['app'] == {'name': 'Sushi', 'label': 'Sushibar', 'maxBuilds': 5, 'deployments': ['gcore'], 'dxfName': '',
                             'iCurBuild': 0, 'processing': False, 'exporting': False, 'deployed': [],
                             'files': {'dxf': [], 'patches': {}}, 'sizeBytes': 0, 'status': 'ok'}


@pytest.mark.parametrize('args, fragment', [
    (dict(name='bad name'), "name: 'bad name' does not match"),
    (dict(name='S'), 'does not match'),
    (dict(name='Sushi', deployments=[]), 'all_deployments: true'),
    (dict(name='Sushi', deployments=['gcore', 'no way']), "deployments: 'no way' does not match"),
    (dict(name='Sushi', deployments=['gcore'], all_deployments=True), 'mutually exclusive'),
    (dict(name='Sushi', all_deployments=False), 'all_deployments: false needs deployments'),
    (dict(name='Sushi', max_builds=0), 'max_builds: 0 is out of range; allowed: 1 to 100'),
    (dict(name='Sushi', max_builds=101), 'max_builds: 101 is out of range'),
    (dict(name='Sushi', state='absent', deployments=[]), 'all_deployments: true'),
])
def test_bad_input_refused_before_any_request(fake, monkeypatch, args, fragment):
    result = run(fake, monkeypatch, **args)
    assert result['failed'] and fragment in result['msg'], result['msg']
    assert fake.calls == []


def test_brackets_in_deployment_names_are_allowed(fake, monkeypatch):
    fake.add('GET', '/be/v1/apps/Sushi', body={'status': 'success', 'app': app(deployments=['gcore[eu]'])})
    result = run(fake, monkeypatch, name='Sushi', deployments=['gcore[eu]'])
    assert result['changed'] is False


def test_create_needs_label(fake, monkeypatch):
    fake.add('GET', '/be/v1/apps/Sushi', status=404, body=NOT_FOUND)
    result = run(fake, monkeypatch, name='Sushi', deployments=['gcore'])
    assert result['failed'] and 'creating it needs label' in result['msg'] and fake.writes() == []


def test_create_needs_an_explicit_registration(fake, monkeypatch):
    fake.add('GET', '/be/v1/apps/Sushi', status=404, body=NOT_FOUND)
    result = run(fake, monkeypatch, name='Sushi', label='Sushibar')
    assert result['failed'] and 'deployments' in result['msg'] and 'all_deployments: true' in result['msg']
    assert fake.writes() == []


def test_unknown_deployment_is_surfaced_with_a_hint(fake, monkeypatch):
    fake.add('GET', '/be/v1/apps/Sushi', status=404, body=NOT_FOUND)
    refused = {'status': 'failed', 'error': 'invalid-param', 'message': "deployments: unknown deployment 'nope'."}
    fake.add('POST', '/be/v1/apps', status=400, body=refused)
    result = run(fake, monkeypatch, name='Sushi', label='Sushibar', deployments=['nope'])
    assert result['failed'] and result['api_status'] == 400
    assert "unknown deployment 'nope'" in result['msg'] and 'rockit_deployment_info' in result['msg']
    assert 'server may differ' not in result['msg']


def test_delete(fake, monkeypatch):
    fake.add('GET', '/be/v1/apps/Sushi', body={'status': 'success', 'app': app()})
    fake.add('DELETE', '/be/v1/apps/Sushi')
    result = run(fake, monkeypatch, name='Sushi', state='absent')
    assert result['changed'] is True and result['app'] is None
    assert [(c['method'], c['path']) for c in fake.writes()] == [('DELETE', '/be/v1/apps/Sushi')]


def test_delete_missing_is_unchanged(fake, monkeypatch):
    fake.add('GET', '/be/v1/apps/Sushi', status=404, body=NOT_FOUND)
    result = run(fake, monkeypatch, name='Sushi', state='absent')
    assert result['changed'] is False and fake.writes() == []


# ---------------------------------------------------------------- rockit_app_info

def test_info_one_app_with_fields(fake, monkeypatch):
    fake.add('GET', '/be/v1/apps/Sushi', body={'status': 'success', 'app': {'name': 'Sushi', 'iCurBuild': 3, 'processing': True}})
    result = run_module(rockit_app_info, fake, monkeypatch, name='Sushi', fields=['iCurBuild', 'processing,iCurBuild'])
    assert result['apps'] == [{'name': 'Sushi', 'iCurBuild': 3, 'processing': True}] and result['total_count'] == 1
    assert fake.calls[0]['query'] == 'fields%5B%5D=name&fields%5B%5D=iCurBuild&fields%5B%5D=processing'


def test_info_missing_app_is_an_empty_list(fake, monkeypatch):
    fake.add('GET', '/be/v1/apps/Nope', status=404, body=NOT_FOUND)
    result = run_module(rockit_app_info, fake, monkeypatch, name='Nope')
    assert result['apps'] == [] and result['total_count'] == 0 and result['changed'] is False


def test_info_reads_every_page(fake, monkeypatch):
    first = [{'name': 'a%04d' % i} for i in range(1000)]
    fake.add('GET', '/be/v1/apps', body={'status': 'success', 'totalCount': 1001, 'apps': first})
    fake.add('GET', '/be/v1/apps', body={'status': 'success', 'totalCount': 1001, 'apps': [{'name': 'last'}]})
    result = run_module(rockit_app_info, fake, monkeypatch, fields=['sizeBytes'])
    assert len(result['apps']) == 1001 and result['total_count'] == 1001
    assert [c['query'] for c in fake.calls] == ['fields%5B%5D=name&fields%5B%5D=sizeBytes&offset=0&limit=1000',
                                                'fields%5B%5D=name&fields%5B%5D=sizeBytes&offset=1000&limit=1000']


@pytest.mark.parametrize('args, fragment', [
    (dict(fields=['nope']), "fields: unknown field 'nope'"),
    (dict(name='Sushi', fields=['sizeBytes']), 'only when every app is read'),
    (dict(name='x'), 'does not match'),
])
def test_info_bad_input_refused_before_any_request(fake, monkeypatch, args, fragment):
    result = run_module(rockit_app_info, fake, monkeypatch, **args)
    assert result['failed'] and fragment in result['msg'], result['msg']
    assert fake.calls == []
