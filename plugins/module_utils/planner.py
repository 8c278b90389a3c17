# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The planner: what a declaration of a whole organisation would change on the Edge, kind by kind.

One plan serves the bootstrap role (which objects to apply, which to delete), its check mode, the
drift report and the export's round trip, so they cannot disagree:

- every declared object is checked the way ``rockit_apply`` checks it (its module's option validation
  and input checks, names without case) before anything is read;
- every declared object is then run through its own module's code in check mode (the very code
  ``rockit_apply`` runs, :func:`apply.apply_one`), on a client that can only read, so the engine's own
  comparison decides what is missing, changed (field by field) and unchanged;
- each kind's list is read once: the undeclared objects on the Edge are the extras, from which prune
  takes what its guard rails allow (never the authenticated user, the primary administrator, the role
  ``Administrators``, a role still assigned, a deployment still used, an excluded name; at most
  ``max_deletions``; apps and deployments only with ``allow_content_loss``).

The plan holds names, positions in the declared lists and compared (never write-only) values.
"""

import copy
import fnmatch
import time

from ansible_collections.rockitplay.edge.plugins.module_utils import rockit_specs as specs
from ansible_collections.rockitplay.edge.plugins.module_utils.apply import (
    KINDS, absorb, check_objects, concurrency_of, listing, note_listed, run_one, stops_the_rest,
)
from ansible_collections.rockitplay.edge.plugins.module_utils.engine import SECRET_CHANGED, SECRET_MASK, equal, get_path, leaf_paths
from ansible_collections.rockitplay.edge.plugins.module_utils.errors import ApiError
from ansible_collections.rockitplay.edge.plugins.module_utils.keys_file import KeysFileError, check_writable
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import Context, ModuleDef, ModuleFailure
from ansible_collections.rockitplay.edge.plugins.module_utils.pool import concurrency_option, run_waves
from ansible_collections.rockitplay.edge.plugins.module_utils.validate import SECRET_OPTION_NAMES
from ansible_collections.rockitplay.edge.plugins.module_utils.whoami import effective_permissions, require

# The kinds in dependency order (deletions run in the reverse order), by the names of the role's lists.
ORDER = ('deployment', 'role', 'user', 'app', 'subscription')
PLURAL = dict((kind, kind + 's') for kind in ORDER)
SINGULAR = dict((plural, kind) for kind, plural in PLURAL.items())
# Deleting these destroys published content (an app's builds, a deployment's CDN origin).
CONTENT_KINDS = ('deployment', 'app')
DEFAULT_MAX_DELETIONS = 10
ADMIN_ROLE = specs.ADMIN_ROLE

# API field -> module option, for reports (field by field, in the words of the declaration).
OPTION_NAMES = {
    'deployment': dict([(path, 'origin.' + option) for option, path in specs.DEPLOYMENT_ORIGIN_OPTIONS.items()]
                       + [(specs.DEPLOYMENT_DOWNLOAD_AUTH, 'download_auth')]),
    'role': {},
    'user': dict((field, option) for option, field in specs.USER_OPTIONS.items()),
    'app': dict((field, option) for option, field in specs.APP_OPTIONS.items()),
    'subscription': {specs.SUBSCRIPTION_WEBHOOK[1]: 'webhook_url', specs.SUBSCRIPTION_SLACK[1]: 'slack_channel'},
}


class PlanError(Exception):
    """The declaration cannot be applied as it is; nothing was (or would be) sent. ``plan`` is what was planned."""

    def __init__(self, msg, errors=None, plan=None):
        super(PlanError, self).__init__(msg)
        self.msg = msg
        self.errors = list(errors or [])
        self.plan = plan


class _WouldWrite(BaseException):
    """A module reached for a request that is not a read.

    A BaseException, so that the module runner's catch-all for unexpected errors lets it through to the planner.
    """


class ReadOnlyClient(object):
    """The client of a run, able only to read: the plan can never change the Edge, whatever a module does."""

    def __init__(self, client):
        self._client = client

    def __getattr__(self, name):
        return getattr(self._client, name)

    def request(self, method, path, body=None, params=None, retry=None):
        if method not in ('GET', 'HEAD'):
            raise _WouldWrite('%s %s' % (method, path))
        return self._client.request(method, path, body, params, retry)

    def password_works(self, username, password):
        # A login step is a request the plan does not send: the object is planned as changed (not comparable).
        raise _WouldWrite('login of %s' % username)

    def _send(self, method, path, body=None, params=None, retry=None, auth=True):
        if method not in ('GET', 'HEAD'):
            raise _WouldWrite('%s %s' % (method, path))
        return self._client._send(method, path, body, params, retry, auth)


class PlanOptions(object):
    """How to plan: which kinds prune, what it never deletes, how much it may delete."""

    def __init__(self, prune=None, exclude=None, max_deletions=DEFAULT_MAX_DELETIONS, allow_content_loss=False,
                 protected_users=(), list_kinds=None, fail_on_refusal=True, concurrency=1):
        self.prune = dict((kind, bool((prune or {}).get(PLURAL[kind]))) for kind in ORDER)
        self.exclude = dict((kind, [str(p) for p in ((exclude or {}).get(PLURAL[kind]) or [])]) for kind in ORDER)
        self.max_deletions = max_deletions
        self.allow_content_loss = allow_content_loss
        self.protected_users = [str(u) for u in protected_users if u]
        # The kinds whose list is read for extras; None: the declared and the pruned kinds.
        self.list_kinds = list_kinds
        # False (drift): an object its module would refuse is reported (missing, or changed with the reason), not fatal.
        self.fail_on_refusal = fail_on_refusal
        # Called after the input checks and before the first read (the permission pre-flight of rockit_plan).
        self.before_reads = None
        # How many objects (and lists) are read side by side.
        self.concurrency = concurrency


def folded(name):
    return str(name).lower()


def write_only_options(definition):
    """The module options the Edge never returns (no_log), as dotted option paths, e.g. origin.secret_access_key."""
    found = []

    def walk(spec, prefix):
        for option, settings in spec.items():
            if settings.get('no_log'):
                found.append(prefix + option)
            if settings.get('options'):
                walk(settings['options'], prefix + option + '.')

    own = dict((k, v) for k, v in definition.argument_spec.items() if not k.startswith('edge_'))
    walk(own, '')
    return tuple(found)


def declared_write_only(kind, params):
    """The write-only options an object declares (their values are never compared, never shown)."""
    out = []
    for path in write_only_options(KINDS[kind][0]):
        value = params
        for part in path.split('.'):
            value = value.get(part) if isinstance(value, dict) else None
        if value is not None:
            out.append(path)
    return out


def option_name(kind, field):
    """The declaration's word for an API field path (the first matching prefix)."""
    names = OPTION_NAMES[kind]
    if field in names:
        return names[field]
    head, dot, tail = field.partition('.')
    if dot and head in names:
        return names[head] + '.' + tail
    return field


