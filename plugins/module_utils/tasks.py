# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rockit_tasks_info and rockit_task, and the collection's one wait loop (rockit_build waits with it too).

A :class:`TaskQuery` is a validated task listing: the filters the Edge applies (``appName``,
``taskGroup``, ``status[]``, ``taskTypes[]``, ``created``, ``order[]``) plus those applied here
(exact names, created before, an exact task group). :func:`wait_for` polls one query until its
tasks are settled; :func:`finish` adds detail records, the status counts and the failure check.

Only ``name``, ``service`` and ``status`` of a list item are documented. Whatever else a filter, a
wait or the failure check needs (the app, the task group, the creation time) is taken from the list
item when it is there and read from the task's details when it is not, so a server whose list items
carry only the documented fields gives the same answers (a few more reads), never a wrong success.
A task whose status is unknown is never taken as settled or successful.
"""

import math
import re
import time
from datetime import datetime, timedelta

from ansible_collections.rockitplay.edge.plugins.module_utils import rockit_specs as specs
from ansible_collections.rockitplay.edge.plugins.module_utils.client import ApiError
from ansible_collections.rockitplay.edge.plugins.module_utils.constraints import check
from ansible_collections.rockitplay.edge.plugins.module_utils.deployment import with_hint
from ansible_collections.rockitplay.edge.plugins.module_utils.engine import ensure, read, unwrap
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import ModuleDef, ModuleFailure

STATUSES = tuple(s for s in specs.TASK_STATUSES if s != specs.TASK_UNFINISHED)  # what a task can be (not a filter value)
NAME, STATUS, APP, GROUP, CREATED = specs.TASK_NAME, specs.TASK_STATUS, specs.TASK_APP, specs.TASK_GROUP, specs.TASK_CREATED
LISTED_PENDING = 20          # tasks named in a timeout message before "and N more"

# The wait options shared by rockit_tasks_info and rockit_build (documented in doc_fragments/wait.py).
WAIT_ARGUMENT_SPEC = dict(
    wait=dict(type='bool', default=False),
    wait_timeout=dict(type='int', default=600),
    wait_sleep=dict(type='int', default=5),
)

_ISO = re.compile(r'^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*([Zz]|[+-]\d{2}:?\d{2})?$')
_EPOCH = datetime(1970, 1, 1)


# ---------------------------------------------------------------------------------------------- input
def parse_time(value, option):
    """An ISO 8601 date or date-time as a naive UTC datetime; refused with a message naming the option.

    A value without a zone is taken as UTC; a date alone means its midnight (UTC).
    """
    match = _ISO.match(str(value).strip())
    if match:
        year, month, day, hour, minute, second, zone = match.groups()
        try:
            moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
        except ValueError:
            match = None
    if not match:
        raise ModuleFailure('%s: %r is not an ISO 8601 date or time; give for example 2025-01-01T00:00:00Z (UTC), '
                            '2025-01-01T02:00:00+02:00 or 2025-01-01.' % (option, value))
    if zone and zone not in ('Z', 'z'):
        digits = zone[1:].replace(':', '')
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        moment = moment - offset if zone[0] == '+' else moment + offset
    return moment


def iso(moment):
    """The API's timestamp form: ISO 8601 UTC with a Z, seconds precision."""
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')


def task_time(task):
    """When a task was created, as a naive UTC datetime (None when the server does not say)."""
    value = task.get(CREATED)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return _EPOCH + timedelta(seconds=value)
    try:
        return parse_time(value, CREATED)
    except ModuleFailure:
        return None


def check_task_name(name, option='name'):
    check(specs.TASK, specs.TASK_NAME, name if name is not None else '', option)


