"""Bad input is refused before anything is written, with a message that names the option and what is allowed.

A corpus of invalid inputs for every module, the connection options and the bootstrap role runs as
one playbook (every task with ``ignore_errors``, the role cases in ``block``/``rescue``); the test
asserts on fragments of each message and on the emulator's request log: no request at all for any
case (the request log is cut into cases by marker requests).
"""
import pytest

from rel_helpers import RUN_ENV, calls, mark_task, playbook_text, split_log, writes  # pylint: disable=import-error

pytestmark = pytest.mark.integration

LONG = 'N' * 300
S3 = {'type': 's3', 'endpoint': 's3.eu-central-1.example.com', 'region': 'eu-central-1', 'bucket': 'games',
      'access_key_id': 'AKIDBADINPUT', 'secret_access_key': 'bad-input-secret'}
HOOK = 'https://hooks.example.com/rockit'
SUB = {'name': 'BadSub', 'sender': 'deploy', 'events': ['end']}
HUMAN = {'username': 'jdoe', 'email': 'jdoe@example.com', 'first_name': 'Jane', 'surname': 'Doe'}
NAME_RULE = '2 to 50 letters, digits or underscores'
ROLE = 'rockitplay.edge.rockit_role'
USER = 'rockitplay.edge.rockit_user'
APP = 'rockitplay.edge.rockit_app'
DEP = 'rockitplay.edge.rockit_deployment'
SUBSCRIPTION = 'rockitplay.edge.rockit_subscription'
TASKS = 'rockitplay.edge.rockit_tasks_info'
TASK = 'rockitplay.edge.rockit_task'
BUILD = 'rockitplay.edge.rockit_build'

