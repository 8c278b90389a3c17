# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rockit_validate: check declarations for the resource modules without contacting the Edge.

Each declaration goes through the module's own argument validation and its own input checks (the
part of its run function that comes before the first request, the constraint tables of the spec
included), so a bootstrap can refuse bad input before it writes anything. rockit_apply checks its
objects with the same function (:func:`check_objects`), so what one accepts the other accepts.
"""

from ansible_collections.rockitplay.edge.plugins.module_utils.app import APP_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.client import connection_argument_spec
from ansible_collections.rockitplay.edge.plugins.module_utils.deployment import DEPLOYMENT_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.role import ROLE_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import Context, ModuleDef, ModuleFailure
from ansible_collections.rockitplay.edge.plugins.module_utils.subscription import SUBSCRIPTION_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.user import USER_MODULE

# module name -> (its definition, the option that names an object)
CHECKED = dict((d.name, (d, key)) for d, key in (
    (DEPLOYMENT_MODULE, 'name'), (ROLE_MODULE, 'name'), (USER_MODULE, 'username'), (APP_MODULE, 'name'),
    (SUBSCRIPTION_MODULE, 'name')))


def _secret_names(spec, found):
    for name, option in spec.items():
        if option.get('no_log'):
            found.add(name)
        _secret_names(option.get('options') or {}, found)
    return found


# The options of the declared modules (and the connection options) whose values are secret, at any depth:
# rockit_apply and rockit_validate mask their values inside declarations, even in a declaration they refuse.
SECRET_OPTION_NAMES = frozenset(_secret_names(connection_argument_spec(), set()).union(
    *[_secret_names(d.argument_spec, set()) for d, dummy in CHECKED.values()]))


class _InputAccepted(Exception):
    """Raised when a module reaches for the Edge: everything before that point accepted the input."""


class _Offline(object):
    def __getattr__(self, name):
        raise _InputAccepted()


def check_declaration(definition, options, no_log_values):
    """(message, None) for a declaration the module refuses; (None, its validated parameters) when it accepts it."""
    result = definition.validator().validate(dict(options))
    no_log_values.update(result._no_log_values)
    if result.error_messages:
        return result.errors.msg, None
    ctx = Context(result.validated_parameters, check_mode=True)
    ctx._client = _Offline()
    try:
        definition.run(ctx)
    except _InputAccepted:
        pass
    except ModuleFailure as failure:
        return failure.msg, None
    return None, result.validated_parameters


def check_objects(definition, key, objects, no_log_values, label='objects'):
    """Messages for the objects the module would refuse, and each object's name and validated options.

    Nothing is sent. Each object must be a dictionary of the module's options without connection options
    (those belong to the task); names must be unique without regard to case. The options are validated
    without the connection (the task's, validated with the task), which the caller adds.
    Returns (problems, names, accepted): a message per refused object; the name of every object (None where
    it has none); the validated options of the accepted objects, in order.
    """
    connection = set(connection_argument_spec())
    problems, names, accepted, seen = [], [], [], {}
    for index, obj in enumerate(objects):
        if not isinstance(obj, dict):
            problems.append('%s[%d]: must be a dictionary of %s options, not %s.' % (
                label, index, definition.name, _type_name(obj)))
            names.append(None)
            continue
        name = obj.get(key)
        names.append(name)
        where = '%s[%d] (%s)' % (label, index, name) if name is not None else '%s[%d]' % (label, index)
        misplaced = sorted(set(obj) & connection)
        if misplaced:
            problems.append('%s: %s: connection options belong to the task (or module_defaults), not to an object.' % (
                where, ', '.join(misplaced)))
            continue
        message, params = check_declaration(definition, obj, no_log_values)
        if message:
            problems.append('%s: %s' % (where, message))
            continue
        accepted.append(params)
        folded = str(name).lower()
        if folded in seen:
            problems.append('%s: %s is also %s[%d] (names are not case-sensitive).' % (where, name, label, seen[folded]))
        else:
            seen[folded] = index
    return problems, names, accepted


def _type_name(value):
    """The name a user knows for the type of a value (as Ansible's argument checks name them)."""
    for kinds, name in (((bool,), 'bool'), ((str,), 'str'), ((int,), 'int'), ((float,), 'float'), ((list, tuple), 'list'),
                        ((dict,), 'dict')):
        if isinstance(value, kinds):
            return name
    return 'null' if value is None else type(value).__name__


def declared_kinds(declarations):
    """[(module name, definition, key, items)] for the ``declarations`` option; refuses an unknown module or a non-list."""
    out = []
    for module, items in sorted((declarations or {}).items()):
        short = str(module).rsplit('.', 1)[-1]
        if short not in CHECKED:
            raise ModuleFailure('declarations: %r is not a module this can check; use one of: %s.' % (module, ', '.join(sorted(CHECKED))))
        if not isinstance(items, list):
            raise ModuleFailure('declarations.%s: must be a list of option dictionaries, not %s.' % (short, _type_name(items)))
        definition, key = CHECKED[short]
        out.append((short, definition, key, items))
    return out


def run_validate(ctx):
    errors = []
    checked = 0
    for short, definition, key, items in declared_kinds(ctx.params['declarations']):
        checked += len(items)
        problems, dummy, dummy2 = check_objects(definition, key, items, ctx.no_log_values, label=short)
        errors.extend(problems)
    if errors:
        raise ModuleFailure('%d of %d declarations are invalid; nothing was sent. %s' % (len(errors), checked, ' | '.join(errors)),
                            errors=errors)
    return {'changed': False, 'checked': checked}


VALIDATE_MODULE = ModuleDef(
    'rockit_validate',
    dict(declarations=dict(type='dict', required=True)),
    run_validate,
    nested_secrets=('declarations',),
    secret_names=SECRET_OPTION_NAMES,
)
