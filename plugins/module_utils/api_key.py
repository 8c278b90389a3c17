# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rockit_api_key: create, rotate and revoke the API keys of a user.

The Edge has no list of API keys and returns a key's secret only when it creates it. So the module
learns whether a key is there by using it: a key (from ``api_key`` or from the API keys file) that
still authenticates means there is nothing to do, and the module never logs in for that. Only when a
key must be created or revoked does it use the task's credentials (usually the administrator's
password, logged in lazily).
"""

from ansible_collections.rockitplay.edge.plugins.module_utils import keys_file
from ansible_collections.rockitplay.edge.plugins.module_utils import rockit_specs as specs
from ansible_collections.rockitplay.edge.plugins.module_utils.client import quote_segment
from ansible_collections.rockitplay.edge.plugins.module_utils.errors import ApiError
from ansible_collections.rockitplay.edge.plugins.module_utils.role import check_name
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import ModuleDef, ModuleFailure

SECRET_FIELDS = (specs.APIKEY_SECRET, 'key')  # the documented-by-choice name first; a plausible other spelling second


def key_works(client, org, username, api_key):
    """Whether ``api_key`` authenticates ``username`` in ``org`` now: any answer but 401 to an authenticated read proves it."""
    try:
        client.request_as('GET', '%s/%s' % (specs.PROBE_PATH, quote_segment(username)), org, username, api_key)
    except ApiError as exc:
        if exc.status == 401:
            return False
        if exc.status is not None and exc.status < 500:
            return True  # 403 or 404: the credentials were accepted
        raise
    return True


def _secret_of(answer):
    for field in SECRET_FIELDS:
        value = answer.get(field)
        if isinstance(value, str) and value:
            return value
    return None


def _create(ctx, username, is_self):
    body = {} if is_self else {specs.APIKEY_USER: username}
    try:
        answer = ctx.client.request('POST', specs.APIKEYS_PATH, body)
    except ApiError as exc:
        if exc.status == 409:
            exc.hint = ('A user holds at most %d API keys; revoke one (state=absent with api_key_id, or all_keys=true) first.'
                        % specs.APIKEY_MAX_PER_USER)
        if exc.status == 404 and exc.error == 'not-found':
            exc.hint = 'The user %s does not exist in %s; create it first (rockitplay.edge.rockit_user).' % (username, ctx.params['edge_org'])
        raise
    secret = _secret_of(answer)
    if not secret:
        raise ModuleFailure('POST %s succeeded but its answer has no %s (it carries: %s): the new key cannot be used. Revoke '
                            'the keys of %s (state=absent, all_keys=true) and see the API assumptions page, section 12.'
                            % (specs.APIKEYS_PATH, specs.APIKEY_SECRET, ', '.join(sorted(answer)) or 'nothing', username))
    return {keys_file.FIELD_KEY: secret, keys_file.FIELD_ID: answer.get(specs.APIKEY_ID),
            keys_file.FIELD_CREATED: answer.get(specs.APIKEY_CREATED)}


def _revoke(ctx, key_id):
    try:
        ctx.client.request('DELETE', '%s/%s' % (specs.APIKEYS_PATH, quote_segment(key_id)))
    except ApiError as exc:
        if exc.status == 404 and exc.error == 'not-found':
            return False
        raise
    return True


def _store(ctx, path, org, username, entry, result):
    if not path:
        return
    try:
        keys_file.merge_keys(path, org, {username: entry})
        result['keys_file'] = path
    except Exception as exc:  # pylint: disable=broad-except
        # A key the Edge issued once must never be lost: it stays in the (registered) result.
        ctx.warn('The API key of %s could not be written to %s (%s); it is only in the registered result of this task.'
                 % (username, path, exc))


def run_api_key(ctx):
    p = ctx.params
    org = p['edge_org']
    if not org:
        raise ModuleFailure('rockit_api_key needs edge_org (ROCKIT_ORGNAME): the organisation of the user.')
    username = p['username'] or p['edge_username']
    if not username:
        raise ModuleFailure('Give username (the user whose keys are managed), or edge_username for the authenticated user.')
    check_name(username, 'username')
    is_self = bool(p['edge_username']) and username.lower() == p['edge_username'].lower()
    path = p['keys_file']
    entry = None
    if path:
        try:
            path = keys_file.check_writable(path)
            entry = keys_file.read_entry(path, org, username)
        except keys_file.KeysFileError as exc:
            raise ModuleFailure(str(exc))
    if p['state'] == 'present':
        return _present(ctx, p, org, username, is_self, path, entry)
    if p['state'] == 'rotated':
        return _rotated(ctx, p, org, username, is_self, path, entry)
    return _absent(ctx, p, org, username, path, entry)


def _present(ctx, p, org, username, is_self, path, entry):
    result = {'changed': False, 'username': username, 'works': False, 'in_keys_file': bool(entry)}
    candidates = []
    if p['api_key']:
        candidates.append(('api_key', {keys_file.FIELD_KEY: p['api_key'], keys_file.FIELD_ID: p['api_key_id']}))
    if entry:
        candidates.append(('keys_file', entry))
    if not candidates and not path and p['create']:
        raise ModuleFailure('state=present needs keys_file (recommended) or api_key, so that a key that still works is '
                            'recognised and no key is created on every run.')
    for source, candidate in candidates:
        if key_works(ctx.client, org, username, candidate[keys_file.FIELD_KEY]):
            result.update(works=True, source=source, api_key_id=candidate.get(keys_file.FIELD_ID), action='none')
            if source != 'api_key':
                # The caller has the key it gave (and Ansible would mask a no_log option's value in the result anyway).
                result['api_key'] = candidate[keys_file.FIELD_KEY]
            stored = entry and entry.get(keys_file.FIELD_KEY) == candidate[keys_file.FIELD_KEY]
            if path and not stored:
                # A working key the file does not hold yet (e.g. the one a machine user's create returned): keep it.
                result.update(changed=True, action='stored')
                result['diff'] = {'before': {'keys_file': 'no key of %s' % username}, 'after': {'keys_file': 'key of %s' % username}}
                if not ctx.check_mode:
                    _store(ctx, path, org, username, dict((k, v) for k, v in candidate.items() if v), result)
            return result
    if not p['create']:
        result['action'] = 'none'
        return result
    result['diff'] = {'before': {'api_key': None}, 'after': {'api_key': 'new key of %s' % username}}
    result.update(changed=True, action='create')
    if ctx.check_mode:
        return result
    new = _create(ctx, username, is_self)
    result.update(works=True, api_key=new[keys_file.FIELD_KEY], api_key_id=new[keys_file.FIELD_ID], source='created')
    _store(ctx, path, org, username, new, result)
    return result


def _rotated(ctx, p, org, username, is_self, path, entry):
    old_id = p['api_key_id'] or (entry or {}).get(keys_file.FIELD_ID)
    result = {'changed': True, 'username': username, 'action': 'rotate', 'revoked_api_key_id': old_id,
              'diff': {'before': {'api_key_id': old_id}, 'after': {'api_key_id': 'new key of %s' % username}}}
    if ctx.check_mode:
        return result
    new = _create(ctx, username, is_self)
    if not key_works(ctx.client, org, username, new[keys_file.FIELD_KEY]):
        raise ModuleFailure('The new API key of %s (id %s) does not authenticate; the old key was kept and still works. The '
                            'new key is in the registered result.' % (username, new[keys_file.FIELD_ID]), api_key=new[keys_file.FIELD_KEY])
    result.update(works=True, api_key=new[keys_file.FIELD_KEY], api_key_id=new[keys_file.FIELD_ID])
    _store(ctx, path, org, username, new, result)
    if old_id and old_id != new[keys_file.FIELD_ID]:
        if not _revoke(ctx, old_id):
            ctx.warn('The old API key %s of %s was already gone.' % (old_id, username))
    elif not old_id:
        result['revoked_api_key_id'] = None
        ctx.warn('The id of the old API key of %s is not known (no api_key_id, no entry in keys_file), so it was not '
                 'revoked; revoke it with state=absent and its api_key_id.' % username)
    return result


def _absent(ctx, p, org, username, path, entry):
    key_id = p['api_key_id'] or (entry or {}).get(keys_file.FIELD_ID)
    result = {'changed': False, 'username': username, 'action': 'none', 'revoked_api_key_id': None}
    stale = bool(entry) and not p['api_key_id'] and not key_works(ctx.client, org, username, entry[keys_file.FIELD_KEY])
    if stale:
        pass  # the stored key no longer authenticates: it was revoked already (or its organisation is gone)
    elif p['all_keys']:
        result['diff'] = {'before': {'api_keys': 'every key of %s' % username}, 'after': {'api_keys': None}}
        if ctx.check_mode:
            result.update(changed=True, action='revoke')
        else:
            answer = ctx.client.request('DELETE', specs.APIKEYS_PATH, params={specs.APIKEY_USER: username})
            deleted = answer.get('deleted')
            result.update(changed=deleted != 0, action='revoke' if deleted != 0 else 'none', revoked=deleted)
    elif key_id:
        if ctx.check_mode or _revoke(ctx, key_id):
            result.update(changed=True, action='revoke', revoked_api_key_id=key_id,
                          diff={'before': {'api_key_id': key_id}, 'after': {'api_key_id': None}})
    elif entry:
        ctx.warn('The key of %s in %s has no id, so it was not revoked on the Edge (only forgotten); revoke every key of '
                 'the user with all_keys=true.' % (username, path))
    else:
        result['msg'] = 'No key of %s is known (give api_key_id, all_keys=true, or keys_file holding it).' % username
    if path and entry:
        if not ctx.check_mode:
            keys_file.remove_keys(path, org, [username])
        result.update(changed=True, keys_file=path)
    return result


API_KEY_MODULE = ModuleDef(
    'rockit_api_key',
    dict(
        username=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'rotated', 'absent']),
        keys_file=dict(type='path', no_log=False),
        api_key=dict(type='str', no_log=True),
        api_key_id=dict(type='str', no_log=False),
        all_keys=dict(type='bool', default=False),
        create=dict(type='bool', default=True),
    ),
    run_api_key,
    secret_results=('api_key',),
)
