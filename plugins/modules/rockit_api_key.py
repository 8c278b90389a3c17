#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: rockit_api_key
short_description: Create, rotate and revoke API keys of ROCKIT Edge users
version_added: 1.0.0
description:
  - Creates an API key for a machine user (or for the authenticated user), rotates it, or revokes it, and keeps the keys
    in an API keys file (organisation -> user -> key, mode 0600, merged under a lock and replaced atomically, so plays on
    several hosts can share it).
  - The Edge keeps no list of keys and returns a key's secret only when it creates it, so the module learns whether a
    key is there by using it. B(Idempotence:) with O(state=present), a key from O(api_key) or from O(keys_file) that still
    authenticates means there is nothing to do; the module then sends only that one read with that key, and never logs in
    with the task's credentials.
  - Rotation creates the new key first, proves that it authenticates, stores it, and only then revokes the old one, so
    the user is never without a working key.
author:
  - ROCKITPLAY (@rockitplay)
options:
  username:
    description:
      - The user whose keys are managed, usually a machine user. Defaults to O(edge_username), the authenticated user.
      - A key for another user needs the permission C(beUsers.update).
    type: str
  state:
    description:
      - V(present) makes sure a working key exists (creates one only when no known key authenticates).
      - V(rotated) always creates a new key and revokes the old one (O(api_key_id), or the id in O(keys_file)); use it with
        a C(when) condition, for example on the age shown in the keys file.
      - V(absent) revokes the key O(api_key_id) (or the one in O(keys_file)), or every key of the user with O(all_keys),
        and removes the user's entry from O(keys_file). A stored key that no longer authenticates is only removed from
        the file (it is gone from the Edge already); a stored key without an id is not revoked unless O(all_keys) is set.
    type: str
    choices: [present, rotated, absent]
    default: present
  keys_file:
    description:
      - The API keys file on the host that runs the task. It is checked (directory exists and is writable, an existing
        file is in the right layout) before any key is created; new keys are merged into it.
      - With O(state=present) either O(keys_file) or O(api_key) is required.
    type: path
  api_key:
    description:
      - A key of O(username) to check with O(state=present) (for example the one a machine user's create returned). If it
        authenticates, nothing is created; with O(keys_file) it is also written to the file.
    type: str
  api_key_id:
    description:
      - The id of the key to revoke (O(state=absent)) or to replace (O(state=rotated)). Key ids are not secret.
    type: str
  all_keys:
    description:
      - With O(state=absent), revoke every key of O(username).
    type: bool
    default: false
  create:
    description:
      - With O(state=present), V(false) only checks the known key and reports RV(works); nothing is created.
    type: bool
    default: true
extends_documentation_fragment:
  - rockitplay.edge.connection
  - rockitplay.edge.attributes
attributes:
  check_mode:
    support: full
    details:
      - O(state=present) checks the known key as usual (a read) and predicts a create when none works.
      - O(state=absent) with a key id but no key to try cannot tell whether that key still exists, and predicts a revoke.
  diff_mode:
    support: full
    details: Key ids and whether a key is created or revoked; never a key.
notes:
  - A key is proved by an authenticated read with it (C(GET /be/v1/users/{username})); any answer but C(401) proves it.
  - A new key is returned once as RV(api_key), hidden from the output; if it cannot be written to O(keys_file) the task
    warns and the key stays in the registered result.
  - A user holds at most 5 keys at once.
seealso:
  - module: rockitplay.edge.rockit_user
  - ref: ansible_collections.rockitplay.edge.docsite.authentication
    description: The connection guide (API keys, the keys file).
'''

EXAMPLES = r'''
- name: Make sure the automation user has a working key, kept in the keys file
  rockitplay.edge.rockit_api_key:
    username: automation_bot
    keys_file: "{{ playbook_dir }}/secrets/rockit-api-keys.yml"
  register: bot_key

- name: Rotate the key (new key first, then the old one is revoked)
  rockitplay.edge.rockit_api_key:
    username: automation_bot
    state: rotated
    keys_file: "{{ playbook_dir }}/secrets/rockit-api-keys.yml"

- name: Revoke every key of a machine user
  rockitplay.edge.rockit_api_key:
    username: old_bot
    state: absent
    all_keys: true
'''

RETURN = r'''
username:
  description: The user whose keys were managed.
  returned: always
  type: str
  sample: automation_bot
works:
  description: Whether the user has a key that authenticates (known or new) after the task.
  returned: with state=present or rotated
  type: bool
  sample: true
api_key:
  description:
    - The working key (the new one, or the one from O(keys_file) that authenticated). Hidden from the output.
    - Not returned when the working key is the one given in O(api_key) (RV(source=api_key)), which the caller has.
  returned: when a key works and was not given in O(api_key)
  type: str
  sample: "********"
in_keys_file:
  description: Whether O(keys_file) held a key of the user before the task (whether it works or not).
  returned: with state=present
  type: bool
  sample: true
api_key_id:
  description: The id of that key, when known.
  returned: when a key works
  type: str
  sample: k-4f1c2a
source:
  description: Where the working key came from - V(api_key), V(keys_file) or V(created).
  returned: when a key works
  type: str
  sample: keys_file
action:
  description: V(none), V(create), V(stored), V(rotate) or V(revoke).
  returned: always
  type: str
  sample: none
revoked_api_key_id:
  description: The id of the key that was revoked.
  returned: with state=rotated or absent
  type: str
  sample: k-0a9b8c
keys_file:
  description: The keys file that was written.
  returned: when it was written
  type: str
  sample: /home/ops/secrets/rockit-api-keys.yml
'''

from ansible_collections.rockitplay.edge.plugins.module_utils.api_key import API_KEY_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import run_ansible_module


def main():
    run_ansible_module(API_KEY_MODULE)


if __name__ == '__main__':
    main()
