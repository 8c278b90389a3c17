"""No secret in the output: every module and the bootstrap role at -vvvv with --diff, with known secrets.

The secrets: the admin API key and password, an access token, S3 and NetStorage credentials (set,
then rotated), download-authentication keys, user passwords (create, administrator reset,
self-service change), a machine user's API key (issued by the server, then used to log in), the
signing secrets of subscriptions (issued by the server, also on replacement), a signed build URL,
and the same through the bootstrap role. The issued ones are learned from the 0600 files the
modules write. None may appear in stdout, stderr (diffs included), the results the callbacks see,
the registered results the play prints with ``debug: var=...``, or the paths and query strings the
emulator received -- except in the tasks named ``explicit ...``, where the play asks for a new
key by name (``debug: var=machine.api_key``).
"""
import os
import re
import stat

import pytest
import yaml

from rel_helpers import RUN_ENV, playbook_text  # pylint: disable=import-error

pytestmark = pytest.mark.integration

ADMIN_KEY = 'sk-admin-Q7v2kP9xL4rT'
ADMIN_PW = 'pw-admin-Z8m3Rt6yW1q'
S3_ID, S3_SECRET, S3_ROTATED = 'AKIASECRETID5TG7Q', 's3-secret-Hq4Lm8Np2Vx', 's3-rotated-Jk5Pq9Ws3Ze'
NS_NAME, NS_KEY = 'ns-keyname-Bv7Cx2Dz8', 'ns-key-Fg3Hj6Kl9Mq'
DL_KEY, DL_ROTATED, DL_AKAMAI = 'dl-key-Mn4Bv8Cx1Za', 'dl-rotated-Lk3Jh7Gf2Ds', 'dl-akamai-Po9Iu5Yt1Re'
HUMAN_PW, HUMAN_RESET, HUMAN_CHANGED = 'hu-pass-Wq2Er5Ty8Ui', 'hu-reset-As4Df7Gh1Jk', 'hu-changed-Zx6Cv9Bn3Mq'
BUILD_SIG = 'sig-Yh7Uj3Ik9OlP0'
BUILD_URL = 'https://builds.example.com/sushi/0001.tar?X-Signature=' + BUILD_SIG
ROLE_NS_NAME, ROLE_NS_KEY, ROLE_DL_KEY = 'role-ns-name-Ws8Ed4Rf', 'role-ns-key-Tg6Yh2Uj', 'role-dl-key-Ik9Ol3Pa'
ROLE_HUMAN_PW = 'role-hu-pass-Qa5Zs7Xd'
KNOWN = (ADMIN_KEY, ADMIN_PW, S3_ID, S3_SECRET, S3_ROTATED, NS_NAME, NS_KEY, DL_KEY, DL_ROTATED, DL_AKAMAI,
         HUMAN_PW, HUMAN_RESET, HUMAN_CHANGED, BUILD_SIG, ROLE_NS_NAME, ROLE_NS_KEY, ROLE_DL_KEY, ROLE_HUMAN_PW)
S3 = {'type': 's3', 'endpoint': 's3.eu-central-1.example.com', 'region': 'eu-central-1', 'bucket': 'games'}
PW = {'edge_api_key': '', 'edge_password': ADMIN_PW}
TOKEN = {'edge_api_key': '', 'edge_token': '{{ token }}'}


def task(name, module, args, register=None, **extra):
    entry = {'name': name, 'rockitplay.edge.' + module: args}
    if register:
        entry['register'] = register
    entry.update(extra)
    return entry


def debug(var, name=None):
    return {'name': name or 'show %s' % var, 'ansible.builtin.debug': {'var': var}}


