#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: rockit_user_info
short_description: Read the users of a ROCKIT Edge organisation
version_added: 1.0.0
description:
  - Returns one user by name, or every user of the organisation, human and machine users alike (all pages are read;
    nothing is truncated).
  - Never returns a password or an API key.
author:
  - ROCKITPLAY (@rockitplay)
options:
  username:
    description:
      - The user to read. Without it, every user is returned.
      - A user that does not exist gives an empty list, not a failure.
    type: str
extends_documentation_fragment:
  - rockitplay.edge.connection
  - rockitplay.edge.attributes
  - rockitplay.edge.attributes.info_module
seealso:
  - module: rockitplay.edge.rockit_user
'''

EXAMPLES = r'''
- name: Read every user
  rockitplay.edge.rockit_user_info:
  register: all_users

- name: List the machine users
  ansible.builtin.debug:
    msg: "{{ all_users.users | selectattr('type', 'equalto', 'machine') | map(attribute='username') | list }}"

- name: Read one user
  rockitplay.edge.rockit_user_info:
    username: jdoe
  register: jdoe
'''

RETURN = r'''
users:
  description: The users, in the Edge's order. Human users carry C(email), C(firstname), C(surname), C(title); machine users C(label).
  returned: always
  type: list
  elements: dict
  sample:
    - username: jdoe
      type: user
      email: jdoe@example.com
      firstname: Jane
      surname: Doe
      title: Producer
      roles: [Managers]
      created: "2026-11-22T10:00:00Z"
      updated: "2026-11-22T10:00:00Z"
    - username: ci_bot
      type: machine
      label: CI pipeline
      roles: [CI_Pipeline_Services]
      created: "2026-11-22T10:00:00Z"
      updated: "2026-11-22T10:00:00Z"
total_count:
  description: How many users the Edge counts.
  returned: always
  type: int
  sample: 2
'''

from ansible_collections.rockitplay.edge.plugins.module_utils.user import USER_INFO_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import run_ansible_module


def main():
    run_ansible_module(USER_INFO_MODULE)


if __name__ == '__main__':
    main()
