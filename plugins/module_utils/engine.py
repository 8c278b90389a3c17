# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The resource engine: the one place that decides ``changed``.

A resource is declared once as a :class:`Resource` (API path, identity key, managed fields by
their API names, fields compared as sets, whether the API has PATCH). :func:`ensure` reads the
object, compares only what the user declared, creates / updates / replaces / deletes it, predicts
the result in check mode without writing, and returns the diff (managed fields only, secrets masked).

After every create and update it checks what the Edge kept: each declared field is compared with the
answer (or with a read when the answer does not carry the object), and a field the Edge did not keep
fails the task with the field, both values and the section of the API assumptions page to check.
"""

import copy

from ansible_collections.rockitplay.edge.plugins.module_utils.errors import ApiError, AssumptionError, ConfigError, EdgeFailure

SECRET_MASK = '********'
SECRET_CHANGED = '******** (new value)'
ASSUMPTIONS_PAGE = 'docs/api-assumptions.md'
CONTRACT_HINT = ('ansible-playbook rockitplay.edge.contract shows which assumptions hold on this Edge; the page says where each '
                 'name lives (rockit_specs.py) if the collection has to be adapted.')
# What rockit_export writes for a write-only value the Edge never returns: the object can be compared and kept with
# it, but a request that would send it (a create, a replacement, a secret update) is refused.
PLACEHOLDER_MARK = 'REPLACE-WITH-VAULT-REFERENCE'


class Resource(object):
    """The declaration of one API resource."""

    def __init__(self, key, path, fields, id_field='name', item_key=None, list_key=None, sets=(), bitmask_maps=(), names=(),
                 patch=True, create_extras=None, defaults=None, constraints=None, permission=None, assumptions=None,
                 secret_fields=(), list_record=(), list_record_by=None):
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
        # One-time values of a create answer: {result key: (the names to look for, the assumed one first)}.
        # The older form {API name: result key} is accepted too.
        self.create_extras = {}
        for api_name, looked_for in (create_extras or {}).items():
            if isinstance(looked_for, str):
                self.create_extras[looked_for] = (api_name,)
            else:
                self.create_extras[api_name] = tuple(looked_for)
        # What the Edge fills in on create when a field is not sent (check mode predicts a new object with them).
        self.defaults = dict(defaults or {})
        # The Edge's rule per API field (rockit_specs; checked by the modules before any request).
        self.constraints = dict(constraints or {})
        # The resource of the role permissions (CRUDX bitmask) that guards this API resource.
        self.permission = permission
        # Where the API assumptions page describes the resource ('') and its fields: "<section> (<what>)".
        self.assumptions = dict(assumptions or {})
        # Keys of the API objects that hold secrets: never shown in a message.
        self.secret_fields = frozenset(secret_fields)
        # The keys a list item carries when it holds every managed field, so that it stands in for a read by name
        # (API assumptions, "Lists that stand in for reads"); () : the list never does. ``list_record_by`` adds keys
        # by the value of one field: (field, {value: keys}); an item with another value is read by name.
        self.list_record = tuple(list_record)
        self.list_record_by = list_record_by

    def list_item_complete(self, item):
        """Whether a list item carries every managed field of its object (then no read by name is needed)."""
        if not self.list_record or not isinstance(item, dict):
            return False
        keys = list(self.list_record)
        if self.list_record_by is not None:
            field, by_value = self.list_record_by
            extra = by_value.get(item.get(field)) if isinstance(item.get(field), str) else None
            if extra is None:
                return False
            keys.extend(extra)
        return all(get_path(item, key, _MISSING) is not _MISSING for key in keys)

    def assumption(self, field=''):
        """The pointer into the API assumptions page for a field (or the resource)."""
        return self.assumptions.get(field) or self.assumptions.get(field.split('.')[0]) or self.assumptions.get('') or '1 (General conventions)'

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


def _set_key(value):
    return sorted(set(repr(v) for v in value))


def _name_key(value):
    return sorted(set(str(v).lower() for v in (value or []))) if isinstance(value, (list, tuple)) or value is None else value


def equal(res, path, desired, current):
    """Whether a declared value matches the server's, the way the resource compares that field."""
    if current is _MISSING:
        current = None
    if path in res.names:
        return _name_key(desired) == _name_key(current)
    if path in res.sets:
        return _set_key(desired or []) == _set_key(current or [])
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


