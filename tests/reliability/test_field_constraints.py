"""The Edge's field constraints are refused before any request, the same way by every entry point.

Each value the Edge refuses (docs/api-assumptions.md, "Field constraints") is tried three ways: the
module in check mode, rockit_validate, and the bootstrap role (the value in one object among good
ones). Each must fail with a message that names the option and the rule, never shows a password, and
the emulator's request log must show no request for the case at all. Finally one bootstrap that
declares good objects of every kind and one bad object of the last kind writes nothing.
"""
import pytest

from rel_helpers import RUN_ENV, calls, mark_task, playbook_text, split_log  # pylint: disable=import-error

pytestmark = pytest.mark.integration

PW = 'Edge-pw-Kq7Zr2'
S3 = {'type': 's3', 'endpoint': 's3.eu-central-1.example.com', 'region': 'eu-central-1', 'bucket': 'games',
      'access_key_id': 'AKIDCONSTRAINT', 'secret_access_key': 'constraint-secret-Yp3'}
NETSTORAGE = {'type': 'netstorage', 'endpoint': 'ns.example.com', 'key_name': 'ns-name-Tq1', 'key': 'ns-key-Vb8'}
HUMAN = {'username': 'jdoe', 'email': 'jdoe@example.com', 'first_name': 'Jane', 'surname': 'Doe', 'password': PW}
HOOK = {'name': 'hook', 'sender': 'deploy', 'events': ['end']}

# (case, module, role variable, options, fragments the message must hold: the option, then the rule)
CASES = [
    ('role_label', 'rockit_role', 'rockit_roles', {'name': 'Devs', 'label': 'L' * 257}, ('label:', 'at most 256')),
    ('app_label', 'rockit_app', 'rockit_apps', {'name': 'Sushi', 'label': 'L' * 257, 'all_deployments': True},
     ('label:', 'at most 256')),
    ('machine_label', 'rockit_user', 'rockit_users', {'username': 'ci_bot', 'type': 'machine', 'label': 'L' * 257},
     ('label:', '1 to 256')),
    ('first_name', 'rockit_user', 'rockit_users', dict(HUMAN, first_name='F' * 101), ('first_name:', '1 to 100')),
    ('title', 'rockit_user', 'rockit_users', dict(HUMAN, title='T' * 101), ('title:', 'at most 100')),
    ('password_short', 'rockit_user', 'rockit_users', dict(HUMAN, password='Pw-7chr'), ('password:', '8 to 128')),
    ('password_long', 'rockit_user', 'rockit_users', dict(HUMAN, password='P' * 129), ('password:', '8 to 128')),
    ('email_long', 'rockit_user', 'rockit_users', dict(HUMAN, email='e' * 250 + '@example.com'), ('email:', 'at most 254')),
    ('bucket', 'rockit_deployment', 'rockit_deployments', {'name': 'gcore', 'origin': dict(S3, bucket='b')},
     ('origin.bucket:', '3 to 63')),
    ('prefix', 'rockit_deployment', 'rockit_deployments', {'name': 'gcore', 'origin': dict(S3, prefix='a b')},
     ('origin.prefix:', 'no spaces')),
    ('key_name_empty', 'rockit_deployment', 'rockit_deployments', {'name': 'akamai', 'origin': dict(NETSTORAGE, key_name='')},
     ('origin.key_name:', 'must not be empty')),
    ('endpoint_port', 'rockit_deployment', 'rockit_deployments',
     {'name': 'gcore', 'origin': dict(S3, endpoint='s3.eu-central-1.example.com:443')}, ('origin.endpoint:', 'port')),
    ('endpoint_ipv6', 'rockit_deployment', 'rockit_deployments', {'name': 'akamai', 'origin': dict(NETSTORAGE, endpoint='[2001:db8::1]')},
     ('origin.endpoint:', 'IPv6')),
    ('webhook_credentials', 'rockit_subscription', 'rockit_subscriptions',
     dict(HOOK, webhook_url='https://hookuser:Hook-pw-Xc4@hooks.example.com/rockit'), ('webhook_url:', 'user name or password')),
    ('webhook_port', 'rockit_subscription', 'rockit_subscriptions', dict(HOOK, webhook_url='https://hooks.example.com:123456/rockit'),
     ('webhook_url:', '1 to 65535')),
    ('webhook_ipv6', 'rockit_subscription', 'rockit_subscriptions', dict(HOOK, webhook_url='https://[2001:db8::1]/rockit'),
     ('webhook_url:', 'IPv6')),
]
SECRETS = (PW, 'Pw-7chr', 'P' * 129, 'Hook-pw-Xc4', S3['secret_access_key'], NETSTORAGE['key'])

GOOD = {
    'rockit_deployments': [{'name': 'gcore', 'origin': S3}],
    'rockit_roles': [{'name': 'Devs', 'label': 'Developers', 'permissions': {'apps': ['read']}}],
    'rockit_users': [dict(HUMAN, roles=['Devs']), {'username': 'ci_bot', 'type': 'machine', 'label': 'CI', 'roles': ['Devs']}],
    'rockit_apps': [{'name': 'Sushi', 'label': 'Sushi', 'deployments': ['gcore']}],
    'rockit_subscriptions': [dict(HOOK, webhook_url='https://hooks.example.com/rockit')],
}


