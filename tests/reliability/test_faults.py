"""Faults survived, through real playbooks: every fault kind on reads and on writes, then a clean second run.

One playbook holds every case: a helper task marks the case in the emulator's request log and
injects its faults, then the module task runs (``ignore_errors``). The test then checks, per case,
the task result (``changed`` tells the truth, failures name the cause), the requests the emulator
saw (order: a create whose answer was lost is read back before anything is sent again) and the
final state read back through the API. A second run without faults must change nothing.
"""
import collections
import datetime

import pytest

from forward_proxy import ClockMover, ForwardProxy  # pylint: disable=import-error
from rel_helpers import RUN_ENV, calls, mark_task, playbook_text, split_log, writes  # pylint: disable=import-error

pytestmark = pytest.mark.integration

ROLES = '/be/v1/roles'
RA = 1                         # Retry-After (s) the play waits out
TIMEOUT = {'request_timeout': 1}
DELAY = 4                      # a delay well beyond request_timeout: a read timeout, and time for the retries meanwhile
AFTER_DELAY = True             # wait until the delayed request is logged before the next case starts

FAULTS = collections.OrderedDict([
    ('429', {'status': 429, 'retry_after': RA}),
    ('503', {'status': 503, 'retry_after': RA}),
    ('500', {'status': 500}),
    ('502', {'status': 502}),
    ('504', {'status': 504}),
    ('dropb', {'drop': 'before'}),
    ('dropa', {'drop': 'after'}),
    ('timeout', {'delay': DELAY}),
    ('malformed', {'malformed': True}),
    ('html', {'html': True}),
])


class Case(object):
    """One fault scenario: the module task, its faults, and what must come out of it."""

    def __init__(self, cid, module, args, faults, ok=True, changed=True, msg=(), warn=(), state=None, log=None,
                 pre=(), sleep=None):
        self.cid = cid
        self.module = module
        self.args = args
        self.faults = faults
        self.ok = ok
        self.changed = changed
        self.msg = msg
        self.warn = warn
        self.state = state            # (path, expected fields) or (path, None) for "absent"
        self.log = log                # the expected (method, status) of every request of the case, in order
        self.pre = pre                # API calls (method, path, body) before the run
        self.sleep = sleep            # wait after the task until every request of the case is logged (one still running)

    def tasks(self, inject=True):
        tasks = [mark_task(self.cid, self.faults if inject else ()),
                 {'name': self.cid, self.module: self.args, 'ignore_errors': True}]
        if self.sleep and inject:
            tasks.append({'name': 'after %s' % self.cid, 'rel_emulator': {'wait_requests': {'case': self.cid, 'count': len(self.log)}}})
        return tasks


def role(name, label='declared', **extra):
    args = {'name': name, 'label': label, 'permissions': {'apps': ['read']}}
    args.update(extra)
    return args


# The requests of a role case, in order, where they differ from the rule in expected_log() (status 0: dropped).
SPECIAL_LOGS = {
    ('read', 'timeout'): [('GET', 404), ('POST', 200), ('GET', 200)],      # the delayed read ends last, after the create
    ('read', 'dropa'): [('GET', 0), ('GET', 404), ('POST', 200)],
    ('read', 'malformed'): [('GET', 200), ('GET', 404), ('POST', 200)],
    ('create', 'dropa'): [('GET', 404), ('POST', 0), ('GET', 200)],        # a lost answer is read back, not sent again
    ('create', 'malformed'): [('GET', 404), ('POST', 200), ('GET', 200)],
    ('create', 'timeout'): [('GET', 404), ('GET', 404), ('POST', 200), ('POST', 409)],
    ('update', 'malformed'): [('GET', 200), ('PATCH', 200), ('GET', 200)],
    ('update', 'timeout'): [('GET', 200), ('PATCH', 200), ('PATCH', 200)],
    ('delete', 'dropa'): [('GET', 200), ('DELETE', 0), ('DELETE', 404)],   # the delete sent again finds the role gone
    ('delete', 'malformed'): [('GET', 200), ('DELETE', 200), ('GET', 404)],
    ('delete', 'timeout'): [('GET', 200), ('DELETE', 200), ('DELETE', 404)],
}
OPERATIONS = {   # operation: (method, role there before, declared state)
    'read': ('GET', False, 'present'), 'create': ('POST', False, 'present'),
    'update': ('PATCH', True, 'present'), 'delete': ('DELETE', True, 'absent'),
}


