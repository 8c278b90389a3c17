"""rockit_user and rockit_user_info against the emulator (the module path gives the same results: test_parity.py).

The lifecycle of human and machine users (create, unchanged second run, check mode, exact diff,
update, password reset and self-service change, delete), the API key of a new machine user
(returned once, hidden from the output, written to a 0600 file, and working), and no secret in the
output even at -vvvv.
"""
import os
import stat

import pytest

# pylint: disable-next=import-error
from edge_log import assert_refused_before_any_request, mark_task, playbook_text, run_steps, split_log, write_calls, writes

pytestmark = pytest.mark.integration

OPTIONS = ('type', 'email', 'first_name', 'surname', 'title', 'label', 'roles', 'password', 'current_password',
           'update_password', 'api_key_file', 'state', 'edge_username', 'edge_password', 'edge_api_key')
JDOE = dict(u_username='jdoe', u_email='jdoe@example.com', u_first_name='Jane', u_surname='Doe')
USER_TASK = {'rockitplay.edge.rockit_user': dict(
    [('username', '{{ u_username }}')] + [(o, '{{ u_%s | default(omit) }}' % o) for o in OPTIONS])}


def make_roles(edge, *names, **permissions):
    for name in names:
        edge.api('POST', '/be/v1/roles', {'name': name, 'permissions': permissions}, expect=200)


def can_log_in(edge, username, password):
    response = edge.http.post(edge.url + '/be/v1/login', json={'username': username, 'password': password}, timeout=30)
    return response.status_code == 200


def steps(playbook, edge, *steps_, **kwargs):
    return run_steps(playbook, edge, USER_TASK, steps_, **kwargs)


def test_human_user_lifecycle(playbook, edge):
    """All steps in three playbook runs (the module path gives the same results: test_parity.py)."""
    make_roles(edge, 'Managers', 'Testers')
    declared = dict(JDOE, u_roles=['Managers', 'Testers'], u_password='Pw-initial-111')
    run = steps(playbook, edge, ('check create', declared, True), ('create', declared, False))

    # check mode on create: predicted, nothing written
    result = run.result('check create')
    assert result['changed'] is True and result['user']['email'] == 'jdoe@example.com' and result['user']['type'] == 'user'
    assert run.writes('check create') == []

    # create: exact diff, one POST, the password works
    result = run.result('create')
    assert result['changed'] is True
    assert result['diff'] == {'before': {}, 'after': {'username': 'jdoe', 'email': 'jdoe@example.com', 'firstname': 'Jane',
                                                      'surname': 'Doe', 'roles': ['Managers', 'Testers'], 'password': '********'}}
    assert result['user']['type'] == 'user' and 'api_key' not in result
    assert run.writes('create') == [('POST', '/be/v1/users')]
    assert can_log_in(edge, 'jdoe', 'Pw-initial-111')

    run = steps(playbook, edge,
                # the same again, roles in another order, password on_create
                ('again', dict(declared, u_roles=['Testers', 'Managers']), False),
                # undeclared fields (title, names) are not compared
                ('undeclared', dict(u_username='jdoe', u_roles=['Managers', 'Testers']), False),
                ('check update', dict(u_username='jdoe', u_surname='Smith', u_roles=['Managers']), True),
                ('update', dict(u_username='jdoe', u_surname='Smith', u_roles=['Managers']), False),
                ('reset', dict(u_username='jdoe', u_password='Pw-reset-222', u_update_password='always'), False))
    assert run.result('again')['changed'] is False and run.writes('again') == []
    assert run.result('undeclared')['changed'] is False and run.writes('undeclared') == []

    # check mode on update
    result = run.result('check update')
    assert result['changed'] is True and result['user']['surname'] == 'Smith' and result['user']['roles'] == ['Managers']
    assert run.writes('check update') == []

    # update: exact diff of the declared fields only
    result = run.result('update')
    assert result['changed'] is True
    assert result['diff'] == {'before': {'username': 'jdoe', 'surname': 'Doe', 'roles': ['Managers', 'Testers']},
                              'after': {'username': 'jdoe', 'surname': 'Smith', 'roles': ['Managers']}}
    assert run.writes('update') == [('PATCH', '/be/v1/users')]
    assert edge.api('GET', '/be/v1/users/jdoe', expect=200).json()['user']['surname'] == 'Smith'

    # administrator reset: always changed, the new password works
    result = run.result('reset')
    assert result['changed'] is True
    assert result['diff'] == {'before': {'username': 'jdoe', 'password': '********'},
                              'after': {'username': 'jdoe', 'password': '******** (new value)'}}
    assert run.writes('reset') == [('PATCH', '/be/v1/users')]
    assert can_log_in(edge, 'jdoe', 'Pw-reset-222') and not can_log_in(edge, 'jdoe', 'Pw-initial-111')

    # check mode on delete, delete, delete again
    absent = dict(u_username='jdoe', u_state='absent')
    run = steps(playbook, edge, ('check delete', absent, True), ('delete', absent, False), ('delete again', absent, False))
    assert run.result('check delete')['changed'] is True and run.writes('check delete') == []
    result = run.result('delete')
    assert result['changed'] is True and result['user'] is None
    assert result['diff']['before']['username'] == 'jdoe' and result['diff']['after'] == {}
    assert run.writes('delete') == [('DELETE', '/be/v1/users/jdoe')]
    assert run.result('delete again')['changed'] is False and run.writes('delete again') == []


