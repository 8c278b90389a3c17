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
- With ``api_keys_file`` (users), the file is checked before any object is sent and each machine user's new API key
  is merged into it as soon as the Edge returns it (:mod:`keys_file`); a key that cannot be written stays in the
  result, and the task fails saying so.

Each object is applied by one function (:func:`apply_object`), so that objects of one kind could later be applied
side by side; the kinds themselves keep their dependency order (deletions the reverse one).
"""

from ansible_collections.rockitplay.edge.plugins.module_utils import rockit_specs as specs
from ansible_collections.rockitplay.edge.plugins.module_utils.app import APP_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.client import connection_argument_spec
from ansible_collections.rockitplay.edge.plugins.module_utils.deployment import DEPLOYMENT_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.errors import ApiError
from ansible_collections.rockitplay.edge.plugins.module_utils.keys_file import KeysFileError, check_writable, merge_keys
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


def apply_one(ctx, definition, params):
    """One object, from its validated options, run by its module's code; its result (a failure is a result too)."""
    params = dict(params)
    params.update((name, ctx.params.get(name)) for name in connection_argument_spec())
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
    """Everything done for one object: apply it with its module's code, then keep what the Edge returned once."""
    item = apply_one(ctx, definition, params)
    item['name'] = name
    item.pop('invocation', None)
    file_key(ctx, keys_path, item)
    return item


def run_apply(ctx):
    kind = ctx.params['kind']
    definition, key, res = KINDS[kind]
    objects = ctx.params['objects']
    problems, names, accepted = check_objects(kind, objects, ctx.no_log_values)
    if problems:
        raise ModuleFailure('%d of %d %s objects are invalid; nothing was sent. %s' % (
            len(problems), len(objects), kind, ' | '.join(problems)), errors=problems)
    keys_path = keys_file_for(ctx) if objects else None
    if len(objects) >= PREFETCH_MIN_OBJECTS:
        prefetch(ctx.client, res, names)
    results, stopped = [], False
    for params, name in zip(accepted, names):
        stopped = stopped or bool(results and stops_the_rest(results[-1]))
        if stopped:
            item = {'skipped': True, 'changed': False, 'name': name,
                    'msg': 'Not attempted: an earlier object failed in a way every object would.'}
        else:
            item = apply_object(ctx, definition, params, name, keys_path)
        results.append(item)
        if ctx.progress:
            ctx.progress(kind, item)
    return summarise(kind, results, keys_path)


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
    ),
    run_apply,
    nested_secrets=('objects',),
    secret_names=SECRET_OPTION_NAMES,
)
