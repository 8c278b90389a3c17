"""rockit_deployment and rockit_deployment_info against the emulator, through the fast path and the module path.

The contract every resource module keeps (create; unchanged second run without writes; check mode;
exact diff; update; delete; delete again), plus the deployment specifics: write-only credentials
(sent on create, with update_secrets: always, never shown even at -vvvv) and the refusal to delete
a deployment that apps are registered on.
"""
import json
import os
import sqlite3

import pytest

from test_app import assert_refused_before_any_request, write_log  # pylint: disable=import-error

pytestmark = pytest.mark.integration

S3_ID, S3_SECRET, S3_NEW_SECRET = 'AKIAKNOWNID7Q2', 's3-known-secret-4f9a', 's3-rotated-secret-8c1e'
NS_NAME, NS_KEY, DL_KEY = 'ns-known-keyname-3d7', 'ns-known-key-6b2f', 'dl-known-token-key-9e4'
SECRETS = (S3_ID, S3_SECRET, S3_NEW_SECRET, NS_NAME, NS_KEY, DL_KEY)

PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: deployment
      rockitplay.edge.rockit_deployment:
        name: "{{ dep_name | default('gcore[eu]') }}"
        origin: "{{ dep_origin | default(omit) }}"
        download_auth: "{{ dep_auth | default(omit) }}"
        update_secrets: "{{ dep_update_secrets | default(omit) }}"
        state: "{{ dep_state | default('present') }}"
