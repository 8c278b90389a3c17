# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP client of rockitplay.edge.

Everything that speaks HTTP to a ROCKIT Edge lives here: one ``requests.Session`` per module run,
authentication (machine-user API key, a ready token, a password login in either login flow, the
installation's admin token for ``/adm/v1`` and ``/srv/v1``), one retry layer with one budget per
request (``retries`` + 1 sends at most; ``Retry-After`` as seconds or an HTTP date), a client-side rate
limit, pagination and error mapping.

An :class:`EdgeClient` may be used from several threads at once: counters, the login and its renewal
are under locks, every request takes a slot from the shared :class:`RateLimiter` and from the adaptive
:class:`InFlightLimit` (``client.in_flight``; halved on each 429, growing back by one per round of
successes), so a caller that runs objects concurrently only needs to submit them from a thread pool.
"""

import datetime
import email.utils
import hashlib
import math
import os
import random
import threading
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
from urllib.parse import quote

from ansible_collections.rockitplay.edge.plugins.module_utils import rockit_specs as specs
from ansible_collections.rockitplay.edge.plugins.module_utils.errors import ApiError, ConfigError

COLLECTION_VERSION = '1.0.0'

IDEMPOTENT_METHODS = frozenset(('GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'))
RETRY_STATUSES = frozenset((500, 502, 504))
WAIT_STATUSES = frozenset((429, 503))
RATE_MIN_ADMITTED = 5      # successes between two 429 answers to learn a rate from
RATE_DECREASE = 0.85       # a 429 at a learnt rate: at most this share of it
RATE_STEP = 0.05           # a learnt rate grows by this share per second's worth of successes
KEPT_CONNECTIONS = 64   # at most this many connections kept open per host (the most objects a run applies side by side)

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
    'edge_admin_token': 'ROCKIT_ADMIN_TOKEN',
    'rate_limit': 'ROCKIT_RATE_LIMIT',
}
AUTH_OPTIONS = ('edge_api_key', 'edge_password', 'edge_token')
NO_CREDENTIALS = ('No credentials: set edge_api_key (ROCKIT_API_KEY) for a machine user, edge_password (ROCKIT_PASSWORD) '
                  'for a user, or edge_token (ROCKIT_TOKEN).')


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
        edge_admin_token=opt('edge_admin_token', type='str', no_log=True),
        rate_limit=opt('rate_limit', type='float'),
    )


def _hint(status, error, body, auth):
    """A sentence that tells the user what to do about an error answer, without repeating the Edge's message."""
    message = body.get('message') if isinstance(body.get('message'), str) else ''
    if status == 401 and error == 'token-expired':
        return ('Give a fresh edge_token (ROCKIT_TOKEN), or use an API key or a password login, which the collection '
                'renews itself.')
    if status == 401:
        return ('Check edge_org, edge_username and %s (or ROCKIT_ORGNAME, ROCKIT_USERNAME and the matching ROCKIT_* '
                'variable).' % auth)
    if status == 403:
        perm = body.get('permission')
        if perm and perm in message:
            return 'Grant it to one of the roles of the user the play authenticates as.'
        if perm:
            return 'Grant the permission %s to one of the roles of the user the play authenticates as.' % perm
        return 'Grant the missing permission to one of the roles of the user the play authenticates as.'
    if status == 409 and error == 'already-exists':
        return 'Another client may have created it at the same moment: run the task again, which compares it with the declaration.'
    if status == 404 and error is None:
        return ('Check that edge_url points at the Edge (without /be/v1) and that the server version supports this '
                'request.')
    if status in (400,) and error in ('invalid-param', 'missing-param'):
        return 'If the options are right, the server may differ from the documented API (see the API assumptions page).'
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
    if isinstance(body.get('apps'), list) and body['apps'] and not all(str(a) in (message or '') for a in body['apps']):
        message = (message or '') + ' (apps: %s)' % ', '.join(str(a) for a in body['apps'])
    return ApiError(method, path, response.status_code, error, message, body,
                    hint=_hint(response.status_code, error, body, auth),
                    retry_after=_retry_after(response))


def _retry_after(response):
    return parse_retry_after(response.headers.get('Retry-After'), date=response.headers.get('Date'))


def quote_segment(value):
    """Percent-encode one path segment (deployment names may hold brackets)."""
    return quote(str(value), safe='')


def parse_retry_after(value, now=None, date=None):
    """Seconds to wait from a ``Retry-After`` value: a number of seconds or an HTTP date; None when unreadable.

    An HTTP date is taken relative to the answer's ``Date`` header when there is one (the server's clock), else to
    ``now``; it counts whole seconds, so the wait lasts until that second has begun, and at least one second.
    """
    if value is None:
        return None
    value = str(value).strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
        server_now = email.utils.parsedate_to_datetime(date) if date else None
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    if server_now is not None and server_now.tzinfo is None:
        server_now = server_now.replace(tzinfo=datetime.timezone.utc)
    reference = server_now.timestamp() if server_now is not None else (time.time() if now is None else now)
    return max(1.0, float(math.ceil(when.timestamp() - reference)))


def release_facts(release):
    """(login flow, documented limit, free-tier limit) of an Edge release (API assumptions, section 14), or None."""
    if not isinstance(release, int):
        return None
    found = None
    for first, flow, limit, free in specs.RELEASES:
        if release >= first:
            found = (flow, limit, free)
    return found


class RateLimiter(object):
    """Requests per second for every thread of one client: each request takes the next free slot.

    Thread-safe; a rate of ``None`` or 0 is unlimited. The wait happens outside the lock.
    """

    def __init__(self, rate=None, clock=time.monotonic, sleep=time.sleep):
        self._lock = threading.Lock()
        self.clock = clock
        self.sleep = sleep
        self.rate = None
        self._next = 0.0
        self.waited = 0.0
        self.set_rate(rate)

    def set_rate(self, rate):
        with self._lock:
            self.rate = float(rate) if rate else None

    def acquire(self):
        with self._lock:
            if not self.rate:
                return 0.0
            now = self.clock()
            slot = max(now, self._next)
            self._next = slot + 1.0 / self.rate
            delay = slot - now
            self.waited += delay
        if delay > 0:
            self.sleep(delay)
        return delay


class InFlightLimit(object):
    """An adaptive bound on the requests in flight (AIMD): halved on each 429, back by one per window of successes.

    ``acquire``/``release`` wrap every request; a caller that runs requests concurrently (threads) is
    held back here when the Edge pushes back. Thread-safe.
    """

    def __init__(self, maximum=8):
        self.maximum = max(1, int(maximum))
        self.limit = float(self.maximum)
        self.in_flight = 0
        self.decreases = 0
        self._cond = threading.Condition()

    def acquire(self):
        with self._cond:
            while self.in_flight >= max(1, int(self.limit)):
                self._cond.wait()
            self.in_flight += 1

    def release(self):
        with self._cond:
            self.in_flight -= 1
            self._cond.notify_all()

    def widen(self, maximum):
        """Allow up to ``maximum`` requests in flight (a run with more workers); never narrows, keeps a lowered limit."""
        with self._cond:
            maximum = max(1, int(maximum))
            if maximum > self.maximum:
                if self.limit >= self.maximum:
                    self.limit = float(maximum)
                self.maximum = maximum
                self._cond.notify_all()

    def throttled(self):
        """A 429: halve the limit (multiplicative decrease), at least one request."""
        with self._cond:
            self.limit = max(1.0, self.limit / 2.0)
            self.decreases += 1

    def succeeded(self):
        """A success: grow by one request per ``limit`` successes (additive increase), up to the maximum."""
        with self._cond:
            if self.limit < self.maximum:
                self.limit = min(float(self.maximum), self.limit + 1.0 / max(1.0, self.limit))
                self._cond.notify_all()


class EdgeClient(object):
    """A ROCKIT Edge API client on one ``requests.Session``; safe to use from several threads at once."""

    def __init__(self, edge_url, edge_org=None, edge_username=None, edge_api_key=None, edge_password=None,
                 edge_token=None, edge_admin_token=None, validate_certs=True, ca_path=None, request_timeout=30.0, retries=3,
                 max_retry_wait=120, rate_limit=None, sleep=time.sleep, session_store=None, max_in_flight=8,
                 clock=time.monotonic, **unused):
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
        # No credentials at all is refused by the first request that needs them (a logout by refresh token needs none).
        if (edge_api_key or edge_password) and not (edge_org and edge_username):
            raise ConfigError('%s needs edge_org (ROCKIT_ORGNAME) and edge_username (ROCKIT_USERNAME).' % given[0])
        if rate_limit is not None and rate_limit < 0:
            raise ConfigError('rate_limit must be 0 (no limit) or a positive number of requests per second, got %r.' % rate_limit)
        self.base = edge_url.rstrip('/')
        if self.base.endswith(specs.API_PREFIX):
            self.base = self.base[:-len(specs.API_PREFIX)]
        self.org = edge_org
        self.username = edge_username
        self.auth_kind = given[0] if given else None
        self._api_key = edge_api_key
        self._password = edge_password
        self._token = edge_token
        self._admin_token = edge_admin_token
        self.timeout = request_timeout
        self.retries = max(0, retries)
        self.max_retry_wait = max(0, max_retry_wait)
        self.sleep = sleep
        self.clock = clock
        self._lock = threading.RLock()
        self._auth_lock = threading.RLock()
        self.request_count = 0
        self.write_count = 0
        # Writes the Edge answered with success (logins not counted): a failure after one still reports changed.
        self.written = 0
        self._local = threading.local()  # per thread: the writes it had accepted (a failure of one object says changed)
        self._hold = (0.0, None)         # after a 429: (until when, the thread that met it); the others wait too
        self.holds = 0
        # The rate learnt from 429 answers (without a rate_limit option): what the Edge admitted between two of them.
        self._last_limited = None
        self._admitted = 0
        self._rate_learnt = False
        self.rate_changes = 0
        self.logins = 0
        self.logouts = 0
        # Item paths a list read has shown not to exist: get_or_none answers None for them once, without a request.
        self.known_absent = set()
        # Item paths a list read has shown with every managed field: get_or_none answers the listed object once.
        self.known_items = {}
        self.flow = None            # '2025' or '2026' once a password login has shown which one the Edge speaks
        self._login_record = None   # the tokens of the login in use: access, refresh (2026) or session (2025), expiry
        self._own_logins = []       # refresh tokens of logins this client made itself and must end (2026 flow)
        self._store = session_store
        self._store_key = None
        if session_store is not None and edge_password:
            self._store_key = session_store.key(self.base, edge_org, edge_username, edge_password)
        self.release = None
        self._service_prefix = None
        self.rate_limit_option = rate_limit
        self.limiter = RateLimiter(rate_limit, clock=clock, sleep=self._sleep_for_limit)
        self.in_flight = InFlightLimit(max_in_flight)
        self.retry_after_seen = []      # every Retry-After a probe met, as sent (the contract check reports its form)
        self._last_probe = None
        self.session = requests.Session()
        # Keep a connection for each request in flight (objects run side by side); the default pool keeps 10.
        for scheme in ('http://', 'https://'):
            self.session.mount(scheme, requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=KEPT_CONNECTIONS))
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
        if session_store is not None and rate_limit is None:
            self.set_release(session_store.release(self.base))
            learnt = getattr(session_store, 'rate', lambda url: None)(self.base)
            if learnt:
                # an earlier task of this run met the Edge's limit: start at the rate it learnt
                self.limiter.set_rate(learnt)
                self._rate_learnt = True

    def _sleep_for_limit(self, seconds):
        self.sleep(seconds)

    # ------------------------------------------------------------------ counters
    def _count(self, method):
        with self._lock:
            self.request_count += 1
            if method not in ('GET', 'HEAD'):
                self.write_count += 1

    # ------------------------------------------------------------------ releases
    def set_release(self, release):
        """Remember the Edge's release; without a ``rate_limit`` option, its documented limit becomes the client's."""
        facts = release_facts(release)
        if facts is None:
            return
        self.release = release
        if self.rate_limit_option is None:
            self.limiter.set_rate(facts[1])
        if self._store is not None:
            self._store.remember_release(self.base, release)

    @property
    def rate_limit(self):
        return self.limiter.rate

    @property
    def written_here(self):
        """The writes the Edge accepted for requests of the calling thread (one object's run, when objects run side by side)."""
        return getattr(self._local, 'written', 0)

    def _note_written(self):
        with self._lock:
            self.written += 1
        self._local.written = getattr(self._local, 'written', 0) + 1

    def _admitted_one(self):
        """A success: counted for the next 429; a learnt rate grows by 5 % per second's worth of successes."""
        with self._lock:
            self._admitted += 1
            rate = self.limiter.rate
            if not (self._rate_learnt and rate and self._admitted % max(1, int(rate)) == 0):
                return
            rate *= 1.0 + RATE_STEP
            self.limiter.set_rate(rate)
        self._share_rate(rate)

    def _share_rate(self, rate):
        """The learnt rate, for the later tasks of the run (the controller's store), so that they do not meet the limit first."""
        remember = getattr(self._store, 'remember_rate', None)
        if remember is not None:
            try:
                remember(self.base, rate)
            except Exception:  # pylint: disable=broad-except
                pass  # only a hint for later tasks

    def _learn_rate(self):
        """A 429 without a ``rate_limit`` option: the rate the Edge admitted since the previous 429 becomes the client's.

        Learnt only from at least ``RATE_MIN_ADMITTED`` successes between two 429 answers (the limit is shared by all
        clients, so the rate it leaves us is what counts); never above 85 % of the rate that met this 429.
        """
        learnt = None
        with self._lock:
            now = self.clock()
            if self.rate_limit_option is None and self._last_limited is not None and self._admitted >= RATE_MIN_ADMITTED:
                estimate = self._admitted / max(now - self._last_limited, 0.001)
                current = self.limiter.rate
                learnt = max(1.0, estimate if not current else min(estimate, current * RATE_DECREASE))
                self.limiter.set_rate(learnt)
                self._rate_learnt = True
                self.rate_changes += 1
            self._last_limited = now
            self._admitted = 0
        if learnt is not None:
            self._share_rate(learnt)

    def _hold_for(self, seconds):
        """A 429 with Retry-After: no other thread of this client sends before it has passed (the Edge refuses them anyway)."""
        with self._lock:
            until = self.clock() + seconds
            if until > self._hold[0]:
                self._hold = (until, threading.current_thread().ident)
                self.holds += 1

    def _wait_for_hold(self):
        """Wait out a hold another thread met; the thread that met it waits in its own retry."""
        with self._lock:
            until, owner = self._hold
        if owner is None or owner == threading.current_thread().ident:
            return
        delay = until - self.clock()
        if delay > 0:
            self.sleep(delay)

    # ------------------------------------------------------------------ auth
    def _auth_headers(self, kind):
        """The headers of one request: ``be`` (the user's credentials), ``admin`` (the admin token) or ``none``."""
        if kind is True or kind is False:
            kind = 'be' if kind else 'none'
        if kind == 'admin':
            if not self._admin_token:
                raise ConfigError('This request needs the installation\'s admin token: set edge_admin_token (ROCKIT_ADMIN_TOKEN).')
            return {specs.HEADER_ADMIN_TOKEN: self._admin_token}
        if kind == 'none':
            return {}
        if self.auth_kind is None:
            raise ConfigError(NO_CREDENTIALS)
        if self.auth_kind == 'edge_api_key':
            return {specs.HEADER_ORG: self.org, specs.HEADER_USER: self.username, specs.HEADER_API_KEY: self._api_key}
        if self.auth_kind == 'edge_password':
            self._ensure_login()
        return {specs.HEADER_TOKEN: self._token}

    def _ensure_login(self):
        with self._auth_lock:
            record = self._login_record
            if record is not None and not self._expiring(record):
                return
            self._renew(self._token if record is not None else None)

    @staticmethod
    def _expiring(record):
        """Whether a login's access token is about to expire (renewed before it is refused, by up to 30 s)."""
        expires = record.get('expires_at')
        return bool(expires) and time.time() > expires - record.get('margin', 30)

    def _adopt(self, record):
        self._login_record = record
        self._token = record['access']
        self.flow = record.get('flow') or self.flow

    def _renew(self, stale):
        """Get a working token: one another task or thread got, a renewed one, or a new login.

        ``stale`` is the token just refused (or None). Runs under the auth lock, and under the shared
        store's lock when the controller shares logins between the tasks of a play.
        """
        with self._auth_lock:
            if stale is not None and self._token != stale and self._login_record is not None:
                return  # another thread renewed it meanwhile
            store = self._store
            if store is None:
                self._adopt(self._renewed(self._login_record, stale))
                return
            with store.locked(self.timeout * 3 + 10) as held:
                if not held:
                    # Another process holds the lock for far too long: work on our own (and end our login ourselves).
                    self._store = None
                    self._adopt(self._renewed(self._login_record, stale))
                    return
                record = store.load(self._store_key)
                if record and record.get('access') != stale and not self._expiring(record):
                    self._adopt(record)
                    return
                record = self._renewed(record or self._login_record, stale, shared=True)
                record['url'] = self.base
                record['verify'] = self.verify if isinstance(self.verify, (bool, str)) else True
                record['timeout'] = self.timeout
                store.save(self._store_key, record)
                self._adopt(record)

    def _renewed(self, record, stale, shared=False):
        """A renewed login record: refresh (2026) or a new auth token (2025) when the login allows, else a new login."""
        if record is not None and record.get('flow') == specs.FLOW_2026 and record.get('refresh'):
            try:
                answer = self._send('POST', specs.REFRESH_PATH, {}, auth='none', retry=True,
                                    headers={specs.HEADER_REFRESH: record['refresh']}, renew=False)
            except ApiError as exc:
                if exc.status != 401:
                    raise
            else:
                new = self._record_2026(answer, specs.REFRESH_PATH)
                self._replace_own(record.get('refresh'), new.get('refresh'), shared)
                return new
        if record is not None and record.get('flow') == specs.FLOW_2025 and record.get('session'):
            try:
                return self._auth_2025(record['session'])
            except ApiError as exc:
                if exc.status != 401:
                    raise
        old_refresh = record.get('refresh') if record else None
        new = self._login()
        if old_refresh:
            # The old login could not be renewed; end it anyway so that no refresh token is left behind.
            self._logout_refresh(old_refresh, quiet=True)
            self._replace_own(old_refresh, None, shared)
        if not shared and new.get('refresh'):
            self._own_logins.append(new['refresh'])
        return new

    def _replace_own(self, old, new, shared):
        if shared:
            return
        if old in self._own_logins:
            self._own_logins.remove(old)
        if new:
            self._own_logins.append(new)

    def _login(self):
        """Log in with the password: the 2026 flow, or the 2025 flow when the Edge asks for orgName (and from then on)."""
        if self.flow != specs.FLOW_2025:
            try:
                step1 = self._send('POST', specs.LOGIN_PATH, {specs.LOGIN_USER: self.username, specs.LOGIN_PASSWORD: self._password},
                                   auth='none', retry=True, renew=False)
            except ApiError as exc:
                if not _asks_for_org(exc):
                    raise
                self.flow = specs.FLOW_2025
            else:
                selection = _token_from(step1, specs.LOGIN_ORGSEL_TOKEN, 'POST', specs.LOGIN_PATH, 'login answer')
                step2 = self._send('POST', specs.LOGIN_PATH, {specs.LOGIN_ORG: self.org, specs.LOGIN_ORGSEL_TOKEN: selection},
                                   auth='none', retry=True, renew=False)
                record = self._record_2026(step2, specs.LOGIN_PATH)
                self.flow = specs.FLOW_2026
                with self._lock:
                    self.logins += 1
                return record
        answer = self._send('POST', specs.LOGIN_PATH, {specs.LOGIN_ORG: self.org, specs.LOGIN_USER: self.username,
                                                       specs.LOGIN_PASSWORD: self._password}, auth='none', retry=True, renew=False)
        session = _token_from(answer, specs.LOGIN_SESSION_TOKEN, 'POST', specs.LOGIN_PATH, 'login answer (2025 flow)')
        with self._lock:
            self.logins += 1
        return self._auth_2025(session)

    def _auth_2025(self, session):
        answer = self._send('POST', specs.AUTH_PATH, {}, auth='none', retry=True, renew=False,
                            headers={specs.HEADER_SESSION: session})
        token = _token_from(answer, specs.AUTH_TOKEN, 'POST', specs.AUTH_PATH, 'auth answer')
        return {'flow': specs.FLOW_2025, 'access': token, 'session': session, 'expires_at': _expiry(answer),
                'margin': _margin(answer)}

    @staticmethod
    def _record_2026(answer, path):
        token = _token_from(answer, specs.LOGIN_ACCESS_TOKEN, 'POST', path, 'organisation login answer')
        return {'flow': specs.FLOW_2026, 'access': token, 'refresh': answer.get(specs.LOGIN_REFRESH_TOKEN),
                'expires_at': _expiry(answer), 'margin': _margin(answer)}

    def password_works(self, username, password):
        """Whether ``password`` is the password of ``username`` now, learnt without changing anything where the Edge allows.

        2026 flow: the first login step (no session is made). 2025 flow: a login, whose session expires by itself.
        """
        body = {specs.LOGIN_USER: username, specs.LOGIN_PASSWORD: password}
        if self.flow == specs.FLOW_2025:
            body[specs.LOGIN_ORG] = self.org
        try:
            self._send('POST', specs.LOGIN_PATH, body, auth='none', retry=True, renew=False)
        except ApiError as exc:
            if exc.status == 401:
                return False
            if _asks_for_org(exc) and self.flow != specs.FLOW_2025:
                self.flow = specs.FLOW_2025
                return self.password_works(username, password)
            raise
        return True

    def login(self):
        """Log in now (password authentication); returns the login record (access token, flow, refresh token)."""
        if self.auth_kind != 'edge_password':
            raise ConfigError('Logging in needs edge_password (ROCKIT_PASSWORD) with edge_org and edge_username.')
        self._ensure_login()
        return dict(self._login_record)

    def release_login(self):
        """Hand the current login over to the caller: the client will not end it (rockit_login)."""
        with self._auth_lock:
            record = self._login_record or {}
            if record.get('refresh') in self._own_logins:
                self._own_logins.remove(record['refresh'])

    def _logout_refresh(self, refresh, quiet=False, access=None):
        headers = {specs.HEADER_REFRESH: refresh} if refresh else {specs.HEADER_TOKEN: access}
        try:
            self._send('POST', specs.LOGOUT_PATH, {}, auth='none', retry=True, headers=headers, renew=False)
        except ApiError:
            if not quiet:
                raise
            return False
        with self._lock:
            self.logouts += 1
        return True

    def logout(self, refresh_token=None, access_token=None):
        """End a login (2026 flow) by its refresh token or access token; True when the Edge confirmed it."""
        return self._logout_refresh(refresh_token, access=access_token)

    def close(self):
        """End every login this client made itself and still holds (2026 flow); never fails."""
        with self._auth_lock:
            owned, self._own_logins = self._own_logins, []
            for refresh in owned:
                try:
                    self._logout_refresh(refresh, quiet=True)
                except Exception:  # pylint: disable=broad-except
                    pass  # the task's result stands; the refresh token expires by itself
            if owned:
                self._login_record = None
                self._token = None if self.auth_kind == 'edge_password' else self._token

    # ------------------------------------------------------------------ requests
    def request(self, method, path, body=None, params=None, retry=None):
        """Send one API request with the user's credentials and return the decoded JSON object; raise ApiError otherwise.

        ``retry`` overrides whether server errors and dropped connections may be retried
        (by default: for idempotent methods only).
        """
        return self._send(method, path, body, params, retry=retry)

    def admin_request(self, method, path, body=None, params=None, retry=None):
        """A request with the installation's admin token (``/adm/v1``, ``/srv/v1``)."""
        return self._send(method, path, body, params, retry=retry, auth='admin')

    def request_as(self, method, path, org, username, api_key, params=None):
        """One request with other API-key credentials (to prove that a key works)."""
        headers = {specs.HEADER_ORG: org, specs.HEADER_USER: username, specs.HEADER_API_KEY: api_key}
        return self._send(method, path, None, params, auth='none', headers=headers)

    def service(self, name, method='GET', body=None):
        """A service route (``/srv/v1/<name>``, ``/adm/v1/<name>`` before release 153) with the admin token.

        Returns the answer, or None when neither route exists on this Edge.
        """
        prefixes = [self._service_prefix] if self._service_prefix else [specs.SERVICE_PREFIX, specs.ADMIN_PREFIX]
        last = None
        for prefix in prefixes:
            try:
                answer = self.admin_request(method, prefix + name, body)
            except ApiError as exc:
                if exc.status in (404, 405) and exc.error in (None, 'not-found'):
                    last = exc
                    continue
                raise
            self._service_prefix = prefix
            return answer
        if last is not None and self._service_prefix:
            raise last
        return None

    def versions(self):
        """The Edge's versions answer (admin token), and the release remembered; None where the release has no versions route."""
        answer = self.service(specs.SERVICE_VERSIONS)
        if answer is not None:
            release = answer.get(specs.VERSIONS_RELEASE)
            if isinstance(release, str) and release.isdigit():
                release = int(release)
            self.set_release(release)
        return answer

    def _send(self, method, path, body=None, params=None, retry=None, auth='be', headers=None, renew=True):
        """Send a request, retrying within one budget: at most ``retries`` + 1 attempts, whatever the causes.

        Retried: dropped connections, timeouts and 500/502/504 (idempotent requests, or ``retry``), a garbled
        answer to a read, 429 and 503 (with ``Retry-After`` honoured within ``max_retry_wait``; without it with
        backoff, a 503 only for idempotent requests), and one expired token (renewed first).
        """
        if retry is None:
            retry = method in IDEMPOTENT_METHODS
        url = self.base + path
        attempt = 0
        waited = 0.0
        renewed = False
        held = False
        while True:
            attempt += 1
            last_attempt = attempt > self.retries
            request_headers = dict(headers or {})
            request_headers.update(self._auth_headers(auth))
            sent_token = request_headers.get(specs.HEADER_TOKEN)
            self.limiter.acquire()
            if not held:
                # after the rate limiter's wait: a 429 another thread met meanwhile holds this request back too
                self._wait_for_hold()
            held = False
            self.in_flight.acquire()
            self._count(method)
            try:
                with warnings.catch_warnings():
                    if self.verify is False:
                        # urllib3 would print this on every request; the module warns once, in self.warnings
                        warnings.filterwarnings('ignore', message='Unverified HTTPS request')
                    response = self.session.request(method, url, json=body, params=params, timeout=self.timeout,
                                                    headers=request_headers, verify=self.verify)
            except requests.exceptions.SSLError as exc:
                raise ApiError(method, path, None, None, 'TLS error talking to %s: %s' % (self.base, _short(exc)),
                               hint='If the Edge uses a private CA, set ca_path (ROCKIT_CA_PATH) to its certificate bundle; '
                                    'validate_certs: false turns checking off (not recommended).')
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                kind = 'timed out after %ss' % self.timeout if isinstance(exc, requests.exceptions.Timeout) else 'connection failed'
                err = ApiError(method, path, None, None, '%s (%s)' % (kind, _short(exc)),
                               hint='Check edge_url (ROCKIT_EDGE_URL) and that the Edge is reachable; request_timeout sets the timeout.')
                if retry and not last_attempt:
                    self._backoff(attempt)
                    continue
                raise err
            finally:
                self.in_flight.release()
            status = response.status_code
            if status < 400:
                try:
                    data = self._decode(method, path, response)
                except ApiError:
                    if method == 'GET' and not last_attempt:
                        continue  # a read changes nothing: send it again
                    raise
                if auth != 'none' and method not in ('GET', 'HEAD'):
                    self._note_written()
                self.in_flight.succeeded()
                self._admitted_one()
                return data
            err = _error_from_response(method, path, response, self.auth_kind)
            if status == 429:
                self.in_flight.throttled()
                self._learn_rate()
            if status == 401 and err.error == 'token-expired' and renew and self.auth_kind == 'edge_password' \
                    and sent_token is not None and not renewed:
                if last_attempt:
                    err.hint = ('The access token expired and the request was already sent %d times (retries=%d); '
                                'raise retries (ROCKIT_RETRIES).' % (attempt, self.retries))
                    raise err
                renewed = True
                self._renew(sent_token)
                continue
            if status == 429 and err.retry_after is not None:
                # The rate limit: the request was not carried out and the Edge says when to come back. Waiting it out is
                # bounded by max_retry_wait, not by retries, so that many objects sent side by side never fail merely
                # because of the limit; the other threads hold back until then, with fewer requests in flight.
                if waited + err.retry_after > self.max_retry_wait:
                    raise self._waited_too_long(err, waited)
                self._hold_for(err.retry_after)
                self.sleep(err.retry_after)
                waited += max(err.retry_after, 1.0)
                attempt -= 1
                held = True
                continue
            if status in WAIT_STATUSES and (err.retry_after is not None or status == 429 or retry):
                if last_attempt:
                    what = 'rate limit' if status == 429 else 'unavailable or in maintenance'
                    raise ApiError(err.method, err.path, err.status, err.error, err.message, err.body,
                                   'Still refused (%s) after %d attempts and %s seconds of waiting; retries (ROCKIT_RETRIES) '
                                   'sets the attempts.' % (what, attempt, _num(round(waited, 1))), err.retry_after)
                if err.retry_after is not None:
                    if waited + err.retry_after > self.max_retry_wait:
                        raise self._waited_too_long(err, waited)
                    self.sleep(err.retry_after)
                    waited += err.retry_after
                else:
                    waited += self._backoff(attempt)
                continue
            if retry and status in RETRY_STATUSES and not last_attempt:
                self._backoff(attempt)
                continue
            raise err

    def _waited_too_long(self, err, waited):
        hint = ('The Edge asked to retry after %s seconds (%s)%s, which is more than max_retry_wait=%s (ROCKIT_MAX_RETRY_WAIT) '
                'allows; run again later or raise max_retry_wait.'
                % (_num(round(err.retry_after, 1)), 'rate limit' if err.status == 429 else 'unavailable or in maintenance',
                   ' after %s seconds of waiting already' % _num(round(waited, 1)) if waited else '', self.max_retry_wait))
        return ApiError(err.method, err.path, err.status, err.error, err.message, err.body, hint, err.retry_after)

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
        """GET (a garbled answer is sent again within the client's one retry budget)."""
        return self.get(path, params)

    def get_or_none(self, path, params=None):
        """GET one object; None when the server answers 404 not-found (or a list read showed it missing)."""
        with self._lock:
            if path in self.known_absent:
                self.known_absent.discard(path)
                return None
            if not params and path in self.known_items:
                return self.known_items.pop(path)
        try:
            return self.read(path, params)
        except ApiError as exc:
            if exc.status == 404 and exc.error == 'not-found':
                return None
            raise

    def forget(self, paths):
        """Drop what a list read showed about these item paths (at the end of the run that read it)."""
        with self._lock:
            for path in paths:
                self.known_absent.discard(path)
                self.known_items.pop(path, None)

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
        waited = 0.0
        for attempt in range(self.retries + 1):
            pause = interval - (time.monotonic() - self._last_probe) if self._last_probe is not None else 0
            if pause > 0:
                self.sleep(pause)
            request_headers = self._auth_headers('be')
            request_headers.update(headers or {})
            self._count(method)
            try:
                response = self.session.request(method, self.base + path, json=body, params=params, headers=request_headers,
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


def _asks_for_org(exc):
    """Whether a login answer is a 2025 Edge asking for the organisation (400 missing-param naming orgName)."""
    if exc.status != 400 or exc.error != 'missing-param':
        return False
    named = exc.body.get(specs.ERROR_PARAM)
    return named == specs.LOGIN_ORG or (named is None and specs.LOGIN_ORG in (exc.message or ''))


def _token_from(answer, field, method, path, what):
    token = answer.get(field)
    if not token or not isinstance(token, str):
        raise ApiError(method, path, 200, None, 'the %s has no %s (it carries: %s)'
                       % (what, field, ', '.join(sorted(str(k) for k in answer)) or 'nothing'),
                       hint='The Edge may speak another login flow than the collection expects; see the API assumptions page, '
                            'section 2.')
    return token


def _expiry(answer):
    seconds = answer.get(specs.LOGIN_EXPIRES_IN)
    if isinstance(seconds, (int, float)) and not isinstance(seconds, bool) and seconds > 0:
        return time.time() + seconds
    return None


def _margin(answer):
    seconds = answer.get(specs.LOGIN_EXPIRES_IN)
    if isinstance(seconds, (int, float)) and not isinstance(seconds, bool) and seconds > 0:
        return min(30.0, seconds / 4.0)
    return 30.0


def _short(exc):
    text = str(exc)
    return text if len(text) <= 300 else text[:297] + '...'


def _num(value):
    return ('%g' % value) if isinstance(value, float) else str(value)


_CLIENT_CACHE = {}


def _task_credentials_win(conn, environ=None):
    """A way to authenticate set by the task (or module_defaults) wins over the ways only the ROCKIT_* variables hold.

    The options take their environment variables as fallbacks, so a value equal to its variable counts as taken
    from the environment. Two ways set by the task itself stay an error (the client refuses them).
    """
    environ = os.environ if environ is None else environ
    given = [name for name in AUTH_OPTIONS if conn.get(name)]
    inherited = [name for name in given if conn[name] == environ.get(CONNECTION_ENV[name])]
    if len(given) > 1 and len(inherited) < len(given):
        for name in inherited:
            del conn[name]
    return conn


def get_client(params, sleep=time.sleep, reuse=False, session_store=None):
    """Build the client from module parameters.

    With ``reuse`` (the controller-side fast path), one client is kept per connection setting for the
    life of the worker process, so the items of a loop share one session, one connection and one login.
    With ``session_store`` (the controller's store shared by the workers of one ``ansible-playbook``),
    a password login is shared by every task of the run and ended when the run ends.
    """
    conn = _task_credentials_win(dict((k, params[k]) for k in CONNECTION_ENV if params.get(k) is not None))
    if not reuse:
        return EdgeClient(sleep=sleep, session_store=session_store, **conn)
    key = hashlib.sha256(repr(sorted(conn.items())).encode('utf-8')).hexdigest()
    client = _CLIENT_CACHE.get(key)
    if client is None:
        client = _CLIENT_CACHE[key] = EdgeClient(sleep=sleep, session_store=session_store, **conn)
    return client
