"""rockit_app and rockit_app_info against the emulator, through the fast path and the module path.

The contract every resource module keeps: create; the same task again is unchanged and sends no
write; check mode predicts and writes nothing; diff is exact; update; delete; delete again unchanged.
Plus the app specifics: deployments compared as a set, explicit registration on all deployments.
"""
import pytest

pytestmark = pytest.mark.integration

PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: app
      rockitplay.edge.rockit_app:
        name: "{{ app_name | default('Ramen') }}"
        label: "{{ app_label | default(omit) }}"
        max_builds: "{{ app_max_builds | default(omit) }}"
        deployments: "{{ app_deployments | default(omit) }}"
        all_deployments: "{{ app_all | default(omit) }}"
        state: "{{ app_state | default('present') }}"
'''


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


def apply(playbook, edge, fast_path, **extra_vars):
    check = extra_vars.pop('check', False)
    run = playbook(PLAY, edge, extra_vars=extra_vars, diff=True, check=check, fast_path=fast_path)
    assert run.rc == 0, run
    return run.result('app')


def assert_refused_before_any_request(playbook, edge, play, task, cases):
    """Each (extra_vars, fragment) case fails with a message holding the fragment; nothing reaches the Edge."""
    for extra_vars, fragment in cases:
        run = playbook(play, edge, extra_vars=extra_vars)
        assert run.rc != 0, run
        assert fragment in run.result(task)['msg']
    assert edge.requests() == []


def write_log(edge):
    return [(w['method'], w['path']) for w in edge.writes()]


@pytest.mark.parametrize('fast_path', [True, False], ids=['fast-path', 'module-path'])
def test_app_lifecycle(playbook, deployments, fast_path):
    edge = deployments

    # check mode on create: predicted, nothing written
    result = apply(playbook, edge, fast_path, app_label='Ramen', app_max_builds=3, app_deployments=['gcore', 'akamai'], check=True)
    assert result['changed'] is True
    # the complete new app, with the Edge's defaults (docs/api-assumptions.md, section 18)
    assert result['app'] == {'name': 'Ramen', 'label': 'Ramen', 'maxBuilds': 3, 'deployments': ['gcore', 'akamai'], 'dxfName': '',
                             'iCurBuild': 0, 'processing': False, 'exporting': False, 'deployed': [],
                             'files': {'dxf': [], 'patches': {}}, 'sizeBytes': 0, 'status': 'ok'}
    assert edge.writes() == []

    # create
    result = apply(playbook, edge, fast_path, app_label='Ramen', app_max_builds=3, app_deployments=['gcore', 'akamai'])
    assert result['changed'] is True
    assert result['diff'] == {'before': {}, 'after': {'name': 'Ramen', 'label': 'Ramen', 'maxBuilds': 3, 'deployments': ['akamai', 'gcore']}}
    assert result['app']['iCurBuild'] == 0 and result['app']['processing'] is False and result['app']['deployed'] == []
    assert write_log(edge) == [('POST', '/be/v1/apps')]

    # the same again, deployments in another order: unchanged, no write
    edge.clear()
    result = apply(playbook, edge, fast_path, app_label='Ramen', app_max_builds=3, app_deployments=['akamai', 'gcore'])
    assert result['changed'] is False and edge.writes() == []

    # undeclared fields are not compared
    result = apply(playbook, edge, fast_path, app_label='Ramen')
    assert result['changed'] is False and edge.writes() == []
    assert result['app']['maxBuilds'] == 3

    # check mode on update
    result = apply(playbook, edge, fast_path, app_label='Ramen noodles', app_deployments=['linode'], check=True)
    assert result['changed'] is True and result['app']['label'] == 'Ramen noodles' and result['app']['deployments'] == ['linode']
    assert edge.writes() == []

    # update: exact diff of the declared fields only, one PATCH
    result = apply(playbook, edge, fast_path, app_label='Ramen noodles', app_deployments=['linode', 'gcore'])
    assert result['changed'] is True
    assert result['diff'] == {'before': {'name': 'Ramen', 'label': 'Ramen', 'deployments': ['akamai', 'gcore']},
                              'after': {'name': 'Ramen', 'label': 'Ramen noodles', 'deployments': ['gcore', 'linode']}}
    assert write_log(edge) == [('PATCH', '/be/v1/apps')]

    # check mode on delete, then delete, then delete again
    edge.clear()
    result = apply(playbook, edge, fast_path, app_state='absent', check=True)
    assert result['changed'] is True and result['app'] is None
    assert edge.writes() == []
    result = apply(playbook, edge, fast_path, app_state='absent')
    assert result['changed'] is True
    assert result['diff']['before']['name'] == 'Ramen' and result['diff']['after'] == {}
    assert write_log(edge) == [('DELETE', '/be/v1/apps/Ramen')]
    edge.clear()
    assert apply(playbook, edge, fast_path, app_state='absent')['changed'] is False
    assert edge.writes() == []


@pytest.mark.parametrize('fast_path', [True, False], ids=['fast-path', 'module-path'])
def test_all_deployments_versus_an_explicit_list(playbook, deployments, fast_path):
    edge = deployments
    result = apply(playbook, edge, fast_path, app_label='Ramen', app_all=True)
    assert result['changed'] is True and result['app']['deployments'] == []
    edge.clear()
    assert apply(playbook, edge, fast_path, app_all=True)['changed'] is False
    assert edge.writes() == []

    # from all deployments to an explicit list, and back
    result = apply(playbook, edge, fast_path, app_deployments=['gcore'])
    assert result['changed'] is True and result['app']['deployments'] == ['gcore']
    assert result['diff'] == {'before': {'name': 'Ramen', 'deployments': []}, 'after': {'name': 'Ramen', 'deployments': ['gcore']}}
    result = apply(playbook, edge, fast_path, app_all=True)
    assert result['changed'] is True and result['app']['deployments'] == []
    assert edge.api('GET', '/be/v1/apps/Ramen', expect=200).json()['app']['deployments'] == []


def test_refusals_before_any_request(playbook, deployments):
    edge = deployments
    cases = [
        ({'app_label': 'Ramen', 'app_deployments': []}, 'all_deployments: true'),
        ({'app_name': 'Ra men', 'app_label': 'Ramen', 'app_all': True}, 'does not match'),
        ({'app_label': 'Ramen', 'app_deployments': ['gcore'], 'app_all': True}, 'mutually exclusive'),
        ({'app_label': 'Ramen', 'app_all': True, 'app_max_builds': 101}, 'allowed: 1 to 100'),
    ]
    assert_refused_before_any_request(playbook, edge, PLAY, 'app', cases)


def test_create_needs_a_label_and_a_registration(playbook, deployments):
    edge = deployments
    run = playbook(PLAY, edge, extra_vars={'app_deployments': ['gcore']})
    assert run.rc != 0 and 'creating it needs label' in run.result('app')['msg']
    run = playbook(PLAY, edge, extra_vars={'app_label': 'Ramen'})
    assert run.rc != 0
    assert 'creating it needs deployments' in run.result('app')['msg'] and 'all_deployments: true' in run.result('app')['msg']
    assert edge.writes() == []


def test_unknown_deployment_is_a_clear_failure(playbook, deployments):
    edge = deployments
    run = playbook(PLAY, edge, extra_vars={'app_label': 'Ramen', 'app_deployments': ['gcore', 'cloudfront']})
    assert run.rc != 0
    msg = run.result('app')['msg']
    assert 'cloudfront' in msg and 'HTTP 400 invalid-param' in msg and 'rockit_deployment_info' in msg
    assert edge.api('GET', '/be/v1/apps/Ramen').status_code == 404


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
