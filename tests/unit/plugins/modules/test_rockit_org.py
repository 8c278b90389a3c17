"""rockit_org as a module: reads where the release allows, create/delete, check mode on each release, the one-time password."""
import json
import os
import stat

from ansible.module_utils import basic

from ansible_collections.rockitplay.edge.plugins.modules import rockit_org

from module_runner import run_module  # pylint: disable=import-error

ADMIN = dict(edge_admin_token='adm-jwt', edge_api_key=None, edge_org=None, edge_username=None)
ORG = {'name': 'NewOrg', 'adminUser': 'boss', 'adminEmail': 'boss@example.com', 'created': '2026-01-01T00:00:00Z',
       'updated': '2026-01-01T00:00:00Z'}
DECL = dict(name='NewOrg', admin_user='boss', admin_email='boss@example.com')
NOT_FOUND = {'status': 'failed', 'error': 'not-found', 'message': 'no such organisation'}
FIREWALL_404 = {'code': 404, 'message': 'Not Found'}


def org(fake, monkeypatch, check=False, **args):
    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, msg: warnings.append(msg))
    result = run_module(rockit_org, fake, monkeypatch, check_mode=check, **dict(ADMIN, **args))
    if warnings:
        result['warnings'] = warnings
    return result


def release(fake, number):
    if number is None:
        fake.add('GET', '/srv/v1/versions', status=404, body=FIREWALL_404)
        fake.add('GET', '/adm/v1/versions', status=404, body=NOT_FOUND)
    else:
        fake.add('GET', '/srv/v1/versions', body={'status': 'success', 'release': number, 'versions': {'edge': str(number)}})


def test_create_on_159_reads_first(fake, monkeypatch):
    release(fake, 159)
    fake.add('GET', '/adm/v1/orgs/NewOrg', status=404, body=NOT_FOUND)
    fake.add('POST', '/adm/v1/orgs', body={'status': 'success', 'org': ORG})
    result = org(fake, monkeypatch, admin_password='Pw-boss-123', **DECL)
    assert result['changed'] is True and result['action'] == 'create' and result['existence_known'] is True
    post = fake.writes()[0]
    assert post['body'] == {'name': 'NewOrg', 'adminUser': 'boss', 'adminEmail': 'boss@example.com', 'adminPassword': 'Pw-boss-123'}
    assert post['headers']['x-rockit-admin-token'] == 'adm-jwt'
    assert 'Pw-boss-123' not in json.dumps(result)
    assert result['diff']['after']['adminUser'] == 'boss'


def test_existing_on_159_sends_no_write(fake, monkeypatch):
    release(fake, 159)
    fake.add('GET', '/adm/v1/orgs/NewOrg', body={'status': 'success', 'org': dict(ORG, adminEmail='other@example.com')})
    result = org(fake, monkeypatch, **DECL)
    assert result['changed'] is False and not fake.writes()
    assert any('adminEmail' in w for w in result['warnings'])


def test_check_mode_on_159_predicts_exactly(fake, monkeypatch):
    release(fake, 159)
    fake.add('GET', '/adm/v1/orgs/NewOrg', status=404, body=NOT_FOUND)
    result = org(fake, monkeypatch, check=True, **DECL)
    assert result['changed'] is True and not fake.writes() and 'warnings' not in result


def test_before_159_create_and_409_is_present(fake, monkeypatch):
    release(fake, 150)
    fake.add('POST', '/adm/v1/orgs', status=409, body={'status': 'failed', 'error': 'already-exists', 'message': 'exists'})
    result = org(fake, monkeypatch, **DECL)
    assert result['changed'] is False and result['existence_known'] is False
    assert not [c for c in fake.calls if c['method'] == 'GET' and 'orgs' in c['path']]


def test_before_159_check_mode_predicts_a_create_and_says_so(fake, monkeypatch):
    release(fake, None)
    result = org(fake, monkeypatch, check=True, **DECL)
    assert result['changed'] is True and not fake.writes()
    assert 'cannot tell' in result['warnings'][0]


def test_initial_password_returned_once_and_written_0600(fake, monkeypatch, tmp_path):
    release(fake, 159)
    fake.add('GET', '/adm/v1/orgs/NewOrg', status=404, body=NOT_FOUND)
    fake.add('POST', '/adm/v1/orgs', body={'status': 'success', 'org': ORG, 'initialPassword': 'Init-Pw-987'})
    path = tmp_path / 'pw'
    result = org(fake, monkeypatch, initial_password_file=str(path), **DECL)
    assert result['initial_password'] == 'Init-Pw-987'
    assert path.read_text().strip() == 'Init-Pw-987'
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o600


def test_initial_password_file_checked_before_anything(fake, monkeypatch, tmp_path):
    result = org(fake, monkeypatch, initial_password_file=str(tmp_path / 'missing' / 'pw'), **DECL)
    assert result['failed'] and 'does not exist' in result['msg'] and not fake.calls


def test_present_needs_the_administrator(fake, monkeypatch):
    result = org(fake, monkeypatch, name='NewOrg')
    assert result['failed'] and 'admin_user' in result['msg'] and not fake.calls


def test_admin_token_required(fake, monkeypatch):
    result = org(fake, monkeypatch, edge_admin_token=None, edge_api_key='k', edge_org='o', edge_username='u', **DECL)
    assert result['failed'] and 'admin token' in result['msg'] and not fake.calls


def test_delete_on_159(fake, monkeypatch):
    release(fake, 159)
    fake.add('GET', '/adm/v1/orgs/NewOrg', body={'status': 'success', 'org': ORG})
    fake.add('DELETE', '/adm/v1/orgs/NewOrg', body={'status': 'success'})
    result = org(fake, monkeypatch, name='NewOrg', state='absent')
    assert result['changed'] is True and [w['method'] for w in fake.writes()] == ['DELETE']
    assert result['diff']['before']['name'] == 'NewOrg' and result['diff']['after'] == {}


def test_delete_absent_on_159_is_no_change(fake, monkeypatch):
    release(fake, 159)
    fake.add('GET', '/adm/v1/orgs/NewOrg', status=404, body=NOT_FOUND)
    assert org(fake, monkeypatch, name='NewOrg', state='absent')['changed'] is False
    assert not fake.writes()


def test_delete_before_159_404_is_no_change(fake, monkeypatch):
    release(fake, 152)
    fake.add('DELETE', '/adm/v1/orgs/NewOrg', status=404, body=NOT_FOUND)
    assert org(fake, monkeypatch, name='NewOrg', state='absent')['changed'] is False


def test_bad_name_refused_before_any_request(fake, monkeypatch):
    result = org(fake, monkeypatch, name='bad name', admin_user='boss', admin_email='b@example.com')
    assert result['failed'] and not fake.calls
