#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: rockit_apply
short_description: Apply many deployments, roles, users, apps or subscriptions in one task
version_added: 1.0.0
description:
  - Applies a list of objects of one kind, each with the options its own module takes
    (M(rockitplay.edge.rockit_deployment), M(rockitplay.edge.rockit_role), M(rockitplay.edge.rockit_user),
    M(rockitplay.edge.rockit_app) or M(rockitplay.edge.rockit_subscription)), up to O(concurrency) side by side, with
    the same results as that module would return for each.
  - Use it instead of a C(loop) over a module when there are many objects. A looped task costs Ansible a task's work
    per item (every option templated anew, a result per item sent to the display); this task does that once.
    On 500 objects it is several times faster than the loop; see the collection's performance guide.
  - Every object is checked first (option types, required options, choices, the input checks of its module and the
    Edge's field constraints, with the same function as M(rockitplay.edge.rockit_validate)); if any object is invalid,
    the task fails listing all of them and sends nothing.
  - The results are in the order given, and so are the lines shown for them. The failure of one object does not stop
    the others; the task then fails and lists the failed objects. A failure that every later object would repeat (no
    answer from the Edge, authentication refused, HTTP 429 or 5xx after the retries) skips the objects not yet
    started, reported as not attempted (those already under way finish).
  - "Each changed or failed object is shown on a line of its own, for example C([localhost] user ci_bot: created): as it
    is done on the controller, when the task ends on another host. Unchanged objects are shown with C(-v)."
  - When the task runs on the controller (a local connection, or C(delegate_to=localhost)), the objects are applied
    in the controller's process; on another host, or with C(become), in one module process on that host. Either way
    all objects share one HTTP session (and one login).
  - With 10 objects or more, the kind's list is read first (one request per 1000 objects) and an object it does not
    hold is created without being read by name first, so a new organisation costs one write per object and no read.
    An existing object whose list record carries every field the collection manages for its kind is compared with
    that record; any other is read by name (see the API assumptions page, "Lists that stand in for reads"). If
    another client creates an object meanwhile, the create is refused with HTTP 409 and the object is read and
    compared instead, with a warning.
  - Secrets the Edge returns once (a new machine user's API key, a new subscription's signing secret) are in the
    registered result only; when the task returns one, its output shows the other objects' results and hides that
    object's result and the task's diff.
author:
  - ROCKITPLAY (@rockitplay)
options:
  kind:
    description:
      - The kind of the objects, which decides the module whose options each object takes.
    type: str
    required: true
    choices: [app, deployment, role, subscription, user]
  objects:
    description:
      - The objects, each a dictionary of the options of the kind's module, including O(ignore:state)
        (V(present) or V(absent)) and write-only options such as passwords, which are never shown.
      - The connection options are not allowed here; they apply to all objects and come from the task,
        C(module_defaults) or the environment.
      - Names are not case-sensitive; an object named twice is refused.
      - The objects are never echoed in the task's C(invocation), and the values of secret options inside them are
        masked in every result and failure, also when the task fails its own argument checks.
    type: list
    elements: dict
    required: true
  api_keys_file:
    description:
      - "For O(kind=user), a file that receives the API key of every machine user this task creates, as soon as the Edge
        returns it, filed under its organisation (O(edge_org)) and user name, with the time it was created:
        C(ORG: {USER: {api_key: KEY, created: TIME}})."
      - One file can serve any number of organisations, hosts and plays at once; every change is merged under a lock
        (C(<file>.lock)) and replaces the file atomically, with mode C(0600). Keys already in the file are kept.
      - The directory must exist and be writable, and an existing file must be in this layout; this is checked before
        any object is sent, so that no key is issued that could not be kept. If the file still cannot be written, the
        task fails, names the users, and their keys stay in the registered result (RV(results[].api_key), hidden from
        the display).
      - Written on the host that runs the task (the controller with a local connection). Not written in check mode.
    type: path
    version_added: 1.0.0
  concurrency:
    description:
      - How many objects are applied side by side, on one HTTP session (one login). Over a network most of the time of
        an object is the round trip to the Edge, so applying several at once shortens the task by about this factor.
      - The objects of one task never depend on each other. The kinds keep their order across tasks (deployments and
        roles before the apps and users that name them, deletions in the reverse order), as the role
        C(rockitplay.edge.bootstrap) does.
      - The requests of all objects share the client's rate limit (O(rate_limit)) and its bound on the requests in
        flight, which halves on each HTTP 429 and grows back gradually; a 429 is waited out as its C(Retry-After) says,
        within O(max_retry_wait), and the other objects wait with it.
      - V(1) applies one object after another.
      - If not set, the value of the E(ROCKIT_CONCURRENCY) environment variable is used, else V(16).
    type: int
    default: 16
    version_added: 1.0.0
extends_documentation_fragment:
  - rockitplay.edge.connection
  - rockitplay.edge.attributes
attributes:
  check_mode:
    support: full
    details: Each object is predicted as its module predicts it; nothing is sent but reads.
  diff_mode:
    support: full
    details: The diff is a list with one entry per changed object.
notes:
  - C(module_defaults) set for a single module (for example C(rockitplay.edge.rockit_user)) do not apply to the objects;
    set the connection for this module or for the action group C(group/rockitplay.edge.rockit).
  - C(async) is not supported.
seealso:
  - module: rockitplay.edge.rockit_validate
  - module: rockitplay.edge.rockit_user
  - module: rockitplay.edge.rockit_app
'''

EXAMPLES = r'''
- name: Apply every app of the inventory in one task
  rockitplay.edge.rockit_apply:
    kind: app
    objects: "{{ edge_apps }}"

- name: Roles written in place
  rockitplay.edge.rockit_apply:
    kind: role
    objects:
      - name: CI_Pipeline_Services
        permissions: {apps: [create, read, update, delete], tasks: [read]}
      - name: Testers
        state: absent

- name: Users, each password set only when the user is created
  rockitplay.edge.rockit_apply:
    kind: user
    objects:
      - username: jdoe
        email: jdoe@example.com
        first_name: Jane
        surname: Doe
        roles: [CI_Pipeline_Services]
        password: "{{ vault_jdoe_password }}"
        update_password: on_create
      - username: ci_bot
        type: machine
        label: CI pipeline
        roles: [CI_Pipeline_Services]
  register: edge_users

- name: Machine users; their new API keys go to one file shared by every organisation
  rockitplay.edge.rockit_apply:
    kind: user
    objects:
      - {username: deploy_bot, type: machine, label: Deploy pipeline, roles: [CI_Pipeline_Services]}
    api_keys_file: "{{ playbook_dir }}/secrets/api_keys.yml"

- name: Keep the API keys of new machine users
  ansible.builtin.set_fact:
    edge_new_api_keys: "{{ edge_users.results | selectattr('api_key', 'defined') | items2dict(key_name='name', value_name='api_key') }}"
  no_log: true
'''

RETURN = r'''
results:
  description:
    - One result per object, in the order of O(objects), as the kind's module returns it (for example C(user) and
      C(api_key) for a user), with the object's name added.
    - A result that carries a secret is hidden from the display; the registered result keeps it.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The object's name (for a user, its username).
      type: str
      sample: ci_bot
    action:
      description: What was done to the object (in check mode, what would be done).
      type: str
      sample: created
    changed:
      description: Whether the object was changed.
      type: bool
      sample: true
    failed:
      description: Present and true when the object failed; C(msg) says why.
      type: bool
      sample: false
    skipped:
      description: Present and true for an object that was not attempted after a failure every object would repeat.
      type: bool
      sample: false
    api_key:
      description: The new API key of a machine user this task created (hidden from the display).
      type: str
      sample: "<the key>"
    api_key_written:
      description: The API keys file the new key was written to.
      type: str
      sample: /srv/edge/secrets/api_keys.yml
  sample:
    - name: CI_Pipeline_Services
      action: unchanged
      changed: false
      role: {name: CI_Pipeline_Services, permissions: {apps: 15, tasks: 2}}
    - name: Testers
      action: deleted
      changed: true
      role: null
