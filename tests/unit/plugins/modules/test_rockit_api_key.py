"""rockit_api_key as a module: a working key means nothing to do, creates, rotation order, revocation, the keys file."""
import json
import os
import stat

import yaml

from ansible_collections.rockitplay.edge.plugins.module_utils import keys_file
from ansible_collections.rockitplay.edge.plugins.modules import rockit_api_key

from module_runner import run_module  # pylint: disable=import-error

PASSWORD = dict(edge_api_key=None, edge_password='Admin-pw-1')
UNAUTHORIZED = {'status': 'failed', 'error': 'unauthorized', 'message': 'bad credentials'}
BOT_USER = {'status': 'success', 'user': {'username': 'bot', 'type': 'machine'}}


def key(fake, monkeypatch, check=False, **args):
    return run_module(rockit_api_key, fake, monkeypatch, check_mode=check, **dict(PASSWORD, **args))


def login(fake):
    fake.add('POST', '/be/v1/login', body={'orgSelectionToken': 'sel'}, times=1)
    fake.add('POST', '/be/v1/login', body={'accessToken': 'acc', 'refreshToken': 'ref'}, times=1)
    fake.add('POST', '/be/v1/logout', body={'status': 'success'})


def stored(tmp_path, api_key='old-key', key_id='id-old'):
    path = tmp_path / 'keys.yml'
    keys_file.merge_keys(str(path), 'ExampleOrg', {'bot': {'api_key': api_key, 'api_key_id': key_id}})
    return str(path)


def test_working_key_in_file_means_nothing_to_do_and_no_login(fake, monkeypatch, tmp_path):
    path = stored(tmp_path)
    fake.add('GET', '/be/v1/users/bot', body=BOT_USER)
    result = key(fake, monkeypatch, username='bot', keys_file=path)
    assert result['changed'] is False and result['works'] is True and result['source'] == 'keys_file'
    assert [c['path'] for c in fake.calls] == ['/be/v1/users/bot']
    probe = fake.calls[0]['headers']
    assert probe['x-rockit-api-key'] == 'old-key' and probe['x-rockit-username'] == 'bot'


def test_forbidden_still_proves_the_key(fake, monkeypatch, tmp_path):
    path = stored(tmp_path)
    fake.add('GET', '/be/v1/users/bot', status=403, body={'status': 'failed', 'error': 'forbidden', 'permission': 'beUsers.read'})
    assert key(fake, monkeypatch, username='bot', keys_file=path)['changed'] is False


def test_dead_key_replaced_by_a_new_one_in_the_file(fake, monkeypatch, tmp_path):
    path = stored(tmp_path)
    fake.add('GET', '/be/v1/users/bot', status=401, body=UNAUTHORIZED)
    login(fake)
    fake.add('POST', '/be/v1/apikeys',
             body={'status': 'success', 'apiKey': 'new-key-1', 'apiKeyId': 'id-new', 'username': 'bot', 'created': '2026-01-02T00:00:00Z'})
    result = key(fake, monkeypatch, username='bot', keys_file=path)
    assert result['changed'] is True and result['api_key'] == 'new-key-1' and result['source'] == 'created'
    create = [c for c in fake.calls if c['path'] == '/be/v1/apikeys'][0]
    assert create['body'] == {'username': 'bot'}
    entry = keys_file.read_entry(path, 'ExampleOrg', 'bot')
    assert entry['api_key'] == 'new-key-1' and entry['api_key_id'] == 'id-new'
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert 'new-key-1' not in json.dumps(result.get('diff'))


def test_key_of_the_authenticated_user_has_an_empty_body(fake, monkeypatch, tmp_path):
    login(fake)
    fake.add('POST', '/be/v1/apikeys', body={'status': 'success', 'apiKey': 'self-key', 'apiKeyId': 'id-self'})
    result = key(fake, monkeypatch, keys_file=str(tmp_path / 'k.yml'))
    assert result['username'] == 'adminPrincipal'
    assert [c for c in fake.calls if c['path'] == '/be/v1/apikeys'][0]['body'] == {}


def test_given_working_key_is_stored_without_a_create(fake, monkeypatch, tmp_path):
    fake.add('GET', '/be/v1/users/bot', body=BOT_USER)
    path = str(tmp_path / 'k.yml')
    result = key(fake, monkeypatch, username='bot', api_key='from-user-create', api_key_id='id-1', keys_file=path)
    assert result['changed'] is True and result['action'] == 'stored' and not fake.writes() and 'api_key' not in result
    assert keys_file.read_entry(path, 'ExampleOrg', 'bot')['api_key'] == 'from-user-create'


def test_check_mode_predicts_a_create_without_writing(fake, monkeypatch, tmp_path):
    path = stored(tmp_path)
    fake.add('GET', '/be/v1/users/bot', status=401, body=UNAUTHORIZED)
    result = key(fake, monkeypatch, check=True, username='bot', keys_file=path)
    assert result['changed'] is True and not fake.writes()
    assert keys_file.read_entry(path, 'ExampleOrg', 'bot')['api_key'] == 'old-key'


def test_keys_file_checked_before_anything(fake, monkeypatch, tmp_path):
    result = key(fake, monkeypatch, username='bot', keys_file=str(tmp_path / 'nope' / 'k.yml'))
    assert result['failed'] and 'does not exist' in result['msg'] and not fake.calls


def test_present_needs_a_way_to_recognise_the_key(fake, monkeypatch):
    result = key(fake, monkeypatch, username='bot')
    assert result['failed'] and 'keys_file' in result['msg'] and not fake.calls


