# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rockit_whoami: the user the play authenticates as, its roles and effective permissions; the pre-flight of a run.

The effective permissions are read, not guessed (docs/api-assumptions.md, section 3): the user
(``GET /be/v1/users/{edge_username}``), then each of its roles (``GET /be/v1/roles/{name}``); a user's
permission on a resource is the bitwise OR of its roles' bitmasks. That takes ``beUsers.read`` and
``roles.read``.

The pre-flight (:func:`preflight`, which a planner can call with the kinds and objects it is about to
apply) works out the permissions a run needs before it writes anything: reading every declared kind,
creating the objects the Edge does not have, deleting those declared absent that it has, and updating
those that differ. Which objects exist is read from each kind's list (one request per kind); whether an
existing object would change is only worked out (by the module's own check mode) when the user lacks
the permission to change it, so a user with every permission pays no extra reads.
"""

from ansible_collections.rockitplay.edge.plugins.module_utils import rockit_specs as specs
from ansible_collections.rockitplay.edge.plugins.module_utils.apply import KINDS, apply_one
from ansible_collections.rockitplay.edge.plugins.module_utils.client import ApiError
from ansible_collections.rockitplay.edge.plugins.module_utils.engine import read
from ansible_collections.rockitplay.edge.plugins.module_utils.role import OPERATIONS
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import Context, ModuleDef, ModuleFailure
from ansible_collections.rockitplay.edge.plugins.module_utils.user import public_user
from ansible_collections.rockitplay.edge.plugins.module_utils.validate import (
    SECRET_OPTION_NAMES, check_objects, declared_kinds,
)

# The fields a user may change on its own account without beUsers.update (docs/api-assumptions.md, section 3).
SELF_SERVICE_FIELDS = frozenset(('email', 'firstname', 'surname', 'title', specs.USER_PASSWORD))
KIND_OF_MODULE = dict((definition.name, kind) for kind, (definition, dummy, dummy2) in KINDS.items())
ORDER = ('deployment', 'role', 'user', 'app', 'subscription')  # the dependency order of the bootstrap role
READ_NEEDS = 'reading the user the play authenticates as and its roles needs beUsers.read and roles.read'


def operations(mask):
    """The operations a CRUDX bitmask grants, in the order create, read, update, delete, execute."""
    return [op for op in OPERATIONS if int(mask or 0) & specs.PERMISSION_BITS[op]]


def granted(permissions):
    """``['apps.create', 'apps.read', ...]`` for a map of bitmasks per resource."""
    return ['%s.%s' % (resource, op) for resource in sorted(permissions) for op in operations(permissions[resource])]


def effective_permissions(client, username):
    """(the user, its roles, the bitmask per resource): the bitwise OR over the user's roles."""
    if not username:
        raise ModuleFailure('edge_username (ROCKIT_USERNAME) is needed to read the permissions of the user the play '
                            'authenticates as; with edge_token, give the name of the token\'s user as well.')
    try:
        user = read(client, specs.USER, username)
        if user is None:
            raise ModuleFailure('The Edge has no user %s, the user the play authenticates as (edge_username).' % username)
        roles = []
        for name in user.get(specs.USER_OPTIONS['roles']) or []:
            role = read(client, specs.ROLE, name)
            if role is not None:
                roles.append(role)
    except ApiError as exc:
        if exc.status != 403:
            raise
        raise ModuleFailure('%s Grant %s to one of the roles of %s: %s.' % (
            exc, exc.body.get('permission') or 'the missing permission', username, READ_NEEDS),
            api_status=exc.status, api_error=exc.error, api_method=exc.method, api_path=exc.path)
    permissions = dict((resource, 0) for resource in specs.PERMISSION_MAX)
    for role in roles:
        for resource, mask in (role.get('permissions') or {}).items():
            if isinstance(mask, int) and not isinstance(mask, bool):
                permissions[resource] = permissions.get(resource, 0) | mask
    return public_user(user), roles, permissions


def _existing(client, res):
    """The names of the kind's objects on the Edge, folded to lower case (one list read)."""
    items, dummy = client.list_all(res.path, res.list_key)
    return set(str(item.get(res.id_field)).lower() for item in items if isinstance(item, dict))


def _would_change(ctx, kind, params, username):
    """The module's own check mode on one existing object: whether it would write, and with what permission."""
    definition, dummy, res = KINDS[kind]
    probe = Context(ctx.params, check_mode=True, diff_mode=True)
    probe._client = ctx.client
    item = apply_one(probe, definition, params)
    if item.get('failed'):
        raise ModuleFailure(item.get('msg', 'The check of %s failed.' % kind), **dict(
            (k, v) for k, v in item.items() if k.startswith('api_')))
    action = item.get('action')
    if action == 'updated' and kind == 'user' and str(params.get('username')).lower() == str(username).lower():
        diff = item.get('diff') or {}
        before, after = diff.get('before') or {}, diff.get('after') or {}
        changed = set(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        if changed <= SELF_SERVICE_FIELDS:
            return None  # a user may change its own profile and password (documented)
    return {'updated': ('update',), 'replaced': ('delete', 'create'), 'created': ('create',),
            'deleted': ('delete',)}.get(action)


def _perm(res, op):
    return '%s.%s' % (res.permission, op)


def preflight(ctx, kinds, permissions, username, requires=()):
    """The permissions a run of ``kinds`` needs, and those of them ``permissions`` lacks.

    ``kinds`` is a list of (kind, [validated options of one object]) as rockit_apply takes them. Returns
    (required, missing): each a dict permission -> the sorted object labels that need it ("create app Sushi").
    Reads only: one list per kind, and the module's check mode for existing objects the user may not change.
    """
    has = set(granted(permissions))
    required = {}

    def need(permission, why):
        required.setdefault(permission, set()).add(why)

    for permission in requires:
        need(permission, 'the run')
    client = ctx.client
    for kind, objects in sorted(kinds, key=lambda entry: ORDER.index(entry[0]) if entry[0] in ORDER else len(ORDER)):
        if not objects:
            continue
        definition, key, res = KINDS[kind]
        for obj in objects:
            need(_perm(res, 'read'), 'read %s %s' % (kind, obj.get(key)))
        if _perm(res, 'read') not in has:
            continue  # every later step of this kind needs the read first; that one is missing already
        if all(_perm(res, op) in has for op in ('create', 'update', 'delete')):
            # whatever exists or changes, the user may do it: no need to read the list
            for obj in objects:
                absent = obj.get('state') == 'absent'
                for op in ('delete',) if absent else ('create', 'update') if res.patch else ('create', 'delete'):
                    need(_perm(res, op), '%s %s %s' % ('delete' if absent else 'apply', kind, obj.get(key)))
            continue
        existing = _existing(client, res)
        for obj in objects:
            name = obj.get(key)
            there = str(name).lower() in existing
            if obj.get('state') == 'absent':
                if there:
                    need(_perm(res, 'delete'), 'delete %s %s' % (kind, name))
            elif not there:
                need(_perm(res, 'create'), 'create %s %s' % (kind, name))
            else:
                ops = ('delete', 'create') if not res.patch else ('update',)
                if all(_perm(res, op) in has for op in ops):
                    continue  # whether it changes does not matter: the user may change it
                for op in _would_change(ctx, kind, obj, username) or ():
                    need(_perm(res, op), '%s %s %s' % ('replace' if len(ops) > 1 else 'update', kind, name))
    required = dict((p, sorted(why)) for p, why in required.items())
    missing = dict((p, why) for p, why in required.items() if p not in has)
    return required, missing


def _summary(whys, limit=5):
    shown = '; '.join(whys[:limit])
    return shown + ('; and %d more' % (len(whys) - limit) if len(whys) > limit else '')


def run_whoami(ctx):
    p = ctx.params
    username = p.get('edge_username') or getattr(ctx.client, 'username', None)
    kinds = []
    if p['declarations'] is not None:
        problems = []
        for short, definition, key, items in declared_kinds(p['declarations']):
            found, dummy, accepted = check_objects(definition, key, items, ctx.no_log_values, label=short)
            problems.extend(found)
            kinds.append((KIND_OF_MODULE[short], accepted))
        if problems:
            raise ModuleFailure('%d declarations are invalid; nothing was sent. %s' % (len(problems), ' | '.join(problems)),
                                errors=problems)
    requires = []
    for permission in p['requires'] or []:
        resource, dot, op = str(permission).partition('.')
        if not dot or resource not in specs.PERMISSION_MAX or op not in OPERATIONS:
            raise ModuleFailure('requires: %r is not a permission; give resource.operation, such as apps.create (resources: %s; '
                                'operations: %s).' % (permission, ', '.join(sorted(specs.PERMISSION_MAX)), ', '.join(OPERATIONS)))
        requires.append('%s.%s' % (resource, op))
    user, roles, permissions = effective_permissions(ctx.client, username)
    result = {'changed': False, 'user': user, 'roles': roles, 'permissions': permissions, 'granted': granted(permissions)}
    if p['declarations'] is None and not requires:
        return result
    required, missing = preflight(ctx, kinds, permissions, user.get(specs.USER.id_field, username), requires)
    result.update(required=required, missing=missing)
    if missing:
        raise ModuleFailure(lacking_message(user.get(specs.USER.id_field, username), missing), **result)
    return result


def lacking_message(username, missing):
    """One sentence naming the permissions a run needs that ``username`` lacks (permission -> why)."""
    return ('The user %s lacks %s this run needs, so nothing was written: %s. Grant %s to one of its roles '
            '(rockitplay.edge.rockit_role, permissions: {resource: [operations]}).' % (
                username, 'the permission' if len(missing) == 1 else 'permissions',
                '; '.join('%s (to %s)' % (perm, _summary(sorted(missing[perm]))) for perm in sorted(missing)),
                'it' if len(missing) == 1 else 'them'))


def require(required, user, permissions, username):
    """Fail before any write when ``user`` (with its effective ``permissions``) lacks one of ``required`` (permission -> whys)."""
    has = set(granted(permissions))
    missing = dict((perm, sorted(whys)) for perm, whys in required.items() if perm not in has)
    if missing:
        raise ModuleFailure(lacking_message(user.get(specs.USER.id_field, username), missing),
                            required=dict((k, sorted(v)) for k, v in required.items()), missing=missing)


WHOAMI_MODULE = ModuleDef(
    'rockit_whoami',
    dict(
        declarations=dict(type='dict'),
        requires=dict(type='list', elements='str'),
    ),
    run_whoami,
    nested_secrets=('declarations',),
    secret_names=SECRET_OPTION_NAMES,
)