def expected_log(operation, kind, status):
    if (operation, kind) in SPECIAL_LOGS:
        return SPECIAL_LOGS[(operation, kind)]
    if operation == 'read':
        return [('GET', status), ('GET', 404), ('POST', 200)]
    if operation == 'create' and kind in ('429', '503'):
        return [('GET', 404), ('POST', status), ('POST', 200)]             # refused, so sent again after the wait
    if operation == 'create':
        return [('GET', 404), ('POST', status), ('GET', 404), ('POST', 200)]   # read first, then sent again
    method = OPERATIONS[operation][0]
    return [('GET', 200), (method, status), (method, 200)]                 # idempotent: sent again


def role_cases():
    """Every fault kind on the read (GET), the create (POST), the update (PATCH) and the delete (DELETE) of a role."""
    cases = []
    for kind, fault in FAULTS.items():
        extra = TIMEOUT if kind == 'timeout' else {}
        status = {'dropb': 0, 'dropa': 0, 'malformed': 200, 'html': 502}.get(kind, fault.get('status'))
        for operation, (method, exists, state) in OPERATIONS.items():
            name = '%s_%s' % (operation[0].upper(), kind)
            item = '%s/%s' % (ROLES, name)
            args = role(name, **extra) if state == 'present' else dict({'name': name, 'state': 'absent'}, **extra)
            pre = [('POST', ROLES, {'name': name, 'label': 'old', 'permissions': {'apps': 2}})] if exists else []
            lost = operation == 'create' and kind in ('dropa', 'malformed')
            cases.append(Case('%s_%s' % (operation, kind), 'rockitplay.edge.rockit_role', args,
                              [dict(fault, method=method, path=item if method in ('GET', 'DELETE') else ROLES)],
                              sleep=AFTER_DELAY if kind == 'timeout' else None, pre=pre,
                              warn=('was lost', 'not created again') if lost else (),
                              state=(item, {'label': 'declared'} if state == 'present' else None),
                              log=expected_log(operation, kind, status)))
    return cases


def absent(name):
    """The final state of a role that must not exist."""
    return ('%s/%s' % (ROLES, name), None)