def check_order(order):
    """The ``order`` keys as the API takes them: field, +field (ascending) or -field (descending)."""
    keys, seen = [], set()
    for value in order or []:
        key = str(value).strip()
        match = re.match(r'^([+-]?)(\w+)$', key)
        if not match or match.group(2) not in specs.TASK_ORDER_FIELDS:
            raise ModuleFailure("order: %r is not a sort key; give a field (%s), prefixed with - for descending or + for ascending, "
                                "for example ['-created', 'appName']." % (value, ', '.join(specs.TASK_ORDER_FIELDS)))
        if match.group(2) in seen:
            raise ModuleFailure('order: %s is given twice; give each field once.' % match.group(2))
        seen.add(match.group(2))
        keys.append(key)
    return keys


def unique(values):
    out = []
    for value in values or []:
        if value not in out:
            out.append(value)
    return out


def wait_settings(p):
    """(timeout, sleep) of the wait options, checked."""
    if p['wait_timeout'] < 0:
        raise ModuleFailure('wait_timeout: %d is negative; give the most seconds to wait (0 polls once).' % p['wait_timeout'])
    if p['wait_sleep'] < 1:
        raise ModuleFailure('wait_sleep: %d is too small; give the seconds between two polls (at least 1).' % p['wait_sleep'])
    return p['wait_timeout'], p['wait_sleep']


def sort_tasks(tasks, order):
    """Tasks sorted by API order keys, the way the Edge sorts them (stable; missing values last)."""
    out = list(tasks)
    for key in reversed(order):
        field = key.lstrip('+-')
        out.sort(key=lambda task, field=field: (task.get(field) is None, str(task.get(field))), reverse=key.startswith('-'))
    return out


# ---------------------------------------------------------------------------------------------- listing
class TaskQuery(object):
    """A validated task listing.

    ``server`` holds the API filters; ``names`` (exact), ``created_before`` (a datetime) and
    ``group`` (an exact task group) are applied here. With names as the only filter, the first page
    of the list is read and the names it does not hold are read one by one, or the rest of the list
    is read, whichever takes fewer requests.
    """

    def __init__(self, server=None, names=None, created_before=None, group=None, order=(), page_size=None, limit=None):
        self.server = dict(server or {})
        self.names = unique(names)
        self.created_before = created_before
        self.group = group
        self.order = list(order or ())
        self.page_size = min(page_size or specs.MAX_PAGE_SIZE, specs.MAX_PAGE_SIZE)
        self.limit = limit
        self.details = {}
        self.static = {}     # name -> the fields of its details that never change (read once per module run)

    @property
    def local(self):
        """Whether filters are applied here, so every page of the Edge's match must be read."""
        return bool(self.names) or self.created_before is not None or self.group is not None

    def _params(self):
        params = dict(self.server)
        if self.order:
            params[specs.ORDER] = list(self.order)
        return params

    def _list(self, client, limit=None):
        return client.list_all(specs.TASK.path, specs.TASK.list_key, params=self._params(), page_size=self.page_size, limit=limit)

    def _keeps(self, task):
        if self.names and task.get(NAME) not in self.names:
            return False
        if self.group is not None and task.get(GROUP) != self.group:
            return False
        if self.created_before is not None:
            created = task_time(task)
            return created is not None and created < self.created_before
        return True

    def detail(self, client, name):
        """The detail record of a task (read once per run of the query), or None when it is gone."""
        if name not in self.details:
            self.details[name] = read(client, specs.TASK, name)
            if self.details[name] is not None:
                self.static[name] = dict((k, self.details[name][k]) for k in specs.TASK_STATIC_FIELDS if k in self.details[name])
        return self.details[name]

    def complete(self, client, task, fields):
        """The task with ``fields``: from the list item, else from its details (a list item documents only name, service, status)."""
        missing = [f for f in fields if task.get(f) is None]
        name = task.get(NAME)
        if not missing or not name:
            return task
        if all(f in specs.TASK_STATIC_FIELDS for f in missing) and all(f in self.static.get(name, {}) for f in missing):
            known = self.static[name]
        else:
            known = self.detail(client, name) or {}
        return dict(task, **dict((f, known[f]) for f in missing if known.get(f) is not None))

    def needs(self):
        """The fields of a list item the filters applied here need."""
        fields = [STATUS]
        if self.group is not None:
            fields.append(GROUP)
        if self.created_before is not None:
            fields.append(CREATED)
        return fields

    def _by_names(self, client):
        found = {}
        missing = list(self.names)
        if len(self.names) > 1:
            first, total = self._list(client, limit=self.page_size)
            found = dict((t.get(NAME), t) for t in first if t.get(NAME) in self.names)
            missing = [n for n in self.names if n not in found]
            if isinstance(total, int) and total <= len(first):
                missing = []  # the first page was the whole list: the other names do not exist
            elif missing and isinstance(total, int) and int(math.ceil(total / float(self.page_size))) < len(missing):
                items, total = self._list(client)  # fewer requests than reading each missing name
                found = dict((t.get(NAME), t) for t in items if t.get(NAME) in self.names)
                missing = []
        for name in missing:
            task = self.detail(client, name)
            if task is not None:
                found[name] = dict((k, task[k]) for k in specs.TASK_LIST_FIELDS if k in task)
        tasks = [t for t in sort_tasks([found[n] for n in self.names if n in found], self.order or [CREATED]) if self._keeps(t)]
        return tasks, len(tasks)

    def run(self, client):
        """(tasks, total_count, truncated): total_count is the Edge's totalCount for its filters."""
        self.details = {}
        if self.names and not self.server:
            tasks, total = self._by_names(client)
        else:
            items, total = self._list(client, limit=None if self.local else self.limit)
            needed = self.needs()
            tasks = [t for t in (self.complete(client, item, needed) for item in items) if self._keeps(t)]
        truncated = False
        if self.limit is not None and len(tasks) > self.limit:
            tasks, truncated = tasks[:self.limit], True
        elif self.limit is not None and not self.local and isinstance(total, int) and len(tasks) < total:
            truncated = True
        return tasks, total, truncated