def _strip_masks(view):
    """The view without masked secrets; and the paths that carried one."""
    view = copy.deepcopy(view or {})
    masked = []
    for path in leaf_paths(view):
        if get_path(view, path) in (SECRET_MASK, SECRET_CHANGED):
            masked.append(path)
            parts = path.split('.')
            node = view
            for part in parts[:-1]:
                node = node[part]
            del node[parts[-1]]
    return view, masked


def field_changes(kind, diff):
    """Field by field, what the engine compared as different: [{field, declared, actual}] (never a secret)."""
    res = KINDS[kind][2]
    before, masked_before = _strip_masks((diff or {}).get('before'))
    after, masked_after = _strip_masks((diff or {}).get('after'))
    changes = []
    for field in res.fields:
        declared = get_path(after, field, None)
        actual = get_path(before, field, None)
        if get_path(after, field, KeyError) is KeyError:
            continue
        if equal(res, field, declared, actual):
            continue
        if field in res.bitmask_maps and isinstance(declared, dict):
            actual = actual if isinstance(actual, dict) else {}
            for key in sorted(set(declared) | set(actual)):
                if int(declared.get(key) or 0) != int(actual.get(key) or 0):
                    changes.append({'field': '%s.%s' % (option_name(kind, field), key),
                                    'declared': int(declared.get(key) or 0), 'actual': int(actual.get(key) or 0)})
            continue
        changes.append({'field': option_name(kind, field), 'declared': declared, 'actual': actual})
    return changes, bool(masked_after or masked_before)


