"""`make docs`: build the documentation site of rockitplay.edge offline.

1. antsibull-docs writes the module reference from the plugins' own documentation, and the guides
   of docs/docsite/rst/ (listed in docs/docsite/extra-docs.yml), as reStructuredText;
2. the project documents (docs/*.md) are added as Markdown pages;
3. Sphinx renders everything to HTML (configuration: docs/docsite/conf.py).

Nothing is fetched from the network. References into the Ansible documentation that the module
pages carry cannot be resolved offline: they are counted, not fatal. Any other warning (a broken
reference or bad markup in a guide, a module page that does not render) fails the build.

Usage: python hacking/build_docs.py [--dest DIR]   (default: docs/docsite/build; open DIR/html/index.html)
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
DOCSITE = os.path.join(ROOT, 'docs', 'docsite')
COLLECTION = 'rockitplay.edge'
COLLECTION_DIR = 'collections/rockitplay/edge'

sys.path.insert(0, os.path.join(ROOT, 'tests', 'tools'))

import collection as _collection  # noqa: E402  pylint: disable=wrong-import-position

# Warnings that only mean "this points into the Ansible documentation, which is not fetched offline".
OFFLINE_WARNING = re.compile(r"undefined label: '(?!ansible_collections\.rockitplay\.)[^']+'")
WARNING_LINE = re.compile(r'^(?P<file>[^:\s][^:]*?):(?:(?P<line>\d+):)? (?P<level>WARNING|ERROR|CRITICAL): (?P<text>.*)$')


class BuildError(Exception):
    """The documentation could not be built."""


def _run(cmd, env, what):
    started = time.time()
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise BuildError('%s failed (rc %s):\n%s\n%s' % (what, proc.returncode, proc.stdout[-6000:], proc.stderr[-6000:]))
    return proc, time.time() - started


def _environment():
    env = dict(os.environ)
    env.update({
        'ANSIBLE_COLLECTIONS_PATH': _collection.link(),
        'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'false',
        'ANSIBLE_NOCOLOR': '1',
        'PATH': BIN + os.pathsep + env.get('PATH', ''),
    })
    return env


def _repository_blob_url():
    with open(os.path.join(ROOT, 'galaxy.yml')) as handle:
        repository = (yaml.safe_load(handle) or {}).get('repository', '').rstrip('/')
    with open(os.path.join(DOCSITE, 'links.yml')) as handle:
        branch = ((yaml.safe_load(handle) or {}).get('edit_on_github') or {}).get('branch', 'main')
    return '%s/blob/%s/' % (repository, branch) if repository else None


def project_documents():
    """The Markdown documents of docs/, by file name."""
    folder = os.path.join(ROOT, 'docs')
    return sorted(name for name in os.listdir(folder) if name.endswith('.md') and os.path.isfile(os.path.join(folder, name)))


def _rewrite_links(text, documents, blob_url):
    """Keep links between the project documents; point other relative links at the repository."""
    def replace(match):
        target = match.group(2)
        if re.match(r'^[a-z][a-z0-9+.-]*:', target, re.I) or target.startswith('#'):
            return match.group(0)
        path, _sep, anchor = target.partition('#')
        resolved = os.path.normpath(os.path.join('docs', path)).replace(os.sep, '/')
        if resolved.startswith('docs/') and resolved[len('docs/'):] in documents:
            return match.group(0)
        if blob_url is None or resolved.startswith('..'):
            return match.group(0)
        return '%s(%s%s%s)' % (match.group(1), blob_url, resolved, '#' + anchor if anchor else '')
    return re.sub(r'(\]\s?)\(([^)\s]+)\)', replace, text)


def _guides():
    """The guides in the order of docs/docsite/extra-docs.yml: [(section title, [refs])]."""
    with open(os.path.join(DOCSITE, 'extra-docs.yml')) as handle:
        index = yaml.safe_load(handle) or {}
    sections = []
    for section in index.get('sections') or []:
        refs = [entry if isinstance(entry, str) else entry['ref'] for entry in section.get('toctree') or []]
        sections.append((section['title'], refs))
    return sections


def module_names():
    folder = os.path.join(ROOT, 'plugins', 'modules')
    return sorted(name[:-3] for name in os.listdir(folder) if name.endswith('.py') and not name.startswith('_'))


def role_names():
    """The roles that document themselves (meta/argument_specs.yml)."""
    folder = os.path.join(ROOT, 'roles')
    if not os.path.isdir(folder):
        return []
    return sorted(name for name in os.listdir(folder) if os.path.isfile(os.path.join(folder, name, 'meta', 'argument_specs.yml')))


def _toctree(caption, entries):
    lines = ['.. toctree::', '   :maxdepth: 1', '   :caption: %s' % caption, '']
    lines.extend('   %s' % entry for entry in entries)
    return '\n'.join(lines) + '\n'


def write_root_index(rst_dir, documents):
    with open(os.path.join(ROOT, 'galaxy.yml')) as handle:
        galaxy = yaml.safe_load(handle)
    title = '%s %s' % (COLLECTION, galaxy['version'])
    parts = [
        '.. _docsite_root_index:\n',
        '%s\n%s\n' % (title, '=' * len(title)),
        '%s\n' % ' '.join(galaxy['description'].split()),
        'Start with the :ref:`quick start <ansible_collections.rockitplay.edge.docsite.quickstart>`; the module reference '
        'is generated from the modules\' own documentation (the same text as ``ansible-doc``).\n',
        _toctree('Collection', ['%s/index' % COLLECTION_DIR]),
    ]
    for section, refs in _guides():
        parts.append(_toctree(section, ['%s/docsite/%s' % (COLLECTION_DIR, ref) for ref in refs]))
    parts.append(_toctree('Modules', ['%s/%s_module' % (COLLECTION_DIR, name) for name in module_names()]))
    if role_names():
        parts.append(_toctree('Roles', ['%s/%s_role' % (COLLECTION_DIR, name) for name in role_names()]))
    if documents:
        parts.append(_toctree('Project documents', ['project/%s' % name[:-3] for name in documents]))
    with open(os.path.join(rst_dir, 'index.rst'), 'w') as handle:
        handle.write('\n'.join(parts))


def mark_orphans(rst_dir):
    """The indexes antsibull-docs writes for a site of many collections stay reachable by link, not in the navigation."""
    folder = os.path.join(rst_dir, 'collections')
    pages = [os.path.join(folder, name) for name in os.listdir(folder) if name.endswith('.rst')]
    pages.append(os.path.join(folder, 'rockitplay', 'index.rst'))
    for page in pages:
        if not os.path.exists(page):
            continue
        with open(page, encoding='utf-8') as handle:
            text = handle.read()
        if not text.startswith(':orphan:'):
            with open(page, 'w', encoding='utf-8') as handle:
                handle.write(':orphan:\n\n' + text)


def copy_project_documents(rst_dir):
    documents = project_documents()
    blob_url = _repository_blob_url()
    target = os.path.join(rst_dir, 'project')
    os.makedirs(target, exist_ok=True)
    for name in documents:
        with open(os.path.join(ROOT, 'docs', name), encoding='utf-8') as handle:
            text = handle.read()
        with open(os.path.join(target, name), 'w', encoding='utf-8') as handle:
            handle.write(_rewrite_links(text, documents, blob_url))
    return documents


def classify_warnings(path, rst_dir):
    """(fatal, offline, other) lists of warning lines; fatal ones fail the build."""
    fatal, offline, other = [], [], []
    if not os.path.exists(path):
        return fatal, offline, other
    with open(path, encoding='utf-8') as handle:
        lines = [line.rstrip('\n') for line in handle if line.strip()]
    last = None
    for line in lines:
        match = WARNING_LINE.match(line)
        if not match:
            # a continuation line of a multi-line warning belongs to the previous one
            if last:
                last[-1] += '\n' + line
            continue
        rel = os.path.relpath(match.group('file'), rst_dir) if os.path.isabs(match.group('file')) else match.group('file')
        rel = rel.replace(os.sep, '/')
        if rel.startswith('project/'):
            last = other
        elif OFFLINE_WARNING.search(match.group('text')) and rel.startswith('collections/') and '/docsite/' not in rel:
            last = offline
        else:
            last = fatal
        last.append(line)
    return fatal, offline, other


def expected_pages(html_dir, documents):
    pages = [os.path.join(html_dir, 'index.html'), os.path.join(html_dir, COLLECTION_DIR, 'index.html')]
    pages += [os.path.join(html_dir, COLLECTION_DIR, '%s_module.html' % name) for name in module_names()]
    pages += [os.path.join(html_dir, COLLECTION_DIR, '%s_role.html' % name) for name in role_names()]
    for _section, refs in _guides():
        pages += [os.path.join(html_dir, COLLECTION_DIR, 'docsite', '%s.html' % ref) for ref in refs]
    pages += [os.path.join(html_dir, 'project', '%s.html' % name[:-3]) for name in documents]
    return pages


def build(dest):
    dest = os.path.abspath(dest)
    rst_dir, html_dir = os.path.join(dest, 'rst'), os.path.join(dest, 'html')
    doctrees, warnings = os.path.join(dest, 'doctrees'), os.path.join(dest, 'warnings.txt')
    env = _environment()
    os.makedirs(rst_dir, exist_ok=True)
    os.chmod(rst_dir, 0o755)  # antsibull-docs wants the directory writable by its owner only
    _proc, seconds = _run([os.path.join(BIN, 'antsibull-docs'), '--config-file', os.path.join(DOCSITE, 'antsibull-docs.cfg'),
                           'collection', '--use-current', '--cleanup', 'everything', '--dest-dir', rst_dir, COLLECTION],
                          env, 'antsibull-docs collection')
    print('module reference and guides written as reStructuredText (%.1f s)' % seconds, flush=True)
    documents = copy_project_documents(rst_dir)
    write_root_index(rst_dir, documents)
    mark_orphans(rst_dir)
    if os.path.exists(warnings):
        os.unlink(warnings)
    _proc, seconds = _run([sys.executable, '-m', 'sphinx', '-b', 'html', '-q', '-j', 'auto', '-c', DOCSITE, '-d', doctrees,
                           '-w', warnings, rst_dir, html_dir], env, 'sphinx-build')
    print('HTML written (%.1f s)' % seconds, flush=True)
    fatal, offline, other = classify_warnings(warnings, rst_dir)
    if offline:
        print('%d references into the Ansible documentation stay unresolved offline (no intersphinx)' % len(offline))
    for line in other:
        print('warning (project document): %s' % line)
    missing = [page for page in expected_pages(html_dir, documents) if not os.path.exists(page)]
    if fatal or missing:
        raise BuildError('the documentation has problems:\n%s' % '\n'.join(
            fatal + ['missing page: %s' % os.path.relpath(page, dest) for page in missing]))
    return os.path.join(html_dir, 'index.html')


def main():
    parser = argparse.ArgumentParser(description='Build the documentation site of %s offline.' % COLLECTION)
    parser.add_argument('--dest', default=os.path.join(DOCSITE, 'build'),
                        help='output directory (default: docs/docsite/build); the site is DEST/html')
    parser.add_argument('--clean', action='store_true', help='remove DEST first')
    args = parser.parse_args()
    if args.clean and os.path.isdir(args.dest):
        shutil.rmtree(args.dest)
    try:
        index = build(args.dest)
    except BuildError as exc:
        sys.exit('docs: %s' % exc)
    print('documentation: %s' % os.path.relpath(index, os.getcwd()))


if __name__ == '__main__':
    main()
