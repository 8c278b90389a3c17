#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: rockit_plan
short_description: Check a whole organisation's declaration and plan what applying it would change
version_added: 1.0.0
description:
  - Takes the declared deployments, roles, users, apps and subscriptions (each item the options of its module, as the
    role C(rockitplay.edge.bootstrap) takes them) and compares them with the Edge, kind by kind in dependency order.
    It never writes.
  - First every declaration is checked the way M(rockitplay.edge.rockit_apply) checks it (option types, the module's
    input checks, names without regard to case); then each kind's list is read once; then every declared object is
    run through its own module's code in check mode, so the plan is exactly what applying would do.
  - "The plan says, per kind: what is missing on the Edge (would be created), what differs (field by field: the declared
    value and the value on the Edge), what is unchanged, what cannot be compared (write-only values such as passwords
    and origin credentials, which the Edge never returns), what is on the Edge but not declared (extra), and what
    would be deleted (declared with O(ignore:state=absent), or undeclared with O(prune))."
  - Prune has guard rails. It never deletes the user the play authenticates as (O(edge_username) and
    O(protected_users)), the organisation's primary administrator, the role C(Administrators), a role still assigned to
    a user that stays, a deployment an app that stays is registered on, or a name matching O(exclude). It refuses
    (before anything is deleted) to delete more than O(prune_max_deletions) objects, and to delete apps or deployments
    without O(prune_allow_content_loss=true).
  - A declaration that would be refused (an invalid option, a user to create without its e-mail address, a role
    declared absent that stays assigned, an export placeholder that would be sent...) fails the task, listing every
    problem, before anything is written.
  - The role C(rockitplay.edge.bootstrap) runs it first and applies only what it plans; the playbook
    C(rockitplay.edge.drift) runs it to report drift.
author:
  - ROCKITPLAY (@rockitplay)
