#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: rockit_build
short_description: Import a native build into a ROCKIT Edge app
version_added: 1.0.0
description:
  - Imports a native build into an existing app (C(POST /be/v1/builds)); the Edge downloads the build from O(url) and runs
    its pipeline (C(dltar), C(mkraw), C(mkpat) from the second build on, C(mkdxf), C(publish), C(deploy)), one task per step.
  - An import is an action, not a state, so it is always reported as changed and runs each time the task runs; guard it
    with C(when) if needed. In check mode nothing is sent; the module reads the app and warns if the import would be refused.
  - With O(wait=true), the module waits until the build's pipeline is finished, the same way
    rockitplay.edge.rockit_tasks_info waits for a task group.
  - The upload mode of the API (no URL; the build file is then sent to a temporary upload URL) is not supported by this
    module yet; make the build downloadable over HTTP(S), for example with a pre-signed URL of an object store.
author:
  - ROCKITPLAY (@rockitplay)
options:
  app_name:
    description:
      - The app to import the build into. It must exist (rockitplay.edge.rockit_app) and must not be processing
        another build.
    type: str
    required: true
  url:
    description:
      - The C(http) or C(https) URL the Edge downloads the build from.
      - Treated as a secret (not shown in logs or results), because download URLs often carry a signature.
    type: str
    required: true
  size:
    description:
      - The size of the build file in bytes. When given, the Edge checks it, and a different size fails the C(dltar) step
        (with C(sizeBytesActual) and C(sizeBytesExpected)).
    type: int
  wait:
    description:
      - Wait until the pipeline of the build is finished, which is when every task of its task group is finished and the
        app reports C(processing=false).
      - On timeout the task fails with a message that lists the tasks still pending with their status.
    type: bool
    default: false
  fail_on_failed:
    description:
      - With O(wait=true), fail when a step of the build failed. The message names the failed task and its failure fields
        (C(httpStatus), C(exitCode), C(sizeBytesActual), C(sizeBytesExpected), C(fileReadFailed), C(message)).
    type: bool
    default: true
extends_documentation_fragment:
  - rockitplay.edge.connection
  - rockitplay.edge.wait
  - rockitplay.edge.attributes
attributes:
  check_mode:
    support: full
    details: Nothing is sent; RV(build) then holds only C(appName).
  diff_mode:
    support: none
    details: An import is an action; there is no state to compare.
seealso:
  - module: rockitplay.edge.rockit_app
  - module: rockitplay.edge.rockit_tasks_info
  - module: rockitplay.edge.rockit_task
'''

EXAMPLES = r'''
- name: Import build 42 of Sushi and wait until it is deployed
  rockitplay.edge.rockit_build:
    app_name: Sushi
    url: https://builds.example.com/sushi/0042.tar
    size: 166711296
    wait: true
    wait_timeout: 3600
    wait_sleep: 15
  register: sushi_build

- name: Show the task group of the build
  ansible.builtin.debug:
    msg: "{{ sushi_build.build.taskGroup }} ended with {{ sushi_build.status_counts }}"

- name: Start an import and look at it later
  rockitplay.edge.rockit_build:
    app_name: Sushi
    url: "{{ presigned_build_url }}"
  register: started

- name: Later, wait for it
  rockitplay.edge.rockit_tasks_info:
    task_group: "{{ started.build.taskGroup }}"
    wait: true
    fail_on_failed: true
'''

RETURN = r'''
build:
  description: The import as the Edge returns it. In check mode only C(appName).
  returned: always
  type: dict
  contains:
    appName:
      description: The app.
      type: str
      sample: Sushi
    iBuild:
      description: The number of the build in the app.
      type: int
      sample: 4
    taskGroup:
      description:
        - The task group of the build's pipeline; O(rockitplay.edge.rockit_tasks_info#module:task_group) of
          rockitplay.edge.rockit_tasks_info takes it.
      type: str
      sample: exampleorg-sushi-0004
    tasks:
      description: The name of the first task (C(dltar)).
      type: list
      elements: str
      sample: [exampleorg-sushi-0004-1733846412-dltar]
  sample:
    appName: Sushi
    iBuild: 4
    taskGroup: exampleorg-sushi-0004
    tasks: [exampleorg-sushi-0004-1733846412-dltar]
tasks:
  description: The tasks of the build's pipeline when the wait ended, oldest first.
  returned: when O(wait=true)
  type: list
  elements: dict
  sample:
    - name: exampleorg-sushi-0004-1733846412-dltar
      service: engine
      status: done
      appName: Sushi
      taskType: build
      taskGroup: exampleorg-sushi-0004
      created: "2024-12-10T16:00:12Z"
status_counts:
  description: How many tasks of the build are in each status.
  returned: when O(wait=true)
  type: dict
  sample: {allocating: 0, pending: 0, configuring: 0, preparing: 0, running: 0, finalizing: 0, done: 6, failed: 0, canceled: 0}
failed_tasks:
  description: The failed tasks of the build, with their failure fields.
  returned: when O(wait=true), O(fail_on_failed=true) and a step failed
  type: list
  elements: dict
  sample:
    - name: exampleorg-sushi-0004-1733846412-dltar
      status: failed
      httpStatus: 404
      exitCode: 22
      message: Could not resolve host builds.example.invalid.
pending:
  description: On a wait timeout, the names of the tasks that were not finished.
  returned: when the wait timed out
  type: list
  elements: str
  sample: [exampleorg-sushi-0004-1733846500-mkdxf]
processing_apps:
  description: On a wait timeout, the apps still processing (the build's app while more steps are coming).
  returned: when the wait timed out
  type: list
  elements: str
  sample: [Sushi]
'''

from ansible_collections.rockitplay.edge.plugins.module_utils.build import BUILD_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import run_ansible_module


def main():
    run_ansible_module(BUILD_MODULE)


if __name__ == '__main__':
    main()
