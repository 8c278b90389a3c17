"""rockit_user and rockit_user_info as modules: exact requests, refusals before any request, secrets."""
import json
import os
import stat

import pytest

from ansible.module_utils import basic

from ansible_collections.rockitplay.edge.plugins.modules import rockit_user, rockit_user_info

from module_runner import run_module  # pylint: disable=import-error
from edge_payloads import BOT, JDOE  # pylint: disable=import-error

NOT_FOUND = {'status': 'failed', 'error': 'not-found', 'message': 'no such user'}
HUMAN = dict(username='jdoe', email='jdoe@example.com', first_name='Jane', surname='Doe')


def run(module, fake, monkeypatch, conn=None, check=False, **args):
    """Run a module as the admin (or as ``conn``) on the scripted transport."""
    args = dict(conn or {}, **args)
    return run_module(module, fake, monkeypatch, check_mode=check, **args)


def user(fake, monkeypatch, **args):
    return run(rockit_user, fake, monkeypatch, **args)


def test_create_human_user_sends_exact_payload_and_masks_password(fake, monkeypatch):
    fake.add('GET', '/be/v1/users/jdoe', status=404, body=NOT_FOUND)
    fake.add('POST', '/be/v1/users', body={'status': 'success', 'user': dict(JDOE, title='Producer')})
    result = user(fake, monkeypatch, roles=['Managers', 'Testers'], password='Pw-initial-1', title='Producer', **HUMAN)
    assert result['changed'] is True and result['user']['username'] == 'jdoe'
    assert fake.writes()[0]['body'] == {'username': 'jdoe', 'email': 'jdoe@example.com', 'firstname': 'Jane', 'surname': 'Doe',
                                        'title': 'Producer', 'roles': ['Managers', 'Testers'], 'password': 'Pw-initial-1'}
    assert result['diff']['before'] == {}
    assert result['diff']['after']['password'] == '********'
    text = json.dumps(result)
    assert 'Pw-initial-1' not in text and 'k-secret-123' not in text and 'api_key' not in result


def test_create_without_roles_sends_empty_list(fake, monkeypatch):
    fake.add('GET', '/be/v1/users/jdoe', status=404, body=NOT_FOUND)
    fake.add('POST', '/be/v1/users', body={'status': 'success', 'user': dict(JDOE, roles=[])})
    user(fake, monkeypatch, **HUMAN)
    assert fake.writes()[0]['body']['roles'] == []
    assert 'password' not in fake.writes()[0]['body']


def test_create_machine_user_returns_key_once_and_writes_file(fake, monkeypatch, tmp_path):
    key_file = tmp_path / 'ci_bot.key'
    fake.add('GET', '/be/v1/users/ci_bot', status=404, body=NOT_FOUND)
    fake.add('POST', '/be/v1/users', body={'status': 'success', 'user': BOT, 'apiKey': 'new-api-key-xyz'})
    result = user(fake, monkeypatch, username='ci_bot', type='machine', label='CI', roles=['CI_Pipeline_Services'],
                  api_key_file=str(key_file))
    assert fake.writes()[0]['body'] == {'username': 'ci_bot', 'label': 'CI', 'roles': ['CI_Pipeline_Services']}
    assert result['api_key'] == 'new-api-key-xyz'
    assert 'new-api-key-xyz' not in json.dumps(result['user'])
    assert key_file.read_text() == 'new-api-key-xyz'
    assert stat.S_IMODE(os.stat(str(key_file)).st_mode) == 0o600


def test_machine_user_unchanged_returns_no_key_and_warns_about_missing_file(fake, monkeypatch, tmp_path):
    fake.add('GET', '/be/v1/users/ci_bot', body={'status': 'success', 'user': BOT})
    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, msg: warnings.append(msg))
    result = user(fake, monkeypatch, username='ci_bot', type='machine', label='CI', roles=['ci_pipeline_services'],
                  api_key_file=str(tmp_path / 'lost.key'))
    assert result['changed'] is False and 'api_key' not in result and fake.writes() == []
    assert any('only returned when it is issued' in w for w in warnings)


