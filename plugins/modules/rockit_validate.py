#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: rockit_validate
short_description: Check declarations for the resource modules without contacting the Edge
version_added: 1.0.0
description:
  - Runs every declaration through the option validation and the input checks of its module
    (M(rockitplay.edge.rockit_deployment), M(rockitplay.edge.rockit_role), M(rockitplay.edge.rockit_user),
    M(rockitplay.edge.rockit_app), M(rockitplay.edge.rockit_subscription)) and fails, listing every invalid
    declaration, before anything is sent to the Edge.
  - The checks include the Edge's field constraints (lengths, patterns, ranges, URLs; listed in the collection's API
    assumptions), so a value the Edge would refuse is refused here, with a message that names the option and the rule.
  - It accepts exactly what M(rockitplay.edge.rockit_apply) accepts (the same check); a declaration holding a connection
    option, or two declarations of one name (names are not case-sensitive), are refused too.
  - The declarations are never echoed in the task's C(invocation), and the values of secret options inside them are
    masked in every result and failure.
  - Checks that depend on the Edge's state (for example an option required only when an object is created) are
    left to the modules themselves.
  - The bootstrap role runs it first, so a bad declaration of a later kind does not leave earlier kinds half applied.
  - It takes the connection options only so that C(module_defaults) of the action group apply to it; it never connects.
author:
  - ROCKITPLAY (@rockitplay)
options:
  declarations:
    description:
      - The declarations to check, by module name (short or fully qualified), each a list of option dictionaries
        as the module takes them.
    type: dict
    required: true
extends_documentation_fragment:
  - rockitplay.edge.connection
  - rockitplay.edge.attributes
  - rockitplay.edge.attributes.info_module
seealso:
  - module: rockitplay.edge.rockit_role
  - module: rockitplay.edge.rockit_user
'''

EXAMPLES = r'''
- name: Refuse bad input before anything is applied
  rockitplay.edge.rockit_validate:
    declarations:
      rockit_role:
        - name: CI_Pipeline_Services
          permissions: {apps: [create, read, update, delete]}
      rockit_subscription:
        - name: deployWebhook
          sender: deploy
          events: [end, error]
          webhook_url: https://hooks.example.com/rockit
'''

RETURN = r'''
checked:
  description: How many declarations were checked.
  returned: success
  type: int
  sample: 2
errors:
  description: One message per invalid declaration, naming the module, the position, the name and what is allowed.
  returned: failure
  type: list
  elements: str
  sample: ["rockit_role[0] (Bad): permissions.apps: bitmask 99 is not allowed; the maximum is 15 (create, read, update, delete)."]
'''

from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import run_ansible_module
from ansible_collections.rockitplay.edge.plugins.module_utils.validate import VALIDATE_MODULE


def main():
    run_ansible_module(VALIDATE_MODULE)


if __name__ == '__main__':
    main()
