#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: rockit_role_info
short_description: Read the roles of a ROCKIT Edge organisation
version_added: 1.0.0
description:
  - Returns one role by name, or every role of the organisation (all pages are read; nothing is truncated).
author:
  - ROCKITPLAY (@rockitplay)
options:
  name:
    description:
      - The role to read. Without it, every role is returned.
      - A role that does not exist gives an empty list, not a failure.
    type: str
extends_documentation_fragment:
  - rockitplay.edge.connection
  - rockitplay.edge.attributes
  - rockitplay.edge.attributes.info_module
seealso:
  - module: rockitplay.edge.rockit_role
'''

EXAMPLES = r'''
- name: Read every role
  rockitplay.edge.rockit_role_info:
  register: all_roles

- name: Read one role
  rockitplay.edge.rockit_role_info:
    name: Administrators
  register: admins
'''

RETURN = r'''
roles:
  description: The roles, in the Edge's order.
  returned: always
  type: list
  elements: dict
  sample:
    - name: Administrators
      label: ""
      permissions: {apps: 15, beUsers: 15, bundles: 15, consumption: 2, dependencies: 15, deployments: 15, keys: 15,
                    roles: 15, sources: 15, subscriptions: 15, tasks: 31, trainings: 6}
total_count:
  description: How many roles the Edge counts.
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.rockitplay.edge.plugins.module_utils.role import ROLE_INFO_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import run_ansible_module


def main():
    run_ansible_module(ROLE_INFO_MODULE)


if __name__ == '__main__':
    main()