# ---------------------------------------------------------------------------------------------- waiting
def processing_apps(client, names):
    """The apps among ``names`` that report ``processing: true`` (one small read per app)."""
    busy = []
    for name in sorted(set(n for n in names if n and re.match(specs.NAME_PATTERN, n))):
        data = client.get_or_none(specs.APP.item_path(name), {specs.FIELDS: [specs.TASK_APP_PROCESSING]})
        app = unwrap(specs.APP, data) if data is not None else None
        if app and app.get(specs.TASK_APP_PROCESSING):
            busy.append(name)
    return busy


def _timeout_message(timeout, pending, busy, error):
    parts = ['Timed out after %d seconds (wait_timeout) waiting for the tasks.' % timeout]
    if pending:
        shown = ', '.join('%s (%s)' % (t.get(NAME), t.get(STATUS)) for t in pending[:LISTED_PENDING])
        more = ' and %d more' % (len(pending) - LISTED_PENDING) if len(pending) > LISTED_PENDING else ''
        parts.append('Still pending: %s%s.' % (shown, more))
        unknown = unknown_status(pending)
        if unknown:
            parts.append('The status of %s is not one the collection knows (docs/api-assumptions.md section 8), so it was not '
                         'taken as finished.' % ', '.join(str(t.get(NAME)) for t in unknown[:LISTED_PENDING]))
    if busy:
        parts.append('The Edge is still processing a build of %s (more steps are coming).' % ', '.join('app %s' % a for a in busy))
    if error is not None:
        parts.append('The last poll failed: %s' % error)
    parts.append('Raise wait_timeout, or look at the tasks with rockitplay.edge.rockit_tasks_info.')
    return ' '.join(parts)


