"""rockit_user and rockit_user_info against the emulator, through the fast path and the module path.

The lifecycle of human and machine users (create, unchanged second run, check mode, exact diff,
update, password reset and self-service change, delete), the API key of a new machine user
(returned once, hidden from the output, written to a 0600 file, and working), and no secret in the
output even at -vvvv.
"""
import os
import stat

import pytest

pytestmark = pytest.mark.integration

PATHS = ['fast-path', 'module-path']
OPTIONS = ('type', 'email', 'first_name', 'surname', 'title', 'label', 'roles', 'password', 'current_password',
           'update_password', 'api_key_file', 'state', 'edge_username', 'edge_password', 'edge_api_key')
PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: user
      rockitplay.edge.rockit_user:
        username: "{{ u_username }}"
%s
      register: created
''' % '\n'.join('        %s: "{{ u_%s | default(omit) }}"' % (o, o) for o in OPTIONS)
JDOE = dict(u_username='jdoe', u_email='jdoe@example.com', u_first_name='Jane', u_surname='Doe')


def writes(edge):
    """The write requests the emulator saw, without logins and logouts (which change nothing managed)."""
    return [(w['method'], w['path']) for w in edge.writes() if w['path'] not in ('/be/v1/login', '/be/v1/logout')]


def apply(playbook, edge, fast_path, check=False, env=None, verbosity=0, ok=True, **extra_vars):
    run = playbook(PLAY, edge, extra_vars=extra_vars, diff=True, check=check, fast_path=fast_path, env=env, verbosity=verbosity)
    if ok:
        assert run.rc == 0, run
    return run


def result_of(playbook, edge, fast_path, variables=None, **changes):
    extra_vars = dict(variables or {})
    extra_vars.update(changes)
    return apply(playbook, edge, fast_path, **extra_vars).result('user')


def make_roles(edge, *names, **permissions):
    for name in names:
        edge.api('POST', '/be/v1/roles', {'name': name, 'permissions': permissions}, expect=200)


def can_log_in(edge, username, password):
    response = edge.http.post(edge.url + '/be/v1/login', json={'username': username, 'password': password}, timeout=30)
    return response.status_code == 200


@pytest.mark.parametrize('fast_path', [True, False], ids=PATHS)
def test_human_user_lifecycle(playbook, edge, fast_path):
    make_roles(edge, 'Managers', 'Testers')
    edge.clear()
    declared = dict(JDOE, u_roles=['Managers', 'Testers'], u_password='Pw-initial-111')

    # check mode on create: predicted, nothing written
    result = result_of(playbook, edge, fast_path, check=True, **declared)
    assert result['changed'] is True and result['user']['email'] == 'jdoe@example.com' and result['user']['type'] == 'user'
    assert writes(edge) == []

    # create: exact diff, one POST, the password works
    result = result_of(playbook, edge, fast_path, **declared)
    assert result['changed'] is True
    assert result['diff'] == {'before': {}, 'after': {'username': 'jdoe', 'email': 'jdoe@example.com', 'firstname': 'Jane',
                                                      'surname': 'Doe', 'roles': ['Managers', 'Testers'], 'password': '********'}}
    assert result['user']['type'] == 'user' and 'api_key' not in result
    assert writes(edge) == [('POST', '/be/v1/users')]
    assert can_log_in(edge, 'jdoe', 'Pw-initial-111')

    # the same again, roles in another order, password on_create: unchanged, no write
    edge.clear()
    result = result_of(playbook, edge, fast_path, declared, u_roles=['Testers', 'Managers'])
    assert result['changed'] is False and writes(edge) == []
    # undeclared fields (title, names) are not compared
    result = result_of(playbook, edge, fast_path, u_username='jdoe', u_roles=['Managers', 'Testers'])
    assert result['changed'] is False and writes(edge) == []

    # check mode on update
    result = result_of(playbook, edge, fast_path, check=True, u_username='jdoe', u_surname='Smith', u_roles=['Managers'])
    assert result['changed'] is True and result['user']['surname'] == 'Smith' and result['user']['roles'] == ['Managers']
    assert writes(edge) == []

    # update: exact diff of the declared fields only
    result = result_of(playbook, edge, fast_path, u_username='jdoe', u_surname='Smith', u_roles=['Managers'])
    assert result['changed'] is True
    assert result['diff'] == {'before': {'username': 'jdoe', 'surname': 'Doe', 'roles': ['Managers', 'Testers']},
                              'after': {'username': 'jdoe', 'surname': 'Smith', 'roles': ['Managers']}}
    assert writes(edge) == [('PATCH', '/be/v1/users')]
    assert edge.api('GET', '/be/v1/users/jdoe', expect=200).json()['user']['surname'] == 'Smith'

    # administrator reset: always changed, the new password works
    edge.clear()
    result = result_of(playbook, edge, fast_path, u_username='jdoe', u_password='Pw-reset-222', u_update_password='always')
    assert result['changed'] is True
    assert result['diff'] == {'before': {'username': 'jdoe', 'password': '********'},
                              'after': {'username': 'jdoe', 'password': '******** (new value)'}}
    assert writes(edge) == [('PATCH', '/be/v1/users')]
    assert can_log_in(edge, 'jdoe', 'Pw-reset-222') and not can_log_in(edge, 'jdoe', 'Pw-initial-111')

    # check mode on delete, delete, delete again
    edge.clear()
    assert result_of(playbook, edge, fast_path, check=True, u_username='jdoe', u_state='absent')['changed'] is True
    assert writes(edge) == []
    result = result_of(playbook, edge, fast_path, u_username='jdoe', u_state='absent')
    assert result['changed'] is True and result['user'] is None
    assert result['diff']['before']['username'] == 'jdoe' and result['diff']['after'] == {}
    assert writes(edge) == [('DELETE', '/be/v1/users/jdoe')]
    edge.clear()
    assert result_of(playbook, edge, fast_path, u_username='jdoe', u_state='absent')['changed'] is False
    assert writes(edge) == []


@pytest.mark.parametrize('fast_path', [True, False], ids=PATHS)
def test_self_service_password_change(playbook, edge, fast_path):
    """A user without any role changes its own password (oldPW/newPW): no beUsers.update nor beUsers.read needed."""
    edge.api('POST', '/be/v1/users', dict(username='jdoe', email='jdoe@example.com', firstname='Jane', surname='Doe', roles=[],
                                          password='Pw-old-0000'), expect=200)
    edge.clear()
    as_jdoe = dict(u_username='jdoe', u_password='Pw-new-1111', u_current_password='Pw-old-0000', u_update_password='always',
                   u_edge_username='jdoe')
    env = {'ROCKIT_API_KEY': ''}

    result = result_of(playbook, edge, fast_path, check=True, env=env, u_edge_password='Pw-old-0000', **as_jdoe)
    assert result['changed'] is True and writes(edge) == []

    result = result_of(playbook, edge, fast_path, env=env, u_edge_password='Pw-old-0000', **as_jdoe)
    assert result['changed'] is True and writes(edge) == [('PATCH', '/be/v1/users')]
    assert can_log_in(edge, 'jdoe', 'Pw-new-1111') and not can_log_in(edge, 'jdoe', 'Pw-old-0000')

    # again, now logged in with the new password: the password works already, nothing is sent
    edge.clear()
    result = result_of(playbook, edge, fast_path, env=env, u_edge_password='Pw-new-1111', **as_jdoe)
    assert result['changed'] is False and writes(edge) == []


@pytest.mark.parametrize('fast_path', [True, False], ids=PATHS)
def test_machine_user_api_key(playbook, edge, fast_path, tmp_path):
    edge.api('POST', '/be/v1/roles', {'name': 'CI_Pipeline_Services', 'permissions': {'beUsers': 2, 'roles': 2}}, expect=200)
    edge.clear()
    key_file = str(tmp_path / 'ci_bot.key')
    kept = str(tmp_path / 'registered.key')
    play = PLAY + '''
    - name: keep the registered key
      ansible.builtin.copy:
        content: "{{ created.api_key }}"
        dest: "%s"
        mode: "0600"
      no_log: true
      when: created.api_key is defined