# (case, module, options, fragments the message must contain)
MODULE_CASES = [
    # -- rockit_role: names, permission resources, operations and bitmasks
    ('role_name_short', ROLE, {'name': 'a'}, ('name', "'a'", NAME_RULE)),
    ('role_name_space', ROLE, {'name': 'CI Pipeline'}, ('name', NAME_RULE)),
    ('role_name_unicode', ROLE, {'name': 'Zoë_Rolle'}, ('name', NAME_RULE)),
    ('role_name_cjk', ROLE, {'name': '役割'}, ('name', NAME_RULE)),
    ('role_name_long', ROLE, {'name': LONG}, ('name', NAME_RULE)),
    ('role_bitmask_above_max', ROLE, {'name': 'R1', 'permissions': {'apps': 16}}, ('permissions.apps', '16', 'maximum is 15')),
    ('role_bitmask_consumption', ROLE, {'name': 'R1', 'permissions': {'consumption': 3}}, ('permissions.consumption', 'maximum is 2', 'read')),
    ('role_bitmask_tasks', ROLE, {'name': 'R1', 'permissions': {'tasks': 32}}, ('permissions.tasks', 'maximum is 31')),
    ('role_bitmask_negative', ROLE, {'name': 'R1', 'permissions': {'roles': -1}}, ('permissions.roles', 'maximum is 15')),
    ('role_bitmask_hole', ROLE, {'name': 'R1', 'permissions': {'trainings': 8}}, ('permissions.trainings', 'maximum is 6', 'read, update')),
    ('role_unknown_resource', ROLE, {'name': 'R1', 'permissions': {'builds': ['read']}},
     ('permissions', "unknown resource 'builds'", 'allowed:', 'apps', 'beUsers')),
    ('role_unknown_operation', ROLE, {'name': 'R1', 'permissions': {'apps': ['read', 'fly']}},
     ('permissions.apps', "'fly'", 'allows: create, read, update, delete')),
    ('role_operation_not_for_resource', ROLE, {'name': 'R1', 'permissions': {'consumption': ['create']}},
     ('permissions.consumption', "'create'", 'consumption allows: read')),
    ('role_permission_bool', ROLE, {'name': 'R1', 'permissions': {'apps': True}}, ('permissions.apps', 'list of operations', 'bitmask from 0 to 15')),
    ('role_permissions_not_dict', ROLE, {'name': 'R1', 'permissions': ['apps']}, ('permissions', 'dict')),
    ('role_state_enum', ROLE, {'name': 'R1', 'state': 'gone'}, ('state', 'present, absent', 'gone')),
    ('role_unknown_option', ROLE, {'name': 'R1', 'colour': 'red'}, ('Unsupported parameters', 'colour', 'Supported parameters include')),
    ('role_administrators_changed', ROLE, {'name': 'Administrators', 'label': 'Mine'}, ('Administrators', 'cannot be changed')),
    ('role_info_bad_name', 'rockitplay.edge.rockit_role_info', {'name': 'x y'}, ('name', NAME_RULE)),
    # -- rockit_user
    ('user_name_dash', USER, dict(HUMAN, username='j-doe'), ('username', NAME_RULE)),
    ('user_name_unicode', USER, dict(HUMAN, username='jürgen'), ('username', NAME_RULE)),
    ('user_type_enum', USER, dict(HUMAN, type='robot'), ('type', 'user, machine', 'robot')),
    ('user_email', USER, dict(HUMAN, email='jdoe.example.com'), ('email', 'not an e-mail address', 'name@domain.tld')),
    ('user_label_on_human', USER, dict(HUMAN, label='CI'), ('label', 'only for machine users', 'type=user')),
    ('user_password_on_machine', USER, {'username': 'ci_bot', 'type': 'machine', 'label': 'CI', 'password': 'S3cret-pass'},
     ('password', 'only for human users')),
    ('user_always_without_password', USER, dict(HUMAN, update_password='always'), ('update_password', 'always', 'password')),
    ('user_current_password_alone', USER, dict(HUMAN, current_password='old-pass-123'), ('current_password', 'password')),
    ('user_role_name', USER, dict(HUMAN, roles=['Managers', 'bad role']), ('roles', "'bad role'", NAME_RULE)),
    ('user_first_name_empty', USER, dict(HUMAN, first_name=''), ('first_name', 'must not be empty')),
    ('user_api_key_file_dir', USER, {'username': 'ci_bot', 'type': 'machine', 'label': 'CI', 'api_key_file': '/nonexistent-dir/key'},
     ('api_key_file', '/nonexistent-dir', 'does not exist')),
    ('user_delete_self', USER, {'username': 'adminPrincipal', 'state': 'absent'}, ('username', 'cannot delete itself')),
    ('user_missing_username', USER, {'email': 'jdoe@example.com'}, ('missing required arguments', 'username')),
    ('user_update_password_enum', USER, dict(HUMAN, password='S3cret-pass', update_password='sometimes'),
     ('update_password', 'on_create, always', 'sometimes')),
    ('user_info_bad_name', 'rockitplay.edge.rockit_user_info', {'username': 'jane doe'}, ('username', NAME_RULE)),
    # -- rockit_app
    ('app_max_builds_zero', APP, {'name': 'Sushi', 'label': 'S', 'max_builds': 0, 'all_deployments': True},
     ('max_builds', '0', '1 to 100')),
    ('app_max_builds_high', APP, {'name': 'Sushi', 'label': 'S', 'max_builds': 101, 'all_deployments': True}, ('max_builds', '101', '1 to 100')),
    ('app_max_builds_type', APP, {'name': 'Sushi', 'label': 'S', 'max_builds': 'many', 'all_deployments': True}, ('max_builds', 'int')),
    ('app_deployments_empty', APP, {'name': 'Sushi', 'label': 'S', 'deployments': []}, ('deployments', 'ALL deployments', 'all_deployments: true')),
    ('app_deployments_and_all', APP, {'name': 'Sushi', 'label': 'S', 'deployments': ['gcore'], 'all_deployments': True},
     ('deployments', 'all_deployments', 'mutually exclusive')),
    ('app_deployment_name', APP, {'name': 'Sushi', 'label': 'S', 'deployments': ['gcore eu']}, ('deployments', "'gcore eu'", 'square brackets')),
    ('app_name_unicode', APP, {'name': 'Sushi🍣', 'label': 'S', 'all_deployments': True}, ('name', NAME_RULE)),
    ('app_info_fields', 'rockitplay.edge.rockit_app_info', {'fields': ['name', 'colour']}, ('fields', "'colour'", 'allowed:', 'maxBuilds')),
    # -- rockit_deployment
    ('dep_origin_type', DEP, {'name': 'gcore', 'origin': dict(S3, type='ftp')}, ('type', 's3, netstorage', 'ftp', 'origin')),
    ('dep_endpoint_url', DEP, {'name': 'gcore', 'origin': dict(S3, endpoint='https://s3.eu-central-1.example.com')},
     ('origin.endpoint', 'host name only')),
    ('dep_endpoint_not_host', DEP, {'name': 'gcore', 'origin': dict(S3, endpoint='s3 eu-central-1')}, ('origin.endpoint', 'not a host name')),
    ('dep_s3_without_region', DEP, {'name': 'gcore', 'origin': dict((k, v) for k, v in S3.items() if k != 'region')},
     ('region', 'origin', 's3')),
    ('dep_endpoint_without_region', DEP, {'name': 'gcore', 'origin': dict(S3, endpoint='s3.example.com')},
     ('origin.endpoint', 'must contain the region', 'eu-central-1')),
    ('dep_endpoint_with_bucket', DEP, {'name': 'gcore', 'origin': dict(S3, endpoint='games.s3.eu-central-1.example.com')},
     ('origin.endpoint', 'must not contain the bucket')),
    ('dep_netstorage_region', DEP, {'name': 'akamai', 'origin': {'type': 'netstorage', 'endpoint': 'ns.example.com', 'region': 'eu',
                                                                 'key_name': 'ns-key-name-1', 'key': 'ns-key-secret-1'}},
     ('origin.region', 'only s3 origins')),
    ('dep_half_credentials', DEP, {'name': 'gcore', 'origin': dict((k, v) for k, v in S3.items() if k != 'secret_access_key')},
     ('access_key_id', 'secret_access_key', 'together')),
    ('dep_wrong_credentials', DEP, {'name': 'akamai', 'origin': {'type': 'netstorage', 'endpoint': 'ns.example.com',
                                                                 'access_key_id': 'AKIDWRONGKIND', 'secret_access_key': 'wrong-kind-secret'}},
     ('origin.access_key_id', 'credential of s3 origins', 'origin.key_name and origin.key')),
    ('dep_download_auth_type', DEP, {'name': 'gcore', 'download_auth': {'type': 'cloudflare', 'key': 'download-key-cf-1'}},
     ('type', 'akamai, gcore, none', 'cloudflare')),
    ('dep_download_auth_none_key', DEP, {'name': 'gcore', 'download_auth': {'type': 'none', 'key': 'download-key-none-1'}},
     ('download_auth.key', 'not used with download_auth.type=none')),
    ('dep_name', DEP, {'name': 'gcore/eu', 'origin': S3}, ('name', 'square brackets')),
    ('dep_unknown_suboption', DEP, {'name': 'gcore', 'origin': dict(S3, colour='red')}, ('Unsupported parameters', 'colour')),
    ('dep_update_secrets_enum', DEP, {'name': 'gcore', 'origin': S3, 'update_secrets': 'sometimes'},
     ('update_secrets', 'on_create, always')),
    ('dep_info_bad_name', 'rockitplay.edge.rockit_deployment_info', {'name': 'gcore<eu>'}, ('name', 'square brackets')),
    # -- rockit_subscription
    ('sub_webhook_scheme', SUBSCRIPTION, dict(SUB, webhook_url='ftp://hooks.example.com/x'), ('webhook_url', 'http or https URL')),
    ('sub_webhook_not_url', SUBSCRIPTION, dict(SUB, webhook_url='hooks example com'), ('webhook_url', 'http or https URL')),
    ('sub_slack_channel', SUBSCRIPTION, dict(SUB, slack_channel='General'), ('slack_channel', '#name', 'C0123456789')),
    ('sub_slack_channel_long', SUBSCRIPTION, dict(SUB, slack_channel='#' + 'a' * 81), ('slack_channel', 'at most 80')),
    ('sub_slack_channel_unicode', SUBSCRIPTION, dict(SUB, slack_channel='#bühne'), ('slack_channel', 'lower-case letters')),
    ('sub_both_targets', SUBSCRIPTION, dict(SUB, webhook_url=HOOK, slack_channel='#builds'),
     ('mutually exclusive', 'webhook_url', 'slack_channel')),
    ('sub_no_target', SUBSCRIPTION, dict(SUB), ('webhook_url', 'slack_channel')),
    ('sub_sender_enum', SUBSCRIPTION, dict(SUB, sender='build', webhook_url=HOOK), ('sender', 'dltar, mkraw, deploy', 'build')),
    ('sub_event_enum', SUBSCRIPTION, dict(SUB, events=['end', 'finish'], webhook_url=HOOK), ('events', 'submit, begin, end, error, exception')),
    ('sub_events_empty', SUBSCRIPTION, dict(SUB, events=[], webhook_url=HOOK), ('events', 'submit, begin, end, error, exception')),
    ('sub_without_sender', SUBSCRIPTION, {'name': 'BadSub', 'events': ['end'], 'webhook_url': HOOK}, ('state is present', 'sender')),
    ('sub_secret_file_dir', SUBSCRIPTION, dict(SUB, webhook_url=HOOK, secret_file='/nonexistent-dir/secret'),
     ('secret_file', 'does not exist')),
    ('sub_info_bad_name', 'rockitplay.edge.rockit_subscription_info', {'name': '#builds'}, ('name', NAME_RULE)),
    # -- rockit_tasks_info, rockit_task, rockit_build
    ('tasks_status_enum', TASKS, {'statuses': ['broken']}, ('statuses', 'pending', 'broken')),
    ('tasks_created_after', TASKS, {'created_after': 'yesterday'}, ('created_after', 'ISO 8601', '2025-01-01T00:00:00Z')),
    ('tasks_window', TASKS, {'created_after': '2025-02-01', 'created_before': '2025-01-01'}, ('created_before', 'later than created_after')),
    ('tasks_order', TASKS, {'order': ['-size']}, ('order', "'-size'", 'appName, taskType, created, name, status')),
    ('tasks_page_size', TASKS, {'page_size': 0}, ('page_size', '1 to 1000')),
    ('tasks_limit', TASKS, {'limit': 0}, ('limit', 'at least 1')),
    ('tasks_wait_sleep', TASKS, {'app_name': 'Sushi', 'wait': True, 'wait_sleep': 0}, ('wait_sleep', 'at least 1')),
    ('tasks_name', TASKS, {'names': ['ok-name', 'bad name']}, ('names', "'bad name'", 'not a task name')),
    ('task_name', TASK, {'name': 'x/../y', 'acknowledged': True}, ('name', 'not a task name')),
    ('task_retry_type', TASK, {'name': 'exampleorg-sushi-0001-1-dltar', 'retry': 'maybe'}, ('retry', 'bool')),
    ('build_url_scheme', BUILD, {'app_name': 'Sushi', 'url': 'ftp://builds.example.com/sushi.tar?sig=BUILDSIG'},
     ('url', 'http or https URL', 'not shown')),
    ('build_size', BUILD, {'app_name': 'Sushi', 'url': 'https://builds.example.com/sushi.tar', 'size': 0}, ('size', 'in bytes')),
    ('build_app_name', BUILD, {'app_name': 'S', 'url': 'https://builds.example.com/sushi.tar'}, ('app_name', NAME_RULE)),
    # -- the connection options
    ('conn_both_auth_modes', 'rockitplay.edge.rockit_role_info', {'edge_api_key': 'key-both-modes', 'edge_password': 'pw-both-modes'},
     ('Only one way to authenticate', 'edge_api_key and edge_password')),
    ('conn_missing_url', 'rockitplay.edge.rockit_role_info', {'edge_url': ''}, ('edge_url is required', 'ROCKIT_EDGE_URL')),
    ('conn_url_scheme', 'rockitplay.edge.rockit_role_info', {'edge_url': 'edge.example.com'}, ('edge_url', 'http:// or https://')),
    ('conn_no_credentials', 'rockitplay.edge.rockit_role_info', {'edge_api_key': ''}, ('No credentials', 'edge_api_key', 'edge_password')),
    ('conn_key_without_org', 'rockitplay.edge.rockit_role_info', {'edge_org': ''}, ('needs edge_org', 'ROCKIT_ORGNAME')),
    ('conn_timeout_type', 'rockitplay.edge.rockit_role_info', {'request_timeout': 'soon'}, ('request_timeout', 'float')),
    ('conn_validate_certs_type', 'rockitplay.edge.rockit_role_info', {'validate_certs': 'perhaps'}, ('validate_certs', 'bool')),
]

