#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: rockit_org
short_description: Create or delete a ROCKIT Edge organisation with its primary administrator
version_added: 1.0.0
description:
  - Creates an organisation together with its primary administrator (a user with a password and no API key, member of
    the role C(Administrators)), or deletes an organisation with everything in it, through the Edge's admin API.
  - Authenticates with the installation's admin token O(edge_admin_token) only; user credentials are not used.
  - An existing organisation is never changed (the admin API cannot change it); a primary administrator that differs from
    the declaration is reported as a warning.
author:
  - ROCKITPLAY (@rockitplay)
options:
  name:
    description:
      - The organisation's name (2 to 50 letters, digits or underscores).
    type: str
    required: true
  state:
    description:
      - V(present) creates the organisation when it does not exist; V(absent) deletes it with every object, user, key and
        session in it.
    type: str
    choices: [present, absent]
    default: present
  admin_user:
    description:
      - The user name of the primary administrator. Required with O(state=present).
    type: str
  admin_email:
    description:
      - The e-mail address of the primary administrator. Required with O(state=present).
    type: str
  admin_password:
    description:
      - The primary administrator's password (8 to 128 characters), used only when the organisation is created.
      - Without it the Edge chooses one and returns it once, as RV(initial_password).
    type: str
  admin_first_name:
    description:
      - The primary administrator's first name, used only when the organisation is created.
    type: str
  admin_surname:
    description:
      - The primary administrator's surname, used only when the organisation is created.
    type: str
  initial_password_file:
    description:
      - Without O(admin_password), a file that receives the password the Edge chose (mode 0600). Its directory is checked
        before the organisation is created, because the Edge returns that password only once.
    type: path
extends_documentation_fragment:
  - rockitplay.edge.connection
  - rockitplay.edge.attributes
attributes:
  check_mode:
    support: full
    details:
      - From Edge release 159 the module reads the organisation (C(GET /adm/v1/orgs/{name})) and predicts exactly.
      - Older releases cannot be asked whether an organisation exists. There check mode predicts V(changed) (a create or a
        delete, with a warning saying it could not be confirmed), and a real run learns it from the answer
        (C(409 already-exists) means it was there, C(404 not-found) that it was gone); RV(existence_known) is V(false).
  diff_mode:
    support: full
    details: The organisation's name and primary administrator; never a password.
notes:
  - The release is read from the service routes (C(/srv/v1/versions), C(/adm/v1/versions) on release 152); releases
    without them (151 and older) are treated as unable to read organisations.
  - On releases older than 159 a run of O(state=present) for an existing organisation sends a C(POST) that the Edge
    refuses with C(409); the task still reports V(changed=false).
seealso:
  - module: rockitplay.edge.rockit_edge_info
  - module: rockitplay.edge.rockit_api_key
  - ref: ansible_collections.rockitplay.edge.docsite.authentication
    description: The connection guide (admin token, login flows).
'''

EXAMPLES = r'''
- name: Create the organisation with its primary administrator
  rockitplay.edge.rockit_org:
    edge_admin_token: "{{ vault_rockit_admin_token }}"
    name: GameStudio
    admin_user: studio_admin
    admin_email: admin@example.com
    admin_password: "{{ vault_studio_admin_password }}"

- name: Let the Edge choose the first password and keep it in a file
  rockitplay.edge.rockit_org:
    edge_admin_token: "{{ vault_rockit_admin_token }}"
    name: TestOrg
    admin_user: test_admin
    admin_email: test@example.com
    initial_password_file: "{{ playbook_dir }}/secrets/testorg-admin-password"

- name: Delete a test organisation with everything in it
  rockitplay.edge.rockit_org:
    edge_admin_token: "{{ vault_rockit_admin_token }}"
    name: TestOrg
    state: absent
'''

RETURN = r'''
name:
  description: The organisation's name.
  returned: always
  type: str
  sample: GameStudio
org:
  description: The organisation as the Edge returned it (null when it was deleted, or not readable on this release).
  returned: always
  type: dict
  sample: {name: GameStudio, adminUser: studio_admin, adminEmail: admin@example.com, created: "2026-12-01T10:00:00Z",
           updated: "2026-12-01T10:00:00Z"}
action:
  description: What was done (or would be done in check mode) - V(create), V(delete) or V(none).
  returned: always
  type: str
  sample: create
release:
  description: The Edge's release, when its service routes tell it.
  returned: always
  type: int
  sample: 159
existence_known:
  description: Whether the module could read whether the organisation exists (release 159 and later).
  returned: always
  type: bool
  sample: true
initial_password:
  description:
    - The password the Edge chose for the primary administrator, returned only by the create and only without
      O(admin_password). Hidden from the output; keep it from the registered result or O(initial_password_file).
  returned: when the Edge returned it
  type: str
  sample: "********"
'''

from ansible_collections.rockitplay.edge.plugins.module_utils.org import ORG_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import run_ansible_module


def main():
    run_ansible_module(ORG_MODULE)


if __name__ == '__main__':
    main()