def _matches(name, patterns):
    return any(fnmatch.fnmatchcase(folded(name), folded(p)) for p in patterns)


def primary_administrators(users):
    """The users who may be the organisation's primary administrator (which the Edge never deletes).

    The Edge does not mark it; it is the member of ``Administrators`` created with the organisation, so the
    earliest created member. When the list does not say when users were created, every member counts.
    """
    members = [u for u in users if ADMIN_ROLE.lower() in [folded(r) for r in (u.get(specs.USER_OPTIONS['roles']) or [])]]
    dated = [u for u in members if isinstance(u.get(specs.USER_CREATED), str) and u.get(specs.USER_CREATED)]
    if members and len(dated) == len(members):
        first = min(dated, key=lambda u: u[specs.USER_CREATED])
        return [first[specs.USER.id_field]]
    return [u[specs.USER.id_field] for u in members]


class Planner(object):
    """Plans one declaration against one Edge organisation (see the module docstring)."""

    def __init__(self, ctx, declarations, options=None):
        self.ctx = ctx
        self.declarations = dict((kind, list(declarations.get(kind) or [])) for kind in ORDER)
        self.options = options or PlanOptions()
        self.listed = {}
        self.accepted = {}
        self.names = {}
        self.noted = []       # item paths the lists told about, forgotten when the plan is made
        self.workers = 1

    # ------------------------------------------------------------------ steps
    def check(self):
        """Every declaration checked as rockit_apply checks it; every refusal listed; nothing read."""
        problems = []
        for kind in ORDER:
            found, names, accepted = check_objects(kind, self.declarations[kind], self.ctx.no_log_values,
                                                   label='rockit_%s' % PLURAL[kind])
            problems.extend(found)
            self.names[kind] = names
            self.accepted[kind] = accepted
        protected = set(folded(u) for u in self.protected_users() if u)
        for kind in ORDER:
            key = KINDS[kind][1]
            for index, obj in enumerate(self.declarations[kind]):
                if not isinstance(obj, dict) or obj.get('state', 'present') != 'absent':
                    continue
                name = obj.get(key)
                label = 'rockit_users[%d]' % index
                if kind == 'user' and folded(name) in protected and not any(p.startswith(label) for p in problems):
                    problems.append('rockit_users[%d] (%s): cannot be deleted (state: absent): it is the user the play '
                                    'authenticates as.' % (index, name))
        if problems:
            raise PlanError('%d of %d declarations are invalid; nothing was sent to the Edge. %s' % (
                len(problems), sum(len(v) for v in self.declarations.values()), ' | '.join(problems)), errors=problems)

    def protected_users(self):
        return [self.ctx.params.get('edge_username')] + list(self.options.protected_users)

    def kinds_to_list(self):
        if self.options.list_kinds is not None:
            wanted = set(self.options.list_kinds)
        else:
            wanted = set(kind for kind in ORDER if self.declarations[kind] or self.options.prune[kind])
        # The guard rails of prune need the users (roles still assigned) and the apps (deployments still used).
        if self.options.prune['role'] or any(o.get('state') == 'absent' for o in self.accepted['role']):
            wanted.add('user')
        if self.options.prune['deployment'] or any(o.get('state') == 'absent' for o in self.accepted['deployment']):
            wanted.add('app')
        if self.options.prune['user']:
            wanted.add('user')
        return [kind for kind in ORDER if kind in wanted]

    def read_lists(self):
        """Each kind's list, read side by side; what they show about the declared names spares their reads."""
        kinds = self.kinds_to_list()

        def read(kind):
            try:
                return listing(self.ctx.client, kind)[0]
            except ApiError as exc:
                return exc

        for kind, found in zip(kinds, run_waves([kinds], read, self.workers)[0]):
            if isinstance(found, ApiError):
                if self.options.prune[kind] or (self.options.list_kinds is not None and kind in self.options.list_kinds):
                    raise PlanError('The %s of the organisation cannot be listed: %s' % (PLURAL[kind], found))
                # Without the list, each declared object is read by name (as rockit_apply does) and extras are unknown.
                continue
            self.listed[kind] = found
            self.noted.extend(note_listed(self.ctx.client, KINDS[kind][2], self.names[kind], found))

    def compare(self):
        """Each declared object through its module's own code, in check mode, on a client that cannot write.

        The objects are read side by side (``concurrency``), kind after kind in dependency order; what comes back,
        warnings and refusals included, is in the order of the declarations.
        """
        ctx = Context(self.ctx.params, check_mode=True, diff_mode=True)
        ctx._client = ReadOnlyClient(self.ctx.client)
        ctx.no_log_values = self.ctx.no_log_values
        entries, problems = dict((kind, []) for kind in ORDER), []

        def work(entry):
            kind, index, params = entry
            try:
                return run_one(ctx, KINDS[kind][0], params)
            except _WouldWrite:
                return {'action': 'unknown'}, None

        def done(entry, outcome):
            kind, index, params = entry
            item, sub = outcome
            absorb(ctx, sub)
            name = params[KINDS[kind][1]]
            plan_entry = {'name': name, 'index': index, 'state': params.get('state', 'present')}
            if item.get('failed'):
                if stops_the_rest(item):
                    raise PlanError('Reading %s %s failed, so nothing can be planned: %s' % (kind, name, item.get('msg')))
                if self.options.fail_on_refusal or kind not in self.listed:
                    problems.append('rockit_%s[%d] (%s): %s' % (PLURAL[kind], index, name, item.get('msg')))
                    return
                # Reported, not fatal: the object is missing, or it differs in a way its module refuses to change.
                exists = folded(name) in set(folded(o[KINDS[kind][2].id_field]) for o in self.listed[kind])
                plan_entry['refused'] = item.get('msg')
                item = {'action': 'updated' if exists else ('unchanged' if plan_entry['state'] == 'absent' else 'created')}
            self._classify(kind, params, item, plan_entry)
            entries[kind].append(plan_entry)

        waves = [[(kind, index, params) for index, params in enumerate(self.accepted[kind])] for kind in ORDER]
        run_waves(waves, work, self.workers, stop=lambda outcome: stops_the_rest(outcome[0]), done=done)
        for warning in ctx.warnings:
            self.ctx.warn(warning)
        if problems:
            raise PlanError('%d declarations would be refused; nothing was sent to the Edge. %s' % (len(problems), ' | '.join(problems)),
                            errors=problems)
        return entries

    @staticmethod
    def _classify(kind, params, item, entry):
        action = item.get('action')
        changes, sends_secrets = field_changes(kind, item.get('diff'))
        write_only = declared_write_only(kind, params)
        if action == 'unknown':
            # The module needs more than a read to decide (a password check by login): it is applied, never predicted.
            action, sends_secrets = 'updated', True
        if entry['state'] == 'absent':
            entry['action'] = 'deleted' if action == 'deleted' else 'absent'
        else:
            entry['action'] = action
            if action in ('updated', 'replaced'):
                entry['changes'] = changes or ([{'field': 'refused', 'declared': None, 'actual': None, 'msg': entry['refused']}]
                                               if entry.get('refused') else [])
        if write_only:
            entry['not_comparable'] = write_only
        if sends_secrets and entry['state'] != 'absent':
            entry['sends_secrets'] = True

    # ------------------------------------------------------------------ prune
    def extras(self, kind):
        """The objects of a kind on the Edge that the declaration does not name (None when not listed)."""
        if kind not in self.listed:
            return None
        key = KINDS[kind][2].id_field
        declared = set(folded(n) for n in self.names[kind] if n is not None)
        # by name, not in the list's order (which is the order of creation, and objects are created side by side)
        return sorted((item for item in self.listed[kind] if folded(item[key]) not in declared),
                      key=lambda item: (folded(item[key]), str(item[key])))

    def _ignored_reason(self, kind, name):
        """Why an undeclared object is outside the declaration (never extra, never pruned), or None."""
        if kind == 'role' and folded(name) == folded(ADMIN_ROLE):
            return 'every organisation has it'
        if kind == 'user' and folded(name) in set(folded(u) for u in self.protected_users() if u):
            return 'the user the play authenticates as'
        if _matches(name, self.options.exclude[kind]):
            return 'excluded'
        return None

    def _kept_reason(self, kind, name):
        """Why prune keeps an extra object, or None."""
        if kind == 'user' and folded(name) in set(folded(u) for u in primary_administrators(self.listed.get('user') or [])):
            return 'the primary administrator of the organisation'
        return None

    def _users_after(self, removed):
        """Each user that stays after the run, with the roles it will have: {folded name: (name, roles)}."""
        out = {}
        declared = dict((folded(p[KINDS['user'][1]]), p) for p in self.accepted['user'])
        for item in self.listed.get('user') or []:
            name = item[specs.USER.id_field]
            out[folded(name)] = (name, item.get(specs.USER_OPTIONS['roles']) or [])
        for lowered, params in declared.items():
            if params.get('state') == 'absent':
                out.pop(lowered, None)
            elif params.get('roles') is not None:
                out[lowered] = (params[KINDS['user'][1]], params['roles'])
            elif lowered not in out:
                out[lowered] = (params[KINDS['user'][1]], [])
        for name in removed:
            out.pop(folded(name), None)
        return out

    def _apps_after(self, removed):
        """Each app that stays after the run, with the deployments it will be registered on."""
        out = {}
        for item in self.listed.get('app') or []:
            name = item[specs.APP.id_field]
            out[folded(name)] = (name, item.get(specs.APP_OPTIONS['deployments']) or [])
        for params in self.accepted['app']:
            lowered = folded(params['name'])
            if params.get('state') == 'absent':
                out.pop(lowered, None)
            elif params.get('all_deployments'):
                out[lowered] = (params['name'], [])
            elif params.get('deployments') is not None:
                out[lowered] = (params['name'], params['deployments'])
            elif lowered not in out:
                out[lowered] = (params['name'], [])
        for name in removed:
            out.pop(folded(name), None)
        return out

    def prune(self, plan):
        """Which extras prune deletes and which it keeps (and why); refuses what the guard rails forbid."""
        removed = dict((kind, [e['name'] for e in plan[kind]['declared'] if e['action'] == 'deleted']) for kind in ORDER)
        for kind in ORDER:
            part = plan[kind]
            extras = self.extras(kind)
            part['extra'] = None if extras is None else []
            part['ignored'], part['prune'], part['kept'] = [], [], []
            for item in extras or []:
                name = item[KINDS[kind][2].id_field]
                reason = self._ignored_reason(kind, name)
                if reason:
                    part['ignored'].append({'name': name, 'reason': reason})
                else:
                    part['extra'].append(name)
            if not self.options.prune[kind]:
                continue
            part['kept'].extend(part['ignored'])
            for name in part['extra']:
                reason = self._kept_reason(kind, name)
                if reason:
                    part['kept'].append({'name': name, 'reason': reason})
                else:
                    part['prune'].append(name)
            removed[kind].extend(part['prune'])
        problems = []
        # A role still assigned, or a deployment still used, after the run: prune keeps it; a declared deletion fails.
        for kind, holder, after, what in (('role', 'user', self._users_after, 'assigned to the users'),
                                          ('deployment', 'app', self._apps_after, 'used by the apps')):
            if not (removed[kind]):
                continue
            kept = after(removed[holder])
            for name in list(removed[kind]):
                users = sorted(n for n, refs in kept.values() if folded(name) in [folded(r) for r in refs])
                if not users:
                    continue
                if name in plan[kind]['prune']:
                    plan[kind]['prune'].remove(name)
                    plan[kind]['kept'].append({'name': name, 'reason': 'still %s %s' % (what, ', '.join(users))})
                else:
                    problems.append('rockit_%s: %s is declared absent but stays %s %s, which the Edge refuses; '
                                    'change those first (in this run: declare them without it, or absent).'
                                    % (PLURAL[kind], name, what, ', '.join(users)))
        if problems:
            raise PlanError(' | '.join(problems), errors=problems, plan=plan)
        self._guard(plan)

    def _guard(self, plan):
        doomed = [(kind, name) for kind in ORDER for name in plan[kind]['prune']]
        listing = '; '.join('%s: %s' % (PLURAL[kind], ', '.join(plan[kind]['prune'])) for kind in ORDER if plan[kind]['prune'])
        content = [kind for kind in CONTENT_KINDS if plan[kind]['prune']]
        if content and not self.options.allow_content_loss:
            raise PlanError('Prune would delete %s (%s); deleting them destroys published content (builds, CDN origins). '
                            'Nothing was deleted. Set rockit_prune_allow_content_loss (prune_allow_content_loss) to true to '
                            'allow it, or keep them with rockit_prune_exclude (exclude).'
                            % (' and '.join(PLURAL[k] for k in content),
                               '; '.join('%s: %s' % (PLURAL[k], ', '.join(plan[k]['prune'])) for k in content)), plan=plan)
        limit = self.options.max_deletions
        if limit is not None and len(doomed) > limit:
            raise PlanError('Prune would delete %d objects, more than rockit_prune_max_deletions (prune_max_deletions) allows (%d); '
                            'nothing was deleted. Check the list (%s), then raise the limit to %d or narrow prune with '
                            'rockit_prune_exclude (exclude).' % (len(doomed), limit, listing, len(doomed)), plan=plan)

    # ------------------------------------------------------------------ the whole plan
    def run(self):
        self.check()
        if self.options.before_reads is not None:
            self.options.before_reads()
        self.workers = self.options.concurrency
        if self.workers > 1:
            self.ctx.client.in_flight.widen(self.workers)
        try:
            self.read_lists()
            entries = self.compare()
        finally:
            if self.noted:
                self.ctx.client.forget(self.noted)
        plan = {}
        for kind in ORDER:
            key = KINDS[kind][1]
            plan[kind] = {'declared': entries[kind], 'listed': kind in self.listed}
            plan[kind]['apply'] = [e['index'] for e in entries[kind]
                                   if e['state'] != 'absent' and (e['action'] != 'unchanged' or e.get('sends_secrets'))]
            plan[kind]['key'] = key
        self.prune(plan)
        for kind in ORDER:
            key = plan[kind]['key']
            absent = [e['name'] for e in plan[kind]['declared'] if e['action'] == 'deleted']
            plan[kind]['remove'] = [{key: name, 'state': 'absent'} for name in absent + plan[kind]['prune']]
        return finish(plan)