def bound_cases():
    """Waits beyond the user's bound and retries used up: a clear failure, nothing written."""
    return [
        Case('read_429_beyond_bound', 'rockitplay.edge.rockit_role', role('B_r429'),
             [{'method': 'GET', 'path': ROLES + '/B_r429', 'status': 429, 'retry_after': 900}], ok=False,
             msg=('HTTP 429', 'retry after 900 seconds', 'rate limit', 'max_retry_wait=120'), state=absent('B_r429'),
             log=[('GET', 429)]),
        Case('create_429_beyond_bound', 'rockitplay.edge.rockit_role', role('B_c429'),
             [{'method': 'POST', 'path': ROLES, 'status': 429, 'retry_after': 900}], ok=False,
             msg=('HTTP 429', 'retry after 900 seconds', 'max_retry_wait=120'), state=absent('B_c429'),
             log=[('GET', 404), ('POST', 429)]),
        Case('read_503_maintenance', 'rockitplay.edge.rockit_role', role('B_r503'),
             [{'method': 'GET', 'path': ROLES + '/B_r503', 'status': 503}], ok=False,
             msg=('HTTP 503 maintenance', 'retry after 900 seconds', 'maintenance', 'max_retry_wait=120'), state=absent('B_r503'),
             log=[('GET', 503)]),
        Case('update_503_maintenance', 'rockitplay.edge.rockit_role', role('B_u503'),
             [{'method': 'PATCH', 'path': ROLES, 'status': 503}], ok=False,
             msg=('PATCH /be/v1/roles', 'HTTP 503', '900 seconds', 'max_retry_wait=120'),
             pre=[('POST', ROLES, {'name': 'B_u503', 'label': 'old', 'permissions': {'apps': 2}})],
             state=(ROLES + '/B_u503', {'label': 'old'}), log=[('GET', 200), ('PATCH', 503)]),
        Case('read_429_user_bound', 'rockitplay.edge.rockit_role', role('B_rub', max_retry_wait=2),
             [{'method': 'GET', 'path': ROLES + '/B_rub', 'status': 429, 'retry_after': 5}], ok=False,
             msg=('5 seconds', 'max_retry_wait=2'), state=absent('B_rub'), log=[('GET', 429)]),
        Case('create_503_user_bound', 'rockitplay.edge.rockit_role', role('B_cub', max_retry_wait=2),
             [{'method': 'POST', 'path': ROLES, 'status': 503, 'retry_after': 3}], ok=False,
             msg=('3 seconds', 'max_retry_wait=2', 'unavailable or in maintenance'), state=absent('B_cub'),
             log=[('GET', 404), ('POST', 503)]),
        Case('read_429_within_user_bound', 'rockitplay.edge.rockit_role', role('B_rwb', max_retry_wait=2),
             [{'method': 'GET', 'path': ROLES + '/B_rwb', 'status': 429, 'retry_after': 1, 'times': 2}],
             state=(ROLES + '/B_rwb', {'label': 'declared'}), log=[('GET', 429), ('GET', 429), ('GET', 404), ('POST', 200)]),
        Case('create_503_retries_used_up', 'rockitplay.edge.rockit_role', role('B_cru', retries=1),
             [{'method': 'POST', 'path': ROLES, 'status': 503, 'retry_after': 1, 'times': 2}], ok=False,
             msg=('HTTP 503', 'Still refused (unavailable or in maintenance) after 2 attempts'), state=absent('B_cru'),
             log=[('GET', 404), ('POST', 503), ('POST', 503)]),
        Case('read_502_retries_used_up', 'rockitplay.edge.rockit_role', role('B_r502', retries=1),
             [{'method': 'GET', 'path': ROLES + '/B_r502', 'status': 502, 'times': 2}], ok=False,
             msg=('GET /be/v1/roles/B_r502', 'HTTP 502'), state=absent('B_r502'), log=[('GET', 502), ('GET', 502)]),
        Case('read_html_502_retries_used_up', 'rockitplay.edge.rockit_role', role('B_rh', retries=1),
             [{'method': 'GET', 'path': ROLES + '/B_rh', 'html': True, 'times': 2}], ok=False,
             msg=('HTTP 502', 'HTML page', 'not JSON', 'proxy'), state=absent('B_rh'), log=[('GET', 502), ('GET', 502)]),
        Case('read_html_404', 'rockitplay.edge.rockit_role', role('B_rh404'),
             [{'method': 'GET', 'path': ROLES + '/B_rh404', 'html': True, 'status': 404}], ok=False,
             msg=('HTTP 404', 'HTML page', 'edge_url'), state=absent('B_rh404'), log=[('GET', 404)]),
        Case('read_timeout_retries_used_up', 'rockitplay.edge.rockit_role_info',
             {'name': 'Administrators', 'retries': 0, 'request_timeout': 1},
             [{'method': 'GET', 'path': ROLES + '/Administrators', 'delay': DELAY}], ok=False, changed=False,
             msg=('GET /be/v1/roles/Administrators', 'timed out after 1', 'request_timeout'), sleep=AFTER_DELAY,
             log=[('GET', 200)]),
    ]


S3 = {'type': 's3', 'endpoint': 's3.eu-central-1.example.com', 'region': 'eu-central-1', 'bucket': 'games'}


