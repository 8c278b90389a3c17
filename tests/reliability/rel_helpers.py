"""Helpers of the reliability tests: playbooks built from case tables, the emulator's request log cut into cases."""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ACTION_DIR = os.path.join(HERE, 'action_plugins')
MARK_PREFIX = '/be/v1/_mark/'
RUN_ENV = {'ANSIBLE_ACTION_PLUGINS': ACTION_DIR}


def playbook_text(tasks, hosts='localhost', variables=None):
    """A one-play playbook as text (JSON is YAML), for the ``playbook`` fixture."""
    play = {'hosts': hosts, 'gather_facts': False, 'tasks': tasks}
    if variables:
        play['vars'] = variables
    return json.dumps([play], indent=1)


def mark_task(case, faults=(), sleep=None):
    """The helper task that marks the start of a case in the request log and injects its faults."""
    args = {'mark': case}
    if faults:
        args['faults'] = list(faults)
    if sleep:
        args['sleep'] = sleep
    return {'name': 'mark %s' % case, 'rel_emulator': args}


def split_log(log):
    """The request log cut at the markers: {case: [entries]} (markers left out)."""
    cases, current = {}, None
    for entry in log:
        if entry['path'].startswith(MARK_PREFIX):
            current = entry['path'][len(MARK_PREFIX):]
            cases[current] = []
        elif current is not None:
            cases[current].append(entry)
    return cases


def calls(entries):
    """(method, status) of each request."""
    return [(e['method'], e['status']) for e in entries]


def writes(entries):
    return [e for e in entries if e['method'] in ('POST', 'PATCH', 'PUT', 'DELETE') and e['path'] != '/be/v1/login']
