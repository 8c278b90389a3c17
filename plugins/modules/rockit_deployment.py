#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: rockit_deployment
short_description: Manage deployments (CDN origins) of a ROCKIT Edge organisation
version_added: 1.0.0
description:
  - Create, update and delete a deployment, the origin storage a CDN serves the published app files from.
  - Origins are AWS S3 and S3-compatible stores (Akamai Linode Object Storage, Gcore Object Storage, OCI Object Storage), or Akamai NetStorage.
  - Only the options you set are compared, so a second run with the same options changes nothing and sends no write.
    An update sends only what changed; the Edge merges the origin key by key, so unchanged credentials are not sent again.
  - The credentials and the download-authentication key are write-only. The Edge never returns them, so they cannot be compared;
    see O(update_secrets). They never appear in the result, the diff or the task output.
  - B(Deleting a deployment deletes every file published to its origin.) The Edge refuses to delete a deployment while apps
    are registered on it; the failure names those apps.
author:
  - ROCKITPLAY (@rockitplay)
options:
  name:
    description:
      - The deployment name, its immutable identifier. 2 to 50 letters, digits, underscores or square brackets
        (for example V(gcore[eu])); checked before any request is sent.
    type: str
    required: true
  origin:
    description:
      - The origin storage. Required when the deployment is created.
      - Changing O(origin.type) replaces the whole origin and needs the credentials of the new origin.
    type: dict
    suboptions:
      type:
        description:
          - V(s3) for AWS S3 and S3-compatible stores, V(netstorage) for Akamai NetStorage.
        type: str
        required: true
        choices: [s3, netstorage]
      endpoint:
        description:
          - The host name of the storage, without scheme, path or port (not an IPv6 literal), at most 253 characters.
          - For V(s3) it must contain O(origin.region) and must not contain O(origin.bucket) (use the regional, path-style
            endpoint such as V(s3.eu-central-1.amazonaws.com)); this is checked before any request is sent.
        type: str
        required: true
      region:
        description:
          - The region of the store, 1 to 64 letters, digits, C(_) or C(-). Required for V(s3); not used by V(netstorage).
        type: str
      bucket:
        description:
          - The bucket, 3 to 63 letters, digits, C(.), C(_) or C(-), starting and ending with a letter or digit. Required for
            V(s3); not used by V(netstorage).
        type: str
      prefix:
        description:
          - The path prefix under which the Edge publishes files in the origin (the API's C(originPrefix)), at most 200
            letters, digits, C(.), C(_), C(/) or C(-), no spaces.
          - When not set, the Edge uses no prefix on create and the value is not compared afterwards.
        type: str
      access_key_id:
        description:
          - The access key ID of an V(s3) origin. Write-only, see O(update_secrets). Like every credential, 1 to 1024
            characters.
          - Required with O(origin.secret_access_key) when an V(s3) deployment is created or its type changes to V(s3).
        type: str
      secret_access_key:
        description:
          - The secret access key of an V(s3) origin. Write-only, see O(update_secrets).
        type: str
      key_name:
        description:
          - The upload account key name of a V(netstorage) origin. Write-only, see O(update_secrets).
          - Required with O(origin.key) when a V(netstorage) deployment is created or its type changes to V(netstorage).
        type: str
      key:
        description:
          - The upload account key of a V(netstorage) origin. Write-only, see O(update_secrets).
        type: str
  download_auth:
    description:
      - Token authentication of the downloads from the CDN.
      - When not set, the download authentication is left as it is.
    type: dict
    suboptions:
      type:
        description:
          - V(akamai) or V(gcore) sets up token authentication of that CDN.
          - V(none) removes download authentication (the API's C(downloadAuth=null)).
        type: str
        required: true
        choices: [akamai, gcore, none]
      key:
        description:
          - The token key. Write-only, see O(update_secrets).
          - Required when download authentication is set up or its type changes; not allowed with V(none).
        type: str
  update_secrets:
    description:
      - When the write-only secrets (the credentials in O(origin) and O(download_auth.key)) are sent.
      - V(on_create) sends them when the deployment is created, and when O(origin.type) or O(download_auth.type) changes
        (the new origin or CDN needs its own secrets). A changed secret on an otherwise unchanged deployment is B(not) sent.
      - V(always) also sends the given secrets on every run. Since the Edge never returns them and they cannot be compared,
        such a task B(always reports changed).
      - Credentials are always sent together with the whole declared origin, so that an Edge whose update replaces the origin
        (instead of merging it) cannot lose a field. On such an Edge, an origin change without credentials fails, names the
        origin fields the Edge lost and says to run the task again with the credentials and V(always).
    type: str
    default: on_create
    choices: [on_create, always]
  state:
    description:
      - V(present) creates or updates the deployment.
      - V(absent) deletes the deployment B(and every file published to its origin).
      - "The Edge refuses to delete a deployment while apps are registered on it, and the failure names them: remove the deployment
        from their O(rockitplay.edge.rockit_app#module:deployments) with M(rockitplay.edge.rockit_app), or delete the apps, first."
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
    details: Write-only secrets are shown masked, and only when they are sent.
seealso:
  - module: rockitplay.edge.rockit_deployment_info
  - module: rockitplay.edge.rockit_app
'''

EXAMPLES = r'''
- name: An S3 origin with Gcore download authentication
  rockitplay.edge.rockit_deployment:
    name: gcore
    origin:
      type: s3
      endpoint: s3.eu-central-1.amazonaws.com
      region: eu-central-1
      bucket: games
      prefix: rockit
      access_key_id: "{{ vault_s3_access_key_id }}"
      secret_access_key: "{{ vault_s3_secret_access_key }}"
    download_auth:
      type: gcore
      key: "{{ vault_gcore_token_key }}"

- name: An Akamai NetStorage origin
  rockitplay.edge.rockit_deployment:
    name: akamai
    origin:
      type: netstorage
      endpoint: example-nsu.akamaihd.net
      key_name: "{{ vault_netstorage_key_name }}"
      key: "{{ vault_netstorage_key }}"

- name: Rotate the S3 credentials (always sends them, always reports changed)
  rockitplay.edge.rockit_deployment:
    name: gcore
    origin:
      type: s3
      endpoint: s3.eu-central-1.amazonaws.com
      region: eu-central-1
      bucket: games
      access_key_id: "{{ vault_s3_access_key_id }}"
      secret_access_key: "{{ vault_s3_new_secret_access_key }}"
    update_secrets: always

- name: Remove download authentication
  rockitplay.edge.rockit_deployment:
    name: gcore
    download_auth:
      type: none

- name: Delete a deployment and every file published to its origin
  rockitplay.edge.rockit_deployment:
    name: akamai
    state: absent
'''

RETURN = r'''
deployment:
  description:
    - The deployment as the Edge returns it after the task (in check mode, as it would be), never with credentials or keys.
      Null when O(state=absent).
    - C(status) (V(ok) or V(error)) and C(message) are set by the Edge.
  returned: always
  type: dict
  sample:
    name: gcore
    originPrefix: rockit
    origin: {type: s3, endpoint: s3.eu-central-1.amazonaws.com, region: eu-central-1, bucket: games}
    downloadAuth: {type: gcore}
    status: ok
    message: ""
    created: "2026-11-22T10:00:00Z"
    updated: "2026-11-22T10:00:00Z"
diff:
  description: The managed fields before and after (in diff mode); secrets that are sent appear masked.
  returned: when diff mode is on
  type: dict
  sample:
    before: {name: gcore, origin: {endpoint: s3.eu-central-1.amazonaws.com}}
    after: {name: gcore, origin: {endpoint: s3.eu-central-1.example.com}}
'''

from ansible_collections.rockitplay.edge.plugins.module_utils.deployment import DEPLOYMENT_MODULE
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import run_ansible_module


def main():
    run_ansible_module(DEPLOYMENT_MODULE)


if __name__ == '__main__':
    main()