def other_cases():
    """The other modules: lost answers that carry a secret, replacements, lists, imports."""
    sub = {'name': 'F_sub', 'sender': 'deploy', 'events': ['end', 'error'], 'webhook_url': 'https://hooks.example.com/f'}
    return [
        Case('subscription_create_dropa', 'rockitplay.edge.rockit_subscription', sub,
             [{'method': 'POST', 'path': '/be/v1/subscriptions', 'drop': 'after'}],
             warn=('was lost', 'not created again', 'secret'),
             state=('/be/v1/subscriptions/F_sub', {'events': ['end', 'error']}),
             log=[('GET', 404), ('POST', 0), ('GET', 200)]),
        Case('subscription_replace_500', 'rockitplay.edge.rockit_subscription', dict(sub, name='F_subr'),
             [{'method': 'POST', 'path': '/be/v1/subscriptions', 'status': 500}],
             pre=[('POST', '/be/v1/subscriptions', {'name': 'F_subr', 'sender': 'deploy', 'events': ['end'], 'type': 'webhook',
                                                    'webhook': {'url': 'https://hooks.example.com/f'}})],
             state=('/be/v1/subscriptions/F_subr', {'events': ['end', 'error']}),
             log=[('GET', 200), ('DELETE', 200), ('POST', 500), ('GET', 404), ('POST', 200)]),
        Case('machine_user_create_malformed', 'rockitplay.edge.rockit_user',
             {'username': 'F_bot', 'type': 'machine', 'label': 'CI', 'roles': []},
             [{'method': 'POST', 'path': '/be/v1/users', 'malformed': True}],
             warn=('was lost', 'not created again', 'API key'),
             state=('/be/v1/users/F_bot', {'label': 'CI', 'type': 'machine'}),
             log=[('GET', 404), ('POST', 200), ('GET', 200)]),
        Case('human_user_update_504', 'rockitplay.edge.rockit_user', {'username': 'F_jdoe', 'title': 'Producer'},
             [{'method': 'PATCH', 'path': '/be/v1/users', 'status': 504}],
             pre=[('POST', '/be/v1/users', {'username': 'F_jdoe', 'email': 'jdoe@example.com', 'firstname': 'Jane',
                                            'surname': 'Doe', 'roles': []})],
             state=('/be/v1/users/F_jdoe', {'title': 'Producer'}), log=[('GET', 200), ('PATCH', 504), ('PATCH', 200)]),
        Case('app_create_503', 'rockitplay.edge.rockit_app', {'name': 'F_app', 'label': 'Sushi', 'all_deployments': True},
             [{'method': 'POST', 'path': '/be/v1/apps', 'status': 503, 'retry_after': RA}],
             state=('/be/v1/apps/F_app', {'label': 'Sushi', 'deployments': []}),
             log=[('GET', 404), ('POST', 503), ('POST', 200)]),
        Case('deployment_update_html_502', 'rockitplay.edge.rockit_deployment',
             {'name': 'F_dep', 'origin': dict(S3, prefix='new')},
             [{'method': 'PATCH', 'path': '/be/v1/deployments', 'html': True}],
             pre=[('POST', '/be/v1/deployments', {'name': 'F_dep', 'originPrefix': 'old', 'origin': dict(
                 S3, credentials={'accessKeyId': 'id', 'secretAccessKey': 'secret'})})],
             state=('/be/v1/deployments/F_dep', {'originPrefix': 'new'}),
             log=[('GET', 200), ('PATCH', 502), ('PATCH', 200)]),
        Case('app_info_list_500', 'rockitplay.edge.rockit_app_info', {},
             [{'method': 'GET', 'path': '/be/v1/apps', 'status': 500}], changed=False,
             log=[('GET', 500), ('GET', 200)]),
        Case('app_info_list_malformed', 'rockitplay.edge.rockit_app_info', {},
             [{'method': 'GET', 'path': '/be/v1/apps', 'malformed': True}], changed=False, log=[('GET', 200), ('GET', 200)]),
        Case('app_info_one_malformed', 'rockitplay.edge.rockit_app_info', {'name': 'F_app', 'fields': ['label']},
             [{'method': 'GET', 'path': '/be/v1/apps/F_app', 'malformed': True}], changed=False, log=[('GET', 200), ('GET', 200)]),
        Case('tasks_info_429', 'rockitplay.edge.rockit_tasks_info', {'app_name': 'F_app'},
             [{'method': 'GET', 'path': '/be/v1/tasks', 'status': 429, 'retry_after': RA}], changed=False,
             log=[('GET', 429), ('GET', 200)]),
        Case('build_import_dropa', 'rockitplay.edge.rockit_build',
             {'app_name': 'F_app', 'url': 'https://builds.example.com/f/0001.tar'},
             [{'method': 'POST', 'path': '/be/v1/builds', 'drop': 'after'}], ok=False, changed=False,
             msg=('POST /be/v1/builds', 'may or may not have started', 'rockit_tasks_info'),
             log=[('POST', 0)]),
    ]


def all_cases():
    return role_cases() + bound_cases() + other_cases()


def prepare(edge, cases):
    for case in cases:
        for method, path, body in case.pre:
            edge.api(method, path, body, expect=200)
    edge.clear()


def check_state(edge, case):
    if case.state is None:
        return
    path, expected = case.state
    answer = edge.api('GET', path)
    if expected is None:
        assert answer.status_code == 404, (case.cid, answer.text)
        return
    assert answer.status_code == 200, (case.cid, answer.text)
    obj = [v for k, v in answer.json().items() if isinstance(v, dict)][0]
    for key, value in expected.items():
        got = obj.get(key)
        if isinstance(value, list):
            got, value = sorted(got or []), sorted(value)
        assert got == value, (case.cid, key, got, value)


def check_run(run, edge, cases):
    """Every case: the result, the request log of the case, the final state. Returns the faults survived."""
    log = split_log(edge.requests())
    survived = 0
    errors = []
    for case in cases:
        try:
            survived += check_case(run, edge, case, log[case.cid])
        except AssertionError as exc:
            errors.append(str(exc))
    assert not errors, '\n\n'.join(errors)
    return survived


