# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rockit_apply: many objects of one kind in one task, each applied with the code of its kind's module.

A looped task costs Ansible a task's worth of work per item (the task copied, every option templated,
a result sent to the display); on the module path also a module process per item. Here the objects are
one option and one run: on the controller (the fast path) in its process, elsewhere in one module
process, sharing one HTTP client either way.

- Every object is checked first (its module's option validation and input checks, duplicates); any bad
  object fails the run before a request is sent.
- The failure of one object does not stop the others, except a failure every later object would repeat
  (no answer, authentication refused, overload): the rest are then reported as not attempted.
- With many objects, the kind's list is read first (one request per 1000 objects): an object it does not
  hold is created without reading it first, so a new organisation costs one write per object and no read.
  Existing objects are still read one by one (a list does not carry every field), and an object created by
  someone else in between is compared instead (the engine handles the conflict).
"""

from ansible_collections.rockitplay.edge.plugins.module_utils import rockit_specs as specs
from ansible_collections.rockitplay.edge.plugins.module_utils.app import APP_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.client import connection_argument_spec
from ansible_collections.rockitplay.edge.plugins.module_utils.deployment import DEPLOYMENT_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.errors import ApiError
from ansible_collections.rockitplay.edge.plugins.module_utils.role import ROLE_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import Context, ModuleDef, ModuleFailure, execute
from ansible_collections.rockitplay.edge.plugins.module_utils.subscription import SUBSCRIPTION_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.user import USER_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.validate import SECRET_OPTION_NAMES
from ansible_collections.rockitplay.edge.plugins.module_utils.validate import check_objects as validate_objects

# kind -> (the module that applies one object, the option that names an object, the API resource)
KINDS = {
    'deployment': (DEPLOYMENT_MODULE, 'name', specs.DEPLOYMENT),
    'role': (ROLE_MODULE, 'name', specs.ROLE),
    'user': (USER_MODULE, 'username', specs.USER),
    'app': (APP_MODULE, 'name', specs.APP),
    'subscription': (SUBSCRIPTION_MODULE, 'name', specs.SUBSCRIPTION),
}

# From this many objects on, the kind's list is read first (one request) to spare the reads of new objects.
PREFETCH_MIN_OBJECTS = 10

COUNTED = ('created', 'updated', 'replaced', 'deleted', 'unchanged', 'failed', 'skipped')


def check_objects(kind, objects, no_log_values):
    """Messages for the objects that would be refused, and each object's name and validated options.

    Nothing is sent; rockit_validate checks its declarations with the same function.
    """
    definition, key, dummy = KINDS[kind]
    return validate_objects(definition, key, objects, no_log_values)


def stops_the_rest(item):
    """True for a failure every later object would repeat: no answer, authentication refused, overload."""
    if not item.get('failed') or 'api_status' not in item:
        return False
    status = item['api_status']
    return status is None or status in (401, 403, 429) or status >= 500


def apply_one(ctx, definition, params):
    """One object, from its validated options, run by its module's code; its result (a failure is a result too)."""
    params = dict(params)
    params.update((name, ctx.params[name]) for name in connection_argument_spec())
    sub = Context(params, check_mode=ctx.check_mode, diff_mode=ctx.diff_mode)
    sub._client = ctx.client
    try:
        item = execute(definition, sub)
    except ModuleFailure as failure:
        item = dict(failure.details, failed=True, msg=failure.msg)
        item.setdefault('changed', False)
    ctx.no_log_values.update(sub.no_log_values)
    for warning in sub.warnings:
        ctx.warn(warning)
    return item


def prefetch(client, res, names):
    """Read the kind's list once; the declared names it does not hold need no read. Returns how many.

    Skipped (every object is then read as usual) when the list cannot be read or is much longer than the
    declaration, so that a few objects in a large organisation do not cost a long listing.
    """
    limit = max(specs.MAX_PAGE_SIZE, 4 * len(names))
    try:
        items, total = client.list_all(res.path, res.list_key, limit=limit)
    except ApiError:
        return 0
    if not isinstance(total, int) or total > len(items):
        return 0
    present = set(str(item.get(res.id_field)).lower() for item in items if isinstance(item, dict))
    absent = [name for name in names if str(name).lower() not in present]
    client.known_absent.update(res.item_path(name) for name in absent)
    return len(absent)


def run_apply(ctx):
    kind = ctx.params['kind']
    definition, key, res = KINDS[kind]
    objects = ctx.params['objects']
    problems, names, accepted = check_objects(kind, objects, ctx.no_log_values)
    if problems:
        raise ModuleFailure('%d of %d %s objects are invalid; nothing was sent. %s' % (
            len(problems), len(objects), kind, ' | '.join(problems)), errors=problems)
    if len(objects) >= PREFETCH_MIN_OBJECTS:
        prefetch(ctx.client, res, names)
    results, stopped = [], False
    for params, name in zip(accepted, names):
        stopped = stopped or bool(results and stops_the_rest(results[-1]))
        if stopped:
            item = {'skipped': True, 'changed': False, 'msg': 'Not attempted: an earlier object failed in a way every object would.'}
        else:
            item = apply_one(ctx, definition, params)
        item['name'] = name
        item.pop('invocation', None)
        results.append(item)
        if ctx.progress:
            ctx.progress(kind, item)
    return summarise(kind, results)


def summarise(kind, results):
    counts = dict((what, 0) for what in COUNTED)
    for item in results:
        what = 'failed' if item.get('failed') else 'skipped' if item.get('skipped') else item.get('action')
        if what in counts:
            counts[what] += 1
    result = {'changed': any(item.get('changed') for item in results), 'results': results, 'counts': counts}
    diffs = [item['diff'] for item in results if item.get('changed') and item.get('diff')]
    if diffs:
        result['diff'] = diffs
    failed = [item for item in results if item.get('failed')]
    if failed:
        result['failed'] = True
        result['msg'] = '%d of %d %s objects failed%s: %s' % (
            len(failed), len(results), kind, ' (%d not attempted)' % counts['skipped'] if counts['skipped'] else '',
            '; '.join('%s: %s' % (item['name'], item.get('msg', 'failed')) for item in failed))
    return result


APPLY_MODULE = ModuleDef(
    'rockit_apply',
    dict(
        kind=dict(type='str', required=True, choices=sorted(KINDS)),
        objects=dict(type='list', elements='dict', required=True),
    ),
    run_apply,
    nested_secrets=('objects',),
    secret_names=SECRET_OPTION_NAMES,
)
