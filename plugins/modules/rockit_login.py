#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: rockit_login
short_description: Log in to a ROCKIT Edge once and hand back a token for edge_token
version_added: 1.0.0
description:
  - Logs in with O(edge_org), O(edge_username) and O(edge_password) (the 2026 flow, or the 2025 flow where the Edge
    speaks it) and returns the access token, to be given to later tasks as O(edge_token), and the refresh token that
    M(rockitplay.edge.rockit_logout) needs to end the session.
  - The login belongs to the play from then on - it is not ended by this module, so end it with
    M(rockitplay.edge.rockit_logout) (in an C(always) section) or it stays valid for 24 hours.
  - Most plays do not need this module - with O(edge_password) the collection already logs in once per run on the
    controller and logs out at the end. It is for plays whose tasks run as modules on other hosts, and for handing a
    token to other tools.
author:
  - ROCKITPLAY (@rockitplay)
options: {}
extends_documentation_fragment:
  - rockitplay.edge.connection
  - rockitplay.edge.attributes
attributes:
  check_mode:
    support: full
    details: In check mode the module does not log in (a login creates a session) and returns no token.
  diff_mode:
    support: none
notes:
  - The access token lasts 15 minutes (2026 flow) or 5 minutes (2025 flow) and a task given it as O(edge_token) cannot
    renew it; for long plays prefer O(edge_password), which the collection renews itself.
seealso:
  - module: rockitplay.edge.rockit_logout
  - ref: ansible_collections.rockitplay.edge.docsite.authentication
    description: The connection guide (login flows, session reuse).
'''

EXAMPLES = r'''
- name: Log in once
  rockitplay.edge.rockit_login:
    edge_org: GameStudio
    edge_username: studio_admin
    edge_password: "{{ vault_studio_admin_password }}"
  register: rockit_session

- name: Work with the token, and always log out
  module_defaults:
    group/rockitplay.edge.rockit:
      edge_org: GameStudio
      edge_token: "{{ rockit_session.token }}"
  block:
    - name: Create the automation role
      rockitplay.edge.rockit_role:
        name: Automation
        permissions: {apps: 15, roles: 15, beUsers: 15, deployments: 15, subscriptions: 15, tasks: 31}
  always:
    - name: Log out
      rockitplay.edge.rockit_logout:
        refresh_token: "{{ rockit_session.refresh_token }}"
        login_flow: "{{ rockit_session.login_flow }}"
      when: rockit_session.token is truthy
'''

RETURN = r'''
token:
  description: The access token, for O(edge_token). Hidden from the output. Null in check mode.
  returned: always
  type: str
  sample: "********"
refresh_token:
  description: The refresh token (2026 flow), for M(rockitplay.edge.rockit_logout). Hidden from the output.
  returned: always
  type: str
  sample: "********"
login_flow:
  description: The login flow the Edge spoke, V(2025) or V(2026).
  returned: always
  type: str
  sample: "2026"
expires_in:
  description: Seconds until the access token expires.
  returned: when the Edge said
  type: int
  sample: 900
'''

from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import run_ansible_module
from ansible_collections.rockitplay.edge.plugins.module_utils.session import LOGIN_MODULE


def main():
    run_ansible_module(LOGIN_MODULE)


if __name__ == '__main__':
    main()
