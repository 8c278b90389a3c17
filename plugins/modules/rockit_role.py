#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: rockit_role
short_description: Manage roles of a ROCKIT Edge organisation
version_added: 1.0.0
description:
  - Create, update and delete a role and its permissions.
  - A role holds one CRUDX bitmask per Edge resource (Create 1, Read 2, Update 4, Delete 8, eXecute 16).
  - The declared O(permissions) are the whole truth about the role; resources not listed have no permission.
    Only the options you set are compared, so a second run with the same options changes nothing and sends no write.
author:
  - ROCKITPLAY (@rockitplay)
options:
  name:
    description:
      - The role name, its immutable identifier. 2 to 50 letters, digits or underscores.
      - The role C(Administrators) exists in every organisation and cannot be changed or deleted.
    type: str
    required: true
  label:
    description:
      - A human-readable name, at most 256 characters.
    type: str
  permissions:
    description:
      - The permissions per resource, as a list of operations (V(create), V(read), V(update), V(delete), V(execute))
        or as the raw bitmask.
      - "Resources and the operations they allow: V(apps), V(beUsers) (users), V(bundles), V(dependencies), V(deployments),
        V(keys), V(roles), V(sources), V(subscriptions): create, read, update, delete (at most 15);
        V(tasks): also execute (at most 31); V(consumption): read (2); V(trainings): read, update (6)."
      - Unknown resources, unknown operations and values above the maximum are refused before any request is sent.
    type: dict
  state:
    description:
      - V(present) creates or updates the role, V(absent) deletes it.
      - A role still assigned to a user cannot be deleted; the Edge names the users.
    type: str
    default: present
    choices: [present, absent]
extends_documentation_fragment:
  - rockitplay.edge.connection
  - rockitplay.edge.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
seealso:
  - module: rockitplay.edge.rockit_role_info
  - module: rockitplay.edge.rockit_user
'''

EXAMPLES = r'''
- name: Let CI machine users manage apps and read tasks
  rockitplay.edge.rockit_role:
    name: CI_Pipeline_Services
    label: CI Pipeline Services
    permissions:
      apps: [create, read, update, delete]
      tasks: [read]

- name: The same with bitmasks
  rockitplay.edge.rockit_role:
    name: Account_Admins
    permissions:
      beUsers: 15
      roles: 15

- name: Connection set once for a play through the action group
  module_defaults:
    group/rockitplay.edge.rockit:
      edge_url: https://edge.example.com
      edge_org: ExampleOrg
      edge_username: automation
      edge_api_key: "{{ vault_edge_api_key }}"
  block:
    - name: Remove a role
      rockitplay.edge.rockit_role:
        name: Testers
        state: absent
'''

RETURN = r'''
role:
  description: The role as the Edge returns it after the task (in check mode, as it would be). Null when O(state=absent).
  returned: always
  type: dict
  sample:
    name: CI_Pipeline_Services
    label: CI Pipeline Services
    permissions: {apps: 15, beUsers: 0, bundles: 0, consumption: 0, dependencies: 0, deployments: 0, keys: 0,
                  roles: 0, sources: 0, subscriptions: 0, tasks: 2, trainings: 0}
    created: "2026-11-22T10:00:00Z"
    updated: "2026-11-22T10:00:00Z"
diff:
  description: The managed fields before and after (in diff mode).
  returned: when diff mode is on
  type: dict
  sample:
    before: {name: CI_Pipeline_Services, label: CI}
    after: {name: CI_Pipeline_Services, label: CI Pipeline Services}
'''

from ansible_collections.rockitplay.edge.plugins.module_utils.role import ROLE_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import run_ansible_module


def main():
    run_ansible_module(ROLE_MODULE)


if __name__ == '__main__':
    main()
