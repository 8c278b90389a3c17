"""Playbooks built from task lists, and the emulator's request log cut into the steps of one playbook run.

A step starts with ``mark_task(name)``: the helper action ``rel_emulator`` (tests/tools/action_plugins,
on ``ANSIBLE_ACTION_PLUGINS`` for every playbook the tests run) sends ``GET /be/v1/_mark/<name>``, which
the emulator logs, and can also inject faults and move the emulator's clock. ``split_log`` then gives
the requests of each step, so many steps (create, again, check mode, update, delete, ...) run in one
``ansible-playbook`` run and are still asserted one by one.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ACTION_DIR = os.path.join(HERE, 'action_plugins')
MARK_PREFIX = '/be/v1/_mark/'
WRITE_METHODS = ('POST', 'PATCH', 'PUT', 'DELETE')


def playbook_text(tasks, hosts='localhost', variables=None, **play):
    """A one-play playbook as text (JSON is YAML), for the ``playbook`` fixture."""
    body = {'hosts': hosts, 'gather_facts': False}
    body.update(play)
    body['tasks'] = tasks
    if variables:
        body['vars'] = variables
    return json.dumps([body], indent=1)


def mark_task(case, faults=(), sleep=None, advance=None, speed=None):
    """The helper task that marks the start of a step in the request log (and injects faults, moves the clock)."""
    args = {'mark': case}
    if faults:
        args['faults'] = list(faults)
    if advance:
        args['advance'] = advance
    if speed is not None:
        args['speed'] = speed
    if sleep:
        args['sleep'] = sleep
    return {'name': 'mark %s' % case, 'rel_emulator': args}


def step(case, task, **mark):
    """A marker and one task (named after the step): ``[mark_task(case), dict(task, name=case)]``."""
    return [mark_task(case, **mark), dict(task, name=case)]


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
    """The write requests (logins left out: they change nothing)."""
    return [e for e in entries if e['method'] in WRITE_METHODS and e['path'] != '/be/v1/login']


def write_calls(entries):
    """(method, path) of each write request."""
    return [(e['method'], e['path']) for e in writes(entries)]
