# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options of the collection's lookup plugins: the modules' options, with the same ROCKIT_* variables."""


class ModuleDocFragment(object):

    DOCUMENTATION = r'''
options:
  edge_url:
    description:
      - Base URL of the ROCKIT Edge, for example V(https://edge.example.com).
    type: str
    env:
      - name: ROCKIT_EDGE_URL
  edge_org:
    description:
      - The organisation name. Required with O(edge_api_key) and O(edge_password).
    type: str
    env:
      - name: ROCKIT_ORGNAME
  edge_username:
    description:
      - The user to authenticate as, a machine user with O(edge_api_key) or a user with O(edge_password).
    type: str
    env:
      - name: ROCKIT_USERNAME
  edge_api_key:
    description:
      - The API key of the machine user O(edge_username). Only one of O(edge_api_key), O(edge_password) and O(edge_token).
    type: str
    env:
      - name: ROCKIT_API_KEY
  edge_password:
    description:
      - The password of the user O(edge_username); the lookup logs in once per connection setting and worker process.
    type: str
    env:
      - name: ROCKIT_PASSWORD
  edge_token:
    description:
      - A ready access token.
    type: str
    env:
      - name: ROCKIT_TOKEN
  validate_certs:
    description:
      - Whether to check the Edge's TLS certificate. Only turn this off for tests.
    type: bool
    default: true
    env:
      - name: ROCKIT_VALIDATE_CERTS
  ca_path:
    description:
      - A PEM file of CA certificates to check the Edge's certificate with, for a private CA.
    type: path
    env:
      - name: ROCKIT_CA_PATH
  request_timeout:
    description:
      - Seconds to wait for the Edge to answer one request.
    type: float
    default: 30
    env:
      - name: ROCKIT_TIMEOUT
  retries:
    description:
      - How often a read is tried again after a dropped connection, a timeout or a server error, and how often a
        C(429) or C(503) answer with C(Retry-After) is waited out.
    type: int
    default: 3
    env:
      - name: ROCKIT_RETRIES
  max_retry_wait:
    description:
      - The most seconds to wait in total for C(Retry-After).
    type: int
    default: 120
    env:
      - name: ROCKIT_MAX_RETRY_WAIT
  rate_limit:
    description:
      - The most requests per second the lookup sends to the Edge; V(0) or unset is no limit. A C(429) answer is
        waited out as O(retries) and O(max_retry_wait) allow.
    type: float
    env:
      - name: ROCKIT_RATE_LIMIT
notes:
  - A lookup runs on the controller while a template is rendered; it reads the controller's environment, not the task's
    C(environment), and C(module_defaults) do not apply to it. Give the connection as options or through the C(ROCKIT_*)
    variables (the collection's AWX credential type injects them).
requirements:
  - requests >= 2.25 (on the controller)
'''
