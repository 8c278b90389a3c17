#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: rockit_app_info
short_description: Read the apps of a ROCKIT Edge organisation
version_added: 1.0.0
description:
  - Returns one app by name, or every app of the organisation (all pages are read; nothing is truncated).
  - The details include the current build (C(iCurBuild)), whether a build is C(processing), where it is C(deployed) and its C(files).
author:
  - ROCKITPLAY (@rockitplay)
options:
  name:
    description:
      - The app to read. Without it, every app is returned.
      - An app that does not exist gives an empty list, not a failure.
    type: str
  fields:
    description:
      - Return only these fields of each app (the Edge's C(fields[]) projection); C(name) is always included.
      - "Allowed: V(name), V(label), V(dxfName), V(iCurBuild), V(maxBuilds), V(processing), V(exporting), V(deployed), V(files),
        V(deployments); when every app is read (without O(name)) also V(sizeBytes), V(created) and V(updated)."
      - Unknown fields are refused before any request is sent. A comma-separated string is accepted too.
      - Without it, every field is returned.
    type: list
    elements: str
extends_documentation_fragment:
  - rockitplay.edge.connection
  - rockitplay.edge.attributes
  - rockitplay.edge.attributes.info_module
seealso:
  - module: rockitplay.edge.rockit_app
'''

EXAMPLES = r'''
- name: Read every app
  rockitplay.edge.rockit_app_info:
  register: all_apps

- name: Read the build state of one app
  rockitplay.edge.rockit_app_info:
    name: Sushi
    fields: [iCurBuild, processing, deployed]
  register: sushi

- name: Show whether a build is running
  ansible.builtin.debug:
    msg: "Build {{ sushi.apps[0].iCurBuild }} processing: {{ sushi.apps[0].processing }}"
  when: sushi.apps | length > 0

- name: Names and sizes of every app
  rockitplay.edge.rockit_app_info:
    fields: [sizeBytes]
  register: sizes
'''

RETURN = r'''
apps:
  description: The apps, in the Edge's order; with O(fields), only those fields and C(name).
  returned: always
  type: list
  elements: dict
  sample:
    - name: Sushi
      label: "Sushibar: All you can feed"
      maxBuilds: 3
      deployments: [gcore]
      dxfName: b1e0efe3-5c1d-4a8e-9a43-4b1f7f1e2a90
      iCurBuild: 3
      processing: false
      exporting: false
      deployed: [gcore]
      files:
        dxf:
          - {name: b1e0efe3-5c1d-4a8e-9a43-4b1f7f1e2a90.dxf, size: 166724585, md5: 9e107d9d372bb6826bd81d3542a419d6}
        patches: {}
      sizeBytes: 166724585
      created: "2026-11-22T10:00:00Z"
      updated: "2026-11-22T10:05:00Z"
total_count:
  description: How many apps the Edge counts (1 or 0 with O(name)).
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.rockitplay.edge.plugins.module_utils.app import APP_INFO_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import run_ansible_module


def main():
    run_ansible_module(APP_INFO_MODULE)


if __name__ == '__main__':
    main()
