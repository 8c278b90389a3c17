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
USER_TYPE_HUMAN = 'user'
USER_TYPE_MACHINE = 'machine'
USER_CREATED = 'created'                # ISO 8601 UTC; the earliest member of Administrators is the primary administrator (chosen)
USER_OPTIONS = {'email': 'email', 'first_name': 'firstname', 'surname': 'surname', 'title': 'title', 'label': 'label',
                'roles': 'roles'}      # module option -> API field
USER_PASSWORD = 'password'              # create (human users)
USER_RESET = ('resetCreds', 'password')  # administrator reset
USER_OLD_PASSWORD = 'oldPW'             # self-service change (documented)
USER_NEW_PASSWORD = 'newPW'
USER_SECRET_FIELDS = ('apiKey', 'password', 'resetCreds', 'oldPW', 'newPW')  # never returned by reads; dropped if they were
USER_EMAIL_PATTERN = r'^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$'

APP = Resource(
    key='app', path=API_PREFIX + '/apps', id_field='name',
    fields=('label', 'maxBuilds', 'deployments'),
    sets=('deployments',),
    defaults={'maxBuilds': 5, 'deployments': []},
)
APP_DETAIL_FIELDS = ('name', 'label', 'dxfName', 'iCurBuild', 'maxBuilds', 'processing', 'exporting', 'deployed', 'files', 'deployments')
APP_LIST_FIELDS = APP_DETAIL_FIELDS + ('sizeBytes', 'created', 'updated')
APP_OPTIONS = {'label': 'label', 'max_builds': 'maxBuilds', 'deployments': 'deployments'}  # module option -> API field
APP_MAX_BUILDS = (1, 100)               # documented default 5; range chosen

DEPLOYMENT = Resource(
    key='deployment', path=API_PREFIX + '/deployments', id_field='name',
    fields=('originPrefix', 'origin.type', 'origin.endpoint', 'origin.region', 'origin.bucket', 'downloadAuth'),
)
DEPLOYMENT_ORIGIN_OPTIONS = {           # module option (inside origin) -> API path
    'type': 'origin.type', 'endpoint': 'origin.endpoint', 'region': 'origin.region', 'bucket': 'origin.bucket',
    'prefix': 'originPrefix',
}
DEPLOYMENT_ORIGIN_TYPES = ('s3', 'netstorage')
DEPLOYMENT_CREDENTIALS = 'origin.credentials'
DEPLOYMENT_CREDENTIAL_KEYS = {          # write-only, never returned
    's3': ('accessKeyId', 'secretAccessKey'),
    'netstorage': ('keyName', 'key'),
}
DEPLOYMENT_DOWNLOAD_AUTH = 'downloadAuth'         # null removes it
DEPLOYMENT_DOWNLOAD_AUTH_TYPE = 'type'
DEPLOYMENT_DOWNLOAD_AUTH_TYPES = ('akamai', 'gcore')
DEPLOYMENT_DOWNLOAD_AUTH_KEY = 'downloadAuth.key'  # write-only
DEPLOYMENT_CONFLICT_APPS = 'apps'                 # 409 body on delete: the registered apps

SUBSCRIPTION = Resource(
    key='subscription', path=API_PREFIX + '/subscriptions', id_field='name',
    fields=('sender', 'events', 'type', 'webhook.url', 'slack.channelId'),
    sets=('events',),
    patch=False,
    create_extras={'secret': 'secret'},
)
SUBSCRIPTION_SENDERS = ('dltar', 'mkraw', 'deploy')
SUBSCRIPTION_EVENTS = ('submit', 'begin', 'end', 'error', 'exception')
SUBSCRIPTION_TYPE = 'type'
SUBSCRIPTION_WEBHOOK = ('webhook', 'webhook.url')        # (type, target field)
SUBSCRIPTION_SLACK = ('slack', 'slack.channelId')
SUBSCRIPTION_EVENTS_FIELD = 'events'                     # read one: the aggregated list
SUBSCRIPTION_RECORD_EVENT = 'event'                      # list: one record per (name, event)
SUBSCRIPTION_WEBHOOK_SCHEMES = ('http', 'https')
SUBSCRIPTION_SLACK_PATTERN = r'^(#[a-z0-9._-]{1,80}|[CGD][A-Z0-9]{8,20})$'

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
TASK_UNFINISHED = 'unfinished'          # a filter value only: every status but the final ones
TASK_DONE = 'done'
TASK_FAILED = 'failed'
TASK_TYPES = ('build', 'deploy', 'replication', 'cleanup', 'migration', 'test', 'export', 'import', 'backup', 'restore')
TASK_ORDER_FIELDS = ('appName', 'taskType', 'created', 'name', 'status')
TASK_FAILURE_FIELDS = ('httpStatus', 'exitCode', 'sizeBytesActual', 'sizeBytesExpected', 'fileReadFailed', 'message')
TASK_LIST_FIELDS = ('name', 'service', 'status', 'appName', 'taskType', 'taskGroup', 'created')  # a list item (documented + chosen)
TASK_NAME = 'name'
TASK_STATUS = 'status'
TASK_APP = 'appName'
TASK_GROUP = 'taskGroup'
TASK_CREATED = 'created'                # ISO 8601 UTC; the filter created= is "strictly after"
TASK_ACKNOWLEDGED = 'acknowledged'
TASK_EXPIRED = 'expired'
TASK_NAME_PATTERN = r'^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$'  # chosen: <org>-<app>-<build>-<epoch>-<step> in lower case
TASK_APP_PROCESSING = 'processing'      # app field: true while a build of the app is in its pipeline
TRIGGER_PATH = API_PREFIX + '/trigger'
TRIGGER_ACTION = 'action'
TRIGGER_RETRY = 'retry'
TRIGGER_TASK = 'taskName'
TRIGGER_NEW_TASK = 'task'               # retry answer: the new task

