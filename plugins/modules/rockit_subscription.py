#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: rockit_subscription
short_description: Manage event subscriptions (webhooks and Slack) of a ROCKIT Edge organisation
version_added: 1.0.0
description:
  - Subscribe a webhook or a Slack channel to events of one pipeline step (the sender), change the subscription, or
    unsubscribe.
  - The Edge signs every webhook call with a JWT in the C(x-rockit-subscriptions) header. Its signing secret is returned
    B(once), when the subscription is created, under RV(secret); the output of that task is hidden (as with C(no_log)),
    while C(register) keeps the secret, and O(secret_file) writes it to a file.
  - The Edge cannot change a subscription. When the declared subscription differs from the Edge's, the module replaces it
    (unsubscribe, then subscribe again) and reports a change with a diff. B(Every replacement issues a new signing secret),
    so the webhook receiver must be updated with the new RV(secret), or it rejects the calls.
  - When the Edge refuses the new definition after the old subscription was deleted, the module creates the previous
    definition again (with a new signing secret, returned in RV(secret) and written to O(secret_file)) and fails with a
    message that says what was deleted and what was restored.
  - A subscription is replaced only when a declared field differs in an answer the module recognises. An answer in another
    shape fails the task before anything is written, so a new signing secret is never issued on every run.
  - O(events) are compared as a set, so their order does not matter; a second run with the same options changes nothing
    and sends no write.
author:
  - ROCKITPLAY (@rockitplay)
options:
  name:
    description:
      - The subscription name, its identifier. 2 to 50 letters, digits or underscores.
    type: str
    required: true
  sender:
    description:
      - The pipeline step whose events are sent. Required with O(state=present).
    type: str
    choices: [dltar, mkraw, deploy]
  events:
    description:
      - The events to send, at least one; compared as a set. Required with O(state=present).
    type: list
    elements: str
    choices: [submit, begin, end, error, exception]
  webhook_url:
    description:
      - The URL the Edge calls, V(http) or V(https), with a host name or an IPv4 address (not an IPv6 literal), an optional
        port from 1 to 65535 and no user name or password (the signing secret authenticates the Edge), at most 2048
        characters. Other URLs are refused before any request is sent.
      - Exactly one of O(webhook_url) and O(slack_channel) is required with O(state=present).
    type: str
  slack_channel:
    description:
      - The Slack channel to post to, C(#name) (lower-case letters, digits, C(-), C(_) or C(.), at most 80) or a channel id
        such as C(C0123456789). Anything else is refused before any request is sent.
    type: str
  secret_file:
    description:
      - A file to write the signing secret to (the secret alone, without a newline), with mode C(0600), whenever a secret is
        issued (on create and on every replacement).
      - "The file is written on the host that runs the module, that is the controller for local tasks (C(connection: local) or
        C(delegate_to: localhost)). Its directory must exist."
      - The secret cannot be read later. If it was lost, change the subscription or delete it (O(state=absent)) and create it
        again, which issues a new one.
    type: path
  state:
    description:
      - V(present) creates the subscription or replaces it when it differs, V(absent) unsubscribes.
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
seealso:
  - module: rockitplay.edge.rockit_subscription_info
  - module: rockitplay.edge.rockit_tasks_info
'''

EXAMPLES = r'''
- name: Call a webhook when a deployment ends or fails
  rockitplay.edge.rockit_subscription:
    name: deployWebhook
    sender: deploy
    events: [end, error]
    webhook_url: https://hooks.example.com/rockit
    secret_file: "{{ playbook_dir }}/secrets/deployWebhook.secret"
  register: deploy_webhook

# not-run: it writes to /etc/rockit-receiver on the host that runs the play, which the examples test must not do.
- name: Give a new signing secret to the webhook receiver
  ansible.builtin.copy:
    content: "{{ deploy_webhook.secret }}"
    dest: /etc/rockit-receiver/secret
    mode: "0600"
  no_log: true
  when: deploy_webhook.secret is defined

- name: Post upload errors to Slack
  rockitplay.edge.rockit_subscription:
    name: dltarSlack
    sender: dltar
    events: [error, exception]
    slack_channel: "#rockitplay-events"

- name: Unsubscribe
  rockitplay.edge.rockit_subscription:
    name: dltarSlack
    state: absent
'''

RETURN = r'''
subscription:
  description: The subscription as the Edge returns it after the task (in check mode, as it would be). Null when O(state=absent).
  returned: always
  type: dict
  sample:
    name: deployWebhook
    sender: deploy
    events: [end, error]
    type: webhook
    webhook: {url: "https://hooks.example.com/rockit"}
    orgName: ExampleOrg
    created: "2026-11-22T10:00:00Z"
secret:
  description:
    - The signing secret of the webhook JWT, returned once, when the subscription is created or replaced.
    - The output of this task is hidden from the display; C(register) keeps the secret.
  returned: when the subscription was created or replaced
  type: str
  sample: 9f3c2a7e5b1d4c8a
diff:
  description: The subscription before and after (in diff mode).
  returned: when diff mode is on
  type: dict
  sample:
    before: {name: deployWebhook, sender: deploy, events: [end], type: webhook, webhook: {url: "https://hooks.example.com/rockit"}}
    after: {name: deployWebhook, sender: deploy, events: [end, error], type: webhook, webhook: {url: "https://hooks.example.com/rockit"}}
'''

from ansible_collections.rockitplay.edge.plugins.module_utils.subscription import SUBSCRIPTION_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import run_ansible_module


def main():
    run_ansible_module(SUBSCRIPTION_MODULE)


if __name__ == '__main__':
    main()
