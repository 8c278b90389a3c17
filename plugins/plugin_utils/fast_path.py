# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The controller-side fast path shared by every action plugin of the collection.

A module of this collection only talks HTTP to the Edge, so when its task would run on the
controller anyway (local connection, or delegated to localhost), the action plugin runs the very
same module code in the controller process instead of packaging and starting the module: the same
argument validation (with the same environment fallbacks, honouring the task's ``environment``),
check mode, diff, ``no_log`` masking and results. Elsewhere the module runs as usual.

Set ``ROCKIT_FAST_PATH=false`` in the controller's environment, or the variable
``rockit_fast_path: false``, to always use the module path.
"""

import json
import os

from ansible.module_utils.common.json import Direction, get_module_decoder, get_module_encoder
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

# Importing the module code here means the main ansible-playbook process imports it (and requests)
# once, when the strategy loads the action class; every forked worker then finds it already loaded.
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import Context, ModuleFailure, execute
# Created at import, so in the main ansible-playbook process: one password login shared by every task of the run.
from ansible_collections.rockitplay.edge.plugins.plugin_utils.session_store import shared_store

display = Display()

FAST_PATH_ENV = 'ROCKIT_FAST_PATH'
FAST_PATH_VAR = 'rockit_fast_path'


def module_args(args):
    """The task's arguments as a module receives them: plain Python types (no template tags), through the same
    serialization Ansible uses to hand them to a module, so that argument errors read the same on both paths."""
    encoding = Direction.CONTROLLER_TO_MODULE
    return json.loads(json.dumps(dict(args), cls=get_module_encoder('legacy', encoding)), cls=get_module_decoder('legacy', encoding))


class RockitAction(ActionBase):
    """Base of the collection's action plugins; subclasses set ``definition``."""

    definition = None
    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super(RockitAction, self).run(tmp, task_vars)
        if self._fast_path_allowed(task_vars):
            result.update(self._run_in_controller())
        else:
            result.update(self._run_module(task_vars))
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

    def _prepare(self, ctx):
        """A hook for subclasses: adjust the run context of the fast path."""

    # ------------------------------------------------------------------ decisions
    def _fast_path_allowed(self, task_vars):
        if not boolean(os.environ.get(FAST_PATH_ENV, 'true'), strict=False):
            return False
        if not boolean(task_vars.get(FAST_PATH_VAR, True), strict=False):
            return False
        if self._task.async_val or self._play_context.become:
            return False
        transport = getattr(self._connection, 'transport', None) or getattr(self._connection, '_load_name', '')
        return str(transport).rsplit('.', maxsplit=1)[-1] == 'local'

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
    def _task_environment(self):
        env = {}
        self._compute_environment_string(env)
        return dict((str(k), str(v)) for k, v in env.items() if v is not None)

    def _validate(self):
        validator = self.definition.validator()
        env = self._task_environment()
        saved = dict((k, os.environ.get(k)) for k in env)
        os.environ.update(env)
        try:
            return validator.validate(module_args(self._task.args))
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    def _run_in_controller(self):
        definition = self.definition
        validation = self._validate()
        params = validation.validated_parameters
        no_log_values = set(validation._no_log_values) | definition.nested_no_log_values(params)
        if validation.error_messages:
            msg = validation.errors.msg
            if isinstance(validation.errors[0], UnsupportedError):
                # named as AnsibleModule names it on the module path: the name the task resolved to
                msg = 'Unsupported parameters for (%s) module: %s' % (self._task.resolved_action or definition.name, msg)
            return self._sanitize({'failed': True, 'msg': msg}, definition.invocation(params), no_log_values)
        store = shared_store() if definition.shared_login else None
        ctx = Context(params, check_mode=bool(self._task.check_mode), diff_mode=bool(self._task.diff), reuse_client=True,
                      session_store=store)
        ctx.no_log_values.update(no_log_values)
        self._prepare(ctx)
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
        return self._sanitize(result, definition.invocation(params), set(no_log_values) | ctx.no_log_values)

    @staticmethod
    def _sanitize(result, params, no_log_values):
        """What AnsibleModule does before it prints its result: invocation, and no_log values masked."""
        result.setdefault('invocation', {'module_args': params})
        preserved = dict((k, v) for k, v in result.items() if v is None or isinstance(v, bool))
        result = remove_values(result, no_log_values)
        result.update(preserved)
        return result
