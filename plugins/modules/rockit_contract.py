#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: rockit_contract
short_description: Check the API assumptions of rockitplay.edge against a ROCKIT Edge
version_added: 1.0.0
description:
  - Most request and response bodies of the ROCKIT Edge are not public; the collection follows the shapes written down
    in its API assumptions page. This module asks an Edge whether each assumption it can reach holds, and reports it as
    C(holds), C(differs) or C(not checked), with the evidence (statuses and field names, never a secret value).
  - Read-only by default (GET requests only, and the login of a password). With O(writes=true) it also creates scratch
    objects whose names start with O(prefix) (a role, a machine user, a deployment with dummy credentials, an app
    registered on it, a webhook subscription to a reserved example host), changes them the way the modules do, reads
    them back and deletes them again.
  - It is polite to the Edge. It sends one request at a time, at least O(request_interval) seconds apart, and
    honours every C(Retry-After) (within O(max_retry_wait)).
  - The module does not fail when an assumption differs; RV(differs) lists them. The playbook
    C(rockitplay.edge.contract) prints the table, writes the JSON report and fails when one differs.
  - A task reports C(changed) only when a scratch object could not be deleted again (RV(scratch_left)).
author:
  - ROCKITPLAY (@rockitplay)
options:
  writes:
    description:
      - Also run the checks that need writes, on scratch objects that are deleted again.
      - Needs a user with create, update and delete permissions on roles, users (beUsers), deployments, apps and
        subscriptions. In check mode these checks are skipped.
    type: bool
    default: false
  prefix:
    description:
      - The start of the scratch objects' names (2 to 36 letters, digits or underscores), for example C(ContractCheck).
      - By default C(ContractCheck) followed by the current UTC time (C(YYYYmmddHHMMSS)), so that two runs never meet.
    type: str
  request_interval:
    description:
      - The least time in seconds between two requests of the check.
      - The Edge's gateway limits all clients of an installation together (5 requests per second on the smallest tier).
    type: float
    default: 0.25
extends_documentation_fragment:
  - rockitplay.edge.connection
  - rockitplay.edge.attributes
attributes:
  check_mode:
    support: full
    details: The read-only checks run as usual; the checks that write are skipped.
  diff_mode:
    support: N/A
    details: The scratch objects are deleted again; there is no state to compare.
notes:
  - The checks, and what the collection does when one differs, are listed in the guide "Check your Edge before the
    first bootstrap" and in section 16 of the API assumptions page.
seealso:
  - name: Check your Edge before the first bootstrap
    description: The guide to the contract check.
    link: https://github.com/rockitplay/ansible-collection-edge/blob/main/docs/docsite/rst/contract.rst
'''

EXAMPLES = r'''
- name: Check the assumptions that can be read
  rockitplay.edge.rockit_contract:
  register: contract

- name: Show the table
  ansible.builtin.debug:
    msg: "{{ contract.table }}"

- name: Also the checks that write, on scratch objects deleted again
  rockitplay.edge.rockit_contract:
    writes: true
    prefix: CiContract
  register: contract_writes

- name: Fail when an assumption differs
  ansible.builtin.assert:
    that: contract_writes.differs | length == 0
    fail_msg: "These assumptions differ on this Edge: {{ contract_writes.differs | join(', ') }}"
'''

RETURN = r'''
assumptions:
  description: Every assumption the check knows, in a fixed order, with its outcome.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: A short name of the assumption.
      type: str
      sample: app-deployments
    section:
      description: The section of the API assumptions page that describes it.
      type: str
      sample: "7"
    assumption:
      description: What the collection assumes.
      type: str
      sample: An app keeps the deployments it is registered on (an empty list would publish it everywhere).
    result:
      description: C(holds), C(differs) or C(not checked).
      type: str
      sample: holds
    evidence:
      description: What the Edge answered (statuses and field names, never a secret value), or why it was not checked.
      type: str
      sample: an app created with deployments [ContractCheckDep] has ['ContractCheckDep']
counts:
  description: How many assumptions hold, differ and were not checked.
  returned: always
  type: dict
  sample: {holds: 24, differs: 0, not checked: 7}
differs:
  description: The ids of the assumptions that differ on this Edge.
  returned: always
  type: list
  elements: str
  sample: [page-limit]
table:
  description: The report as lines of text, for ansible.builtin.debug.
  returned: always
  type: list
  elements: str
writes:
  description: Whether the checks that write ran.
  returned: always
  type: bool
  sample: false
prefix:
  description: The prefix of the scratch objects (when O(writes) ran).
  returned: always
  type: str
  sample: ContractCheck20261202101500
scratch_left:
  description: Scratch objects that could not be deleted (normally empty).
  returned: always
  type: list
  elements: str
  sample: []
requests:
  description: How many requests the check sent.
  returned: always
  type: int
  sample: 38
'''

from ansible_collections.rockitplay.edge.plugins.module_utils.contract import CONTRACT_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import run_ansible_module


def main():
    run_ansible_module(CONTRACT_MODULE)


if __name__ == '__main__':
    main()
