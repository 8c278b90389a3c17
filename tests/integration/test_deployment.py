"""rockit_deployment and rockit_deployment_info against the emulator (the module path gives the same results: test_parity.py).

The contract every resource module keeps (create; unchanged second run without writes; check mode;
exact diff; update; delete; delete again), plus the deployment specifics: write-only credentials
(sent on create, with update_secrets: always, never shown even at -vvvv) and the refusal to delete
a deployment that apps are registered on.
"""
import json
import os
import sqlite3

import pytest

from edge_log import assert_refused_before_any_request, mark_task, playbook_text, run_steps, split_log  # pylint: disable=import-error

pytestmark = pytest.mark.integration

S3_ID, S3_SECRET, S3_NEW_SECRET = 'AKIAKNOWNID7Q2', 's3-known-secret-4f9a', 's3-rotated-secret-8c1e'
NS_NAME, NS_KEY, DL_KEY = 'ns-known-keyname-3d7', 'ns-known-key-6b2f', 'dl-known-token-key-9e4'
SECRETS = (S3_ID, S3_SECRET, S3_NEW_SECRET, NS_NAME, NS_KEY, DL_KEY)

PATH = '/be/v1/deployments'
ITEM = '/be/v1/deployments/gcore%5Beu%5D'
LOGGED_ITEM = '/be/v1/deployments/gcore[eu]'  # the request log shows the decoded path


def s3(**changes):
    origin = dict(type='s3', endpoint='s3.eu-central-1.example.com', region='eu-central-1', bucket='games', prefix='rockit',
                  access_key_id=S3_ID, secret_access_key=S3_SECRET)
    origin.update(changes)
    return origin


DEP_TASK = {'rockitplay.edge.rockit_deployment': {
    'name': "{{ dep_name | default('gcore[eu]') }}", 'origin': '{{ dep_origin | default(omit) }}',
    'download_auth': '{{ dep_auth | default(omit) }}', 'update_secrets': '{{ dep_update_secrets | default(omit) }}',
    'state': "{{ dep_state | default('present') }}"}}


def steps(playbook, edge, *steps_, task_extra=None, **kwargs):
    """Run the steps (name, variables, check) in one playbook; no step result may hold a secret."""
    run = run_steps(playbook, edge, dict(DEP_TASK, **(task_extra or {})), steps_, **kwargs)
    for name, _variables, _check in steps_:
        result = run.result(name)
        assert not [s for s in SECRETS if s in json.dumps(result)], result
    return run


MASKED = {'accessKeyId': '********', 'secretAccessKey': '********'}


