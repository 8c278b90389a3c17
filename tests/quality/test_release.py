"""The release a user installs.

The tarball is built with ``ansible-galaxy collection build``, installed into an empty collection
path, and used from there only (``ANSIBLE_COLLECTIONS_PATH`` names that path alone, so no other copy,
such as molecule's in ~/.ansible/collections, can stand in): every module's documentation renders, and
the demo playbook applies the example organisation to the Edge emulator, then changes nothing on a
second run. The release notes are generated from the changelog fragments in a scratch copy.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
PLAYBOOK = os.path.join(ROOT, 'playbooks', 'bootstrap.yml')

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group('release')]  # pylint: disable=no-member

# Nothing of these may be in the tarball: path parts, path prefixes, name suffixes.
FORBIDDEN_PARTS = ('.git', '.venv', '.venv312', '.build', '__pycache__', '.pytest_cache', '.ansible', '.hypothesis',
                   '.schemathesis', '.tox', 'dist')
FORBIDDEN_PREFIXES = ('tests/output/', 'docs/docsite/build/', 'docs/docsite/temp-rst/', 'tests/integration/inventory',
                      'changelogs/.plugin-cache.yaml', 'collections/')
FORBIDDEN_SUFFIXES = ('.pyc', '.pyo', '.tar.gz', '.retry')


def _galaxy():
    with open(os.path.join(ROOT, 'galaxy.yml')) as handle:
        return yaml.safe_load(handle)


def _modules():
    folder = os.path.join(ROOT, 'plugins', 'modules')
    return sorted(name[:-3] for name in os.listdir(folder) if name.endswith('.py') and not name.startswith('_'))


def _roles():
    folder = os.path.join(ROOT, 'roles')
    if not os.path.isdir(folder):
        return []
    return sorted(name for name in os.listdir(folder) if os.path.isfile(os.path.join(folder, name, 'meta', 'argument_specs.yml')))


def _env(collections, **extra):
    env = dict(os.environ)
    env.update({
        'ANSIBLE_COLLECTIONS_PATH': collections,
        'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'false',
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_FORCE_COLOR': '0',
        'PATH': BIN + os.pathsep + env.get('PATH', ''),
    })
    env.update(extra)
    return env


def _run(cmd, env, cwd=ROOT, timeout=600):
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert proc.returncode == 0, '%s: rc %s\n%s\n%s' % (' '.join(cmd), proc.returncode, proc.stdout[-8000:], proc.stderr[-8000:])
    return proc


class Release(object):
    def __init__(self, tarball, collections):
        self.tarball = tarball
        self.collections = collections
        self.installed = os.path.join(collections, 'ansible_collections', 'rockitplay', 'edge')

    def env(self, **extra):
        return _env(self.collections, **extra)


@pytest.fixture(scope='module')
def release(tmp_path_factory):
    """The tarball built from the working tree, installed into an empty collection path."""
    base = tmp_path_factory.mktemp('release')
    dist, collections = str(base / 'dist'), str(base / 'collections')
    os.makedirs(collections)
    env = _env(collections)
    _run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--force', '--output-path', dist], env)
    galaxy = _galaxy()
    tarball = os.path.join(dist, '%s-%s-%s.tar.gz' % (galaxy['namespace'], galaxy['name'], galaxy['version']))
    assert os.path.isfile(tarball), os.listdir(dist)
    _run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '--offline', '--force', tarball, '-p', collections], env)
    return Release(tarball, collections)


def test_tarball_holds_the_collection_and_nothing_else(release):
    with tarfile.open(release.tarball) as tar:
        names = [member.name[2:] if member.name.startswith('./') else member.name for member in tar.getmembers()]
        manifest = json.load(tar.extractfile('MANIFEST.json'))
    files = set(names)
    bad = [n for n in names if set(n.split('/')) & set(FORBIDDEN_PARTS) or n.startswith(FORBIDDEN_PREFIXES)
           or n.endswith(FORBIDDEN_SUFFIXES)]
    assert bad == [], 'the tarball holds files that do not belong in a release (build_ignore in galaxy.yml): %s' % bad[:20]
    galaxy = _galaxy()
    assert manifest['collection_info']['version'] == galaxy['version']
    expected = ['README.md', 'meta/runtime.yml', 'changelogs/changelog.yaml', 'docs/docsite/extra-docs.yml',
                'docs/docsite/links.yml']
    expected += ['plugins/modules/%s.py' % name for name in _modules()]
    expected += ['plugins/action/%s.py' % name for name in _modules()]
    guides = os.path.join(ROOT, 'docs', 'docsite', 'rst')
    expected += ['docs/docsite/rst/%s' % name for name in sorted(os.listdir(guides)) if name.endswith('.rst')]
    expected += ['roles/%s/meta/argument_specs.yml' % name for name in _roles()]
    missing = [name for name in expected if name not in files]
    assert missing == [], 'the tarball lacks %s (build_ignore in galaxy.yml must not exclude them)' % missing


# Files a working tree may hold that must never ship: planted in a copy of the tree before a build.
PLANTED = ('.env', 'playbooks/.bootstrap.yml.swp', 'plugins/modules/.rockit_app.py.swp', 'plugins/modules/rockit_app.py~',
           'playbooks/secrets/api_keys.yml', 'playbooks/vars/production_keys.yml', '.coverage', 'coverage.xml',
           'htmlcov/index.html', 'tests/output/junit/python3.11-units.xml', 'notes.txt', 'roles/bootstrap/defaults/main.yml.orig',
           'dist/rockitplay-edge-0.9.0.tar.gz', 'docs/docsite/build/html/index.html', 'api_keys.yml')


def test_release_holds_only_the_allowed_files_whatever_the_tree_holds(tmp_path):
    """The release is chosen by an allow-list: files left in a working tree never reach the tarball."""
    copy = tmp_path / 'edge'
    tracked = subprocess.run(['git', 'ls-files', '-z'], cwd=ROOT, check=True, capture_output=True).stdout.decode().split('\0')
    for rel in filter(None, tracked):
        if os.path.isfile(os.path.join(ROOT, rel)):
            os.makedirs(str(copy / os.path.dirname(rel)), exist_ok=True)
            shutil.copy2(os.path.join(ROOT, rel), str(copy / rel))
    for rel in PLANTED:
        os.makedirs(str(copy / os.path.dirname(rel)), exist_ok=True)
        (copy / rel).write_text('secret: planted\n')
    dist = tmp_path / 'dist'
    _run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--force', '--output-path', str(dist)],
         _env(str(tmp_path / 'no-collections')), cwd=str(copy))
    with tarfile.open(str(next(dist.iterdir()))) as tar:
        names = set(member.name[2:] if member.name.startswith('./') else member.name for member in tar.getmembers())
    assert sorted(set(PLANTED) & names) == [], 'files of the working tree reached the release'
    assert not [name for name in names if name.startswith(('htmlcov', 'playbooks/secrets', 'dist/', 'tests/output'))]


def test_every_module_documents_itself_from_the_installed_collection(release):
    modules = _modules()
    env = release.env()
    listed = json.loads(_run([os.path.join(BIN, 'ansible-doc'), '-t', 'module', '-l', 'rockitplay.edge', '--json'], env).stdout)
    assert set('rockitplay.edge.%s' % name for name in modules) <= set(listed), sorted(listed)
    fqcns = ['rockitplay.edge.%s' % name for name in modules]
    docs = json.loads(_run([os.path.join(BIN, 'ansible-doc'), '-t', 'module', '--json'] + fqcns, env).stdout)
    problems = []
    for fqcn in fqcns:
        entry = docs.get(fqcn) or {}
        doc = entry.get('doc') or {}
        if not doc.get('filename', '').startswith(release.installed + os.sep):
            problems.append('%s: documented from %r, not from the installed collection' % (fqcn, doc.get('filename')))
        for key in ('short_description', 'description', 'author', 'options'):
            if not doc.get(key):
                problems.append('%s: no %s' % (fqcn, key))
        if str(doc.get('version_added')) != _galaxy()['version']:
            problems.append('%s: version_added is %r; the first release is %s' % (fqcn, doc.get('version_added'), _galaxy()['version']))
        if not (entry.get('examples') or '').strip():
            problems.append('%s: no EXAMPLES' % fqcn)
        if not entry.get('return'):
            problems.append('%s: no RETURN' % fqcn)
    assert problems == []
    text = _run([os.path.join(BIN, 'ansible-doc'), '-t', 'module'] + fqcns, env).stdout
    for fqcn in fqcns:
        assert re.search(r'> MODULE %s \(%s' % (re.escape(fqcn), re.escape(release.installed)), text), fqcn
    for role in _roles():
        _run([os.path.join(BIN, 'ansible-doc'), '-t', 'role', 'rockitplay.edge.%s' % role], env)


@pytest.mark.integration
def test_demo_playbook_with_the_installed_collection(release, playbook, emulator_factory):
    found = json.loads(_run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'list', 'rockitplay.edge', '--format', 'json'],
                            release.env()).stdout)
    assert list(found) == [os.path.join(release.collections, 'ansible_collections')], found
    emu = emulator_factory('--fixtures', 'docs')
    env = {'ANSIBLE_COLLECTIONS_PATH': release.collections}
    first = playbook(PLAYBOOK, emu, env=env)
    assert first.rc == 0, first
    assert any(r['result'].get('changed') for r in first.results), first
    emu.clear()
    second = playbook(PLAYBOOK, emu, env=env)
    assert second.rc == 0, second
    assert [r['task'] for r in second.results if r['result'].get('changed')] == [], second
    assert emu.writes() == [], 'the second run wrote to the Edge'
    assert re.search(r'localhost\s+: ok=\d+\s+changed=0\s+unreachable=0\s+failed=0', second.stdout), second.stdout[-3000:]


def test_release_notes_generate_from_the_fragments(tmp_path):
    """antsibull-changelog release in a scratch copy: the fragments and every new module make the release notes."""
    copy = tmp_path / 'edge'
    copy.mkdir()
    for rel in ('galaxy.yml', 'README.md'):
        shutil.copy2(os.path.join(ROOT, rel), str(copy / rel))
    for rel in ('changelogs', 'plugins', 'meta', 'roles'):
        if os.path.isdir(os.path.join(ROOT, rel)):
            ignore = shutil.ignore_patterns('__pycache__', '*.pyc', '.plugin-cache.yaml')
            shutil.copytree(os.path.join(ROOT, rel), str(copy / rel), ignore=ignore)
    fragments = sorted(os.listdir(os.path.join(ROOT, 'changelogs', 'fragments')))
    version = _galaxy()['version']
    env = _env(str(tmp_path / 'no-collections'))
    _run([os.path.join(BIN, 'antsibull-changelog'), 'release', '--version', version], env, cwd=str(copy))
    _run([os.path.join(BIN, 'antsibull-changelog'), 'lint-changelog-yaml', 'changelogs/changelog.yaml'], env, cwd=str(copy))
    with open(str(copy / 'CHANGELOG.rst'), encoding='utf-8') as handle:
        notes = handle.read()
    flat = ' '.join(notes.split())
    assert re.search(r'^v%s$' % re.escape(version), notes, re.M), notes[:2000]
    assert 'Release Summary' in notes
    for name in _modules():
        assert 'rockitplay.edge.%s - ' % name in notes, 'New Modules lacks %s' % name
    for name in _roles():
        assert 'rockitplay.edge.%s - ' % name in notes, 'New Roles lacks %s (version_added in its argument_specs.yml?)' % name
    for fragment in fragments:
        with open(os.path.join(ROOT, 'changelogs', 'fragments', fragment)) as handle:
            content = yaml.safe_load(handle) or {}
        for section, entries in content.items():
            for entry in entries if isinstance(entries, list) else [entries]:
                words = ' '.join(str(entry).split())
                assert words in flat, '%s (%s) is not in the release notes' % (fragment, section)
