"""rockit_deployment and rockit_deployment_info as modules: exact requests and payloads, secrets never returned."""
import json

import pytest

from ansible_collections.rockitplay.edge.plugins.modules import rockit_deployment, rockit_deployment_info

from module_runner import run_module  # pylint: disable=import-error
from edge_payloads import GCORE, S3  # pylint: disable=import-error

NOT_FOUND = {'status': 'failed', 'error': 'not-found', 'message': 'no such deployment'}
NETSTORAGE = dict(type='netstorage', endpoint='example-nsu.akamaihd.net', key_name='ns-known-name', key='ns-known-key')
SECRETS = ('AKIA-known-id', 's3-known-secret', 'ns-known-name', 'ns-known-key', 'dl-known-key')


def without(options, *names):
    return dict((k, v) for k, v in options.items() if k not in names)


def run(fake, monkeypatch, **args):
    return run_module(rockit_deployment, fake, monkeypatch, **args)


def deployment(**changes):
    return dict(GCORE, **changes)


def existing(fake, **changes):
    fake.add('GET', '/be/v1/deployments/gcore', body={'status': 'success', 'deployment': deployment(**changes)})


def no_secret_in(result):
    text = json.dumps(result)
    return not [s for s in SECRETS if s in text]


def test_create_sends_exact_payload_and_returns_no_secret(fake, monkeypatch):
    fake.add('GET', '/be/v1/deployments/gcore', status=404, body=NOT_FOUND)
    fake.add('POST', '/be/v1/deployments', body={'status': 'success', 'deployment': GCORE})
    result = run(fake, monkeypatch, name='gcore', origin=dict(S3, prefix='rockit'), download_auth=dict(type='gcore', key='dl-known-key'))
    assert result['changed'] is True and result['deployment'] == GCORE
    assert fake.writes()[0]['path'] == '/be/v1/deployments'
    assert fake.writes()[0]['body'] == {
        'name': 'gcore', 'originPrefix': 'rockit',
        'origin': {'type': 's3', 'endpoint': 's3.eu-central-1.example.com', 'region': 'eu-central-1', 'bucket': 'games',
                   'credentials': {'accessKeyId': 'AKIA-known-id', 'secretAccessKey': 's3-known-secret'}},
        'downloadAuth': {'type': 'gcore', 'key': 'dl-known-key'}}
    assert result['diff'] == {'before': {}, 'after': {
        'name': 'gcore', 'originPrefix': 'rockit',
        'origin': {'type': 's3', 'endpoint': 's3.eu-central-1.example.com', 'region': 'eu-central-1', 'bucket': 'games',
                   'credentials': {'accessKeyId': '********', 'secretAccessKey': '********'}},
        'downloadAuth': {'type': 'gcore', 'key': '********'}}}
    assert no_secret_in(result)


def test_create_netstorage_with_brackets_in_the_name(fake, monkeypatch):
    fake.add('GET', '/be/v1/deployments/akamai%5Beu%5D', status=404, body=NOT_FOUND)
    fake.add('POST', '/be/v1/deployments', body={'status': 'success', 'deployment': {'name': 'akamai[eu]'}})
    result = run(fake, monkeypatch, name='akamai[eu]', origin=NETSTORAGE, download_auth=dict(type='none'))
    assert result['changed'] is True
    assert fake.writes()[0]['body'] == {'name': 'akamai[eu]', 'origin': {
        'type': 'netstorage', 'endpoint': 'example-nsu.akamaihd.net', 'credentials': {'keyName': 'ns-known-name', 'key': 'ns-known-key'}}}
    assert no_secret_in(result)


