# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module shares: its definition, its run context, and how it runs as an Ansible module.

The same :func:`execute` serves both execution paths: the module (``run_ansible_module``) and the
controller-side fast path (the collection's action plugins), so both return the same results.
"""

import os
import time
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.rockitplay.edge.plugins.module_utils.client import (
    HAS_REQUESTS, REQUESTS_IMPORT_ERROR, ApiError, ConfigError, connection_argument_spec, get_client,
)
from ansible_collections.rockitplay.edge.plugins.module_utils.errors import EdgeFailure


class ModuleFailure(Exception):
    """A failure to report with ``fail_json``: a message a user can act on, plus details."""

    def __init__(self, msg, **details):
        super(ModuleFailure, self).__init__(msg)
        self.msg = msg
        self.details = details


class ModuleDef(object):
    """A module: its options (the connection options are added) and the function that runs it.

    ``secret_results`` names result keys that carry a secret the server returns once (a new API
    key, a subscription secret): when one is present the action plugin hides the task output from
    the display, while a registered result keeps it.

    ``nested_secrets`` marks a module whose free-form options may hold secrets that no ``no_log``
    reaches (declarations of other modules): on the module path it must not log its invocation on the
    host; it masks those secrets in its result itself (``Context.no_log_values``).
    """

    def __init__(self, name, argument_spec, run, mutually_exclusive=(), required_if=(), required_one_of=(),
                 required_together=(), required_by=None, secret_results=(), connection=True, nested_secrets=False):
        self.name = name
        self.argument_spec = dict(connection_argument_spec()) if connection else {}
        self.argument_spec.update(argument_spec)
        self.run = run
        self.mutually_exclusive = list(mutually_exclusive)
        self.required_if = list(required_if)
        self.required_one_of = list(required_one_of)
        self.required_together = list(required_together)
        self.required_by = dict(required_by or {})
        self.secret_results = tuple(secret_results)
        self.nested_secrets = nested_secrets

    def validator(self):
        """The option validation AnsibleModule would do, for code that validates without it."""
        return ArgumentSpecValidator(self.argument_spec, mutually_exclusive=self.mutually_exclusive,
                                     required_together=self.required_together, required_one_of=self.required_one_of,
                                     required_if=self.required_if, required_by=self.required_by)

    def module_kwargs(self):
        return dict(argument_spec=self.argument_spec, supports_check_mode=True, mutually_exclusive=self.mutually_exclusive,
                    required_if=self.required_if, required_one_of=self.required_one_of,
                    required_together=self.required_together, required_by=self.required_by)


class Context(object):
    """What a module's run function gets: validated parameters, modes, a lazily built client."""

    def __init__(self, params, check_mode=False, diff_mode=False, reuse_client=False, sleep=time.sleep):
        self.params = params
        self.check_mode = check_mode
        self.diff_mode = diff_mode
        self.warnings = []
        # Secret values the module met on its own (e.g. inside nested declarations), masked like no_log options.
        self.no_log_values = set()
        # Called with (kind, result) as each object of a multi-object run is done (the fast path shows it).
        self.progress = None
        self._reuse = reuse_client
        self._sleep = sleep
        self._client = None

    @property
    def client(self):
        if self._client is None:
            self._client = get_client(self.params, sleep=self._sleep, reuse=self._reuse)
            for warning in getattr(self._client, 'warnings', ()):
                self.warn(warning)
        return self._client

    def warn(self, msg):
        self.warnings.append(msg)


def execute(definition, ctx):
    """Run a module definition; return its result dict or raise :class:`ModuleFailure`."""
    try:
        result = definition.run(ctx)
    except ApiError as exc:
        raise ModuleFailure(str(exc), api_status=exc.status, api_error=exc.error, api_method=exc.method, api_path=exc.path)
    except ConfigError as exc:
        raise ModuleFailure(str(exc))
    except EdgeFailure as exc:
        # One-time secrets issued on the way stay in the (hidden) result.
        details = dict(exc.details)
        details.update((key, value) for key, value in exc.extras.items() if key in definition.secret_results and value)
        raise ModuleFailure(exc.msg, **details)
    except ModuleFailure:
        raise
    except Exception as exc:  # pylint: disable=broad-except
        raise ModuleFailure('Unexpected error in %s (please report it): %s: %s' % (definition.name, type(exc).__name__, exc),
                            exception=traceback.format_exc())
    result.setdefault('changed', False)
    warnings = result.pop('warnings', [])
    ctx.warnings.extend(w for w in warnings if w not in ctx.warnings)
    if not ctx.diff_mode:
        result.pop('diff', None)
    return result


def write_secret_file(path, content, mode=0o600):
    """Write a secret to a new file readable only by its owner; never through a world-readable moment."""
    path = os.path.expanduser(path)
    directory = os.path.dirname(path) or '.'
    if not os.path.isdir(directory):
        raise ModuleFailure('The directory %s for the secret file does not exist.' % directory)
    tmp = '%s.tmp%d' % (path, os.getpid())
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.write(fd, content.encode('utf-8'))
    finally:
        os.close(fd)
    os.chmod(tmp, mode)
    os.rename(tmp, path)


def run_ansible_module(definition):
    """The module path: validate with AnsibleModule, run, exit."""
    module = AnsibleModule(**definition.module_kwargs())
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
    ctx = Context(module.params, check_mode=module.check_mode, diff_mode=module._diff)
    try:
        result = execute(definition, ctx)
    except ModuleFailure as failure:
        module.no_log_values.update(ctx.no_log_values)
        for warning in ctx.warnings:
            module.warn(warning)
        module.fail_json(msg=failure.msg, **failure.details)
    module.no_log_values.update(ctx.no_log_values)
    for warning in ctx.warnings:
        module.warn(warning)
    module.exit_json(**result)
