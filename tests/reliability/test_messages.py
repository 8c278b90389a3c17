"""Failures read the same on both execution paths, one sentence each.

Argument errors (wrong types, unknown options, bad choices, declarations of the wrong shape) give the
same message on the fast path and the module path: the type names a user knows (``list``, not an
internal class), the fully qualified module name. An answer of the Edge is its message plus a hint
that says what to do without repeating it.
"""
import json

import pytest

pytestmark = pytest.mark.integration

CASES = [
    ('objects not a list', 'rockit_apply', {'kind': 'role', 'objects': '{{ five }}'}),
    ('objects of ints', 'rockit_apply', {'kind': 'role', 'objects': ['{{ five }}']}),
    ('name a list', 'rockit_role', {'name': '{{ pair }}'}),
    ('unknown option', 'rockit_role', {'name': 'R1', 'colour': 'red'}),
    ('permissions a list', 'rockit_role', {'name': 'R1', 'permissions': '{{ pair }}'}),
    ('max_builds a word', 'rockit_app', {'name': 'R1', 'max_builds': 'many'}),
    ('roles a dict', 'rockit_user', {'username': 'jdoe', 'roles': '{{ {"a": 1} }}'}),
    ('unknown suboption', 'rockit_deployment', {'name': 'gcore', 'origin': {'type': 's3', 'endpoint': 'x.example.com', 'colour': 'red'}}),
    ('declarations of an int', 'rockit_validate', {'declarations': {'rockit_role': '{{ five }}'}}),
    ('statuses an int', 'rockit_tasks_info', {'statuses': '{{ five }}'}),
    ('wrong kind', 'rockit_apply', {'kind': 'roles', 'objects': []}),
    ('requires of a dict', 'rockit_whoami', {'requires': ['{{ {"a": 1} }}']}),
]


def play():
    tasks = [{'name': name, 'rockitplay.edge.' + module: options, 'ignore_errors': True} for name, module, options in CASES]
    return json.dumps([{'hosts': 'localhost', 'gather_facts': False, 'vars': {'five': 5, 'pair': ['a', 'b']}, 'tasks': tasks}],
                      indent=1)


def test_argument_errors_read_the_same_on_both_paths(playbook, edge):
    fast = playbook(play(), edge)
    module = playbook(play(), edge, fast_path=False)
    assert fast.rc == module.rc == 0, (fast, module)
    different = {}
    for name, _module, _options in CASES:
        one, other = fast.result(name)['msg'], module.result(name)['msg']
        assert fast.status(name) == module.status(name) == 'failed', name
        if one != other:
            different[name] = (one, other)
        assert '_Ansible' not in one and '<class' not in one.replace("<class 'list'>", '').replace("<class 'dict'>", '').replace(
            "<class 'int'>", ''), one
    assert not different, json.dumps(different, indent=1)
    assert 'Unsupported parameters for (rockitplay.edge.rockit_role) module: colour' in fast.result('unknown option')['msg']
    assert edge.requests() == []


def test_an_answer_of_the_edge_is_one_sentence_and_a_hint(playbook, edge):
    edge.api('POST', '/be/v1/roles', {'name': 'Readers', 'permissions': {'roles': 2}}, expect=200)
    key = edge.api('POST', '/be/v1/users', {'username': 'reader', 'label': 'Reader', 'roles': ['Readers']}, expect=200).json()['apiKey']
    run = playbook('''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: create a role without roles.create
      rockitplay.edge.rockit_role: {name: Devs, edge_username: reader, edge_api_key: "%s"}
      ignore_errors: true
    - name: a wrong key
      rockitplay.edge.rockit_role_info: {edge_api_key: not-the-key}
      ignore_errors: true
''' % key, edge)
    assert run.rc == 0, run
    msg = run.result('create a role without roles.create')['msg']
    assert msg.count('roles.create') == 1 and msg.endswith('Grant it to one of the roles of the user the play authenticates as.'), msg
    msg = run.result('a wrong key')['msg']
    assert msg.startswith('ROCKIT Edge request GET /be/v1/roles failed: HTTP 401 unauthorized: ') and msg.count('accept') <= 1, msg
