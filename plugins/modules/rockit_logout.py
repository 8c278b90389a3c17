#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: rockit_logout
short_description: End a ROCKIT Edge session, so that no refresh token is left behind
version_added: 1.0.0
description:
  - Ends a login made with M(rockitplay.edge.rockit_login) (C(POST /be/v1/logout)) by its O(refresh_token), or by the
    access token O(edge_token); the refresh token and every access token of that login stop working.
  - A session that has already ended is not an error (V(changed=false)).
  - The 2025 login flow has no logout; its session expires by itself after 24 hours, and the module says so.
author:
  - ROCKITPLAY (@rockitplay)
options:
  refresh_token:
    description:
      - The refresh token returned by M(rockitplay.edge.rockit_login). Without it, O(edge_token) is logged out.
    type: str
  login_flow:
    description:
      - The RV(rockitplay.edge.rockit_login#module:login_flow) of the login. With V(2025) and no refresh token, nothing is sent.
    type: str
    choices: ['2025', '2026']
extends_documentation_fragment:
  - rockitplay.edge.connection
  - rockitplay.edge.attributes
attributes:
  check_mode:
    support: full
    details: Predicts the logout without sending it.
  diff_mode:
    support: none
seealso:
  - module: rockitplay.edge.rockit_login
'''

EXAMPLES = r'''
- name: Log out the session of rockit_login
  rockitplay.edge.rockit_logout:
    refresh_token: "{{ rockit_session.refresh_token }}"
    login_flow: "{{ rockit_session.login_flow }}"
'''

RETURN = r'''
msg:
  description: What happened to the session.
  returned: always
  type: str
  sample: The session was ended.
'''

from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import run_ansible_module
from ansible_collections.rockitplay.edge.plugins.module_utils.session import LOGOUT_MODULE


def main():
    run_ansible_module(LOGOUT_MODULE)


if __name__ == '__main__':
    main()