def _moment(entry):
    return datetime.datetime.strptime(entry['time'], '%Y-%m-%dT%H:%M:%S.%fZ')


def check_backoff(case, entries, text):
    """A retried server error or dropped connection waits (backoff, 0.5 s +-20 % first) before the same request goes again."""
    for fault in case.faults:
        retried = fault.get('status') in (500, 502, 504) or fault.get('html') or fault.get('drop') == 'before'
        if not retried or fault['method'] not in ('GET', 'PATCH', 'DELETE'):
            continue
        same = [e for e in entries if e['method'] == fault['method'] and e['path'] == fault['path'].replace('%5B', '[')]
        gap = (_moment(same[1]) - _moment(same[0])).total_seconds()
        assert gap >= 0.35, ('no backoff', gap, text)


def check_case(run, edge, case, entries):
    """One case: result, request log, final state; returns the faults it survived."""
    result = run.result(case.cid)
    status = run.status(case.cid)
    survived = 0
    text = '%s: %s %s\nlog: %s' % (case.cid, status, result, calls(entries))
    if case.ok:
        assert status == 'ok', text
        assert result.get('changed') is case.changed, text
        warnings = ' '.join(result.get('warnings') or [])
        for fragment in case.warn:
            assert fragment in warnings, text
        survived = sum(f.get('times', 1) for f in case.faults)
    else:
        assert status == 'failed', text
        assert not result.get('changed'), text
        for fragment in case.msg:
            assert fragment in result['msg'], text
        assert 'Traceback' not in result['msg'] + str(result.get('exception', '')), text
    if case.log is not None:
        assert calls(entries) == case.log, text
    if case.ok:
        check_backoff(case, entries, text)
    # never two successful creates, whatever the fault
    assert len([e for e in entries if e['method'] == 'POST' and e['status'] == 200]) <= 1, text
    check_state(edge, case)
    return survived


MODULE_PATH_SAMPLE = ('create_429', 'create_500', 'create_dropb', 'create_dropa', 'create_malformed', 'read_malformed',
                      'subscription_create_dropa', 'machine_user_create_malformed', 'read_html_404')


def run_cases(playbook, edge, cases, fast_path):
    prepare(edge, cases)
    tasks = [t for case in cases for t in case.tasks()]
    run = playbook(playbook_text(tasks), edge, fast_path=fast_path, env=RUN_ENV)
    assert 'Traceback' not in run.stdout + run.stderr, run
    survived = check_run(run, edge, cases)
    assert edge.control('GET', 'faults')['faults'] == [], 'every injected fault was hit'
    return survived


def test_faults_are_survived_and_the_state_is_exact(playbook, edge, record_property):
    cases = all_cases()
    record_property('faults_survived', run_cases(playbook, edge, cases, True))
    record_property('fault_cases', len(cases))
    record_property('faults_refused_clearly', len([c for c in cases if not c.ok]))

    # the same play without faults: the declared state is there, nothing changes, nothing is written
    edge.clear()
    again = playbook(playbook_text([t for case in cases for t in case.tasks(inject=False)]), edge, env=RUN_ENV)
    log = split_log(edge.requests())
    for case in cases:
        result = again.result(case.cid)
        if case.ok:
            assert again.status(case.cid) == 'ok' and result.get('changed') is False, (case.cid, result)
            assert writes(log[case.cid]) == [], (case.cid, calls(log[case.cid]))


def test_faults_are_survived_through_the_module_path(playbook, edge, record_property):
    """The module path runs the same client: a sample of every kind of fault proves it there too."""
    cases = [c for c in all_cases() if c.cid in MODULE_PATH_SAMPLE]
    assert len(cases) == len(MODULE_PATH_SAMPLE)
    record_property('faults_survived', run_cases(playbook, edge, cases, False))
    record_property('fault_cases', len(cases))


EXPIRING = [
    # (case, module, args, the request that is delayed past the token's lifetime)
    ('expire_create', 'rockitplay.edge.rockit_role', role('T_create'), ('POST', ROLES)),
    ('expire_update', 'rockitplay.edge.rockit_role', role('T_update'), ('PATCH', ROLES)),
    ('expire_delete', 'rockitplay.edge.rockit_role', {'name': 'T_delete', 'state': 'absent'}, ('DELETE', ROLES + '/T_delete')),
    ('expire_read', 'rockitplay.edge.rockit_role_info', {'name': 'T_update'}, ('GET', ROLES + '/T_update')),
    ('expire_subscribe', 'rockitplay.edge.rockit_subscription',
     {'name': 'T_sub', 'sender': 'dltar', 'events': ['error'], 'slack_channel': '#builds'}, ('POST', '/be/v1/subscriptions')),
]
TTL = 60


