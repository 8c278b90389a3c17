#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: rockit_tasks_info
short_description: List and wait for the processing tasks of a ROCKIT Edge organisation
version_added: 1.0.0
description:
  - Lists the tasks of the organisation (each step of a build pipeline, such as C(dltar), C(mkraw), C(mkpat), C(mkdxf),
    C(publish) and C(deploy), is one task), filtered and ordered by the Edge, optionally with each task's detail record.
  - Reads every page by default (nothing is truncated unless O(limit) says so), and can wait until the matched tasks are
    finished, failing on failed tasks if asked to.
  - Also available as C(rockitplay.edge.rockit_tasks).
  - "Filters applied by the Edge: O(app_name), O(task_group), O(statuses), O(task_types), O(created_after). Filters applied by
    the module after listing: O(names) and O(created_before)."
  - Every filter is checked before any request is sent (unknown statuses or task types, dates that are not ISO 8601,
    unknown O(order) fields).
author:
  - ROCKITPLAY (@rockitplay)
options:
  names:
    description:
      - Only the tasks with these exact names (one name or a list).
      - "When O(names) is the only filter, the module picks the cheaper way: one name is read directly; for several, the
        first page of the list is read (with the default O(page_size), one request covers up to 1000 tasks) and names it
        does not hold are then read one by one, or the rest of the list is read, whichever takes fewer requests. With other
        filters, the Edge's list is read and the named tasks are kept."
      - A name that does not exist is left out of RV(tasks); it is not a failure.
    type: list
    elements: str
    aliases: [name]
  app_name:
    description:
      - Only the tasks of apps whose name contains this text (the Edge's partial, case-sensitive match).
    type: str
  task_group:
    description:
      - Only the tasks whose task group contains this text (the Edge's partial, case-sensitive match). A build's task group
        is C(<org>-<app>-<build>) in lower case, for example C(exampleorg-sushi-0002); the build import returns it.
    type: str
  statuses:
    description:
      - Only the tasks in one of these statuses. V(unfinished) matches every task that is not V(done), V(failed) or
        V(canceled).
    type: list
    elements: str
    choices: [allocating, pending, configuring, preparing, running, finalizing, done, failed, canceled, unfinished]
  task_types:
    description:
      - Only the tasks of these types. The steps of a build are of type V(build), except the last one, V(deploy).
    type: list
    elements: str
    choices: [build, deploy, replication, cleanup, migration, test, export, import, backup, restore]
  created_after:
    description:
      - Only the tasks created strictly after this moment, an ISO 8601 date or date-time such as V(2025-01-01T00:00:00Z).
        A value without a time zone is UTC; a date alone means its midnight. Sent to the Edge as UTC.
    type: str
  created_before:
    description:
      - Only the tasks created strictly before this moment (same format as O(created_after)). Applied by the module, so
        every page of the Edge's match is read.
    type: str
  order:
    description:
      - Sort keys, the first one first, for example V(['-created', 'appName']). Each key is a field (V(appName),
        V(taskType), V(created), V(name) or V(status)), prefixed with V(-) for descending or V(+) for ascending (the default).
      - Without it, the tasks come in the Edge's order, oldest first.
    type: list
    elements: str
  page_size:
    description:
      - How many tasks to read per request, 1 to 1000. The default, the largest the Edge accepts, takes the fewest requests.
    type: int
    default: 1000
  limit:
    description:
      - Return at most this many tasks, and stop reading pages as soon as they are read. RV(truncated) tells whether more
        tasks matched. Without it, every matching task is returned.
      - With O(names) or O(created_before) (applied by the module), every page of the Edge's match is read first.
    type: int
  details:
    description:
      - Merge each task's detail record (C(GET /be/v1/tasks/{name})) into it, which adds C(step), C(build),
        C(acknowledged), C(expired), C(warning), C(message), C(updated) and, when they apply, the failure fields
        C(httpStatus), C(exitCode), C(sizeBytesActual), C(sizeBytesExpected) and C(fileReadFailed).
      - This takes one request per returned task; combine it with filters or O(limit).
    type: bool
    default: false
  wait_statuses:
    description:
      - With O(wait=true), wait until every matched task is in one of these statuses, and nothing more.
      - Without it, the module waits until every matched task is finished (V(done), V(failed) or V(canceled)) and, when
        O(app_name) or O(task_group) is given, until no more pipeline steps are coming (see the notes).
    type: list
    elements: str
    choices: [allocating, pending, configuring, preparing, running, finalizing, done, failed, canceled]
  fail_on_failed:
    description:
      - Fail when a returned task is V(failed). The message names each failed task with its failure fields (C(httpStatus),
        C(exitCode), C(sizeBytesActual), C(sizeBytesExpected), C(fileReadFailed), C(message)), read from the detail records
        of the failed tasks only. The failed result still holds RV(tasks) and RV(failed_tasks).
      - A failed task does not count once it is acknowledged (an expired task is) or once a later task of its task group
        exists (it was retried and the build went on).
      - With O(wait=true), checked after the wait.
    type: bool
    default: false
extends_documentation_fragment:
  - rockitplay.edge.connection
  - rockitplay.edge.wait
  - rockitplay.edge.attributes
  - rockitplay.edge.attributes.info_module
notes:
  - "Waiting (O(wait=true)): the filters are applied again at each poll, and the result is that of the last poll. Without
    O(wait_statuses), the module waits until every matched task is finished (V(done), V(failed) or V(canceled)). The Edge
    creates the next step of a build only when the previous one is done, so finished tasks alone do not mean that a build
    is finished: when O(app_name) or O(task_group) is given, the module also waits until every app of the matched tasks
    (and the app named O(app_name), if there is one) reports C(processing=false). It reads C(GET /be/v1/apps/{name}) with
    only that field, and only once the tasks are finished. If another build of such an app starts meanwhile, the wait
    covers it too."
  - RV(total_count) is the Edge's count for its own filters; the filters the module applies (O(names), O(created_before))
    and O(limit) are not reflected in it. The length of RV(tasks) is the number of tasks returned.
seealso:
  - module: rockitplay.edge.rockit_task
  - module: rockitplay.edge.rockit_build
  - module: rockitplay.edge.rockit_app_info
'''

EXAMPLES = r'''
- name: Read every task of the organisation
  rockitplay.edge.rockit_tasks_info:
  register: all_tasks

- name: Running and pending tasks of the app Sushi, newest first
  rockitplay.edge.rockit_tasks_info:
    app_name: Sushi
    statuses: [running, pending]
    order: ['-created', 'appName']
  register: busy

- name: Build tasks created in January 2025, with their failure details
  rockitplay.edge.rockit_tasks_info:
    task_types: [build]
    created_after: "2025-01-01T00:00:00Z"
    created_before: "2025-02-01T00:00:00Z"
    details: true
  register: january

- name: The ten newest failed tasks
  rockitplay.edge.rockit_tasks_info:
    statuses: [failed]
    order: ['-created']
    limit: 10
  register: recent_failures

- name: Two tasks by name
  rockitplay.edge.rockit_tasks_info:
    names:
      - exampleorg-sushi-0001-1732886919-dltar
      - exampleorg-sushi-0001-1732887364-deploy
  register: named

- name: Wait until the pipeline of build 3 of Sushi is finished, and fail if a step failed
  rockitplay.edge.rockit_tasks_info:
    task_group: exampleorg-sushi-0003
    wait: true
    wait_timeout: 1800
    wait_sleep: 10
    fail_on_failed: true

- name: Show how many tasks of the app are in each status
  ansible.builtin.debug:
    msg: "{{ busy.status_counts }}"
'''

RETURN = r'''
tasks:
  description:
    - The matching tasks, in the Edge's order (or O(order)). With O(details=true), each holds its detail record too.
  returned: always
  type: list
  elements: dict
  sample:
    - name: exampleorg-sushi-0001-1732886919-dltar
      service: engine
      status: done
      appName: Sushi
      taskType: build
      taskGroup: exampleorg-sushi-0001
      created: "2024-11-29T13:28:39Z"
    - name: exampleorg-sushi-0002-1733149403-dltar
      service: engine
      status: failed
      appName: Sushi
      taskType: build
      taskGroup: exampleorg-sushi-0002
      created: "2024-12-02T14:23:23Z"
      step: dltar
      build: 2
      acknowledged: false
      expired: false
      warning: ""
      message: Could not resolve host builds.example.invalid.
      updated: "2024-12-02T14:23:27Z"
      httpStatus: 404
      exitCode: 22
total_count:
  description:
    - How many tasks the Edge counts for the filters it applies (O(app_name), O(task_group), O(statuses), O(task_types),
      O(created_after)), regardless of O(limit). When O(names) is the only filter, the number of named tasks that exist.
  returned: always
  type: int
  sample: 13
truncated:
  description: Whether O(limit) left out matching tasks.
  returned: always
  type: bool
  sample: false
status_counts:
  description: How many of the returned tasks are in each status (every status is a key, V(0) when none).
  returned: always
  type: dict
  sample: {allocating: 0, pending: 1, configuring: 0, preparing: 0, running: 0, finalizing: 0, done: 12, failed: 0, canceled: 0}
failed_tasks:
  description:
    - The failed tasks that made the module fail, with their detail records (failure fields included).
  returned: when O(fail_on_failed=true) and a task failed
  type: list
  elements: dict
  sample:
    - name: exampleorg-sushi-0002-1733149403-dltar
      status: failed
      taskGroup: exampleorg-sushi-0002
      httpStatus: 404
      exitCode: 22
      message: Could not resolve host builds.example.invalid.
pending:
  description: On a wait timeout, the names of the tasks that were not finished.
  returned: when the wait timed out
  type: list
  elements: str
  sample: [exampleorg-sushi-0002-1733154909-mkraw]
processing_apps:
  description: On a wait timeout, the apps that were still processing a build.
  returned: when the wait timed out
  type: list
  elements: str
  sample: [Sushi]
'''

from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import run_ansible_module
from ansible_collections.rockitplay.edge.plugins.module_utils.tasks import TASKS_INFO_MODULE


def main():
    run_ansible_module(TASKS_INFO_MODULE)


if __name__ == '__main__':
    main()
