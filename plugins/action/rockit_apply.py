# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rockit_apply: many objects of one kind in one task.

On the fast path each object is shown as it is done; on the module path (one module process for all
objects) when the module returns. A result that carries a secret is hidden from the display the way a
loop item with no_log is; the other objects' results stay visible.
"""

from ansible.utils.display import Display

from ansible_collections.rockitplay.edge.plugins.module_utils.apply import APPLY_MODULE, KINDS
from ansible_collections.rockitplay.edge.plugins.plugin_utils.core_shim import remove_values
from ansible_collections.rockitplay.edge.plugins.plugin_utils.fast_path import RockitAction

display = Display()


class ActionModule(RockitAction):
    definition = APPLY_MODULE
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        self._host = (task_vars or {}).get('inventory_hostname', 'localhost')
        self._shown = False
        result = super(ActionModule, self).run(tmp, task_vars)
        if not self._shown:
            # The module path: the objects are shown when the module returns (it masked its own result).
            for item in result.get('results') or []:
                self._show(self._task.args.get('kind'), item, ())
        return result

    def _prepare(self, ctx):
        self._shown = True
        ctx.progress = lambda kind, item: self._show(kind, item, ctx.no_log_values)

    def _hide_returned_secrets(self, result):
        kind = self._task.args.get('kind')
        secret_keys = KINDS[kind][0].secret_results if kind in KINDS else ()
        for item in result.get('results') or []:
            if any(item.get(key) for key in secret_keys):
                item['_ansible_no_log'] = True
                # Shown nowhere, kept in a registered result; the other items stay visible.
                result['_ansible_no_log'] = True
        if result.get('_ansible_no_log') and result.get('failed') and result.get('msg'):
            # The failure itself holds no secret (names only): say what failed, and where the issued keys are.
            display.display('[%s] %s' % (getattr(self, '_host', 'localhost'), result['msg']), color='red')
        return result

    def _show(self, kind, item, no_log_values):
        line = '[%s] %s %s: ' % (self._host, kind, item.get('name'))
        if item.get('failed'):
            display.display(line + 'failed: %s' % remove_values(item.get('msg', ''), no_log_values), color='red')
        elif item.get('skipped'):
            display.display(line + 'not attempted', color='cyan')
        elif item.get('changed'):
            display.display(line + item.get('action', 'changed'), color='yellow')
        else:
            display.v(line + item.get('action', 'ok'))
