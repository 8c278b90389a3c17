# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every ROCKIT Edge path, header and field name the collection uses, in one place.

Where the public API documentation is silent, the names here follow the project's
"API assumptions" page (docs/api-assumptions.md). Adapting the collection to a server that
differs should be a change to one line of this file.
"""

from ansible_collections.rockitplay.edge.plugins.module_utils.constraints import Host, Integer, Names, Text, Url
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

# The rules the Edge applies to values (docs/api-assumptions.md, "Field constraints"). Each resource below
# holds its table (`constraints`, API field path -> rule); the modules check every value they would send
# against it before their first request.
NAME = Text(2, 50, NAME_PATTERN, '2 to 50 letters, digits or underscores')
DEPLOYMENT_NAME = Text(2, 50, DEPLOYMENT_NAME_PATTERN, '2 to 50 letters, digits or underscores, and square brackets')
LABEL = Text(0, 256)
SECRET = Text(1, 1024, secret=True)
PASSWORD = Text(8, 128, secret=True)

# Roles: one CRUDX bitmask per resource, with the documented maximum.
PERMISSION_BITS = {'create': 1, 'read': 2, 'update': 4, 'delete': 8, 'execute': 16}
PERMISSION_MAX = {
    'apps': 15, 'beUsers': 15, 'bundles': 15, 'consumption': 2, 'dependencies': 15, 'deployments': 15,
    'keys': 15, 'roles': 15, 'sources': 15, 'subscriptions': 15, 'tasks': 31, 'trainings': 6,
}
ADMIN_ROLE = 'Administrators'

# Where the API assumptions page (docs/api-assumptions.md) describes what the collection relies on, per resource
# and field: a failure after a write (the Edge did not keep a declared value) points the user there.
READ_ONE = '1 (Read one: GET <collection>/<name> answers {"<singular>": {...}})'
CREATE_ANSWER = '1 (Create: the answer carries the created object as a read would return it)'

ROLE = Resource(
    key='role', path=API_PREFIX + '/roles', id_field='name',
    fields=('label', 'permissions'),
    bitmask_maps=('permissions',),
    defaults={'label': '', 'permissions': dict.fromkeys(PERMISSION_MAX, 0)},
    constraints={'name': NAME, 'label': LABEL},   # permissions: PERMISSION_MAX
    permission='roles',
    list_record=('label', 'permissions'),
    assumptions={
        '': '4 (Roles)', 'read': READ_ONE, 'create': CREATE_ANSWER,
        'permissions': '4 (Roles: a permissions object in a create or patch is the whole map; resources not sent are 0)',
    },
)

# The one-time API key in the create answer of a machine user: the assumed name first, then other plausible
# names it is looked for under (at the top of the answer, then inside the user object), so that it is never lost.
USER_API_KEY_NAMES = ('apiKey', 'key', 'api_key', 'apikey', 'apiKeySecret', 'apiKeyValue', 'token', 'secret')
USER_API_KEY_ID = 'apiKeyId'
USER_SECRET_FIELDS = ('password', 'resetCreds', 'oldPW', 'newPW') + USER_API_KEY_NAMES  # never returned by reads; dropped if they were

USER_EMAIL_PATTERN = r'^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$'

USER = Resource(
    key='user', path=API_PREFIX + '/users', id_field='username',
    fields=('email', 'firstname', 'surname', 'title', 'label', 'roles'),
    sets=('roles',),
    names=('roles',),
    create_extras={'api_key': USER_API_KEY_NAMES},
    defaults={'roles': []},
    secret_fields=USER_SECRET_FIELDS,
    assumptions={
        '': '5 (Users)', 'read': READ_ONE, 'create': CREATE_ANSWER,
        'roles': "5 (Users: roles in a create or patch is the user's whole list of roles, kept in the roles' own spelling)",
        'api_key': '5 and 12 (Users, API keys: the create answer of a machine user carries its key as apiKey, once)',
    },
    constraints={
        'username': NAME,
        'email': Text(0, 254, USER_EMAIL_PATTERN, 'name@domain.tld, at most 254 characters', what='an e-mail address'),
        'firstname': Text(1, 100), 'surname': Text(1, 100), 'title': Text(0, 100),
        'label': Text(1, 256),
        'roles': Names(NAME, 50, 'role names'),
        'password': PASSWORD, 'oldPW': Text(1, 128, secret=True), 'newPW': PASSWORD,
    },
    permission='beUsers',
    list_record=('type', 'roles'),
    list_record_by=('type', {'user': ('email', 'firstname', 'surname', 'title'), 'machine': ('label',)}),
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
USER_DEFAULTS_BY_TYPE = {USER_TYPE_HUMAN: {'title': ''}, USER_TYPE_MACHINE: {}}  # what a create fills in, per type

APP_MAX_BUILDS = (1, 100)               # documented default 5; range chosen
APP = Resource(
    key='app', path=API_PREFIX + '/apps', id_field='name',
    fields=('label', 'maxBuilds', 'deployments'),
    sets=('deployments',),
    names=('deployments',),
    defaults={'maxBuilds': 5, 'deployments': [], 'dxfName': '', 'iCurBuild': 0, 'processing': False, 'exporting': False,
              'deployed': [], 'files': {'dxf': [], 'patches': {}}, 'sizeBytes': 0, 'status': 'ok'},
    constraints={
        'name': NAME, 'label': LABEL,
        'maxBuilds': Integer(APP_MAX_BUILDS[0], APP_MAX_BUILDS[1], ' (the Edge keeps 5 builds when it is not set)'),
        'deployments': Names(DEPLOYMENT_NAME, 100, 'deployment names'),
    },
    permission='apps',
    list_record=('label', 'maxBuilds', 'deployments'),
    assumptions={
        '': '7 (Apps)', 'read': READ_ONE, 'create': CREATE_ANSWER,
        'deployments': '7 (Apps: deployments lists the deployments the app is registered on, and an empty list publishes it to '
                       'EVERY deployment; in a create or patch it is the whole list)',
    },
)
APP_DETAIL_FIELDS = ('name', 'label', 'dxfName', 'iCurBuild', 'maxBuilds', 'processing', 'exporting', 'deployed', 'files', 'deployments')
APP_LIST_FIELDS = APP_DETAIL_FIELDS + ('sizeBytes', 'created', 'updated')
APP_OPTIONS = {'label': 'label', 'max_builds': 'maxBuilds', 'deployments': 'deployments'}  # module option -> API field

DEPLOYMENT = Resource(
    key='deployment', path=API_PREFIX + '/deployments', id_field='name',
    fields=('originPrefix', 'origin.type', 'origin.endpoint', 'origin.region', 'origin.bucket', 'downloadAuth'),
    defaults={'originPrefix': '', 'downloadAuth': None, 'status': 'ok', 'message': ''},
    constraints={
        'name': DEPLOYMENT_NAME,
        'originPrefix': Text(0, 200, r'^[A-Za-z0-9._/-]{0,200}$', 'at most 200 letters, digits, ., _, / or -; no spaces'),
        'origin.endpoint': Host(),
        'origin.region': Text(1, 64, r'^[A-Za-z0-9_-]{1,64}$', '1 to 64 letters, digits, _ or -'),
        'origin.bucket': Text(3, 63, r'^[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]$',
                              '3 to 63 letters, digits, ., _ or -, starting and ending with a letter or digit'),
        'origin.credentials.accessKeyId': SECRET, 'origin.credentials.secretAccessKey': SECRET,
        'origin.credentials.keyName': SECRET, 'origin.credentials.key': SECRET,
        'downloadAuth.key': SECRET,
    },
    permission='deployments',
    list_record=('originPrefix', 'origin.type', 'origin.endpoint', 'downloadAuth'),
    secret_fields=('credentials', 'key', 'accessKeyId', 'secretAccessKey', 'keyName'),
    assumptions={
        '': '6 (Deployments)', 'read': READ_ONE, 'create': CREATE_ANSWER,
        'origin': '6 (Deployments: a patch merges origin key by key, so origin fields and credentials not sent are kept)',
        'downloadAuth': '6 (Deployments: reads carry downloadAuth as null or only its type)',
    },
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

SUBSCRIPTION_SLACK_PATTERN = r'^(#[a-z0-9._-]{1,80}|[CGD][A-Z0-9]{8,20})$'

# The one-time signing secret in the create answer of a subscription: the assumed name first, then other plausible names.
SUBSCRIPTION_SECRET_NAMES = ('secret', 'signingSecret', 'signing_secret', 'webhookSecret', 'sharedSecret', 'jwtSecret', 'key')

SUBSCRIPTION = Resource(
    key='subscription', path=API_PREFIX + '/subscriptions', id_field='name',
    fields=('sender', 'events', 'type', 'webhook.url', 'slack.channelId'),
    sets=('events',),
    patch=False,
    create_extras={'secret': SUBSCRIPTION_SECRET_NAMES},
    secret_fields=SUBSCRIPTION_SECRET_NAMES,
    assumptions={
        '': '9 (Subscriptions)', 'create': CREATE_ANSWER,
        'read': '9 (Subscriptions: read one answers {"subscription": {"name", "sender", "events": [...], "type", target}})',
        'secret': '9 (Subscriptions: the create answer carries the signing secret as secret, once)',
    },
    constraints={
        'name': NAME,
        'webhook.url': Url(),
        'slack.channelId': Text(2, 81, SUBSCRIPTION_SLACK_PATTERN, what='a Slack channel',
                                allowed='#name of lower-case letters, digits, -, _ or ., at most 80, '
                                        'or a channel id such as C0123456789'),
    },
    permission='subscriptions',
    # the list's (name, event) records, aggregated into one object per name
    list_record=('sender', 'events', 'type'),
    list_record_by=('type', {'webhook': ('webhook',), 'slack': ('slack',)}),
)
SUBSCRIPTION_ORG = 'orgName'             # read-only: the organisation (filled in from the connection in check mode)
SUBSCRIPTION_SENDERS = ('dltar', 'mkraw', 'deploy')
SUBSCRIPTION_EVENTS = ('submit', 'begin', 'end', 'error', 'exception')
SUBSCRIPTION_TYPE = 'type'
SUBSCRIPTION_WEBHOOK = ('webhook', 'webhook.url')        # (type, target field)
SUBSCRIPTION_SLACK = ('slack', 'slack.channelId')
SUBSCRIPTION_EVENTS_FIELD = 'events'                     # read one: the aggregated list
SUBSCRIPTION_RECORD_EVENT = 'event'                      # list: one record per (name, event)
SUBSCRIPTION_WEBHOOK_SCHEMES = ('http', 'https')

TASK_NAME_PATTERN = r'^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$'  # chosen: <org>-<app>-<build>-<epoch>-<step> in lower case
TASK = Resource(
    key='task', path=API_PREFIX + '/tasks', id_field='name',
    fields=('acknowledged', 'expired'),
    constraints={'name': Text(1, 200, TASK_NAME_PATTERN, what='a task name',
                              allowed='letters, digits, -, _ and ., at most 200, such as exampleorg-sushi-0001-1732886919-dltar')},
    permission='tasks',
    assumptions={'': '8 (Tasks and triggers)', 'read': '8 (Tasks: details answer {"task": {...}})'},
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
TASK_LIST_DOCUMENTED = ('name', 'service', 'status')    # what a list item carries by the documentation; the rest is read
TASK_STATIC_FIELDS = ('appName', 'taskType', 'taskGroup', 'created')  # from the details when a list item lacks them (never change)
TASK_NAME = 'name'
TASK_STATUS = 'status'
TASK_APP = 'appName'
TASK_GROUP = 'taskGroup'
TASK_CREATED = 'created'                # ISO 8601 UTC; the filter created= is "strictly after"
TASK_ACKNOWLEDGED = 'acknowledged'
TASK_EXPIRED = 'expired'
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

BUILD_CONSTRAINTS = {
    'appName': NAME,
    'url': Url(BUILD_URL_SCHEMES, secret=True, example='https://builds.example.com/sushi/0042.tar'),
    'size': Integer(1, None, ' (the size of the build file in bytes; or leave it out)'),
}