def test_deployment_lifecycle(playbook, edge):
    """All steps in two playbook runs (the module path gives the same results: test_parity.py)."""
    auth = {'type': 'gcore', 'key': DL_KEY}
    new_origin = s3(endpoint='s3.eu-central-1.example.net')
    run = steps(playbook, edge,
                ('check create', dict(dep_origin=s3(), dep_auth=auth), True),
                ('create', dict(dep_origin=s3(), dep_auth=auth), False),
                # the same again, even with another secret (update_secrets: on_create)
                ('again', dict(dep_origin=s3(secret_access_key=S3_NEW_SECRET), dep_auth=auth), False),
                ('undeclared', dict(dep_origin=s3(prefix=None, access_key_id=None, secret_access_key=None)), False),
                ('check update', dict(dep_origin=new_origin, dep_auth={'type': 'none'}), True),
                ('update', dict(dep_origin=new_origin, dep_auth={'type': 'none'}), False))

    # check mode on create: predicted, nothing written
    result = run.result('check create')
    assert result['changed'] is True
    assert result['deployment'] == {'name': 'gcore[eu]', 'originPrefix': 'rockit', 'downloadAuth': {'type': 'gcore'},
                                    'origin': {'type': 's3', 'endpoint': 's3.eu-central-1.example.com', 'region': 'eu-central-1',
                                               'bucket': 'games'}, 'status': 'ok', 'message': ''}
    assert run.writes('check create') == []

    # create
    result = run.result('create')
    assert result['changed'] is True
    assert result['diff'] == {'before': {}, 'after': {
        'name': 'gcore[eu]', 'originPrefix': 'rockit',
        'origin': {'type': 's3', 'endpoint': 's3.eu-central-1.example.com', 'region': 'eu-central-1', 'bucket': 'games',
                   'credentials': MASKED},
        'downloadAuth': {'type': 'gcore', 'key': '********'}}}
    assert result['deployment']['status'] == 'ok' and result['deployment']['downloadAuth'] == {'type': 'gcore'}
    assert run.writes('create') == [('POST', PATH)]

    # the same again: unchanged, no write; undeclared fields are not compared
    assert run.result('again')['changed'] is False and run.writes('again') == []
    assert run.result('undeclared')['changed'] is False and run.writes('undeclared') == []

    # check mode on update
    result = run.result('check update')
    assert result['changed'] is True and result['deployment']['origin']['endpoint'] == 's3.eu-central-1.example.net'
    assert result['deployment']['downloadAuth'] is None
    assert run.writes('check update') == []

    # update: exact diff of the declared fields only, one PATCH, no credentials
    result = run.result('update')
    assert result['changed'] is True
    assert result['diff'] == {
        'before': {'name': 'gcore[eu]', 'originPrefix': 'rockit', 'downloadAuth': {'type': 'gcore'},
                   'origin': {'type': 's3', 'endpoint': 's3.eu-central-1.example.com', 'region': 'eu-central-1', 'bucket': 'games'}},
        'after': {'name': 'gcore[eu]', 'originPrefix': 'rockit', 'downloadAuth': None,
                  'origin': {'type': 's3', 'endpoint': 's3.eu-central-1.example.net', 'region': 'eu-central-1', 'bucket': 'games'}}}
    assert run.writes('update') == [('PATCH', PATH)]
    stored = edge.api('GET', ITEM, expect=200).json()['deployment']
    assert stored['downloadAuth'] is None and stored['origin']['endpoint'] == 's3.eu-central-1.example.net'

    # check mode on delete, then delete, then delete again
    run = steps(playbook, edge, ('check delete', dict(dep_state='absent'), True), ('delete', dict(dep_state='absent'), False),
                ('delete again', dict(dep_state='absent'), False))
    result = run.result('check delete')
    assert result['changed'] is True and result['deployment'] is None and run.writes('check delete') == []
    result = run.result('delete')
    assert result['changed'] is True and result['diff']['after'] == {}
    assert run.writes('delete') == [('DELETE', LOGGED_ITEM)]
    assert run.result('delete again')['changed'] is False and run.writes('delete again') == []


@pytest.fixture(scope='module')
def edge_with_db(emulator_factory, tmp_path_factory):
    """An emulator that keeps its state in a file, so a test can see which secret it stored."""
    path = os.path.join(str(tmp_path_factory.mktemp('edge-db')), 'edge.sqlite')
    emu = emulator_factory('--db', path)
    emu.db_path = path
    return emu


def stored_credentials(emu, name):
    conn = sqlite3.connect(emu.db_path)
    try:
        rows = [json.loads(doc) for kind, doc in conn.execute('SELECT kind, doc FROM objects') if kind == 'deployment']
    finally:
        conn.close()
    docs = [doc for doc in rows if doc['name'] == name]
    assert len(docs) == 1, rows
    return docs[0]['_credentials']


