# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rockit_edge_info, rockit_login and rockit_logout: what the Edge is, and explicit sessions."""

import time

from ansible_collections.rockitplay.edge.plugins.module_utils import rockit_specs as specs
from ansible_collections.rockitplay.edge.plugins.module_utils.client import quote_segment, release_facts
from ansible_collections.rockitplay.edge.plugins.module_utils.errors import ApiError, ConfigError
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import ModuleDef, ModuleFailure


def _limits(result, release, flow=None):
    facts = release_facts(release)
    if facts:
        result.update(login_flow=facts[0], rate_limit=facts[1], rate_limit_free_tier=facts[2])
    elif flow:
        result['login_flow'] = flow


def run_edge_info(ctx):
    p = ctx.params
    client = ctx.client
    result = {'changed': False, 'release': None, 'versions': {}, 'healthy': None, 'login_flow': None, 'rate_limit': None,
              'rate_limit_free_tier': None, 'admin_api': bool(p.get('edge_admin_token')), 'authenticated': None,
              'release_range': None}
    if p.get('edge_admin_token'):
        answer = client.versions()
        if answer is not None:
            result['release'] = client.release
            result['versions'] = answer.get(specs.VERSIONS_VERSIONS) or {}
        else:
            result['release_range'] = [141, 151]  # no versions route: before release 152
        ping = client.service(specs.SERVICE_PING, 'POST', {})
        result['healthy'] = ping is not None
        result['service_prefix'] = client._service_prefix
        _limits(result, client.release)
    if client.auth_kind is not None:
        result['authenticated'] = _probe(client, p)
        if client.flow and not result['login_flow']:
            result['login_flow'] = client.flow
        if result['release'] is None and client.flow:
            result['release_range'] = [141, 152] if client.flow == specs.FLOW_2025 else [153, None]
        if result['healthy'] is None:
            result['healthy'] = result['authenticated'] is not None
    elif not p.get('edge_admin_token'):
        raise ModuleFailure('rockit_edge_info needs edge_admin_token (ROCKIT_ADMIN_TOKEN) for versions and health, or user '
                            'credentials for what they can tell.')
    return result


def _probe(client, p):
    """Whether the user credentials work (a read of the user itself; 403 and 404 prove them too)."""
    path = '%s/%s' % (specs.PROBE_PATH, quote_segment(p.get('edge_username') or 'me'))
    try:
        client.request('GET', path)
    except ApiError as exc:
        if exc.status == 401:
            return False
        if exc.status is not None and exc.status < 500:
            return True
        raise
    return True


def run_login(ctx):
    p = ctx.params
    if not p.get('edge_password'):
        raise ModuleFailure('rockit_login logs in with a password: set edge_password (ROCKIT_PASSWORD), edge_org and edge_username.')
    if ctx.check_mode:
        return {'changed': False, 'token': None, 'refresh_token': None, 'login_flow': None,
                'msg': 'Check mode: not logged in (a login creates a session on the Edge).'}
    client = ctx.client
    try:
        record = client.login()
    except ConfigError as exc:
        raise ModuleFailure(str(exc))
    client.release_login()  # the caller owns this login now; rockit_logout ends it
    expires = record.get('expires_at')
    return {'changed': True, 'token': record['access'], 'refresh_token': record.get('refresh'),
            'login_flow': record.get('flow'), 'expires_in': int(expires - time.time()) if expires else None}


def run_logout(ctx):
    p = ctx.params
    refresh = p['refresh_token']
    access = p.get('edge_token')
    if not refresh and not access:
        raise ModuleFailure('Give refresh_token (the refresh_token returned by rockit_login) or edge_token.')
    result = {'changed': True, 'msg': 'The session was ended.'}
    if p['login_flow'] == specs.FLOW_2025 and not refresh:
        result.update(changed=False, msg='The 2025 login flow has no logout; its session expires by itself (24 h).')
        return result
    if ctx.check_mode:
        return result
    try:
        ctx.client.logout(refresh_token=refresh, access_token=None if refresh else access)
    except ApiError as exc:
        if exc.status == 401:
            result.update(changed=False, msg='The session had already ended.')
            return result
        if exc.status == 404:
            result.update(changed=False, msg='This Edge has no logout (the 2025 login flow); the session expires by itself.')
            ctx.warn('POST %s is not served by this Edge (2025 login flow): the session expires by itself after 24 hours.'
                     % specs.LOGOUT_PATH)
            return result
        raise
    return result


EDGE_INFO_MODULE = ModuleDef('rockit_edge_info', dict(), run_edge_info)

LOGIN_MODULE = ModuleDef('rockit_login', dict(), run_login, secret_results=('token', 'refresh_token'), shared_login=False)

LOGOUT_MODULE = ModuleDef(
    'rockit_logout',
    dict(
        refresh_token=dict(type='str', no_log=True),
        login_flow=dict(type='str', choices=[specs.FLOW_2025, specs.FLOW_2026]),
    ),
    run_logout,
    shared_login=False,
)
