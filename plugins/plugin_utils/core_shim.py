# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every ansible-core detail the fast path relies on, in one place.

The fast path (``fast_path.py``) reads a few things of ansible-core that are not a public plugin API:
the task's computed ``environment``, the interpreter Ansible would start a module with, the task's
name as written, the connection's transport, the no_log values the argument validator collects, and
the methods with which AnsibleModule adds a file's attributes to a result that names a ``path`` or ``dest``.
Each is read here, through a function that checks what it gets. When an ansible-core release changes
one of them, the function raises :class:`CoreChanged` and the action plugin runs the task as a regular
module instead (the module path), which depends on nothing here: a changed internal costs speed, never
a wrong result or a traceback.
"""

import json
import os
import shutil
import sys

from ansible.module_utils.basic import AnsibleModule as _AnsibleModule
from ansible.module_utils.common.parameters import remove_values as _remove_values
from ansible.module_utils.errors import UnsupportedError

try:
    from ansible.module_utils.common import json as _module_json
except ImportError:  # pragma: no cover - older ansible-core: plain JSON then
    _module_json = None

try:
    from ansible import constants as C
except ImportError:  # pragma: no cover - ansible-core always has it, but detect rather than crash
    C = None

AUTO_INTERPRETERS = ('auto', 'auto_legacy', 'auto_silent', 'auto_legacy_silent')


class CoreChanged(Exception):
    """An ansible-core internal is not what the fast path expects: run the task as a module instead."""


def _attr(obj, name):
    try:
        return getattr(obj, name)
    except AttributeError:
        raise CoreChanged('%s has no attribute %s' % (type(obj).__name__, name)) from None


def task_flags(action):
    """(check_mode, diff, async_val, become) of the task the action plugin runs."""
    task = _attr(action, '_task')
    play_context = _attr(action, '_play_context')
    return (bool(_attr(task, 'check_mode')), bool(_attr(task, 'diff')), _attr(task, 'async_val') or 0,
            bool(_attr(play_context, 'become')))


def module_name(action):
    """The module's name as the task wrote it (short or FQCN), which a module prints in its messages."""
    name = _attr(_attr(action, '_task'), 'action')
    if not isinstance(name, str) or not name:
        raise CoreChanged('the task has no action name')
    return str.__str__(name)


def connection_is_local(action):
    """Whether the task's connection (after delegation) is the ``local`` connection plugin."""
    connection = _attr(action, '_connection')
    transport = getattr(connection, 'transport', None) or getattr(connection, '_load_name', None)
    if not transport:
        raise CoreChanged('the connection plugin names no transport')
    return str(transport).rsplit('.', maxsplit=1)[-1] == 'local'


def task_environment(action):
    """The task's ``environment`` (merged from play, block and task, templated), as strings."""
    env = {}
    compute = _attr(action, '_compute_environment_string')
    try:
        compute(env)
    except TypeError as exc:
        raise CoreChanged('_compute_environment_string changed: %s' % exc) from None
    if not isinstance(env, dict):
        raise CoreChanged('the task environment is not a dict')
    return dict((str.__str__(str(k)), str.__str__(str(v))) for k, v in env.items() if v is not None)


def python_interpreter(action, task_vars):
    """The Python interpreter Ansible would run the module with on this host, or None when it would discover one.

    The same setting the module path reads: ``ansible_python_interpreter`` (of the delegated host when
    the task is delegated), else ``interpreter_python`` of the configuration.
    """
    task = _attr(action, '_task')
    use_vars = task_vars
    delegate_to = _attr(task, 'delegate_to')
    if delegate_to:
        delegated = task_vars.get('ansible_delegated_vars')
        if not isinstance(delegated, dict) or delegate_to not in delegated:
            raise CoreChanged('no ansible_delegated_vars for %s' % delegate_to)
        use_vars = delegated[delegate_to]
    if C is None or not hasattr(C, 'config'):
        raise CoreChanged('ansible.constants.config is missing')
    try:
        value = C.config.get_config_value('INTERPRETER_PYTHON', variables=use_vars)
    except Exception as exc:  # pylint: disable=broad-except
        raise CoreChanged('interpreter_python cannot be read: %s' % exc) from None
    if isinstance(value, str) and ('{{' in value or '{%' in value):
        value = _attr(action, '_templar').template(value)
    if not value:
        return None
    value = str.__str__(str(value)).strip()
    return None if value in AUTO_INTERPRETERS else value


