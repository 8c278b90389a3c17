# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One password login per ``ansible-playbook`` run, shared by the tasks that run on the controller.

ansible-core runs each task in a worker process forked from the main ``ansible-playbook`` process.
The strategy imports the collection's action plugins (and so this module) in the main process before
it forks any worker, so what this module creates at import is inherited by every worker:

- an anonymous shared memory map (``mmap``, ``MAP_SHARED | MAP_ANONYMOUS``): never a file, never on
  disk, gone when the last process of the run ends;
- a lock from ansible-core's own ``fork`` multiprocessing context.

The map holds the login records (access token, refresh token or 2025 session token, expiry) keyed by
an HMAC of (Edge URL, organisation, user, password) under a random key of this run, so a task with
another password never gets a token it did not earn. The first task that needs a login logs in under
the lock and stores the record; every later task (on any host, in any worker) uses it, renews it when
it expires, and stores the renewed one. When ``ansible-playbook`` ends, the main process logs every
stored 2026 login out (``POST /be/v1/logout``), so no refresh token is left behind.

The store steps aside (``SHARED`` is None; the client then ends its own logins at the end of each
task) where this cannot work: when it is imported in a worker rather than in the main process, when
ansible-core's worker start method is not ``fork``, on platforms without ``mmap``/``fork``, and when
``ROCKIT_SESSION_REUSE=false``. The module path (a module process on a host) never uses it.
"""

import atexit
import contextlib
import hashlib
import hmac
import json
import multiprocessing
import os
import struct
import threading

try:
    import mmap
    HAS_MMAP = True
except ImportError:  # pragma: no cover
    HAS_MMAP = False

from ansible.module_utils.parsing.convert_bool import boolean

REUSE_ENV = 'ROCKIT_SESSION_REUSE'
SIZE = 1 << 20
_HEADER = struct.Struct('<I')


def _fork_context():
    """ansible-core's multiprocessing context, if it forks its workers; else None."""
    try:
        from ansible.utils.multiprocessing import context
    except ImportError:  # pragma: no cover - moved in a future ansible-core
        return None
    try:
        if context.get_start_method() != 'fork':
            return None
    except Exception:  # pylint: disable=broad-except
        return None
    return context


class SharedSessions(object):
    """Login records shared by the main process and every worker forked after its creation."""

    def __init__(self, context, size=SIZE):
        self._map = mmap.mmap(-1, size)
        self._size = size
        self._lock = context.RLock()
        self._thread_lock = threading.RLock()
        self._secret = os.urandom(32)
        self.owner = os.getpid()
        self._write({})

    # -- keys: an HMAC, so that neither a password nor its plain hash is kept
    def key(self, url, org, user, password):
        text = '\0'.join(str(part) for part in (url, org or '', (user or '').lower(), password or ''))
        return hmac.new(self._secret, text.encode('utf-8'), hashlib.sha256).hexdigest()

    # -- the lock, held by callers around load/save (reentrant in one thread)
    @contextlib.contextmanager
    def locked(self, timeout=None):
        with self._thread_lock:
            held = self._lock.acquire(timeout=timeout) if timeout else self._lock.acquire()
            try:
                yield held
            finally:
                if held:
                    self._lock.release()

    def _read(self):
        length = _HEADER.unpack(self._map[:_HEADER.size])[0]
        if not length:
            return {}
        try:
            return json.loads(self._map[_HEADER.size:_HEADER.size + length].decode('utf-8'))
        except ValueError:
            return {}

    def _write(self, data):
        body = json.dumps(data, separators=(',', ':')).encode('utf-8')
        if _HEADER.size + len(body) > self._size:
            return False
        self._map[_HEADER.size:_HEADER.size + len(body)] = body
        self._map[:_HEADER.size] = _HEADER.pack(len(body))
        return True

    def load(self, key):
        with self.locked():
            return (self._read().get('logins') or {}).get(key)

    def save(self, key, record):
        with self.locked():
            data = self._read()
            data.setdefault('logins', {})[key] = record
            return self._write(data)

    def release(self, url):
        with self.locked():
            return (self._read().get('releases') or {}).get(url)

    def remember_release(self, url, release):
        with self.locked():
            data = self._read()
            if (data.get('releases') or {}).get(url) != release:
                data.setdefault('releases', {})[url] = release
                self._write(data)

    def rate(self, url):
        """The request rate the tasks of this run learnt from the Edge's 429 answers, or None."""
        with self.locked():
            return (self._read().get('rates') or {}).get(url)

    def remember_rate(self, url, rate):
        with self.locked():
            data = self._read()
            data.setdefault('rates', {})[url] = rate
            self._write(data)

    def records(self):
        with self.locked():
            return dict(self._read().get('logins') or {})

    def clear(self):
        with self.locked():
            self._write({})

    def end_all(self):
        """Log out every stored login (2026 flow); called in the main process when the run ends."""
        if os.getpid() != self.owner:
            return 0
        ended = 0
        for record in self.records().values():
            if record.get('refresh'):
                ended += _logout(record)
        self.clear()
        return ended


def _logout(record):
    try:
        import requests
        from ansible_collections.rockitplay.edge.plugins.module_utils import rockit_specs as specs
    except ImportError:  # pragma: no cover
        return 0
    try:
        response = requests.post(record['url'] + specs.LOGOUT_PATH, json={}, timeout=record.get('timeout') or 30,
                                 verify=record.get('verify', True),
                                 headers={specs.HEADER_REFRESH: record['refresh'], 'Accept': 'application/json'})
    except Exception:  # pylint: disable=broad-except
        return 0
    return 1 if response.status_code < 400 else 0


def _create():
    if not HAS_MMAP or not hasattr(os, 'fork'):
        return None
    if not boolean(os.environ.get(REUSE_ENV, 'true'), strict=False):
        return None
    if multiprocessing.parent_process() is not None:
        # Imported in a worker: nothing created here would outlive the task.
        return None
    context = _fork_context()
    if context is None:
        return None
    try:
        store = SharedSessions(context)
    except (OSError, ValueError):  # pragma: no cover - no shared memory or semaphores on this system
        return None
    atexit.register(store.end_all)
    return store


SHARED = _create()


def shared_store():
    """The store of this run, when the current process can share it (a worker forked after its creation)."""
    store = SHARED
    if store is None:
        return None
    if os.getpid() == store.owner and multiprocessing.parent_process() is not None:  # pragma: no cover
        return None
    return store
