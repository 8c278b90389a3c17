# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rockit_user and rockit_user_info: options and how they map onto the user spec.

Human users (e-mail, names, password) and machine users (label, API key) share one API resource;
the server derives the read-only ``type`` from the create body. A machine user's API key is returned
once, by the create; the module returns it under ``api_key`` (hidden from the display) and can write
it to a file.
"""

import os

from ansible_collections.rockitplay.edge.plugins.module_utils import rockit_specs as specs
from ansible_collections.rockitplay.edge.plugins.module_utils.client import ApiError
from ansible_collections.rockitplay.edge.plugins.module_utils.constraints import check
from ansible_collections.rockitplay.edge.plugins.module_utils.engine import ASSUMPTIONS_PAGE, ensure, list_objects, read
from ansible_collections.rockitplay.edge.plugins.module_utils.errors import EdgeFailure
from ansible_collections.rockitplay.edge.plugins.module_utils.role import check_name
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import ModuleDef, ModuleFailure, write_secret_file

HUMAN, MACHINE = specs.USER_TYPE_HUMAN, specs.USER_TYPE_MACHINE
KIND_WORDS = {HUMAN: 'human', MACHINE: 'machine'}   # the API calls a human user's type "user"
HUMAN_OPTIONS = ('email', 'first_name', 'surname', 'title', 'password', 'current_password')
MACHINE_OPTIONS = ('label', 'api_key_file')
REQUIRED_ON_CREATE = {HUMAN: ('email', 'first_name', 'surname'), MACHINE: ('label',)}
PASSWORD_KEYS = (specs.USER_RESET[0], specs.USER_OLD_PASSWORD, specs.USER_NEW_PASSWORD)


def _same_name(a, b):
    return a is not None and b is not None and a.lower() == b.lower()


def public_user(user):
    """A user object without anything secret (reads never carry one; this makes sure)."""
    if not isinstance(user, dict):
        return user
    return dict((k, v) for k, v in user.items() if k not in specs.USER_SECRET_FIELDS)


def _roles(roles, current):
    """Declared roles without duplicates, spelled as the server stores them when it already holds them."""
    stored = dict((r.lower(), r) for r in (current or {}).get('roles') or [])
    out, seen = [], set()
    for role in roles:
        if role.lower() not in seen:
            seen.add(role.lower())
            out.append(stored.get(role.lower(), role))
    return out


def _validate(p, is_self):
    """Refuse what cannot work before any request is sent."""
    check_name(p['username'], 'username')
    kind = p['type']
    foreign = MACHINE_OPTIONS if kind == HUMAN else HUMAN_OPTIONS
    given = [o for o in foreign if p.get(o) is not None]
    if given:
        raise ModuleFailure('%s: only for %s users, but this task manages a %s user (type=%s).'
                            % (', '.join(given), MACHINE if kind == HUMAN else 'human', 'human' if kind == HUMAN else MACHINE, kind))
    if p['state'] == 'absent':
        if is_self:
            raise ModuleFailure('username: %s is the user this play authenticates as (edge_username); a user cannot delete itself. '
                                'Authenticate as another user with the beUsers.delete permission.' % p['username'])
        return
    if kind == MACHINE and p['update_password'] == 'always':
        raise ModuleFailure('update_password=always: a machine user has no password; it authenticates with its API key.')
    for option, field in specs.USER_OPTIONS.items():
        check(specs.USER, field, p.get(option), option)
    check(specs.USER, specs.USER_PASSWORD, p['password'], 'password')
    check(specs.USER, specs.USER_OLD_PASSWORD, p['current_password'], 'current_password')
    if p['current_password'] is not None:
        if p['update_password'] != 'always':
            raise ModuleFailure('current_password: only used to change the password of an existing user, which needs '
                                'update_password=always (with update_password=on_create the password is only set on create).')
        if p['edge_username'] and not is_self:
            raise ModuleFailure('current_password: the self-service change (oldPW/newPW) only changes the password of the user the play '
                                'authenticates as (edge_username=%s), not of %s. To set another user\'s password, leave current_password '
                                'out: update_password=always then resets it as an administrator (needs beUsers.update).'
                                % (p['edge_username'], p['username']))


def _desired(p, current):
    desired = {}
    for option, field in specs.USER_OPTIONS.items():
        if p.get(option) is not None:
            desired[field] = _roles(p[option], current) if option == 'roles' else p[option]
    return desired


def password_works(client, username, password):
    """Whether ``password`` is the user's password now: the first login step, which changes nothing."""
    return client.password_works(username, password)


