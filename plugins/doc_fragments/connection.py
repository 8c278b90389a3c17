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
      - Only one of O(edge_api_key), O(edge_password) and O(edge_token) may be set.
    type: str
  edge_password:
    description:
      - The password of the user O(edge_username). The collection logs in once per task (once per loop on the controller)
        and again when the access token expires.
      - If not set, the environment variable E(ROCKIT_PASSWORD) is used.
    type: str
  edge_token:
    description:
      - A ready access token (C(x-rockit-beauth-token)). It cannot be renewed by the collection.
      - If not set, the environment variable E(ROCKIT_TOKEN) is used.
    type: str
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
      - How often a request is tried again after a dropped connection, a timeout or a server error (500, 502, 504),
        with exponential backoff. Only reads, updates and deletes are retried this way; a create whose answer was lost is
        first looked up and only sent again if it did not land.
      - Also the number of times a C(429) or C(503) answer with C(Retry-After) is waited out.
      - If not set, the environment variable E(ROCKIT_RETRIES) is used.
    type: int
    default: 3
  max_retry_wait:
    description:
      - The most seconds one task may wait in total because the Edge answered C(429 Too Many Requests) or C(503) with a
        C(Retry-After) header. A longer requested wait (such as 900 seconds of maintenance) fails the task at once with a
        message naming the wait.
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