def finish(plan):
    """The plan with its summary: per kind the names missing, changed, extra, unchanged, not comparable, to delete."""
    summary, drift = {}, []
    for kind in ORDER:
        part = plan[kind]
        declared = part['declared']
        counts = {
            'missing': [e['name'] for e in declared if e['action'] == 'created'],
            'changed': [e['name'] for e in declared if e['action'] in ('updated', 'replaced') and e.get('changes')],
            'unchanged': [e['name'] for e in declared if e['action'] in ('unchanged', 'absent')
                          or (e['action'] in ('updated', 'replaced') and not e.get('changes'))],
            'not_comparable': [e['name'] for e in declared if e.get('not_comparable') or e.get('sends_secrets')],
            'extra': list(part.get('extra') or []) + [e['name'] for e in declared if e['action'] == 'deleted'],
            'delete': [e['name'] for e in declared if e['action'] == 'deleted'] + list(part['prune']),
        }
        summary[PLURAL[kind]] = counts
        for e in declared:
            if e['action'] == 'created':
                drift.append({'kind': kind, 'name': e['name'], 'status': 'missing'})
            elif e['action'] in ('updated', 'replaced') and e.get('changes'):
                drift.append({'kind': kind, 'name': e['name'], 'status': 'changed', 'changes': e['changes']})
            elif e['action'] == 'deleted':
                drift.append({'kind': kind, 'name': e['name'], 'status': 'extra', 'declared': 'absent'})
        for name in part.get('extra') or []:
            drift.append({'kind': kind, 'name': name, 'status': 'extra'})
    return {'kinds': dict((PLURAL[kind], plan[kind]) for kind in ORDER), 'order': [PLURAL[k] for k in ORDER],
            'summary': summary, 'drift': drift}


