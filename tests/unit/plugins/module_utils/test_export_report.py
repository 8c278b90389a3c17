"""Export (module options from API objects, defaults left out, stable bytes, placeholders), the engine's refusal to send
a placeholder, and the reports (drift and run; JSON, Markdown, JUnit XML)."""
import json
import os
import xml.etree.ElementTree as ET

import pytest
import yaml

from ansible_collections.rockitplay.edge.plugins.module_utils import export as ex
from ansible_collections.rockitplay.edge.plugins.module_utils import report as rp
from ansible_collections.rockitplay.edge.plugins.module_utils.engine import PLACEHOLDER_MARK, Resource, ensure
from ansible_collections.rockitplay.edge.plugins.module_utils.errors import ConfigError
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import Context, ModuleFailure, execute

DEPLOYMENT = {'name': 'cdn[01]', 'originPrefix': '', 'status': 'ok', 'message': '',
              'origin': {'type': 's3', 'endpoint': 's3.eu-west-2.example.com', 'region': 'eu-west-2', 'bucket': 'games'},
              'downloadAuth': {'type': 'akamai'}}


def test_each_kind_exports_its_modules_options_without_server_defaults():
    item = ex.export_deployment(DEPLOYMENT)
    assert item == {'name': 'cdn[01]', 'origin': {
        'type': 's3', 'endpoint': 's3.eu-west-2.example.com', 'region': 'eu-west-2', 'bucket': 'games',
        'access_key_id': PLACEHOLDER_MARK + ' vault_rockit_deployment_cdn_01_origin_access_key_id',
        'secret_access_key': PLACEHOLDER_MARK + ' vault_rockit_deployment_cdn_01_origin_secret_access_key'},
        'download_auth': {'type': 'akamai', 'key': PLACEHOLDER_MARK + ' vault_rockit_deployment_cdn_01_download_auth_key'}}
    netstorage = ex.export_deployment({'name': 'ns', 'originPrefix': 'games', 'origin': {'type': 'netstorage', 'endpoint': 'x.akamaihd.net'},
                                       'downloadAuth': None})
    assert sorted(netstorage['origin']) == ['endpoint', 'key', 'key_name', 'prefix', 'type'] and 'download_auth' not in netstorage
    assert ex.export_role({'name': 'QA', 'label': '', 'permissions': {'apps': 7, 'tasks': 0, 'trainings': 6, 'keys': 0}}) == {
        'name': 'QA', 'permissions': {'apps': ['create', 'read', 'update'], 'trainings': ['read', 'update']}}
    assert ex.export_role({'name': 'Empty', 'label': 'E', 'permissions': {'apps': 0}}) == {'name': 'Empty', 'label': 'E'}
    assert ex.export_user({'username': 'jdoe', 'type': 'user', 'email': 'j@example.com', 'firstname': 'J', 'surname': 'Doe',
                           'title': '', 'roles': ['b', 'A'], 'created': 'x'}) == {
        'username': 'jdoe', 'email': 'j@example.com', 'first_name': 'J', 'surname': 'Doe', 'roles': ['A', 'b']}
    assert ex.export_user({'username': 'bot', 'type': 'machine', 'label': 'Bot', 'roles': []}) == {
        'username': 'bot', 'type': 'machine', 'label': 'Bot'}
    assert ex.export_app({'name': 'A', 'label': 'L', 'maxBuilds': 5, 'deployments': []}) == {'name': 'A', 'label': 'L', 'all_deployments': True}
    assert ex.export_app({'name': 'A', 'label': 'L', 'maxBuilds': 9, 'deployments': ['z', 'b']}) == {
        'name': 'A', 'label': 'L', 'max_builds': 9, 'deployments': ['b', 'z']}
    slack = {'name': 's', 'sender': 'deploy', 'events': ['error', 'begin'], 'type': 'slack', 'slack': {'channelId': '#x'}}
    assert ex.export_subscription(slack) == {'name': 's', 'sender': 'deploy', 'events': ['begin', 'error'], 'slack_channel': '#x'}


def test_the_vars_file_is_stable_and_in_the_roles_format():
    variables = {'rockit_roles': [ex.ordered('role', {'permissions': {'apps': ['read']}, 'name': 'QA', 'label': 'yes'})],
                 'rockit_deployments': [ex.ordered('deployment', ex.export_deployment(DEPLOYMENT))]}
    text = ex.render(variables, 'ExampleOrg')
    assert text == ex.render(yaml.safe_load(text), 'ExampleOrg') or text.startswith('---\n')
    assert text.startswith('---\n# The ROCKIT Edge organisation ExampleOrg')
    loaded = yaml.safe_load(text)
    assert loaded == variables
    assert list(loaded['rockit_roles'][0]) == ['name', 'label', 'permissions']
    assert "label: 'yes'" in text  # a string that YAML would read as a boolean stays a string
    assert '  - name: QA\n' in text  # sequences indented, as yamllint wants them


def test_left_out_objects():
    assert ex.left_out('role', 'administrators', None, {})
    assert ex.left_out('user', 'AdminPrincipal', 'adminPrincipal', {})
    assert ex.left_out('user', 'svc_1', None, {'users': ['SVC_*']})
    assert not ex.left_out('user', 'jdoe', 'adminPrincipal', {'users': ['svc_*']})


def test_the_engine_never_sends_a_placeholder():
    res = Resource(key='thing', path='/be/v1/things', fields=('label',))

    class Client(object):
        def get_or_none(self, path):
            return None

        def request(self, *args, **kwargs):
            raise AssertionError('sent')

    for check_mode in (True, False):
        with pytest.raises(ConfigError) as info:
            ensure(Client(), res, 'a', 'present', {'label': 'x'}, check_mode=check_mode,
                   create_secrets={'credentials': {'key': PLACEHOLDER_MARK + ' vault_x'}})
        assert 'credentials.key' in str(info.value) and 'placeholder' in str(info.value)