def tasks(tmp):
    key_file, hook1, hook2 = (os.path.join(tmp, n) for n in ('ci_bot.key', 'hook1.secret', 'hook2.secret'))
    plain = []      # registered results printed whole
    play = [
        task('role', 'rockit_role', {'name': 'Readers', 'label': 'Readers', 'permissions': {'roles': ['read'], 'beUsers': ['read']}},
             'role'),
        task('role info with password', 'rockit_role_info', dict(PW, name='Readers'), 'role_info_pw'),
        task('role info with token', 'rockit_role_info', dict(TOKEN, name='Readers'), 'role_info_token'),
        task('deployment s3', 'rockit_deployment', {'name': 'gcore', 'origin': dict(S3, access_key_id=S3_ID, secret_access_key=S3_SECRET),
                                                    'download_auth': {'type': 'gcore', 'key': DL_KEY}}, 'dep_s3'),
        task('deployment rotate', 'rockit_deployment', {'name': 'gcore', 'update_secrets': 'always',
                                                        'origin': dict(S3, access_key_id=S3_ID, secret_access_key=S3_ROTATED),
                                                        'download_auth': {'type': 'gcore', 'key': DL_ROTATED}}, 'dep_rotate'),
        task('deployment netstorage', 'rockit_deployment', dict(PW, **{
            'name': 'akamai[eu]', 'origin': {'type': 'netstorage', 'endpoint': 'ns.example.com', 'key_name': NS_NAME, 'key': NS_KEY},
            'download_auth': {'type': 'akamai', 'key': DL_AKAMAI}}), 'dep_ns'),
        task('deployment info', 'rockit_deployment_info', {}, 'dep_info'),
        task('user human', 'rockit_user', {'username': 'jdoe', 'email': 'jdoe@example.com', 'first_name': 'Jane', 'surname': 'Doe',
                                           'password': HUMAN_PW, 'roles': ['Readers']}, 'human'),
        task('user reset', 'rockit_user', dict(TOKEN, username='jdoe', password=HUMAN_RESET, update_password='always'), 'human_reset'),
        task('user self change', 'rockit_user', {'username': 'jdoe', 'password': HUMAN_CHANGED, 'current_password': HUMAN_RESET,
                                                 'update_password': 'always', 'edge_api_key': '', 'edge_username': 'jdoe',
                                                 'edge_password': HUMAN_RESET}, 'human_change'),
        task('user machine', 'rockit_user', {'username': 'ci_bot', 'type': 'machine', 'label': 'CI', 'roles': ['Readers'],
                                             'api_key_file': key_file}, 'machine'),
        task('login with the new key', 'rockit_role_info', {'name': 'Readers', 'edge_username': 'ci_bot',
                                                            'edge_api_key': '{{ machine.api_key }}'}, 'machine_login'),
        task('user info', 'rockit_user_info', dict(PW), 'user_info'),
        task('app', 'rockit_app', {'name': 'Sushi', 'label': 'Sushi', 'deployments': ['gcore']}, 'app'),
        task('app info', 'rockit_app_info', dict(TOKEN, name='Sushi'), 'app_info'),
        task('build', 'rockit_build', {'app_name': 'Sushi', 'url': BUILD_URL, 'size': 1000}, 'build'),
        task('tasks', 'rockit_tasks_info', dict(PW, app_name='Sushi', details=True), 'tasks'),
        task('task', 'rockit_task', dict(TOKEN, name='{{ tasks.tasks[0].name }}', acknowledged=True), 'task'),
        task('subscription', 'rockit_subscription', {'name': 'hook', 'sender': 'deploy', 'events': ['end'],
                                                     'webhook_url': 'https://hooks.example.com/rockit', 'secret_file': hook1}, 'sub1'),
        task('subscription replace', 'rockit_subscription', dict(PW, name='hook', sender='deploy', events=['end', 'error'],
                                                                 webhook_url='https://hooks.example.com/rockit', secret_file=hook2), 'sub2'),
        task('subscription info', 'rockit_subscription_info', {}, 'sub_info'),
        {'name': 'bootstrap role', 'ansible.builtin.include_role': {'name': 'rockitplay.edge.bootstrap'}, 'vars': {
            'rockit_deployments': [{'name': 'role_dep', 'origin': {'type': 'netstorage', 'endpoint': 'ns2.example.com',
                                                                   'key_name': ROLE_NS_NAME, 'key': ROLE_NS_KEY},
                                    'download_auth': {'type': 'akamai', 'key': ROLE_DL_KEY}}],
            'rockit_roles': [{'name': 'Role_Readers', 'permissions': {'apps': ['read']}}],
            'rockit_users': [{'username': 'role_bot', 'type': 'machine', 'label': 'Role bot', 'roles': ['Role_Readers']},
                             {'username': 'role_human', 'email': 'rh@example.com', 'first_name': 'R', 'surname': 'H',
                              'password': ROLE_HUMAN_PW, 'roles': ['Role_Readers']}],
            'rockit_subscriptions': [{'name': 'role_hook', 'sender': 'dltar', 'events': ['error'], 'slack_channel': '#builds',
                                      'secret_file': os.path.join(tmp, 'role_hook.secret')}],
            'rockit_api_keys_file': os.path.join(tmp, 'role_keys.yml'),
        }},
    ]
    for entry in play:
        if entry.get('register'):
            plain.append(entry['register'])
    shown = [debug(var) for var in plain if var not in ('machine', 'sub1', 'sub2')]
    # the results that carry an issued secret: everything but the secret, then the secret when asked for by name
    shown += [debug('machine.user'), debug('machine.diff'), debug('sub1.subscription'), debug('sub2.diff'),
              debug('rockit_bootstrap_summary'),
              debug('machine.api_key', 'explicit machine key'), debug('sub2.secret', 'explicit subscription secret'),
              debug('rockit_bootstrap_api_keys', 'explicit role keys')]
    return play + shown


