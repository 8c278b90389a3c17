"""rockit_role as a module (module path): exact requests, refusals before any request, results."""
import json

import pytest

from ansible_collections.rockitplay.edge.plugins.module_utils.role import normalize_permissions
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import ModuleFailure
from ansible_collections.rockitplay.edge.plugins.modules import rockit_role
from module_runner import run_module  # pylint: disable=import-error


def run(fake, monkeypatch, **args):
    return run_module(rockit_role, fake, monkeypatch, **args)


def test_create_sends_exact_payload(fake, monkeypatch):
    fake.add('GET', '/be/v1/roles/CI', status=404, body={'status': 'failed', 'error': 'not-found', 'message': 'no role CI'})
    fake.add('POST', '/be/v1/roles', body={'status': 'success', 'role': {'name': 'CI', 'label': 'C', 'permissions': {'apps': 15, 'tasks': 2}}})
    result = run(fake, monkeypatch, name='CI', label='C', permissions={'apps': ['create', 'read', 'update', 'delete'], 'tasks': 2})
    assert result['changed'] is True and result['role']['name'] == 'CI'
    body = fake.writes()[0]['body']
    assert body['name'] == 'CI' and body['label'] == 'C'
    assert body['permissions']['apps'] == 15 and body['permissions']['tasks'] == 2 and body['permissions']['roles'] == 0
    assert 'k-secret-123' not in json.dumps(result)


@pytest.mark.parametrize('permissions, fragment', [
    ({'nope': 2}, "unknown resource 'nope'"),
    ({'apps': ['write']}, "operation 'write' is not allowed"),
    ({'apps': 16}, 'maximum is 15'),
    ({'trainings': 1}, 'maximum is 6'),
    ({'consumption': ['update']}, 'consumption allows: read'),
    ({'tasks': -1}, 'not allowed'),
])
def test_bad_permissions_refused_before_any_request(fake, monkeypatch, permissions, fragment):
    result = run(fake, monkeypatch, name='CI', permissions=permissions)
    assert result['failed'] and fragment in result['msg']
    assert fake.calls == []


def test_bad_name_refused(fake, monkeypatch):
    result = run(fake, monkeypatch, name='bad name!')
    assert result['failed'] and 'does not match' in result['msg'] and fake.calls == []


def test_administrators_cannot_be_deleted(fake, monkeypatch):
    result = run(fake, monkeypatch, name='Administrators', state='absent')
    assert result['failed'] and 'cannot be changed or deleted' in result['msg'] and fake.calls == []


def test_normalize_accepts_ops_ints_and_strings():
    perms = normalize_permissions({'apps': 'read,update', 'tasks': ['read', 'execute'], 'roles': '15'})
    assert perms['apps'] == 6 and perms['tasks'] == 18 and perms['roles'] == 15 and perms['keys'] == 0
    with pytest.raises(ModuleFailure):
        normalize_permissions({'apps': True})