DEPLOYMENT = {'name': 'gcore', 'origin': {'type': 's3', 'endpoint': 's3.eu-central-1.example.com', 'region': 'eu-central-1',
                                          'bucket': 'games', 'access_key_id': 'AKIDROLE', 'secret_access_key': 'role-secret'}}

# (case, role variables, fragments): every case also declares a valid deployment, which must not be created either.
ROLE_CASES = [
    ('bootstrap_role_name', {'rockit_roles': [{'name': 'CI Pipeline'}]}, ('rockit_roles', 'CI Pipeline', 'does not match')),
    ('bootstrap_duplicate', {'rockit_roles': [{'name': 'Devs'}, {'name': 'devs'}]}, ('rockit_roles', 'devs', 'is also rockit_roles[0]')),
    ('bootstrap_delete_administrators', {'rockit_roles': [{'name': 'Administrators', 'state': 'absent'}]},
     ('rockit_roles', 'Administrators', 'cannot be changed or deleted')),
    ('bootstrap_unknown_option', {'rockit_users': [{'username': 'jdoe', 'colour': 'red'}]}, ('colour', 'rockit_users')),
    ('bootstrap_origin_type', {'rockit_deployments': [dict(DEPLOYMENT, name='other', origin={'type': 'ftp', 'endpoint': 'x.example.com'})]},
     ('type', 's3, netstorage', 'ftp')),
    ('bootstrap_event_enum', {'rockit_subscriptions': [{'name': 'Hook', 'sender': 'deploy', 'events': ['finish'], 'webhook_url': HOOK}]},
     ('events', 'finish')),
    ('bootstrap_prune_type', {'rockit_prune': {'roles': 'perhaps'}}, ('rockit_prune', 'roles', 'bool')),
]

