# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every ROCKIT Edge path, header and field name the collection uses, in one place.

Where the public API documentation is silent, the names here follow the project's
"API assumptions" page (docs/api-assumptions.md). Adapting the collection to a server that
differs should be a change to one line of this file.
"""

from ansible_collections.rockitplay.edge.plugins.module_utils.engine import Resource

API_PREFIX = '/be/v1'

# Authentication headers (documented).
HEADER_TOKEN = 'x-rockit-beauth-token'
HEADER_ORG = 'x-rockit-orgname'
HEADER_USER = 'x-rockit-username'
HEADER_API_KEY = 'x-rockit-api-key'

# The 2026 login flow (body field names chosen, see the API assumptions page).
LOGIN_PATH = API_PREFIX + '/login'
LOGIN_USER = 'username'
LOGIN_PASSWORD = 'password'
LOGIN_ORG = 'orgName'
LOGIN_ORGSEL_TOKEN = 'orgSelectionToken'
LOGIN_ACCESS_TOKEN = 'accessToken'

# Lists (documented: offset, limit, totalCount; largest page chosen).
PAGE_OFFSET = 'offset'
PAGE_LIMIT = 'limit'
TOTAL_COUNT = 'totalCount'
MAX_PAGE_SIZE = 1000
ORDER = 'order[]'
FIELDS = 'fields[]'

# Identifier patterns (documented).
NAME_PATTERN = r'^[A-Za-z0-9_]{2,50}$'
DEPLOYMENT_NAME_PATTERN = r'^[A-Za-z0-9_\[\]]{2,50}$'

# Roles: one CRUDX bitmask per resource, with the documented maximum.
PERMISSION_BITS = {'create': 1, 'read': 2, 'update': 4, 'delete': 8, 'execute': 16}
PERMISSION_MAX = {
    'apps': 15, 'beUsers': 15, 'bundles': 15, 'consumption': 2, 'dependencies': 15, 'deployments': 15,
    'keys': 15, 'roles': 15, 'sources': 15, 'subscriptions': 15, 'tasks': 31, 'trainings': 6,
}
ADMIN_ROLE = 'Administrators'

ROLE = Resource(
    key='role', path=API_PREFIX + '/roles', id_field='name',
    fields=('label', 'permissions'),
    bitmask_maps=('permissions',),
)

USER = Resource(
    key='user', path=API_PREFIX + '/users', id_field='username',
    fields=('email', 'firstname', 'surname', 'title', 'label', 'roles'),
    sets=('roles',),
    create_extras={'apiKey': 'api_key'},
)
USER_TYPE = 'type'                      # read-only: 'user' or 'machine'
USER_PASSWORD = 'password'              # create (human users)
USER_RESET = ('resetCreds', 'password')  # administrator reset
USER_OLD_PASSWORD = 'oldPW'             # self-service change (documented)
USER_NEW_PASSWORD = 'newPW'

APP = Resource(
    key='app', path=API_PREFIX + '/apps', id_field='name',
    fields=('label', 'maxBuilds', 'deployments'),
    sets=('deployments',),
    defaults={'maxBuilds': 5, 'deployments': []},
)
APP_DETAIL_FIELDS = ('name', 'label', 'dxfName', 'iCurBuild', 'maxBuilds', 'processing', 'exporting', 'deployed', 'files', 'deployments')
APP_LIST_FIELDS = APP_DETAIL_FIELDS + ('sizeBytes', 'created', 'updated')

DEPLOYMENT = Resource(
    key='deployment', path=API_PREFIX + '/deployments', id_field='name',
    fields=('originPrefix', 'origin.type', 'origin.endpoint', 'origin.region', 'origin.bucket', 'downloadAuth.type'),
)
DEPLOYMENT_CREDENTIALS = 'origin.credentials'
DEPLOYMENT_CREDENTIAL_KEYS = {
    's3': ('accessKeyId', 'secretAccessKey'),
    'netstorage': ('keyName', 'key'),
}
DEPLOYMENT_DOWNLOAD_AUTH_KEY = 'downloadAuth.key'

SUBSCRIPTION = Resource(
    key='subscription', path=API_PREFIX + '/subscriptions', id_field='name',
    fields=('sender', 'events', 'type', 'webhook.url', 'slack.channelId'),
    sets=('events',),
    patch=False,
    create_extras={'secret': 'secret'},
)
SUBSCRIPTION_SENDERS = ('dltar', 'mkraw', 'deploy')
SUBSCRIPTION_EVENTS = ('submit', 'begin', 'end', 'error', 'exception')

TASK = Resource(
    key='task', path=API_PREFIX + '/tasks', id_field='name',
    fields=('acknowledged', 'expired'),
)
TASK_FILTERS = {
    'app_name': 'appName', 'task_group': 'taskGroup', 'statuses': 'status[]', 'task_types': 'taskTypes[]',
    'created_after': 'created',
}
TASK_STATUSES = ('allocating', 'pending', 'configuring', 'preparing', 'running', 'finalizing', 'done', 'failed', 'canceled', 'unfinished')
TASK_FINAL_STATUSES = ('done', 'failed', 'canceled')
TASK_TYPES = ('build', 'deploy', 'replication', 'cleanup', 'migration', 'test', 'export', 'import', 'backup', 'restore')
TASK_ORDER_FIELDS = ('appName', 'taskType', 'created', 'name', 'status')
TASK_FAILURE_FIELDS = ('httpStatus', 'exitCode', 'sizeBytesActual', 'sizeBytesExpected', 'fileReadFailed', 'message')
TRIGGER_PATH = API_PREFIX + '/trigger'
TRIGGER_ACTION = 'action'
TRIGGER_RETRY = 'retry'
TRIGGER_TASK = 'taskName'

BUILDS_PATH = API_PREFIX + '/builds'