def make_plan(ctx, declarations, options=None):
    """The plan of ``declarations`` ({kind: [module options]}, kinds singular or plural) against the Edge of ``ctx``."""
    normalised = {}
    for kind, objects in (declarations or {}).items():
        normalised[SINGULAR.get(kind, kind)] = objects
    unknown = sorted(set(normalised) - set(ORDER))
    if unknown:
        raise PlanError('Unknown kinds: %s; use %s.' % (', '.join(unknown), ', '.join(PLURAL[k] for k in ORDER)))
    return Planner(ctx, normalised, options).run()


def run_plan(ctx):
    p = ctx.params
    started = time.time()
    declarations = dict((PLURAL[kind], p[PLURAL[kind]]) for kind in ORDER)
    kinds = p['kinds']
    options = PlanOptions(prune=p['prune'], exclude=p['exclude'], max_deletions=p['prune_max_deletions'],
                          allow_content_loss=p['prune_allow_content_loss'], protected_users=p['protected_users'] or (),
                          list_kinds=[SINGULAR[k] for k in kinds] if kinds is not None else None,
                          fail_on_refusal=p['fail_on_refusal'], concurrency=concurrency_of(ctx))
    username = p.get('edge_username') or getattr(ctx.client, 'username', None)
    preflight = None
    if p['preflight'] and not username:
        ctx.warn('The permission pre-flight was skipped: it needs the name of the user the play authenticates as '
                 '(edge_username, ROCKIT_USERNAME), which a token alone does not tell.')
    elif p['preflight']:
        preflight = []

        def check_reads():
            # After the input checks, before the plan's first read: the user's effective permissions, read once.
            user, dummy, permissions = effective_permissions(ctx.client, username)
            preflight.extend((user, permissions))
            reads = {}
            for kind in ORDER:
                if declarations[PLURAL[kind]] or options.prune[kind]:
                    reads.setdefault('%s.read' % KINDS[kind][2].permission, set()).add('read the %s' % PLURAL[kind])
            require(reads, user, permissions, username)
        options.before_reads = check_reads
    try:
        plan = make_plan(ctx, declarations, options)
    except PlanError as exc:
        details = {'errors': exc.errors}
        if exc.plan is not None:
            details['plan'] = finish(exc.plan)
        raise ModuleFailure(exc.msg, **details)
    if p['api_keys_file'] and plan['summary']['users']['missing']:
        # Before anything is created: a key the Edge returns once must have a place to go.
        try:
            check_writable(p['api_keys_file'])
        except KeysFileError as exc:
            raise ModuleFailure('api_keys_file: %s Nothing was sent.' % exc, plan=plan)
    plan['organisation'] = p['edge_org']
    if preflight:
        # Before the first write: a run that would meet a 403 half-way stops here, naming what to grant.
        user, permissions = preflight
        require(required_permissions(plan, username, p['requires'] or ()), user, permissions, username)
    return {'changed': False, 'plan': plan, 'drift': bool(plan['drift']), 'started': round(started, 3)}