PLAN = {
    'order': ['roles', 'apps'],
    'organisation': 'ExampleOrg',
    'kinds': {
        'roles': {'key': 'name', 'listed': True, 'extra': ['Old'], 'prune': [], 'kept': [], 'remove': [],
                  'declared': [{'name': 'QA', 'index': 0, 'state': 'present', 'action': 'updated',
                                'changes': [{'field': 'permissions.apps', 'declared': 3, 'actual': 2}]},
                               {'name': 'CI', 'index': 1, 'state': 'present', 'action': 'unchanged'}]},
        'apps': {'key': 'name', 'listed': True, 'extra': [], 'prune': [], 'kept': [], 'remove': [{'name': 'Gone', 'state': 'absent'}],
                 'declared': [{'name': 'Sushi', 'index': 0, 'state': 'present', 'action': 'created'},
                              {'name': 'Gone', 'index': 1, 'state': 'absent', 'action': 'deleted'}]},
    },
    'summary': {
        'roles': {'missing': [], 'changed': ['QA'], 'unchanged': ['CI'], 'not_comparable': [], 'extra': ['Old'], 'delete': []},
        'apps': {'missing': ['Sushi'], 'changed': [], 'unchanged': [], 'not_comparable': [], 'extra': ['Gone'], 'delete': ['Gone']},
    },
    'drift': [{'kind': 'role', 'name': 'QA', 'status': 'changed', 'changes': [{'field': 'permissions.apps', 'declared': 3, 'actual': 2}]},
              {'kind': 'app', 'name': 'Sushi', 'status': 'missing'}, {'kind': 'app', 'name': 'Gone', 'status': 'extra', 'declared': 'absent'},
              {'kind': 'role', 'name': 'Old', 'status': 'extra'}],
}


def test_drift_report_in_three_formats(tmp_path):
    report = rp.drift_report(PLAN)
    assert report['drift'] is True
    assert report['counts'] == {'missing': 1, 'changed': 1, 'extra': 2, 'unchanged': 1, 'not_comparable': 0}
    assert [(d['kind'], d['name'], d['status']) for d in report['differences']] == [
        ('roles', 'QA', 'changed'), ('apps', 'Sushi', 'missing'), ('apps', 'Gone', 'extra'), ('roles', 'Old', 'extra')]
    markdown = rp.render_markdown(report)
    assert '| permissions.apps | 3 | 2 |' in markdown and '**apps Gone**: on the Edge, declared absent' in markdown
    junit = ET.fromstring(rp.render_junit(report).split('\n', 1)[1])
    assert junit.get('failures') == '4' and junit.get('tests') == '5'
    assert rp.report_paths(str(tmp_path / 'd.json'), rp.FORMATS) == {
        'json': str(tmp_path / 'd.json'), 'markdown': str(tmp_path / 'd.md'), 'junit': str(tmp_path / 'd.xml')}
    assert rp.report_paths(str(tmp_path / 'd'), ['json'])['json'] == str(tmp_path / 'd.json')
    assert rp.summary_lines(report)[-1] == 'drift: yes, 4 differences'


def test_run_report_from_the_plan_and_the_results():
    results = {'roles': [{'results': [{'name': 'QA', 'action': 'updated', 'changed': True}]}, {'skipped': True}],
               'apps': [{'results': [{'name': 'Sushi', 'failed': True, 'msg': 'HTTP 400'}]},
                        {'results': [{'name': 'Gone', 'action': 'deleted', 'changed': True}]}]}
    report = rp.apply_report(PLAN, results)
    assert report['kinds']['roles']['updated'] == ['QA'] and report['kinds']['roles']['unchanged'] == ['CI']
    assert report['kinds']['apps']['failed'] == ['Sushi'] and report['kinds']['apps']['deleted'] == ['Gone']
    assert report['failed'] is True and report['changed'] is True
    assert rp.summary_of(report)['apps'] == {'created': [], 'updated': [], 'deleted': ['Gone'], 'unchanged': []}
    objects = dict((o['name'], o) for o in report['objects'])
    assert objects['QA']['changes'] == [{'field': 'permissions.apps', 'declared': 3, 'actual': 2}]
    assert objects['Sushi']['msg'] == 'HTTP 400'
    assert 'apps: 0 created, 0 updated, 1 deleted (Gone), 0 unchanged, 1 failed (Sushi)' in rp.summary_lines(report)


def test_the_report_module_never_holds_an_issued_secret(tmp_path):
    results = {'roles': [{'results': [{'name': 'QA', 'action': 'updated', 'api_key': 'secret-key-123'}]}]}
    params = {'plan': {'plan': PLAN}, 'results': results, 'predicted': True, 'dest': str(tmp_path / 'run.json'),
              'formats': list(rp.FORMATS), 'title': None, 'organisation': None, 'keys_file': None, 'timestamp': False}
    ctx = Context(params)
    result = execute(rp.REPORT_MODULE, ctx)
    assert 'secret-key-123' in ctx.no_log_values
    assert result['changed'] is False and result['report']['check_mode'] is True
    for path in result['files'].values():
        assert os.path.exists(path) and 'secret-key-123' not in open(path).read()
    assert json.loads(open(result['files']['json']).read())['organisation'] == 'ExampleOrg'
    with pytest.raises(ModuleFailure):
        execute(rp.REPORT_MODULE, Context(dict(params, plan={'nothing': 1})))
