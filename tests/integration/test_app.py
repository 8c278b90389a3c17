"""rockit_app and rockit_app_info against the emulator (the module path gives the same results: test_parity.py).

The contract every resource module keeps: create; the same task again is unchanged and sends no
write; check mode predicts and writes nothing; diff is exact; update; delete; delete again unchanged.
Plus the app specifics: deployments compared as a set, explicit registration on all deployments.
"""
import pytest

from edge_log import assert_refused_before_any_request, run_steps  # pylint: disable=import-error

pytestmark = pytest.mark.integration


def add_deployment(edge, name):
    edge.api('POST', '/be/v1/deployments', {
        'name': name, 'origin': {'type': 's3', 'endpoint': 's3.eu-west-1.example.com', 'region': 'eu-west-1', 'bucket': 'b-%s' % name,
                                 'credentials': {'accessKeyId': 'id', 'secretAccessKey': 'secret'}}}, expect=200)


@pytest.fixture
def deployments(edge):
    for name in ('gcore', 'akamai', 'linode'):
        add_deployment(edge, name)
    edge.clear()
    return edge


APP_TASK = {'rockitplay.edge.rockit_app': {
    'name': "{{ app_name | default('Ramen') }}", 'label': '{{ app_label | default(omit) }}',
    'max_builds': '{{ app_max_builds | default(omit) }}', 'deployments': '{{ app_deployments | default(omit) }}',
    'all_deployments': '{{ app_all | default(omit) }}', 'state': "{{ app_state | default('present') }}"}}


def test_app_lifecycle(playbook, deployments):
    """All steps in one playbook run (the module path gives the same results: test_parity.py)."""
    created = dict(app_label='Ramen', app_max_builds=3, app_deployments=['gcore', 'akamai'])
    run = run_steps(playbook, deployments, APP_TASK, [
        ('check create', created, True),
        ('create', created, False),
        ('again', dict(created, app_deployments=['akamai', 'gcore']), False),     # deployments in another order
        ('undeclared', dict(app_label='Ramen'), False),                           # undeclared fields are not compared
        ('check update', dict(app_label='Ramen noodles', app_deployments=['linode']), True),
        ('update', dict(app_label='Ramen noodles', app_deployments=['linode', 'gcore']), False),
        ('check delete', dict(app_state='absent'), True),
        ('delete', dict(app_state='absent'), False),
        ('delete again', dict(app_state='absent'), False),
    ])

    # check mode on create: predicted, nothing written
    result = run.result('check create')
    assert result['changed'] is True
    # the complete new app, with the Edge's defaults (docs/api-assumptions.md, section 18)
    assert result['app'] == {'name': 'Ramen', 'label': 'Ramen', 'maxBuilds': 3, 'deployments': ['gcore', 'akamai'], 'dxfName': '',
                             'iCurBuild': 0, 'processing': False, 'exporting': False, 'deployed': [],
                             'files': {'dxf': [], 'patches': {}}, 'sizeBytes': 0, 'status': 'ok'}
    assert run.writes('check create') == []

    # create
    result = run.result('create')
    assert result['changed'] is True
    assert result['diff'] == {'before': {}, 'after': {'name': 'Ramen', 'label': 'Ramen', 'maxBuilds': 3, 'deployments': ['akamai', 'gcore']}}
    assert result['app']['iCurBuild'] == 0 and result['app']['processing'] is False and result['app']['deployed'] == []
    assert run.writes('create') == [('POST', '/be/v1/apps')]

    # the same again: unchanged, no write; undeclared fields are not compared
    assert run.result('again')['changed'] is False and run.writes('again') == []
    result = run.result('undeclared')
    assert result['changed'] is False and run.writes('undeclared') == []
    assert result['app']['maxBuilds'] == 3

    # check mode on update
    result = run.result('check update')
    assert result['changed'] is True and result['app']['label'] == 'Ramen noodles' and result['app']['deployments'] == ['linode']
    assert run.writes('check update') == []

    # update: exact diff of the declared fields only, one PATCH
    result = run.result('update')
    assert result['changed'] is True
    assert result['diff'] == {'before': {'name': 'Ramen', 'label': 'Ramen', 'deployments': ['akamai', 'gcore']},
                              'after': {'name': 'Ramen', 'label': 'Ramen noodles', 'deployments': ['gcore', 'linode']}}
    assert run.writes('update') == [('PATCH', '/be/v1/apps')]

    # check mode on delete, then delete, then delete again
    result = run.result('check delete')
    assert result['changed'] is True and result['app'] is None
    assert run.writes('check delete') == []
    result = run.result('delete')
    assert result['changed'] is True
    assert result['diff']['before']['name'] == 'Ramen' and result['diff']['after'] == {}
    assert run.writes('delete') == [('DELETE', '/be/v1/apps/Ramen')]
    assert run.result('delete again')['changed'] is False and run.writes('delete again') == []


