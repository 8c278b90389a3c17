# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The errors of the client, in a module of their own so that the engine can use them without importing the client."""


class ApiError(Exception):
    """A request that did not succeed, with everything a user needs to act on it."""

    def __init__(self, method, path, status=None, error=None, message=None, body=None, hint=None, retry_after=None,
                 ambiguous=None):
        self.method = method
        self.path = path
        self.status = status
        self.error = error
        self.message = message or ''
        self.body = body if isinstance(body, dict) else {}
        self.hint = hint
        self.retry_after = retry_after
        # True when the request may or may not have been carried out by the server.
        self.ambiguous = (status is None or status in (500, 502, 504)) if ambiguous is None else ambiguous
        super(ApiError, self).__init__(self.to_message())

    def to_message(self):
        where = '%s %s' % (self.method, self.path)
        if self.status is None:
            what = self.message
        else:
            name = ' %s' % self.error if self.error else ''
            what = 'HTTP %s%s' % (self.status, name)
            if self.message:
                what += ': %s' % self.message
        msg = 'ROCKIT Edge request %s failed: %s.' % (where, what.rstrip('.'))
        if self.hint:
            msg += ' ' + self.hint
        return msg


class ConfigError(Exception):
    """The connection options cannot work together."""


class ModuleFailure(Exception):
    """A failure to report with ``fail_json``: a message a user can act on, plus details."""

    def __init__(self, msg, **details):
        super(ModuleFailure, self).__init__(msg)
        self.msg = msg
        self.details = details


class EdgeFailure(Exception):
    """A failure found after a write, with a message that says what happened and what to do.

    ``details`` go into the failed result (never a secret); ``extras`` are one-time values the server issued
    on the way (a new API key or signing secret): they must not be lost, so the module hands them back in its
    (hidden) result.
    """

    def __init__(self, msg, details=None, extras=None):
        super(EdgeFailure, self).__init__(msg)
        self.msg = msg
        self.details = dict(details or {})
        self.extras = dict(extras or {})


class AssumptionError(EdgeFailure):
    """The Edge answered, but not the way the API assumptions page says; the task fails loudly instead of guessing."""
