"""The ansible-core lines the collection supports (meta/runtime.yml ``requires_ansible``), and a virtualenv for each.

2.19 is the project's own ``.venv`` (Python 3.11). 2.20 and 2.21 need Python 3.12 or newer: their virtualenvs
are built once per machine from a pyenv (or PATH) interpreter, under ``~/.cache/rockitplay-edge-tests/``,
with a lock so that parallel test runs share them, and rebuilt when the requirements change. A line whose
Python is not installed is skipped with the reason (``unavailable``).
"""
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys

# line: (pip requirement, Python versions to try in order)
LINES = {
    '2.19': ('ansible-core>=2.19,<2.20', ('3.11',)),
    '2.20': ('ansible-core>=2.20,<2.21', ('3.12', '3.13')),
    '2.21': ('ansible-core>=2.21,<2.22', ('3.13', '3.12')),
}
EXTRA_REQUIREMENTS = ('requests>=2.31',)
CACHE = os.path.join(os.path.expanduser('~'), '.cache', 'rockitplay-edge-tests')
PYENV = os.path.join(os.environ.get('PYENV_ROOT') or os.path.expanduser('~/.pyenv'), 'versions')


class Unavailable(Exception):
    """This line cannot be tested on this machine (the reason is the message)."""


def find_python(version):
    """A working interpreter of this minor version (pyenv's versions first, then PATH), or None."""
    candidates = []
    if os.path.isdir(PYENV):
        for name in sorted(os.listdir(PYENV), reverse=True):
            if name == version or name.startswith(version + '.'):
                candidates.append(os.path.join(PYENV, name, 'bin', 'python' + version))
    candidates.append(shutil.which('python' + version))
    for candidate in candidates:
        if not candidate or not os.path.exists(candidate):
            continue
        try:
            out = subprocess.run([candidate, '-c', 'import sys, venv; print("%d.%d" % sys.version_info[:2])'],
                                 capture_output=True, text=True, check=True, timeout=60).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            continue  # e.g. a pyenv shim of a version that is not selected
        if out == version:
            return candidate
    return None


def _this_venv_matches(requirement):
    import ansible  # pylint: disable=import-outside-toplevel
    low, high = requirement.split('>=')[1].split(',<')
    version = tuple(int(p) for p in ansible.__version__.split('.')[:2])
    return tuple(int(p) for p in low.split('.')[:2]) <= version < tuple(int(p) for p in high.split('.')[:2])


def bin_dir(line):
    """The bin directory of a virtualenv with this ansible-core line (built when needed); raises Unavailable."""
    requirement, versions = LINES[line]
    if line == '2.19' and _this_venv_matches(requirement):
        return os.path.dirname(sys.executable)
    for version in versions:
        python = find_python(version)
        if python:
            break
    else:
        raise Unavailable('ansible-core %s needs Python %s, which is not installed here (looked in %s and on PATH)'
                          % (line, ' or '.join(versions), PYENV))
    wanted = '\n'.join((requirement,) + EXTRA_REQUIREMENTS + (python,))
    digest = hashlib.sha256(wanted.encode('utf-8')).hexdigest()[:10]
    venv = os.path.join(CACHE, 'venv-%s-py%s-%s' % (line, version, digest))
    stamp = os.path.join(venv, '.installed')
    if os.path.exists(stamp):
        return os.path.join(venv, 'bin')
    os.makedirs(CACHE, exist_ok=True)
    with open(os.path.join(CACHE, '.lock'), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not os.path.exists(stamp):
                shutil.rmtree(venv, ignore_errors=True)
                subprocess.run([python, '-m', 'venv', venv], check=True, capture_output=True, timeout=600)
                proc = subprocess.run([os.path.join(venv, 'bin', 'python'), '-m', 'pip', 'install', '-q', '--disable-pip-version-check',
                                       requirement] + list(EXTRA_REQUIREMENTS), capture_output=True, text=True, timeout=1200, check=False)
                if proc.returncode != 0:
                    shutil.rmtree(venv, ignore_errors=True)
                    raise Unavailable('cannot install %s for Python %s: %s' % (requirement, version, proc.stderr[-2000:]))
                with open(stamp, 'w') as handle:
                    handle.write(wanted + '\n')
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return os.path.join(venv, 'bin')


def core_version(bin_path):
    """The ansible-core version of the virtualenv with this bin directory."""
    return subprocess.run([os.path.join(bin_path, 'python'), '-c', 'import ansible; print(ansible.__version__)'],
                          capture_output=True, text=True, check=True, timeout=120).stdout.strip()