BUILDS_PATH = API_PREFIX + '/builds'
BUILD_KEY = 'build'                     # answer: {"build": {appName, iBuild, taskGroup, tasks}}
BUILD_APP = 'appName'
BUILD_URL = 'url'
BUILD_SIZE = 'size'
BUILD_TASK_GROUP = 'taskGroup'
BUILD_TASKS = 'tasks'
BUILD_URL_SCHEMES = ('http', 'https')

# The 2025 login flow (sections 2.2 of the API assumptions page): one login with the organisation, then
# the session token buys short auth tokens.
LOGIN_SESSION_TOKEN = 'sessionToken'
AUTH_PATH = API_PREFIX + '/auth'
HEADER_SESSION = 'x-rockit-besession-token'
AUTH_TOKEN = 'beauthToken'
LOGIN_REFRESH_TOKEN = 'refreshToken'
LOGIN_EXPIRES_IN = 'expiresIn'
REFRESH_PATH = API_PREFIX + '/refresh'
LOGOUT_PATH = API_PREFIX + '/logout'
HEADER_REFRESH = 'x-rockit-refresh-token'
ERROR_PARAM = 'param'                   # 400 answers name the field or header at fault
FLOW_2025 = '2025'
FLOW_2026 = '2026'

# The installation's admin token (documented header) for the admin API and the service routes.
HEADER_ADMIN_TOKEN = 'x-rockit-admin-token'
ADMIN_PREFIX = '/adm/v1'
SERVICE_PREFIX = '/srv/v1'              # from release 153; before, the same routes under /adm/v1
SERVICE_VERSIONS = '/versions'
SERVICE_PING = '/ping'
VERSIONS_RELEASE = 'release'
VERSIONS_VERSIONS = 'versions'

# Organisations (admin API, section 11).
ORGS_PATH = ADMIN_PREFIX + '/orgs'
ORG_KEY = 'org'
ORG_NAME = 'name'
ORG_ADMIN_USER = 'adminUser'
ORG_ADMIN_EMAIL = 'adminEmail'
ORG_ADMIN_PASSWORD = 'adminPassword'
ORG_ADMIN_FIRSTNAME = 'adminFirstname'
ORG_ADMIN_SURNAME = 'adminSurname'
ORG_INITIAL_PASSWORD = 'initialPassword'
ORG_FIELDS = ('name', 'adminUser', 'adminEmail', 'created', 'updated')
ORG_READ_SINCE_RELEASE = 159            # GET /adm/v1/orgs/{name} exists from this release

# API keys (section 12).
APIKEYS_PATH = API_PREFIX + '/apikeys'
APIKEY_USER = 'username'
APIKEY_SECRET = 'apiKey'
APIKEY_ID = 'apiKeyId'
APIKEY_CREATED = 'created'
APIKEY_MAX_PER_USER = 5
# An authenticated read any user can send to prove that a credential works (any answer but 401 proves it).
PROBE_PATH = API_PREFIX + '/users'

# Releases (section 14): (first release, login flow, documented limit in requests per second, free-tier limit).
RELEASES = (
    (141, FLOW_2025, 10, 10),
    (142, FLOW_2025, 600, 30),
    (151, FLOW_2025, 20, 5),
    (153, FLOW_2026, 20, 5),
    (155, FLOW_2026, 800, 33),
)
SERVICE_ROUTES_SINCE_RELEASE = 153