def test_all_deployments_versus_an_explicit_list(playbook, deployments):
    run = run_steps(playbook, deployments, APP_TASK, [
        ('create', dict(app_label='Ramen', app_all=True), False),
        ('again', dict(app_all=True), False),
        ('to a list', dict(app_deployments=['gcore']), False),    # from all deployments to an explicit list, and back
        ('back', dict(app_all=True), False),
    ])
    result = run.result('create')
    assert result['changed'] is True and result['app']['deployments'] == []
    assert run.result('again')['changed'] is False and run.writes('again') == []
    result = run.result('to a list')
    assert result['changed'] is True and result['app']['deployments'] == ['gcore']
    assert result['diff'] == {'before': {'name': 'Ramen', 'deployments': []}, 'after': {'name': 'Ramen', 'deployments': ['gcore']}}
    result = run.result('back')
    assert result['changed'] is True and result['app']['deployments'] == []
    assert deployments.api('GET', '/be/v1/apps/Ramen', expect=200).json()['app']['deployments'] == []


def test_refusals_before_any_request(playbook, deployments):
    edge = deployments
    cases = [
        ({'app_label': 'Ramen', 'app_deployments': []}, 'all_deployments: true'),
        ({'app_name': 'Ra men', 'app_label': 'Ramen', 'app_all': True}, 'does not match'),
        ({'app_label': 'Ramen', 'app_deployments': ['gcore'], 'app_all': True}, 'mutually exclusive'),
        ({'app_label': 'Ramen', 'app_all': True, 'app_max_builds': 101}, 'allowed: 1 to 100'),
    ]
    assert_refused_before_any_request(playbook, edge, APP_TASK, cases)


def test_create_needs_a_label_and_a_registration_and_known_deployments(playbook, deployments):
    run = run_steps(playbook, deployments, dict(APP_TASK, ignore_errors=True), [
        ('no label', {'app_deployments': ['gcore']}, False),
        ('no registration', {'app_label': 'Ramen'}, False),
        ('unknown deployment', {'app_label': 'Ramen', 'app_deployments': ['gcore', 'cloudfront']}, False),
    ])
    assert 'creating it needs label' in run.result('no label')['msg']
    msg = run.result('no registration')['msg']
    assert 'creating it needs deployments' in msg and 'all_deployments: true' in msg
    assert run.writes('no label') == [] and run.writes('no registration') == []
    msg = run.result('unknown deployment')['msg']
    assert 'cloudfront' in msg and 'HTTP 400 invalid-param' in msg and 'rockit_deployment_info' in msg
    assert deployments.api('GET', '/be/v1/apps/Ramen').status_code == 404


def test_app_info(playbook, deployments):
    edge = deployments
    for i in range(12):
        edge.api('POST', '/be/v1/apps', {'name': 'app%02d' % i, 'label': 'App %d' % i, 'deployments': ['gcore']}, expect=200)
    edge.clear()
    run = playbook('''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: all
          rockitplay.edge.rockit_app_info:
        - name: projected
          rockitplay.edge.rockit_app_info:
            fields: [sizeBytes, label]
        - name: one
          rockitplay.edge.rockit_app_info:
            name: app03
            fields: iCurBuild,processing
        - name: missing
          rockitplay.edge.rockit_app_info:
            name: nope
    ''', edge)
    assert run.rc == 0, run
    assert len(run.result('all')['apps']) == 12 and run.result('all')['total_count'] == 12
    assert run.result('all')['apps'][0]['deployments'] == ['gcore']
    assert run.result('projected')['apps'][1] == {'name': 'app01', 'label': 'App 1', 'sizeBytes': 0}
    assert run.result('one')['apps'] == [{'name': 'app03', 'iCurBuild': 0, 'processing': False}]
    assert run.result('one')['total_count'] == 1
    assert run.result('missing')['apps'] == [] and run.result('missing')['total_count'] == 0
    assert edge.writes() == []


def test_app_info_refuses_unknown_fields(playbook, edge):
    run = playbook('''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: bad
          rockitplay.edge.rockit_app_info:
            name: Sushi
            fields: [created]
    ''', edge)
    assert run.rc != 0 and 'only when every app is read' in run.result('bad')['msg']
    assert edge.requests() == []
