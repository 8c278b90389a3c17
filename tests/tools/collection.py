"""Arrange the collection paths that Ansible and ansible-test need, from the repository root.

- ``link``: ``.build/collections/ansible_collections/rockitplay/edge`` -> the repository (for playbooks,
  ansible-doc and the unit tests; always current).
- ``stage DEST``: a physical copy of the files git knows (tracked, and untracked but not ignored) at
  ``DEST/ansible_collections/rockitplay/edge``, for ansible-test, which refuses symlinked paths.
- ``pip-standin``: put the offline get-pip stand-in where ansible-test looks for its bootstrap script.
"""
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS = os.path.join(ROOT, '.build', 'collections')
GET_PIP_VERSIONS = ('24_2', '25_0', '25_1', '25_2', '25_3')


def link():
    parent = os.path.join(COLLECTIONS, 'ansible_collections', 'rockitplay')
    os.makedirs(parent, exist_ok=True)
    target = os.path.join(parent, 'edge')
    if os.path.islink(target) and os.readlink(target) == os.path.join('..', '..', '..', '..'):
        return COLLECTIONS
    if os.path.lexists(target):
        os.unlink(target)
    os.symlink(os.path.join('..', '..', '..', '..'), target)
    return COLLECTIONS


def project_files():
    out = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=ROOT,
                         check=True, capture_output=True).stdout.decode('utf-8')
    return sorted(f for f in out.split('\0') if f and os.path.isfile(os.path.join(ROOT, f)))


def stage(dest):
    """Copy the project into DEST/ansible_collections/rockitplay/edge; return that path."""
    target = os.path.join(os.path.abspath(dest), 'ansible_collections', 'rockitplay', 'edge')
    keep = set(project_files())
    output = os.path.join('tests', 'output')
    for dirpath, _dirs, files in os.walk(target):
        rel_dir = os.path.normpath(os.path.relpath(dirpath, target))
        if rel_dir == output or rel_dir.startswith(output + os.sep) or rel_dir.split(os.sep)[0] == '.git':
            continue
        for name in files:
            if os.path.normpath(os.path.join(rel_dir, name)) not in keep:
                os.unlink(os.path.join(dirpath, name))
    for rel in keep:
        src, dst = os.path.join(ROOT, rel), os.path.join(target, rel)
        if os.path.isfile(dst) and os.path.getmtime(dst) >= os.path.getmtime(src) and os.path.getsize(dst) == os.path.getsize(src):
            continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
    if not os.path.isdir(os.path.join(target, '.git')):
        # Inside the project's work tree (where .build/ is ignored) ansible-test would ask the project's git
        # for its files and find none: a repository of its own makes the copy's files the ones tested.
        subprocess.run(['git', 'init', '-q', target], check=True)
    return target


def pip_standin():
    cache = os.path.join(os.path.expanduser('~'), '.ansible', 'test', 'cache')
    os.makedirs(cache, exist_ok=True)
    src = os.path.join(ROOT, 'tests', 'tools', 'get_pip_standin.py')
    with open(src, 'rb') as handle:
        content = handle.read()
    for version in GET_PIP_VERSIONS:
        dest = os.path.join(cache, 'get_pip_%s.py' % version)
        if os.path.exists(dest):
            with open(dest, 'rb') as handle:
                if handle.read() == content:
                    continue
        # written aside and renamed: a test run beside this one never reads a half-written script
        tmp = '%s.%d.tmp' % (dest, os.getpid())
        with open(tmp, 'wb') as handle:
            handle.write(content)
        os.replace(tmp, dest)
    return cache


if __name__ == '__main__':
    command = sys.argv[1] if len(sys.argv) > 1 else 'link'
    if command == 'link':
        print(link())
    elif command == 'stage':
        print(stage(sys.argv[2]))
    elif command == 'pip-standin':
        print(pip_standin())
    else:
        sys.exit('usage: collection.py link | stage DEST | pip-standin')
