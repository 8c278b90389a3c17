# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
name: rockit
short_description: Read ROCKIT Edge objects and task status inline in templates
version_added: 1.0.0
description:
  - Reads deployments, roles, users, apps, event subscriptions or processing tasks of a ROCKIT Edge organisation while a
    template is rendered, with the code of the matching info module (M(rockitplay.edge.rockit_app_info),
    M(rockitplay.edge.rockit_tasks_info), ...), so the results are the same as theirs.
  - The first term is the kind; the further terms are names. Without names, every object of the kind is returned
    (tasks filtered by O(query)).
  - Returns one element per object; with O(field), that field of each object (for example a task's C(status)).
  - Only reads. Never returns a secret (the Edge returns none, and users and deployments are scrubbed like their info
    modules do).
author:
  - ROCKITPLAY (@rockitplay)
options:
  _terms:
    description:
      - The kind (V(apps), V(deployments), V(roles), V(users), V(subscriptions) or V(tasks); the singular works too),
        then the names to read.
    type: list
    elements: str
    required: true
  query:
    description:
      - Further options of the kind's info module, for example C(fields) for apps, or C(app_name), C(statuses),
        C(task_group), C(created_after), C(limit) and C(details) for tasks. Waiting is not available in a lookup.
    type: dict
    default: {}
  field:
    description:
      - Return this field of each object instead of the object (a dotted path such as C(origin.type)); an object without
        it gives null.
    type: str
  on_missing:
    description: What a name that does not exist gives - V(error) fails the template, V(skip) leaves it out.
    type: str
    choices: [error, skip]
    default: error
extends_documentation_fragment:
  - rockitplay.edge.lookup_connection
'''

EXAMPLES = r'''
- name: The label of the app Sushi
  ansible.builtin.debug:
    msg: "{{ lookup('rockitplay.edge.rockit', 'app', 'Sushi', field='label') }}"

- name: The status of one processing task
  ansible.builtin.debug:
    msg: "{{ lookup('rockitplay.edge.rockit', 'task', 'exampleorg-sushi-0003-1733846412-deploy', field='status') }}"

- name: The names of the failed tasks of Sushi
  ansible.builtin.debug:
    msg: "{{ query('rockitplay.edge.rockit', 'tasks', query={'app_name': 'Sushi', 'statuses': ['failed']}, field='name') }}"

- name: Every deployment, with the connection given here instead of the ROCKIT_* variables
  ansible.builtin.set_fact:
    edge_deployments: >-
      {{ query('rockitplay.edge.rockit', 'deployments', edge_url='https://edge.example.com', edge_org='ExampleOrg',
               edge_username='ci_bot', edge_api_key=vault_ci_bot_api_key) }}
'''

RETURN = r'''
_list:
  description:
    - One element per object (per name given, or every object of the kind), as the kind's info module returns it, or the
      value of O(field).
  type: list
  elements: raw
'''

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.rockitplay.edge.plugins.module_utils.app import APP_INFO_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.client import CONNECTION_ENV
from ansible_collections.rockitplay.edge.plugins.module_utils.deployment import DEPLOYMENT_INFO_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.engine import get_path
from ansible_collections.rockitplay.edge.plugins.module_utils.role import ROLE_INFO_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import Context, ModuleFailure, execute
from ansible_collections.rockitplay.edge.plugins.module_utils.subscription import SUBSCRIPTION_INFO_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.tasks import TASKS_INFO_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.user import USER_INFO_MODULE

# The connection options a lookup takes (those of doc_fragments/lookup_connection.py; reads need no admin token).
LOOKUP_CONNECTION = ('edge_url', 'edge_org', 'edge_username', 'edge_api_key', 'edge_password', 'edge_token', 'validate_certs',
                     'ca_path', 'request_timeout', 'retries', 'max_retry_wait', 'rate_limit')

# kind -> (info module, the list in its result, its option naming one object)
KINDS = {
    'apps': (APP_INFO_MODULE, 'apps', 'name'),
    'deployments': (DEPLOYMENT_INFO_MODULE, 'deployments', 'name'),
    'roles': (ROLE_INFO_MODULE, 'roles', 'name'),
    'users': (USER_INFO_MODULE, 'users', 'username'),
    'subscriptions': (SUBSCRIPTION_INFO_MODULE, 'subscriptions', 'name'),
    'tasks': (TASKS_INFO_MODULE, 'tasks', 'names'),
}
REFUSED_QUERY = ('wait', 'wait_timeout', 'wait_statuses', 'fail_on_failed')


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        if not terms:
            raise AnsibleLookupError('rockitplay.edge.rockit: give the kind (%s) as the first term.' % ', '.join(sorted(KINDS)))
        kind = str(terms[0]).lower()
        kind = kind if kind in KINDS else kind + 's'
        if kind not in KINDS:
            raise AnsibleLookupError('rockitplay.edge.rockit: unknown kind %r; use one of %s.' % (terms[0], ', '.join(sorted(KINDS))))
        names = [str(t) for t in terms[1:]]
        query = dict(self.get_option('query') or {})
        refused = sorted(set(query) & set(REFUSED_QUERY + tuple(CONNECTION_ENV)))
        if refused:
            raise AnsibleLookupError('rockitplay.edge.rockit: query: %s is not available in a lookup (the connection is set with '
                                     'the lookup options).' % ', '.join(refused))
        connection = dict((option, self.get_option(option)) for option in CONNECTION_ENV if option in LOOKUP_CONNECTION)
        definition, list_key, name_option = KINDS[kind]
        found = []
        for name in names or [None]:
            params = dict(query, **connection)
            if name is not None:
                params[name_option] = [name] if name_option == 'names' else name
            objects = self._read(definition, list_key, params)
            if name is not None and not objects:
                if self.get_option('on_missing') == 'error':
                    raise AnsibleLookupError('rockitplay.edge.rockit: %s %s does not exist (on_missing=skip leaves it out).'
                                             % (kind[:-1], name))
                continue
            found.extend(objects)
        field = self.get_option('field')
        if field:
            return [get_path(obj, field, None) if isinstance(obj, dict) else None for obj in found]
        return found

    @staticmethod
    def _read(definition, list_key, params):
        validation = definition.validator().validate(params)
        if validation.error_messages:
            raise AnsibleLookupError('rockitplay.edge.rockit: %s' % validation.errors.msg)
        ctx = Context(validation.validated_parameters, reuse_client=True)
        try:
            result = execute(definition, ctx)
        except ModuleFailure as failure:
            raise AnsibleLookupError('rockitplay.edge.rockit: %s' % failure.msg)
        return list(result.get(list_key) or [])
