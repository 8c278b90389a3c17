"""Shared pytest fixtures: the Edge emulator as a real process, and a runner for real playbooks.

Integration tests start ``tests/emulator/edge_emulator.py`` on 127.0.0.1 (a free port), run
``ansible-playbook`` against it with the collection from this tree, and assert on what the
emulator saw (its request log), not only on what the modules say.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time

import pytest
import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'tools'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'emulator'))

import collection as _collection  # noqa: E402  pylint: disable=wrong-import-position
from emulator_defaults import ADMIN  # noqa: E402  pylint: disable=wrong-import-position

COLLECTIONS = _collection.link()
if COLLECTIONS not in sys.path:
    sys.path.insert(0, COLLECTIONS)

EMULATOR = os.path.join(ROOT, 'tests', 'emulator', 'edge_emulator.py')
BIN = os.path.dirname(sys.executable)
WRITE_METHODS = ('POST', 'PATCH', 'PUT', 'DELETE')
RECORD_CALLBACK_DIR = os.path.join(ROOT, 'tests', 'integration', 'callback_plugins')
TEST_ACTION_DIR = os.path.join(ROOT, 'tests', 'tools', 'action_plugins')


class Emulator(object):
    """A running emulator process and its test-control API."""

    def __init__(self, *args, env=None):
        # a fresh Edge organisation has no API key: the tests that use the administrator's key say so explicitly
        self.args = ['--admin-api-key', ADMIN['api_key']] + list(args)
        self.proc = subprocess.Popen([sys.executable, EMULATOR, '--host', '127.0.0.1', '--port', '0'] + self.args,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        line = self.proc.stdout.readline().strip()
        if not line.startswith('listening on '):
            self.proc.kill()
            raise RuntimeError('emulator did not start: %r %s' % (line, self.proc.stderr.read()))
        self.url = line.split('listening on ', 1)[1]
        self.http = requests.Session()
        self.http.headers['Accept'] = 'application/json'
        self.http.verify = False
        self.http.trust_env = False  # REQUESTS_CA_BUNDLE would override verify=False

    # -- control API
    def control(self, method, path, body=None):
        response = self.http.request(method, self.url + '/_emulator/' + path, json=body, timeout=30)
        response.raise_for_status()
        return response.json() if response.content else {}

    def reset(self):
        return self.control('POST', 'reset')

    def requests(self):
        return self.control('GET', 'requests')['requests']

    def writes(self):
        return [r for r in self.requests() if r['method'] in WRITE_METHODS]

    def clear(self):
        self.control('DELETE', 'requests')

    def fault(self, **spec):
        return self.control('POST', 'faults', spec)

    def clear_faults(self):
        self.control('DELETE', 'faults')

    def advance(self, seconds):
        return self.control('POST', 'clock', {'advance': seconds})

    def speed(self, factor):
        return self.control('POST', 'clock', {'speed': factor})

    # -- the API itself, as the admin
    def api(self, method, path, body=None, params=None, org=None, user=None, api_key=None, expect=None):
        headers = {'x-rockit-orgname': org or ADMIN['org'], 'x-rockit-username': user or ADMIN['user'],
                   'x-rockit-api-key': api_key or ADMIN['api_key']}
        response = self.http.request(method, self.url + path, json=body, params=params, headers=headers, timeout=30)
        if expect is not None:
            assert response.status_code == expect, (response.status_code, response.text)
        return response

    def env(self, **extra):
        """Environment variables that point the collection at this emulator as the admin machine user."""
        env = {'ROCKIT_EDGE_URL': self.url, 'ROCKIT_ORGNAME': ADMIN['org'], 'ROCKIT_USERNAME': ADMIN['user'],
               'ROCKIT_API_KEY': ADMIN['api_key']}
        env.update(extra)
        return env

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture(scope='session')
def emulator_factory():
    started = []

    def start(*args, env=None):
        emu = Emulator(*args, env=env)
        started.append(emu)
        return emu

    yield start
    for emu in started:
        emu.stop()


@pytest.fixture(scope='session')
def _shared_emulator(emulator_factory):
    return emulator_factory('--step-seconds', '2')


@pytest.fixture
def edge(_shared_emulator):
    """The shared emulator, reset to its start state (empty request log, no faults) for this test."""
    _shared_emulator.reset()
    return _shared_emulator


class PlaybookRun(object):
    """The outcome of one ansible-playbook run: return code, output and every task result."""

    def __init__(self, proc, results):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.results = results

    def result(self, name):
        """The result of the task with this name (the last one if it ran several times)."""
        found = [r for r in self.results if r['task'] == name]
        assert found, 'no task named %r; tasks: %s' % (name, [r['task'] for r in self.results])
        return found[-1]['result']

    def status(self, name):
        found = [r for r in self.results if r['task'] == name]
        assert found, 'no task named %r' % name
        return found[-1]['status']

    def __repr__(self):
        return 'PlaybookRun(rc=%s)\n--- stdout\n%s\n--- stderr\n%s' % (self.rc, self.stdout[-6000:], self.stderr[-3000:])


def run_playbook(playbook, emulator=None, env=None, extra_vars=None, check=False, diff=False, verbosity=0,
                 fast_path=True, args=(), timeout=600, inventory=None, bin_dir=None):
    """Run a playbook (a path, or YAML text) against the emulator; return a :class:`PlaybookRun`.

    Every task result is recorded by the test callback ``record`` (as the display would see it). The helper
    action ``rel_emulator`` (tests/tools/action_plugins) is available. ``bin_dir``: the bin directory of
    another virtualenv (another ansible-core line, tests/tools/ansible_lines.py) to run ansible-playbook from.
    """
    bin_dir = bin_dir or BIN
    tmp = tempfile.mkdtemp(prefix='rockit-play-')
    try:
        if '\n' in playbook:
            path = os.path.join(tmp, 'play.yml')
            with open(path, 'w') as handle:
                handle.write(textwrap.dedent(playbook))
        else:
            path = playbook
        if inventory is None:
            inventory = os.path.join(tmp, 'inventory.ini')
            with open(inventory, 'w') as handle:
                handle.write('localhost ansible_connection=local ansible_python_interpreter=%s\n' % os.path.join(bin_dir, 'python'))
        record = os.path.join(tmp, 'results.jsonl')
        run_env = dict(os.environ)
        for key in list(run_env):
            if key.startswith('ROCKIT_'):
                del run_env[key]
        run_env.update({
            'ANSIBLE_COLLECTIONS_PATH': COLLECTIONS,
            'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'false',
            'ANSIBLE_CALLBACK_PLUGINS': RECORD_CALLBACK_DIR,
            'ANSIBLE_CALLBACKS_ENABLED': 'record',
            'ANSIBLE_ACTION_PLUGINS': TEST_ACTION_DIR,
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_FORCE_COLOR': '0',
            'ANSIBLE_HOST_KEY_CHECKING': 'false',
            'ANSIBLE_RETRY_FILES_ENABLED': 'false',
            'ANSIBLE_LOCAL_TEMP': os.path.join(tmp, 'local-tmp'),
            'ANSIBLE_REMOTE_TEMP': os.path.join(tmp, 'remote-tmp'),
            'ROCKIT_TEST_RECORD': record,
            'PATH': bin_dir + os.pathsep + run_env.get('PATH', ''),
        })
        if emulator is not None:
            run_env.update(emulator.env())
        if not fast_path:
            run_env['ROCKIT_FAST_PATH'] = 'false'
        run_env.update(env or {})
        cmd = [os.path.join(bin_dir, 'ansible-playbook'), '-i', inventory, path]
        if extra_vars:
            cmd += ['-e', json.dumps(extra_vars)]
        if check:
            cmd.append('--check')
        if diff:
            cmd.append('--diff')
        if verbosity:
            cmd.append('-' + 'v' * verbosity)
        cmd += list(args)
        proc = subprocess.run(cmd, env=run_env, capture_output=True, text=True, timeout=timeout, cwd=tmp, check=False)
        results = []
        if os.path.exists(record):
            with open(record) as handle:
                results = [json.loads(line) for line in handle if line.strip()]
        return PlaybookRun(proc, results)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope='session')
def playbook():
    return run_playbook


def wait_until(predicate, timeout=30.0, interval=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError('condition not met within %ss' % timeout)


# The longest tests, longest first (measured with --durations): they start before everything else.
LONGEST = ('test_sanity.py::test_sanity_baseline', 'test_sanity.py::test_sanity_newest', 'test_parity.py::test_fast_path',
           'test_molecule.py', 'test_secrets.py', 'test_lint.py', 'test_faults.py', 'test_docs.py')


def pytest_collection_modifyitems(items):
    """The slow tests first, the longest of them first: with two workers, a long test that starts last makes the
    whole run wait for it."""
    def rank(item):
        heavy = [i for i, name in enumerate(LONGEST) if name in item.nodeid]
        return heavy[0] if heavy else len(LONGEST) + (0 if item.get_closest_marker('slow') else 1)
    items.sort(key=rank)
