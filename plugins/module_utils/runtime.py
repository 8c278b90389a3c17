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
from ansible_collections.rockitplay.edge.plugins.module_utils.errors import EdgeFailure, ModuleFailure


class ModuleDef(object):
    """A module: its options (the connection options are added) and the function that runs it.

    ``secret_results`` names result keys that carry a secret the server returns once (a new API
    key, a subscription secret): when one is present the action plugin hides the task output from
    the display, while a registered result keeps it.

    ``nested_secrets`` names the free-form options of a module that may hold secrets no ``no_log``
    reaches (declarations for other modules, such as ``objects`` of rockit_apply). On both execution
    paths and in every result, failures included: their values and those of unknown options are never
    echoed in ``invocation``; the values of the options named ``secret_names`` anywhere inside them
    are masked like ``no_log`` options, even in an object that is
    refused; on the module path the module does not log its invocation on the host.
    """

    def __init__(self, name, argument_spec, run, mutually_exclusive=(), required_if=(), required_one_of=(),
                 required_together=(), required_by=None, secret_results=(), connection=True, nested_secrets=(),
                 secret_names=(), shared_login=True):
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
        self.nested_secrets = tuple(nested_secrets)
        self.secret_names = frozenset(secret_names)
        # Whether the fast path may use the password login shared by the tasks of the run (rockit_login hands its
        # login to the caller instead, so it makes one of its own).
        self.shared_login = shared_login

    def invocation(self, params):
        """The module arguments as ``invocation`` shows them: free-form options that may hold secrets are left out."""
        if not self.nested_secrets:
            return params
        shown = set(self.argument_spec) - set(self.nested_secrets)
        return dict((k, v if k in shown else NOT_SHOWN) for k, v in (params or {}).items())

    def nested_no_log_values(self, params):
        """The secret values inside the free-form options (and unknown options), to mask like no_log values."""
        values = set()
        for option, value in (params or {}).items():
            if option in self.nested_secrets or option not in self.argument_spec:
                _collect_secrets(value, self.secret_names, values)
        return values

    def validator(self):
        """The option validation AnsibleModule would do, for code that validates without it."""
        return ArgumentSpecValidator(self.argument_spec, mutually_exclusive=self.mutually_exclusive,
                                     required_together=self.required_together, required_one_of=self.required_one_of,
                                     required_if=self.required_if, required_by=self.required_by)

    def module_kwargs(self):
        return dict(argument_spec=self.argument_spec, supports_check_mode=True, mutually_exclusive=self.mutually_exclusive,
                    required_if=self.required_if, required_one_of=self.required_one_of,
                    required_together=self.required_together, required_by=self.required_by)


NOT_SHOWN = 'NOT_SHOWN (may hold secrets)'


def _collect_secrets(value, names, found, inside=False):
    """Every scalar under a key in ``names``, at any depth of ``value``."""
    if isinstance(value, dict):
        for key, item in value.items():
            _collect_secrets(item, names, found, inside or str(key) in names)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _collect_secrets(item, names, found, inside)
    elif inside and value is not None and not isinstance(value, bool) and str(value) != '':
        found.add(str(value))


class Context(object):
    """What a module's run function gets: validated parameters, modes, a lazily built client."""

    def __init__(self, params, check_mode=False, diff_mode=False, reuse_client=False, sleep=time.sleep, session_store=None):
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
        self.session_store = session_store

    @property
    def client(self):
        if self._client is None:
            self._client = get_client(self.params, sleep=self._sleep, reuse=self._reuse, session_store=self.session_store)
            for warning in getattr(self._client, 'warnings', ()):
                self.warn(warning)
        return self._client

    def warn(self, msg):
        self.warnings.append(msg)

    def close(self):
        """End the logins the client made itself (a shared login is ended when the run ends); never fails."""
        if self._client is not None:
            self._client.close()


def execute(definition, ctx):
    """Run a module definition; return its result dict or raise :class:`ModuleFailure`."""
    written = _written(ctx)
    try:
        result = definition.run(ctx)
    except ApiError as exc:
        raise ModuleFailure(str(exc), api_status=exc.status, api_error=exc.error, api_method=exc.method, api_path=exc.path,
                            changed=_written(ctx) > written)
    except ConfigError as exc:
        raise ModuleFailure(str(exc))
    except EdgeFailure as exc:
        # One-time secrets issued on the way stay in the (hidden) result.
        details = dict(exc.details)
        details.update((key, value) for key, value in exc.extras.items() if key in definition.secret_results and value)
        if _written(ctx) > written:
            details['changed'] = True
        raise ModuleFailure(exc.msg, **details)
    except ModuleFailure as failure:
        # a failure after a write the Edge accepted still reports the change
        if _written(ctx) > written:
            failure.details['changed'] = True
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


def _written(ctx):
    """How many writes the run's client has had accepted so far for this thread (0 before it exists).

    Per thread: when objects run side by side on one client, the writes of the others do not make this one changed.
    """
    return getattr(ctx._client, 'written_here', 0) if ctx._client is not None else 0


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


class _NestedSecretsModule(AnsibleModule):
    """AnsibleModule for a module with ``nested_secrets``: also its own argument failures mask them."""

    definition = None

    def _return_formatted(self, kwargs):
        self.no_log_values.update(self.definition.nested_no_log_values(self.params))
        kwargs.setdefault('invocation', {'module_args': self.definition.invocation(self.params)})
        return super(_NestedSecretsModule, self)._return_formatted(kwargs)


def run_ansible_module(definition):
    """The module path: validate with AnsibleModule, run, exit."""
    if definition.nested_secrets:
        module_class = type('NestedSecretsModule', (_NestedSecretsModule,), {'definition': definition})
    else:
        module_class = AnsibleModule
    module = module_class(**definition.module_kwargs())
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
    ctx = Context(module.params, check_mode=module.check_mode, diff_mode=module._diff)
    try:
        result = execute(definition, ctx)
    except ModuleFailure as failure:
        ctx.close()
        module.no_log_values.update(ctx.no_log_values)
        for warning in ctx.warnings:
            module.warn(warning)
        module.fail_json(msg=failure.msg, **failure.details)
    ctx.close()
    module.no_log_values.update(ctx.no_log_values)
    for warning in ctx.warnings:
        module.warn(warning)
    module.exit_json(**result)