def test_changed_secret_is_sent_only_with_always(playbook, edge_with_db):
    edge = edge_with_db
    edge.reset()
    rotated = s3(secret_access_key=S3_NEW_SECRET)
    run = steps(playbook, edge, ('create', dict(dep_name='rotate', dep_origin=s3()), False),
                ('on_create', dict(dep_name='rotate', dep_origin=rotated), False),
                ('always', dict(dep_name='rotate', dep_origin=rotated, dep_update_secrets='always'), False),
                ('always again', dict(dep_name='rotate', dep_origin=rotated, dep_update_secrets='always'), False))
    assert run.writes('create') == [('POST', PATH)]

    # on_create (the default): the changed secret is not sent
    assert run.result('on_create')['changed'] is False and run.writes('on_create') == []

    # always: sent (only the credentials), reported changed, masked in the diff
    result = run.result('always')
    assert result['changed'] is True
    assert result['diff']['before']['origin']['credentials'] == MASKED
    assert result['diff']['after']['origin']['credentials'] == {'accessKeyId': '******** (new value)',
                                                                'secretAccessKey': '******** (new value)'}
    assert run.writes('always') == [('PATCH', PATH)]
    assert stored_credentials(edge, 'rotate') == {'accessKeyId': S3_ID, 'secretAccessKey': S3_NEW_SECRET}

    # always reports changed, since a secret cannot be compared
    assert run.result('always again')['changed'] is True and run.writes('always again') == [('PATCH', PATH)]


def test_no_secret_in_the_output_at_vvvv(playbook, edge):
    """The module path at -vvvv: tests/reliability/test_secrets.py (every module, both paths)."""
    play = '''
    - hosts: localhost
      gather_facts: false
      vars:
        s3_origin:
          type: s3
          endpoint: s3.eu-central-1.example.com
          region: eu-central-1
          bucket: games
          access_key_id: %s
          secret_access_key: %s
      tasks:
        - name: create
          rockitplay.edge.rockit_deployment:
            name: gcore
            origin: "{{ s3_origin }}"
            download_auth: {type: gcore, key: %s}
        - name: rotate
          rockitplay.edge.rockit_deployment:
            name: gcore
            origin: "{{ s3_origin | combine({'secret_access_key': '%s'}) }}"
            download_auth: {type: gcore, key: %s}
            update_secrets: always
        - name: to netstorage
          rockitplay.edge.rockit_deployment:
            name: gcore
            origin: {type: netstorage, endpoint: example-nsu.akamaihd.net, key_name: %s, key: %s}
        - name: read
          rockitplay.edge.rockit_deployment_info:
            name: gcore
        - name: delete
          rockitplay.edge.rockit_deployment:
            name: gcore
            state: absent
    ''' % (S3_ID, S3_SECRET, DL_KEY, S3_NEW_SECRET, DL_KEY, NS_NAME, NS_KEY)
    run = playbook(play, edge, diff=True, verbosity=4)
    assert run.rc == 0, run
    assert [run.result(t)['changed'] for t in ('create', 'rotate', 'to netstorage', 'delete')] == [True, True, True, True]
    assert run.result('read')['deployments'][0]['origin'] == {'type': 'netstorage', 'endpoint': 'example-nsu.akamaihd.net'}
    output = run.stdout + run.stderr
    # the output is verbose (arguments, diff, results) and the secrets in it are masked
    assert 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' in output and '"secretAccessKey": "********"' in output
    leaked = [s for s in SECRETS if s in output]
    assert not leaked, leaked


def test_delete_refused_while_an_app_is_registered(playbook, edge):
    edge.api('POST', PATH, {'name': 'gcore[eu]', 'origin': {'type': 's3', 'endpoint': 's3.eu-central-1.example.com',
                                                            'region': 'eu-central-1', 'bucket': 'games',
                                                            'credentials': {'accessKeyId': 'i', 'secretAccessKey': 's'}}}, expect=200)
    edge.api('POST', '/be/v1/apps', {'name': 'Sushi', 'label': 'Sushi', 'deployments': ['gcore[eu]']}, expect=200)
    tasks = [
        mark_task('refused'),
        dict(DEP_TASK, name='refused', vars={'dep_state': 'absent'}, ignore_errors=True),
        # detach the app (publish it to another deployment), then the deployment can go
        {'name': 'other deployment', 'rockitplay.edge.rockit_deployment': {
            'name': 'akamai', 'origin': {'type': 'netstorage', 'endpoint': 'example-nsu.akamaihd.net', 'key_name': 'n', 'key': 'k'}}},
        {'name': 'detach', 'rockitplay.edge.rockit_app': {'name': 'Sushi', 'deployments': ['akamai']}},
        mark_task('delete'),
        dict(DEP_TASK, name='delete', vars={'dep_state': 'absent'}),
    ]
    edge.clear()
    run = playbook(playbook_text(tasks), edge)
    assert run.rc == 0, run
    log = split_log(edge.requests())
    result = run.result('refused')
    assert run.status('refused') == 'failed' and result['api_status'] == 409
    assert 'Sushi' in result['msg'] and 'rockitplay.edge.rockit_app' in result['msg'] and 'gcore[eu]' in result['msg']
    assert [(r['method'], r['status']) for r in log['refused'] if r['method'] == 'DELETE'] == [('DELETE', 409)]
    assert run.result('delete')['changed'] is True
    assert [(r['method'], r['status']) for r in log['delete'] if r['method'] == 'DELETE'] == [('DELETE', 200)]