''' % kept
    declared = dict(u_username='ci_bot', u_type='machine', u_label='CI pipeline', u_roles=['CI_Pipeline_Services'], u_api_key_file=key_file)

    # check mode: nothing written, no key, no file
    run = playbook(play, edge, extra_vars=dict(declared), check=True, diff=True, fast_path=fast_path)
    assert run.rc == 0, run
    assert run.result('user')['changed'] is True and writes(edge) == [] and not os.path.exists(key_file)

    run = playbook(play, edge, extra_vars=dict(declared), diff=True, fast_path=fast_path)
    assert run.rc == 0, run
    with open(key_file) as handle:
        api_key = handle.read()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    with open(kept) as handle:
        assert handle.read() == api_key, 'register keeps the key'
    # the creating task's output is hidden; the key is in no output
    assert run.result('user').get('api_key') != api_key
    assert api_key not in run.stdout and api_key not in run.stderr
    assert writes(edge) == [('POST', '/be/v1/users')]
    # the key works
    user = edge.api('GET', '/be/v1/users/ci_bot', user='ci_bot', api_key=api_key, expect=200).json()['user']
    assert user['type'] == 'machine' and user['label'] == 'CI pipeline' and 'apiKey' not in user

    # the same again: unchanged, no key, no write, the file untouched
    edge.clear()
    os.remove(kept)
    run = playbook(play, edge, extra_vars=dict(declared, u_roles=['ci_pipeline_services']), diff=True, fast_path=fast_path)
    assert run.rc == 0, run
    assert run.result('user')['changed'] is False and 'api_key' not in run.result('user')
    assert writes(edge) == [] and not os.path.exists(kept)
    with open(key_file) as handle:
        assert handle.read() == api_key

    # update the label: exact diff
    result = result_of(playbook, edge, fast_path, u_username='ci_bot', u_type='machine', u_label='CI')
    assert result['diff'] == {'before': {'username': 'ci_bot', 'label': 'CI pipeline'}, 'after': {'username': 'ci_bot', 'label': 'CI'}}
    assert writes(edge) == [('PATCH', '/be/v1/users')] and 'api_key' not in result

    # declared as a human user: a clear failure, nothing written
    edge.clear()
    run = apply(playbook, edge, fast_path, ok=False, u_username='ci_bot', u_roles=['CI_Pipeline_Services'])
    assert run.rc != 0 and 'ci_bot is a machine user' in run.result('user')['msg'] and writes(edge) == []

    # delete (as a machine user, without type) and again
    assert result_of(playbook, edge, fast_path, u_username='ci_bot', u_state='absent')['changed'] is True
    assert writes(edge) == [('DELETE', '/be/v1/users/ci_bot')]
    edge.clear()
    assert result_of(playbook, edge, fast_path, u_username='ci_bot', u_state='absent')['changed'] is False
    assert writes(edge) == []


@pytest.mark.parametrize('fast_path', [True, False], ids=PATHS)
def test_no_secret_in_verbose_output(playbook, edge, fast_path, tmp_path):
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
    ''' % key_file, edge, diff=True, verbosity=4, fast_path=fast_path)
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
    assert writes(edge) == []


@pytest.mark.parametrize('options, fragment', [
    ({'u_username': 'x'}, "username: 'x' does not match"),
    (dict(JDOE, u_email='jdoe at example.com'), 'is not an e-mail address'),
    (dict(JDOE, u_label='CI'), 'label: only for machine users'),
    ({'u_username': 'ci_bot', 'u_type': 'machine', 'u_label': 'CI', 'u_password': 'Pw-123456789'}, 'password: only for human users'),
    (dict(JDOE, u_roles=['Managers', 'no such role!']), 'does not match'),
])
def test_bad_input_fails_before_any_request(playbook, edge, options, fragment):
    run = apply(playbook, edge, True, ok=False, **options)
    assert run.rc != 0 and fragment in run.result('user')['msg']
    assert edge.requests() == []
