#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: rockit_subscription_info
short_description: Read the event subscriptions of a ROCKIT Edge organisation
version_added: 1.0.0
description:
  - Returns one subscription by name, or every subscription of the organisation (all pages are read; nothing is truncated).
  - The Edge lists one record per subscription and event; the module returns one entry per subscription with its
    C(events), and the records as the Edge lists them under RV(records).
  - Never returns a signing secret (the Edge returns it only when a subscription is created).
author:
  - ROCKITPLAY (@rockitplay)
options:
  name:
    description:
      - The subscription to read. Without it, every subscription is returned.
      - A subscription that does not exist gives an empty list, not a failure.
    type: str
extends_documentation_fragment:
  - rockitplay.edge.connection
  - rockitplay.edge.attributes
  - rockitplay.edge.attributes.info_module
seealso:
  - module: rockitplay.edge.rockit_subscription
'''

EXAMPLES = r'''
- name: Read every subscription
  rockitplay.edge.rockit_subscription_info:
  register: all_subscriptions

- name: Show the webhook URLs
  ansible.builtin.debug:
    msg: "{{ all_subscriptions.subscriptions | selectattr('type', 'equalto', 'webhook') | map(attribute='webhook.url') | list }}"

- name: Read one subscription
  rockitplay.edge.rockit_subscription_info:
    name: deployWebhook
  register: deploy_webhook
'''

RETURN = r'''
subscriptions:
  description: One entry per subscription, in the order the Edge lists them, with the list of its C(events).
  returned: always
  type: list
  elements: dict
  sample:
    - name: deployWebhook
      sender: deploy
      events: [end, error]
      type: webhook
      webhook: {url: "http://example.com/webhook"}
      orgName: ExampleOrg
total_count:
  description: How many subscriptions (names) there are.
  returned: always
  type: int
  sample: 1
records:
  description: The Edge's records, one per subscription and event.
  returned: always
  type: list
  elements: dict
  sample:
    - {name: deployWebhook, sender: deploy, event: end, type: webhook, webhook: {url: "http://example.com/webhook"}, orgName: ExampleOrg}
    - {name: deployWebhook, sender: deploy, event: error, type: webhook, webhook: {url: "http://example.com/webhook"}, orgName: ExampleOrg}
'''

from ansible_collections.rockitplay.edge.plugins.module_utils.subscription import SUBSCRIPTION_INFO_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import run_ansible_module


def main():
    run_ansible_module(SUBSCRIPTION_INFO_MODULE)


if __name__ == '__main__':
    main()
