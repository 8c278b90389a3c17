"""Helpers of the reliability tests: playbooks built from case tables, the emulator's request log cut into cases.

They live in tests/tools/edge_log.py (shared with the integration tests); this module keeps the names.
"""
import os
import sys

TOOLS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'tools')
if TOOLS not in sys.path:
    sys.path.insert(0, TOOLS)

# pylint: disable-next=import-error,wrong-import-position,unused-import
from edge_log import ACTION_DIR, MARK_PREFIX, calls, mark_task, playbook_text, split_log, writes  # noqa: E402,F401

RUN_ENV = {'ANSIBLE_ACTION_PLUGINS': ACTION_DIR}
