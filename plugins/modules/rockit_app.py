#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: rockit_app
short_description: Manage apps of a ROCKIT Edge organisation
version_added: 1.0.0
description:
  - Create, update and delete an app, the container of the builds (images and patches) of one game.
  - Only the options you set are compared, so a second run with the same options changes nothing and sends no write.
    O(deployments) is compared as a set; the order never matters.
  - B(Deleting an app deletes all its images and patches on the Edge.) This cannot be undone.
  - "B(Deployment registration is explicit.) The Edge publishes an app that is registered on no deployment to B(all)
    deployments, including deployments added later. This module never does that by accident: give the deployments with
    O(deployments), or ask for every deployment on purpose with O(all_deployments=true). An empty O(deployments) list is refused."
author:
  - ROCKITPLAY (@rockitplay)
options:
  name:
    description:
      - The app name, its immutable identifier. 2 to 50 letters, digits or underscores; checked before any request is sent.
    type: str
    required: true
  label:
    description:
      - A human-readable name, at most 256 characters.
      - Required when the app is created (the Edge refuses an app without a label); optional afterwards.
    type: str
  max_builds:
    description:
      - How many builds the Edge keeps for the app, from 1 to 100.
      - When not set, the Edge uses its default (5) on create and the value is not compared afterwards.
    type: int
  deployments:
    description:
      - The deployments the app is registered on, by name. The list replaces the registered deployments; it is compared as a set.
      - Every deployment must exist (see M(rockitplay.edge.rockit_deployment)); the Edge refuses unknown names.
        Write the names as the Edge spells them (M(rockitplay.edge.rockit_deployment_info) lists them); they are compared exactly.
      - An empty list is refused, because the Edge would publish the app to all deployments; use O(all_deployments=true) for that.
      - When creating an app, O(deployments) or O(all_deployments) is required. When neither is set on an existing app,
        its registration is left as it is.
      - Mutually exclusive with O(all_deployments=true).
    type: list
    elements: str
  all_deployments:
    description:
      - V(true) publishes the app to every deployment of the organisation, including deployments added later
        (the Edge's rule for an app registered on no deployment).
      - V(false) means the app is published only to O(deployments), which must then be set.
      - O(all_deployments=true) and O(deployments) are mutually exclusive.
    type: bool
  state:
    description:
      - V(present) creates or updates the app.
      - V(absent) deletes the app B(with all its images and patches) on the Edge.
    type: str
    default: present
    choices: [present, absent]
extends_documentation_fragment:
  - rockitplay.edge.connection
  - rockitplay.edge.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
notes:
  - The build pipeline fields of the result (C(iCurBuild), C(processing), C(deployed), C(files)) are read-only; use
    M(rockitplay.edge.rockit_app_info) to read them without changing anything.
seealso:
  - module: rockitplay.edge.rockit_app_info
  - module: rockitplay.edge.rockit_deployment
'''

EXAMPLES = r'''
- name: Register an app on two deployments
  rockitplay.edge.rockit_app:
    name: Sushi
    label: "Sushibar: All you can feed"
    max_builds: 3
    deployments:
      - gcore
      - akamai

- name: Publish an app to every deployment, on purpose
  rockitplay.edge.rockit_app:
    name: Ramen
    label: Ramen
    all_deployments: true

- name: Change only the label (registration and max_builds are left as they are)
  rockitplay.edge.rockit_app:
    name: Sushi
    label: Sushibar

- name: Delete an app with all its images and patches
  rockitplay.edge.rockit_app:
    name: Ramen
    state: absent
'''

RETURN = r'''
app:
  description:
    - The app as the Edge returns it after the task (in check mode, as it would be). Null when O(state=absent).
    - C(deployments) lists the registered deployments (empty means all deployments); C(deployed) lists where the current build is live.
  returned: always
  type: dict
  sample:
    name: Sushi
    label: "Sushibar: All you can feed"
    maxBuilds: 3
    deployments: [gcore, akamai]
    dxfName: b1e0efe3-5c1d-4a8e-9a43-4b1f7f1e2a90
    iCurBuild: 3
    processing: false
    exporting: false
    deployed: [gcore]
    files:
      dxf:
        - {name: b1e0efe3-5c1d-4a8e-9a43-4b1f7f1e2a90.dxf, size: 166724585, md5: 9e107d9d372bb6826bd81d3542a419d6}
      patches:
        "0001-0003":
          - {name: 0001-0003.pat, size: 1048576, md5: e4d909c290d0fb1ca068ffaddf22cbd0}
    sizeBytes: 166724585
    created: "2026-11-22T10:00:00Z"
    updated: "2026-11-22T10:05:00Z"
diff:
  description: The managed fields before and after (in diff mode); C(deployments) sorted.
  returned: when diff mode is on
  type: dict
  sample:
    before: {name: Sushi, deployments: [gcore]}
    after: {name: Sushi, deployments: [akamai, gcore]}
'''

from ansible_collections.rockitplay.edge.plugins.module_utils.app import APP_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import run_ansible_module


def main():
    run_ansible_module(APP_MODULE)


if __name__ == '__main__':
    main()
