# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The resource engine: the one place that decides ``changed``.

A resource is declared once as a :class:`Resource` (API path, identity key, managed fields by
their API names, fields compared as sets, whether the API has PATCH). :func:`ensure` reads the
object, compares only what the user declared, creates / updates / replaces / deletes it, predicts
the result in check mode without writing, and returns the diff (managed fields only, secrets masked).
"""

import copy

from ansible_collections.rockitplay.edge.plugins.module_utils.errors import ApiError, ConfigError

SECRET_MASK = '********'
SECRET_CHANGED = '******** (new value)'
# What rockit_export writes for a write-only value the Edge never returns: the object can be compared and kept with
# it, but a request that would send it (a create, a replacement, a secret update) is refused.
PLACEHOLDER_MARK = 'REPLACE-WITH-VAULT-REFERENCE'


class Resource(object):
    """The declaration of one API resource."""

    def __init__(self, key, path, fields, id_field='name', item_key=None, list_key=None, sets=(), bitmask_maps=(), names=(),
                 patch=True, create_extras=None, defaults=None, constraints=None, permission=None):
        self.key = key
        self.path = path
        self.id_field = id_field
        self.item_key = item_key or key
        self.list_key = list_key or key + 's'
        self.fields = tuple(fields)
        self.sets = frozenset(sets)
        self.bitmask_maps = frozenset(bitmask_maps)
        # Lists of references to other objects by name, compared without regard to case as the Edge matches names.
        self.names = frozenset(names)
        self.patch = patch
        self.create_extras = dict(create_extras or {})
        # What the Edge fills in on create when a field is not sent (check mode predicts a new object with them).
        self.defaults = dict(defaults or {})
        # The Edge's rule per API field (rockit_specs; checked by the modules before any request).
        self.constraints = dict(constraints or {})
        # The resource of the role permissions (CRUDX bitmask) that guards this API resource.
        self.permission = permission

    def item_path(self, name):
        # local import: client imports the spec tables, which import this module
        from ansible_collections.rockitplay.edge.plugins.module_utils.client import quote_segment
        return '%s/%s' % (self.path, quote_segment(name))


_MISSING = object()


def get_path(data, path, default=_MISSING):
    """The value at a dotted API path, or ``default``."""
    node = data
    for part in path.split('.'):
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node


def set_path(data, path, value):
    parts = path.split('.')
    node = data
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[parts[-1]] = value


def merge(base, *overlays):
    """A deep copy of ``base`` with the overlays merged in, dict by dict."""
    out = copy.deepcopy(base) if base else {}
    for overlay in overlays:
        for key, value in (overlay or {}).items():
            if isinstance(value, dict) and isinstance(out.get(key), dict):
                out[key] = merge(out[key], value)
            else:
                out[key] = copy.deepcopy(value)
    return out


def leaf_paths(data, prefix=''):
    """Every dotted path to a non-dict value of ``data``."""
    paths = []
    for key, value in (data or {}).items():
        path = prefix + key
        if isinstance(value, dict) and value:
            paths.extend(leaf_paths(value, path + '.'))
        else:
            paths.append(path)
    return paths


def _empty(value):
    return value is None or value == '' or value == [] or value == {}


def _set_key(value, fold=False):
    return sorted(set(repr(v.lower() if fold and isinstance(v, str) else v) for v in value))


def equal(res, path, desired, current):
    """Whether a declared value matches the server's, the way the resource compares that field."""
    if current is _MISSING:
        current = None
    if path in res.sets:
        fold = path in res.names
        return _set_key(desired or [], fold) == _set_key(current or [], fold)
    if path in res.bitmask_maps:
        desired = desired or {}
        current = current if isinstance(current, dict) else {}
        return all(int(desired.get(k) or 0) == int(current.get(k) or 0) for k in set(desired) | set(current))
    if _empty(desired) and _empty(current):
        return True
    if isinstance(desired, bool) or isinstance(current, bool):
        return desired is current
    if isinstance(desired, (int, float)) and isinstance(current, (int, float)):
        return desired == current
    return desired == current


def declared(res, desired):
    """The managed fields the user declared."""
    return [f for f in res.fields if get_path(desired, f) is not _MISSING]


def view(res, obj, fields):
    """The object restricted to its identity and the given fields (for diffs)."""
    if obj is None:
        return {}
    out = {res.id_field: obj.get(res.id_field)}
    for field in fields:
        value = get_path(obj, field)
        if value is not _MISSING:
            if path_is_set(res, field) and isinstance(value, list):
                value = sorted(value, key=repr)
            set_path(out, field, copy.deepcopy(value))
    return out


def path_is_set(res, field):
    return field in res.sets


def _mask(target, secrets, marker):
    for path in leaf_paths(secrets):
        if get_path(secrets, path) is not None:
            set_path(target, path, marker)


def unwrap(res, data):
    """The object inside a response envelope; tolerant of servers that answer with the bare object."""
    if not isinstance(data, dict):
        return None
    inner = data.get(res.item_key)
    if isinstance(inner, dict):
        return inner
    if res.id_field in data:
        return dict((k, v) for k, v in data.items() if k != 'status')
    return None


def read(client, res, name):
    data = client.get_or_none(res.item_path(name))
    return None if data is None else unwrap(res, data)


def list_objects(client, res, name=None, params=None, page_size=None, limit=None):
    """One object by name (an empty list when it does not exist) or every object, page by page."""
    if name is not None:
        obj = read(client, res, name)
        return ([obj] if obj else []), (1 if obj else 0)
    return client.list_all(res.path, res.list_key, params=params, page_size=page_size, limit=limit)


class Outcome(object):
    """What ensure() did: the result dictionary plus values the module may need (never printed)."""

    def __init__(self):
        self.result = {'changed': False}
        self.extras = {}
        self.action = 'unchanged'
        self.before = None
        self.after = None


