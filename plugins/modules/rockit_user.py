#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: rockit_user
short_description: Manage human and machine users of a ROCKIT Edge organisation
version_added: 1.0.0
description:
  - Create, update and delete users of an organisation and their roles.
  - Human users (O(type=user)) have an e-mail address, a name and a password and log in with it.
    Machine users (O(type=machine)) have a label and an API key, for automation.
  - The server derives the type of a user when it is created and it cannot be changed. If the user exists with the other
    type, the task fails; delete the user (O(state=absent)) and create it again.
  - Only the options you set are compared (O(roles) as a set, in any order), so a second run with the same options changes
    nothing and sends no write.
  - "A new machine user's API key is returned B(once), by the run that creates the user: under RV(api_key) in the task result
    and, with O(api_key_file), in a file. The output of that task is hidden (as with C(no_log)), while C(register) keeps the
    key; it is never printed unless you print it yourself."
author:
  - ROCKITPLAY (@rockitplay)
options:
  username:
    description:
      - The user name, the immutable identifier. 2 to 50 letters, digits or underscores.
    type: str
    required: true
  type:
    description:
      - V(user) for a human user, V(machine) for a machine user.
      - Options for one type are refused for the other, before any request is sent.
    type: str
    default: user
    choices: [user, machine]
  email:
    description:
      - The e-mail address of a human user (name@domain.tld, at most 254 characters). Required to create one.
    type: str
  first_name:
    description:
      - The first name of a human user, 1 to 100 characters. Required to create one.
    type: str
  surname:
    description:
      - The surname of a human user, 1 to 100 characters. Required to create one.
    type: str
  title:
    description:
      - The job title of a human user, at most 100 characters.
    type: str
  label:
    description:
      - The label of a machine user, for example what it is used for, 1 to 256 characters. Required to create one.
    type: str
  roles:
    description:
      - The roles of the user, the whole list; compared as a set, so the order does not matter.
      - When a user is created without O(roles), it gets no role.
      - Every role must exist; the Edge refuses unknown roles.
    type: list
    elements: str
  password:
    description:
      - The password of a human user, 8 to 128 characters.
      - It is sent when the user is created. A human user created without a password receives an invitation and cannot log in
        until an administrator sets a password (O(update_password=always)).
      - For an existing user it is only used with O(update_password=always).
    type: str
  update_password:
    description:
      - V(on_create) sets O(password) only when the user is created.
      - V(always) also sets it on an existing user. Without O(current_password) an administrator resets it (this needs the
        C(beUsers.update) permission); the password cannot be read back, so the task reports a change on every run.
        With O(current_password) the user changes its own password (see there).
    type: str
    default: on_create
    choices: [on_create, always]
  current_password:
    description:
      - The user's current password, for the self-service password change (C(oldPW)/C(newPW)) with O(update_password=always).
      - This changes the password of the user the play authenticates as (O(edge_username) is O(username)); that user needs no
        C(beUsers.update) permission. A task that only changes the own password also works without the C(beUsers.read) permission.
      - The module first checks whether O(password) already works (the first step of the login, which changes nothing); only if
        not is the password changed, so the task is idempotent. Once the password has changed, a play that logs in as this user
        must use the new password in O(edge_password).
      - The change is never sent twice blindly. When its answer is lost, the module checks which password works. If the new one
        works, the change is reported. If the old one still works, the change is sent once more. If neither works, the task
        fails and says so.
    type: str
  api_key_file:
    description:
      - A file to write a new machine user's API key to (the key alone, without a newline), with mode C(0600), when the user is
        created.
      - "The file is written on the host that runs the module, that is the controller for local tasks (C(connection: local) or
        C(delegate_to: localhost)). Its directory must exist."
      - The key is only returned when the user is created; a later run does not write the file. If the key was lost (the file
        and the registered result are gone, or the task warned that the answer to the create was lost), rotate it by deleting the
        machine user (O(state=absent)) and create it again, which issues a new key.
    type: path
  state:
    description:
      - V(present) creates or updates the user, V(absent) deletes it.
      - A user cannot delete itself.
    type: str
    default: present
    choices: [present, absent]
extends_documentation_fragment:
  - rockitplay.edge.connection
  - rockitplay.edge.attributes
attributes:
  check_mode:
    support: full
    details: With O(current_password), check mode also tries the first login step to predict whether the password changes.
  diff_mode:
    support: full
    details: A password is shown masked.
notes:
  - Passwords and API keys are never returned by reads, and never shown in the diff.
seealso:
  - module: rockitplay.edge.rockit_user_info
  - module: rockitplay.edge.rockit_role
'''

EXAMPLES = r'''
- name: A human user with two roles
  rockitplay.edge.rockit_user:
    username: jdoe
    email: jdoe@example.com
    first_name: Jane
    surname: Doe
    title: Producer
    roles: [Managers, Testers]
    password: "{{ vault_jdoe_initial_password }}"

- name: A machine user for the CI pipeline, its API key written to a file on the controller
  rockitplay.edge.rockit_user:
    username: ci_bot
    type: machine
    label: CI pipeline
    roles: [CI_Pipeline_Services]
    api_key_file: "{{ playbook_dir }}/secrets/ci_bot.key"
  register: ci_bot

- name: Use the new key right away (only the run that creates the user returns it); its role may read apps
  rockitplay.edge.rockit_app_info:
    edge_username: ci_bot
    edge_api_key: "{{ ci_bot.api_key }}"
    fields: [name]
  when: ci_bot.api_key is defined

- name: Reset a user's password as an administrator
  rockitplay.edge.rockit_user:
    username: jdoe
    password: "{{ vault_jdoe_password }}"
    update_password: always

- name: A user changes its own password (logged in as that user, so the play's API key is not used)
  rockitplay.edge.rockit_user:
    edge_username: jdoe
    edge_password: "{{ vault_jdoe_old_password }}"
    edge_api_key: ""
    username: jdoe
    password: "{{ vault_jdoe_new_password }}"
    current_password: "{{ vault_jdoe_old_password }}"
    update_password: always

- name: Remove a user
  rockitplay.edge.rockit_user:
    username: ci_bot
    state: absent
'''

RETURN = r'''
user:
  description:
    - The user as the Edge returns it after the task (in check mode, as it would be). Null when O(state=absent).
    - Never holds a password or an API key.
  returned: always
  type: dict
  sample:
    username: ci_bot
    type: machine
    label: CI pipeline
    roles: [CI_Pipeline_Services]
    created: "2026-11-22T10:00:00Z"
    updated: "2026-11-22T10:00:00Z"
api_key:
  description:
    - The API key of a machine user, returned once, by the run that creates the user.
    - The output of this task is hidden from the display; C(register) keeps the key.
    - The key is looked for under several names in the Edge's answer (C(apiKey) first). When the answer has none of them,
      the task fails, names the fields the answer had (never their values) and says how to get a new key.
  returned: when a machine user was created
  type: str
  sample: 3q2-7h1J8Zb0vQnLrW4tPx9yKcA5mD6eF
diff:
  description: The managed fields before and after (in diff mode); a password is masked.
  returned: when diff mode is on
  type: dict
  sample:
    before: {username: jdoe, roles: [Managers]}
    after: {username: jdoe, roles: [Managers, Testers]}
'''

from ansible_collections.rockitplay.edge.plugins.module_utils.user import USER_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import run_ansible_module


def main():
    run_ansible_module(USER_MODULE)


if __name__ == '__main__':
    main()
