"""The documentation: changelog fragments, antsibull-docs lint, the offline docs site, and the quick start's playbook."""
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
DOCSITE = os.path.join(ROOT, 'docs', 'docsite')
GUIDES = os.path.join(DOCSITE, 'rst')
LABEL_PREFIX = 'ansible_collections.rockitplay.edge.docsite.'
sys.path.insert(0, os.path.join(ROOT, 'tests', 'tools'))

import collection  # noqa: E402  pylint: disable=wrong-import-position
from doc_examples import yaml_blocks as _yaml_blocks  # noqa: E402  pylint: disable=wrong-import-position,import-error

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group('docs')]  # pylint: disable=no-member


def _env(**extra):
    env = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get('PATH', ''), ANSIBLE_NOCOLOR='1',
               ANSIBLE_COLLECTIONS_PATH=collection.link(), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false')
    env.update(extra)
    return env


def _run(cmd, cwd=ROOT, timeout=600, **env):
    proc = subprocess.run(cmd, cwd=cwd, env=_env(**env), capture_output=True, text=True, timeout=timeout, check=False)
    assert proc.returncode == 0, '%s: rc %s\n%s\n%s' % (' '.join(cmd), proc.returncode, proc.stdout[-8000:], proc.stderr[-8000:])
    return proc


def _guides():
    return sorted(name[:-4] for name in os.listdir(GUIDES) if name.endswith('.rst'))


def _extra_docs_refs():
    with open(os.path.join(DOCSITE, 'extra-docs.yml')) as handle:
        index = yaml.safe_load(handle)
    return [entry if isinstance(entry, str) else entry['ref'] for section in index['sections'] for entry in section['toctree']]


def _git_ignored(paths):
    proc = subprocess.run(['git', 'check-ignore', '--no-index'] + paths, cwd=ROOT, capture_output=True, text=True, check=False)
    return proc.stdout.split()


def test_changelog_fragments_lint():
    proc = _run([os.path.join(BIN, 'antsibull-changelog'), 'lint'])
    assert proc.stdout.strip() == '', proc.stdout


def test_every_guide_is_listed_labelled_and_linked():
    guides = _guides()
    assert {'quickstart', 'authentication', 'tasks', 'troubleshooting'} <= set(guides)
    refs = _extra_docs_refs()
    assert sorted(refs) == guides, 'docs/docsite/extra-docs.yml must list every guide of docs/docsite/rst once'
    with open(os.path.join(ROOT, 'README.md')) as handle:
        readme = handle.read()
    for guide in guides:
        with open(os.path.join(GUIDES, guide + '.rst')) as handle:
            first = handle.readline().strip()
        assert first == '.. _%s%s:' % (LABEL_PREFIX, guide), '%s.rst must start with its label' % guide
        assert 'docs/docsite/rst/%s.rst' % guide in readme, 'README.md (Documentation) must link to %s.rst' % guide
    assert 'make docs' in readme


def test_guides_are_kept_by_git():
    """The guides are sources: an ignore rule would leave them out of every commit and of antsibull-docs' checks."""
    if not os.path.isdir(os.path.join(ROOT, '.git')):
        pytest.skip('not a git work tree')
    paths = [os.path.relpath(os.path.join(GUIDES, guide + '.rst'), ROOT) for guide in _guides()]
    paths += ['docs/docsite/extra-docs.yml', 'docs/docsite/links.yml', 'docs/docsite/conf.py']
    assert _git_ignored(paths) == [], 'git ignores documentation sources; remove the rule for docs/docsite/rst/ from .gitignore'


UNDERSCORE_TEMP_NAMES = '''"""Every temporary file and directory name ends in "_" (loaded through PYTHONPATH by a test)."""
import tempfile

_next = tempfile._RandomNameSequence.__next__
tempfile._RandomNameSequence.__next__ = lambda self: _next(self)[:-1] + "_"
'''


def _underscore_temp_names(directory):
    """PYTHONPATH entry with a sitecustomize that makes every random temporary name end in "_" (1 in 37 by chance)."""
    directory.mkdir()
    (directory / 'sitecustomize.py').write_text(UNDERSCORE_TEMP_NAMES)
    return str(directory)


