"""ansible-lint --profile production on the roles and playbooks, and on every module's EXAMPLES."""
import ast
import os
import subprocess
import sys
import tempfile

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
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


def test_lint_module_examples():
    examples = list(_examples())
    assert examples
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for module, text in examples:
            tasks = yaml.safe_load(text)
            assert isinstance(tasks, list) and tasks, '%s: EXAMPLES must be a list of tasks' % module
            body = '\n'.join(('    ' + line) if line.strip() else '' for line in text.strip('\n').splitlines())
            path = os.path.join(tmp, '%s.yml' % module)
            with open(path, 'w') as handle:
                handle.write('---\n- name: Examples of rockitplay.edge.%s\n  hosts: localhost\n  gather_facts: false\n  tasks:\n%s\n'
                             % (module, body))
            files.append(path)
        with open(os.path.join(tmp, '.ansible-lint'), 'w') as handle:
            handle.write('---\nprofile: production\n')
        _lint(files, tmp)
