#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: rockit_export
short_description: Export a ROCKIT Edge organisation as the variables of the bootstrap role
version_added: 1.0.0
description:
  - Reads every deployment, role, user and machine user, app and event subscription of the organisation (or the kinds
    in O(kinds)) and returns them - and with O(dest) writes them as a vars file - in exactly the format of the role
    C(rockitplay.edge.bootstrap) (C(rockit_deployments), C(rockit_roles), C(rockit_users), C(rockit_apps),
    C(rockit_subscriptions)), each item the options of its module.
  - Only the fields the modules manage are written, and a value the Edge uses by default (an app's 5 builds, an empty
    title or path prefix, a permission that is not granted) is left out. Objects are sorted by name (without regard to
    case) and options keep the order of the module documentation, so exporting an unchanged organisation gives the
    same bytes.
  - Applying the export with the role changes nothing and sends no write; the collection's tests prove it.
  - Write-only values, which the Edge never returns (origin credentials and download keys of deployments), are written
    as placeholders that start with C(REPLACE-WITH-VAULT-REFERENCE) and name a vault variable. Replace them with vault
    references (for example V({{ vault_rockit_deployment_gcore_origin_secret_access_key }})). Until then the objects
    are compared and kept as they are, but the collection refuses to send a placeholder (to create the object again, or
    with O(rockitplay.edge.rockit_deployment#module:update_secrets=always)).
  - Passwords of users are not exported (they are only needed to create a user, and optional). The role
    C(Administrators), which every organisation has, is left out, and so is the user the play authenticates as
    unless O(exclude_auth_user=false).
author:
  - ROCKITPLAY (@rockitplay)
options:
  dest:
    description:
      - The vars file to write (YAML), on the host that runs the task (the controller with a local connection). Its
        directory must exist. Replaced atomically, and only when its content changes.
      - Without it, the export is only returned (RV(vars), RV(content)).
    type: path
  kinds:
    description: The kinds to export; by default all of them.
    type: list
    elements: str
    choices: [deployments, roles, users, apps, subscriptions]
  exclude_auth_user:
    description: Leave out the user the play authenticates as (O(edge_username)).
    type: bool
    default: true
  exclude:
    description: Per kind, names or shell-style patterns (matched without regard to case) of objects to leave out.
    type: dict
    default: {}
    suboptions:
      deployments:
        description: Deployments to leave out.
        type: list
        elements: str
        default: []
      roles:
        description: Roles to leave out.
        type: list
        elements: str
        default: []
      users:
        description: Users to leave out.
        type: list
        elements: str
        default: []
      apps:
        description: Apps to leave out.
        type: list
        elements: str
        default: []
      subscriptions:
        description: Subscriptions to leave out.
        type: list
        elements: str
        default: []
extends_documentation_fragment:
  - rockitplay.edge.connection
  - rockitplay.edge.attributes
attributes:
  check_mode:
    support: full
    details: Reads the organisation and says whether O(dest) would change; writes nothing.
  diff_mode:
    support: none
notes:
  - "The shipped playbook runs it: C(ansible-playbook rockitplay.edge.export -e export_dest=org.yml), with the connection
    from the C(ROCKIT_*) environment variables."
  - The export reads each kind's list and then every object by name.
seealso:
  - module: rockitplay.edge.rockit_plan
  - module: rockitplay.edge.rockit_apply
'''

EXAMPLES = r'''
- name: Export the organisation
  rockitplay.edge.rockit_export:
    dest: "{{ playbook_dir }}/vars/org.yml"

- name: Export only the roles and users, without the service accounts
  rockitplay.edge.rockit_export:
    kinds: [roles, users]
    exclude:
      users: [svc_*]
  register: people
'''

RETURN = r'''
vars:
  description: The exported variables, as written to O(dest).
  returned: always
  type: dict
  sample:
    rockit_apps:
      - {name: Sushi, label: "Sushibar: All you can feed", max_builds: 3, deployments: [gcore]}
content:
  description: The text of the vars file.
  returned: always
  type: str
  sample: "---\n# The ROCKIT Edge organisation ExampleOrg ...\nrockit_apps:\n  - name: Sushi\n"
placeholders:
  description: Where the export wrote a placeholder for a write-only value (kind, name, option).
  returned: always
  type: list
  elements: str
  sample: ["rockit_deployments: gcore: origin.secret_access_key"]
counts:
  description: How many objects of each kind were exported.
  returned: always
  type: dict
  sample: {deployments: 1, roles: 2, users: 5, apps: 1, subscriptions: 3}
dest:
  description: The absolute path of the file written.
  returned: with O(dest)
  type: str
  sample: /srv/edge/vars/org.yml
'''

from ansible_collections.rockitplay.edge.plugins.module_utils.export import EXPORT_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import run_ansible_module


def main():
    run_ansible_module(EXPORT_MODULE)


if __name__ == '__main__':
    main()