def wait_for(client, query, timeout, sleep, statuses=None, pipeline=False, apps=()):
    """Poll ``query`` until every task is in ``statuses`` (by default a final one); return its last result.

    With ``pipeline``, the tasks are settled only when no more pipeline steps are coming: every app of
    the matched tasks, and every app named in ``apps``, reports ``processing: false``. The apps are
    read only once the tasks themselves are settled. Sleeps through ``client.sleep``; prints nothing.
    """
    wanted = tuple(statuses or specs.TASK_FINAL_STATUSES)
    start = time.monotonic()
    slept = 0.0
    while True:
        pending, busy, error, outcome = [], [], None, None
        try:
            outcome = query.run(client)
        except ApiError as exc:
            if exc.status != 200:
                raise
            error = exc  # the list changed while its pages were read: poll again
        if outcome is not None:
            pending = [t for t in outcome[0] if t.get(STATUS) not in wanted]
            if not pending and pipeline:
                tasks = [query.complete(client, t, (APP,)) for t in outcome[0]]
                busy = processing_apps(client, set(apps) | set(t.get(APP) for t in tasks))
            if not pending and not busy:
                return outcome
        elapsed = max(time.monotonic() - start, slept)
        if elapsed >= timeout:
            if pipeline and not busy:
                # as documented: the apps still processing, also while some tasks are pending (one read per app)
                try:
                    busy = processing_apps(client, set(apps) | set(t.get(APP) for t in (outcome[0] if outcome else [])))
                except ApiError:
                    busy = []
            raise ModuleFailure(_timeout_message(timeout, pending, busy, error), tasks=outcome[0] if outcome else [],
                                pending=[t.get(NAME) for t in pending], processing_apps=busy)
        nap = min(float(sleep), timeout - elapsed)
        client.sleep(nap)
        slept += nap


# ---------------------------------------------------------------------------------------------- results
def status_counts(tasks):
    counts = dict((status, 0) for status in STATUSES)
    for task in tasks:
        status = task.get(STATUS)
        counts[status] = counts.get(status, 0) + 1
    return counts


def failed_tasks(client, query, tasks):
    """The failed tasks that count, with their detail records.

    A failed task does not count once it is acknowledged (an expired task is) or once a later task of
    its task group exists (it was retried and the build went on).
    """
    if not any(task.get(STATUS) == specs.TASK_FAILED for task in tasks):
        return []
    tasks = [query.complete(client, task, (GROUP, CREATED)) for task in tasks]
    newest = {}
    for task in tasks:
        created = task_time(task)
        if task.get(GROUP) is not None and created is not None:
            newest[task[GROUP]] = max(created, newest.get(task[GROUP], created))
    records = []
    for task in tasks:
        if task.get(STATUS) != specs.TASK_FAILED:
            continue
        created = task_time(task)
        if created is not None and newest.get(task.get(GROUP), created) > created:
            continue
        record = dict(task, **(query.detail(client, task[NAME]) or {}))
        if not record.get(specs.TASK_ACKNOWLEDGED):
            records.append(record)
    return records


def _value(value):
    if isinstance(value, dict):
        return '{%s}' % ', '.join('%s: %s' % (k, value[k]) for k in sorted(value))
    return repr(value) if isinstance(value, str) else str(value)


def failure_message(records):
    described = []
    for record in records:
        fields = ['%s=%s' % (f, _value(record[f])) for f in specs.TASK_FAILURE_FIELDS if record.get(f) not in (None, '', {})]
        described.append((record.get(NAME), ', '.join(fields) or 'the Edge gives no failure details'))
    if len(described) == 1:
        text = 'Task %s failed: %s.' % described[0]
    else:
        text = '%d tasks failed: %s.' % (len(described), '; '.join('%s (%s)' % d for d in described))
    return text + (' Fix the cause, then retry the task with rockitplay.edge.rockit_task (retry: true), '
                   'or acknowledge it (acknowledged: true) so that it no longer counts.')


def unknown_status(tasks):
    """The tasks whose status the collection does not know (missing, or not one of the statuses of section 8)."""
    return [t for t in tasks if t.get(STATUS) not in STATUSES]