# Options a user may change on its own account without beUsers.update (API assumptions, section 3).
SELF_SERVICE_OPTIONS = frozenset(('email', 'first_name', 'surname', 'title', 'password', 'current_password'))
OPERATIONS_OF = {'created': ('create',), 'updated': ('update',), 'replaced': ('delete', 'create'), 'deleted': ('delete',)}


def required_permissions(plan, username, requires=()):
    """permission -> the objects that need it, from what the plan will do (reads of every planned kind included)."""
    required = {}

    def need(res, op, why):
        required.setdefault('%s.%s' % (res.permission, op), set()).add(why)

    for permission in requires:
        required.setdefault(permission, set()).add('the run')
    for kind in ORDER:
        part = plan['kinds'][PLURAL[kind]]
        res = KINDS[kind][2]
        if part['declared'] or part.get('prune'):
            need(res, 'read', 'read the %s' % PLURAL[kind])
        for entry in part['declared']:
            action = entry['action']
            if action in ('updated', 'unchanged') and kind == 'user' and folded(entry['name']) == folded(username or ''):
                fields = set(change['field'] for change in entry.get('changes') or []) | set(entry.get('not_comparable') or [])
                if fields <= SELF_SERVICE_OPTIONS:
                    continue  # a user may change its own profile and password
            if action == 'unchanged' and entry.get('sends_secrets'):
                action = 'updated'
            for op in OPERATIONS_OF.get(action, ()):
                need(res, op, '%s %s %s' % (action[:-1] if action.endswith('ed') else action, kind, entry['name']))
        for name in part.get('prune') or []:
            need(res, 'delete', 'prune %s %s' % (kind, name))
    return required


