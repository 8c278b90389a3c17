"""Parity of the fast path and the module path, on every supported ansible-core line.

One playbook (parity/parity.yml) runs every module with the same inputs, plus the situations where the
fast path must step aside or must behave like a module: task-level check mode, ``async``, ``become``, a
loop, the task's ``environment``, ``delegate_to: localhost`` from a remote host, a host other than
localhost with a local connection (``strategy: free``, a handler), a host whose Python is not the
controller's, and argument errors (short module name and FQCN). It runs twice against the same emulator
state (a fresh start, the clock standing still): with the fast path on, and with ``ROCKIT_FAST_PATH=false``.
Every task result is compared key by key (after masking values that are new on every run), and so is
the sequence of requests the emulator saw.

ansible-core 2.19 runs from the project's virtualenv; 2.20 and 2.21 from virtualenvs built once per
machine (tests/tools/ansible_lines.py), skipped with the reason when their Python is not installed.
"""
import os
import re
import stat
import sys

import pytest

from ansible_lines import LINES, Unavailable, bin_dir, core_version  # pylint: disable=import-error
from emulator_defaults import ADMIN  # pylint: disable=import-error
from parity import compare_runs, report, request_log  # pylint: disable=import-error

pytestmark = pytest.mark.integration

HERE = os.path.dirname(os.path.abspath(__file__))
PLAYBOOK = os.path.join(HERE, 'parity', 'parity.yml')
ROOT = os.path.dirname(os.path.dirname(HERE))
START = '2026-03-02T10:00:00Z'
ADMIN_TOKEN = 'parity-admin-token'   # the installation's admin token, for rockit_org and rockit_edge_info
# The tasks that must take the module path even when the fast path is on, and why (-vvv says it).
MODULE_PATH_TASKS = {'async': 'async', 'become': 'become',
                     'local host, another interpreter': "the host's Python interpreter"}
PATH_LINE = re.compile(r'rockitplay\.edge: (\S+) \(task "(.*)"\) (runs on the fast path|runs as a module: (.*))$')


@pytest.fixture(scope='module')
def parity_edge(emulator_factory):
    """An emulator whose clock stands still at a fixed time: two runs from a reset see the same times."""
    return emulator_factory('--fixtures', 'docs', '--start-time', START, '--clock-speed', '0', '--step-seconds', '2',
                            '--admin-api-key', ADMIN['api_key'], '--admin-token', ADMIN_TOKEN, '--quiet')


def _inventory(directory, bin_path):
    python = os.path.join(bin_path, 'python')
    other = os.path.join(directory, 'other-python')
    with open(other, 'w') as handle:
        # another interpreter (a path that is not the controller's): it records each start, then runs Python
        handle.write('#!/bin/sh\necho "$$" >> "%s"\nexec "%s" "$@"\n' % (other + '.log', python))
    os.chmod(other, stat.S_IRWXU)
    path = os.path.join(directory, 'inventory.ini')
    with open(path, 'w') as handle:
        handle.write('localhost ansible_connection=local ansible_python_interpreter=%s\n' % python)
        handle.write('local_ctl ansible_connection=local ansible_python_interpreter=%s\n' % python)
        handle.write('remote_box ansible_host=192.0.2.10 ansible_connection=ssh ansible_user=nobody '
                     'ansible_python_interpreter=/usr/bin/python3\n')
    return path, other


def _run(playbook, edge, bin_path, directory, fast_path):
    edge.reset()
    out_dir = os.path.join(directory, 'out')
    os.makedirs(out_dir)
    inventory, other = _inventory(directory, bin_path)
    extra = {'out_dir': out_dir, 'parity_become': os.geteuid() == 0, 'parity_other_python': other,
             'parity_admin_token': ADMIN_TOKEN}
    run = playbook(PLAYBOOK, edge, extra_vars=extra, fast_path=fast_path, inventory=inventory, bin_dir=bin_path,
                   verbosity=3 if fast_path else 0)
    failed = [(r['task'], r['result'].get('msg')) for r in run.results if r['status'] == 'failed' and not r['task'].startswith(
        ('error ', 'validate refuses'))]
    assert run.rc == 0 and not failed, (failed, run)
    with open(other + '.log') as handle:
        starts = len(handle.read().split())
    return run, edge.requests(), starts


