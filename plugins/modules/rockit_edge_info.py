#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: rockit_edge_info
short_description: What a ROCKIT Edge is - release, versions, health, login flow and rate limit
version_added: 1.0.0
description:
  - With the admin token O(edge_admin_token), reads the Edge's versions and release (C(GET /srv/v1/versions), the
    C(/adm/v1) routes before release 153) and its health (C(POST /srv/v1/ping)), and reports the login flow and the
    documented rate limit of that release.
  - With user credentials (and no admin token) it can tell less - whether the credentials work, and with a password which
    login flow the Edge speaks (2025 up to release 152, 2026 from 153), hence the range of releases. The release itself
    and the rate limit are then unknown (null).
  - Both can be given; the admin token is then used for versions and health, the user credentials for the rest.
author:
  - ROCKITPLAY (@rockitplay)
options: {}
extends_documentation_fragment:
  - rockitplay.edge.connection
  - rockitplay.edge.attributes
  - rockitplay.edge.attributes.info_module
notes:
  - With a password, learning the login flow means logging in; that login is shared and ended like any other
    (see the connection guide).
seealso:
  - module: rockitplay.edge.rockit_org
  - ref: ansible_collections.rockitplay.edge.docsite.authentication
    description: The connection guide (admin token, login flows, rate limit).
'''

EXAMPLES = r'''
- name: Ask the Edge what it is
  rockitplay.edge.rockit_edge_info:
    edge_admin_token: "{{ vault_rockit_admin_token }}"
  register: edge

- name: Use the documented rate limit of its release
  ansible.builtin.set_fact:
    rockit_rate_limit: "{{ edge.rate_limit }}"
'''

RETURN = r'''
release:
  description: The Edge's release number (admin token only; null when the Edge has no versions route, release 151 and older).
  returned: always
  type: int
  sample: 159
release_range:
  description: The releases the Edge can be, when the release itself is unknown (null as the upper bound means "or later").
  returned: always
  type: list
  elements: int
  sample: [153, null]
versions:
  description: The component versions the Edge reports.
  returned: always
  type: dict
  sample: {edge: "159", engine: "2026.07.13"}
healthy:
  description: Whether the Edge answered the ping (admin token), or an authenticated read (user credentials).
  returned: always
  type: bool
  sample: true
login_flow:
  description: The password login flow of the Edge - V(2025) (login with the organisation, then C(/be/v1/auth)) or V(2026)
    (user and password, then the organisation; refresh and logout).
  returned: always
  type: str
  sample: "2026"
rate_limit:
  description: The documented request limit of the release in requests per second (for all clients together from release
    151); null when the release is unknown.
  returned: always
  type: int
  sample: 800
rate_limit_free_tier:
  description: The same on the free tier of the database.
  returned: always
  type: int
  sample: 33
admin_api:
  description: Whether the admin token was given.
  returned: always
  type: bool
  sample: true
authenticated:
  description: Whether the user credentials work (null when none were given).
  returned: always
  type: bool
  sample: true
service_prefix:
  description: Where the service routes were found (C(/srv/v1), or C(/adm/v1) before release 153).
  returned: with the admin token
  type: str
  sample: /srv/v1
'''

from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import run_ansible_module
from ansible_collections.rockitplay.edge.plugins.module_utils.session import EDGE_INFO_MODULE


def main():
    run_ansible_module(EDGE_INFO_MODULE)


if __name__ == '__main__':
    main()