api_keys_file:
  description: The absolute path of the API keys file of O(api_keys_file).
  returned: with O(api_keys_file)
  type: str
  sample: /srv/edge/secrets/api_keys.yml
api_keys_file_failed:
  description: True when a new API key could not be written to O(api_keys_file); it is in RV(results[].api_key) only.
  returned: when a key could not be written
  type: bool
  sample: true
counts:
  description: How many objects were created, updated, replaced, deleted, left unchanged, failed and not attempted.
  returned: always
  type: dict
  sample: {created: 0, updated: 1, replaced: 0, deleted: 1, unchanged: 148, failed: 0, skipped: 0}
errors:
  description: One message per invalid object, when the input was refused before anything was sent.
  returned: when an object is invalid
  type: list
  elements: str
  sample: ["objects[3] (QA): permissions.apps: bitmask 99 is not allowed; the maximum is 15 (create, read, update, delete)."]
diff:
  description: The managed fields before and after, one entry per changed object (in diff mode).
  returned: when diff mode is on and an object changed
  type: list
  elements: dict
  sample:
    - before: {name: CI_Pipeline_Services, label: CI}
      after: {name: CI_Pipeline_Services, label: CI Pipeline Services}
'''

from ansible_collections.rockitplay.edge.plugins.module_utils.apply import APPLY_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import run_ansible_module


def main():
    run_ansible_module(APPLY_MODULE)


if __name__ == '__main__':
    main()
