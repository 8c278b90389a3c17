# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The controller-side fast path shared by every action plugin of the collection.

A module of this collection only talks HTTP to the Edge, so when its task would run on the
controller anyway (local connection, or delegated to localhost) in the controller's own Python, the
action plugin runs the very same module code in the controller process instead of packaging and
starting the module: the same argument validation, check mode, diff, ``no_log`` masking and results,
with the task's ``environment`` (proxy, CA bundle, ``ROCKIT_*``) applied for the whole run. Elsewhere
the module runs as usual (the module path).

The fast path steps aside for ``become`` and ``async``, for a host whose Python interpreter is not the
controller's, on macOS controllers unless it is turned on explicitly (HTTP from forked workers is not
fork-safe there), and whenever an ansible-core internal it reads is not what it expects
(``core_shim.py``).

``ROCKIT_FAST_PATH`` in the controller's environment or the variable ``rockit_fast_path``: ``false``
always uses the module path; ``true`` also turns the fast path on on macOS.
"""

import os
import sys

from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

# Importing the module code here means the main ansible-playbook process imports it (and requests)
# once, when the strategy loads the action class; every forked worker then finds it already loaded.
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import Context, ModuleFailure, execute
from ansible_collections.rockitplay.edge.plugins.plugin_utils import core_shim
from ansible_collections.rockitplay.edge.plugins.plugin_utils.core_shim import CoreChanged
# Created at import, so in the main ansible-playbook process: one password login shared by every task of the run.
from ansible_collections.rockitplay.edge.plugins.plugin_utils.session_store import shared_store

FAST_PATH_ENV = 'ROCKIT_FAST_PATH'
FAST_PATH_VAR = 'rockit_fast_path'

display = Display()


def _setting(value):
    """True, False or None (not set) from a ROCKIT_FAST_PATH / rockit_fast_path value."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return boolean(value, strict=False)


class _Environment(object):
    """Apply the task's environment to this (worker) process for the run, then restore it."""

    def __init__(self, env):
        self.env = env
        self.saved = {}

    def __enter__(self):
        self.saved = dict((k, os.environ.get(k)) for k in self.env)
        os.environ.update(self.env)
        return self

    def __exit__(self, *exc_info):
        for key, value in self.saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        return False


