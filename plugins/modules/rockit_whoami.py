#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: rockit_whoami
short_description: The user a play authenticates as, its roles and permissions; check a run's permissions before it writes
version_added: 1.0.0
description:
  - Reads the user the play authenticates as (O(edge_username)), its roles and its effective permissions, the CRUDX bitmask
    per resource (the bitwise OR over its roles; create 1, read 2, update 4, delete 8, execute 16).
  - The permissions are read from the Edge (C(GET /be/v1/users/{edge_username}), then C(GET /be/v1/roles/{name}) for each
    role), which needs C(beUsers.read) and C(roles.read). A user without them gets a failure that names them.
  - "With O(declarations) or O(requires), it is a pre-flight check: it works out the permissions the run needs and fails,
    naming each missing permission and the objects that need it, before anything is written. The bootstrap role runs it
    before its first write."
  - What a declaration needs is the kind's C(read) permission (every object is read first); C(create) for an object the Edge
    does not have; C(delete) for one declared with C(state=absent) that it has; and for one that exists, C(update)
    (C(delete) and C(create) for a subscription, which is replaced) only when it would change. Which objects exist is read
    from each kind's list (one request per kind); whether an existing object would change is worked out with its
    module's check mode, and only when the user lacks the permission to change it.
  - A user may change its own e-mail address, names, title and password without C(beUsers.update) (documented), so those
    changes to the user itself need no permission.
  - Nothing is written. The module reads the same in check mode.
author:
  - ROCKITPLAY (@rockitplay)
options:
  declarations:
    description:
      - The objects a run is about to apply, by module name (short or fully qualified), each a list of option dictionaries
        as the module takes them (the same shape as O(rockitplay.edge.rockit_validate#module:declarations)), including
        objects with C(state=absent).
      - Every declaration is checked the way its module checks it first; an invalid one fails the task.
      - The values of secret options inside (passwords, keys) are never shown.
    type: dict
  requires:
    description:
      - Further permissions the run needs, as C(resource.operation), for example V(tasks.read) to wait for pipelines.
      - "Resources: C(apps), C(beUsers), C(bundles), C(consumption), C(dependencies), C(deployments), C(keys), C(roles),
        C(sources), C(subscriptions), C(tasks), C(trainings); operations: C(create), C(read), C(update), C(delete),
        C(execute)."
    type: list
    elements: str
extends_documentation_fragment:
  - rockitplay.edge.connection
  - rockitplay.edge.attributes
  - rockitplay.edge.attributes.info_module
notes:
  - With O(edge_token), O(edge_username) must name the token's user.
seealso:
  - module: rockitplay.edge.rockit_role
  - module: rockitplay.edge.rockit_validate
  - module: rockitplay.edge.rockit_apply
'''

EXAMPLES = r'''
- name: Who am I, and what may I do?
  rockitplay.edge.rockit_whoami:
  register: me

- name: Show the effective permissions
  ansible.builtin.debug:
    msg: "{{ me.user.username }} ({{ me.user.type }}) has the roles {{ me.user.roles }} and may: {{ me.granted }}"

- name: Stop before anything is written when a permission is missing
  rockitplay.edge.rockit_whoami:
    declarations:
      rockit_role:
        - name: CI_Pipeline_Services
          permissions: {apps: [create, read, update, delete]}
      rockit_app:
        - name: Sushi
          label: "Sushibar: All you can feed"
          deployments: [gcore]
    requires: [tasks.read]
'''

RETURN = r'''
user:
  description: The user the play authenticates as, as the Edge returns it (never a secret).
  returned: success
  type: dict
  sample: {username: automation, type: machine, label: Automation, roles: [Administrators],
           created: "2025-01-01T00:00:00Z", updated: "2025-01-01T00:00:00Z"}
roles:
  description: The user's roles as the Edge returns them, with their bitmasks.
  returned: success
  type: list
  elements: dict
  sample:
    - name: Administrators
      label: Administrators
      permissions: {apps: 15, beUsers: 15, bundles: 15, consumption: 2, dependencies: 15, deployments: 15, keys: 15,
                    roles: 15, sources: 15, subscriptions: 15, tasks: 31, trainings: 6}
permissions:
  description: The effective CRUDX bitmask per resource (the bitwise OR over the roles).
  returned: success
  type: dict
  sample: {apps: 15, beUsers: 15, bundles: 0, consumption: 0, dependencies: 0, deployments: 15, keys: 0, roles: 15,
           sources: 0, subscriptions: 15, tasks: 2, trainings: 0}
granted:
  description: The permissions the user has, as C(resource.operation).
  returned: success
  type: list
  elements: str
  sample: [apps.create, apps.read, apps.update, apps.delete, tasks.read]
required:
  description: With O(declarations) or O(requires), each permission the run needs, with what needs it.
  returned: when O(declarations) or O(requires) is given
  type: dict
  sample: {apps.create: [create app Sushi], apps.read: [read app Sushi], tasks.read: [the run]}
missing:
  description: The required permissions the user lacks, with what needs them. The task fails when this is not empty.
  returned: when O(declarations) or O(requires) is given
  type: dict
  sample: {apps.create: [create app Sushi]}
'''

from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import run_ansible_module
from ansible_collections.rockitplay.edge.plugins.module_utils.whoami import WHOAMI_MODULE


def main():
    run_ansible_module(WHOAMI_MODULE)


if __name__ == '__main__':
    main()