def test_roles_compared_as_a_set(fake, monkeypatch):
    fake.add('GET', '/be/v1/users/jdoe', body={'status': 'success', 'user': JDOE})
    result = user(fake, monkeypatch, username='jdoe', roles=['Testers', 'Managers', 'testers'])
    assert result['changed'] is False and fake.writes() == []


def test_update_patches_only_changed_fields(fake, monkeypatch):
    fake.add('GET', '/be/v1/users/jdoe', body={'status': 'success', 'user': JDOE})
    fake.add('PATCH', '/be/v1/users', body={'status': 'success', 'user': dict(JDOE, roles=['Managers'], surname='Smith')})
    result = user(fake, monkeypatch, username='jdoe', surname='Smith', roles=['Managers'], email='jdoe@example.com')
    assert fake.writes()[0]['body'] == {'username': 'jdoe', 'surname': 'Smith', 'roles': ['Managers']}
    assert result['diff'] == {
        'before': {'username': 'jdoe', 'email': 'jdoe@example.com', 'surname': 'Doe', 'roles': ['Managers', 'Testers']},
        'after': {'username': 'jdoe', 'email': 'jdoe@example.com', 'surname': 'Smith', 'roles': ['Managers']}}


def test_check_mode_predicts_without_writing(fake, monkeypatch):
    fake.add('GET', '/be/v1/users/ci_bot', status=404, body=NOT_FOUND)
    result = user(fake, monkeypatch, check=True, username='ci_bot', type='machine', label='CI')
    assert result['changed'] is True and result['user'] == {'username': 'ci_bot', 'label': 'CI', 'roles': [], 'type': 'machine'}
    assert fake.writes() == [] and 'api_key' not in result


def test_update_password_always_resets_as_admin(fake, monkeypatch):
    fake.add('GET', '/be/v1/users/jdoe', body={'status': 'success', 'user': JDOE})
    fake.add('PATCH', '/be/v1/users', body={'status': 'success', 'user': JDOE})
    result = user(fake, monkeypatch, username='jdoe', password='Pw-reset-2', update_password='always')
    assert result['changed'] is True
    assert fake.writes()[0]['body'] == {'username': 'jdoe', 'resetCreds': {'password': 'Pw-reset-2'}}
    assert result['diff'] == {'before': {'username': 'jdoe', 'password': '********'},
                              'after': {'username': 'jdoe', 'password': '******** (new value)'}}
    assert 'Pw-reset-2' not in json.dumps(result)


def test_update_password_on_create_leaves_existing_password(fake, monkeypatch):
    fake.add('GET', '/be/v1/users/jdoe', body={'status': 'success', 'user': JDOE})
    result = user(fake, monkeypatch, username='jdoe', password='Pw-other-3')
    assert result['changed'] is False and fake.writes() == []


SELF = dict(edge_api_key=None, edge_username='jdoe', edge_password='Pw-old-000')
LOGIN_OK = {'status': 'success', 'orgs': ['ExampleOrg'], 'orgSelectionToken': 'sel'}
TOKENS = {'status': 'success', 'accessToken': 'acc', 'refreshToken': 'ref', 'expiresIn': 900}
UNAUTHORIZED = {'status': 'failed', 'error': 'unauthorized', 'message': 'wrong user or password'}


def test_self_service_change_uses_old_and_new_password(fake, monkeypatch):
    fake.add('POST', '/be/v1/login', body=LOGIN_OK)      # the play's own login, step 1
    fake.add('POST', '/be/v1/login', body=TOKENS)        # step 2
    fake.add('GET', '/be/v1/users/jdoe', body={'status': 'success', 'user': JDOE})
    fake.add('POST', '/be/v1/login', status=401, body=UNAUTHORIZED)  # the new password does not work yet
    fake.add('PATCH', '/be/v1/users', body={'status': 'success', 'user': JDOE})
    result = user(fake, monkeypatch, conn=SELF, username='jdoe', password='Pw-new-111', current_password='Pw-old-000',
                  update_password='always')
    assert result['changed'] is True
    probe = [c for c in fake.calls if c['path'] == '/be/v1/login'][2]
    assert probe['body'] == {'username': 'jdoe', 'password': 'Pw-new-111'} and 'x-rockit-beauth-token' not in probe['headers']
    assert [w for w in fake.writes() if w['path'] == '/be/v1/users'][-1]['body'] == {'username': 'jdoe', 'oldPW': 'Pw-old-000', 'newPW': 'Pw-new-111'}
    text = json.dumps(result)
    assert 'Pw-new-111' not in text and 'Pw-old-000' not in text


