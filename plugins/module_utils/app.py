# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rockit_app and rockit_app_info: options and how they map onto the app spec.

An app registered on no deployment is published to every deployment (documented API rule). The
module never lets that happen by accident: an empty ``deployments`` list is refused, and
``all_deployments: true`` is the explicit way to ask for it.
"""

from ansible_collections.rockitplay.edge.plugins.module_utils import rockit_specs as specs
from ansible_collections.rockitplay.edge.plugins.module_utils.client import ApiError
from ansible_collections.rockitplay.edge.plugins.module_utils.constraints import check
from ansible_collections.rockitplay.edge.plugins.module_utils.deployment import with_hint
from ansible_collections.rockitplay.edge.plugins.module_utils.engine import ensure, list_objects, read, unwrap
from ansible_collections.rockitplay.edge.plugins.module_utils.role import check_name
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import ModuleDef, ModuleFailure

DEPLOYMENTS = specs.APP_OPTIONS['deployments']
UNKNOWN_DEPLOYMENT_HINT = ('Every name in deployments must be an existing deployment of the organisation (rockitplay.edge.rockit_deployment_info '
                           'lists them; rockitplay.edge.rockit_deployment creates one).')


def declared_deployments(p):
    """The registered deployments the task declares: a list, [] for all deployments, None when undeclared."""
    names = p['deployments']
    if p['all_deployments']:
        if names is not None:
            raise ModuleFailure('deployments and all_deployments: true are mutually exclusive: give the list of deployments, '
                                'or all_deployments: true to publish the app to every deployment.')
        return []
    if p['all_deployments'] is False and names is None:
        raise ModuleFailure('all_deployments: false needs deployments, the list of deployments to publish the app to.')
    if names is None:
        return None
    if not names:
        raise ModuleFailure('deployments: an empty list would publish the app to ALL deployments; to do that on purpose, '
                            'set all_deployments: true instead (and leave out deployments).')
    check(specs.APP, DEPLOYMENTS, names, 'deployments')
    unique, seen = [], set()
    for name in names:
        if name.lower() not in seen:   # the Edge matches names without regard to case
            seen.add(name.lower())
            unique.append(name)
    return unique


def _desired(p):
    desired = {}
    for option, field in sorted(specs.APP_OPTIONS.items()):
        if option != 'deployments':
            check(specs.APP, field, p[option], option)
    if p['label'] is not None:
        desired[specs.APP_OPTIONS['label']] = p['label']
    if p['max_builds'] is not None:
        desired[specs.APP_OPTIONS['max_builds']] = p['max_builds']
    deployments = declared_deployments(p)
    if deployments is not None:
        desired[DEPLOYMENTS] = deployments
    return desired


def run_app(ctx):
    p = ctx.params
    name = p['name']
    check_name(name)
    desired = _desired(p)
    res = specs.APP
    if p['state'] == 'absent':
        return ensure(ctx.client, res, name, 'absent', check_mode=ctx.check_mode).result
    current = read(ctx.client, res, name)
    if current is None:
        if p['label'] is None:
            raise ModuleFailure('App %s does not exist; creating it needs label (the Edge requires a label on create).' % name)
        if DEPLOYMENTS not in desired:
            raise ModuleFailure('App %s does not exist; creating it needs deployments (the deployments to publish it to) or '
                                'all_deployments: true (publish it to every deployment, also those added later).' % name)
    try:
        return ensure(ctx.client, res, name, 'present', desired, ctx.check_mode, current=current).result
    except ApiError as exc:
        if exc.status == 400 and exc.error == 'invalid-param' and desired.get(DEPLOYMENTS) and 'deployment' in exc.message.lower():
            raise with_hint(exc, UNKNOWN_DEPLOYMENT_HINT)
        raise


def _fields_query(fields, one):
    """The ``fields[]`` projection, checked against the fields the Edge allows."""
    allowed = specs.APP_DETAIL_FIELDS if one else specs.APP_LIST_FIELDS
    wanted = []
    for value in fields:
        for field in str(value).split(','):
            field = field.strip()
            if not field:
                continue
            if field not in allowed:
                extra = sorted(set(specs.APP_LIST_FIELDS) - set(specs.APP_DETAIL_FIELDS))
                raise ModuleFailure('fields: unknown field %r; allowed: %s%s.'
                                    % (field, ', '.join(allowed),
                                       ' (%s only when every app is read, without name)' % ', '.join(extra) if one and field in extra else ''))
            if field not in wanted:
                wanted.append(field)
    if not wanted:
        return None
    if 'name' not in wanted:
        wanted.insert(0, 'name')
    return {specs.FIELDS: wanted}


def run_app_info(ctx):
    p = ctx.params
    name = p['name']
    if name is not None:
        check_name(name)
    params = _fields_query(p['fields'], name is not None) if p['fields'] else None
    if name is None:
        apps, total = list_objects(ctx.client, specs.APP, params=params)
    else:
        data = ctx.client.get_or_none(specs.APP.item_path(name), params)
        app = unwrap(specs.APP, data) if data is not None else None
        apps, total = ([app], 1) if app else ([], 0)
    return {'changed': False, 'apps': apps, 'total_count': total}


APP_MODULE = ModuleDef(
    'rockit_app',
    dict(
        name=dict(type='str', required=True),
        label=dict(type='str'),
        max_builds=dict(type='int'),
        deployments=dict(type='list', elements='str'),
        all_deployments=dict(type='bool'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    ),
    run_app,
)

APP_INFO_MODULE = ModuleDef(
    'rockit_app_info',
    dict(
        name=dict(type='str'),
        fields=dict(type='list', elements='str'),
    ),
    run_app_info,
)
