# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options every module of rockitplay.edge takes."""


class ModuleDocFragment(object):

    DOCUMENTATION = r'''
options:
  edge_url:
    description:
      - Base URL of the ROCKIT Edge, for example V(https://edge.example.com). The API prefix C(/be/v1) is added by the collection.
      - If not set, the environment variable E(ROCKIT_EDGE_URL) is used. One of the two is required.
    type: str
  edge_org:
    description:
      - The organisation name (C(x-rockit-orgname)). Required with O(edge_api_key) and O(edge_password).
      - If not set, the environment variable E(ROCKIT_ORGNAME) is used.
    type: str
  edge_username:
    description:
      - The user the play authenticates as, a machine user with O(edge_api_key) or a user with O(edge_password).
      - If not set, the environment variable E(ROCKIT_USERNAME) is used.
    type: str
  edge_api_key:
    description:
      - The API key of the machine user O(edge_username). Recommended for automation.
      - If not set, the environment variable E(ROCKIT_API_KEY) is used.
      - Only one of O(edge_api_key), O(edge_password) and O(edge_token) may be set. One that the task or
        C(module_defaults) sets wins over the others' environment variables (an exported E(ROCKIT_API_KEY) does not
        get in the way of a task that logs in with O(edge_password)).
    type: str
  edge_password:
    description:
      - The password of the user O(edge_username). On the controller (the fast path) the collection logs in once per
        C(ansible-playbook) run and shares that login between the tasks and hosts with the same credentials, renews it
        when it expires and logs it out when the run ends. As a module on a host it logs in once per task and logs out at
        the end of the task. Both login flows of the Edge (2025 and 2026) are spoken; see the connection guide.
      - If not set, the environment variable E(ROCKIT_PASSWORD) is used.
    type: str
  edge_token:
    description:
      - A ready access token (C(x-rockit-beauth-token)). It cannot be renewed by the collection.
      - If not set, the environment variable E(ROCKIT_TOKEN) is used.
    type: str
  edge_admin_token:
    description:
      - The installation's admin token (C(x-rockit-admin-token)), for the admin API (C(/adm/v1)) and the service routes
        (C(/srv/v1)). Needed by M(rockitplay.edge.rockit_org) and for versions and health in M(rockitplay.edge.rockit_edge_info);
        other modules do not send it.
      - If not set, the environment variable E(ROCKIT_ADMIN_TOKEN) is used.
    type: str
    version_added: 1.0.0
  rate_limit:
    description:
      - The most requests per second one task sends to the Edge, shared by all its concurrent requests. V(0) is no limit.
      - If not set, the environment variable E(ROCKIT_RATE_LIMIT) is used; without either, the documented limit of the
        Edge's release when the collection knows the release (it learns it from the service routes with
        O(edge_admin_token)), otherwise no limit. A C(429) answer always slows the task down (fewer requests in flight,
        growing back gradually; the other requests wait for the C(Retry-After) too) and is retried as O(max_retry_wait)
        allows. Without this option the task also learns a rate from the C(429) answers (what the Edge admitted between
        two of them, growing by 5 % a second), which the later tasks of the run on the controller start from.
      - The limit of an Edge counts all its clients together; set this below it when other clients share it.
    type: float
    version_added: 1.0.0
  validate_certs:
    description:
      - Whether to check the Edge's TLS certificate. Only turn this off for tests.
      - If not set, the environment variable E(ROCKIT_VALIDATE_CERTS) is used.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of CA certificates to check the Edge's certificate with, for a private CA.
      - If not set, the environment variable E(ROCKIT_CA_PATH) is used.
    type: path
  request_timeout:
    description:
      - Seconds to wait for the Edge to answer one request.
      - If not set, the environment variable E(ROCKIT_TIMEOUT) is used.
    type: float
    default: 30
  retries:
    description:
      - How often one request may be sent again, whatever the reason; a request is sent at most O(retries) + 1 times.
      - Reasons, in one budget - a dropped connection, a timeout or a server error (500, 502, 504) or a C(503) without
        C(Retry-After), with exponential backoff, for reads, updates and deletes only (a create whose answer was lost is
        first looked up and only sent again if it did not land); a garbled answer to a read; C(429) without
        C(Retry-After) (any request, with backoff); C(503) with C(Retry-After); an expired access token (renewed first).
      - A C(429) with C(Retry-After) (the rate limit) is not counted here; it is waited out within O(max_retry_wait).
      - If not set, the environment variable E(ROCKIT_RETRIES) is used.
    type: int
    default: 3
  max_retry_wait:
    description:
      - The most seconds one request may wait in total because the Edge answered C(429 Too Many Requests) or C(503) with a
        C(Retry-After) header (seconds or an HTTP date). A longer requested wait (such as 900 seconds of maintenance) fails the task at once with a
        message naming the wait.
      - A C(429) with C(Retry-After) is sent again as often as this wait allows, whatever O(retries) says; while one
        request waits, the other requests of the task hold back until the same moment.
      - If not set, the environment variable E(ROCKIT_MAX_RETRY_WAIT) is used.
    type: int
    default: 120
requirements:
  - requests >= 2.25 (on the host that runs the module; on the controller for tasks run locally)
notes:
  - Set the connection once for a play with C(module_defaults) and the action group C(group/rockitplay.edge.rockit),
    or through the C(ROCKIT_*) environment variables, which the collection's AWX credential type injects.
  - "When the task runs on the controller (C(connection: local) or C(delegate_to: localhost)), the module's code runs
    inside the controller process (the same validation, check mode, diff and results, much faster). Set
    E(ROCKIT_FAST_PATH=false) to always run it as a module."
'''