def sections(stdout):
    """stdout cut at the task banners: [(task name, text)]."""
    parts = re.split(r'^(TASK \[.*)$', stdout, flags=re.M)
    out = [('', parts[0])]
    for banner, text in zip(parts[1::2], parts[2::2]):
        out.append((banner, banner + text))
    return out


def learned(tmp):
    """The secrets the server issued, from the files the modules and the role wrote (mode 0600)."""
    values = {}
    for name in ('ci_bot.key', 'hook1.secret', 'hook2.secret', 'role_hook.secret', 'role_keys.yml'):
        path = os.path.join(tmp, name)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, name
        with open(path) as handle:
            content = handle.read()
        if name.endswith('.yml'):
            for org, users in yaml.safe_load(content).items():
                for user, entry in users.items():
                    values['%s (%s %s)' % (name, org, user)] = entry['api_key']
        else:
            values[name] = content.strip()
    assert len(set(values.values())) == len(values) and all(len(v) >= 16 for v in values.values()), values
    return values


def access_token(emu):
    login = emu.http.post(emu.url + '/be/v1/login', json={'username': 'adminPrincipal', 'password': ADMIN_PW}).json()
    answer = emu.http.post(emu.url + '/be/v1/login', json={'orgName': 'ExampleOrg', 'orgSelectionToken': login['orgSelectionToken']})
    return answer.json()['accessToken']


@pytest.mark.parametrize('fast_path', [True, False], ids=['fast-path', 'module-path'])
def test_no_secret_anywhere_at_vvvv(playbook, emulator_factory, tmp_path, fast_path, record_property):
    emu = emulator_factory('--admin-api-key', ADMIN_KEY, '--admin-password', ADMIN_PW, '--quiet')
    token = access_token(emu)
    tmp = str(tmp_path)
    env = dict(RUN_ENV, ROCKIT_API_KEY=ADMIN_KEY)
    # the token goes into the playbook file: ansible-playbook -vvvv prints extra vars given with -e
    run = playbook(playbook_text(tasks(tmp), variables={'token': token}), emu, env=env, diff=True, verbosity=4, fast_path=fast_path)
    assert run.rc == 0, run
    issued = learned(tmp)
    secrets = dict(('known %d' % i, v) for i, v in enumerate(KNOWN))
    secrets.update(issued)
    secrets['access token'] = token
    explicit = [r for r in run.results if r['task'].startswith('explicit')]
    assert len(explicit) == 3

    leaks = []
    for banner, text in sections(run.stdout):
        if 'explicit' in banner:
            continue
        leaks += ['stdout %s: %s' % (banner[:60], label) for label, value in secrets.items() if value in text]
    leaks += ['stderr: %s' % label for label, value in secrets.items() if value in run.stderr]
    for entry in run.results:
        if entry['task'].startswith('explicit'):
            continue
        text = repr(entry['result'])
        leaks += ['result of %s: %s' % (entry['task'], label) for label, value in secrets.items() if value in text]
    for request in emu.requests():
        text = request['path'] + '?' + request['query']
        leaks += ['request %s: %s' % (text[:60], label) for label, value in secrets.items() if value in text]
    assert not leaks, '\n'.join(leaks)

    # the test saw what it claims: the explicit tasks show the issued keys, diffs were printed, masked
    shown = repr([r['result'] for r in explicit])
    for label in ('ci_bot.key', 'hook2.secret', 'role_keys.yml (ExampleOrg role_bot)'):
        assert issued[label] in shown, label
    assert run.result('login with the new key')['roles'][0]['name'] == 'Readers'
    assert '********' in run.stdout and '--- before' in run.stdout
    assert 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' in run.stdout
    record_property('secrets_checked', len(secrets))


# -- secrets inside the declarations of rockit_apply, rockit_validate and rockit_whoami, in failures before any request
NESTED = {'n_pw': 'nested-pw-Gh5Jk8Lq', 'n_short': 'Sh0rt-Q', 'n_s3': 'nested-s3-Rt6Yu9Io', 'n_ns': 'nested-ns-Bn2Mv5Cx',
          'n_dl': 'nested-dl-Zx8Cv1Bn', 'n_conn_pw': 'nested-conn-Lk4Jh7Gf', 'n_token': 'nested-token-Po3Iu6Yt'}