def test_check_mode_on_create_writes_nothing(fake, monkeypatch):
    fake.add('GET', '/be/v1/deployments/gcore', status=404, body=NOT_FOUND)
    result = run(fake, monkeypatch, check_mode=True, name='gcore', origin=S3)
    assert result['changed'] is True and fake.writes() == []
    # the complete new deployment, with the Edge's defaults (docs/api-assumptions.md, section 6)
    assert result['deployment'] == {'name': 'gcore', 'origin': {'type': 's3', 'endpoint': 's3.eu-central-1.example.com',
                                                                'region': 'eu-central-1', 'bucket': 'games'},
                                    'originPrefix': '', 'downloadAuth': None, 'status': 'ok', 'message': ''}


@pytest.mark.parametrize('args, fragment', [
    (dict(name='gcore'), 'creating it needs origin'),
    (dict(name='gcore', origin=dict(S3, access_key_id=None, secret_access_key=None)),
     'needs the credentials of its s3 origin: origin.access_key_id and origin.secret_access_key'),
    (dict(name='gcore', origin=S3, download_auth=dict(type='akamai')), 'download_auth.key is required'),
])
def test_create_needs_origin_credentials_and_key(fake, monkeypatch, args, fragment):
    fake.add('GET', '/be/v1/deployments/gcore', status=404, body=NOT_FOUND)
    result = run(fake, monkeypatch, **args)
    assert result['failed'] and fragment in result['msg'], result['msg']
    assert fake.writes() == []


@pytest.mark.parametrize('args, fragment', [
    (dict(name='no way'), 'does not match'),
    (dict(name='gcore', origin=dict(S3, endpoint='https://s3.eu-central-1.example.com')), 'host name only'),
    (dict(name='gcore', origin=dict(S3, endpoint='s3.eu-central-1.example.com/games')), 'host name only'),
    (dict(name='gcore', origin=dict(S3, endpoint='s3_x.example.com')), 'is not a host name'),
    (dict(name='gcore', origin=dict(S3, endpoint='s3.example.com')), 'must contain the region'),
    (dict(name='gcore', origin=dict(S3, endpoint='games.s3.eu-central-1.example.com')), 'must not contain the bucket'),
    (dict(name='gcore', origin=dict(S3, region=None)), 'origin.region is required for an s3 origin'),
    (dict(name='gcore', origin=without(S3, 'bucket')), 'bucket'),
    (dict(name='gcore', origin=dict(NETSTORAGE, region='eu')), 'only s3 origins take'),
    (dict(name='gcore', origin=dict(NETSTORAGE, access_key_id='x', secret_access_key='y')), 'credential of s3 origins'),
    (dict(name='gcore', origin=dict(S3, secret_access_key=None)), 'give both or neither'),
    (dict(name='gcore', origin=without(S3, 'secret_access_key')), 'access_key_id'),
    (dict(name='gcore', origin=dict(S3, type='ftp')), 'ftp'),
    (dict(name='gcore', download_auth=dict(type='none', key='x')), 'not used with download_auth.type=none'),
    (dict(name='gcore', download_auth=dict(type='cloudflare')), 'cloudflare'),
])
def test_bad_input_refused_before_any_request(fake, monkeypatch, args, fragment):
    result = run(fake, monkeypatch, **args)
    assert result['failed'] and fragment in result['msg'], result['msg']
    assert fake.calls == []
    assert no_secret_in(result)


def test_unchanged_sends_no_write_and_no_secret(fake, monkeypatch):
    existing(fake)
    result = run(fake, monkeypatch, name='gcore', origin=dict(S3, prefix='rockit', secret_access_key='a-changed-secret'),
                 download_auth=dict(type='gcore', key='dl-known-key'))
    assert result['changed'] is False and fake.writes() == []
    assert result['deployment'] == GCORE and no_secret_in(result)