def _answer_fields(data):
    """The field names of an answer, never a value: top-level names, and the names inside objects as parent.name."""
    names = []
    for key in sorted(data or {}):
        value = data[key]
        if isinstance(value, dict) and value:
            names.extend('%s.%s' % (key, inner) for inner in sorted(value))
        else:
            names.append(key)
    return names


def _unnamed_not_found(exc):
    """A JSON 404 without an error name: a missing object on a server that differs from section 1, or an unknown route.

    (An HTML or empty 404 comes from something in front of the Edge, and stays an error.)
    """
    return exc.status == 404 and not exc.error and bool(exc.body)


def _listed(client, res, name):
    """Whether the kind's list holds ``name`` (its exact spelling); None when the list cannot be read."""
    try:
        items, dummy = client.list_all(res.path, res.list_key)
    except ApiError:
        return None
    return any(isinstance(item, dict) and item.get(res.id_field) == name for item in items)


def parse_answer(res, data, parse=None):
    """The object in an answer (``parse`` for a resource with answers of its own shape), or None."""
    return parse(data) if parse is not None else unwrap(res, data)


def read(client, res, name, parse=None):
    """The object as the Edge has it, or None when it does not exist.

    A 404 without an error name counts as "not found" only when the kind's list confirms it; an answer of
    success that holds no object the collection recognises fails loudly (it is never taken as "absent",
    which would create the object again and again).
    """
    path = res.item_path(name)
    try:
        data = client.get_or_none(path)
    except ApiError as exc:
        if not _unnamed_not_found(exc) or _listed(client, res, name) is not False:
            raise
        return None
    if data is None:
        return None
    obj = parse_answer(res, data, parse)
    if obj is None:
        section = res.assumption('read')
        raise AssumptionError(
            'GET %s answered success, but the answer holds no %s the collection recognises (its fields: %s). Nothing was '
            'changed. The server differs from the API assumptions: check %s section %s. %s'
            % (path, res.key, ', '.join(_answer_fields(data)) or 'none', ASSUMPTIONS_PAGE, section, CONTRACT_HINT),
            details={'assumption': section, 'answer_fields': _answer_fields(data)})
    return obj


def list_objects(client, res, name=None, params=None, page_size=None, limit=None, parse=None):
    """One object by name (an empty list when it does not exist) or every object, page by page."""
    if name is not None:
        obj = read(client, res, name, parse)
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
        # The field names (never the values) of the create answer, and whether that answer was lost.
        self.answer_fields = None
        self.answer_lost = False


def _take_extras(res, data, obj, outcome):
    """The one-time values of a create answer, found under their plausible names; they never stay in the object."""
    for result_key, names in res.create_extras.items():
        for holder in (data, obj):
            found = [n for n in names if isinstance(holder, dict) and isinstance(holder.get(n), str) and holder.get(n)]
            if found:
                outcome.extras[result_key] = holder[found[0]]
                if isinstance(obj, dict):
                    obj.pop(found[0], None)
                break


def _create(client, res, name, payload, outcome, parse=None):
    """POST the object; return it as the Edge has it (from the answer, or read when the answer does not carry it).

    A lost answer is read back, never sent twice blindly.
    """
    try:
        data = client.request('POST', res.path, payload)
    except ApiError as exc:
        if not getattr(exc, 'ambiguous', False):
            raise
        # The answer was lost: read before trying again, so nothing is created twice.
        again = read(client, res, name, parse)
        if again is None:
            data = client.request('POST', res.path, payload)
        else:
            outcome.answer_lost = True
            names = sorted(set(n[0] for n in res.create_extras.values()))
            outcome.result.setdefault('warnings', []).append(
                'The answer to creating %s %r was lost (%s); the object exists now and was not created again.%s'
                % (res.key, name, exc.message or exc.status,
                   ' Values the server returns only once (%s) could not be read.' % ', '.join(names) if names else ''))
            return again
    obj = copy.deepcopy(parse_answer(res, data, parse))
    _take_extras(res, data, obj, outcome)
    outcome.answer_fields = _answer_fields(data)
    if obj is None:
        # The answer does not carry the object (a server that differs from section 1): read what was kept.
        obj = read(client, res, name, parse)
        if obj is None:
            raise AssumptionError(
                'POST %s answered success for %s %s, but a read right after it does not find the object. The server differs '
                'from the API assumptions: check %s section %s. %s'
                % (res.path, res.key, name, ASSUMPTIONS_PAGE, res.assumption('create'), CONTRACT_HINT),
                details={'assumption': res.assumption('create'), 'changed': True, 'create_answer_fields': outcome.answer_fields},
                extras=outcome.extras)
    return obj


