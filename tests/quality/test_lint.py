"""ansible-lint --profile production on the roles and playbooks, on every module's EXAMPLES and on the guides' examples."""
import ast
import os
import subprocess
import sys
import tempfile

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'tools'))

from doc_examples import guide_examples  # noqa: E402  pylint: disable=wrong-import-position,import-error

BIN = os.path.dirname(sys.executable)
COLLECTIONS = os.path.join(ROOT, '.build', 'collections')

pytestmark = pytest.mark.slow


def _lint(args, cwd):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false',
               PATH=BIN + os.pathsep + os.environ.get('PATH', ''), NO_COLOR='1')
    proc = subprocess.run([os.path.join(BIN, 'ansible-lint'), '--offline', '--profile', 'production', '--nocolor'] + args,
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-8000:] + proc.stderr[-8000:]


def test_lint_project():
    _lint([], ROOT)


def _examples():
    folder = os.path.join(ROOT, 'plugins', 'modules')
    for name in sorted(os.listdir(folder)):
        if not name.endswith('.py'):
            continue
        with open(os.path.join(folder, name)) as handle:
            tree = ast.parse(handle.read())
        for node in tree.body:
            if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) == 'EXAMPLES':
                yield name[:-3], node.value.value


def _as_play(name, text):
    """A task list as one play (indented under tasks:), or a play list as it is."""
    data = yaml.safe_load(text)
    assert isinstance(data, list) and data and isinstance(data[0], dict), '%s: not a play or a task list' % name
    if 'hosts' in data[0]:
        return text.strip('\n').replace('---\n', '') + '\n'
    body = '\n'.join(('    ' + line) if line.strip() else '' for line in text.strip('\n').splitlines())
    return '- name: %s\n  hosts: localhost\n  gather_facts: false\n  tasks:\n%s\n' % (name, body)


def test_lint_module_and_guide_examples():
    """Every module's EXAMPLES and every YAML example of the guides pass ansible-lint --profile production.

    One play per example, in two playbook files (one per source): one ansible-lint run, two syntax checks."""
    examples = list(_examples())
    guides = list(guide_examples())
    assert examples and len(guides) >= 8, guides
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for file_name, plays in (
                ('module_examples.yml', [_as_play('Examples of rockitplay.edge.%s' % module, text) for module, text in examples]),
                ('guide_examples.yml', [_as_play('Example %d of the %s guide' % (number, guide), text) for guide, number, text in guides])):
            path = os.path.join(tmp, file_name)
            with open(path, 'w') as handle:
                handle.write('---\n' + ''.join(plays))
            files.append(path)
        with open(os.path.join(tmp, '.ansible-lint'), 'w') as handle:
            handle.write('---\nprofile: production\n')
        _lint(files, tmp)