def confirm_password_change(ctx, username, old, new):
    """After a lost answer to a password change (a compare-and-swap write): was it carried out?

    The request is never sent again blindly (a change that was carried out would then be refused for its stale
    old password): the new password working means it was; the old one working means it was not (it may be sent
    once more); neither working is reported as it is.
    """
    def confirm():
        if password_works(ctx.client, username, new):
            return True
        if password_works(ctx.client, username, old):
            return False
        raise ModuleFailure('The answer to the password change of %s was lost, and now the Edge accepts neither current_password '
                            'nor password: someone else changed the password meanwhile, or the account is locked. Nothing was sent '
                            'again. Find out who changed it (or reset it as an administrator: leave current_password out), then '
                            'run the task again.' % username, changed=False)
    return confirm


def _update_secrets(ctx, current):
    """The password change for an existing human user, or None (update_password=on_create)."""
    p = ctx.params
    if current is None or p['password'] is None or p['update_password'] != 'always':
        return None
    if p['current_password'] is None:
        return {specs.USER_RESET[0]: {specs.USER_RESET[1]: p['password']}}
    if p['current_password'] == p['password'] or password_works(ctx.client, p['username'], p['password']):
        return None  # the self-service change has been made already
    return {specs.USER_OLD_PASSWORD: p['current_password'], specs.USER_NEW_PASSWORD: p['password']}


def _read_current(ctx, is_self, desired):
    """The user as the server has it; a user changing only its own password needs no read permission."""
    p = ctx.params
    try:
        return read(ctx.client, specs.USER, p['username'])
    except ApiError as exc:
        if exc.status == 403 and is_self and p['current_password'] is not None and not desired and p['state'] == 'present':
            return {specs.USER.id_field: p['username']}
        raise


def _friendly_diff(diff):
    """Show a password change as ``password`` (masked), not as the API's reset or change fields."""
    for side in ('before', 'after'):
        view = (diff or {}).get(side) or {}
        for key in PASSWORD_KEYS:
            if key in view:
                value = view.pop(key)
                view[specs.USER_PASSWORD] = value.get(specs.USER_RESET[1]) if isinstance(value, dict) else value


def check_secret_file(path, option):
    """Refuse, before any request, a secret file that could not be written after the secret is issued."""
    if path is None:
        return
    directory = os.path.dirname(os.path.expanduser(path)) or '.'
    if not os.path.isdir(directory):
        raise ModuleFailure('%s: the directory %s does not exist (on the host that runs the module).' % (option, directory))
    if os.path.isdir(os.path.expanduser(path)):
        raise ModuleFailure('%s: %s is a directory; give the path of the file to write.' % (option, path))


def store_secret(ctx, secret, path, what, name):
    """Write a secret the Edge issued once to ``path``; a file that cannot be written is a warning (the result keeps it)."""
    if secret and path:
        try:
            write_secret_file(path, secret)
        except (OSError, ModuleFailure) as exc:
            ctx.warn('The %s of %s could not be written to %s (%s); it is only in the registered result of this task.'
                     % (what, name, path, getattr(exc, 'msg', None) or exc))


def missing_secret(res, key, what, name, fields, rotate):
    """The sentence for a create answer that carries no one-time secret: the fields it had (never values), how to recover."""
    return ('The Edge created %s %s, but its answer carries no %s: the collection looks for it under %s (at the top of the answer '
            'and inside the object), and the answer has the fields %s. The %s is issued only once and cannot be read later. '
            'To recover, %s. Then check %s section %s, and add the name this Edge uses to rockit_specs.py.'
            % (res.key, name, what, ', '.join(res.create_extras[key]), ', '.join(fields or []) or '(none)', what, rotate,
               ASSUMPTIONS_PAGE, res.assumption(key)))


def keep_secret(ctx, result, outcome, key, path, what, name, rotate, res=None):
    """Return a secret the server issued once under ``key`` and write it to ``path``; it must never be lost.

    A file that cannot be written is a warning, not a failure, so the secret stays in the (registered) result.
    A create answer that arrived without the secret fails loudly (the object exists, its secret is gone).
    """
    secret = outcome.extras.get(key)
    if secret:
        result[key] = secret
        store_secret(ctx, secret, path, what, name)
    elif outcome.action in ('created', 'replaced') and not ctx.check_mode:
        if outcome.answer_lost or res is None:
            ctx.warn('The Edge returned no %s for %s, and it cannot be read later. To get a new one, %s.' % (what, name, rotate))
        else:
            raise ModuleFailure(missing_secret(res, key, what, name, outcome.answer_fields, rotate), changed=True,
                                answer_fields=outcome.answer_fields, **dict((k, v) for k, v in result.items() if k != 'changed'))
    elif path and not ctx.check_mode and not os.path.exists(os.path.expanduser(path)):
        ctx.warn('%s does not exist, and the %s of %s is only returned when it is issued, so it cannot be written now. '
                 'If it was lost, %s.' % (path, what, name, rotate))


def _refused(exc, field):
    """Whether the Edge refused the request because of this body field (400 naming it)."""
    return exc.status == 400 and field in '%s %s' % (exc.body.get('param') or '', exc.message)