HUMAN_OBJ = {'username': 'jdoe', 'email': 'jdoe@example.com', 'first_name': 'Jane', 'surname': 'Doe', 'password': '{{ n_pw }}'}
DEP_OBJ = {'name': 'gcore', 'origin': dict(S3, access_key_id='AKIANESTED', secret_access_key='{{ n_s3 }}'),
           'download_auth': {'type': 'gcore', 'key': '{{ n_dl }}'}}
NS_OBJ = {'name': 'akamai', 'origin': {'type': 'netstorage', 'endpoint': 'ns.example.com', 'key_name': 'kn-nested', 'key': '{{ n_ns }}'}}


def nested_cases():
    """(name, module, options): each fails before its first request."""
    return [
        ('apply misspelt option', 'rockit_apply', {'kind': 'user', 'objets': [HUMAN_OBJ]}),
        ('apply wrong kind', 'rockit_apply', {'kind': 'users', 'objects': [HUMAN_OBJ, DEP_OBJ]}),
        ('apply connection option in an object', 'rockit_apply',
         {'kind': 'user', 'objects': [HUMAN_OBJ, dict(HUMAN_OBJ, username='jdoe2', edge_password='{{ n_conn_pw }}')]}),
        ('apply token in a deployment', 'rockit_apply', {'kind': 'deployment', 'objects': [dict(DEP_OBJ, edge_token='{{ n_token }}'), NS_OBJ]}),
        ('apply one invalid object', 'rockit_apply',
         {'kind': 'user', 'objects': [HUMAN_OBJ, dict(HUMAN_OBJ, username='jdoe2', password='{{ n_short }}')]}),
        ('apply objects of the wrong type', 'rockit_apply', {'kind': 'deployment', 'objects': '{{ [n_s3, n_ns] }}'}),
        ('validate misspelt option', 'rockit_validate', {'declaration': {'rockit_user': [HUMAN_OBJ]}}),
        ('validate connection option', 'rockit_validate',
         {'declarations': {'rockit_deployment': [DEP_OBJ, dict(NS_OBJ, edge_password='{{ n_conn_pw }}')]}}),
        ('validate invalid', 'rockit_validate',
         {'declarations': {'rockit_user': [dict(HUMAN_OBJ, password='{{ n_short }}')], 'rockit_deployment': [DEP_OBJ]}}),
        ('validate unknown module', 'rockit_validate', {'declarations': {'rockit_users': [HUMAN_OBJ], 'rockit_deployment': [NS_OBJ]}}),
        ('whoami invalid', 'rockit_whoami', {'declarations': {'rockit_user': [dict(HUMAN_OBJ, password='{{ n_short }}', edge_token='{{ n_token }}')]}}),
    ]


@pytest.mark.parametrize('fast_path', [True, False], ids=['fast-path', 'module-path'])
def test_nested_secrets_are_masked_in_every_failure_at_vvvv(playbook, edge, tmp_path, fast_path):
    variables = tmp_path / 'nested_secrets.yml'
    variables.write_text(yaml.safe_dump(NESTED))
    tasks_ = [{'name': name, 'rockitplay.edge.' + module: options, 'ignore_errors': True} for name, module, options in nested_cases()]
    play = [{'hosts': 'localhost', 'gather_facts': False, 'vars_files': [str(variables)], 'tasks': tasks_}]
    run = playbook(yaml.safe_dump(play), edge, verbosity=4, diff=True, fast_path=fast_path)
    assert run.rc == 0, run
    for name, _module, _options in nested_cases():
        assert run.status(name) == 'failed', name
        invocation = run.result(name).get('invocation', {}).get('module_args', {})
        for option in ('objects', 'objets', 'declarations', 'declaration'):
            assert invocation.get(option, 'NOT_SHOWN (may hold secrets)') == 'NOT_SHOWN (may hold secrets)', (name, invocation)
    leaks = ['stdout: %s' % key for key, value in NESTED.items() if value in run.stdout]
    leaks += ['stderr: %s' % key for key, value in NESTED.items() if value in run.stderr]
    leaks += ['result of %s: %s' % (r['task'], key) for r in run.results for key, value in NESTED.items() if value in repr(r['result'])]
    assert not leaks, '\n'.join(leaks)
    assert edge.requests() == []   # every case failed before its first request
    assert 'connection options belong to the task' in run.stdout and 'value of kind must be one of' in run.stdout
