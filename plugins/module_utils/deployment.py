# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rockit_deployment and rockit_deployment_info: options and how they map onto the deployment spec.

The origin credentials and the download-authentication key are write-only: they are sent when the
deployment is created, when the origin type or the download-authentication type changes (the new
origin cannot work with the old secrets), and otherwise only with ``update_secrets: always``.
"""

import copy

from ansible_collections.rockitplay.edge.plugins.module_utils import rockit_specs as specs
from ansible_collections.rockitplay.edge.plugins.module_utils.client import ApiError
from ansible_collections.rockitplay.edge.plugins.module_utils.constraints import check
from ansible_collections.rockitplay.edge.plugins.module_utils.engine import declared, ensure, get_path, list_objects, merge, read, set_path, view
from ansible_collections.rockitplay.edge.plugins.module_utils.errors import AssumptionError
from ansible_collections.rockitplay.edge.plugins.module_utils.role import check_name
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import ModuleDef, ModuleFailure

# The module options that carry the credentials of each origin type, in the order of
# specs.DEPLOYMENT_CREDENTIAL_KEYS (the API names).
CREDENTIAL_OPTIONS = {
    's3': ('access_key_id', 'secret_access_key'),
    'netstorage': ('key_name', 'key'),
}
S3_ONLY_OPTIONS = ('region', 'bucket')
NO_DOWNLOAD_AUTH = 'none'
ORIGIN_TYPE = specs.DEPLOYMENT_ORIGIN_OPTIONS['type']    # origin.type
ORIGIN = ORIGIN_TYPE.split('.', maxsplit=1)[0]


def with_hint(exc, hint):
    """The same API error, with a resource-specific hint in place of the generic one."""
    return ApiError(exc.method, exc.path, exc.status, exc.error, exc.message, exc.body, hint=hint,
                    retry_after=exc.retry_after, ambiguous=exc.ambiguous)


def check_deployment_name(name, option='name'):
    check_name(name, option, specs.DEPLOYMENT_NAME)


def check_origin(origin):
    """Refuse, before any request, an origin the Edge would refuse."""
    kind = origin['type']
    endpoint = origin['endpoint']
    for option, path in specs.DEPLOYMENT_ORIGIN_OPTIONS.items():
        check(specs.DEPLOYMENT, path, origin.get(option), 'origin.%s' % option)
    for origin_type, options in sorted(CREDENTIAL_OPTIONS.items()):
        for option, key in zip(options, specs.DEPLOYMENT_CREDENTIAL_KEYS[origin_type]):
            check(specs.DEPLOYMENT, '%s.%s' % (specs.DEPLOYMENT_CREDENTIALS, key), origin.get(option), 'origin.%s' % option)
    missing = [option for option in S3_ONLY_OPTIONS if kind == 's3' and not origin.get(option)]
    if missing:
        raise ModuleFailure('origin.%s is required for an s3 origin.' % missing[0])
    given = [option for option in CREDENTIAL_OPTIONS[kind] if origin.get(option) is not None]
    if given and len(given) != len(CREDENTIAL_OPTIONS[kind]):
        raise ModuleFailure('%s: give both or neither.' % ' and '.join('origin.%s' % o for o in CREDENTIAL_OPTIONS[kind]))
    if kind == 's3':
        region, bucket = origin['region'], origin['bucket']
        if region.lower() not in endpoint.lower():
            raise ModuleFailure('origin.endpoint: an s3 endpoint must contain the region (origin.region=%r), for example '
                                's3.%s.amazonaws.com; got %r.' % (region, region, endpoint))
        if '.%s.' % bucket.lower() in '.%s.' % endpoint.lower():
            raise ModuleFailure('origin.endpoint: an s3 endpoint must not contain the bucket (origin.bucket=%r): give the '
                                'regional endpoint (path-style), the bucket goes in origin.bucket; got %r.' % (bucket, endpoint))
    else:
        extra = [option for option in S3_ONLY_OPTIONS if origin.get(option) is not None]
        if extra:
            raise ModuleFailure('origin.%s: only s3 origins take %s; remove it for a %s origin.'
                                % (extra[0], ' and '.join('origin.%s' % o for o in S3_ONLY_OPTIONS), kind))
    for other, options in sorted(CREDENTIAL_OPTIONS.items()):
        wrong = [option for option in options if other != kind and origin.get(option) is not None]
        if wrong:
            raise ModuleFailure('origin.%s: this is a credential of %s origins; a %s origin takes %s.'
                                % (wrong[0], other, kind, ' and '.join('origin.%s' % o for o in CREDENTIAL_OPTIONS[kind])))


def check_download_auth(auth):
    if auth['type'] == NO_DOWNLOAD_AUTH and auth.get('key') is not None:
        raise ModuleFailure('download_auth.key: not used with download_auth.type=none (which removes download authentication).')
    check(specs.DEPLOYMENT, specs.DEPLOYMENT_DOWNLOAD_AUTH_KEY, auth.get('key'), 'download_auth.key')


def _desired(p):
    desired = {}
    origin = p['origin']
    if origin:
        for option, path in specs.DEPLOYMENT_ORIGIN_OPTIONS.items():
            if origin.get(option) is not None:
                set_path(desired, path, origin[option])
    auth = p['download_auth']
    if auth:
        kind = auth['type']
        desired[specs.DEPLOYMENT_DOWNLOAD_AUTH] = None if kind == NO_DOWNLOAD_AUTH else {specs.DEPLOYMENT_DOWNLOAD_AUTH_TYPE: kind}
    return desired


def _credentials(origin):
    """The write-only origin credentials in API shape, or None when the task gives none."""
    if not origin:
        return None
    values = [origin.get(option) for option in CREDENTIAL_OPTIONS[origin['type']]]
    if any(value is None for value in values):
        return None
    secrets = {}
    set_path(secrets, specs.DEPLOYMENT_CREDENTIALS, dict(zip(specs.DEPLOYMENT_CREDENTIAL_KEYS[origin['type']], values)))
    return secrets


def _download_key(auth):
    if not auth or auth.get('key') is None:
        return None
    secrets = {}
    set_path(secrets, specs.DEPLOYMENT_DOWNLOAD_AUTH_KEY, auth['key'])
    return secrets


def _credential_names(kind):
    return ' and '.join('origin.%s' % option for option in CREDENTIAL_OPTIONS[kind])


def scrub(obj):
    """A deployment without any write-only value (defensive: the Edge never returns them)."""
    if not isinstance(obj, dict):
        return obj
    out = copy.deepcopy(obj)
    for path in (specs.DEPLOYMENT_CREDENTIALS, specs.DEPLOYMENT_DOWNLOAD_AUTH_KEY):
        parent, _dot, leaf = path.rpartition('.')
        node = get_path(out, parent, None)
        if isinstance(node, dict):
            node.pop(leaf, None)
    return out


def _comparable(current):
    """The current deployment as the module compares it: download authentication reduced to its type."""
    out = copy.deepcopy(current)
    auth = out.get(specs.DEPLOYMENT_DOWNLOAD_AUTH)
    kind = auth.get(specs.DEPLOYMENT_DOWNLOAD_AUTH_TYPE) if isinstance(auth, dict) else None
    out[specs.DEPLOYMENT_DOWNLOAD_AUTH] = {specs.DEPLOYMENT_DOWNLOAD_AUTH_TYPE: kind} if kind else None
    return out


def _delete(ctx, name):
    try:
        return ensure(ctx.client, specs.DEPLOYMENT, name, 'absent', check_mode=ctx.check_mode).result
    except ApiError as exc:
        if exc.status != 409:
            raise
        apps = exc.body.get(specs.DEPLOYMENT_CONFLICT_APPS) or []
        # the Edge's message (and the client) name the apps; the hint says what to do about them
        raise with_hint(exc, 'Remove %s from the deployments of %s with rockitplay.edge.rockit_app (or delete %s), then delete '
                             'the deployment.' % (name, 'these apps' if apps else 'the apps registered to it',
                                                  'those apps' if apps else 'them'))


def _create(ctx, name, desired, creds, key):
    p = ctx.params
    if not p['origin']:
        raise ModuleFailure('Deployment %s does not exist; creating it needs origin (type, endpoint, for s3 also region and bucket, '
                            'and the credentials).' % name)
    kind = p['origin']['type']
    if creds is None:
        raise ModuleFailure('Deployment %s does not exist; creating it needs the credentials of its %s origin: %s.'
                            % (name, kind, _credential_names(kind)))
    if desired.get(specs.DEPLOYMENT_DOWNLOAD_AUTH) is None:
        desired.pop(specs.DEPLOYMENT_DOWNLOAD_AUTH, None)     # nothing to remove on a new deployment
    elif key is None:
        raise ModuleFailure('download_auth.key is required to set up download authentication (type %s) on the new deployment %s.'
                            % (p['download_auth']['type'], name))
    outcome = ensure(ctx.client, specs.DEPLOYMENT, name, 'present', desired, ctx.check_mode,
                     create_secrets=merge(creds, key), current=None)
    return outcome.result


def _update(ctx, name, current, desired, creds, key):
    """Update an existing deployment: PATCH only what changed; secrets only when needed or asked for."""
    p = ctx.params
    res = specs.DEPLOYMENT
    always = p['update_secrets'] == 'always'
    compare = _comparable(current)
    secrets = {}
    old_type = get_path(current, ORIGIN_TYPE, None)
    new_type = get_path(desired, ORIGIN_TYPE, None)
    type_changed = new_type is not None and new_type != old_type
    whole_origin = False
    if type_changed and creds is None:
        raise ModuleFailure('Changing the origin of deployment %s from %s to %s replaces the whole origin and needs the '
                            'credentials of the new origin: %s.' % (name, old_type, new_type, _credential_names(new_type)))
    if creds is not None and (type_changed or always):
        secrets = merge(secrets, creds)
        # Credentials go with the whole declared origin, so that a server whose PATCH replaces the origin (instead of
        # merging it, as assumed) cannot lose a field that was not sent.
        whole_origin = bool(get_path(desired, ORIGIN, None))
        if whole_origin:
            compare[ORIGIN] = {}
            if type_changed:
                set_path(compare, ORIGIN_TYPE, old_type)
    wanted_auth = desired.get(specs.DEPLOYMENT_DOWNLOAD_AUTH)
    if wanted_auth:
        kind = wanted_auth[specs.DEPLOYMENT_DOWNLOAD_AUTH_TYPE]
        current_kind = get_path(compare, '%s.%s' % (specs.DEPLOYMENT_DOWNLOAD_AUTH, specs.DEPLOYMENT_DOWNLOAD_AUTH_TYPE), None)
        if kind != current_kind:
            if key is None:
                raise ModuleFailure('download_auth.key is required to set up download authentication of type %s on deployment %s '
                                    '(it has %s now).' % (kind, name, current_kind or 'none'))
            secrets = merge(secrets, key)
        elif key is not None and always:
            secrets = merge(secrets, key)
    try:
        outcome = ensure(ctx.client, res, name, 'present', desired, ctx.check_mode, update_secrets=secrets or None, current=compare)
    except AssumptionError as exc:
        lost = [e['field'] for e in exc.details.get('not_kept', ()) if e['field'].startswith(ORIGIN + '.')]
        if lost:
            exc.msg += (' The Edge seems to replace the whole origin on a PATCH (the fields not sent are gone: %s), so the stored '
                        'origin credentials may be gone too. Run the task again with the credentials of the origin (%s) and '
                        'update_secrets: always, which sends the whole origin.' % (', '.join(lost), _credential_names(new_type or old_type)))
        raise
    result = outcome.result
    if whole_origin:
        # The comparison saw no origin (or only the old type), so that all of it is sent; show the real origin before the change.
        real = view(res, current, declared(res, desired)).get(ORIGIN) or {}
        result['diff']['before'].setdefault(ORIGIN, {}).update(real)
    return result


def run_deployment(ctx):
    p = ctx.params
    name = p['name']
    check_deployment_name(name)
    if p['origin']:
        check_origin(p['origin'])
    if p['download_auth']:
        check_download_auth(p['download_auth'])
    if p['state'] == 'absent':
        return _delete(ctx, name)
    desired = _desired(p)
    creds = _credentials(p['origin'])
    key = _download_key(p['download_auth'])
    current = read(ctx.client, specs.DEPLOYMENT, name)
    if current is None:
        result = _create(ctx, name, desired, creds, key)
    else:
        result = _update(ctx, name, current, desired, creds, key)
    result[specs.DEPLOYMENT.key] = scrub(result.get(specs.DEPLOYMENT.key))
    return result


def run_deployment_info(ctx):
    name = ctx.params['name']
    if name is not None:
        check_deployment_name(name)
    items, total = list_objects(ctx.client, specs.DEPLOYMENT, name=name)
    return {'changed': False, 'deployments': [scrub(item) for item in items], 'total_count': total}


DEPLOYMENT_MODULE = ModuleDef(
    'rockit_deployment',
    dict(
        name=dict(type='str', required=True),
        origin=dict(
            type='dict',
            options=dict(
                type=dict(type='str', required=True, choices=list(specs.DEPLOYMENT_ORIGIN_TYPES)),
                endpoint=dict(type='str', required=True),
                region=dict(type='str'),
                bucket=dict(type='str'),
                prefix=dict(type='str'),
                access_key_id=dict(type='str', no_log=True),
                secret_access_key=dict(type='str', no_log=True),
                key_name=dict(type='str', no_log=True),
                key=dict(type='str', no_log=True),
            ),
            required_if=[('type', 's3', ('region', 'bucket'))],
            required_together=[CREDENTIAL_OPTIONS['s3'], CREDENTIAL_OPTIONS['netstorage']],
        ),
        download_auth=dict(
            type='dict',
            options=dict(
                type=dict(type='str', required=True, choices=list(specs.DEPLOYMENT_DOWNLOAD_AUTH_TYPES) + [NO_DOWNLOAD_AUTH]),
                key=dict(type='str', no_log=True),
            ),
        ),
        update_secrets=dict(type='str', default='on_create', choices=['on_create', 'always'], no_log=False),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    ),
    run_deployment,
)

DEPLOYMENT_INFO_MODULE = ModuleDef(
    'rockit_deployment_info',
    dict(name=dict(type='str')),
    run_deployment_info,
)