def test_self_service_change_is_idempotent(fake, monkeypatch):
    fake.add('POST', '/be/v1/login', body=LOGIN_OK)
    fake.add('POST', '/be/v1/login', body=TOKENS)
    fake.add('GET', '/be/v1/users/jdoe', body={'status': 'success', 'user': JDOE})
    fake.add('POST', '/be/v1/login', body=LOGIN_OK)  # the new password works already
    result = user(fake, monkeypatch, conn=dict(SELF, edge_password='Pw-new-111'), username='jdoe', password='Pw-new-111',
                  current_password='Pw-old-000', update_password='always')
    assert result['changed'] is False
    assert [c['method'] for c in fake.calls if c['path'] not in ('/be/v1/login', '/be/v1/logout')] == ['GET']


def test_self_service_without_read_permission(fake, monkeypatch):
    fake.add('POST', '/be/v1/login', body=LOGIN_OK)
    fake.add('POST', '/be/v1/login', body=TOKENS)
    fake.add('GET', '/be/v1/users/jdoe', status=403, body={'status': 'failed', 'error': 'forbidden', 'message': 'no',
                                                           'permission': 'beUsers.read'})
    fake.add('POST', '/be/v1/login', status=401, body=UNAUTHORIZED)
    fake.add('PATCH', '/be/v1/users', body={'status': 'success', 'user': JDOE})
    result = user(fake, monkeypatch, conn=SELF, username='jdoe', password='Pw-new-111', current_password='Pw-old-000',
                  update_password='always')
    assert result['changed'] is True and result['user']['username'] == 'jdoe'
    assert [w for w in fake.writes() if w['path'] == '/be/v1/users'][-1]['body'] == {'username': 'jdoe', 'oldPW': 'Pw-old-000', 'newPW': 'Pw-new-111'}


def test_wrong_current_password_is_named(fake, monkeypatch):
    fake.add('POST', '/be/v1/login', body=LOGIN_OK)
    fake.add('POST', '/be/v1/login', body=TOKENS)
    fake.add('GET', '/be/v1/users/jdoe', body={'status': 'success', 'user': JDOE})
    fake.add('POST', '/be/v1/login', status=401, body=UNAUTHORIZED)
    fake.add('PATCH', '/be/v1/users', status=400, body={'status': 'failed', 'error': 'invalid-param', 'param': 'oldPW',
                                                        'message': "Invalid parameter 'oldPW': does not match the current password."})
    result = user(fake, monkeypatch, conn=SELF, username='jdoe', password='Pw-new-111', current_password='Pw-wrong-0',
                  update_password='always')
    assert result['failed'] and 'current_password is not the current password of jdoe' in result['msg']
    assert 'Pw-wrong-0' not in json.dumps(result)


def test_type_mismatch_fails_clearly(fake, monkeypatch):
    fake.add('GET', '/be/v1/users/ci_bot', body={'status': 'success', 'user': BOT})
    result = user(fake, monkeypatch, username='ci_bot', roles=['CI_Pipeline_Services'])
    assert result['failed'] and 'ci_bot is a machine user' in result['msg'] and 'delete the user' in result['msg']
    assert fake.writes() == []


def test_create_needs_type_specific_fields(fake, monkeypatch):
    fake.add('GET', '/be/v1/users/jdoe', status=404, body=NOT_FOUND)
    result = user(fake, monkeypatch, username='jdoe', email='jdoe@example.com')
    assert result['failed'] and 'needs first_name, surname' in result['msg'] and fake.writes() == []


