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
  An object the list shows with every managed field of its kind (the spec tables' ``list_record``) is compared
  with the list's record instead of being read by name; any other is read by name, and an object created by
  someone else in between is compared instead (the engine handles the conflict).
- The objects run side by side on up to ``concurrency`` threads (:mod:`pool`), sharing the one client, whose
  rate limit and bound on the requests in flight hold for all of them; results come back, and are shown, in
  the order of the objects. ``concurrency: 1`` applies them one after another.
- With ``api_keys_file`` (users), the file is checked before any object is sent and each machine user's new API key
  is merged into it as soon as the Edge returns it (:mod:`keys_file`); a key that cannot be written stays in the
  result, and the task fails saying so.

Each object is applied by one function (:func:`apply_object`); the kinds keep their dependency order in the
role's tasks (deletions the reverse one), since the objects of one task never depend on each other.
"""

import copy
import threading

from ansible_collections.rockitplay.edge.plugins.module_utils import rockit_specs as specs
from ansible_collections.rockitplay.edge.plugins.module_utils.app import APP_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.client import connection_argument_spec
from ansible_collections.rockitplay.edge.plugins.module_utils.deployment import DEPLOYMENT_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.errors import ApiError
from ansible_collections.rockitplay.edge.plugins.module_utils.keys_file import KeysFileError, check_writable, merge_keys
from ansible_collections.rockitplay.edge.plugins.module_utils.pool import checked_concurrency, concurrency_option, run_all
from ansible_collections.rockitplay.edge.plugins.module_utils.role import ROLE_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import Context, ModuleDef, ModuleFailure, execute
from ansible_collections.rockitplay.edge.plugins.module_utils.subscription import SUBSCRIPTION_MODULE, aggregate
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


def check_objects(kind, objects, no_log_values, label='objects'):
    """Messages for the objects that would be refused, and each object's name and validated options.

    Nothing is sent; rockit_validate checks its declarations with the same function. ``label`` names the list in
    the messages (``objects[1] (devs): devs is also objects[0]``).
    """
    definition, key, dummy = KINDS[kind]
    return validate_objects(definition, key, objects, no_log_values, label=label)


def stops_the_rest(item):
    """True for a failure every later object would repeat: no answer, authentication refused, overload."""
    if not item.get('failed') or 'api_status' not in item:
        return False
    status = item['api_status']
    return status is None or status in (401, 403, 429) or status >= 500


def run_one(ctx, definition, params):
    """One object, from its validated options, run by its module's code: (its result, its context).

    Safe on a worker thread: the object's warnings and secret values stay in its own context until
    :func:`absorb` takes them over in the caller's thread (in the order of the objects).
    """
    params = dict(params)
    params.update((name, ctx.params.get(name)) for name in connection_argument_spec())
    sub = Context(params, check_mode=ctx.check_mode, diff_mode=ctx.diff_mode)
    sub._client = ctx.client
    try:
        item = execute(definition, sub)
    except ModuleFailure as failure:
        item = dict(failure.details, failed=True, msg=failure.msg)
        item.setdefault('changed', False)
    return item, sub


def absorb(ctx, sub):
    """The warnings and secret values of one object's run, taken over by the run of all objects."""
    if sub is None:
        return
    ctx.no_log_values.update(sub.no_log_values)
    for warning in sub.warnings:
        ctx.warn(warning)


def apply_one(ctx, definition, params):
    """One object, from its validated options, run by its module's code; its result (a failure is a result too)."""
    item, sub = run_one(ctx, definition, params)
    absorb(ctx, sub)
    return item


def concurrency_of(ctx):
    """The objects run side by side (the ``concurrency`` option), checked; nothing is sent."""
    try:
        return checked_concurrency(ctx.params.get('concurrency'))
    except ValueError as exc:
        raise ModuleFailure(str(exc))


def workers_for(ctx):
    """:func:`concurrency_of`, and the client may keep as many requests in flight."""
    workers = concurrency_of(ctx)
    ctx.client.in_flight.widen(workers)
    return workers


def listing(client, kind, limit=None):
    """The objects of a kind as its list shows them (subscriptions aggregated by name), and whether that is all of them.

    Without ``limit`` every page is read (ApiError when the list changes meanwhile); with it, the list may stop short.
    """
    res = KINDS[kind][2]
    items, total = client.list_all(res.path, res.list_key, limit=limit)
    complete = limit is None or (isinstance(total, int) and total <= len(items))
    if kind == 'subscription':
        items = aggregate(items)
    return [item for item in items if isinstance(item, dict) and item.get(res.id_field) is not None], complete


def note_listed(client, res, names, items):
    """What a complete list tells about the declared names, kept on the client for their reads; the item paths noted.

    A name the list does not hold needs no read (it is created). A listed object that carries every managed field
    of its kind (``Resource.list_record``, API assumptions "Lists that stand in for reads") is taken from the list
    instead of being read by name, when the list spells its name as declared; any other is read by name.
    """
    listed = {}
    for item in items:
        listed.setdefault(str(item[res.id_field]).lower(), item)
    noted = []
    for name in names:
        if name is None:
            continue
        path = res.item_path(name)
        item = listed.get(str(name).lower())
        if item is None:
            client.known_absent.add(path)
        elif str(item[res.id_field]) == str(name) and res.list_item_complete(item):
            client.known_items[path] = {res.item_key: copy.deepcopy(item)}
        else:
            continue
        noted.append(path)
    return noted


def prefetch(client, kind, names):
    """Read the kind's list once, for the reads of the declared objects (:func:`note_listed`); the item paths noted.

    Skipped (every object is then read as usual) when the list cannot be read or is much longer than the
    declaration, so that a few objects in a large organisation do not cost a long listing.
    """
    res = KINDS[kind][2]
    limit = max(specs.MAX_PAGE_SIZE, 4 * len(names))
    try:
        items, complete = listing(client, kind, limit=limit)
    except ApiError:
        return []
    if not complete:
        return []
    return note_listed(client, res, names, items)


def keys_file_for(ctx):
    """The checked API keys file of this run (or None): refused before any object is sent if it could not be written."""
    path = ctx.params.get('api_keys_file')
    if not path:
        return None
    if ctx.params['kind'] != 'user':
        raise ModuleFailure('api_keys_file: only for kind=user (it receives the API keys of new machine users).')
    if not ctx.params.get('edge_org'):
        raise ModuleFailure('api_keys_file: the keys are filed under their organisation, so edge_org (ROCKIT_ORGNAME) must be set.')
    try:
        return check_writable(path)
    except KeysFileError as exc:
        raise ModuleFailure('api_keys_file: %s Nothing was sent.' % exc)


def file_key(ctx, path, item):
    """Merge the object's new API key into the keys file; True when it is there (or there was none)."""
    if not path or not item.get('api_key') or ctx.check_mode:
        return True
    entry = {'api_key': item['api_key'], 'api_key_id': item.get('api_key_id')}
    try:
        merge_keys(path, ctx.params['edge_org'], {item['name']: entry})
    except Exception as exc:  # pylint: disable=broad-except
        # Whatever went wrong, the key stays in the result and the task says where it is: it is never lost.
        item['api_key_file_error'] = str(exc) if isinstance(exc, (KeysFileError, OSError)) else '%s: %s' % (type(exc).__name__, exc)
        return False
    item['api_key_written'] = path
    return True


def apply_object(ctx, definition, params, name, keys_path=None):
    """Everything done for one object: apply it with its module's code, then keep what the Edge returned once.

    (its result, its context); run on a worker thread when objects run side by side.
    """
    item, sub = run_one(ctx, definition, params)
    item['name'] = name
    item.pop('invocation', None)
    with _KEYS_FILE_LOCK:
        # the file's own lock is per process: the threads of one run take turns here first
        file_key(ctx, keys_path, item)
    return item, sub


_KEYS_FILE_LOCK = threading.Lock()
NOT_ATTEMPTED = 'Not attempted: an earlier object failed in a way every object would.'


def not_attempted(name):
    return {'skipped': True, 'changed': False, 'name': name, 'msg': NOT_ATTEMPTED}


def run_apply(ctx):
    kind = ctx.params['kind']
    definition, key, res = KINDS[kind]
    objects = ctx.params['objects']
    problems, names, accepted = check_objects(kind, objects, ctx.no_log_values)
    if problems:
        raise ModuleFailure('%d of %d %s objects are invalid; nothing was sent. %s' % (
            len(problems), len(objects), kind, ' | '.join(problems)), errors=problems)
    keys_path = keys_file_for(ctx) if objects else None
    workers = workers_for(ctx) if objects else 1
    noted = prefetch(ctx.client, kind, names) if len(objects) >= PREFETCH_MIN_OBJECTS else []

    def work(entry):
        params, name = entry
        return apply_object(ctx, definition, params, name, keys_path)

    def done(entry, outcome):
        item, sub = outcome
        absorb(ctx, sub)
        if ctx.progress:
            ctx.progress(kind, item)

    try:
        outcomes = run_all(list(zip(accepted, names)), work, workers, stop=lambda outcome: stops_the_rest(outcome[0]),
                           skip=lambda entry: (not_attempted(entry[1]), None), done=done)
    finally:
        if noted:
            ctx.client.forget(noted)
    return summarise(kind, [item for item, dummy in outcomes], keys_path)


def unfiled_keys_message(path, unfiled):
    return ('The new API keys of %s could not be written to %s (%s). They are only in the registered result of this task '
            '(results[].api_key, hidden from the display): keep them from there now, or delete those machine users and create '
            'them again.' % (', '.join(item['name'] for item in unfiled), path, unfiled[0]['api_key_file_error']))


def summarise(kind, results, keys_path=None):
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
    messages = []
    if failed:
        messages.append('%d of %d %s objects failed%s: %s' % (
            len(failed), len(results), kind, ' (%d not attempted)' % counts['skipped'] if counts['skipped'] else '',
            '; '.join('%s: %s' % (item['name'], item.get('msg', 'failed')) for item in failed)))
    unfiled = [item for item in results if item.get('api_key_file_error')]
    if unfiled:
        messages.append(unfiled_keys_message(keys_path, unfiled))
        result['api_keys_file_failed'] = True
    if keys_path:
        result['api_keys_file'] = keys_path
    if messages:
        result['failed'] = True
        result['msg'] = ' '.join(messages)
    return result


APPLY_MODULE = ModuleDef(
    'rockit_apply',
    dict(
        kind=dict(type='str', required=True, choices=sorted(KINDS)),
        objects=dict(type='list', elements='dict', required=True),
        api_keys_file=dict(type='path', no_log=False),
        concurrency=concurrency_option(),
    ),
    run_apply,
    nested_secrets=('objects',),
    secret_names=SECRET_OPTION_NAMES,
)