def test_update_patches_only_what_changed_without_credentials(fake, monkeypatch):
    existing(fake)
    fake.add('PATCH', '/be/v1/deployments', body={'status': 'success', 'deployment': deployment(
        origin=dict(GCORE['origin'], endpoint='s3.eu-central-1.example.net'))})
    result = run(fake, monkeypatch, name='gcore', origin=dict(S3, endpoint='s3.eu-central-1.example.net'))
    assert result['changed'] is True
    assert fake.writes()[0]['body'] == {'name': 'gcore', 'origin': {'endpoint': 's3.eu-central-1.example.net'}}
    assert result['diff'] == {
        'before': {'name': 'gcore', 'origin': {'type': 's3', 'endpoint': 's3.eu-central-1.example.com', 'region': 'eu-central-1',
                                               'bucket': 'games'}},
        'after': {'name': 'gcore', 'origin': {'type': 's3', 'endpoint': 's3.eu-central-1.example.net', 'region': 'eu-central-1',
                                              'bucket': 'games'}}}
    assert no_secret_in(result)


def test_update_secrets_always_sends_them_and_reports_changed(fake, monkeypatch):
    existing(fake)
    fake.add('PATCH', '/be/v1/deployments', body={'status': 'success', 'deployment': GCORE})
    result = run(fake, monkeypatch, name='gcore', origin=S3, download_auth=dict(type='gcore', key='dl-known-key'), update_secrets='always')
    assert result['changed'] is True
    # the credentials go with the whole declared origin: a server whose PATCH replaces the origin cannot lose a field
    assert fake.writes()[0]['body'] == {'name': 'gcore', 'origin': {'type': 's3', 'endpoint': 's3.eu-central-1.example.com',
                                                                    'region': 'eu-central-1', 'bucket': 'games',
                                                                    'credentials': {'accessKeyId': 'AKIA-known-id',
                                                                                    'secretAccessKey': 's3-known-secret'}},
                                        'downloadAuth': {'key': 'dl-known-key'}}
    assert result['diff']['before']['origin']['credentials'] == {'accessKeyId': '********', 'secretAccessKey': '********'}
    assert result['diff']['after']['downloadAuth'] == {'type': 'gcore', 'key': '******** (new value)'}
    assert no_secret_in(result)


def test_remove_download_auth_sends_null(fake, monkeypatch):
    existing(fake)
    fake.add('PATCH', '/be/v1/deployments', body={'status': 'success', 'deployment': deployment(downloadAuth=None)})
    result = run(fake, monkeypatch, name='gcore', download_auth=dict(type='none'))
    assert result['changed'] is True and fake.writes()[0]['body'] == {'name': 'gcore', 'downloadAuth': None}
    assert result['diff'] == {'before': {'name': 'gcore', 'downloadAuth': {'type': 'gcore'}},
                              'after': {'name': 'gcore', 'downloadAuth': None}}


def test_no_download_auth_is_unchanged_when_none(fake, monkeypatch):
    existing(fake, downloadAuth=None)
    result = run(fake, monkeypatch, name='gcore', download_auth=dict(type='none'))
    assert result['changed'] is False and fake.writes() == []


def test_changing_the_download_auth_type_needs_and_sends_the_key(fake, monkeypatch):
    existing(fake)
    result = run(fake, monkeypatch, name='gcore', download_auth=dict(type='akamai'))
    assert result['failed'] and 'download_auth.key is required' in result['msg'] and fake.writes() == []
    fake.calls[:] = []
    existing(fake)
    fake.add('PATCH', '/be/v1/deployments', body={'status': 'success', 'deployment': deployment(downloadAuth={'type': 'akamai'})})
    result = run(fake, monkeypatch, name='gcore', download_auth=dict(type='akamai', key='dl-known-key'))
    assert result['changed'] is True
    assert fake.writes()[0]['body'] == {'name': 'gcore', 'downloadAuth': {'type': 'akamai', 'key': 'dl-known-key'}}
    assert no_secret_in(result)


