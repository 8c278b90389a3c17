# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The kinds of rule the Edge applies to a value (lengths, patterns, ranges, host names, URLs).

The rules themselves, one per resource field, are the constraint tables of ``rockit_specs`` (the
``constraints`` of each resource). Every module checks the values it would send against them before
its first request, so check mode, ``rockit_validate``, ``rockit_apply`` and the bootstrap role refuse
what the Edge would refuse, with a message that names the option and the rule.

A rule never shows the value of a secret (passwords, keys, signed URLs): only its length or what is
wrong with it.
"""

import re

from urllib.parse import urlsplit

from ansible_collections.rockitplay.edge.plugins.module_utils.errors import ModuleFailure


def _count(number, word):
    return '%d %s%s' % (number, word, '' if number == 1 else 's')


def _shown(value, limit=80):
    """A value as a message shows it: repr, cut when long."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 4] + "...'"


class Rule(object):
    """A constraint of the Edge on one value. ``problem(value, option)`` is a sentence, or None when the value is fine."""

    secret = False

    def problem(self, value, option):
        raise NotImplementedError()

    def describe(self):
        """The rule in words, for the documentation and for messages."""
        raise NotImplementedError()


class Text(Rule):
    """A string: a length range and optionally a pattern (matched in full) with its description."""

    def __init__(self, min_len=0, max_len=None, pattern=None, allowed=None, what=None, secret=False):
        self.min_len = min_len
        self.max_len = max_len
        self.pattern = pattern
        self.allowed = allowed      # the pattern in words
        self.what = what            # what a value must be, e.g. 'an e-mail address' (default: "does not match")
        self.secret = secret

    def length(self):
        if self.max_len is None:
            return 'at least %s' % _count(self.min_len, 'character')
        if self.min_len <= 0:
            return 'at most %s' % _count(self.max_len, 'character')
        return '%d to %d characters' % (self.min_len, self.max_len)

    def describe(self):
        if self.pattern:
            return self.allowed or 'matching %s' % self.pattern
        return self.length()

    def problem(self, value, option):
        if not isinstance(value, str):
            return '%s: must be a string.' % option
        size = len(value)
        if size == 0 and self.min_len > 0:
            return '%s: must not be empty.' % option
        if self.pattern and not re.match(self.pattern + r'\Z', value):
            shown = 'the value (not shown)' if self.secret else _shown(value)
            if self.what:
                return '%s: %s is not %s (%s).' % (option, shown, self.what, self.describe())
            return '%s: %s does not match %s (%s).' % (option, shown, self.pattern, self.describe())
        if size < self.min_len or (self.max_len is not None and size > self.max_len):
            return '%s: %s, but the Edge takes %s.' % (option, _count(size, 'character'), self.length())
        return None


class Integer(Rule):
    """A whole number in a range."""

    def __init__(self, minimum=None, maximum=None, note=''):
        self.minimum = minimum
        self.maximum = maximum
        self.note = note

    def describe(self):
        if self.maximum is None:
            return 'at least %d' % self.minimum
        return '%d to %d' % (self.minimum, self.maximum)

    def problem(self, value, option):
        if isinstance(value, bool) or not isinstance(value, int):
            return '%s: must be a whole number.' % option
        if (self.minimum is not None and value < self.minimum) or (self.maximum is not None and value > self.maximum):
            return '%s: %d is out of range; allowed: %s%s.' % (option, value, self.describe(), self.note)
        return None


class Names(Rule):
    """A list of references to other objects by name: each item follows ``item``, at most ``max_items``."""

    def __init__(self, item, max_items=None, what='names'):
        self.item = item
        self.max_items = max_items
        self.what = what

    def describe(self):
        return 'a list of %s (each %s)%s' % (self.what, self.item.describe(),
                                             ', at most %d' % self.max_items if self.max_items else '')

    def problem(self, value, option):
        if not isinstance(value, list):
            return '%s: must be a list of %s.' % (option, self.what)
        for item in value:
            found = self.item.problem(item, option)
            if found:
                return found
        if self.max_items is not None and len(set(str(v).lower() for v in value)) > self.max_items:
            return '%s: %s, but the Edge takes at most %d.' % (option, _count(len(value), 'entry'), self.max_items)
        return None


HOST_LABELS = r'[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*'