def _patch(client, res, name, payload, desired, fields, parse=None, confirm=None):
    """PATCH the object; return it as the Edge has it (from the answer, or read when the answer does not carry it).

    A lost answer is read back; the request is sent again only when the read shows it was not carried out.
    With ``confirm`` (a compare-and-swap write, such as a password change), the client never repeats the
    request by itself: after a lost answer ``confirm()`` finds out whether it was carried out (True), was
    not (False: sent once more), or cannot tell (it raises).
    """
    options = {'retry': False} if confirm is not None else {}
    for attempt in (1, 2):
        try:
            data = client.request('PATCH', res.path, payload, **options)
            break
        except ApiError as exc:
            if not getattr(exc, 'ambiguous', False):
                raise
            if confirm is not None:
                if confirm():
                    # Carried out. Read it back only to verify declared fields (a user changing its own password
                    # may not be allowed to read itself).
                    return read(client, res, name, parse) if fields else {res.id_field: name}
                if attempt == 2:
                    raise
                continue
            again = read(client, res, name, parse)
            if again is not None and all(equal(res, f, get_path(desired, f), get_path(again, f)) for f in fields):
                return again
            if attempt == 2:
                raise
    obj = copy.deepcopy(parse_answer(res, data, parse))
    return obj if obj is not None else read(client, res, name, parse)


def delete(client, res, name, parse=None):
    try:
        client.request('DELETE', res.item_path(name))
    except ApiError as exc:
        if exc.status == 404 and exc.error == 'not-found':
            return
        # A 404 without an error name, or a lost answer: the object is gone if a read (the list) says so.
        if not ((_unnamed_not_found(exc) or getattr(exc, 'ambiguous', False)) and read(client, res, name, parse) is None):
            raise


def refuse_placeholders(res, name, secrets):
    """Refuse to send a write-only value that is still an export placeholder (also in check mode, which predicts it)."""
    held = [path for path in leaf_paths(secrets) if PLACEHOLDER_MARK in str(get_path(secrets, path))]
    if held:
        raise ConfigError('%s %s: the write-only value %s is still the placeholder rockitplay.edge.rockit_export wrote (%s). '
                          'This request would send it to the Edge: replace it with the real value (for example a vault '
                          'reference) first.' % (res.key, name, ', '.join(held), PLACEHOLDER_MARK))


def _kept(res, path, desired, kept):
    """Whether the Edge kept a declared value: compared as the field is, a declared object by its declared keys."""
    if equal(res, path, desired, kept):
        return True
    if isinstance(desired, dict) and isinstance(kept, dict) and path not in res.bitmask_maps:
        return all(_kept(res, '%s.%s' % (path, key), value, kept.get(key, _MISSING)) for key, value in desired.items())
    return False


def _secret_strings(*sources):
    found = set()
    for source in sources:
        if isinstance(source, dict):
            for path in leaf_paths(source):
                value = get_path(source, path)
                if isinstance(value, str) and value:
                    found.add(value)
    return found


def _shown(res, value, like, secrets):
    """A value for a message: a declared object shows only its declared keys; secrets are masked."""
    if value is _MISSING:
        return '(not in the answer)'
    if isinstance(value, dict):
        like = like if isinstance(like, dict) else None
        keys = [k for k in value if k in like] if like is not None else list(value)
        return dict((k, SECRET_MASK if k in res.secret_fields else _shown(res, value[k], (like or {}).get(k), secrets)) for k in keys)
    if isinstance(value, list):
        return [_shown(res, v, None, secrets) for v in value]
    if isinstance(value, str) and value in secrets:
        return SECRET_MASK
    return value


def verify(res, name, desired, fields, obj, request, outcome, secrets=None):
    """Fail loudly when the Edge did not keep a declared field (the answer or a read after the write is ``obj``)."""
    wrong = [f for f in fields if not _kept(res, f, get_path(desired, f), get_path(obj or {}, f))]
    if not wrong:
        return
    hidden = _secret_strings(secrets, outcome.extras)
    entries, parts, sections = [], [], []
    for field in wrong:
        want = get_path(desired, field)
        entry = {'field': field, 'declared': _shown(res, want, want, hidden),
                 'kept': _shown(res, get_path(obj or {}, field), want, hidden), 'assumption': res.assumption(field)}
        entries.append(entry)
        parts.append('%s: declared %r, kept %r' % (field, entry['declared'], entry['kept']))
        if entry['assumption'] not in sections:
            sections.append(entry['assumption'])
    details = {'not_kept': entries, 'assumption': sections, 'changed': True}
    if request.startswith('POST') and outcome.answer_fields is not None:
        details['create_answer_fields'] = outcome.answer_fields
    raise AssumptionError(
        'The Edge did not keep what this task declared for %s %s: %s answered success, but %s. The server differs from the '
        'API assumptions: check %s section %s. %s'
        % (res.key, name, request, '; '.join(parts), ASSUMPTIONS_PAGE, '; section '.join(sections), CONTRACT_HINT),
        details=details, extras=outcome.extras)