@pytest.mark.parametrize('fast_path', [True, False], ids=['fast-path', 'module-path'])
def test_token_expiring_mid_play_is_renewed_once(playbook, emulator_factory, fast_path, record_property):
    """Password login; the emulator's clock stands still and jumps past the access token's lifetime just
    before the case's request reaches it (a proxy in front of the emulator moves it there): that request
    is answered 401 token-expired; the collection renews the token once (refresh) and sends that request again, so every
    write happens exactly once and the state is the declared one. No wall-clock race on a loaded machine."""
    emu = emulator_factory('--access-ttl', str(TTL), '--clock-speed', '0', '--admin-api-key', 'rockit-demo-api-key', '--quiet')
    emu.api('POST', ROLES, {'name': 'T_update', 'label': 'old'}, expect=200)
    emu.api('POST', ROLES, {'name': 'T_delete'}, expect=200)
    emu.clear()
    clock = ClockMover(emu, 2 * TTL)
    tasks = []
    for cid, module, args, (method, path) in EXPIRING:
        clock.at(method, path)
        tasks.append(mark_task(cid))
        tasks.append({'name': cid, module: args, 'ignore_errors': True})
    # a loop: one login for the items in the fast path; the token expires between the items
    clock.after('POST', ROLES)
    tasks.append(mark_task('expire_loop'))
    tasks.append({'name': 'expire_loop', 'rockitplay.edge.rockit_role': {'name': '{{ item }}', 'label': 'loop'},
                  'loop': ['T_loop1', 'T_loop2']})
    proxy = ForwardProxy(upstream=emu.url, before=clock).start()
    env = dict(RUN_ENV, ROCKIT_API_KEY='', ROCKIT_PASSWORD='rockit-demo-password', ROCKIT_EDGE_URL=proxy.url)
    try:
        run = playbook(playbook_text(tasks), emu, env=env, fast_path=fast_path)
    finally:
        proxy.stop()
    assert run.rc == 0, run
    assert len(clock.fired) == len(EXPIRING) + 1 and not clock.queue, clock.fired
    log = split_log(emu.requests())
    expired = 0
    for cid, _module, _args, (method, path) in EXPIRING:
        assert run.status(cid) == 'ok', (cid, run.result(cid))
        entries = log[cid]
        shown = [(e['method'], e['path'], e['status']) for e in entries]
        logins = [e for e in entries if e['path'] == '/be/v1/login']
        refreshes = [e for e in entries if e['path'] == '/be/v1/refresh']
        # at most one login (2026: two steps; on the controller it may be the run's shared login, made earlier);
        # the expired token is renewed with the refresh token, never by logging in again
        assert len(logins) in (0, 2) and len(refreshes) >= 1, shown
        target = [e['status'] for e in entries if (e['method'], e['path']) == (method, path.replace('%5B', '[').replace('%5D', ']'))]
        assert target[0] == 401 and target[-1] in (200, 404) and len(target) == 2, shown
        expired += 1
    assert run.result('expire_create')['changed'] is True
    assert run.result('expire_update')['changed'] is True and run.result('expire_delete')['changed'] is True
    assert run.result('expire_read')['roles'][0]['label'] == 'declared'
    assert emu.api('GET', ROLES + '/T_create').json()['role']['label'] == 'declared'
    assert emu.api('GET', ROLES + '/T_update').json()['role']['label'] == 'declared'
    assert emu.api('GET', ROLES + '/T_delete').status_code == 404
    assert emu.api('GET', '/be/v1/subscriptions/T_sub').json()['subscription']['events'] == ['error']
    loop = log['expire_loop']
    # the token is renewed before it expires where the client sees it coming, or after one 401
    assert [e['status'] for e in loop if e['path'].startswith(ROLES)].count(401) <= (1 if fast_path else 0), calls(loop)
    assert [e['status'] for e in loop if e['method'] == 'POST' and e['path'] == ROLES] in ([200, 200], [401, 200, 200])
    expired += 1 if fast_path else 0
    record_property('token_expiries_survived', expired)