def test_lint_collection_docs(tmp_path):
    """antsibull-docs lint-collection-docs: every plugin's docs, the guides and their references to the collection.

    antsibull-docs copies the collection to a temporary directory and documents that copy; the module pages
    link to each module's source on GitHub, relative to the collection. With this tree's collection path in
    ANSIBLE_COLLECTIONS_PATH it found a second copy of rockitplay.edge, took that one's path as the collection's,
    and the link went up into the temporary directory: a name that ends in "_" (random, one run in 37) made
    the link an RST reference that breaks. The lint sees only its own copy here, and runs with temporary names
    that always end in "_".
    """
    target = tmp_path / 'edge'
    files = set(collection.project_files())
    files.update(os.path.relpath(os.path.join(GUIDES, name), ROOT) for name in os.listdir(GUIDES))
    for rel in files:
        if rel.startswith('docs/docsite/build/') or not os.path.isfile(os.path.join(ROOT, rel)):
            continue
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(os.path.join(ROOT, rel), str(dest))
    nothing = tmp_path / 'no-collections'
    nothing.mkdir()
    underscore = _underscore_temp_names(tmp_path / 'underscore')
    proc = _run([os.path.join(BIN, 'antsibull-docs'), 'lint-collection-docs', '--plugin-docs', '--check-extra-docs-refs',
                 '--validate-collection-refs', 'all', '.'], cwd=str(target), ANSIBLE_COLLECTIONS_PATH=str(nothing),
                PYTHONPATH=underscore)
    assert proc.stdout.strip() == '', proc.stdout


def test_underscore_temp_names_are_forced(tmp_path):
    """The lint above really runs with temporary names that end in "_"."""
    proc = _run([sys.executable, '-c', 'import tempfile; print(tempfile.mkdtemp())'],
                PYTHONPATH=_underscore_temp_names(tmp_path / 'underscore'))
    made = proc.stdout.strip()
    os.rmdir(made)
    assert made.endswith('_'), made


def test_docs_site_builds_offline(tmp_path):
    dest = tmp_path / 'site'
    # Anything that tried to reach the network would fail at once on this proxy.
    offline = dict(HTTP_PROXY='http://127.0.0.1:9', HTTPS_PROXY='http://127.0.0.1:9', http_proxy='http://127.0.0.1:9',
                   https_proxy='http://127.0.0.1:9', NO_PROXY='', no_proxy='')
    _run([sys.executable, os.path.join(ROOT, 'hacking', 'build_docs.py'), '--dest', str(dest)], **offline)
    html = dest / 'html'
    edge = html / 'collections' / 'rockitplay' / 'edge'
    with open(str(html / 'index.html'), encoding='utf-8') as handle:
        index = handle.read()
    assert 'rockitplay.edge' in index
    with open(str(edge / 'rockit_role_module.html'), encoding='utf-8') as handle:
        role = handle.read()
    assert 'Manage roles of a ROCKIT Edge organisation' in role and 'edge_api_key' in role
    for module in sorted(os.listdir(os.path.join(ROOT, 'plugins', 'modules'))):
        if module.endswith('.py'):
            assert (edge / ('%s_module.html' % module[:-3])).is_file(), module
    for guide in _guides():
        with open(os.path.join(GUIDES, guide + '.rst'), encoding='utf-8') as handle:
            title = handle.read().split('\n\n', 1)[1].splitlines()[0]
        page = edge / 'docsite' / ('%s.html' % guide)
        with open(str(page), encoding='utf-8') as handle:
            assert title in handle.read(), '%s: title %r not on the page' % (guide, title)
        assert 'docsite/%s.html' % guide in index, '%s is not linked from the site index' % guide


def _yaml_block(rst, caption):
    found = [text for name, text in _yaml_blocks(rst) if name == caption]
    assert found, 'no yaml block with caption %s' % caption
    return found[0]


@pytest.mark.integration
def test_quickstart_playbook_runs_and_is_idempotent(playbook, emulator_factory):
    with open(os.path.join(GUIDES, 'quickstart.rst'), encoding='utf-8') as handle:
        play = _yaml_block(handle.read(), 'first_play.yml')
    emu = emulator_factory('--fixtures', 'docs')
    first = playbook(play, emu)
    assert first.rc == 0, first
    for task in ('A role for the CI pipeline', 'A machine user for the CI pipeline, its API key written to a file',
                 'An app, published through the deployment gcore'):
        assert first.result(task)['changed'] is True, task
    assert 'CI_Pipeline_Services' in first.result('Show the role names')['msg']
    assert re.search(r'localhost\s+: ok=\d+\s+changed=3\s', first.stdout), 'the guide says changed=3:\n' + first.stdout[-2000:]
    emu.clear()
    second = playbook(play, emu)
    assert second.rc == 0, second
    assert [r['task'] for r in second.results if r['result'].get('changed')] == []
    assert emu.writes() == []
    assert re.search(r'localhost\s+: ok=\d+\s+changed=0\s', second.stdout), second.stdout[-2000:]
