# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rockit_contract: check the API assumptions the collection relies on against an Edge.

Most request and response bodies of the Edge are not public; the collection follows the shapes of the
API assumptions page (docs/api-assumptions.md). This module asks the Edge itself, politely (one request
at a time, at least ``request_interval`` seconds apart, every Retry-After honoured), and reports each
assumption as ``holds``, ``differs`` or ``not checked``, with the evidence (statuses and field names,
never a secret value).

Read-only by default: only GET requests (and the login of a password). With ``writes`` it also creates
scratch objects under a unique prefix (a role, a machine user, a deployment with dummy credentials, an
app registered on it, a webhook subscription to a reserved example host), changes them the way the
modules do, reads them back, and deletes them again.
"""

import copy
import time

from ansible_collections.rockitplay.edge.plugins.module_utils import rockit_specs as specs
from ansible_collections.rockitplay.edge.plugins.module_utils.errors import ApiError
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import ModuleDef, ModuleFailure

HOLDS, DIFFERS, NOT_CHECKED = 'holds', 'differs', 'not checked'
RESULTS = (HOLDS, DIFFERS, NOT_CHECKED)

# (id, section of the API assumptions page, the assumption), in the order of the report.
ASSUMPTIONS = (
    ('auth', '2', 'The connection settings authenticate (API-key headers, or a password login and its token).'),
    ('envelope', '1', 'Answers are JSON objects with "status": "success".'),
    ('list-shape', '1.1', 'A list answers {"status", "totalCount", "<collection>": [...]} (roles, users, apps, deployments, '
                          'subscriptions, tasks).'),
    ('page-limit', '1.1', 'A page holds up to 1000 items; a larger limit is 400 invalid-param (never silently capped).'),
    ('unknown-query', '1', 'An unknown query parameter is 400 invalid-param.'),
    ('accept-rule', '1, 14', 'A request without an Accept header is refused by the firewall with 400 {"code", "message"}.'),
    ('unknown-route', '1, 14', 'An unknown route gets the firewall\'s 404 {"code": 404, "message"} (without an error name).'),
    ('not-found', '1', 'A missing object is 404 with "status": "failed" and the error name not-found.'),
    ('read-one', '1', 'Read one answers {"<singular>": {...}} (GET /be/v1/roles/Administrators).'),
    ('role-shape', '3, 4', 'A role holds one CRUDX bitmask per resource, all twelve resources; Administrators has every maximum.'),
    ('name-case', '10', 'Names are matched without regard to case (a role read in another spelling is found, in its own).'),
    ('user-shape', '5', 'A user reads as {"user": {"username", "type", "roles": [...]}} and never carries a password or key.'),
    ('list-holds-all', '10', 'The users list holds every user the caller may read by name (the authenticated user too).'),
    ('app-shape', '7', 'An app reads with label, maxBuilds and deployments (a list of names).'),
    ('deployment-shape', '6', 'A deployment reads with originPrefix, origin {"type", "endpoint", ...} and downloadAuth null or '
                              '{"type"}; never its credentials.'),
    ('subscription-records', '9', 'The subscriptions list holds one record per (name, event), each with "event".'),
    ('subscription-read', '9', 'Read one subscription answers {"subscription": {..., "events": [...]}}.'),
    ('task-list', '8', 'Task list items carry name, service, status (documented) and appName, taskType, taskGroup, created '
                       '(chosen).'),
    ('task-details', '8', 'Task details answer {"task": {...}} with status, step, acknowledged, expired.'),
    ('task-status', '8', 'Every task status is one of: %s.' % ', '.join(s for s in specs.TASK_STATUSES if s != specs.TASK_UNFINISHED)),
    ('retry-after', '14', 'Retry-After (on 429 and 503) gives whole seconds.'),
    ('create-answer', '1', 'A create answers with the created object, as a read would return it.'),
    ('unknown-body-field', '1', 'An unknown body field is 400 invalid-param naming it (a typo never passes silently).'),
    ('create-conflict', '10', 'Creating a name that exists is 409 already-exists.'),
    ('role-patch-replaces', '4', 'A permissions map sent in a role patch replaces the whole map (resources not sent become 0).'),
    ('machine-user-key', '5, 12', 'The create answer of a machine user carries its API key as apiKey, once, and the key works.'),
    ('user-roles-patch', '5', 'A user patch sets the roles to the list sent.'),
    ('deployment-patch-merges', '6', 'A deployment patch merges origin key by key: origin fields not sent are kept.'),
    ('app-deployments', '7', 'An app keeps the deployments it is registered on (an empty list would publish it everywhere).'),
    ('subscription-secret', '9', 'The create answer of a subscription carries its signing secret as secret, once.'),
    ('delete', '1', 'A delete answers success, and the object is gone afterwards (404 not-found).'),
)
WRITE_CHECKS = ('create-answer', 'unknown-body-field', 'create-conflict', 'role-patch-replaces', 'machine-user-key',
                'user-roles-patch', 'deployment-patch-merges', 'app-deployments', 'subscription-secret', 'delete')

UNKNOWN_PARAMETER = 'contractProbe'          # a name the Edge does not know, on purpose
SCRATCH_LABEL = 'rockitplay.edge contract check (scratch object, deleted again)'
SCRATCH_WEBHOOK = 'https://hooks.example.com/rockitplay-edge-contract-check'    # a reserved example host
SCRATCH_ORIGIN = {'type': 's3', 'endpoint': 's3.eu-central-1.example.com', 'region': 'eu-central-1', 'bucket': 'contract-check'}
SCRATCH_ENDPOINT = 's3.eu-central-1.example.net'
MAX_PREFIX = 36


class Stop(Exception):
    """Nothing more can be checked (the connection does not authenticate)."""


def _fields(value):
    """Field names of an answer (never values): top level, and one level into objects."""
    if not isinstance(value, dict):
        return 'no JSON object'
    names = []
    for key in sorted(value):
        if isinstance(value[key], dict) and value[key]:
            names.extend('%s.%s' % (key, inner) for inner in sorted(value[key]))
        else:
            names.append(key)
    return ', '.join(names) or 'none'


def _error(answer):
    name = answer.get('error') if isinstance(answer.get('error'), str) else None
    return 'HTTP %s%s' % (answer.status, ' %s' % name if name else '')


def _firewall(answer):
    return isinstance(answer.body, dict) and 'code' in answer.body and 'error' not in answer.body


class Contract(object):
    """One run of the check: probes through the client, results by assumption id."""

    def __init__(self, client, interval, prefix, username, org):
        self.client = client
        self.interval = interval
        self.prefix = prefix
        self.username = username
        self.org = org
        self.results = {}
        self.samples = {}          # collection -> (totalCount, first item) from the list check
        self.created = []          # (resource, name) of the scratch objects, to delete
        self.texts = dict((cid, text) for cid, dummy, text in ASSUMPTIONS)

    # ------------------------------------------------------------------ plumbing
    def call(self, method, path, body=None, params=None, headers=None):
        return self.client.probe(method, path, body=body, params=params, headers=headers, interval=self.interval)

    def get(self, path, params=None, headers=None):
        return self.call('GET', path, params=params, headers=headers)

    def record(self, cid, result, evidence):
        if cid not in self.results:
            self.results[cid] = (result, evidence)

    def guarded(self, cids, check):
        """Run one check; a request that gets no answer (or a bug) leaves its assumptions not checked, never a traceback."""
        try:
            check()
        except Stop:
            raise
        except ApiError as exc:
            for cid in cids:
                self.record(cid, NOT_CHECKED, 'no answer: %s' % exc)
        except Exception as exc:  # pylint: disable=broad-except
            for cid in cids:
                self.record(cid, NOT_CHECKED, 'the check could not be completed: %s: %s' % (type(exc).__name__, exc))

    # ------------------------------------------------------------------ read-only checks
    def check_auth(self):
        answer = self.get(specs.ROLE.path, {specs.PAGE_LIMIT: 1})
        if answer.status in (401, 403) or answer.body is None:
            self.record('auth', DIFFERS, 'GET %s answered %s: %s' % (specs.ROLE.path, _error(answer), answer.get('message') or answer.text[:120]))
            raise Stop()
        self.record('auth', HOLDS, 'GET %s answered HTTP %s with %s' % (specs.ROLE.path, answer.status, self.client.auth_kind))
        if answer.get('status') == 'success':
            self.record('envelope', HOLDS, 'GET %s: "status": "success"' % specs.ROLE.path)
        else:
            self.record('envelope', DIFFERS, 'GET %s: status %r (fields: %s)' % (specs.ROLE.path, answer.get('status'), _fields(answer.body)))

    def check_lists(self):
        good, bad = [], []
        for res in (specs.ROLE, specs.USER, specs.APP, specs.DEPLOYMENT, specs.SUBSCRIPTION, specs.TASK):
            answer = self.get(res.path, {specs.PAGE_LIMIT: 1})
            items, total = answer.get(res.list_key), answer.get(specs.TOTAL_COUNT)
            if answer.status == 200 and isinstance(items, list) and isinstance(total, int) and not isinstance(total, bool):
                self.samples[res.list_key] = (total, items[0] if items else None)
                good.append('%s totalCount=%d' % (res.list_key, total))
            else:
                bad.append('%s: %s, fields %s' % (res.list_key, _error(answer), _fields(answer.body)))
        self.record('list-shape', DIFFERS if bad else HOLDS, '; '.join(bad or good))

    def check_page_limit(self):
        answer = self.get(specs.ROLE.path, {specs.PAGE_LIMIT: specs.MAX_PAGE_SIZE + 1})
        if answer.status == 200:
            items = answer.get(specs.ROLE.list_key) or []
            self.record('page-limit', DIFFERS, 'limit=%d answered 200 with %d of %s roles (a larger limit is accepted or capped; '
                                               'the collection reads page after page, so it copes)'
                        % (specs.MAX_PAGE_SIZE + 1, len(items), answer.get(specs.TOTAL_COUNT)))
            return
        if answer.status != 400 or answer.get('error') != 'invalid-param':
            self.record('page-limit', DIFFERS, 'limit=%d answered %s' % (specs.MAX_PAGE_SIZE + 1, _error(answer)))
            return
        for key, (total, dummy) in sorted(self.samples.items(), key=lambda item: -item[1][0]):   # the longest list first
            if total > 1:
                path = specs.API_PREFIX + '/' + key
                want = min(total, specs.MAX_PAGE_SIZE)
                page = self.get(path, {specs.PAGE_LIMIT: want})
                got = len(page.get(key) or [])
                if got != want:
                    self.record('page-limit', DIFFERS, 'GET %s?limit=%d returned %d of %d items (capped)' % (path, want, got, total))
                    return
                self.record('page-limit', HOLDS, 'limit=%d is 400 invalid-param; limit=%d on %s returned all %d'
                            % (specs.MAX_PAGE_SIZE + 1, want, key, got))
                return
        self.record('page-limit', HOLDS, 'limit=%d is 400 invalid-param (no list is long enough to see a full page)'
                    % (specs.MAX_PAGE_SIZE + 1))

    def check_unknown_query(self):
        answer = self.get(specs.ROLE.path, {specs.PAGE_LIMIT: 1, UNKNOWN_PARAMETER: 1})
        holds = answer.status == 400 and answer.get('error') == 'invalid-param'
        self.record('unknown-query', HOLDS if holds else DIFFERS, 'GET %s?%s=1 answered %s' % (specs.ROLE.path, UNKNOWN_PARAMETER, _error(answer)))

    def check_firewall(self):
        answer = self.get(specs.ROLE.path, {specs.PAGE_LIMIT: 1}, headers={'Accept': None})
        if answer.status == 400 and _firewall(answer):
            self.record('accept-rule', HOLDS, 'without Accept: 400 %s' % answer.text[:80])
        else:
            self.record('accept-rule', DIFFERS, 'without Accept: %s (no firewall Accept rule: a test installation, or release 151-154; '
                                                'the collection always sends Accept)' % _error(answer))
        path = '%s/%sunknownroute' % (specs.API_PREFIX, self.prefix.lower())
        answer = self.get(path)
        if answer.status == 404 and _firewall(answer):
            self.record('unknown-route', HOLDS, 'GET %s: 404 %s' % (path, answer.text[:80]))
        else:
            self.record('unknown-route', DIFFERS, 'GET %s: %s, fields %s (the route reached the backend: no firewall answer)'
                        % (path, _error(answer), _fields(answer.body)))

    def check_not_found(self):
        path = specs.ROLE.item_path(self.prefix + 'Missing')
        answer = self.get(path)
        holds = answer.status == 404 and answer.get('error') == 'not-found' and answer.get('status') == 'failed'
        self.record('not-found', HOLDS if holds else DIFFERS, 'GET %s: %s, fields %s' % (path, _error(answer), _fields(answer.body)))

    def check_roles(self):
        path = specs.ROLE.item_path(specs.ADMIN_ROLE)
        answer = self.get(path)
        role = answer.get(specs.ROLE.item_key)
        if answer.status == 200 and isinstance(role, dict) and role.get(specs.ROLE.id_field) == specs.ADMIN_ROLE:
            self.record('read-one', HOLDS, 'GET %s: {"%s": {...}}' % (path, specs.ROLE.item_key))
            permissions = role.get('permissions')
            if not isinstance(permissions, dict):
                self.record('role-shape', DIFFERS, 'the role has no permissions map (fields: %s)' % _fields(role))
            else:
                wrong = sorted('%s=%r (max %d)' % (k, permissions.get(k), m) for k, m in specs.PERMISSION_MAX.items() if permissions.get(k) != m)
                extra = sorted(set(permissions) - set(specs.PERMISSION_MAX))
                self.record('role-shape', DIFFERS if wrong or extra else HOLDS,
                            '; '.join(filter(None, ['not at the maximum: %s' % ', '.join(wrong) if wrong else '',
                                                    'unknown resources: %s' % ', '.join(extra) if extra else '']))
                            or '%s: all %d resources at their maximum' % (specs.ADMIN_ROLE, len(specs.PERMISSION_MAX)))
        else:
            self.record('read-one', DIFFERS, 'GET %s: %s, fields %s' % (path, _error(answer), _fields(answer.body)))
        other = specs.ADMIN_ROLE.swapcase()
        answer = self.get(specs.ROLE.item_path(other))
        role = answer.get(specs.ROLE.item_key)
        if answer.status == 200 and isinstance(role, dict) and role.get(specs.ROLE.id_field) == specs.ADMIN_ROLE:
            self.record('name-case', HOLDS, 'GET %s found %s' % (specs.ROLE.item_path(other), specs.ADMIN_ROLE))
        else:
            self.record('name-case', DIFFERS, 'GET %s: %s (names are matched with regard to case: declare every name in the '
                                              'spelling the Edge holds)' % (specs.ROLE.item_path(other), _error(answer)))

    def check_users(self):
        username = self.username
        if not username:
            sample = self.samples.get(specs.USER.list_key, (0, None))[1]
            username = sample.get(specs.USER.id_field) if isinstance(sample, dict) else None
        if not username:
            self.record('user-shape', NOT_CHECKED, 'no user to read (edge_username is not set and the list is empty)')
            return
        answer = self.get(specs.USER.item_path(username))
        user = answer.get(specs.USER.item_key)
        if answer.status != 200 or not isinstance(user, dict):
            self.record('user-shape', DIFFERS, 'GET %s: %s, fields %s' % (specs.USER.item_path(username), _error(answer), _fields(answer.body)))
        else:
            secret = sorted(set(user) & set(specs.USER_SECRET_FIELDS))
            good = (isinstance(user.get(specs.USER.id_field), str) and user.get(specs.USER_TYPE) in (specs.USER_TYPE_HUMAN, specs.USER_TYPE_MACHINE)
                    and isinstance(user.get('roles'), list) and not secret)
            self.record('user-shape', HOLDS if good else DIFFERS, 'fields %s%s' % (_fields(user), '; secret fields: %s' % ', '.join(secret) if secret else ''))
        if self.username:
            items, total = self.client.list_all(specs.USER.path, specs.USER.list_key)
            names = set(str(i.get(specs.USER.id_field)).lower() for i in items if isinstance(i, dict))
            self.record('list-holds-all', HOLDS if self.username.lower() in names else DIFFERS,
                        'the users list (%s users) %s %s' % (total, 'holds' if self.username.lower() in names else 'does not hold', self.username))
        else:
            self.record('list-holds-all', NOT_CHECKED, 'edge_username is not set (token authentication)')

    def sample_name(self, res):
        sample = self.samples.get(res.list_key, (0, None))[1]
        return sample.get(res.id_field) if isinstance(sample, dict) else None

    def check_app(self, name=None):
        name = name or self.sample_name(specs.APP)
        if not name:
            return
        answer = self.get(specs.APP.item_path(name))
        app = answer.get(specs.APP.item_key)
        good = (answer.status == 200 and isinstance(app, dict) and isinstance(app.get('label'), str)
                and isinstance(app.get('maxBuilds'), int) and isinstance(app.get(specs.APP_OPTIONS['deployments']), list))
        shown = _fields(app if isinstance(app, dict) else answer.body)
        self.record('app-shape', HOLDS if good else DIFFERS, 'GET %s: %s, fields %s' % (specs.APP.item_path(name), _error(answer), shown))

    def check_deployment(self, name=None):
        name = name or self.sample_name(specs.DEPLOYMENT)
        if not name:
            return
        answer = self.get(specs.DEPLOYMENT.item_path(name))
        dep = answer.get(specs.DEPLOYMENT.item_key)
        origin = dep.get('origin') if isinstance(dep, dict) else None
        auth = dep.get(specs.DEPLOYMENT_DOWNLOAD_AUTH) if isinstance(dep, dict) else None
        credentials = specs.DEPLOYMENT_CREDENTIALS.rsplit('.', maxsplit=1)[-1]
        good = (answer.status == 200 and isinstance(dep, dict) and 'originPrefix' in dep and isinstance(origin, dict)
                and origin.get('type') in specs.DEPLOYMENT_ORIGIN_TYPES and isinstance(origin.get('endpoint'), str)
                and credentials not in origin and (auth is None or (isinstance(auth, dict) and set(auth) == {specs.DEPLOYMENT_DOWNLOAD_AUTH_TYPE})))
        self.record('deployment-shape', HOLDS if good else DIFFERS,
                    'GET %s: %s, fields %s' % (specs.DEPLOYMENT.item_path(name), _error(answer), _fields(dep if isinstance(dep, dict) else answer.body)))

    def check_subscription(self, name=None):
        sample = self.samples.get(specs.SUBSCRIPTION.list_key, (0, None))[1]
        if isinstance(sample, dict):
            good = isinstance(sample.get(specs.SUBSCRIPTION_RECORD_EVENT), str)
            self.record('subscription-records', HOLDS if good else DIFFERS, 'a list record has the fields %s' % _fields(sample))
        name = name or (sample.get(specs.SUBSCRIPTION.id_field) if isinstance(sample, dict) else None)
        if not name:
            return
        path = specs.SUBSCRIPTION.item_path(name)
        answer = self.get(path)
        sub = answer.get(specs.SUBSCRIPTION.item_key)
        if answer.status == 200 and isinstance(sub, dict) and isinstance(sub.get(specs.SUBSCRIPTION_EVENTS_FIELD), list):
            self.record('subscription-read', HOLDS, 'GET %s: {"%s": {..., "%s": [...]}}' % (path, specs.SUBSCRIPTION.item_key, specs.SUBSCRIPTION_EVENTS_FIELD))
        else:
            self.record('subscription-read', DIFFERS, 'GET %s: %s, fields %s%s' % (
                path, _error(answer), _fields(answer.body),
                ' (the list\'s records: the collection reads this shape too)' if isinstance(answer.get(specs.SUBSCRIPTION.list_key), list) else ''))

    def check_tasks(self):
        answer = self.get(specs.TASK.path, {specs.PAGE_LIMIT: 100})
        tasks = [t for t in answer.get(specs.TASK.list_key) or [] if isinstance(t, dict)]
        if not tasks:
            for cid in ('task-list', 'task-details', 'task-status'):
                self.record(cid, NOT_CHECKED, 'the organisation has no task yet')
            return
        missing = sorted(set(f for t in tasks for f in specs.TASK_LIST_FIELDS if f not in t))
        documented = [f for f in missing if f in specs.TASK_LIST_DOCUMENTED]
        self.record('task-list', DIFFERS if missing else HOLDS,
                    ('%d items lack %s%s' % (len(tasks), ', '.join(missing), '' if documented else
                                             ' (the collection reads them from the details)')) if missing else
                    '%d items, each with %s' % (len(tasks), ', '.join(specs.TASK_LIST_FIELDS)))
        known = [s for s in specs.TASK_STATUSES if s != specs.TASK_UNFINISHED]
        odd = sorted(set(repr(t.get(specs.TASK_STATUS)) for t in tasks if t.get(specs.TASK_STATUS) not in known))
        self.record('task-status', DIFFERS if odd else HOLDS, 'unknown statuses: %s' % ', '.join(odd) if odd else
                    'statuses seen: %s' % ', '.join(sorted(set(t[specs.TASK_STATUS] for t in tasks))))
        name = tasks[0].get(specs.TASK_NAME)
        answer = self.get(specs.TASK.item_path(name))
        task = answer.get(specs.TASK.item_key)
        wanted = (specs.TASK_STATUS, 'step', specs.TASK_ACKNOWLEDGED, specs.TASK_EXPIRED)
        good = answer.status == 200 and isinstance(task, dict) and all(k in task for k in wanted)
        self.record('task-details', HOLDS if good else DIFFERS, 'GET %s: %s, fields %s' % (
            specs.TASK.item_path(name), _error(answer), _fields(task if isinstance(task, dict) else answer.body)))

    def check_retry_after(self):
        seen = list(self.client.retry_after_seen)
        if not seen:
            self.record('retry-after', NOT_CHECKED, 'no 429 or 503 was met (it is seen only when the Edge limits the rate)')
            return
        odd = [v for v in seen if not str(v).strip().isdigit()]
        self.record('retry-after', DIFFERS if odd else HOLDS, 'Retry-After seen: %s%s' % (
            ', '.join(repr(v) for v in seen[:5]), ' (an HTTP date: the collection understands both)' if odd else ''))

    # ------------------------------------------------------------------ checks that write
    def scratch(self, res, name, body):
        """Create a scratch object; its answer. Recorded for deletion whatever the answer."""
        answer = self.call('POST', res.path, body)
        if answer.status < 300 or answer.status >= 500:
            self.created.append((res, name))
        return answer

    def fetch(self, res, name):
        answer = self.get(res.item_path(name))
        obj = answer.get(res.item_key)
        return obj if isinstance(obj, dict) else None

    def check_writes(self):
        role, bot = self.prefix + 'Role', self.prefix + 'Bot'
        permissions = dict((k, 0) for k in specs.PERMISSION_MAX)
        permissions.update(apps=15, roles=2)
        answer = self.scratch(specs.ROLE, role, {'name': role, 'label': SCRATCH_LABEL, 'permissions': permissions})
        if answer.status != 200:
            for cid in WRITE_CHECKS:
                self.record(cid, NOT_CHECKED, 'creating the scratch role %s was refused: %s %s' % (role, _error(answer), answer.get('message') or ''))
            return
        obj = answer.get(specs.ROLE.item_key)
        note = '' if isinstance(obj, dict) else ' (no object: the collection reads it back, one more request per write)'
        self.record('create-answer', HOLDS if isinstance(obj, dict) and obj.get('name') == role else DIFFERS,
                    'POST %s answered with the fields %s%s' % (specs.ROLE.path, _fields(answer.body), note))
        self.guarded(('unknown-body-field',), self.check_unknown_body)
        self.guarded(('create-conflict',), lambda: self.check_conflict(role))
        self.guarded(('role-patch-replaces',), lambda: self.check_role_patch(role))
        self.guarded(('machine-user-key', 'user-roles-patch'), lambda: self.check_machine_user(bot, role))
        self.guarded(('deployment-patch-merges', 'app-deployments', 'app-shape', 'deployment-shape'), self.check_deployment_and_app)
        self.guarded(('subscription-secret', 'subscription-read', 'subscription-records'), self.check_scratch_subscription)

    def check_unknown_body(self):
        probe = self.prefix + 'Probe'
        answer = self.scratch(specs.ROLE, probe, {'name': probe, 'label': SCRATCH_LABEL, UNKNOWN_PARAMETER: True})
        holds = answer.status == 400 and answer.get('error') == 'invalid-param' and UNKNOWN_PARAMETER in '%s %s' % (
            answer.get('param') or '', answer.get('message') or '')
        self.record('unknown-body-field', HOLDS if holds else DIFFERS, 'POST %s with the field %s answered %s%s' % (
            specs.ROLE.path, UNKNOWN_PARAMETER, _error(answer),
            ' (ignored: a misspelt field would pass unnoticed; the collection compares what the Edge kept after every write)'
            if answer.status == 200 else ''))

    def check_conflict(self, role):
        answer = self.call('POST', specs.ROLE.path, {'name': role, 'label': SCRATCH_LABEL})
        holds = answer.status == 409 and answer.get('error') == 'already-exists'
        self.record('create-conflict', HOLDS if holds else DIFFERS, 'POST %s of an existing name answered %s' % (specs.ROLE.path, _error(answer)))

    def check_role_patch(self, role):
        answer = self.call('PATCH', specs.ROLE.path, {'name': role, 'permissions': {'apps': 2}})
        kept = (self.fetch(specs.ROLE, role) or {}).get('permissions') or {}
        if answer.status != 200:
            self.record('role-patch-replaces', DIFFERS, 'PATCH %s answered %s' % (specs.ROLE.path, _error(answer)))
        elif kept.get('apps') == 2 and not kept.get('roles'):
            self.record('role-patch-replaces', HOLDS, 'after a patch with {apps: 2}: apps=2, roles=%r' % kept.get('roles'))
        else:
            self.record('role-patch-replaces', DIFFERS, 'after a patch with {apps: 2}: apps=%r, roles=%r (merged; the collection sends the '
                                                        'whole map, so it copes)' % (kept.get('apps'), kept.get('roles')))

    def check_machine_user(self, bot, role):
        answer = self.scratch(specs.USER, bot, {specs.USER.id_field: bot, 'label': SCRATCH_LABEL, 'roles': []})
        if answer.status != 200:
            self.record('machine-user-key', NOT_CHECKED, 'creating the scratch machine user was refused: %s' % _error(answer))
            self.record('user-roles-patch', NOT_CHECKED, 'no scratch machine user')
            return
        inner = answer.get(specs.USER.item_key) if isinstance(answer.get(specs.USER.item_key), dict) else {}
        names = specs.USER.create_extras['api_key']
        found = [(where, n) for where, holder in (('', answer.body or {}), ('%s.' % specs.USER.item_key, inner))
                 for n in names if isinstance(holder.get(n), str) and holder.get(n)]
        if not found:
            self.record('machine-user-key', DIFFERS, 'no key in the answer under %s; its fields: %s' % (', '.join(names), _fields(answer.body)))
        else:
            where, name = found[0]
            key = (inner if where else answer.body)[name]
            works = self.key_works(bot, key)
            assumed = (where, name) == ('', names[0])
            self.record('machine-user-key', HOLDS if assumed and works is not False else DIFFERS,
                        'the key is in %s%s%s' % (where, name, {True: '; it authenticates', False: '; it does NOT authenticate',
                                                                None: ''}[works]))
        patch = self.call('PATCH', specs.USER.path, {specs.USER.id_field: bot, 'roles': [role]})
        kept = (self.fetch(specs.USER, bot) or {}).get('roles')
        holds = patch.status == 200 and isinstance(kept, list) and [r.lower() for r in kept] == [role.lower()]
        self.record('user-roles-patch', HOLDS if holds else DIFFERS, 'PATCH %s {roles: [%s]} answered %s; the user has roles %r'
                    % (specs.USER.path, role, _error(patch), kept))

    def key_works(self, user, key):
        """Whether a new API key authenticates (any answer but 401); None when the organisation is not known."""
        if not self.org:
            return None
        headers = {specs.HEADER_TOKEN: None, specs.HEADER_ORG: self.org, specs.HEADER_USER: user, specs.HEADER_API_KEY: key}
        return self.get(specs.ROLE.path, {specs.PAGE_LIMIT: 1}, headers=headers).status != 401

    def check_deployment_and_app(self):
        dep, app = self.prefix + 'Dep', self.prefix + 'App'
        kind = SCRATCH_ORIGIN['type']
        origin = dict(SCRATCH_ORIGIN, **{specs.DEPLOYMENT_CREDENTIALS.rsplit('.', maxsplit=1)[-1]: dict(
            (k, 'contract-check') for k in specs.DEPLOYMENT_CREDENTIAL_KEYS[kind])})
        answer = self.scratch(specs.DEPLOYMENT, dep, {'name': dep, 'originPrefix': '', 'origin': origin})
        if answer.status != 200:
            self.record('deployment-patch-merges', NOT_CHECKED, 'creating the scratch deployment was refused: %s' % _error(answer))
            self.record('app-deployments', NOT_CHECKED, 'no scratch deployment')
            return
        self.check_deployment(dep)
        patch = self.call('PATCH', specs.DEPLOYMENT.path, {'name': dep, 'origin': {'endpoint': SCRATCH_ENDPOINT}})
        kept = (self.fetch(specs.DEPLOYMENT, dep) or {}).get('origin') or {}
        lost = sorted(k for k, v in SCRATCH_ORIGIN.items() if k != 'endpoint' and kept.get(k) != v)
        if patch.status == 200 and kept.get('endpoint') == SCRATCH_ENDPOINT and not lost:
            self.record('deployment-patch-merges', HOLDS, 'after a patch of origin.endpoint the origin keeps %s' % ', '.join(sorted(kept)))
        else:
            self.record('deployment-patch-merges', DIFFERS, 'PATCH answered %s; after a patch of origin.endpoint the origin has %s%s'
                        % (_error(patch), ', '.join(sorted(kept)) or 'no fields',
                           ' (lost: %s; the collection sends the whole origin with the credentials, and fails loudly otherwise)'
                           % ', '.join(lost) if lost else ''))
        registered = specs.APP_OPTIONS['deployments']
        answer = self.scratch(specs.APP, app, {'name': app, 'label': SCRATCH_LABEL, registered: [dep]})
        if answer.status != 200:
            self.record('app-deployments', NOT_CHECKED, 'creating the scratch app was refused: %s' % _error(answer))
            return
        self.check_app(app)
        kept = (self.fetch(specs.APP, app) or {}).get(registered)
        holds = isinstance(kept, list) and [d.lower() for d in kept] == [dep.lower()]
        self.record('app-deployments', HOLDS if holds else DIFFERS, 'an app created with deployments [%s] has %r%s' % (
            dep, kept, '' if holds else ' (an empty list publishes the app to every deployment; the collection fails loudly)'))

    def check_scratch_subscription(self):
        name = self.prefix + 'Sub'
        kind, target = specs.SUBSCRIPTION_WEBHOOK
        body = {'name': name, 'sender': 'deploy', specs.SUBSCRIPTION_EVENTS_FIELD: ['end', 'error'], specs.SUBSCRIPTION_TYPE: kind}
        parent, leaf = target.split('.', 1)
        body[parent] = {leaf: SCRATCH_WEBHOOK}
        answer = self.scratch(specs.SUBSCRIPTION, name, body)
        if answer.status != 200:
            self.record('subscription-secret', NOT_CHECKED, 'creating the scratch subscription was refused: %s' % _error(answer))
            return
        names = specs.SUBSCRIPTION.create_extras['secret']
        found = [n for n in names if isinstance((answer.body or {}).get(n), str) and answer.body[n]]
        if found and found[0] == names[0]:
            self.record('subscription-secret', HOLDS, 'the signing secret is in %s' % found[0])
        else:
            self.record('subscription-secret', DIFFERS, 'the signing secret is in %s' % found[0] if found else
                        'no signing secret in the answer under %s; its fields: %s' % (', '.join(names), _fields(answer.body)))
        listing = self.get(specs.SUBSCRIPTION.path, {specs.PAGE_LIMIT: specs.MAX_PAGE_SIZE})
        mine = [r for r in listing.get(specs.SUBSCRIPTION.list_key) or [] if isinstance(r, dict) and r.get('name') == name]
        if mine:
            good = len(mine) == 2 and all(isinstance(r.get(specs.SUBSCRIPTION_RECORD_EVENT), str) for r in mine)
            self.record('subscription-records', HOLDS if good else DIFFERS, '%d list records for 2 events, fields %s' % (len(mine), _fields(mine[0])))
        self.check_subscription(name)

    def cleanup(self):
        """Delete every scratch object (users and apps before what they use); what stays is returned."""
        order = (specs.SUBSCRIPTION, specs.APP, specs.USER, specs.DEPLOYMENT, specs.ROLE)
        left, evidence, bad = [], [], []
        for res in order:
            for kind, name in [c for c in self.created if c[0] is res]:
                answer = self.call('DELETE', res.item_path(name))
                after = self.get(res.item_path(name))
                gone = after.status == 404
                if not gone:
                    left.append('%s %s' % (res.key, name))
                if answer.status != 200 or not (gone and after.get('error') == 'not-found'):
                    bad.append('%s %s: DELETE %s, then GET %s' % (kind.key, name, _error(answer), _error(after)))
                evidence.append('%s %s' % (res.key, name))
        if self.created:
            self.record('delete', DIFFERS if bad else HOLDS, '; '.join(bad) if bad else 'deleted and gone (404 not-found): %s' % ', '.join(evidence))
        return left

    # ------------------------------------------------------------------ the run
    def run(self, writes):
        left = []
        try:
            self.check_auth()
            self.guarded(('list-shape',), self.check_lists)
            self.guarded(('page-limit',), self.check_page_limit)
            self.guarded(('unknown-query',), self.check_unknown_query)
            self.guarded(('accept-rule', 'unknown-route'), self.check_firewall)
            self.guarded(('not-found',), self.check_not_found)
            self.guarded(('read-one', 'role-shape', 'name-case'), self.check_roles)
            self.guarded(('user-shape', 'list-holds-all'), self.check_users)
            self.guarded(('app-shape',), self.check_app)
            self.guarded(('deployment-shape',), self.check_deployment)
            self.guarded(('subscription-records', 'subscription-read'), self.check_subscription)
            self.guarded(('task-list', 'task-details', 'task-status'), self.check_tasks)
            if writes:
                try:
                    self.guarded(WRITE_CHECKS, self.check_writes)
                finally:
                    left = self.cleanup()
            self.check_retry_after()
        except Stop:
            pass
        return left

    def report(self, writes):
        rows = []
        for cid, section, text in ASSUMPTIONS:
            if cid in self.results:
                result, evidence = self.results[cid]
            elif cid in WRITE_CHECKS and not writes:
                result, evidence = NOT_CHECKED, 'needs writes (contract_writes=true)'
            elif 'auth' in self.results and self.results['auth'][0] != HOLDS:
                result, evidence = NOT_CHECKED, 'the connection does not authenticate'
            else:
                result, evidence = NOT_CHECKED, 'nothing of this kind to read (contract_writes=true creates scratch objects)'
            rows.append({'id': cid, 'section': section, 'assumption': text, 'result': result, 'evidence': evidence})
        return rows


def table(rows):
    """The report as lines of text: result, id and section, the assumption, the evidence."""
    width = max(len(r['id']) for r in rows)
    lines = ['%-11s  %-*s  %-6s  %s' % ('RESULT', width, 'ASSUMPTION', 'SECTION', 'WHAT THE COLLECTION ASSUMES / EVIDENCE')]
    for row in rows:
        lines.append('%-11s  %-*s  %-6s  %s' % (row['result'], width, row['id'], row['section'], row['assumption']))
        lines.append('%-11s  %-*s  %-6s  -> %s' % ('', width, '', '', row['evidence']))
    return lines


def default_prefix():
    return 'ContractCheck%s' % time.strftime('%Y%m%d%H%M%S', time.gmtime())


def run_contract(ctx):
    p = ctx.params
    prefix = p['prefix'] or default_prefix()
    if not prefix.replace('_', '').isalnum() or len(prefix) < 2 or len(prefix) > MAX_PREFIX or not prefix.isascii():
        raise ModuleFailure('prefix: %r must be 2 to %d letters, digits or underscores (scratch objects are named <prefix>Role, '
                            '<prefix>Bot, ...).' % (prefix, MAX_PREFIX))
    if p['request_interval'] < 0:
        raise ModuleFailure('request_interval: %s is negative; give the least seconds between two requests.' % p['request_interval'])
    writes = bool(p['writes']) and not ctx.check_mode
    if p['writes'] and ctx.check_mode:
        ctx.warn('Check mode: the checks that write (writes=true) were not run.')
    contract = Contract(ctx.client, p['request_interval'], prefix, p.get('edge_username'), p.get('edge_org'))
    left = contract.run(writes)
    rows = contract.report(writes)
    counts = dict((r, len([row for row in rows if row['result'] == r])) for r in RESULTS)
    result = {
        'changed': bool(left), 'assumptions': rows, 'counts': counts, 'differs': [r['id'] for r in rows if r['result'] == DIFFERS],
        'table': table(rows), 'writes': writes, 'prefix': prefix if writes else None, 'scratch_left': left,
        'requests': ctx.client.request_count,
    }
    if left:
        ctx.warn('Scratch objects could not be deleted: %s. Delete them with the modules (state=absent).' % ', '.join(left))
    return copy.deepcopy(result)


CONTRACT_MODULE = ModuleDef(
    'rockit_contract',
    dict(
        writes=dict(type='bool', default=False),
        prefix=dict(type='str'),
        request_interval=dict(type='float', default=0.25),
    ),
    run_contract,
)