def finish(client, query, tasks, result, details=False, fail_on_failed=False):
    """Complete a task result: detail records (``details``), ``status_counts``, and the failure check.

    With ``fail_on_failed``, a task whose status is unknown fails too: it is never reported as a success.
    """
    if details:
        tasks = [dict(t, **(query.detail(client, t[NAME]) or {})) for t in tasks]
    result[specs.TASK.list_key] = tasks
    result['status_counts'] = status_counts(tasks)
    if fail_on_failed:
        records = failed_tasks(client, query, tasks)
        if records:
            raise ModuleFailure(failure_message(records), failed_tasks=records, **result)
        unknown = unknown_status(tasks)
        if unknown:
            raise ModuleFailure('The status of %s is not known to the collection (%s), so the tasks cannot be reported as '
                                'successful. Known statuses: %s (docs/api-assumptions.md section 8).'
                                % (', '.join(str(t.get(NAME)) for t in unknown[:LISTED_PENDING]),
                                   ', '.join(sorted(set(repr(t.get(STATUS)) for t in unknown))), ', '.join(STATUSES)), **result)
    return result


# ---------------------------------------------------------------------------------------------- rockit_tasks_info
def task_query(p):
    """The query of rockit_tasks_info, every filter checked before any request."""
    server = {}
    for option in ('app_name', 'task_group'):
        if p[option]:
            server[specs.TASK_FILTERS[option]] = p[option]
    for option in ('statuses', 'task_types'):
        if p[option]:
            server[specs.TASK_FILTERS[option]] = unique(p[option])
    after = before = None
    if p['created_after'] is not None:
        after = parse_time(p['created_after'], 'created_after')
        server[specs.TASK_FILTERS['created_after']] = iso(after)
    if p['created_before'] is not None:
        before = parse_time(p['created_before'], 'created_before')
    if after is not None and before is not None and before <= after:
        raise ModuleFailure('created_before (%s) must be later than created_after (%s); no task can match both.' % (iso(before), iso(after)))
    names = unique(p['names'])
    for name in names:
        check_task_name(name, 'names')
    if p['page_size'] < 1 or p['page_size'] > specs.MAX_PAGE_SIZE:
        raise ModuleFailure('page_size: %d is out of range; the Edge takes 1 to %d tasks per request.' % (p['page_size'], specs.MAX_PAGE_SIZE))
    if p['limit'] is not None and p['limit'] < 1:
        raise ModuleFailure('limit: %d is too small; give the most tasks to return (at least 1), or leave it out for all.' % p['limit'])
    return TaskQuery(server, names=names, created_before=before, order=check_order(p['order']), page_size=p['page_size'], limit=p['limit'])


def run_tasks_info(ctx):
    p = ctx.params
    query = task_query(p)
    if p['wait']:
        timeout, sleep = wait_settings(p)
        pipeline = not p['wait_statuses'] and bool(p['app_name'] or p['task_group'])
        tasks, total, truncated = wait_for(ctx.client, query, timeout, sleep, statuses=p['wait_statuses'], pipeline=pipeline,
                                           apps=[p['app_name']] if p['app_name'] else [])
    else:
        tasks, total, truncated = query.run(ctx.client)
    result = {'changed': False, 'total_count': total, 'truncated': truncated}
    return finish(ctx.client, query, tasks, result, details=p['details'], fail_on_failed=p['fail_on_failed'])


# ---------------------------------------------------------------------------------------------- rockit_task
DIFF_FIELDS = (specs.TASK_ACKNOWLEDGED, specs.TASK_EXPIRED, STATUS)
EXPIRE_HINT = 'Only upload (dltar) tasks that are not done can be expired.'
RETRY_HINT = ('Only the newest failed task of a build can be retried (a task that was retried already cannot be retried again: '
              'retry its newest task), and only while the app is not processing another build.')


def _diff_view(task):
    return dict((k, task.get(k)) for k in (NAME,) + DIFF_FIELDS)