def _describe(res, definition):
    view_ = view(res, definition, res.fields)
    view_.pop(res.id_field, None)
    return ', '.join('%s=%s' % (path, get_path(view_, path)) for path in leaf_paths(view_)) or 'no declared fields'


def _replace(client, res, name, current, payload, outcome, parse=None):
    """Delete and create again (the API has no PATCH for the resource).

    If the new definition cannot be created, the previous one is created again where possible, and the task
    fails with a message that says what was deleted and what was restored.
    """
    delete(client, res, name, parse)
    try:
        return _create(client, res, name, payload, outcome, parse)
    except ApiError as exc:
        failure = exc
    previous = merge({res.id_field: name}, view(res, current, res.fields))
    restored = Outcome()
    try:
        _create(client, res, name, previous, restored, parse)
        problem = None
    except (ApiError, EdgeFailure) as exc:
        problem = exc
    before = _describe(res, previous)
    if problem is None:
        issued = sorted(restored.extras)
        what = ('It was restored with its previous definition (%s)%s.'
                % (before, '; the restore issued a new %s, returned (hidden) in this result' % ' and '.join(issued) if issued else ''))
    else:
        what = ('It could NOT be restored (%s); its previous definition was: %s. Create it again with that definition, or fix '
                'the declaration and run again.' % (getattr(problem, 'msg', None) or str(problem), before))
    raise EdgeFailure(
        '%s %s was deleted to be replaced (the API cannot update it in place), but the new definition was refused: %s %s'
        % (res.key.capitalize(), name, failure, what),
        details={'api_status': failure.status, 'api_error': failure.error, 'deleted': True, 'restored': problem is None,
                 'previous': view(res, current, res.fields), 'changed': True},
        extras=restored.extras)


def ensure(client, res, name, state, desired=None, check_mode=False, create_secrets=None, update_secrets=None,
           current=_MISSING, parse=None, confirm_update=None):
    """Bring one object to the declared state.

    ``desired`` holds only the managed fields the user declared, in API shape.
    ``create_secrets`` are write-only values sent when the object is created (or replaced);
    ``update_secrets`` are sent on an existing object (the module decides, e.g. ``update_password: always``).
    ``parse`` finds the object in an answer of a resource whose answers have a shape of their own;
    ``confirm_update`` marks an update as a compare-and-swap write (see :func:`_patch`).
    After every write, the declared fields are compared with what the Edge kept (:func:`verify`).
    Returns an :class:`Outcome`; ``outcome.result`` is ready to return from a module.
    """
    desired = desired or {}
    outcome = Outcome()
    if current is _MISSING:
        current = read(client, res, name, parse)
    fields = declared(res, desired)
    outcome.before = current

    if state == 'absent':
        if current is not None:
            if not check_mode:
                delete(client, res, name, parse)
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
                obj = _create(client, res, name, merge(identity, desired, create_secrets), outcome, parse)
            except ApiError as exc:
                # Created by someone else since it was read (another play, or a list read before): compare instead.
                current = read(client, res, name, parse) if exc.status == 409 else None
                if current is None:
                    raise
                outcome.before = current
                outcome.result.setdefault('warnings', []).append(
                    '%s %r was created by someone else while this task ran; it was compared with the declaration instead.'
                    % (res.key, name))
            else:
                verify(res, name, desired, fields, obj, 'POST %s' % res.path, outcome, create_secrets)
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
                obj = _patch(client, res, name, merge(payload, update_secrets), desired, fields, parse, confirm_update)
                verify(res, name, desired, fields, obj, 'PATCH %s' % res.path, outcome, update_secrets)
            else:
                obj = _replace(client, res, name, current, merge(identity, desired, create_secrets, update_secrets), outcome, parse)
                verify(res, name, desired, fields, obj, 'POST %s' % res.path, outcome, merge(create_secrets, update_secrets))
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
