"""What check mode and the pre-flight say is what the run does.

- Check mode predicts a create completely: for every resource, the object a check-mode create returns
  equals the object the real create returns on every field the real run returns (server-chosen values,
  the timestamps, aside), on both execution paths and through rockit_apply.
- Names are compared the way the Edge matches them, without regard to case: the role Administrators is
  protected in any spelling; a reference spelled differently from the Edge converges.
- The bootstrap role's pre-flight: a user lacking a permission the run needs is stopped before any
  write, with the permission named.
"""
import json

import pytest

pytestmark = pytest.mark.integration

SERVER_CHOSEN = ('created', 'updated')
S3 = {'type': 's3', 'endpoint': 's3.eu-central-1.example.com', 'region': 'eu-central-1', 'bucket': 'games',
      'access_key_id': 'AKIDPREDICT', 'secret_access_key': 'predict-secret-1'}
NETSTORAGE = {'type': 'netstorage', 'endpoint': 'ns.example.com', 'key_name': 'ns-name', 'key': 'ns-key-1'}

# (resource, module, options, result key): each created first in check mode, then for real
CREATES = [
    ('deployment s3', 'rockit_deployment', {'name': 'gcore', 'origin': dict(S3, prefix='rockit'),
                                            'download_auth': {'type': 'gcore', 'key': 'dl-key-1'}}, 'deployment'),
    ('deployment netstorage', 'rockit_deployment', {'name': 'akamai[eu]', 'origin': NETSTORAGE}, 'deployment'),
    ('role', 'rockit_role', {'name': 'CI_Pipeline_Services', 'label': 'CI', 'permissions': {'apps': [
        'create', 'read'], 'tasks': 2}}, 'role'),
    ('role without options', 'rockit_role', {'name': 'Empty_Role'}, 'role'),
    ('human user', 'rockit_user', {'username': 'jdoe', 'email': 'jdoe@example.com', 'first_name': 'Jane', 'surname': 'Doe',
                                   'password': 'Jdoe-pw-123', 'roles': ['CI_Pipeline_Services']}, 'user'),
    ('human user with title', 'rockit_user', {'username': 'jroe', 'email': 'jroe@example.com', 'first_name': 'Jo',
                                              'surname': 'Roe', 'title': 'Producer'}, 'user'),
    ('machine user', 'rockit_user', {'username': 'ci_bot', 'type': 'machine', 'label': 'CI', 'roles': ['CI_Pipeline_Services']},
     'user'),
    ('app', 'rockit_app', {'name': 'Sushi', 'label': 'Sushi', 'deployments': ['gcore', 'akamai[eu]']}, 'app'),
    ('app on every deployment', 'rockit_app', {'name': 'Ramen', 'label': 'Ramen', 'max_builds': 7, 'all_deployments': True}, 'app'),
    ('webhook subscription', 'rockit_subscription', {'name': 'deployWebhook', 'sender': 'deploy', 'events': ['error', 'end'],
                                                     'webhook_url': 'https://hooks.example.com/rockit'}, 'subscription'),
    ('slack subscription', 'rockit_subscription', {'name': 'dltarSlack', 'sender': 'dltar', 'events': ['exception'],
                                                   'slack_channel': '#rockitplay-events'}, 'subscription'),
]