options:
  deployments:
    description: The deployments, each with the options of M(rockitplay.edge.rockit_deployment).
    type: list
    elements: dict
    default: []
  roles:
    description: The roles, each with the options of M(rockitplay.edge.rockit_role).
    type: list
    elements: dict
    default: []
  users:
    description: The users and machine users, each with the options of M(rockitplay.edge.rockit_user).
    type: list
    elements: dict
    default: []
  apps:
    description: The apps, each with the options of M(rockitplay.edge.rockit_app).
    type: list
    elements: dict
    default: []
  subscriptions:
    description: The event subscriptions, each with the options of M(rockitplay.edge.rockit_subscription).
    type: list
    elements: dict
    default: []
  kinds:
    description:
      - The kinds whose extras (objects on the Edge that are not declared) are listed.
      - By default the kinds with a declaration or with O(prune) on; give every kind for a full drift report.
    type: list
    elements: str
    choices: [deployments, roles, users, apps, subscriptions]
  prune:
    description: Per kind, whether the extras are deleted (in the plan; M(rockitplay.edge.rockit_apply) deletes them).
    type: dict
    default: {}
    suboptions:
      deployments:
        description: Prune deployments (needs O(prune_allow_content_loss=true) to delete one).
        type: bool
        default: false
      roles:
        description: Prune roles.
        type: bool
        default: false
      users:
        description: Prune users and machine users.
        type: bool
        default: false
      apps:
        description: Prune apps (needs O(prune_allow_content_loss=true) to delete one).
        type: bool
        default: false
      subscriptions:
        description: Prune event subscriptions.
        type: bool
        default: false
  exclude:
    description:
      - Per kind, names or shell-style patterns (C(ci_*), C(legacy_?)) of objects the declaration does not manage,
        matched without regard to case. They are never extras, so never pruned nor reported as drift.
    type: dict
    default: {}
    suboptions:
      deployments:
        description: Deployments to leave alone.
        type: list
        elements: str
        default: []
      roles:
        description: Roles to leave alone.
        type: list
        elements: str
        default: []
      users:
        description: Users to leave alone.
        type: list
        elements: str
        default: []
      apps:
        description: Apps to leave alone.
        type: list
        elements: str
        default: []
      subscriptions:
        description: Subscriptions to leave alone.
        type: list
        elements: str
        default: []
  prune_max_deletions:
    description:
      - The most objects prune may delete in one run, over all kinds. With more, the task fails listing them, and nothing
        is deleted. Deletions declared with O(ignore:state=absent) do not count.
    type: int
    default: 10
  prune_allow_content_loss:
    description:
      - Allow prune to delete apps and deployments. Deleting an app deletes its builds; deleting a deployment removes the
        published content from its CDN origin. Without it, a plan that prunes one fails before anything is deleted.
    type: bool
    default: false
  protected_users:
    description:
      - Users that are never deleted, besides O(edge_username) (for example the user a play authenticates as when its
        name is only in another task's C(module_defaults)).
    type: list
    elements: str
    default: []
  fail_on_refusal:
    description:
      - Whether a declared object that its module would refuse (for example a deployment to create whose credentials are
        still export placeholders) fails the task before anything is written.
      - With V(false) (a drift report), such an object is reported instead - missing when it is not on the Edge, changed
        (with the module's reason) when it is.
    type: bool
    default: true
  preflight:
    description:
      - Check that the user the task authenticates as has every permission the plan needs, before anything is written;
        first the read of each planned kind (before the plan reads), then create, update or delete for exactly the
        objects the plan changes (the same check as M(rockitplay.edge.rockit_whoami)).
      - It reads the user and its roles, which needs C(beUsers.read) and C(roles.read); a missing permission fails the
        task naming it and the objects that need it. A user may change its own profile and password without
        C(beUsers.update).
      - Skipped with a warning when the user's name is not known (a token without O(edge_username)).
    type: bool
    default: false
  requires:
    description:
      - Further permissions the run needs (C(resource.operation), for example C(tasks.read) to wait for pipelines), checked
        with O(preflight).
    type: list
    elements: str
    default: []
  api_keys_file:
    description:
      - The API keys file that will receive the keys of new machine users (see M(rockitplay.edge.rockit_apply)). When a
        user is to be created, the file's directory and writability are checked here, before anything is written.
    type: path
  concurrency:
    description:
      - How many declared objects (and kinds' lists) are read side by side, on one HTTP session. Over a network most of
        the time of a read is the round trip, so reading several at once shortens the plan by about this factor.
      - The requests of all of them share the client's rate limit (O(rate_limit)) and its bound on the requests in
        flight, which halves on each HTTP 429 and grows back gradually; the plan, its warnings and its refusals are in
        the order of the declarations, whatever the order the answers come in.
      - V(1) reads one object after another.
      - If not set, the value of the E(ROCKIT_CONCURRENCY) environment variable is used, else V(16).
    type: int
    default: 16
    version_added: 1.0.0
extends_documentation_fragment:
  - rockitplay.edge.connection
  - rockitplay.edge.attributes
  - rockitplay.edge.attributes.info_module
notes:
  - The objects in the declarations may hold secrets (passwords, origin credentials); they are never returned or shown.
  - The plan reads each kind's list once, and each declared object that exists once unless the list already carries
    every field the collection manages for that kind (see the API assumptions page, "Lists that stand in for reads");
    nothing else.
seealso:
  - module: rockitplay.edge.rockit_apply
  - module: rockitplay.edge.rockit_report
  - module: rockitplay.edge.rockit_export
'''

EXAMPLES = r'''
- name: Plan the organisation of the inventory
  rockitplay.edge.rockit_plan:
    roles: "{{ rockit_roles }}"
    users: "{{ rockit_users }}"
    apps: "{{ rockit_apps }}"
    prune:
      users: true
    exclude:
      users: [break_glass_*]
  register: edge_plan

- name: Show what would change
  ansible.builtin.debug:
    msg: "{{ edge_plan.plan.summary }}"

- name: Apply only the apps that need it
  rockitplay.edge.rockit_apply:
    kind: app
    objects: "{{ edge_plan.plan.kinds.apps.apply | map('extract', rockit_apps) | list }}"
  when: edge_plan.plan.kinds.apps.apply | length > 0
'''

RETURN = r'''
plan:
  description: The plan, per kind in dependency order. Names and compared values only, never a write-only value.
  returned: success, and with a failure of the guard rails
  type: dict
  contains:
    order:
      description: The kinds in dependency order; deletions run in the reverse order.
      type: list
      elements: str
      sample: [deployments, roles, users, apps, subscriptions]
    kinds:
      description:
        - Per kind, C(declared) (one entry per declared object, in the declared order, with its C(index) in the
          declared list, its C(action) C(created), C(updated), C(replaced), C(unchanged), C(deleted) or C(absent),
          its C(changes) field by field, and C(not_comparable), the write-only options it declares),
          C(apply) (the positions of the objects to apply), C(extra) (undeclared names on the Edge; null when the kind
          was not listed), C(ignored) (undeclared objects outside the declaration, with the reason),
          C(prune) (the extras prune deletes), C(kept) (those it keeps, with the reason) and C(remove) (the objects
          that delete what C(prune) and C(state=absent) remove, for M(rockitplay.edge.rockit_apply)).
      type: dict
      sample:
        apps:
          key: name
          listed: true
          declared:
            - name: Sushi
              index: 0
              state: present
              action: updated
              changes: [{field: label, declared: "Sushibar", actual: "Sushibar: All you can feed"}]
          apply: [0]
          extra: [Ramen]
          ignored: []
          prune: [Ramen]
          kept: []
          remove: [{name: Ramen, state: absent}]
    summary:
      description: Per kind, the names that are missing, changed, unchanged, not comparable, extra, and to delete.
      type: dict
      sample:
        apps: {missing: [], changed: [Sushi], unchanged: [], not_comparable: [], extra: [Ramen], delete: [Ramen]}
    drift:
      description: The differences, one per object, with C(kind), C(name), C(status) (C(missing), C(changed) or C(extra)) and C(changes).
      type: list
      elements: dict
      sample:
        - {kind: app, name: Sushi, status: changed, changes: [{field: label, declared: Sushibar, actual: "Sushibar: All you can feed"}]}
        - {kind: app, name: Ramen, status: extra}
drift:
  description: Whether the Edge differs from the declaration (something missing, changed or extra).
  returned: success
  type: bool
  sample: true
started:
  description: When the plan started to read the Edge, in seconds since the epoch (UTC), for example to look for tasks created since.
  returned: success
  type: float
  sample: 1796212800.123
errors:
  description: One message per problem, when the declaration was refused.
  returned: failure
  type: list
  elements: str
  sample: ["rockit_users[3] (jdoe): jdoe does not exist; creating a human user needs email, first_name, surname."]
'''

from ansible_collections.rockitplay.edge.plugins.module_utils.planner import PLAN_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import run_ansible_module


def main():
    run_ansible_module(PLAN_MODULE)


if __name__ == '__main__':
    main()