'''
PATH = '/be/v1/deployments'
ITEM = '/be/v1/deployments/gcore%5Beu%5D'
LOGGED_ITEM = '/be/v1/deployments/gcore[eu]'  # the request log shows the decoded path


def s3(**changes):
    origin = dict(type='s3', endpoint='s3.eu-central-1.example.com', region='eu-central-1', bucket='games', prefix='rockit',
                  access_key_id=S3_ID, secret_access_key=S3_SECRET)
    origin.update(changes)
    return origin


def apply(playbook, edge, fast_path, **extra_vars):
    check = extra_vars.pop('check', False)
    run = playbook(PLAY, edge, extra_vars=extra_vars, diff=True, check=check, fast_path=fast_path)
    assert run.rc == 0, run
    result = run.result('deployment')
    assert not [s for s in SECRETS if s in json.dumps(result)], result
    return result


MASKED = {'accessKeyId': '********', 'secretAccessKey': '********'}


@pytest.mark.parametrize('fast_path', [True, False], ids=['fast-path', 'module-path'])
def test_deployment_lifecycle(playbook, edge, fast_path):
    auth = {'type': 'gcore', 'key': DL_KEY}

    # check mode on create: predicted, nothing written
    result = apply(playbook, edge, fast_path, dep_origin=s3(), dep_auth=auth, check=True)
    assert result['changed'] is True
    assert result['deployment'] == {'name': 'gcore[eu]', 'originPrefix': 'rockit', 'downloadAuth': {'type': 'gcore'},
                                    'origin': {'type': 's3', 'endpoint': 's3.eu-central-1.example.com', 'region': 'eu-central-1',
                                               'bucket': 'games'}, 'status': 'ok', 'message': ''}
    assert edge.writes() == []

    # create
    result = apply(playbook, edge, fast_path, dep_origin=s3(), dep_auth=auth)
    assert result['changed'] is True
    assert result['diff'] == {'before': {}, 'after': {
        'name': 'gcore[eu]', 'originPrefix': 'rockit',
        'origin': {'type': 's3', 'endpoint': 's3.eu-central-1.example.com', 'region': 'eu-central-1', 'bucket': 'games',
                   'credentials': MASKED},
        'downloadAuth': {'type': 'gcore', 'key': '********'}}}
    assert result['deployment']['status'] == 'ok' and result['deployment']['downloadAuth'] == {'type': 'gcore'}
    assert write_log(edge) == [('POST', PATH)]

    # the same again, even with another secret (update_secrets: on_create): unchanged, no write
    edge.clear()
    result = apply(playbook, edge, fast_path, dep_origin=s3(secret_access_key=S3_NEW_SECRET), dep_auth=auth)
    assert result['changed'] is False and edge.writes() == []
    # undeclared fields are not compared
    result = apply(playbook, edge, fast_path, dep_origin=s3(prefix=None, access_key_id=None, secret_access_key=None))
    assert result['changed'] is False and edge.writes() == []

    # check mode on update
    new_origin = s3(endpoint='s3.eu-central-1.example.net')
    result = apply(playbook, edge, fast_path, dep_origin=new_origin, dep_auth={'type': 'none'}, check=True)
    assert result['changed'] is True and result['deployment']['origin']['endpoint'] == 's3.eu-central-1.example.net'
    assert result['deployment']['downloadAuth'] is None
    assert edge.writes() == []

    # update: exact diff of the declared fields only, one PATCH, no credentials
    result = apply(playbook, edge, fast_path, dep_origin=new_origin, dep_auth={'type': 'none'})
    assert result['changed'] is True
    assert result['diff'] == {
        'before': {'name': 'gcore[eu]', 'originPrefix': 'rockit', 'downloadAuth': {'type': 'gcore'},
                   'origin': {'type': 's3', 'endpoint': 's3.eu-central-1.example.com', 'region': 'eu-central-1', 'bucket': 'games'}},
        'after': {'name': 'gcore[eu]', 'originPrefix': 'rockit', 'downloadAuth': None,
                  'origin': {'type': 's3', 'endpoint': 's3.eu-central-1.example.net', 'region': 'eu-central-1', 'bucket': 'games'}}}
    assert write_log(edge) == [('PATCH', PATH)]
    stored = edge.api('GET', ITEM, expect=200).json()['deployment']
    assert stored['downloadAuth'] is None and stored['origin']['endpoint'] == 's3.eu-central-1.example.net'

    # check mode on delete, then delete, then delete again
    edge.clear()
    result = apply(playbook, edge, fast_path, dep_state='absent', check=True)
    assert result['changed'] is True and result['deployment'] is None and edge.writes() == []
    result = apply(playbook, edge, fast_path, dep_state='absent')
    assert result['changed'] is True and result['diff']['after'] == {}
    assert write_log(edge) == [('DELETE', LOGGED_ITEM)]
    edge.clear()
    assert apply(playbook, edge, fast_path, dep_state='absent')['changed'] is False
    assert edge.writes() == []


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


@pytest.mark.parametrize('fast_path', [True, False], ids=['fast-path', 'module-path'])
def test_changed_secret_is_sent_only_with_always(playbook, edge_with_db, fast_path):
    edge = edge_with_db
    edge.reset()
    apply(playbook, edge, fast_path, dep_name='rotate', dep_origin=s3())
    assert stored_credentials(edge, 'rotate') == {'accessKeyId': S3_ID, 'secretAccessKey': S3_SECRET}

    # on_create (the default): the changed secret is not sent
    edge.clear()
    result = apply(playbook, edge, fast_path, dep_name='rotate', dep_origin=s3(secret_access_key=S3_NEW_SECRET))
    assert result['changed'] is False and edge.writes() == []
    assert stored_credentials(edge, 'rotate')['secretAccessKey'] == S3_SECRET

    # always: sent (only the credentials), reported changed, masked in the diff
    result = apply(playbook, edge, fast_path, dep_name='rotate', dep_origin=s3(secret_access_key=S3_NEW_SECRET), dep_update_secrets='always')
    assert result['changed'] is True
    assert result['diff']['before']['origin']['credentials'] == MASKED
    assert result['diff']['after']['origin']['credentials'] == {'accessKeyId': '******** (new value)',
                                                                'secretAccessKey': '******** (new value)'}
    assert write_log(edge) == [('PATCH', PATH)]
    assert stored_credentials(edge, 'rotate') == {'accessKeyId': S3_ID, 'secretAccessKey': S3_NEW_SECRET}

    # always reports changed, since a secret cannot be compared
    edge.clear()
    result = apply(playbook, edge, fast_path, dep_name='rotate', dep_origin=s3(secret_access_key=S3_NEW_SECRET), dep_update_secrets='always')
    assert result['changed'] is True and write_log(edge) == [('PATCH', PATH)]


@pytest.mark.parametrize('fast_path', [True, False], ids=['fast-path', 'module-path'])
def test_no_secret_in_the_output_at_vvvv(playbook, edge, fast_path):
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
    run = playbook(play, edge, diff=True, verbosity=4, fast_path=fast_path)
    assert run.rc == 0, run
    assert [run.result(t)['changed'] for t in ('create', 'rotate', 'to netstorage', 'delete')] == [True, True, True, True]
    assert run.result('read')['deployments'][0]['origin'] == {'type': 'netstorage', 'endpoint': 'example-nsu.akamaihd.net'}
    output = run.stdout + run.stderr
    # the output is verbose (arguments, diff, results) and the secrets in it are masked
    assert 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' in output and '"secretAccessKey": "********"' in output
    leaked = [s for s in SECRETS if s in output]
    assert not leaked, leaked


@pytest.mark.parametrize('fast_path', [True, False], ids=['fast-path', 'module-path'])
def test_delete_refused_while_an_app_is_registered(playbook, edge, fast_path):
    apply(playbook, edge, fast_path, dep_origin=s3())
    edge.api('POST', '/be/v1/apps', {'name': 'Sushi', 'label': 'Sushi', 'deployments': ['gcore[eu]']}, expect=200)
    edge.clear()
    run = playbook(PLAY, edge, extra_vars={'dep_state': 'absent'}, fast_path=fast_path)
    assert run.rc != 0
    result = run.result('deployment')
    assert result['api_status'] == 409
    assert 'Sushi' in result['msg'] and 'rockitplay.edge.rockit_app' in result['msg'] and 'gcore[eu]' in result['msg']
    assert [(r['method'], r['status']) for r in edge.requests() if r['method'] == 'DELETE'] == [('DELETE', 409)]
    assert edge.api('GET', ITEM).status_code == 200

    # detach the app (publish it to another deployment), then the deployment can go
    run = playbook('''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: other deployment
          rockitplay.edge.rockit_deployment:
            name: akamai
            origin: {type: netstorage, endpoint: example-nsu.akamaihd.net, key_name: n, key: k}
        - name: detach
          rockitplay.edge.rockit_app:
            name: Sushi
            deployments: [akamai]
    ''', edge, fast_path=fast_path)
    assert run.rc == 0, run
    assert apply(playbook, edge, fast_path, dep_state='absent')['changed'] is True


def test_changing_the_origin_type_replaces_the_origin(playbook, edge):
    apply(playbook, edge, True, dep_origin=s3())
    edge.clear()
    netstorage = {'type': 'netstorage', 'endpoint': 'example-nsu.akamaihd.net'}
    run = playbook(PLAY, edge, extra_vars={'dep_origin': netstorage})
    assert run.rc != 0 and 'needs the credentials of the new origin' in run.result('deployment')['msg']
    assert edge.writes() == []
    result = apply(playbook, edge, True, dep_origin=dict(netstorage, key_name=NS_NAME, key=NS_KEY))
    assert result['changed'] is True and result['deployment']['origin'] == netstorage
    assert result['diff']['before']['origin']['type'] == 's3' and result['diff']['after']['origin']['type'] == 'netstorage'
    edge.clear()
    assert apply(playbook, edge, False, dep_origin=netstorage)['changed'] is False
    assert edge.writes() == []


def test_refusals_before_any_request(playbook, edge):
    cases = [
        ({'dep_origin': s3(endpoint='games.s3.eu-central-1.example.com')}, 'must not contain the bucket'),
        ({'dep_origin': s3(endpoint='s3.example.com')}, 'must contain the region'),
        ({'dep_origin': s3(endpoint='https://s3.eu-central-1.example.com')}, 'host name only'),
        ({'dep_name': 'bad name'}, 'does not match'),
        ({'dep_auth': {'type': 'none', 'key': DL_KEY}}, 'not used with download_auth.type=none'),
    ]
    assert_refused_before_any_request(playbook, edge, PLAY, 'deployment', cases)


def test_create_needs_credentials(playbook, edge):
    run = playbook(PLAY, edge, extra_vars={'dep_origin': s3(access_key_id=None, secret_access_key=None)})
    assert run.rc != 0
    assert 'needs the credentials of its s3 origin' in run.result('deployment')['msg']
    assert edge.writes() == []


def test_deployment_info(playbook, edge):
    origin = {'type': 'netstorage', 'endpoint': 'example-nsu.akamaihd.net', 'credentials': {'keyName': NS_NAME, 'key': NS_KEY}}
    for i in range(12):
        edge.api('POST', PATH, {'name': 'd%02d' % i, 'origin': origin}, expect=200)
    apply(playbook, edge, True, dep_origin=s3(), dep_auth={'type': 'akamai', 'key': DL_KEY})
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