# The same, for rules only the modules check: the role sends the objects of the earlier kinds first.
ROLE_CASES_CHECKED_BY_MODULES = [
    ('bootstrap_bitmask_above_max', {'rockit_roles': [{'name': 'Devs', 'permissions': {'apps': 16}}]},
     ('permissions.apps', 'maximum is 15')),
    ('bootstrap_webhook_url', {'rockit_subscriptions': [{'name': 'Hook', 'sender': 'deploy', 'events': ['end'], 'webhook_url': 'ftp://x'}]},
     ('webhook_url', 'http or https')),
]

# The module path runs the same validation code; one case of each kind of check proves it there.
MODULE_PATH_SAMPLE = ('role_name_unicode', 'role_bitmask_above_max', 'role_unknown_option', 'user_email', 'user_always_without_password',
                      'dep_half_credentials', 'sub_both_targets', 'build_url_scheme', 'conn_both_auth_modes', 'conn_timeout_type')


def module_tasks(cases):
    tasks = []
    for cid, module, args, _fragments in cases:
        tasks.append(mark_task(cid))
        tasks.append({'name': cid, module: args, 'ignore_errors': True})
    return tasks


def role_tasks(cases):
    tasks = []
    for cid, variables, _fragments in cases:
        variables = dict(variables)
        variables.setdefault('rockit_deployments', [DEPLOYMENT])
        failed = ("{{ ansible_failed_result.msg | default('') | string }} "
                  "{{ ansible_failed_result.argument_errors | default([]) | join(' ') }} "
                  "{{ ansible_failed_result.results | default([]) | map(attribute='msg', default='') | join(' ') }}")
        tasks.append(mark_task(cid))
        tasks.append({'name': 'block %s' % cid, 'block': [
            {'name': 'apply %s' % cid, 'ansible.builtin.include_role': {'name': 'rockitplay.edge.bootstrap'}, 'vars': variables},
            {'name': 'accepted %s' % cid, 'ansible.builtin.debug': {'msg': 'the role accepted the input'}},
        ], 'rescue': [{'name': cid, 'ansible.builtin.debug': {'msg': failed}}]})
    return tasks