def module_tasks(cases=None):
    tasks = []
    for cid, module, _var, options, _fragments in cases or CASES:
        tasks.append(mark_task('check_' + cid))
        tasks.append({'name': 'check_' + cid, 'rockitplay.edge.' + module: options, 'check_mode': True, 'ignore_errors': True})
        tasks.append(mark_task('validate_' + cid))
        tasks.append({'name': 'validate_' + cid, 'rockitplay.edge.rockit_validate': {'declarations': {module: [options]}},
                      'ignore_errors': True})
    return tasks


def role_tasks():
    tasks = []
    for cid, _module, var, options, _fragments in CASES:
        variables = dict(GOOD)
        # the bad object among the good ones of its kind (replacing the good one of the same name)
        key = 'username' if var == 'rockit_users' else 'name'
        variables[var] = [o for o in GOOD[var] if o[key] != options[key]] + [options]
        tasks.append(mark_task('role_' + cid))
        tasks.append({'name': 'block role_%s' % cid, 'block': [
            {'name': 'apply role_%s' % cid, 'ansible.builtin.include_role': {'name': 'rockitplay.edge.bootstrap'}, 'vars': variables},
            {'name': 'accepted role_%s' % cid, 'ansible.builtin.debug': {'msg': 'the role accepted the input'}},
        ], 'rescue': [{'name': 'role_' + cid, 'ansible.builtin.debug': {'msg': '{{ ansible_failed_result.msg }}'}}]})
    return tasks


def check_cases(run, edge, prefix, cases=None):
    log = split_log(edge.requests())
    problems = []
    for cid, _module, _var, _options, fragments in cases or CASES:
        name = prefix + cid
        entries = log.get(name)
        if entries is None:
            problems.append('%s: no marker' % name)
            continue
        if 'accepted %s' % name in [r['task'] for r in run.results]:
            problems.append('%s: accepted' % name)
            continue
        msg = run.result(name)['msg']
        if not all(fragment in msg for fragment in fragments):
            problems.append('%s: %r lacks %r' % (name, msg, fragments))
        if any(secret in msg for secret in SECRETS):
            problems.append('%s: a secret in %r' % (name, msg))
        if entries:
            problems.append('%s: requests %s' % (name, calls(entries)))
    assert not problems, '\n'.join(problems)


# The module path runs the same constraint tables: one case of each module proves it there (the parity suite compares
# the paths on every module).
MODULE_PATH_SAMPLE = [case for index, case in enumerate(CASES) if case[1] not in [c[1] for c in CASES[:index]]]


@pytest.mark.parametrize('fast_path', [True, False], ids=['fast-path', 'module-path'])
def test_check_mode_and_validate_refuse_every_constraint_before_any_request(playbook, edge, fast_path, record_property):
    cases = CASES if fast_path else MODULE_PATH_SAMPLE
    run = playbook(playbook_text(module_tasks(cases)), edge, fast_path=fast_path, env=RUN_ENV)
    assert run.rc == 0, run
    for cid, *_rest in cases:
        assert run.status('check_' + cid) == 'failed' and run.status('validate_' + cid) == 'failed', cid
    check_cases(run, edge, 'check_', cases)
    check_cases(run, edge, 'validate_', cases)
    assert edge.requests() == [r for r in edge.requests() if r['path'].startswith('/be/v1/_mark/')]
    record_property('constraints_refused', 2 * len(cases))


def test_the_role_refuses_every_constraint_before_any_request(playbook, edge, record_property):
    run = playbook(playbook_text(role_tasks()), edge, env=RUN_ENV)
    assert run.rc == 0, run
    check_cases(run, edge, 'role_')
    record_property('constraints_refused', len(CASES))


def test_one_bad_object_among_good_ones_writes_nothing(playbook, edge):
    variables = dict(GOOD)
    variables['rockit_subscriptions'] = GOOD['rockit_subscriptions'] + [
        {'name': 'hook2', 'sender': 'deploy', 'events': ['end'], 'webhook_url': 'https://hooks.example.com:99999/x'}]
    run = playbook(playbook_text([{'name': 'bootstrap', 'ansible.builtin.include_role': {'name': 'rockitplay.edge.bootstrap'},
                                   'vars': variables}]), edge, env=RUN_ENV)
    assert run.rc != 0
    assert 'webhook_url:' in run.stdout and '1 to 65535' in run.stdout
    assert edge.requests() == []
    # and the same declaration, fixed, goes through
    variables['rockit_subscriptions'][1]['webhook_url'] = 'https://hooks.example.com:9999/x'
    run = playbook(playbook_text([{'name': 'bootstrap', 'ansible.builtin.include_role': {'name': 'rockitplay.edge.bootstrap'},
                                   'vars': variables}]), edge, env=RUN_ENV)
    assert run.rc == 0, run
    assert len(edge.writes()) == 7
