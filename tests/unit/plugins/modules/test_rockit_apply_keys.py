"""rockit_apply with api_keys_file: checked before any request, each new key merged in at once, never lost."""
import os
import stat

import yaml

from ansible_collections.rockitplay.edge.plugins.modules import rockit_apply
from module_runner import run_module  # pylint: disable=import-error

NOT_FOUND = {'status': 'failed', 'error': 'not-found', 'message': 'not found'}
BOTS = [{'username': 'bot_a', 'type': 'machine', 'label': 'A'}, {'username': 'bot_b', 'type': 'machine', 'label': 'B'}]


def created(fake, name, key):
    fake.add('GET', '/be/v1/users/%s' % name, status=404, body=NOT_FOUND)
    label = dict((bot['username'], bot['label']) for bot in BOTS)[name]
    fake.add('POST', '/be/v1/users', body={'status': 'success', 'user': {'username': name, 'type': 'machine', 'label': label, 'roles': []},
                                           'apiKey': key})


def test_every_new_key_is_filed_under_its_organisation(fake, monkeypatch, tmp_path):
    path = tmp_path / 'keys.yml'
    path.write_text('OtherOrg:\n  bot_a:\n    api_key: other-key\n')
    created(fake, 'bot_a', 'key-a-123456')
    created(fake, 'bot_b', 'key-b-123456')
    # one after another: the scripted answers to POST /be/v1/users come in the order they were added
    result = run_module(rockit_apply, fake, monkeypatch, kind='user', objects=BOTS, api_keys_file=str(path), concurrency=1)
    assert not result.get('failed'), result
    data = yaml.safe_load(path.read_text())
    assert data['OtherOrg'] == {'bot_a': {'api_key': 'other-key'}}
    assert dict((u, e['api_key']) for u, e in data['ExampleOrg'].items()) == {'bot_a': 'key-a-123456', 'bot_b': 'key-b-123456'}
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [r['api_key_written'] for r in result['results']] == [str(path)] * 2
    assert result['api_keys_file'] == str(path)


def test_a_file_that_could_not_be_kept_is_refused_before_any_request(fake, monkeypatch, tmp_path):
    result = run_module(rockit_apply, fake, monkeypatch, kind='user', objects=BOTS, api_keys_file=str(tmp_path / 'no' / 'keys.yml'))
    assert result['failed'] and 'does not exist' in result['msg'] and 'Nothing was sent' in result['msg']
    old = tmp_path / 'old.yml'
    old.write_text('bot_a: some-key\n')  # the layout of 1.0: user -> key
    result = run_module(rockit_apply, fake, monkeypatch, kind='user', objects=BOTS, api_keys_file=str(old))
    assert result['failed'] and 'organisation -> user' in result['msg']
    result = run_module(rockit_apply, fake, monkeypatch, kind='role', objects=[{'name': 'RR'}], api_keys_file=str(old))
    assert result['failed'] and 'only for kind=user' in result['msg']
    assert fake.calls == []


def test_a_key_that_cannot_be_written_stays_in_the_result_and_the_failure_says_where(fake, monkeypatch, tmp_path):
    path = tmp_path / 'keys.yml'
    (tmp_path / 'keys.yml.lock').mkdir()  # the lock cannot be taken: the write fails after the check passed
    created(fake, 'bot_a', 'key-a-123456')
    created(fake, 'bot_b', 'key-b-123456')
    result = run_module(rockit_apply, fake, monkeypatch, kind='user', objects=BOTS, api_keys_file=str(path), concurrency=1)
    assert result['failed'] and result['api_keys_file_failed']
    assert [r['api_key'] for r in result['results']] == ['key-a-123456', 'key-b-123456']
    assert 'The new API keys of bot_a, bot_b could not be written to %s' % path in result['msg']
    assert 'registered result' in result['msg'] and 'key-a-123456' not in result['msg']
    assert len(fake.writes()) == 2  # both users were created: a failed write does not stop the others


def test_check_mode_writes_no_file(fake, monkeypatch, tmp_path):
    path = tmp_path / 'keys.yml'
    fake.add('GET', '/be/v1/users/bot_a', status=404, body=NOT_FOUND)
    result = run_module(rockit_apply, fake, monkeypatch, check_mode=True, kind='user', objects=BOTS[:1], api_keys_file=str(path))
    assert result['results'][0]['action'] == 'created' and not path.exists()