def _create(client, res, name, payload, outcome):
    try:
        data = client.request('POST', res.path, payload)
    except ApiError as exc:
        if not getattr(exc, 'ambiguous', False):
            raise
        # The answer was lost: read before trying again, so nothing is created twice.
        again = read(client, res, name)
        if again is None:
            data = client.request('POST', res.path, payload)
        else:
            outcome.result.setdefault('warnings', []).append(
                'The answer to creating %s %r was lost (%s); the object exists now and was not created again.%s'
                % (res.key, name, exc.message or exc.status,
                   ' Values the server returns only once (%s) could not be read.' % ', '.join(sorted(res.create_extras.values()))
                   if res.create_extras else ''))
            return again
    for api_key, result_key in res.create_extras.items():
        if data.get(api_key) is not None:
            outcome.extras[result_key] = data[api_key]
    return unwrap(res, data)


def _patch(client, res, name, payload, desired, fields):
    try:
        data = client.request('PATCH', res.path, payload)
    except ApiError as exc:
        if not getattr(exc, 'ambiguous', False):
            raise
        again = read(client, res, name)
        if again is not None and all(equal(res, f, get_path(desired, f), get_path(again, f)) for f in fields):
            return again
        data = client.request('PATCH', res.path, payload)
    return unwrap(res, data)


def delete(client, res, name):
    try:
        client.request('DELETE', res.item_path(name))
    except ApiError as exc:
        if exc.status == 404 and exc.error == 'not-found':
            return
        # The answer was lost: the object is gone if the delete was carried out.
        if not (getattr(exc, 'ambiguous', False) and read(client, res, name) is None):
            raise


def refuse_placeholders(res, name, secrets):
    """Refuse to send a write-only value that is still an export placeholder (also in check mode, which predicts it)."""
    held = [path for path in leaf_paths(secrets) if PLACEHOLDER_MARK in str(get_path(secrets, path))]
    if held:
        raise ConfigError('%s %s: the write-only value %s is still the placeholder rockitplay.edge.rockit_export wrote (%s). '
                          'This request would send it to the Edge: replace it with the real value (for example a vault '
                          'reference) first.' % (res.key, name, ', '.join(held), PLACEHOLDER_MARK))


def ensure(client, res, name, state, desired=None, check_mode=False, create_secrets=None, update_secrets=None,
           current=_MISSING):
    """Bring one object to the declared state.

    ``desired`` holds only the managed fields the user declared, in API shape.
    ``create_secrets`` are write-only values sent when the object is created (or replaced);
    ``update_secrets`` are sent on an existing object (the module decides, e.g. ``update_password: always``).
    Returns an :class:`Outcome`; ``outcome.result`` is ready to return from a module.
    """
    desired = desired or {}
    outcome = Outcome()
    if current is _MISSING:
        current = read(client, res, name)
    fields = declared(res, desired)
    outcome.before = current

    if state == 'absent':
        if current is not None:
            if not check_mode:
                delete(client, res, name)
            outcome.action = 'deleted'
            outcome.result['changed'] = True
        outcome.result[res.key] = None
        outcome.result['action'] = outcome.action
        outcome.result['diff'] = {'before': view(res, current, res.fields) if current else {}, 'after': {}}
        return outcome

    identity = {res.id_field: name}
    if current is None:
        refuse_placeholders(res, name, create_secrets)
        predicted = merge(res.defaults, identity, desired)
        obj = predicted
        if not check_mode:
            try:
                obj = _create(client, res, name, merge(identity, desired, create_secrets), outcome) or predicted
            except ApiError as exc:
                # Created by someone else since it was read (another play, or a list read before): compare instead.
                current = read(client, res, name) if exc.status == 409 else None
                if current is None:
                    raise
                outcome.before = current
                outcome.result.setdefault('warnings', []).append(
                    '%s %r was created by someone else while this task ran; it was compared with the declaration instead.'
                    % (res.key, name))
    if current is None:
        outcome.action = 'created'
        outcome.result['changed'] = True
        after = view(res, obj, fields)
        _mask(after, create_secrets, SECRET_MASK)
        outcome.result['diff'] = {'before': {}, 'after': after}
    else:
        changes = [f for f in fields if not equal(res, f, get_path(desired, f), get_path(current, f))]
        sends_secrets = any(get_path(update_secrets or {}, p) is not None for p in leaf_paths(update_secrets))
        if sends_secrets or (changes and not res.patch):
            refuse_placeholders(res, name, merge(create_secrets if not res.patch else None, update_secrets))
        if not changes and not sends_secrets:
            obj = current
        else:
            predicted = merge(current, desired)
            if check_mode:
                obj = predicted
            elif res.patch:
                payload = dict(identity)
                for f in changes:
                    set_path(payload, f, copy.deepcopy(get_path(desired, f)))
                obj = _patch(client, res, name, merge(payload, update_secrets), desired, fields) or predicted
            else:
                delete(client, res, name)
                obj = _create(client, res, name, merge(identity, desired, create_secrets, update_secrets), outcome) or predicted
            outcome.action = 'updated' if res.patch else 'replaced'
            outcome.result['changed'] = True
        before, after = view(res, current, fields), view(res, obj, fields)
        if sends_secrets or (outcome.action == 'replaced' and create_secrets):
            secrets = merge(create_secrets if outcome.action == 'replaced' else None, update_secrets)
            _mask(before, secrets, SECRET_MASK)
            _mask(after, secrets, SECRET_CHANGED)
        outcome.result['diff'] = {'before': before, 'after': after}
    outcome.after = obj
    outcome.result[res.key] = obj
    outcome.result['action'] = outcome.action
    return outcome
