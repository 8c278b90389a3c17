"""ansible-test sanity on a physical copy of the collection, with no ignore file, for every tested ansible-core line."""
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'tools'))

import collection  # noqa: E402  pylint: disable=wrong-import-position

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group('sanity')]  # pylint: disable=no-member


def _sanity(bin_dir, python_version, stage_dir):
    collection.pip_standin()
    target = collection.stage(os.path.join(ROOT, '.build', stage_dir))
    assert not os.path.exists(os.path.join(target, 'tests', 'sanity')), 'no ignore files: tests/sanity must not exist'
    env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get('PATH', ''))
    env.pop('ANSIBLE_COLLECTIONS_PATH', None)
    proc = subprocess.run([os.path.join(bin_dir, 'ansible-test'), 'sanity', '--python', python_version, '--color', 'no'],
                          cwd=target, env=env, capture_output=True, text=True, timeout=1800, check=False)
    assert proc.returncode == 0, proc.stdout[-12000:] + proc.stderr[-6000:]


def test_sanity_baseline():
    """ansible-core 2.19 on Python 3.11 (the baseline)."""
    _sanity(os.path.dirname(sys.executable), '3.11', 'sanity-2.19')


def _python312():
    for candidate in (shutil.which('python3.12'), os.path.expanduser('~/.pyenv/versions/3.12.1/bin/python3.12')):
        if candidate and os.path.exists(candidate):
            try:
                subprocess.run([candidate, '--version'], check=True, capture_output=True)
                return candidate
            except (OSError, subprocess.CalledProcessError):
                continue
    return None


def test_sanity_newest_ansible_core():
    """The newest ansible-core line (2.21 needs Python 3.12); skipped where no Python 3.12 is installed."""
    python = _python312()
    if python is None:
        pytest.skip('no Python 3.12 on this machine: the newest ansible-core line cannot be tested here')
    venv = os.path.join(ROOT, '.venv312')
    stamp = os.path.join(venv, '.installed')
    if not os.path.exists(stamp):
        subprocess.run([python, '-m', 'venv', venv], check=True)
        subprocess.run([os.path.join(venv, 'bin', 'python'), '-m', 'pip', 'install', '-q', 'ansible-core>=2.21,<2.22', 'requests'],
                       check=True)
        open(stamp, 'w').close()
    _sanity(os.path.join(venv, 'bin'), '3.12', 'sanity-2.21')