def test_create_false_only_checks(fake, monkeypatch, tmp_path):
    path = stored(tmp_path)
    fake.add('GET', '/be/v1/users/bot', status=401, body=UNAUTHORIZED)
    result = key(fake, monkeypatch, username='bot', keys_file=path, create=False)
    assert result['changed'] is False and result['works'] is False and len(fake.calls) == 1


def test_rotation_creates_proves_then_revokes(fake, monkeypatch, tmp_path):
    path = stored(tmp_path)
    login(fake)
    fake.add('POST', '/be/v1/apikeys', body={'status': 'success', 'apiKey': 'rot-key', 'apiKeyId': 'id-rot'})
    fake.add('GET', '/be/v1/users/bot', body=BOT_USER)
    fake.add('DELETE', '/be/v1/apikeys/id-old', body={'status': 'success'})
    result = key(fake, monkeypatch, username='bot', state='rotated', keys_file=path)
    assert result['changed'] is True and result['revoked_api_key_id'] == 'id-old'
    order = [(c['method'], c['path']) for c in fake.calls if c['path'] != '/be/v1/login']
    assert order[:3] == [('POST', '/be/v1/apikeys'), ('GET', '/be/v1/users/bot'), ('DELETE', '/be/v1/apikeys/id-old')]
    assert fake.calls[[c['path'] for c in fake.calls].index('/be/v1/users/bot')]['headers']['x-rockit-api-key'] == 'rot-key'
    assert keys_file.read_entry(path, 'ExampleOrg', 'bot')['api_key'] == 'rot-key'


def test_rotation_keeps_the_old_key_when_the_new_one_fails(fake, monkeypatch, tmp_path):
    path = stored(tmp_path)
    login(fake)
    fake.add('POST', '/be/v1/apikeys', body={'status': 'success', 'apiKey': 'bad-key', 'apiKeyId': 'id-bad'})
    fake.add('GET', '/be/v1/users/bot', status=401, body=UNAUTHORIZED)
    result = key(fake, monkeypatch, username='bot', state='rotated', keys_file=path)
    assert result['failed'] and 'old key was kept' in result['msg']
    assert not [c for c in fake.calls if c['method'] == 'DELETE']
    assert keys_file.read_entry(path, 'ExampleOrg', 'bot')['api_key'] == 'old-key'


def test_revoke_by_keys_file_entry(fake, monkeypatch, tmp_path):
    path = stored(tmp_path)
    fake.add('GET', '/be/v1/users/bot', body=BOT_USER)
    login(fake)
    fake.add('DELETE', '/be/v1/apikeys/id-old', body={'status': 'success'})
    result = key(fake, monkeypatch, username='bot', state='absent', keys_file=path)
    assert result['changed'] is True and result['revoked_api_key_id'] == 'id-old'
    assert keys_file.read_entry(path, 'ExampleOrg', 'bot') is None


def test_revoke_unknown_id_is_no_change(fake, monkeypatch):
    login(fake)
    fake.add('DELETE', '/be/v1/apikeys/id-x', status=404, body={'status': 'failed', 'error': 'not-found'})
    assert key(fake, monkeypatch, username='bot', state='absent', api_key_id='id-x')['changed'] is False


def test_revoke_all_keys(fake, monkeypatch):
    login(fake)
    fake.add('DELETE', '/be/v1/apikeys', body={'status': 'success', 'deleted': 2})
    result = key(fake, monkeypatch, username='bot', state='absent', all_keys=True)
    assert result['changed'] is True and result['revoked'] == 2
    assert [c['query'] for c in fake.calls if c['method'] == 'DELETE'] == ['username=bot']


def test_answer_without_the_key_fails_loudly(fake, monkeypatch, tmp_path):
    login(fake)
    fake.add('POST', '/be/v1/apikeys', body={'status': 'success', 'apiKeyId': 'id-z', 'secretValue': 'zzz'})
    result = key(fake, monkeypatch, username='bot', keys_file=str(tmp_path / 'k.yml'))
    assert result['failed'] and 'has no apiKey' in result['msg'] and 'secretValue' in result['msg']
    assert 'zzz' not in result['msg']


def test_other_spelling_of_the_key_is_kept(fake, monkeypatch, tmp_path):
    login(fake)
    fake.add('POST', '/be/v1/apikeys', body={'status': 'success', 'key': 'renamed-key', 'apiKeyId': 'id-r'})
    path = str(tmp_path / 'k.yml')
    assert key(fake, monkeypatch, username='bot', keys_file=path)['api_key'] == 'renamed-key'
    with open(path) as handle:
        assert yaml.safe_load(handle)['ExampleOrg']['bot']['api_key'] == 'renamed-key'


def test_absent_forgets_a_dead_stored_key_without_revoking(fake, monkeypatch, tmp_path):
    path = stored(tmp_path)
    fake.add('GET', '/be/v1/users/bot', status=401, body=UNAUTHORIZED)
    result = key(fake, monkeypatch, username='bot', state='absent', all_keys=True, keys_file=path)
    assert result['changed'] is True and len(fake.calls) == 1
    assert keys_file.read_entry(path, 'ExampleOrg', 'bot') is None


def test_absent_all_keys_as_the_user_itself(fake, monkeypatch, tmp_path):
    path = stored(tmp_path, key_id=None)
    fake.add('GET', '/be/v1/users/bot', body=BOT_USER)
    fake.add('DELETE', '/be/v1/apikeys', body={'status': 'success', 'deleted': 1})
    result = run_module(rockit_api_key, fake, monkeypatch, edge_username='bot', edge_api_key='old-key', username='bot',
                        state='absent', all_keys=True, keys_file=path)
    assert result['changed'] is True and result['revoked'] == 1
    assert fake.calls[-1]['headers']['x-rockit-api-key'] == 'old-key'
    assert keys_file.read_entry(path, 'ExampleOrg', 'bot') is None
