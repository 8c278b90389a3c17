# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The API keys file: one file for any number of organisations, users, hosts and concurrent plays.

Layout (YAML, mode 0600)::

    # rockitplay.edge API keys: organisation -> user -> key
    ExampleOrg:
      ci_bot:
        api_key: "..."
        api_key_id: "..."        # when the Edge returned one
        created: "2026-12-02T10:00:00Z"

Every change is a merge under an exclusive lock (``<file>.lock`` beside it) followed by an atomic
replace, so plays on several hosts that share the file never lose each other's keys. The file and
its directory are checked before anything is created on the Edge (:func:`check_writable`), because a
key the Edge issued once and that is then lost cannot be read again.
"""

import datetime
import errno
import os

from ansible_collections.rockitplay.edge.plugins.module_utils.files import replace_atomically

try:
    import fcntl
    HAS_FCNTL = True
except ImportError:  # pragma: no cover - Windows is not a supported controller
    HAS_FCNTL = False

try:
    import yaml
    HAS_YAML = True
except ImportError:  # pragma: no cover - PyYAML comes with ansible-core
    HAS_YAML = False

HEADER = '# rockitplay.edge API keys: organisation -> user -> key. Keep this file secret (mode 0600).\n'
FIELD_KEY = 'api_key'
FIELD_ID = 'api_key_id'
FIELD_CREATED = 'created'


class KeysFileError(Exception):
    """The keys file cannot be used; the message says what to do."""


def _path(path):
    return os.path.abspath(os.path.expanduser(path))


def _load(path):
    """The file's mapping (empty when the file does not exist); refuses a file in another layout."""
    try:
        with open(path, 'r') as handle:
            text = handle.read()
    except IOError as exc:
        if exc.errno == errno.ENOENT:
            return {}
        raise KeysFileError('The API keys file %s cannot be read: %s.' % (path, exc.strerror))
    if not HAS_YAML:
        raise KeysFileError('PyYAML is needed to read the API keys file %s.' % path)
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        raise KeysFileError('The API keys file %s is not valid YAML (%s); move it aside or repair it.' % (path, str(exc).split('\n', maxsplit=1)[0]))
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise KeysFileError('The API keys file %s does not hold a mapping of organisations; move it aside.' % path)
    for org, users in data.items():
        if not isinstance(users, dict) or not all(isinstance(entry, dict) and FIELD_KEY in entry for entry in users.values()):
            raise KeysFileError(
                'The API keys file %s is not in the layout organisation -> user -> {api_key, ...} (the entry %r is not); it may '
                'be a file of rockitplay.edge 1.0 (user -> key, without the organisation). Move the keys under their '
                'organisation (ORG: {USER: {api_key: KEY}}) or move the file aside.' % (path, org))
    return data


def check_writable(path):
    """Refuse, before any key is issued, a keys file that could not be updated afterwards.

    Checks that the directory exists and is writable, that the path is not a directory, and that an
    existing file can be read and is in the expected layout. Returns the absolute path.
    """
    path = _path(path)
    directory = os.path.dirname(path)
    if not os.path.isdir(directory):
        raise KeysFileError('The directory %s of the API keys file does not exist (on the host that runs the task); create it '
                            'first, so that the keys the Edge returns only once can be kept.' % directory)
    if os.path.isdir(path):
        raise KeysFileError('The API keys file %s is a directory; give the path of a file.' % path)
    if not os.access(directory, os.W_OK | os.X_OK):
        raise KeysFileError('The directory %s of the API keys file is not writable by this user; the file is replaced '
                            'atomically, so its directory must be writable.' % directory)
    if os.path.exists(path):
        if not os.access(path, os.R_OK):
            raise KeysFileError('The API keys file %s cannot be read by this user.' % path)
        _load(path)
    return path


class _Lock(object):
    """An exclusive lock on ``<path>.lock`` for the time of a read-merge-replace."""

    def __init__(self, path):
        self.path = path + '.lock'
        self.fd = None

    def __enter__(self):
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        if HAS_FCNTL:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        if HAS_FCNTL:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
        return False


def _dump(data):
    body = yaml.safe_dump(data, default_flow_style=False, sort_keys=True, allow_unicode=True)
    return HEADER + body


def _find(mapping, name):
    """The key of ``mapping`` that spells ``name`` without regard to case (Edge names are not case-sensitive), or ``name``."""
    for key in mapping:
        if str(key).lower() == str(name).lower():
            return key
    return name


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def _plain(value):
    """Plain Python data for YAML: strings that Ansible tagged (a subclass of str) become plain strings."""
    if isinstance(value, dict):
        return dict((_plain(k), _plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return str(value)


def merge_keys(path, org, keys):
    """Add or replace the keys of ``org``: ``keys`` maps user -> {api_key, api_key_id?, created?}.

    Runs under the file's lock, re-reads the file, merges and replaces it atomically (mode 0600).
    Raises :class:`KeysFileError` (or ``OSError``) when it cannot; the caller keeps the keys then.
    """
    path = _path(path)
    org = _plain(org)
    keys = _plain(keys)
    with _Lock(path):
        data = _load(path)
        entries = data.setdefault(_find(data, org), {})
        for user, entry in keys.items():
            entry = dict((k, v) for k, v in entry.items() if v is not None)
            entry.setdefault(FIELD_CREATED, now_utc())
            entries[_find(entries, user)] = entry
        replace_atomically(path, _dump(data), 0o600)
    return path


def remove_keys(path, org, users):
    """Remove the entries of ``users`` of ``org`` (revoked keys); returns how many were there."""
    path = _path(path)
    if not os.path.exists(path):
        return 0
    with _Lock(path):
        data = _load(path)
        org = _find(data, org)
        entries = data.get(org) or {}
        found = [_find(entries, user) for user in users if _find(entries, user) in entries]
        for user in found:
            del entries[user]
        if not entries:
            data.pop(org, None)
        if found:
            replace_atomically(path, _dump(data), 0o600)
    return len(found)


def read_entry(path, org, user):
    """The entry of ``user`` in ``org`` ({api_key, ...}), or None; organisation and user names are matched without case."""
    data = _load(_path(path))
    users = data.get(_find(data, org)) or {}
    return users.get(_find(users, user))
