# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rockit_export: an organisation as the variables of the bootstrap role.

Every object of the chosen kinds is read (the list, then each object by name, as the modules read it)
and written back as the options of its module: only the fields the modules manage, without the
values the Edge uses when a field is not given, in a stable order (names without regard to case,
options in the order of the module's documentation), so an unchanged organisation exports to the
same bytes. Write-only values (origin credentials, download keys), which the Edge never returns,
become placeholders marked with ``REPLACE-WITH-VAULT-REFERENCE``; the collection refuses to send a
placeholder, so an exported object can be compared and kept, but not created, until it is replaced.
"""

import fnmatch
import os
import re

try:
    import yaml
    HAS_YAML = True
except ImportError:  # pragma: no cover - PyYAML comes with ansible-core
    HAS_YAML = False

from ansible_collections.rockitplay.edge.plugins.module_utils import rockit_specs as specs
from ansible_collections.rockitplay.edge.plugins.module_utils.files import replace_atomically
from ansible_collections.rockitplay.edge.plugins.module_utils.engine import PLACEHOLDER_MARK, get_path, read
from ansible_collections.rockitplay.edge.plugins.module_utils.role import OPERATIONS
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import ModuleDef, ModuleFailure
from ansible_collections.rockitplay.edge.plugins.module_utils.subscription import aggregate

ORDER = ('deployment', 'role', 'user', 'app', 'subscription')
PLURAL = dict((kind, kind + 's') for kind in ORDER)
RESOURCES = {'deployment': specs.DEPLOYMENT, 'role': specs.ROLE, 'user': specs.USER, 'app': specs.APP,
             'subscription': specs.SUBSCRIPTION}
CREDENTIAL_OPTIONS = {'s3': ('access_key_id', 'secret_access_key'), 'netstorage': ('key_name', 'key')}
HEADER = '''---
# The ROCKIT Edge organisation %(org)s, exported by
# rockitplay.edge.rockit_export: the variables of the role rockitplay.edge.bootstrap.
#
# Values marked %(mark)s are write-only on the Edge,
# which never returns them. They are only sent when an object is created
# (and the collection refuses to send a placeholder): replace each with a
# vault reference, for example "{{ vault_name }}", before that can happen.
'''


def folded(name):
    return str(name).lower()


def sort_names(items, key):
    return sorted(items, key=lambda item: (folded(item[key]), str(item[key])))


def placeholder(kind, name, option):
    """A marked placeholder for a write-only value, naming the vault variable to use for it."""
    slug = re.sub(r'[^a-z0-9_]', '_', ('%s_%s_%s' % (kind, name, option.replace('.', '_'))).lower())
    return '%s vault_rockit_%s' % (PLACEHOLDER_MARK, re.sub(r'_+', '_', slug).strip('_'))


def _text(value):
    return value if isinstance(value, str) and value != '' else None


def permissions_options(masks):
    """A role's bitmasks as the module's lists of operations (resources without a permission left out)."""
    out = {}
    for resource in sorted(masks or {}):
        mask = masks[resource]
        if not isinstance(mask, int) or isinstance(mask, bool) or not mask:
            continue
        ops = [op for op in OPERATIONS if specs.PERMISSION_BITS[op] & mask]
        out[resource] = ops if sum(specs.PERMISSION_BITS[op] for op in ops) == mask else mask
    return out


def export_deployment(obj):
    name = obj['name']
    origin = obj.get('origin') or {}
    kind = origin.get('type')
    options = {'type': kind, 'endpoint': origin.get('endpoint')}
    for option in ('region', 'bucket'):
        if _text(origin.get(option)):
            options[option] = origin[option]
    if _text(obj.get(specs.DEPLOYMENT_ORIGIN_OPTIONS['prefix'])):
        options['prefix'] = obj[specs.DEPLOYMENT_ORIGIN_OPTIONS['prefix']]
    for option in CREDENTIAL_OPTIONS.get(kind, ()):
        options[option] = placeholder('deployment', name, 'origin.' + option)
    item = {'name': name, 'origin': options}
    auth = obj.get(specs.DEPLOYMENT_DOWNLOAD_AUTH)
    auth_type = auth.get(specs.DEPLOYMENT_DOWNLOAD_AUTH_TYPE) if isinstance(auth, dict) else None
    if auth_type:
        item['download_auth'] = {'type': auth_type, 'key': placeholder('deployment', name, 'download_auth.key')}
    return item


def export_role(obj):
    item = {'name': obj['name']}
    if _text(obj.get('label')):
        item['label'] = obj['label']
    permissions = permissions_options(obj.get('permissions'))
    if permissions:
        item['permissions'] = permissions
    return item


def export_user(obj):
    item = {'username': obj[specs.USER.id_field]}
    if obj.get(specs.USER_TYPE) == specs.USER_TYPE_MACHINE:
        item['type'] = specs.USER_TYPE_MACHINE
        options = ('label',)
    else:
        options = ('email', 'first_name', 'surname', 'title')
    for option in options:
        value = _text(obj.get(specs.USER_OPTIONS[option]))
        if value is not None:
            item[option] = value
    roles = obj.get(specs.USER_OPTIONS['roles']) or []
    if roles:
        item['roles'] = sorted(roles, key=lambda r: (folded(r), r))
    return item


def export_app(obj):
    item = {'name': obj['name']}
    if _text(obj.get(specs.APP_OPTIONS['label'])):
        item['label'] = obj[specs.APP_OPTIONS['label']]
    max_builds = obj.get(specs.APP_OPTIONS['max_builds'])
    if isinstance(max_builds, int) and max_builds != specs.APP.defaults.get(specs.APP_OPTIONS['max_builds']):
        item['max_builds'] = max_builds
    deployments = obj.get(specs.APP_OPTIONS['deployments']) or []
    if deployments:
        item['deployments'] = sorted(deployments, key=lambda d: (folded(d), d))
    else:
        # Registered on no deployment: published to every deployment, which the module wants said.
        item['all_deployments'] = True
    return item


def export_subscription(obj):
    item = {'name': obj['name'], 'sender': obj.get('sender')}
    events = obj.get(specs.SUBSCRIPTION_EVENTS_FIELD) or []
    item['events'] = [e for e in specs.SUBSCRIPTION_EVENTS if e in events] + sorted(e for e in events if e not in specs.SUBSCRIPTION_EVENTS)
    kind = obj.get(specs.SUBSCRIPTION_TYPE)
    if kind == specs.SUBSCRIPTION_SLACK[0]:
        item['slack_channel'] = get_path(obj, specs.SUBSCRIPTION_SLACK[1], None)
    else:
        item['webhook_url'] = get_path(obj, specs.SUBSCRIPTION_WEBHOOK[1], None)
    return item


EXPORTERS = {'deployment': export_deployment, 'role': export_role, 'user': export_user, 'app': export_app,
             'subscription': export_subscription}


def _names(client, kind):
    res = RESOURCES[kind]
    items, dummy = client.list_all(res.path, res.list_key)
    if kind == 'subscription':
        items = aggregate(items)
    return [item[res.id_field] for item in items if isinstance(item, dict) and item.get(res.id_field) is not None]


def left_out(kind, name, auth_user, exclude):
    if kind == 'role' and folded(name) == folded(specs.ADMIN_ROLE):
        return True
    if kind == 'user' and auth_user and folded(name) == folded(auth_user):
        return True
    return any(fnmatch.fnmatchcase(folded(name), folded(p)) for p in exclude.get(PLURAL[kind]) or [])


def export_objects(client, kinds, auth_user=None, exclude=None):
    """{rockit_<kind>s: [module options]} of the chosen kinds, each list sorted by name, and the placeholders written."""
    out, held = {}, []
    for kind in ORDER:
        if PLURAL[kind] not in kinds:
            continue
        res = RESOURCES[kind]
        items = []
        for name in _names(client, kind):
            if left_out(kind, name, auth_user, exclude or {}):
                continue
            obj = read(client, res, name)
            if obj is None:
                continue  # deleted while the organisation was read
            items.append(EXPORTERS[kind](obj))
        key = 'username' if kind == 'user' else 'name'
        items = sort_names(items, key)
        for item in items:
            for option, value in _leaves(item):
                if isinstance(value, str) and value.startswith(PLACEHOLDER_MARK):
                    held.append('rockit_%s: %s: %s' % (PLURAL[kind], item[key], option))
        out['rockit_' + PLURAL[kind]] = items
    return out, held


def _leaves(item, prefix=''):
    for key, value in item.items():
        if isinstance(value, dict):
            yield from _leaves(value, prefix + key + '.')
        else:
            yield prefix + key, value


if HAS_YAML:
    class _Dumper(yaml.SafeDumper):
        """Block style, indented sequences (yamllint's default), no aliases."""

        def increase_indent(self, flow=False, indentless=False):
            return super(_Dumper, self).increase_indent(flow, False)

        def ignore_aliases(self, data):
            return True


def render(variables, org):
    """The vars file: a header, then the variables in dependency order, each object with its options in a fixed order."""
    if not HAS_YAML:
        raise ModuleFailure('PyYAML is needed to write the export.')
    body = yaml.dump(variables, Dumper=_Dumper, default_flow_style=False, sort_keys=False, allow_unicode=True,
                     width=150, indent=2, explicit_start=False)
    return HEADER % {'org': org or '', 'mark': PLACEHOLDER_MARK} + body


OPTION_ORDER = {
    'deployment': ('name', 'origin', 'download_auth'),
    'role': ('name', 'label', 'permissions'),
    'user': ('username', 'type', 'email', 'first_name', 'surname', 'title', 'label', 'roles'),
    'app': ('name', 'label', 'max_builds', 'deployments', 'all_deployments'),
    'subscription': ('name', 'sender', 'events', 'webhook_url', 'slack_channel'),
}
NESTED_ORDER = ('type', 'endpoint', 'region', 'bucket', 'prefix', 'access_key_id', 'secret_access_key', 'key_name', 'key')


def ordered(kind, item):
    """The options of an item in the order of the module's documentation."""
    out = {}
    for option in OPTION_ORDER[kind]:
        if option in item:
            value = item[option]
            if isinstance(value, dict) and option != 'permissions':
                value = dict((k, value[k]) for k in NESTED_ORDER if k in value)
            out[option] = value
    return out


def write_file(path, text):
    """Replace ``path`` with ``text`` (atomically); False when it holds that text already."""
    path = os.path.abspath(os.path.expanduser(path))
    try:
        with open(path, 'r') as handle:
            if handle.read() == text:
                return False
    except (IOError, OSError):
        pass
    directory = os.path.dirname(path)
    if not os.path.isdir(directory):
        raise ModuleFailure('dest: the directory %s does not exist (on the host that runs the task).' % directory)
    replace_atomically(path, text, 0o644)
    return True


def run_export(ctx):
    p = ctx.params
    kinds = p['kinds'] or [PLURAL[k] for k in ORDER]
    auth_user = p['edge_username'] if p['exclude_auth_user'] else None
    variables, held = export_objects(ctx.client, kinds, auth_user, p['exclude'])
    for name, items in variables.items():
        kind = name[len('rockit_'):-1]
        variables[name] = [ordered(kind, item) for item in items]
    content = render(variables, p['edge_org'] or getattr(ctx.client, 'org', None))
    result = {'changed': False, 'vars': variables, 'content': content, 'placeholders': held,
              'counts': dict((name[len('rockit_'):], len(items)) for name, items in variables.items())}
    if p['dest']:
        result['dest'] = os.path.abspath(os.path.expanduser(p['dest']))
        if ctx.check_mode:
            try:
                with open(result['dest'], 'r') as handle:
                    result['changed'] = handle.read() != content
            except (IOError, OSError):
                result['changed'] = True
        else:
            result['changed'] = write_file(p['dest'], content)
    return result


EXPORT_MODULE = ModuleDef(
    'rockit_export',
    dict(
        dest=dict(type='path'),
        kinds=dict(type='list', elements='str', choices=[PLURAL[k] for k in ORDER]),
        exclude_auth_user=dict(type='bool', default=True),
        exclude=dict(type='dict', default={}, options=dict((PLURAL[k], dict(type='list', elements='str', default=[])) for k in ORDER)),
    ),
    run_export,
)
