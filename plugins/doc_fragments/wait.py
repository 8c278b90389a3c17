# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of the modules that wait for ROCKIT Edge tasks."""


class ModuleDocFragment(object):

    DOCUMENTATION = r'''
options:
  wait:
    description:
      - Whether to wait until the tasks are finished before the module returns (what finished means is described for each
        module). The module polls the Edge quietly, every O(wait_sleep) seconds, and prints nothing while it waits.
      - On timeout the task fails with a message that lists the tasks still pending with their status.
    type: bool
    default: false
  wait_timeout:
    description:
      - The most seconds to wait when O(wait=true). V(0) polls once.
    type: int
    default: 600
  wait_sleep:
    description:
      - Seconds between two polls when O(wait=true). Each poll reads the task list (one request per page of up to
        1000 tasks), and the apps of the tasks once the tasks themselves are finished.
    type: int
    default: 5
'''
