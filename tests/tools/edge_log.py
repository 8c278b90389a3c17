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
    """The write requests (logins and logouts left out: they change nothing managed)."""
    return [e for e in entries if e['method'] in WRITE_METHODS and e['path'] not in ('/be/v1/login', '/be/v1/logout', '/be/v1/refresh')]


def write_calls(entries):
    """(method, path) of each write request."""
    return [(e['method'], e['path']) for e in writes(entries)]


class Steps(object):
    """The outcome of ``run_steps``: each step's task result and requests."""

    def __init__(self, run, log):
        self.run = run
        self.log = split_log(log)

    def result(self, name):
        return self.run.result(name)

    def requests(self, name):
        return self.log.get(name, [])

    def writes(self, name):
        """(method, path) of the step's write requests (logins and logouts left out)."""
        return write_calls(self.requests(name))

    def shown(self, name):
        """What the step's ``show`` task printed (see ``run_steps``)."""
        return self.run.result('show %s' % name)['msg']


def run_steps(playbook, edge, task, steps, show=None, expect_ok=True, **kwargs):
    """Run many steps of one module task in one playbook run.

    ``task``: the module task (a dict, usually with options templated from variables, ``default(omit)``);
    ``steps``: [(name, {variables}, check_mode[, [tasks to run after it]])]: each step runs ``task`` with these
    task variables, in check mode or not, with diff on, after a marker. ``show``: a ``msg`` for a debug task
    after each step (the step's result is registered as ``step_result``). Returns :class:`Steps`.
    """
    tasks = []
    for entry in steps:
        name, variables, check = entry[:3]
        tasks.append(mark_task(name))
        step_task = dict(task, name=name, vars=dict(variables), diff=True)
        if check:
            step_task['check_mode'] = True
        if show is not None:
            step_task['register'] = 'step_result'
        tasks.append(step_task)
        if show is not None:
            tasks.append({'name': 'show %s' % name, 'ansible.builtin.debug': {'msg': show}})
        tasks.extend(entry[3] if len(entry) > 3 else ())
    edge.clear()
    run = playbook(playbook_text(tasks), edge, **kwargs)
    if expect_ok:
        assert run.rc == 0, run
    return Steps(run, edge.requests())


def assert_refused_before_any_request(playbook, edge, task, cases, **kwargs):
    """Each (variables, fragment) case fails with a message holding the fragment; nothing reaches the Edge.

    All cases run in one playbook (each a step of ``task`` with ``ignore_errors``)."""
    steps = [('case %d' % number, variables, False) for number, (variables, _fragment) in enumerate(cases)]
    run = run_steps(playbook, edge, dict(task, ignore_errors=True), steps, **kwargs)
    for (name, _variables, _check), (_v, fragment) in zip(steps, cases):
        assert run.run.status(name) == 'failed', (name, run.result(name))
        assert fragment in run.result(name)['msg'], (name, fragment, run.result(name)['msg'])
        assert run.requests(name) == [], (name, run.requests(name))
    return run
