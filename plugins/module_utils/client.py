# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP client of rockitplay.edge.

Everything that speaks HTTP to a ROCKIT Edge lives here: one ``requests.Session`` per module run,
authentication (machine-user API key, a ready token, or a password login done once), retries with
backoff for idempotent requests, ``Retry-After`` on 429/503, pagination and error mapping.
"""

import datetime
import hashlib
import math
import random
import time
import traceback
import warnings

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    HAS_REQUESTS = True
except ImportError:  # pragma: no cover - exercised by the sanity import test
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible.module_utils.basic import env_fallback
from email.utils import parsedate_to_datetime
from urllib.parse import quote

from ansible_collections.rockitplay.edge.plugins.module_utils import rockit_specs as specs
from ansible_collections.rockitplay.edge.plugins.module_utils.errors import ApiError, ConfigError

COLLECTION_VERSION = '1.0.0'

IDEMPOTENT_METHODS = frozenset(('GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'))
RETRY_STATUSES = frozenset((500, 502, 504))
WAIT_STATUSES = frozenset((429, 503))

# Module options shared by every module (documented in doc_fragments/connection.py).
# Each environment variable below is read by the client; the AWX credential type injects them.
CONNECTION_ENV = {
    'edge_url': 'ROCKIT_EDGE_URL',
    'edge_org': 'ROCKIT_ORGNAME',
    'edge_username': 'ROCKIT_USERNAME',
    'edge_api_key': 'ROCKIT_API_KEY',
    'edge_password': 'ROCKIT_PASSWORD',
    'edge_token': 'ROCKIT_TOKEN',
    'validate_certs': 'ROCKIT_VALIDATE_CERTS',
    'ca_path': 'ROCKIT_CA_PATH',
    'request_timeout': 'ROCKIT_TIMEOUT',
    'retries': 'ROCKIT_RETRIES',
    'max_retry_wait': 'ROCKIT_MAX_RETRY_WAIT',
}
AUTH_OPTIONS = ('edge_api_key', 'edge_password', 'edge_token')


def connection_argument_spec():
    """The argument spec of the connection options, with their environment fallbacks."""
    def opt(name, **kwargs):
        kwargs['fallback'] = (env_fallback, [CONNECTION_ENV[name]])
        return kwargs

    return dict(
        edge_url=opt('edge_url', type='str'),
        edge_org=opt('edge_org', type='str'),
        edge_username=opt('edge_username', type='str'),
        edge_api_key=opt('edge_api_key', type='str', no_log=True),
        edge_password=opt('edge_password', type='str', no_log=True),
        edge_token=opt('edge_token', type='str', no_log=True),
        validate_certs=opt('validate_certs', type='bool', default=True),
        ca_path=opt('ca_path', type='path'),
        request_timeout=opt('request_timeout', type='float', default=30.0),
        retries=opt('retries', type='int', default=3),
        max_retry_wait=opt('max_retry_wait', type='int', default=120),
    )


def _hint(status, error, body, auth):
    """A sentence that tells the user what to do about an error answer."""
    if status == 401 and error == 'token-expired':
        return 'The token has expired: give a fresh edge_token (ROCKIT_TOKEN), or use an API key or a password login, which the collection renews itself.'
    if status == 401:
        return ('The Edge did not accept the credentials (%s). Check edge_org, edge_username and %s '
                '(or ROCKIT_ORGNAME, ROCKIT_USERNAME and the matching ROCKIT_* variable).' % (auth, auth))
    if status == 403:
        perm = body.get('permission')
        if perm:
            return 'Grant the permission %s to one of the roles of the user the play authenticates as.' % perm
        return 'The user the play authenticates as lacks a permission for this request.'
    if status == 409 and error == 'already-exists':
        return 'Another client may have created it at the same moment: run the task again, which compares it with the declaration.'
    if status == 404 and error is None:
        return 'The Edge does not serve this path; check that edge_url points at the Edge (without /be/v1) and that the server version supports it.'
    if status in (400,) and error in ('invalid-param', 'missing-param'):
        return 'The request was refused as invalid; if the options are right, the server may differ from the documented API (see the API assumptions page).'
    if status == 400 and error is None:
        return 'The Edge firewall refused the request.'
    return None


def _error_from_response(method, path, response, auth):
    body = {}
    try:
        parsed = response.json()
        if isinstance(parsed, dict):
            body = parsed
    except ValueError:
        pass
    error = body.get('error') if isinstance(body.get('error'), str) else None
    message = body.get('message') if isinstance(body.get('message'), str) else None
    if not body:
        ctype = response.headers.get('Content-Type', '')
        text = (response.text or '').strip()
        if 'html' in ctype.lower() or text.startswith('<'):
            message = ('the server answered with an HTML page (%s), not JSON; a proxy or load balancer may stand in front of the Edge'
                       % (response.reason or 'error'))
        elif text:
            message = 'the server answered with a body that is not JSON: %r' % text[:120]
        else:
            message = response.reason
    if isinstance(body.get('apps'), list) and body['apps']:
        message = (message or '') + ' (apps: %s)' % ', '.join(str(a) for a in body['apps'])
    return ApiError(method, path, response.status_code, error, message, body,
                    hint=_hint(response.status_code, error, body, auth),
                    retry_after=_retry_after(response))


def _retry_after(response):
    """Seconds to wait from a Retry-After header: whole seconds, or an HTTP date (then relative to the answer's Date)."""
    value = response.headers.get('Retry-After')
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
        date = response.headers.get('Date')
        now = parsedate_to_datetime(date) if date else None
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    if now is None or now.tzinfo is None or moment.tzinfo is None:
        now = datetime.datetime.now(moment.tzinfo)
    # An HTTP date counts whole seconds: wait until that second has begun, at least one second.
    return max(1.0, float(math.ceil((moment - now).total_seconds())))


def quote_segment(value):
    """Percent-encode one path segment (deployment names may hold brackets)."""
    return quote(str(value), safe='')


class EdgeClient(object):
    """A ROCKIT Edge Backend API client on one ``requests.Session``."""

    def __init__(self, edge_url, edge_org=None, edge_username=None, edge_api_key=None, edge_password=None,
                 edge_token=None, validate_certs=True, ca_path=None, request_timeout=30.0, retries=3,
                 max_retry_wait=120, sleep=time.sleep, **unused):
        if not HAS_REQUESTS:
            raise ConfigError('The Python library requests is required on the host that runs the module.')
        if not edge_url:
            raise ConfigError('edge_url is required: set it in the task, in module_defaults of group/rockitplay.edge.rockit, '
                              'or in the ROCKIT_EDGE_URL environment variable.')
        if not edge_url.lower().startswith(('http://', 'https://')):
            raise ConfigError('edge_url must start with http:// or https://, got %r.' % edge_url)
        secrets = {'edge_api_key': edge_api_key, 'edge_password': edge_password, 'edge_token': edge_token}
        given = [name for name in AUTH_OPTIONS if secrets[name]]
        if len(given) > 1:
            raise ConfigError('Only one way to authenticate can be used, but %s are all set (from the task, module_defaults or the %s '
                              'environment variables). Keep one.' % (' and '.join(given), '/'.join(CONNECTION_ENV[n] for n in given)))
        if not given:
            raise ConfigError('No credentials: set edge_api_key (ROCKIT_API_KEY) for a machine user, edge_password (ROCKIT_PASSWORD) '
                              'for a user, or edge_token (ROCKIT_TOKEN).')
        if (edge_api_key or edge_password) and not (edge_org and edge_username):
            raise ConfigError('%s needs edge_org (ROCKIT_ORGNAME) and edge_username (ROCKIT_USERNAME).' % given[0])
        self.base = edge_url.rstrip('/')
        if self.base.endswith(specs.API_PREFIX):
            self.base = self.base[:-len(specs.API_PREFIX)]
        self.org = edge_org
        self.username = edge_username
        self.auth_kind = given[0]
        self._api_key = edge_api_key
        self._password = edge_password
        self._token = edge_token
        self.timeout = request_timeout
        self.retries = max(0, retries)
        self.max_retry_wait = max(0, max_retry_wait)
        self.sleep = sleep
        self.request_count = 0
        # Item paths a list read has shown not to exist: get_or_none answers None for them once, without a request.
        self.known_absent = set()
        self.write_count = 0
        self.logins = 0
        self.retry_after_seen = []      # every Retry-After a probe met, as sent (the contract check reports its form)
        self._last_probe = None
        self.session = requests.Session()
        # Passed with every request as well: requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a session's verify.
        self.verify = self.session.verify = (ca_path or True) if validate_certs else False
        self.warnings = []
        if not validate_certs and self.base.lower().startswith('https://'):
            self.warnings.append('validate_certs is false: the TLS certificate of %s is not checked, so a machine on the way could '
                                 'pose as the Edge and read the credentials. Set ca_path (ROCKIT_CA_PATH) to the certificate of the CA '
                                 'that signed it instead.' % self.base)
        self.session.headers.update({
            'Accept': 'application/json',
            'User-Agent': 'rockitplay.edge/%s (Ansible collection; python-requests/%s)' % (COLLECTION_VERSION, requests.__version__),
        })
        if edge_api_key:
            self.session.headers.update({
                specs.HEADER_ORG: edge_org,
                specs.HEADER_USER: edge_username,
                specs.HEADER_API_KEY: edge_api_key,
            })
        elif edge_token:
            self.session.headers[specs.HEADER_TOKEN] = edge_token

    # ------------------------------------------------------------------ auth
    def _login(self):
        """The 2026 login: user+password, then the organisation; once per run, again on token-expired."""
        step1 = self._send('POST', specs.LOGIN_PATH, {specs.LOGIN_USER: self.username, specs.LOGIN_PASSWORD: self._password},
                           auth=False)
        selection = step1.get(specs.LOGIN_ORGSEL_TOKEN)
        if not selection:
            raise ApiError('POST', specs.LOGIN_PATH, 200, None, 'the login answer has no %s' % specs.LOGIN_ORGSEL_TOKEN)
        step2 = self._send('POST', specs.LOGIN_PATH, {specs.LOGIN_ORG: self.org, specs.LOGIN_ORGSEL_TOKEN: selection}, auth=False)
        token = step2.get(specs.LOGIN_ACCESS_TOKEN)
        if not token:
            raise ApiError('POST', specs.LOGIN_PATH, 200, None, 'the organisation login answer has no %s' % specs.LOGIN_ACCESS_TOKEN)
        self.logins += 1
        self._token = token
        self.session.headers[specs.HEADER_TOKEN] = token

    def _ensure_auth(self):
        if self.auth_kind == 'edge_password' and specs.HEADER_TOKEN not in self.session.headers:
            self._login()

    # ------------------------------------------------------------------ requests
    def request(self, method, path, body=None, params=None, retry=None):
        """Send one API request and return the decoded JSON object; raise ApiError otherwise.

        ``retry`` overrides whether server errors and dropped connections may be retried
        (by default: for idempotent methods only).
        """
        self._ensure_auth()
        try:
            return self._send(method, path, body, params, retry=retry)
        except ApiError as exc:
            if exc.status == 401 and exc.error == 'token-expired' and self.auth_kind == 'edge_password':
                self.session.headers.pop(specs.HEADER_TOKEN, None)
                self._login()
                return self._send(method, path, body, params, retry=retry)
            raise

    def _send(self, method, path, body=None, params=None, retry=None, auth=True):
        if retry is None:
            retry = method in IDEMPOTENT_METHODS
        url = self.base + path
        attempt = 0
        waited = 0.0
        while True:
            attempt += 1
            self.request_count += 1
            if method not in ('GET', 'HEAD'):
                self.write_count += 1
            try:
                headers = None if auth else {specs.HEADER_TOKEN: None, specs.HEADER_API_KEY: None,
                                             specs.HEADER_ORG: None, specs.HEADER_USER: None}
                with warnings.catch_warnings():
                    if self.verify is False:
                        # urllib3 would print this on every request; the module warns once, in self.warnings
                        warnings.filterwarnings('ignore', message='Unverified HTTPS request')
                    response = self.session.request(method, url, json=body, params=params, timeout=self.timeout,
                                                    headers=headers, verify=self.verify)
            except requests.exceptions.SSLError as exc:
                raise ApiError(method, path, None, None, 'TLS error talking to %s: %s' % (self.base, _short(exc)),
                               hint='If the Edge uses a private CA, set ca_path (ROCKIT_CA_PATH) to its certificate bundle; '
                                    'validate_certs: false turns checking off (not recommended).')
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                kind = 'timed out after %ss' % self.timeout if isinstance(exc, requests.exceptions.Timeout) else 'connection failed'
                err = ApiError(method, path, None, None, '%s (%s)' % (kind, _short(exc)),
                               hint='Check edge_url (ROCKIT_EDGE_URL) and that the Edge is reachable; request_timeout sets the timeout.')
                if retry and attempt <= self.retries:
                    waited += self._backoff(attempt)
                    continue
                raise err
            status = response.status_code
            if status < 400:
                return self._decode(method, path, response)
            err = _error_from_response(method, path, response, self.auth_kind)
            if status in WAIT_STATUSES and err.retry_after is not None and attempt <= self.retries:
                if waited + err.retry_after > self.max_retry_wait:
                    err.hint = ('The Edge asked to retry after %s seconds (%s), which is more than max_retry_wait=%s '
                                '(ROCKIT_MAX_RETRY_WAIT) allows; run again later or raise max_retry_wait.'
                                % (_num(err.retry_after), 'rate limit' if status == 429 else 'unavailable or in maintenance',
                                   self.max_retry_wait))
                    raise ApiError(err.method, err.path, err.status, err.error, err.message, err.body, err.hint, err.retry_after)
                self.sleep(err.retry_after)
                waited += err.retry_after
                continue
            if status in WAIT_STATUSES and err.retry_after is not None:
                raise ApiError(err.method, err.path, err.status, err.error, err.message, err.body,
                               'Still refused after waiting %s seconds in %s attempts.' % (_num(waited), attempt), err.retry_after)
            if retry and status in RETRY_STATUSES and attempt <= self.retries:
                waited += self._backoff(attempt)
                continue
            raise err

    def _backoff(self, attempt):
        delay = min(0.5 * (2 ** (attempt - 1)), 8.0) * (0.8 + 0.4 * random.random())
        self.sleep(delay)
        return delay

    @staticmethod
    def _decode(method, path, response):
        if not response.content:
            return {}
        try:
            data = response.json()
        except ValueError:
            raise ApiError(method, path, response.status_code, None,
                           'the answer is not valid JSON (%d bytes, starting %r)' % (len(response.content), response.text[:40]),
                           hint='The response may have been cut off; the request may or may not have been carried out.',
                           ambiguous=True)
        if not isinstance(data, dict):
            raise ApiError(method, path, response.status_code, None, 'the answer is JSON but not an object')
        return data

    # ------------------------------------------------------------------ helpers
    def get(self, path, params=None):
        return self.request('GET', path, params=params)

    def read(self, path, params=None):
        """GET; sent once more when the answer was cut off or garbled (not JSON): a read changes nothing."""
        try:
            return self.get(path, params)
        except ApiError as exc:
            if not (exc.ambiguous and exc.status is not None and exc.status < 400):
                raise
        return self.get(path, params)

    def get_or_none(self, path, params=None):
        """GET one object; None when the server answers 404 not-found (or a list read showed it missing)."""
        if path in self.known_absent:
            self.known_absent.discard(path)
            return None
        try:
            return self.read(path, params)
        except ApiError as exc:
            if exc.status == 404 and exc.error == 'not-found':
                return None
            raise

    def list_all(self, path, list_key, params=None, page_size=None, limit=None):
        """Return (items, totalCount) of a list endpoint, reading every page unless ``limit`` stops it."""
        page_size = min(page_size or specs.MAX_PAGE_SIZE, specs.MAX_PAGE_SIZE)
        query = dict(params or {})
        items = []
        total = None
        offset = 0
        while True:
            want = page_size if limit is None else min(page_size, limit - len(items))
            if want <= 0:
                break
            query.update({specs.PAGE_OFFSET: offset, specs.PAGE_LIMIT: want})
            data = self.read(path, params=query)
            page = data.get(list_key)
            if not isinstance(page, list):
                raise ApiError('GET', path, 200, None, 'the answer has no list %r' % list_key)
            total = data.get(specs.TOTAL_COUNT, total)
            items.extend(page)
            offset += len(page)
            if not page or (isinstance(total, int) and offset >= total):
                break
        if limit is None and isinstance(total, int) and len(items) != total:
            raise ApiError('GET', path, 200, None, 'read %d items but the server counts %d; the list changed while it was read, '
                                                   'run the task again' % (len(items), total))
        return items, total

    # ------------------------------------------------------------------ the contract check
    def probe(self, method, path, body=None, params=None, headers=None, interval=0.0):
        """One request exactly as given, for the contract check: a :class:`Probe`, without raising on an error status.

        ``headers`` adds or (with None) removes headers of the session. At least ``interval`` seconds pass between
        two probes. A 429 or 503 with Retry-After is waited out (within max_retry_wait) and every Retry-After value
        is recorded as sent in ``retry_after_seen``. Only a request that gets no answer raises :class:`ApiError`.
        """
        self._ensure_auth()
        waited = 0.0
        for attempt in range(self.retries + 1):
            pause = interval - (time.monotonic() - self._last_probe) if self._last_probe is not None else 0
            if pause > 0:
                self.sleep(pause)
            self.request_count += 1
            if method not in ('GET', 'HEAD'):
                self.write_count += 1
            try:
                response = self.session.request(method, self.base + path, json=body, params=params, headers=headers,
                                                timeout=self.timeout, verify=self.verify)
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                raise ApiError(method, path, None, None, 'no answer (%s)' % _short(exc))
            finally:
                self._last_probe = time.monotonic()
            if response.status_code in WAIT_STATUSES and 'Retry-After' in response.headers:
                self.retry_after_seen.append(response.headers['Retry-After'])
                delay = _retry_after(response)
                if delay is not None and attempt < self.retries and waited + delay <= self.max_retry_wait:
                    self.sleep(delay)
                    waited += delay
                    continue
            break
        return Probe(response)


class Probe(object):
    """The answer to a probe: status, headers, the JSON object (or None) and the text."""

    def __init__(self, response):
        self.status = response.status_code
        self.headers = dict(response.headers)
        self.text = response.text or ''
        try:
            body = response.json()
        except ValueError:
            body = None
        self.body = body if isinstance(body, dict) else None

    def get(self, key, default=None):
        return (self.body or {}).get(key, default)

    def __repr__(self):
        return 'HTTP %s %s' % (self.status, self.text[:200])


def _short(exc):
    text = str(exc)
    return text if len(text) <= 300 else text[:297] + '...'


def _num(value):
    return ('%g' % value) if isinstance(value, float) else str(value)


_CLIENT_CACHE = {}


def get_client(params, sleep=time.sleep, reuse=False):
    """Build the client from module parameters.

    With ``reuse`` (the controller-side fast path), one client is kept per connection setting for the
    life of the worker process, so the items of a loop share one session, one connection and one login.
    """
    conn = dict((k, params[k]) for k in CONNECTION_ENV if params.get(k) is not None)
    if not reuse:
        return EdgeClient(sleep=sleep, **conn)
    key = hashlib.sha256(repr(sorted(conn.items())).encode('utf-8')).hexdigest()
    client = _CLIENT_CACHE.get(key)
    if client is None:
        client = _CLIENT_CACHE[key] = EdgeClient(sleep=sleep, **conn)
    return client
