# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fast path of rockit_contract: runs the module's code in the controller when the task is local."""

from ansible_collections.rockitplay.edge.plugins.module_utils.contract import CONTRACT_MODULE
from ansible_collections.rockitplay.edge.plugins.plugin_utils.fast_path import RockitAction


class ActionModule(RockitAction):
    definition = CONTRACT_MODULE
