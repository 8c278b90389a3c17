#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: rockit_report
short_description: Write a drift report or a run report as JSON, Markdown and JUnit XML
version_added: 1.0.0
description:
  - From a plan of M(rockitplay.edge.rockit_plan) alone, a drift report - what is missing on the Edge, what differs
    (field by field, declared and actual), what is on the Edge but not declared (extra), and what cannot be compared
    (write-only values).
  - From a plan and the registered results of the M(rockitplay.edge.rockit_apply) tasks that applied it, a run report -
    what was created, updated, deleted, left unchanged, failed or not attempted, per object (in check mode, predicted).
  - Returns the report and writes it, with O(dest), as JSON (for tools), Markdown (for people, for example a CI job
    summary) and JUnit XML (one test case per object, so CI systems show drift and failed objects as failed tests).
  - The report holds names, actions and compared values, never a write-only value nor a secret the Edge issued (a
    new API key in the results is never read, and is masked).
  - It never contacts the Edge; it takes the connection options only so that C(module_defaults) of the action group
    apply to it.
author:
  - ROCKITPLAY (@rockitplay)
options:
  plan:
    description: The registered result of M(rockitplay.edge.rockit_plan) (or its RV(rockitplay.edge.rockit_plan#module:plan)).
    type: dict
    required: true
  results:
    description:
      - For a run report, per kind (C(deployments), C(roles), C(users), C(apps), C(subscriptions)), the registered
        results of the M(rockitplay.edge.rockit_apply) tasks of that kind (the apply and the delete task; a skipped
        task is fine).
      - Without it, the report is a drift report of the plan.
    type: dict
  predicted:
    description: The results are predictions of a check-mode run; the report says so.
    type: bool
    default: false
  dest:
    description:
      - The file of the JSON report. The Markdown report goes to the same path with C(.md) instead of C(.json), the
        JUnit report with C(.xml) (without a C(.json) suffix, the suffixes are added to O(dest)).
      - Written on the host that runs the task (the controller with a local connection), replaced atomically, not in
        check mode (set C(check_mode=false) on the task to write a check-mode run's report).
    type: path
  formats:
    description: The formats to write.
    type: list
    elements: str
    choices: [json, markdown, junit]
    default: [json, markdown, junit]
  title:
    description: The title of the Markdown report and the name of the JUnit test suites.
    type: str
  organisation:
    description: The organisation's name, recorded in the report.
    type: str
  keys_file:
    description: The API keys file of the run, named in the summary lines.
    type: path
  timestamp:
    description: Record when the report was written (in the files, not in RV(report)).
    type: bool
    default: true
extends_documentation_fragment:
  - rockitplay.edge.connection
  - rockitplay.edge.attributes
attributes:
  check_mode:
    support: full
    details: Returns the report; writes no file.
  diff_mode:
    support: none
notes:
  - The task never reports C(changed); a report is not a change of the organisation.
seealso:
  - module: rockitplay.edge.rockit_plan
  - module: rockitplay.edge.rockit_apply
'''

EXAMPLES = r'''
- name: Plan the declared organisation against the Edge, every kind in both directions
  rockitplay.edge.rockit_plan:
    deployments: "{{ rockit_deployments }}"
    roles: "{{ rockit_roles }}"
    users: "{{ rockit_users }}"
    apps: "{{ rockit_apps }}"
    subscriptions: "{{ rockit_subscriptions }}"
    kinds: [deployments, roles, users, apps, subscriptions]
  register: edge_plan

- name: Write the drift report
  rockitplay.edge.rockit_report:
    plan: "{{ edge_plan }}"
    dest: "{{ playbook_dir }}/reports/drift.json"
  register: drift

- name: Fail on drift
  ansible.builtin.fail:
    msg: "{{ drift.lines | join('; ') }}"
  when: drift.drift
'''

RETURN = r'''
report:
  description:
    - The report. A drift report has C(drift), C(counts) (missing, changed, extra, unchanged, not_comparable),
      C(differences) (kind, name, status, changes field by field), C(not_comparable) and C(kinds) (names per status).
    - A run report has C(check_mode), C(changed), C(failed), C(counts), C(objects) (kind, name, action, changes, reason,
      msg), C(kinds) (names per action) and C(api_keys) (the user names that received a key, never a key).
  returned: always
  type: dict
  sample:
    format: rockitplay.edge/report/v1
    report: drift
    drift: true
    counts: {missing: 1, changed: 1, extra: 1, unchanged: 12, not_comparable: 1}
    differences:
      - {kind: roles, name: QA, status: changed, changes: [{field: permissions.apps, declared: 3, actual: 2}]}
      - {kind: apps, name: Sushi, status: missing}
      - {kind: users, name: old_bot, status: extra}
lines:
  description: A summary, one line per kind, without any secret.
  returned: always
  type: list
  elements: str
  sample: ["roles: 1 changed (QA), 4 unchanged", "drift: yes, 3 differences"]
summary:
  description: For a run report, per kind the names created, updated, deleted and unchanged.
  returned: with O(results)
  type: dict
  sample: {roles: {created: [QA], updated: [], deleted: [], unchanged: [CI]}}
drift:
  description: For a drift report, whether there is drift.
  returned: without O(results)
  type: bool
  sample: true
files:
  description: The files written, per format.
  returned: with O(dest)
  type: dict
  sample: {json: /srv/reports/drift.json, markdown: /srv/reports/drift.md, junit: /srv/reports/drift.xml}
'''

from ansible_collections.rockitplay.edge.plugins.module_utils.report import REPORT_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import run_ansible_module


def main():
    run_ansible_module(REPORT_MODULE)


if __name__ == '__main__':
    main()
