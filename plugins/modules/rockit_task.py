#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: rockit_task
short_description: Acknowledge, expire or retry a ROCKIT Edge task
version_added: 1.0.0
description:
  - Acknowledges the warning of a task (it stays visible until its cause is fixed and the task retried), expires an upload
    task that went wrong, or retries a failed task.
  - The task is read first. O(acknowledged) and O(expired) are idempotent, with check mode and diff; a second run changes
    nothing and sends no write.
  - O(retry) is an action, not a state; it is always reported as changed and runs each time the task runs.
  - When several are given, O(acknowledged) and O(expired) are applied first (one request), then O(retry).
author:
  - ROCKITPLAY (@rockitplay)
options:
  name:
    description:
      - The task name, for example V(exampleorg-sushi-0002-1733149403-dltar) (rockitplay.edge.rockit_tasks_info lists them).
      - A task that does not exist fails the module.
    type: str
    required: true
  acknowledged:
    description:
      - V(true) marks the task's warning as reviewed. It does not fix or retry anything.
      - Acknowledging cannot be undone; V(false) fails for an acknowledged task and changes nothing otherwise.
    type: bool
  expired:
    description:
      - V(true) expires an upload (C(dltar)) task that went wrong (an exception, a failed or incomplete transfer). Expiring
        marks the task failed and acknowledged and stops its build; it does not start a new upload (use O(retry) for that).
      - A task that is V(done) cannot be expired; the module refuses it before sending anything. The Edge refuses other
        tasks that cannot be expired (C(409)), and the module says which tasks can.
      - Expiring cannot be undone; V(false) fails for an expired task and changes nothing otherwise.
    type: bool
  retry:
    description:
      - V(true) retries the failed task (C(POST /be/v1/trigger) with the action C(retry)). The Edge creates a new task for the
        same step and the build continues from there; it is returned as RV(new_task).
      - A task that is not failed is refused before anything is sent (one that O(expired=true) is about to expire counts
        as failed). In check mode nothing is sent and the module reports a change.
    type: bool
    default: false
extends_documentation_fragment:
  - rockitplay.edge.connection
  - rockitplay.edge.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details: The diff shows C(acknowledged), C(expired) and C(status) of the task before and after.
seealso:
  - module: rockitplay.edge.rockit_tasks_info
  - module: rockitplay.edge.rockit_build
'''

EXAMPLES = r'''
- name: Acknowledge the warning of a task
  rockitplay.edge.rockit_task:
    name: exampleorg-sushi-0002-1733149403-dltar
    acknowledged: true

- name: Expire an upload task that never received its file
  rockitplay.edge.rockit_task:
    name: exampleorg-sushi-0002-1733149403-dltar
    expired: true

- name: Wait for build 3 of Sushi
  rockitplay.edge.rockit_tasks_info:
    task_group: exampleorg-sushi-0003
    wait: true
  register: sushi_build

- name: Retry its failed step
  rockitplay.edge.rockit_task:
    name: "{{ item.name }}"
    retry: true
  loop: "{{ sushi_build.tasks | selectattr('status', 'equalto', 'failed') | list }}"
  loop_control:
    label: "{{ item.name }}"
'''

RETURN = r'''
task:
  description:
    - The task's detail record after the change (predicted in check mode). With O(retry), the retried task itself.
  returned: always
  type: dict
  sample:
    name: exampleorg-sushi-0002-1733149403-dltar
    service: engine
    status: failed
    appName: Sushi
    taskType: build
    taskGroup: exampleorg-sushi-0002
    created: "2024-12-02T14:23:23Z"
    step: dltar
    build: 2
    acknowledged: true
    expired: true
    warning: ""
    message: Expired by the user.
    updated: "2024-12-02T15:01:10Z"
new_task:
  description: The task the retry created, for the same step of the same build.
  returned: when O(retry=true), except in check mode
  type: dict
  sample:
    name: exampleorg-sushi-0002-1733154780-dltar
    service: engine
    status: pending
    appName: Sushi
    taskType: build
    taskGroup: exampleorg-sushi-0002
    created: "2024-12-02T15:53:00Z"
    step: dltar
    build: 2
    acknowledged: false
    expired: false
    warning: ""
    message: ""
    updated: "2024-12-02T15:53:00Z"
'''

from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import run_ansible_module
from ansible_collections.rockitplay.edge.plugins.module_utils.tasks import TASK_MODULE


def main():
    run_ansible_module(TASK_MODULE)


if __name__ == '__main__':
    main()
