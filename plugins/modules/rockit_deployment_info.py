#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: rockit_deployment_info
short_description: Read the deployments of a ROCKIT Edge organisation
version_added: 1.0.0
description:
  - Returns one deployment by name, or every deployment of the organisation (all pages are read; nothing is truncated).
  - Credentials and download-authentication keys are write-only and never returned.
author:
  - ROCKITPLAY (@rockitplay)
options:
  name:
    description:
      - The deployment to read. Without it, every deployment is returned.
      - A deployment that does not exist gives an empty list, not a failure.
    type: str
extends_documentation_fragment:
  - rockitplay.edge.connection
  - rockitplay.edge.attributes
  - rockitplay.edge.attributes.info_module
seealso:
  - module: rockitplay.edge.rockit_deployment
'''

EXAMPLES = r'''
- name: Read every deployment
  rockitplay.edge.rockit_deployment_info:
  register: all_deployments

- name: Read one deployment
  rockitplay.edge.rockit_deployment_info:
    name: gcore
  register: gcore

- name: Fail when the origin reports an error
  ansible.builtin.assert:
    that: gcore.deployments[0].status == 'ok'
    fail_msg: "{{ gcore.deployments[0].message }}"
  when: gcore.deployments | length > 0
'''

RETURN = r'''
deployments:
  description: The deployments, in the Edge's order, without credentials or keys.
  returned: always
  type: list
  elements: dict
  sample:
    - name: gcore
      originPrefix: rockit
      origin: {type: s3, endpoint: s3.eu-central-1.amazonaws.com, region: eu-central-1, bucket: games}
      downloadAuth: {type: gcore}
      status: ok
      message: ""
      created: "2026-11-22T10:00:00Z"
      updated: "2026-11-22T10:00:00Z"
total_count:
  description: How many deployments the Edge counts (1 or 0 with O(name)).
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.rockitplay.edge.plugins.module_utils.deployment import DEPLOYMENT_INFO_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import run_ansible_module


def main():
    run_ansible_module(DEPLOYMENT_INFO_MODULE)


if __name__ == '__main__':
    main()
