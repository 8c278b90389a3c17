# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test helper action: control the Edge emulator from inside a playbook, in the controller process.

``rel_emulator: {mark: <case>, faults: [...], advance: <seconds>, speed: <factor>, sleep: <seconds>,
wait_requests: {case: <case>, count: <n>}}``
sends a marker request ``GET /be/v1/_mark/<case>`` (the emulator logs it, so a test can cut its request
log into cases), registers the faults with ``POST /_emulator/faults``, moves the emulator's clock
(``POST /_emulator/clock``: jump forward, or change its speed), sleeps, or waits until the emulator has
logged ``count`` requests after the marker of ``case`` (a request it holds back on purpose, logged when
it ends, lands in its own case however slow the machine is). It talks to the emulator
in ``ROCKIT_EDGE_URL`` (or ``url``) and never to anything else; it ignores the proxy variables.
"""

import os
import time

import requests

from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    """Mark the request log, inject faults, move the clock, wait."""

    TRANSFERS_FILES = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = self._task.args
        url = (args.get('url') or os.environ['ROCKIT_EDGE_URL']).rstrip('/')
        http = requests.Session()
        http.verify = False
        http.trust_env = False
        http.headers['Accept'] = 'application/json'
        if args.get('mark'):
            http.get(url + '/be/v1/_mark/' + str(args['mark']), timeout=30)
        ids = []
        for fault in args.get('faults') or []:
            answer = http.post(url + '/_emulator/faults', json=fault, timeout=30)
            if answer.status_code != 200:
                return dict(result, failed=True, msg='fault refused: %s' % answer.text)
            ids.append(answer.json()['id'])
        if args.get('advance') or args.get('speed') is not None:
            clock = dict((key, float(args[key])) for key in ('advance', 'speed') if args.get(key) is not None)
            answer = http.post(url + '/_emulator/clock', json=clock, timeout=30)
            if answer.status_code != 200:
                return dict(result, failed=True, msg='clock change refused: %s' % answer.text)
        if args.get('sleep'):
            time.sleep(float(args['sleep']))
        wait = args.get('wait_requests')
        if wait:
            deadline = time.monotonic() + float(wait.get('timeout', 120))
            marker = '/be/v1/_mark/%s' % wait['case']
            while True:
                log = http.get(url + '/_emulator/requests', timeout=30).json()['requests']
                starts = [i for i, entry in enumerate(log) if entry['path'] == marker]
                after = [e for e in log[starts[-1] + 1:] if not e['path'].startswith('/be/v1/_mark/')] if starts else []
                if len(after) >= int(wait['count']):
                    break
                if time.monotonic() > deadline:
                    return dict(result, failed=True, msg='%d of %d requests of %s logged' % (len(after), wait['count'], wait['case']))
                time.sleep(0.1)
        return dict(result, changed=False, fault_ids=ids)
