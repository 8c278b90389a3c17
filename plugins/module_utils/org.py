# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rockit_org: create or delete an organisation with its primary administrator, with the admin token.

Whether an organisation exists can be read (``GET /adm/v1/orgs/{name}``) from release 159 on. On older
releases the module learns it from the create (``409 already-exists`` means present) or the delete
(``404 not-found`` means absent), so check mode there predicts a change it cannot confirm (and says so).
"""

from ansible_collections.rockitplay.edge.plugins.module_utils import rockit_specs as specs
from ansible_collections.rockitplay.edge.plugins.module_utils.client import quote_segment as _quote
from ansible_collections.rockitplay.edge.plugins.module_utils.errors import ApiError
from ansible_collections.rockitplay.edge.plugins.module_utils.role import check_name
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import ModuleDef, ModuleFailure, write_secret_file
from ansible_collections.rockitplay.edge.plugins.module_utils.user import check_secret_file

COMPARED = (specs.ORG_ADMIN_USER, specs.ORG_ADMIN_EMAIL)


def _public(org):
    return dict((k, org[k]) for k in specs.ORG_FIELDS if k in org) if isinstance(org, dict) else None


def can_read_orgs(client):
    """Whether this Edge serves ``GET /adm/v1/orgs/{name}`` (learnt from its release); None when unknown."""
    if client.release is None:
        client.versions()
    if client.release is None:
        return False  # no versions route: release 151 or older
    return client.release >= specs.ORG_READ_SINCE_RELEASE


def read_org(client, name):
    """(known, org): ``known`` is False when this release cannot tell whether the organisation exists."""
    if not can_read_orgs(client):
        return False, None
    path = '%s/%s' % (specs.ORGS_PATH, _quote(name))
    try:
        data = client.admin_request('GET', path)
    except ApiError as exc:
        if exc.status == 404 and exc.error == 'not-found':
            return True, None
        if exc.status == 404:
            return False, None  # the route is not served after all
        raise
    org = data.get(specs.ORG_KEY)
    if not isinstance(org, dict):
        raise ApiError('GET', path, 200, None, 'the answer has no %r object (it carries: %s)'
                       % (specs.ORG_KEY, ', '.join(sorted(data)) or 'nothing'))
    return True, org


def _desired(p):
    body = {specs.ORG_NAME: p['name'], specs.ORG_ADMIN_USER: p['admin_user'], specs.ORG_ADMIN_EMAIL: p['admin_email']}
    if p['admin_first_name'] is not None:
        body[specs.ORG_ADMIN_FIRSTNAME] = p['admin_first_name']
    if p['admin_surname'] is not None:
        body[specs.ORG_ADMIN_SURNAME] = p['admin_surname']
    return body


def _view(body):
    return dict((k, v) for k, v in body.items() if k in specs.ORG_FIELDS) if body else {}


def run_org(ctx):
    p = ctx.params
    check_name(p['name'])
    client = ctx.client
    if not p.get('edge_admin_token'):
        raise ModuleFailure('rockit_org needs the installation\'s admin token: set edge_admin_token (ROCKIT_ADMIN_TOKEN).')
    if p['state'] == 'present':
        for option in ('admin_user', 'admin_email'):
            if not p[option]:
                raise ModuleFailure('state=present needs %s (the primary administrator of the organisation).' % option)
        check_name(p['admin_user'], 'admin_user')
        if p['initial_password_file'] and not p['admin_password']:
            check_secret_file(p['initial_password_file'], 'initial_password_file')
        return _present(ctx, client, p)
    return _absent(ctx, client, p)


def _present(ctx, client, p):
    known, current = read_org(client, p['name'])
    desired = _desired(p)
    result = {'changed': False, 'name': p['name'], 'release': client.release, 'existence_known': known}
    if current is not None:
        differing = sorted(k for k in COMPARED if str(current.get(k, '')).lower() != str(desired[k]).lower())
        if differing:
            ctx.warn('The organisation %s exists with another %s than declared; the admin API cannot change it (the '
                     'organisation was left as it is).' % (p['name'], ' and '.join(differing)))
        result.update(org=_public(current), action='none')
        result['diff'] = {'before': _view(current), 'after': _view(current)}
        return result
    if ctx.check_mode:
        if not known:
            ctx.warn('Release %s cannot tell whether the organisation %s exists (GET %s/{name} is served from release %d): '
                     'check mode assumes it would be created; a real run treats 409 already-exists as present.'
                     % (client.release or 'unknown (151 or older)', p['name'], specs.ORGS_PATH, specs.ORG_READ_SINCE_RELEASE))
        result.update(changed=True, action='create', org=_view(desired))
        result['diff'] = {'before': {}, 'after': _view(desired)}
        return result
    body = dict(desired)
    if p['admin_password']:
        body[specs.ORG_ADMIN_PASSWORD] = p['admin_password']
    try:
        data = client.admin_request('POST', specs.ORGS_PATH, body)
    except ApiError as exc:
        if exc.status == 409 and exc.error == 'already-exists':
            result.update(org=None, action='none')
            if known:
                ctx.warn('The organisation %s was created by someone else at the same moment.' % p['name'])
            return result
        raise
    org = data.get(specs.ORG_KEY)
    result.update(changed=True, action='create', org=_public(org) or _view(desired))
    result['diff'] = {'before': {}, 'after': _view(org or desired)}
    initial = data.get(specs.ORG_INITIAL_PASSWORD)
    if initial:
        result['initial_password'] = initial
        if p['initial_password_file']:
            try:
                write_secret_file(p['initial_password_file'], initial + '\n')
            except (OSError, ModuleFailure) as exc:
                ctx.warn('The initial password of %s could not be written to %s (%s); it is only in the registered result '
                         'of this task.' % (p['admin_user'], p['initial_password_file'], getattr(exc, 'msg', None) or exc))
    elif not p['admin_password']:
        ctx.warn('The Edge returned no %s for %s; the primary administrator may have been sent an invitation instead.'
                 % (specs.ORG_INITIAL_PASSWORD, p['admin_user']))
    return result


def _absent(ctx, client, p):
    known, current = read_org(client, p['name'])
    result = {'changed': False, 'name': p['name'], 'release': client.release, 'existence_known': known, 'org': None}
    if known and current is None:
        result['action'] = 'none'
        result['diff'] = {'before': {}, 'after': {}}
        return result
    before = _view(current) if current else {specs.ORG_NAME: p['name']}
    result['diff'] = {'before': before, 'after': {}}
    if ctx.check_mode:
        if not known:
            ctx.warn('Release %s cannot tell whether the organisation %s exists: check mode assumes it would be deleted.'
                     % (client.release or 'unknown (151 or older)', p['name']))
        result.update(changed=True, action='delete')
        return result
    try:
        client.admin_request('DELETE', '%s/%s' % (specs.ORGS_PATH, _quote(p['name'])))
    except ApiError as exc:
        if exc.status == 404 and exc.error == 'not-found':
            result.update(action='none', diff={'before': {}, 'after': {}})
            return result
        raise
    result.update(changed=True, action='delete')
    return result


ORG_MODULE = ModuleDef(
    'rockit_org',
    dict(
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        admin_user=dict(type='str'),
        admin_email=dict(type='str'),
        admin_password=dict(type='str', no_log=True),
        admin_first_name=dict(type='str'),
        admin_surname=dict(type='str'),
        initial_password_file=dict(type='path', no_log=False),
    ),
    run_org,
    secret_results=('initial_password',),
)