def test_delete_and_delete_again(fake, monkeypatch):
    fake.add('GET', '/be/v1/users/jdoe', body={'status': 'success', 'user': JDOE})
    fake.add('DELETE', '/be/v1/users/jdoe', body={'status': 'success', 'message': 'deleted'})
    assert user(fake, monkeypatch, username='jdoe', state='absent')['changed'] is True
    fake.add('GET', '/be/v1/users/jdoe', status=404, body=NOT_FOUND)
    assert user(fake, monkeypatch, username='jdoe', state='absent')['changed'] is False
    assert [(w['method'], w['path']) for w in fake.writes()] == [('DELETE', '/be/v1/users/jdoe')]


@pytest.mark.parametrize('args, fragment', [
    (dict(username='x'), "username: 'x' does not match"),
    (dict(username='bad name'), 'does not match'),
    (dict(HUMAN, email='not-an-email'), "email: 'not-an-email' is not an e-mail address"),
    (dict(HUMAN, email='a@b'), 'is not an e-mail address'),
    (dict(HUMAN, label='CI'), 'label: only for machine users'),
    (dict(username='ci_bot', type='machine', label='CI', email='a@example.com'), 'email: only for human users'),
    (dict(username='ci_bot', type='machine', label='CI', password='Pw-123456'), 'password: only for human users'),
    (dict(HUMAN, api_key_file='/tmp/k'), 'api_key_file: only for machine users'),
    (dict(HUMAN, roles=['Managers', 'bad role']), "roles: 'bad role' does not match"),
    (dict(HUMAN, password='Pw-1234567', current_password='Pw-0000000'), 'needs update_password=always'),
    (dict(HUMAN, password='Pw-1234567', current_password='Pw-0000000', update_password='always'),
     'only changes the password of the user the play authenticates as'),
    (dict(HUMAN, password=''), 'password: must not be empty'),
    (dict(username='ci_bot', type='machine', label='CI', api_key_file='/nonexistent-dir/k'), 'directory /nonexistent-dir does not exist'),
    (dict(username='adminPrincipal', state='absent'), 'a user cannot delete itself'),
    (dict(HUMAN, update_password='always'), 'missing: password'),
    (dict(HUMAN, current_password='Pw-0000000'), "required by 'current_password': password"),
])
def test_bad_input_refused_before_any_request(fake, monkeypatch, args, fragment):
    result = user(fake, monkeypatch, **args)
    assert result['failed'] and fragment in result['msg'], result['msg']
    assert fake.calls == []
    assert 'Pw-' not in result['msg']


def test_info_reads_every_page_and_never_a_secret(fake, monkeypatch):
    page1 = [dict(BOT, username='u%04d' % i) for i in range(1000)]
    fake.add('GET', '/be/v1/users', body={'status': 'success', 'totalCount': 1001, 'users': page1})
    fake.add('GET', '/be/v1/users', body={'status': 'success', 'totalCount': 1001, 'users': [dict(JDOE, apiKey='leak')]})
    result = run(rockit_user_info, fake, monkeypatch)
    assert result['total_count'] == 1001 and len(result['users']) == 1001
    assert [c['query'] for c in fake.calls] == ['offset=0&limit=1000', 'offset=1000&limit=1000']
    assert 'leak' not in json.dumps(result)


def test_info_one_and_missing(fake, monkeypatch):
    fake.add('GET', '/be/v1/users/jdoe', body={'status': 'success', 'user': JDOE})
    assert run(rockit_user_info, fake, monkeypatch, username='jdoe')['users'] == [JDOE]
    fake.add('GET', '/be/v1/users/nope', status=404, body=NOT_FOUND)
    result = run(rockit_user_info, fake, monkeypatch, username='nope')
    assert result['users'] == [] and result['total_count'] == 0


def test_unknown_role_gets_a_hint(fake, monkeypatch):
    fake.add('GET', '/be/v1/users/jdoe', body={'status': 'success', 'user': JDOE})
    fake.add('PATCH', '/be/v1/users', status=400, body={'status': 'failed', 'error': 'invalid-param',
                                                        'message': "Invalid parameter 'roles': unknown role 'Nope'."})
    result = user(fake, monkeypatch, username='jdoe', roles=['Nope'])
    assert result['failed'] and 'Every role must exist' in result['msg'] and "unknown role 'Nope'" in result['msg']
