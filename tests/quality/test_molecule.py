"""molecule test -s bootstrap: the bootstrap role against a local Edge emulator, without containers.

The scenario (extensions/molecule/bootstrap) starts the emulator, converges an organisation of every
kind, checks idempotence, prunes (check mode first), verifies through the _info modules and stops the
emulator. molecule's exit code is the verdict. The scenario uses this tree through
ANSIBLE_COLLECTIONS_PATH and must not leave a copy of the collection in ~/.ansible/collections.
"""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
USER_COPY = os.path.join(os.path.expanduser('~'), '.ansible', 'collections', 'ansible_collections', 'rockitplay', 'edge')

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group('molecule')]


def test_molecule_bootstrap_scenario():
    copy_before = os.path.exists(USER_COPY)
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(('ROCKIT_', 'ANSIBLE_', 'MOLECULE_')))
    env.update(PATH=BIN + os.pathsep + os.environ.get('PATH', ''), NO_COLOR='1', ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0')
    proc = subprocess.run([os.path.join(BIN, 'molecule'), 'test', '-s', 'bootstrap'], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=1200, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-12000:]
    if not copy_before:
        assert not os.path.exists(USER_COPY), 'molecule installed a copy of the collection into ~/.ansible/collections'