def inject_invocation(task_vars):
    """Whether a module's result carries ``invocation`` (its arguments).

    Before ansible-core 2.21 a module always adds it; 2.21 adds it only when ``INJECT_INVOCATION``
    (``ANSIBLE_INJECT_INVOCATION``, ``ansible_inject_invocation``) is on, and it is off by default.
    """
    if C is None or not hasattr(C, 'config'):
        raise CoreChanged('ansible.constants.config is missing')
    try:
        if not C.config.get_configuration_definition('INJECT_INVOCATION'):
            return True
        return bool(C.config.get_config_value('INJECT_INVOCATION', variables=task_vars))
    except Exception as exc:  # pylint: disable=broad-except
        raise CoreChanged('inject_invocation cannot be read: %s' % exc) from None


def is_controller_python(interpreter):
    """Whether this interpreter path (or name on PATH) is the Python the controller runs in."""
    if interpreter is None:
        return True
    path = interpreter if os.path.isabs(interpreter) else shutil.which(interpreter)
    if not path:
        return False
    mine = os.path.abspath(sys.executable)
    path = os.path.abspath(path)
    if path == mine:
        return True
    # The same executable seen through another name in the same directory (python3 / python3.11 of one
    # venv): same file and same bin directory. The base interpreter of a venv is another Python (its
    # site-packages differ), although the files are the same.
    try:
        return (os.path.realpath(path) == os.path.realpath(mine)
                and os.path.realpath(os.path.dirname(path)) == os.path.realpath(os.path.dirname(mine)))
    except OSError:
        return False


def plain_args(args):
    """The task's arguments as the module receives them: plain JSON types (no ansible-core tagged types).

    The module path sends the arguments as JSON, through the encoder Ansible uses to hand them to a
    module; the same round trip here makes validation messages name the same types. Arguments JSON
    cannot carry are left to the module path.
    """
    encoder = decoder = None
    if _module_json is not None:
        try:
            direction = _module_json.Direction.CONTROLLER_TO_MODULE
            encoder = _module_json.get_module_encoder('legacy', direction)
            decoder = _module_json.get_module_decoder('legacy', direction)
        except (AttributeError, TypeError, ValueError):
            encoder = decoder = None
    try:
        return json.loads(json.dumps(dict(args), cls=encoder), cls=decoder)
    except (TypeError, ValueError) as exc:
        raise CoreChanged('arguments that are not plain JSON: %s' % exc) from None


def validate(validator, args):
    """Validate like AnsibleModule: (params, no_log_values, error message or None, unsupported)."""
    result = validator.validate(args)
    try:
        no_log_values = set(result._no_log_values)  # pylint: disable=protected-access
        params = result.validated_parameters
        if not result.error_messages:
            return params, no_log_values, None, False
        return params, no_log_values, result.errors.msg, isinstance(result.errors[0], UnsupportedError)
    except (AttributeError, IndexError, TypeError) as exc:
        raise CoreChanged('the argument validator result changed: %s' % exc) from None


def remove_values(value, no_log_values):
    """Mask no_log values like AnsibleModule does before it prints a result."""
    return _remove_values(value, no_log_values)


# The AnsibleModule methods that add a file's attributes to a result (and those they call).
_PATH_INFO_METHODS = ('add_path_info', 'user_and_group', 'selinux_enabled', 'selinux_mls_enabled', 'selinux_initial_context',
                      'selinux_context')


class _PathInfoFailed(Exception):
    pass


def path_info():
    """A function that adds to a result what a module's ``exit_json`` and ``fail_json`` add to it.

    AnsibleModule adds the attributes of the file a result names with ``path`` or ``dest`` (owner, group,
    mode, state, size, the SELinux context where SELinux is on). The function runs AnsibleModule's own
    methods on a stand-in without a module, so both paths return the same keys.
    """
    methods = {}
    for name in _PATH_INFO_METHODS:
        method = getattr(_AnsibleModule, name, None)
        if not callable(method):
            raise CoreChanged('AnsibleModule has no method %s' % name)
        methods[name] = method

    def fail_json(**kwargs):
        raise _PathInfoFailed(kwargs.get('msg'))

    attributes = dict(methods, _selinux_enabled=None, _selinux_mls_enabled=None, _selinux_initial_context=None,
                      fail_json=staticmethod(fail_json))
    stand_in = type('PathInfo', (object,), attributes)

    def add(result):
        if result.get('path', result.get('dest')) is None:
            return result
        try:
            return stand_in().add_path_info(result)
        except _PathInfoFailed:
            return result   # the SELinux context of a file that went away meanwhile: the attributes stay out
    return add