def test_changing_the_origin_type_replaces_the_origin(playbook, edge):
    netstorage = {'type': 'netstorage', 'endpoint': 'example-nsu.akamaihd.net'}
    run = steps(playbook, edge, ('create', dict(dep_origin=s3()), False),
                ('no credentials', dict(dep_origin=netstorage), False),
                ('replace', dict(dep_origin=dict(netstorage, key_name=NS_NAME, key=NS_KEY)), False),
                ('again', dict(dep_origin=netstorage), False), task_extra={'ignore_errors': True})
    assert run.run.status('no credentials') == 'failed'
    assert 'needs the credentials of the new origin' in run.result('no credentials')['msg']
    assert run.writes('no credentials') == []
    result = run.result('replace')
    assert result['changed'] is True and result['deployment']['origin'] == netstorage
    assert result['diff']['before']['origin']['type'] == 's3' and result['diff']['after']['origin']['type'] == 'netstorage'
    assert run.result('again')['changed'] is False and run.writes('again') == []


def test_refusals_before_any_request(playbook, edge):
    cases = [
        ({'dep_origin': s3(endpoint='games.s3.eu-central-1.example.com')}, 'must not contain the bucket'),
        ({'dep_origin': s3(endpoint='s3.example.com')}, 'must contain the region'),
        ({'dep_origin': s3(endpoint='https://s3.eu-central-1.example.com')}, 'host name only'),
        ({'dep_name': 'bad name'}, 'does not match'),
        ({'dep_auth': {'type': 'none', 'key': DL_KEY}}, 'not used with download_auth.type=none'),
    ]
    assert_refused_before_any_request(playbook, edge, DEP_TASK, cases)


def test_create_needs_credentials(playbook, edge):
    run = steps(playbook, edge, ('create', {'dep_origin': s3(access_key_id=None, secret_access_key=None)}, False),
                task_extra={'ignore_errors': True})
    assert run.run.status('create') == 'failed'
    assert 'needs the credentials of its s3 origin' in run.result('create')['msg']
    assert run.writes('create') == []


def test_deployment_info(playbook, edge):
    origin = {'type': 'netstorage', 'endpoint': 'example-nsu.akamaihd.net', 'credentials': {'keyName': NS_NAME, 'key': NS_KEY}}
    for i in range(12):
        edge.api('POST', PATH, {'name': 'd%02d' % i, 'origin': origin}, expect=200)
    steps(playbook, edge, ('create', dict(dep_origin=s3(), dep_auth={'type': 'akamai', 'key': DL_KEY}), False))
    edge.clear()
    run = playbook('''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: all
          rockitplay.edge.rockit_deployment_info:
        - name: one
          rockitplay.edge.rockit_deployment_info:
            name: gcore[eu]
        - name: missing
          rockitplay.edge.rockit_deployment_info:
            name: nope
    ''', edge)
    assert run.rc == 0, run
    assert len(run.result('all')['deployments']) == 13 and run.result('all')['total_count'] == 13
    one = run.result('one')['deployments']
    assert [d['name'] for d in one] == ['gcore[eu]'] and one[0]['downloadAuth'] == {'type': 'akamai'}
    assert run.result('missing')['deployments'] == [] and run.result('missing')['total_count'] == 0
    assert not [s for s in SECRETS if s in run.stdout + run.stderr + json.dumps(run.results)]
    assert edge.writes() == []
