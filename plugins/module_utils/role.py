# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rockit_role and rockit_role_info: options and how they map onto the role spec."""

import re

from ansible_collections.rockitplay.edge.plugins.module_utils import rockit_specs as specs
from ansible_collections.rockitplay.edge.plugins.module_utils.constraints import check
from ansible_collections.rockitplay.edge.plugins.module_utils.engine import ensure, list_objects
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import ModuleDef, ModuleFailure

OPERATIONS = tuple(sorted(specs.PERMISSION_BITS, key=specs.PERMISSION_BITS.get))


def _allowed_ops(resource):
    maximum = specs.PERMISSION_MAX[resource]
    return [op for op in OPERATIONS if specs.PERMISSION_BITS[op] & maximum]


def normalize_permissions(permissions, option='permissions'):
    """Turn ``{resource: [ops] | int}`` into the API's bitmask map; refuse what the API would refuse.

    Every resource of the API is present in the result; undeclared resources are 0, so the declared
    map is the whole truth about the role.
    """
    out = dict((resource, 0) for resource in specs.PERMISSION_MAX)
    for resource, value in (permissions or {}).items():
        if resource not in specs.PERMISSION_MAX:
            raise ModuleFailure('%s: unknown resource %r; allowed: %s.' % (option, resource, ', '.join(sorted(specs.PERMISSION_MAX))))
        maximum = specs.PERMISSION_MAX[resource]
        allowed = _allowed_ops(resource)
        if isinstance(value, bool):
            raise ModuleFailure('%s.%s: give a list of operations (%s) or a bitmask from 0 to %d, not %r.'
                                % (option, resource, ', '.join(allowed), maximum, value))
        if isinstance(value, str) and re.match(r'^\s*\d+\s*$', value):
            value = int(value)
        if isinstance(value, str):
            value = [v.strip() for v in value.split(',') if v.strip()]
        if isinstance(value, int):
            if value < 0 or value > maximum or value & ~maximum:
                raise ModuleFailure('%s.%s: bitmask %d is not allowed; the maximum is %d (%s).'
                                    % (option, resource, value, maximum, ', '.join(allowed)))
            out[resource] = value
            continue
        if not isinstance(value, list):
            raise ModuleFailure('%s.%s: give a list of operations (%s) or a bitmask from 0 to %d.'
                                % (option, resource, ', '.join(allowed), maximum))
        mask = 0
        for op in value:
            op_name = str(op).lower()
            if op_name not in allowed:
                raise ModuleFailure('%s.%s: operation %r is not allowed; %s allows: %s.'
                                    % (option, resource, op, resource, ', '.join(allowed)))
            mask |= specs.PERMISSION_BITS[op_name]
        out[resource] = mask
    return out


def check_name(name, option='name', rule=specs.NAME):
    """Refuse a name the Edge would refuse (the rule of the spec tables), naming the option."""
    check({option: rule}, option, '' if name is None else name)


def is_admin_role(name):
    """Whether ``name`` is the role every organisation has (names are matched without regard to case)."""
    return str(name).lower() == specs.ADMIN_ROLE.lower()


def run_role(ctx):
    p = ctx.params
    check_name(p['name'])
    check(specs.ROLE, 'label', p['label'], 'label')
    desired = {}
    if p['label'] is not None:
        desired['label'] = p['label']
    if p['permissions'] is not None:
        desired['permissions'] = normalize_permissions(p['permissions'])
    if is_admin_role(p['name']) and (p['state'] == 'absent' or desired):
        raise ModuleFailure('The role %s is created with the organisation and cannot be changed or deleted.' % specs.ADMIN_ROLE)
    return ensure(ctx.client, specs.ROLE, p['name'], p['state'], desired, ctx.check_mode).result


def run_role_info(ctx):
    p = ctx.params
    if p['name'] is not None:
        check_name(p['name'])
    roles, total = list_objects(ctx.client, specs.ROLE, name=p['name'])
    return {'changed': False, 'roles': roles, 'total_count': total}


ROLE_MODULE = ModuleDef(
    'rockit_role',
    dict(
        name=dict(type='str', required=True),
        label=dict(type='str'),
        permissions=dict(type='dict'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    ),
    run_role,
)

ROLE_INFO_MODULE = ModuleDef(
    'rockit_role_info',
    dict(name=dict(type='str')),
    run_role_info,
)
