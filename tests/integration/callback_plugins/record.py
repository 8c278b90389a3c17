# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test helper: write every task result, as callbacks see it, to the JSON-lines file in ROCKIT_TEST_RECORD."""

DOCUMENTATION = r'''
name: record
type: aggregate
short_description: Record task results for the collection's tests
description:
  - Writes one JSON line per task result to the file named by the environment variable E(ROCKIT_TEST_RECORD).
requirements:
  - enabled in ANSIBLE_CALLBACKS_ENABLED
'''

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'record'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        self._path = os.environ.get('ROCKIT_TEST_RECORD')

    def _write(self, status, result):
        if not self._path:
            return
        data = json.loads(json.dumps(result._result, default=str))
        entry = {'task': result._task.get_name(), 'host': result._host.get_name(), 'status': status, 'result': data}
        with open(self._path, 'a') as handle:
            handle.write(json.dumps(entry) + '\n')

    def v2_runner_on_ok(self, result):
        self._write('ok', result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._write('failed', result)

    def v2_runner_on_skipped(self, result):
        self._write('skipped', result)

    def v2_runner_on_unreachable(self, result):
        self._write('unreachable', result)