def test_self_service_password_change(playbook, edge):
    """A user without any role changes its own password (oldPW/newPW): no beUsers.update nor beUsers.read needed."""
    edge.api('POST', '/be/v1/users', dict(username='jdoe', email='jdoe@example.com', firstname='Jane', surname='Doe', roles=[],
                                          password='Pw-old-0000'), expect=200)
    as_jdoe = dict(u_username='jdoe', u_password='Pw-new-1111', u_current_password='Pw-old-0000', u_update_password='always',
                   u_edge_username='jdoe')
    run = steps(playbook, edge, ('check', dict(as_jdoe, u_edge_password='Pw-old-0000'), True),
                ('change', dict(as_jdoe, u_edge_password='Pw-old-0000'), False),
                # again, now logged in with the new password: the password works already, nothing is sent
                ('again', dict(as_jdoe, u_edge_password='Pw-new-1111'), False), env={'ROCKIT_API_KEY': ''})
    assert run.result('check')['changed'] is True and run.writes('check') == []
    assert run.result('change')['changed'] is True and run.writes('change') == [('PATCH', '/be/v1/users')]
    assert run.result('again')['changed'] is False and run.writes('again') == []
    assert can_log_in(edge, 'jdoe', 'Pw-new-1111') and not can_log_in(edge, 'jdoe', 'Pw-old-0000')


def test_machine_user_api_key(playbook, edge, tmp_path):
    edge.api('POST', '/be/v1/roles', {'name': 'CI_Pipeline_Services', 'permissions': {'beUsers': 2, 'roles': 2}}, expect=200)
    key_file = str(tmp_path / 'ci_bot.key')
    kept = str(tmp_path / 'registered.key')
    kept_again = str(tmp_path / 'registered-again.key')
    declared = dict(u_username='ci_bot', u_type='machine', u_label='CI pipeline', u_roles=['CI_Pipeline_Services'], u_api_key_file=key_file)

    def keep(name, path):
        return {'name': 'keep %s' % name, 'ansible.builtin.copy': {'content': '{{ created.api_key }}', 'dest': path, 'mode': '0600'},
                'no_log': True, 'when': 'created.api_key is defined'}

    def user_step(name, variables, **extra):
        return [mark_task(name), dict(USER_TASK, name=name, vars=variables, diff=True, register='created', **extra)]

    tasks = (user_step('check create', declared, check_mode=True) + [
        {'name': 'no file in check mode', 'ansible.builtin.stat': {'path': key_file}, 'register': 'checked'},
        {'name': 'assert no file', 'ansible.builtin.assert': {'that': ['not checked.stat.exists']}}]
        + user_step('create', declared) + [keep('create', kept)]
        # the key works
        + [mark_task('use the key'), {'name': 'use the key', 'rockitplay.edge.rockit_user_info': {
            'username': 'ci_bot', 'edge_username': 'ci_bot', 'edge_api_key': "{{ lookup('ansible.builtin.file', '%s') }}" % key_file}}]
        + user_step('again', dict(declared, u_roles=['ci_pipeline_services'])) + [keep('again', kept_again)]
        + user_step('update', dict(u_username='ci_bot', u_type='machine', u_label='CI'))
        # declared as a human user: a clear failure, nothing written
        + user_step('as human', dict(u_username='ci_bot', u_roles=['CI_Pipeline_Services']), ignore_errors=True)
        # delete (as a machine user, without type) and again
        + user_step('delete', dict(u_username='ci_bot', u_state='absent'))
        + user_step('delete again', dict(u_username='ci_bot', u_state='absent')))
    edge.clear()
    run = playbook(playbook_text(tasks), edge)
    assert run.rc == 0, run
    log = split_log(edge.requests())

    # check mode: nothing written, no key, no file
    assert run.result('check create')['changed'] is True and write_calls(log['check create']) == []

    with open(key_file) as handle:
        api_key = handle.read()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    with open(kept) as handle:
        assert handle.read() == api_key, 'register keeps the key'
    # the creating task's output is hidden; the key is in no output
    assert run.result('create').get('api_key') != api_key
    assert api_key not in run.stdout and api_key not in run.stderr
    assert write_calls(log['create']) == [('POST', '/be/v1/users')]
    # the key works
    user = run.result('use the key')['users'][0]
    assert user['type'] == 'machine' and user['label'] == 'CI pipeline' and 'apiKey' not in user
    assert [(r['user'], r['status']) for r in log['use the key']] == [('ci_bot', 200)]

    # the same again: unchanged, no key, no write, the file untouched
    assert run.result('again')['changed'] is False and 'api_key' not in run.result('again')
    assert write_calls(log['again']) == [] and not os.path.exists(kept_again)
    with open(key_file) as handle:
        assert handle.read() == api_key

    # update the label: exact diff
    result = run.result('update')
    assert result['diff'] == {'before': {'username': 'ci_bot', 'label': 'CI pipeline'}, 'after': {'username': 'ci_bot', 'label': 'CI'}}
    assert write_calls(log['update']) == [('PATCH', '/be/v1/users')] and 'api_key' not in result

    assert run.status('as human') == 'failed' and 'ci_bot is a machine user' in run.result('as human')['msg']
    assert write_calls(log['as human']) == []

    assert run.result('delete')['changed'] is True and write_calls(log['delete']) == [('DELETE', '/be/v1/users/ci_bot')]
    assert run.result('delete again')['changed'] is False and write_calls(log['delete again']) == []


