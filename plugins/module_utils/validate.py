# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rockit_validate: check declarations for the resource modules without contacting the Edge.

Each declaration goes through the module's own argument validation and its own input checks (the
part of its run function that comes before the first request), so a bootstrap can refuse bad input
before it writes anything.
"""

from ansible_collections.rockitplay.edge.plugins.module_utils.app import APP_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.deployment import DEPLOYMENT_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.role import ROLE_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import Context, ModuleDef, ModuleFailure
from ansible_collections.rockitplay.edge.plugins.module_utils.subscription import SUBSCRIPTION_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.user import USER_MODULE

CHECKED = dict((d.name, d) for d in (DEPLOYMENT_MODULE, ROLE_MODULE, USER_MODULE, APP_MODULE, SUBSCRIPTION_MODULE))


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


def run_validate(ctx):
    errors = []
    checked = 0
    for module, items in sorted(ctx.params['declarations'].items()):
        short = module.rsplit('.', 1)[-1]
        if short not in CHECKED:
            raise ModuleFailure('declarations: %r is not a module this can check; use one of: %s.' % (module, ', '.join(sorted(CHECKED))))
        if not isinstance(items, list):
            raise ModuleFailure('declarations.%s must be a list of option dictionaries.' % short)
        for index, options in enumerate(items):
            checked += 1
            if not isinstance(options, dict):
                errors.append('%s[%d]: a declaration must be a dictionary of options, not %r' % (short, index, type(options).__name__))
                continue
            message, dummy = check_declaration(CHECKED[short], options, ctx.no_log_values)
            if message:
                label = options.get('name') or options.get('username') or index
                errors.append('%s[%d] (%s): %s' % (short, index, label, message))
    if errors:
        raise ModuleFailure('%d of %d declarations are invalid; nothing was sent. %s' % (len(errors), checked, ' | '.join(errors)),
                            errors=errors)
    return {'changed': False, 'checked': checked}


VALIDATE_MODULE = ModuleDef(
    'rockit_validate',
    dict(declarations=dict(type='dict', required=True)),
    run_validate,
    nested_secrets=True,
)