def check(edge, cases, message):
    log = split_log(edge.requests())
    errors, refused = [], 0
    for cid, fragments in cases:
        entries = log.get(cid, [])
        try:
            text = message(cid)
            for fragment in fragments:
                assert fragment in text, '%s: %r not in %r' % (cid, fragment, text)
            assert 'Traceback' not in text and 'Unexpected error' not in text, (cid, text)
            assert writes(entries) == [], (cid, calls(entries))
            assert entries == [], ('%s: requests before the refusal' % cid, calls(entries))
            refused += 1
        except AssertionError as exc:
            errors.append(str(exc))
    assert not errors, '\n'.join(errors)
    return refused


def module_message(run):
    def message(cid):
        assert run.status(cid) == 'failed', (cid, run.status(cid), run.result(cid))
        result = run.result(cid)
        assert not result.get('changed'), (cid, result)
        return result['msg']
    return message


@pytest.mark.parametrize('fast_path', [True, False], ids=['fast-path', 'module-path'])
def test_bad_module_input_is_refused_before_any_request(playbook, edge, fast_path, record_property):
    cases = MODULE_CASES if fast_path else [c for c in MODULE_CASES if c[0] in MODULE_PATH_SAMPLE]
    run = playbook(playbook_text(module_tasks(cases)), edge, fast_path=fast_path, env=RUN_ENV)
    assert run.rc == 0, run
    refused = check(edge, [(c[0], c[3]) for c in cases], module_message(run))
    assert refused == len(cases) and (refused >= 40 or not fast_path)
    assert edge.writes() == []
    record_property('bad_inputs_refused', refused)


def run_role_cases(playbook, edge, cases):
    run = playbook(playbook_text(role_tasks(cases)), edge, env=RUN_ENV)
    assert run.rc == 0, run

    def message(cid):
        assert 'accepted %s' % cid not in [r['task'] for r in run.results], '%s: the role accepted the input' % cid
        return run.result(cid)['msg']

    refused = check(edge, [(c[0], c[2]) for c in cases], message)
    assert edge.writes() == []
    return refused


def test_bad_role_input_is_refused_before_any_request(playbook, edge, record_property):
    record_property('bad_inputs_refused', run_role_cases(playbook, edge, ROLE_CASES))


def test_bad_role_input_checked_by_modules_writes_nothing(playbook, edge):
    run_role_cases(playbook, edge, ROLE_CASES_CHECKED_BY_MODULES)