def run_task(ctx):
    p = ctx.params
    name = p['name']
    check_task_name(name)
    client = ctx.client
    current = read(client, specs.TASK, name)
    if current is None:
        raise ModuleFailure('Task %s does not exist; rockitplay.edge.rockit_tasks_info lists the tasks.' % name)
    desired = {}
    for field in (specs.TASK_ACKNOWLEDGED, specs.TASK_EXPIRED):
        if p[field]:
            desired[field] = True
        elif p[field] is False and current.get(field):
            raise ModuleFailure('%s: task %s is %s already, which cannot be undone; leave %s out or set it to true.' % (field, name, field, field))
    expiring = desired.get(specs.TASK_EXPIRED) and not current.get(specs.TASK_EXPIRED)
    if expiring and current.get(STATUS) == specs.TASK_DONE:
        raise ModuleFailure('expired: task %s is done and cannot be expired. %s' % (name, EXPIRE_HINT))
    if p['retry'] and current.get(STATUS) != specs.TASK_FAILED and not expiring:
        raise ModuleFailure('retry: task %s is %s; only failed tasks can be retried.' % (name, current.get(STATUS)))
    try:
        outcome = ensure(client, specs.TASK, name, 'present', desired, ctx.check_mode, current=current)
    except ApiError as exc:
        raise with_hint(exc, EXPIRE_HINT) if exc.status == 409 else exc
    result = outcome.result
    task = result[specs.TASK.key]
    if ctx.check_mode and expiring:
        task = dict(task, **{STATUS: specs.TASK_FAILED, specs.TASK_ACKNOWLEDGED: True})
    if p['retry']:
        written = result['changed'] and not ctx.check_mode
        result['changed'] = True
        if not ctx.check_mode:
            try:
                data = client.request('POST', specs.TRIGGER_PATH, {specs.TRIGGER_ACTION: specs.TRIGGER_RETRY, specs.TRIGGER_TASK: name})
            except ApiError as exc:
                error = with_hint(exc, RETRY_HINT) if exc.status == 409 else exc
                if not written:
                    raise error
                # the acknowledge/expire before the retry was written: the failure reports that change
                raise ModuleFailure('%s The task was %s before the retry was refused.' % (error, ' and '.join(
                    field for field in (specs.TASK_ACKNOWLEDGED, specs.TASK_EXPIRED) if desired.get(field) and not current.get(field))),
                    changed=True, task=task, api_status=error.status, api_error=error.error, api_method=error.method,
                    api_path=error.path)
            result['new_task'] = data.get(specs.TRIGGER_NEW_TASK)
    result[specs.TASK.key] = task
    result['diff'] = {'before': _diff_view(current), 'after': _diff_view(task)}
    return result


TASKS_INFO_MODULE = ModuleDef(
    'rockit_tasks_info',
    dict(
        names=dict(type='list', elements='str', aliases=['name']),
        app_name=dict(type='str'),
        task_group=dict(type='str'),
        statuses=dict(type='list', elements='str', choices=list(specs.TASK_STATUSES)),
        task_types=dict(type='list', elements='str', choices=list(specs.TASK_TYPES)),
        created_after=dict(type='str'),
        created_before=dict(type='str'),
        order=dict(type='list', elements='str'),
        page_size=dict(type='int', default=specs.MAX_PAGE_SIZE),
        limit=dict(type='int'),
        details=dict(type='bool', default=False),
        wait_statuses=dict(type='list', elements='str', choices=list(STATUSES)),
        fail_on_failed=dict(type='bool', default=False),
        **WAIT_ARGUMENT_SPEC
    ),
    run_tasks_info,
)

TASK_MODULE = ModuleDef(
    'rockit_task',
    dict(
        name=dict(type='str', required=True),
        acknowledged=dict(type='bool'),
        expired=dict(type='bool'),
        retry=dict(type='bool', default=False),
    ),
    run_task,
)
