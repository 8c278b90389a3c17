# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rockit_plan: the fast path, and one line per kind that has something to do (names only, never a value)."""

from ansible.utils.display import Display

from ansible_collections.rockitplay.edge.plugins.module_utils.planner import PLAN_MODULE
from ansible_collections.rockitplay.edge.plugins.plugin_utils.fast_path import RockitAction

display = Display()


def plan_lines(plan):
    """What the plan would do, one line per kind with something to do."""
    lines = []
    for kind in plan.get('order') or []:
        part = plan['kinds'][kind]
        words = []
        declared = part.get('declared') or []
        for action, label in (('created', 'create'), ('updated', 'update'), ('replaced', 'replace')):
            names = [e['name'] for e in declared if e.get('action') == action]
            if names:
                words.append('%s %s' % (label, ', '.join(str(n) for n in names)))
        deleted = [e['name'] for e in declared if e.get('action') == 'deleted']
        if deleted:
            words.append('delete %s' % ', '.join(str(n) for n in deleted))
        if part.get('prune'):
            words.append('prune %s' % ', '.join(str(n) for n in part['prune']))
        if part.get('kept'):
            words.append('prune keeps %s' % ', '.join('%s (%s)' % (k['name'], k['reason']) for k in part['kept']))
        if words:
            lines.append('%s: %s' % (kind, '; '.join(words)))
    return lines


class ActionModule(RockitAction):
    definition = PLAN_MODULE

    def run(self, tmp=None, task_vars=None):
        host = (task_vars or {}).get('inventory_hostname', 'localhost')
        result = super(ActionModule, self).run(tmp, task_vars)
        plan = result.get('plan')
        if isinstance(plan, dict):
            lines = plan_lines(plan)
            for line in lines:
                display.display('[%s] plan %s' % (host, line), color='cyan')
            if not lines:
                display.v('[%s] plan: nothing to change' % host)
        return result