def _paths_taken(run):
    """{task name: 'fast' or the reason it ran as a module} from the -vvv lines."""
    taken = {}
    for line in run.stdout.splitlines():
        match = PATH_LINE.search(line)
        if match:
            taken.setdefault(match.group(2), 'fast' if match.group(4) is None else match.group(4))
    return taken


@pytest.mark.slow
@pytest.mark.parametrize('line', sorted(LINES))
def test_fast_path_and_module_path_give_the_same_results(playbook, parity_edge, tmp_path, line, record_property):
    try:
        bin_path = bin_dir(line)
    except Unavailable as exc:
        pytest.skip('ansible-core %s not tested: %s' % (line, exc))
    version = core_version(bin_path)
    assert version.startswith(line + '.'), version
    record_property('ansible_core', version)

    fast, fast_log, fast_starts = _run(playbook, parity_edge, bin_path, str(tmp_path / 'fast'), True)
    module, module_log, module_starts = _run(playbook, parity_edge, bin_path, str(tmp_path / 'module'), False)

    replacements = ((str(tmp_path / 'fast'), '<run>'), (str(tmp_path / 'module'), '<run>'))
    found = compare_runs(fast.results, module.results, replacements)
    assert not found, 'ansible-core %s: the paths differ\n%s' % (version, report(found))
    # the same requests; their order within a task varies, as objects are applied side by side
    assert sorted(request_log(fast_log, replacements)) == sorted(request_log(module_log, replacements))

    # the fast run took the fast path, except where it must step aside
    taken = _paths_taken(fast)
    for task, reason in MODULE_PATH_TASKS.items():
        if task == 'become' and os.geteuid() != 0:
            continue
        assert reason in taken.get(task, ''), (task, taken.get(task))
    fast_tasks = [t for t, how in taken.items() if how == 'fast']
    assert 'role create' in fast_tasks and 'delegated create' in fast_tasks and 'local host create' in fast_tasks, taken
    assert 'local handler' in fast_tasks and 'apply roles' in fast_tasks, taken
    assert len(fast_tasks) >= 35, taken
    # the host with another Python ran its module with that Python on both paths
    assert fast_starts >= 1 and module_starts >= 1

    # what the run must have done (the same on both paths, checked once)
    by_name = dict((r['task'], r) for r in fast.results)
    assert by_name['role create']['result']['changed'] is True and by_name['role again']['result']['changed'] is False
    if 'invocation' in by_name['task environment']['result']:  # not on 2.21 (INJECT_INVOCATION is off by default)
        assert by_name['task environment']['result']['invocation']['module_args']['request_timeout'] == 17
    assert by_name['error short module name']['result']['msg'].startswith('Unsupported parameters for (rockit_role) module')
    assert by_name['error unsupported option']['result']['msg'].startswith(
        'Unsupported parameters for (rockitplay.edge.rockit_role) module')
    assert "<class 'dict'> cannot be converted to a list" in by_name['error wrong type']['result']['msg']
    assert by_name['local handler']['result']['changed'] is True
    assert [r['status'] for r in fast.results if r['task'] == 'tasks of the build'] == ['ok']
    become = by_name.get('become')
    if os.geteuid() == 0:
        assert become['status'] == 'ok' and become['result']['changed'] is True
    record_property('parity_tasks', len(fast.results))
    record_property('parity_requests', len(fast_log))


@pytest.mark.smoke
def test_the_parity_playbook_covers_every_module():
    with open(PLAYBOOK) as handle:
        text = handle.read()
    modules = sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, 'plugins', 'modules')) if name.endswith('.py'))
    missing = [m for m in modules if 'rockitplay.edge.%s:' % m not in text]
    assert not missing, 'add a task for each module to tests/integration/parity/parity.yml: %s' % missing


@pytest.mark.smoke
def test_every_tested_line_is_declared_and_only_those():
    """meta/runtime.yml requires_ansible declares exactly the lines this suite runs."""
    import yaml  # pylint: disable=import-outside-toplevel
    with open(os.path.join(ROOT, 'meta', 'runtime.yml')) as handle:
        declared = yaml.safe_load(handle)['requires_ansible']
    lines = sorted(LINES, key=lambda v: tuple(int(p) for p in v.split('.')))
    low = lines[0]
    major, minor = lines[-1].split('.')
    assert declared == '>=%s.0,<%s.%d.0' % (low, major, int(minor) + 1), declared
    assert sys.version_info[:2] >= (3, 11)