def test_changing_the_origin_type_replaces_the_origin(fake, monkeypatch):
    existing(fake)
    result = run(fake, monkeypatch, name='gcore', origin=dict(NETSTORAGE, key_name=None, key=None))
    assert result['failed'] and 'needs the credentials of the new origin: origin.key_name and origin.key' in result['msg']
    assert fake.writes() == []
    fake.calls[:] = []
    existing(fake)
    fake.add('PATCH', '/be/v1/deployments', body={'status': 'success', 'deployment': deployment(
        origin={'type': 'netstorage', 'endpoint': 'example-nsu.akamaihd.net'})})
    result = run(fake, monkeypatch, name='gcore', origin=NETSTORAGE)
    assert result['changed'] is True
    assert fake.writes()[0]['body'] == {'name': 'gcore', 'origin': {
        'type': 'netstorage', 'endpoint': 'example-nsu.akamaihd.net', 'credentials': {'keyName': 'ns-known-name', 'key': 'ns-known-key'}}}
    assert result['diff'] == {
        'before': {'name': 'gcore', 'origin': {'type': 's3', 'endpoint': 's3.eu-central-1.example.com',
                                               'credentials': {'keyName': '********', 'key': '********'}}},
        'after': {'name': 'gcore', 'origin': {'type': 'netstorage', 'endpoint': 'example-nsu.akamaihd.net',
                                              'credentials': {'keyName': '******** (new value)', 'key': '******** (new value)'}}}}
    assert no_secret_in(result)


def test_delete(fake, monkeypatch):
    existing(fake)
    fake.add('DELETE', '/be/v1/deployments/gcore')
    result = run(fake, monkeypatch, name='gcore', state='absent')
    assert result['changed'] is True and result['deployment'] is None
    assert [(c['method'], c['path']) for c in fake.writes()] == [('DELETE', '/be/v1/deployments/gcore')]


def test_delete_refused_while_apps_are_registered(fake, monkeypatch):
    existing(fake)
    fake.add('DELETE', '/be/v1/deployments/gcore', status=409, body={
        'status': 'failed', 'error': 'conflict', 'message': "Deployment 'gcore' still has registered apps: Sushi, Ramen.",
        'apps': ['Sushi', 'Ramen']})
    result = run(fake, monkeypatch, name='gcore', state='absent')
    assert result['failed'] and result['api_status'] == 409
    assert 'Sushi, Ramen' in result['msg'] and 'rockitplay.edge.rockit_app' in result['msg'] and 'delete those apps' in result['msg']


def test_delete_missing_is_unchanged(fake, monkeypatch):
    fake.add('GET', '/be/v1/deployments/gcore', status=404, body=NOT_FOUND)
    result = run(fake, monkeypatch, name='gcore', state='absent')
    assert result['changed'] is False and fake.writes() == []


# ---------------------------------------------------------------- rockit_deployment_info

def test_info_never_returns_a_secret(fake, monkeypatch):
    leaky = deployment(origin=dict(GCORE['origin'], credentials={'accessKeyId': 'AKIA-known-id'}),
                       downloadAuth={'type': 'gcore', 'key': 'dl-known-key'})
    fake.add('GET', '/be/v1/deployments', body={'status': 'success', 'totalCount': 2, 'deployments': [leaky, dict(GCORE, name='b')]})
    result = run_module(rockit_deployment_info, fake, monkeypatch)
    assert result['total_count'] == 2 and [d['name'] for d in result['deployments']] == ['gcore', 'b']
    assert result['deployments'][0] == GCORE and no_secret_in(result)


def test_info_one_by_name(fake, monkeypatch):
    fake.add('GET', '/be/v1/deployments/gcore%5Beu%5D', status=404, body=NOT_FOUND)
    result = run_module(rockit_deployment_info, fake, monkeypatch, name='gcore[eu]')
    assert result['deployments'] == [] and result['total_count'] == 0


def test_info_bad_name_refused(fake, monkeypatch):
    result = run_module(rockit_deployment_info, fake, monkeypatch, name='a b')
    assert result['failed'] and 'does not match' in result['msg'] and fake.calls == []
