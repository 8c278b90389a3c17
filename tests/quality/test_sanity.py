"""ansible-test on a physical copy of the collection: sanity (no ignore file) and units.

- Sanity with ansible-core 2.19 runs the version-specific tests (compile, import) on every target Python the
  modules claim (3.8 to 3.13, the ansible-core 2.19 target range on this machine's pyenv); the others run
  on the controller's Python. A missing interpreter is reported as a skipped test, with the reason.
- Sanity with the newest ansible-core line (2.21, Python 3.12 or newer), on its own virtualenv
  (tests/tools/ansible_lines.py); skipped with the reason where that Python is not installed.
- ``ansible-test units`` on the staged copy: the unit tests also run the way ansible-test runs them.
"""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'tools'))

import ansible_lines  # noqa: E402  pylint: disable=wrong-import-position,import-error
import collection  # noqa: E402  pylint: disable=wrong-import-position,import-error

pytestmark = [pytest.mark.slow]  # pylint: disable=no-member

# The target Pythons of the modules (ansible-core 2.19 supports 3.8 to 3.14 on targets; 3.14 is not on this machine kind).
TARGET_PYTHONS = ('3.8', '3.9', '3.10', '3.11', '3.12', '3.13')


def _pythons_dir():
    """A directory with python3.X -> a real interpreter for each target Python present (pyenv shims fail: see tooling)."""
    bin_dir = os.path.join(ROOT, '.build', 'pythons')
    os.makedirs(bin_dir, exist_ok=True)
    found = []
    for version in TARGET_PYTHONS:
        link = os.path.join(bin_dir, 'python' + version)
        python = ansible_lines.find_python(version)
        if python and os.path.realpath(link) != os.path.realpath(python):
            if os.path.lexists(link):
                os.unlink(link)
            os.symlink(python, link)
        elif not python and os.path.lexists(link):
            os.unlink(link)
        if python:
            found.append(version)
    return bin_dir, found


def _ansible_test(bin_dir, args, stage_dir, extra_path=()):
    collection.pip_standin()
    target = collection.stage(os.path.join(ROOT, '.build', stage_dir))
    assert not os.path.exists(os.path.join(target, 'tests', 'sanity')), 'no ignore files: tests/sanity must not exist'
    env = dict(os.environ, PATH=os.pathsep.join(list(extra_path) + [bin_dir, os.environ.get('PATH', '')]))
    env.pop('ANSIBLE_COLLECTIONS_PATH', None)
    proc = subprocess.run([os.path.join(bin_dir, 'ansible-test')] + args + ['--color', 'no'],
                          cwd=target, env=env, capture_output=True, text=True, timeout=1800, check=False)
    errors = [line for line in (proc.stdout + proc.stderr).splitlines() if line.startswith(('ERROR', 'FATAL'))]
    assert proc.returncode == 0, '\n'.join(errors[:60]) + '\n--- end of output\n' + proc.stdout[-6000:] + proc.stderr[-3000:]
    return proc


@pytest.mark.parametrize('version', TARGET_PYTHONS)
def test_target_python_is_present(version):
    """One line per target Python: sanity checks the modules on it, or this says why not."""
    if ansible_lines.find_python(version) is None:
        pytest.skip('Python %s is not installed here: the sanity tests do not check the modules on it' % version)


@pytest.mark.xdist_group('sanity')
def test_sanity_baseline():
    """ansible-core 2.19 on Python 3.11 (the controller), the modules on every target Python present."""
    pythons, found = _pythons_dir()
    proc = _ansible_test(os.path.dirname(sys.executable), ['sanity', '-v'], 'sanity-2.19', extra_path=[pythons])
    output = proc.stdout + proc.stderr
    for version in found:
        # the version-specific tests ran on each interpreter found
        for test in ('compile', 'import'):
            assert 'Running sanity test "%s" on Python %s' % (test, version) in output, (test, version, output[-3000:])


@pytest.mark.xdist_group('sanity-newest')
def test_sanity_newest_ansible_core():
    """The newest ansible-core line on its own Python; skipped where no Python for it is installed."""
    try:
        bin_dir = ansible_lines.bin_dir('2.21')
    except ansible_lines.Unavailable as exc:
        pytest.skip(str(exc))
    version = subprocess.run([os.path.join(bin_dir, 'python'), '-c', 'import sys; print("%d.%d" % sys.version_info[:2])'],
                             capture_output=True, text=True, check=True).stdout.strip()
    _ansible_test(bin_dir, ['sanity', '--python', version], 'sanity-2.21')


@pytest.mark.xdist_group('units')
def test_ansible_test_units():
    """The unit tests under ansible-test units (its own pytest configuration, test contexts and collection loader)."""
    proc = _ansible_test(os.path.dirname(sys.executable), ['units', '--python', '%d.%d' % sys.version_info[:2], '--local',
                                                           '--num-workers', '1'], 'units-2.19')
    assert 'passed' in proc.stdout and ' failed' not in proc.stdout, proc.stdout[-3000:]