def creates_play():
    tasks = []
    for index, (_what, module, options, key) in enumerate(CREATES):
        tasks.append({'name': 'predict %d' % index, 'rockitplay.edge.' + module: options, 'check_mode': True, 'register': 'p%d' % index})
        tasks.append({'name': 'create %d' % index, 'rockitplay.edge.' + module: options, 'register': 'c%d' % index})
        # a result that carries a new API key or signing secret is hidden from the display: show the object alone
        for prefix, var in (('predicted', 'p'), ('created', 'c')):
            tasks.append({'name': '%s %d' % (prefix, index), 'ansible.builtin.debug': {'msg': {
                'changed': '{{ %s%d.changed }}' % (var, index), 'action': '{{ %s%d.action }}' % (var, index),
                'object': '{{ %s%d.%s }}' % (var, index, key)}}})
    return json.dumps([{'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}], indent=1)


def compare(predicted, real):
    """The fields of the real object the prediction gets wrong (or lacks)."""
    return dict((field, (predicted.get(field, '<missing>'), value)) for field, value in real.items()
                if field not in SERVER_CHOSEN and predicted.get(field, '<missing>') != value)


@pytest.mark.parametrize('fast_path', [True, False], ids=['fast-path', 'module-path'])
def test_check_mode_predicts_every_create_completely(playbook, edge, fast_path, record_property):
    run = playbook(creates_play(), edge, fast_path=fast_path)
    assert run.rc == 0, run
    wrong = {}
    for index, (what, _module, _options, _key) in enumerate(CREATES):
        predicted, real = run.result('predicted %d' % index)['msg'], run.result('created %d' % index)['msg']
        assert predicted['changed'] and real['changed'] and predicted['action'] == real['action'] == 'created', what
        real_object = real['object']
        assert set(real_object) - set(SERVER_CHOSEN), what
        if compare(predicted['object'], real_object):
            wrong[what] = compare(predicted['object'], real_object)
    assert not wrong, json.dumps(wrong, indent=1)
    record_property('resources_predicted', len(CREATES))


def test_rockit_apply_predicts_like_the_real_run(playbook, edge):
    kinds = [('deployment', [o for w, m, o, k in CREATES if m == 'rockit_deployment']),
             ('role', [o for w, m, o, k in CREATES if m == 'rockit_role']),
             ('user', [o for w, m, o, k in CREATES if m == 'rockit_user']),
             ('app', [o for w, m, o, k in CREATES if m == 'rockit_app']),
             ('subscription', [o for w, m, o, k in CREATES if m == 'rockit_subscription'])]
    tasks = []
    for kind, objects in kinds:
        for name, check in (('predict', True), ('apply', False)):
            tasks.append({'name': '%s %s' % (name, kind), 'rockitplay.edge.rockit_apply': {'kind': kind, 'objects': objects},
                          'check_mode': check, 'register': '%s_%s' % (name, kind)})
            tasks.append({'name': 'show %s %s' % (name, kind), 'ansible.builtin.debug': {
                'msg': "{{ %s_%s.results | map(attribute='%s') | list }}" % (name, kind, kind)}})
    run = playbook(json.dumps([{'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}], indent=1), edge)
    assert run.rc == 0, run
    for kind, objects in kinds:
        predicted, real = run.result('show predict ' + kind)['msg'], run.result('show apply ' + kind)['msg']
        assert len(predicted) == len(real) == len(objects), kind
        for one, other in zip(predicted, real):
            assert compare(one, other) == {}, (kind, one, other)


NAMES_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: administrators in lower case
      rockitplay.edge.rockit_role: {name: administrators, label: Mine}
      ignore_errors: true
    - name: ADMINISTRATORS absent
      rockitplay.edge.rockit_role: {name: ADMINISTRATORS, state: absent}
      ignore_errors: true
    - name: deployment
      rockitplay.edge.rockit_deployment:
        name: gcore
        origin: {type: s3, endpoint: s3.eu-central-1.example.com, region: eu-central-1, bucket: games,
                 access_key_id: AKIDNAMES, secret_access_key: names-secret-1}
    - name: role
      rockitplay.edge.rockit_role: {name: CI_Pipeline_Services, permissions: {apps: [read]}}
    - name: app spelled like the Edge
      rockitplay.edge.rockit_app: {name: Sushi, label: Sushi, deployments: [gcore]}
    - name: user spelled like the Edge
      rockitplay.edge.rockit_user: {username: ci_bot, type: machine, label: CI, roles: [CI_Pipeline_Services]}
    - name: app spelled otherwise
      rockitplay.edge.rockit_app: {name: SUSHI, deployments: [GCORE, gcore]}
      register: app_again
    - name: user spelled otherwise
      rockitplay.edge.rockit_user: {username: CI_BOT, type: machine, roles: [ci_pipeline_services]}
      register: user_again
'''


def test_names_are_compared_without_case_everywhere(playbook, edge):
    run = playbook(NAMES_PLAY, edge, diff=True)
    assert run.rc == 0, run
    for task in ('administrators in lower case', 'ADMINISTRATORS absent'):
        assert run.status(task) == 'failed' and 'cannot be changed or deleted' in run.result(task)['msg'], task
    assert not [w for w in edge.writes() if 'dministrators' in w['path'] + json.dumps(w.get('body'))]
    edge.clear()
    run = playbook(NAMES_PLAY, edge, diff=True)
    assert run.rc == 0, run
    for task in ('app spelled otherwise', 'user spelled otherwise', 'app spelled like the Edge', 'user spelled like the Edge'):
        assert run.result(task)['changed'] is False, (task, run.result(task))
    assert edge.writes() == []


LIMITED_PLAY = '''
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/rockitplay.edge.rockit:
      edge_username: limited
      edge_api_key: "{{ limited_key }}"
  tasks:
    - name: bootstrap
      ansible.builtin.include_role:
        name: rockitplay.edge.bootstrap
      vars:
        rockit_roles: "{{ roles | default([]) }}"
        rockit_apps: "{{ apps | default([]) }}"
'''


def limited_user(edge, **permissions):
    edge.api('POST', '/be/v1/roles', {'name': 'Limited', 'permissions': permissions}, expect=200)
    answer = edge.api('POST', '/be/v1/users', {'username': 'limited', 'label': 'Limited', 'roles': ['Limited']}, expect=200)
    edge.api('POST', '/be/v1/apps', {'name': 'Sushi', 'label': 'Sushi'}, expect=200)
    edge.clear()
    return answer.json()['apiKey']


def test_preflight_stops_a_bootstrap_that_lacks_a_permission_before_any_write(playbook, edge):
    key = limited_user(edge, beUsers=2, roles=2, apps=2 | 4)   # read users and roles; read and update apps, not create
    apps = [{'name': 'Sushi', 'label': 'Sushi'}, {'name': 'Tempura', 'label': 'Tempura', 'all_deployments': True}]
    extra = {'limited_key': key, 'apps': apps}
    run = playbook(LIMITED_PLAY, edge, extra_vars=extra)
    assert run.rc != 0
    assert 'The user limited lacks the permission this run needs, so nothing was written: apps.create (to create app Tempura)' \
        in run.stdout, run
    assert edge.writes() == []

    # an update it may not make is found by the module's own check mode, still before any write
    edge.api('PATCH', '/be/v1/roles', {'name': 'Limited', 'permissions': {'beUsers': 2, 'roles': 2, 'apps': 2}}, expect=200)
    edge.clear()
    run = playbook(LIMITED_PLAY, edge, extra_vars={'limited_key': key, 'apps': [{'name': 'Sushi', 'label': 'Sushi bar'}]})
    assert run.rc != 0 and 'apps.update (to update app Sushi)' in run.stdout, run
    assert edge.writes() == []

    # nothing to change: read is all it needs
    run = playbook(LIMITED_PLAY, edge, extra_vars={'limited_key': key, 'apps': [{'name': 'Sushi', 'label': 'Sushi'}]})
    assert run.rc == 0, run
    assert edge.writes() == []

    # a kind it may not even read, and no permission to read its own roles: both named
    edge.api('PATCH', '/be/v1/roles', {'name': 'Limited', 'permissions': {'beUsers': 2, 'apps': 2}}, expect=200)
    edge.clear()
    run = playbook(LIMITED_PLAY, edge, extra_vars={'limited_key': key, 'roles': [{'name': 'Devs'}]})
    assert run.rc != 0 and 'roles.read' in run.stdout and 'beUsers.read and roles.read' in run.stdout, run
    assert edge.writes() == []