class Host(Rule):
    """A host name (DNS labels of letters, digits and hyphens): no scheme, path, port or IPv6 literal."""

    def __init__(self, max_len=253, example='s3.eu-central-1.amazonaws.com'):
        self.max_len = max_len
        self.example = example

    def describe(self):
        return 'a host name (letters, digits, - and ., at most %d characters), without scheme, path or port' % self.max_len

    def problem(self, value, option):
        if not isinstance(value, str) or not value:
            return '%s: must be a host name (for example %s).' % (option, self.example)
        if '://' in value or '/' in value:
            return ('%s: give the host name only, without scheme or path (for example %s), not %s.'
                    % (option, self.example, _shown(value)))
        if ':' in value or value.startswith('['):
            return ('%s: %s has a port or is an IPv6 address; the Edge takes %s.' % (option, _shown(value), self.describe()))
        if len(value) > self.max_len or not re.match(HOST_LABELS + r'\Z', value):
            return '%s: %s is not a host name; the Edge takes %s.' % (option, _shown(value), self.describe())
        return None


URL_HOST = r'[A-Za-z0-9._~-]+'
URL_REST = r'[!-~]*'


class Url(Rule):
    """An absolute URL the Edge calls or downloads from.

    The scheme is one of ``schemes``; the host a host name or an IPv4 address (an IPv6 literal is
    refused); an optional port from 1 to 65535; no user name or password; no spaces or other
    characters outside printable ASCII (percent-encode them); at most ``max_len`` characters.
    """

    def __init__(self, schemes=('http', 'https'), max_len=2048, secret=False,
                 example='https://hooks.example.com/rockit'):
        self.schemes = tuple(schemes)
        self.max_len = max_len
        self.secret = secret
        self.example = example

    def describe(self):
        return ('an %s URL with a host name or IPv4 address, an optional port from 1 to 65535, no user name or password '
                'and no spaces, at most %d characters' % (' or '.join(self.schemes), self.max_len))

    def problem(self, value, option):
        text = value if isinstance(value, str) else ''
        subject = 'the URL' if self.secret else _shown(text)
        shown = ' (the value is not shown because URLs may carry a signature)' if self.secret else ''
        try:
            parts = urlsplit(text)
        except ValueError:  # an unbalanced IPv6 bracket
            parts = None
        try:
            port = parts.port if parts is not None else None
        except ValueError:  # not a number, or above 65535
            port = -1
        if parts is None or parts.scheme.lower() not in self.schemes or not parts.netloc or re.search(r'\s', text):
            return ('%s: %s is not an %s URL with a host (for example %s)%s.'
                    % (option, subject, ' or '.join(self.schemes), self.example, shown))
        host = parts.netloc.rpartition('@')[2]
        if '@' in parts.netloc:
            # never shown: the part before the @ is a user name and password
            return ('%s: the URL carries a user name or password (user:password@host), which the Edge does not accept; '
                    'give %s.' % (option, self.describe()))
        if host.startswith('['):
            return ('%s: the host of %s is an IPv6 address, which the Edge does not accept; give a host name or an IPv4 '
                    'address%s.' % (option, subject, shown))
        if port == -1 or port == 0 or (port is None and host.endswith(':')):
            return '%s: the port of %s is not a port from 1 to 65535%s.' % (option, subject, shown)
        hostname = host.rsplit(':', 1)[0] if ':' in host else host
        rest = text[len(parts.scheme) + 3 + len(parts.netloc):]
        if not re.match(URL_HOST + r'\Z', hostname) or (rest and not re.match(r'[/?#]' + URL_REST + r'\Z', rest)):
            return ('%s: %s has characters the Edge does not accept in a URL (spaces, non-ASCII letters); percent-encode '
                    'them%s.' % (option, subject, shown))
        if len(text) > self.max_len:
            return '%s: %s, but the Edge takes at most %d.' % (option, _count(len(text), 'character'), self.max_len)
        return None


def check(table, path, value, option=None):
    """Refuse ``value`` (raise ModuleFailure) when the rule of ``path`` in ``table`` does not allow it.

    ``table`` is a resource of the spec tables (its ``constraints``) or a dict of rules; ``option`` is the
    name the user wrote (default: the API path). A value of None (not declared) is not checked.
    """
    rules = getattr(table, 'constraints', table)
    rule = rules.get(path)
    if rule is None or value is None:
        return
    problem = rule.problem(value, option or path)
    if problem:
        raise ModuleFailure(problem)


def check_all(table, values):
    """``check`` for each (path, value, option) in ``values``."""
    for path, value, option in values:
        check(table, path, value, option)