def run_user(ctx):
    p = ctx.params
    is_self = _same_name(p['username'], p.get('edge_username'))
    _validate(p, is_self)
    check_secret_file(p['api_key_file'], 'api_key_file')
    kind = p['type']
    desired = _desired(p, None)
    current = _read_current(ctx, is_self, desired)
    if p['state'] == 'present':
        if current is not None and current.get(specs.USER_TYPE, kind) != kind:
            raise ModuleFailure('%s is a %s user on the Edge (type=%s), but the task declares type=%s. The type of a user cannot be '
                                'changed: delete the user (state=absent) and create it again, or set type=%s.'
                                % (p['username'], KIND_WORDS.get(current[specs.USER_TYPE], current[specs.USER_TYPE]),
                                   current[specs.USER_TYPE], kind, current[specs.USER_TYPE]))
        desired = _desired(p, current)
        if current is None:
            missing = [o for o in REQUIRED_ON_CREATE[kind] if p.get(o) is None]
            if missing:
                raise ModuleFailure('%s does not exist; creating a %s user needs %s.'
                                    % (p['username'], 'human' if kind == HUMAN else MACHINE, ', '.join(missing)))
            desired.setdefault('roles', [])
    create_secrets = {specs.USER_PASSWORD: p['password']} if kind == HUMAN and p['password'] is not None else None
    update_secrets = _update_secrets(ctx, current)
    confirm = None
    if update_secrets and specs.USER_OLD_PASSWORD in update_secrets:
        confirm = confirm_password_change(ctx, p['username'], p['current_password'], p['password'])
    try:
        outcome = ensure(ctx.client, specs.USER, p['username'], p['state'], desired, ctx.check_mode,
                         create_secrets=create_secrets, update_secrets=update_secrets, current=current, confirm_update=confirm)
    except EdgeFailure as exc:
        if kind == MACHINE and p['state'] == 'present':
            _secret_of_failure(ctx, exc, p)
        raise
    except ApiError as exc:
        if _refused(exc, specs.USER_OLD_PASSWORD):
            raise ModuleFailure('current_password is not the current password of %s (the Edge refused the change: %s).'
                                % (p['username'], exc.message))
        if _refused(exc, specs.USER_OPTIONS['roles']):
            raise ModuleFailure('roles: the Edge refused them (%s). Every role must exist; create it first with '
                                'rockitplay.edge.rockit_role.' % exc.message, api_status=exc.status, api_error=exc.error)
        raise
    result = outcome.result
    _friendly_diff(result.get('diff'))
    result['user'] = public_user(result['user'])
    if outcome.action == 'created' and ctx.check_mode:
        result['user'].setdefault(specs.USER_TYPE, kind)
        for field, value in specs.USER_DEFAULTS_BY_TYPE[kind].items():
            result['user'].setdefault(field, value)
    if kind == MACHINE and p['state'] == 'present':
        keep_secret(ctx, result, outcome, 'api_key', p['api_key_file'], 'API key', p['username'], RECOVER_KEY % p['username'],
                    res=specs.USER)
    return result


RECOVER_KEY = ('issue a new key for %s with rockitplay.edge.rockit_api_key (rotate), or delete the machine user (state=absent) '
               'and create it again')


def _secret_of_failure(ctx, exc, p):
    """A failure after the machine user was created: its key (if issued) stays in the hidden result and is written to the
    file; a create answer without a key says so too."""
    key = exc.extras.get('api_key')
    if key:
        store_secret(ctx, key, p['api_key_file'], 'API key', p['username'])
    elif exc.details.get('create_answer_fields') is not None:
        exc.msg += ' ' + missing_secret(specs.USER, 'api_key', 'API key', p['username'], exc.details['create_answer_fields'],
                                        RECOVER_KEY % p['username'])


def run_user_info(ctx):
    p = ctx.params
    if p['username'] is not None:
        check_name(p['username'], 'username')
    users, total = list_objects(ctx.client, specs.USER, name=p['username'])
    return {'changed': False, 'users': [public_user(u) for u in users], 'total_count': total}


USER_MODULE = ModuleDef(
    'rockit_user',
    dict(
        username=dict(type='str', required=True),
        type=dict(type='str', default=HUMAN, choices=[HUMAN, MACHINE]),
        email=dict(type='str'),
        first_name=dict(type='str'),
        surname=dict(type='str'),
        title=dict(type='str'),
        label=dict(type='str'),
        roles=dict(type='list', elements='str'),
        password=dict(type='str', no_log=True),
        current_password=dict(type='str', no_log=True),
        update_password=dict(type='str', default='on_create', choices=['on_create', 'always'], no_log=False),
        api_key_file=dict(type='path', no_log=False),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    ),
    run_user,
    required_if=[('update_password', 'always', ('password',))],
    required_by={'current_password': ('password',)},
    secret_results=('api_key',),
)

USER_INFO_MODULE = ModuleDef(
    'rockit_user_info',
    dict(username=dict(type='str')),
    run_user_info,
)