class RockitAction(ActionBase):
    """Base of the collection's action plugins; subclasses set ``definition``."""

    definition = None
    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super(RockitAction, self).run(tmp, task_vars)
        plan = None
        try:
            reason = self._module_path_reason(task_vars)
            if reason is None:
                plan = self._plan(task_vars)
        except CoreChanged as exc:
            reason = 'this ansible-core differs from what the fast path knows (%s)' % exc
        host = task_vars.get('inventory_hostname', '')
        if plan is None:
            display.vvv('rockitplay.edge: %s runs as a module: %s' % (self._describe(), reason), host=host)
            result.update(self._run_module(task_vars))
        else:
            display.vvv('rockitplay.edge: %s runs on the fast path' % self._describe(), host=host)
            result.update(self._run_in_controller(plan))
        return self._hide_returned_secrets(result)

    def _run_module(self, task_vars):
        no_log = self._task.no_log
        if self.definition.nested_secrets:
            # The module's options may hold secrets no no_log reaches: it must not log its invocation on the host
            # (the task's no_log is what tells a module that; the display of the result is decided as before).
            self._task.no_log = True
        try:
            return self._execute_module(module_args=dict(self._task.args), task_vars=task_vars, wrap_async=self._task.async_val)
        finally:
            self._task.no_log = no_log

    def _describe(self):
        """The module and the task's name, for the -vvv line that says which path a task takes."""
        try:
            name = self._task.get_name()
        except Exception:  # pylint: disable=broad-except
            name = None
        return '%s (task "%s")' % (self.definition.name, name) if name else self.definition.name

    def _prepare(self, ctx):
        """A hook for subclasses: adjust the run context of the fast path."""

    # ------------------------------------------------------------------ decisions
    def _module_path_reason(self, task_vars):
        """Why this task must run as a module, or None when the fast path may run it."""
        variable = task_vars.get(FAST_PATH_VAR)
        if isinstance(variable, str) and '{{' in variable:
            variable = self._templar.template(variable)
        settings = (_setting(os.environ.get(FAST_PATH_ENV)), _setting(variable))
        if False in settings:
            return '%s / %s is false' % (FAST_PATH_ENV, FAST_PATH_VAR)
        if sys.platform == 'darwin' and True not in settings:
            return ('macOS controller (HTTP from forked workers is not fork-safe there); set %s=true to use the fast path'
                    % FAST_PATH_ENV)
        _check, _diff, async_val, become = core_shim.task_flags(self)
        if async_val:
            return 'async'
        if become:
            return 'become'
        if not core_shim.connection_is_local(self):
            return 'the connection is not local'
        interpreter = core_shim.python_interpreter(self, task_vars)
        if not core_shim.is_controller_python(interpreter):
            return 'the host\'s Python interpreter (%s) is not the controller\'s (%s)' % (interpreter, sys.executable)
        return None

    def _hide_returned_secrets(self, result):
        if any(result.get(key) for key in self.definition.secret_results):
            # Shown nowhere, kept in a registered result: the same as no_log on the task.
            result['_ansible_no_log'] = True
            if result.get('failed') and result.get('msg'):
                # A failure that still hands back a secret issued once: its message (which never holds a secret) stays visible.
                display.error('%s: %s (The task result is hidden because it holds a secret the Edge issued once: %s; '
                              'register the task to keep it.)' % (self.definition.name, result['msg'],
                                                                  ', '.join(k for k in self.definition.secret_results if result.get(k))),
                              wrap_text=False)
        return result

    # ------------------------------------------------------------------ the fast path
    def _plan(self, task_vars):
        """Everything the fast path reads from ansible-core, read and checked before anything runs.

        The arguments are validated here too (with the task's environment applied, for the ``ROCKIT_*``
        fallbacks): a CoreChanged from any of it sends the task to the module path, with nothing done yet.
        """
        check_mode, diff, _async, _become = core_shim.task_flags(self)
        plan = {'check_mode': check_mode, 'diff': diff, 'name': core_shim.module_name(self),
                'env': core_shim.task_environment(self), 'args': core_shim.plain_args(self._task.args),
                'invocation': core_shim.inject_invocation(task_vars), 'path_info': core_shim.path_info()}
        with _Environment(plan['env']):
            plan['params'], plan['no_log_values'], plan['error'], plan['unsupported'] = core_shim.validate(
                self.definition.validator(), plan['args'])
        return plan

    def _run_in_controller(self, plan):
        definition = self.definition
        params = plan['params']
        no_log_values = set(plan['no_log_values']) | definition.nested_no_log_values(params)
        invocation = definition.invocation(params)
        if plan['error']:
            error = plan['error']
            if plan['unsupported']:
                error = 'Unsupported parameters for (%s) module: %s' % (plan['name'], error)
            return self._sanitize({'failed': True, 'msg': error}, invocation, no_log_values, plan['invocation'], plan['path_info'])
        store = shared_store() if definition.shared_login else None
        ctx = Context(params, check_mode=plan['check_mode'], diff_mode=plan['diff'], reuse_client=True, session_store=store)
        ctx.no_log_values.update(no_log_values)
        self._prepare(ctx)
        with _Environment(plan['env']):
            try:
                result = execute(definition, ctx)
            except ModuleFailure as failure:
                result = dict(failure.details, failed=True, msg=failure.msg)
            finally:
                if store is None:
                    # No login shared by the run: end the one this task made.
                    ctx.close()
        if ctx.warnings:
            result['warnings'] = list(ctx.warnings)
        return self._sanitize(result, invocation, no_log_values | ctx.no_log_values, plan['invocation'], plan['path_info'])

    @staticmethod
    def _sanitize(result, params, no_log_values, invocation=True, path_info=None):
        """What AnsibleModule does before it prints its result: the attributes of a file the result names (``path``
        or ``dest``), invocation (where Ansible wants it), no_log values masked."""
        if path_info is not None:
            result = path_info(result)
        if invocation:
            result.setdefault('invocation', {'module_args': params})
        else:
            result.pop('invocation', None)
        preserved = dict((k, v) for k, v in result.items() if v is None or isinstance(v, bool))
        result = core_shim.remove_values(result, no_log_values)
        result.update(preserved)
        return result