KIND_PLURALS = [PLURAL[k] for k in ORDER]

PLAN_MODULE_OPTIONS = dict(
    deployments=dict(type='list', elements='dict', default=[]),
    roles=dict(type='list', elements='dict', default=[]),
    users=dict(type='list', elements='dict', default=[]),
    apps=dict(type='list', elements='dict', default=[]),
    subscriptions=dict(type='list', elements='dict', default=[]),
    prune=dict(type='dict', default={}, options=dict((k, dict(type='bool', default=False)) for k in KIND_PLURALS)),
    exclude=dict(type='dict', default={}, options=dict((k, dict(type='list', elements='str', default=[])) for k in KIND_PLURALS)),
    prune_max_deletions=dict(type='int', default=DEFAULT_MAX_DELETIONS),
    prune_allow_content_loss=dict(type='bool', default=False),
    protected_users=dict(type='list', elements='str', default=[]),
    kinds=dict(type='list', elements='str', choices=KIND_PLURALS),
    api_keys_file=dict(type='path', no_log=False),
    fail_on_refusal=dict(type='bool', default=True),
    preflight=dict(type='bool', default=False),
    requires=dict(type='list', elements='str', default=[]),
    concurrency=concurrency_option(),
)

PLAN_MODULE = ModuleDef('rockit_plan', PLAN_MODULE_OPTIONS, run_plan, nested_secrets=KIND_PLURALS, secret_names=SECRET_OPTION_NAMES)