def test_no_secret_in_verbose_output(playbook, edge, tmp_path):
    """The module path at -vvvv: tests/reliability/test_secrets.py (every module, both paths)."""
    make_roles(edge, 'Managers')
    key_file = str(tmp_path / 'bot.key')
    run = playbook('''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: human
          rockitplay.edge.rockit_user:
            username: jdoe
            email: jdoe@example.com
            first_name: Jane
            surname: Doe
            roles: [Managers]
            password: Pw-verbose-secret-1
        - name: reset
          rockitplay.edge.rockit_user:
            username: jdoe
            password: Pw-verbose-secret-2
            update_password: always
        - name: machine
          rockitplay.edge.rockit_user:
            username: bot
            type: machine
            label: Bot
            api_key_file: "%s"
          register: bot
        - name: machine again
          rockitplay.edge.rockit_user:
            username: bot
            type: machine
            label: Bot
    ''' % key_file, edge, diff=True, verbosity=4)
    assert run.rc == 0, run
    with open(key_file) as handle:
        api_key = handle.read()
    output = run.stdout + run.stderr
    for secret in ('Pw-verbose-secret-1', 'Pw-verbose-secret-2', api_key, 'rockit-demo-api-key'):
        assert secret not in output
    assert 'censored' in run.stdout  # the creating machine task is hidden
    assert run.result('machine again')['changed'] is False


def test_user_info_reads_every_page_and_no_secret(playbook, edge):
    make_roles(edge, 'Managers')
    keys = []
    for i in range(11):
        response = edge.api('POST', '/be/v1/users', {'username': 'bot%02d' % i, 'label': 'Bot', 'roles': ['Managers']}, expect=200)
        keys.append(response.json()['apiKey'])
    edge.api('POST', '/be/v1/users', dict(username='jdoe', email='jdoe@example.com', firstname='Jane', surname='Doe', roles=[],
                                          password='Pw-info-0000'), expect=200)
    edge.clear()
    run = playbook('''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: all
          rockitplay.edge.rockit_user_info:
        - name: one
          rockitplay.edge.rockit_user_info:
            username: bot03
        - name: missing
          rockitplay.edge.rockit_user_info:
            username: nope
    ''', edge)
    assert run.rc == 0, run
    assert len(run.result('all')['users']) == 13 and run.result('all')['total_count'] == 13
    assert [u['username'] for u in run.result('one')['users']] == ['bot03']
    assert run.result('one')['users'][0]['type'] == 'machine'
    assert run.result('missing')['users'] == [] and run.result('missing')['total_count'] == 0
    for key in keys + ['Pw-info-0000']:
        assert key not in run.stdout
    assert writes(edge.requests()) == []


def test_bad_input_fails_before_any_request(playbook, edge):
    assert_refused_before_any_request(playbook, edge, USER_TASK, [
        ({'u_username': 'x'}, "username: 'x' does not match"),
        (dict(JDOE, u_email='jdoe at example.com'), 'is not an e-mail address'),
        (dict(JDOE, u_label='CI'), 'label: only for machine users'),
        ({'u_username': 'ci_bot', 'u_type': 'machine', 'u_label': 'CI', 'u_password': 'Pw-123456789'}, 'password: only for human users'),
        (dict(JDOE, u_roles=['Managers', 'no such role!']), 'does not match'),
    ])
