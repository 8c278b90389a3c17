"""Every documented example runs green against the Edge emulator.

The examples: the EXAMPLES block of every module (found by listing ``plugins/modules/``, so a new module's
examples join by themselves) and every YAML code block of the guides (``docs/docsite/rst/*.rst``,
``README.md``, ``roles/bootstrap/README.md``). All examples of one module, or of one guide, run in one
``ansible-playbook`` run, in the order they are written, on the fast path.

The fixture state (docs/emulator.md, "The examples test"): an emulator started with ``--fixtures docs``
and ``--step-seconds 0`` (a build's pipeline is finished by the next request, so a wait ends at its first
poll), reset before each run; then the setup of the module or guide below (``SETUP``: objects the
examples take for granted, such as the roles a user example names) and the variables the examples use
(``VARIABLES``: the vault variables and the like, set as facts). The documentation's Edge URLs
(``https://edge.example.com``, ``https://edge-staging.example.com``) are pointed at the emulator; the
other connection options come from the ``ROCKIT_*`` variables, as in the quick start.

An example that cannot run says why in the docs, with the marker ``# not-run: <the reason>``: in a module's
EXAMPLES, a comment line right above the task; in a guide, the first line of the code block. The test skips
exactly those, and reports how many examples it ran and skipped. A YAML block that is a mapping (a result or
a variables sample) is not an example.
"""
import ast
import glob
import json
import os
import re
import textwrap

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

pytestmark = pytest.mark.integration

MARKER = re.compile(r'^\s*#\s*not-run:\s*(\S.*)$')
EDGE_URLS = re.compile(r'https://edge(-[a-z]+)?\.example\.com')
MODULES = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(ROOT, 'plugins', 'modules', '*.py'))
                 if not os.path.basename(p).startswith('_'))
GUIDES = sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, 'docs', 'docsite', 'rst', '*.rst'))) + [
    'README.md', os.path.join('roles', 'bootstrap', 'README.md')]

S3_KEY_ID, S3_SECRET = 'AKIAEXAMPLESTEST', 'examples-s3-secret'
ADMIN_TOKEN = 'examples-admin-token'   # the installation's admin token (--admin-token), vault_rockit_admin_token
AUTOMATION = [
    {'name': 'setup: the machine user the examples authenticate as (edge_username: automation)',
     'rockitplay.edge.rockit_user': {'username': 'automation', 'type': 'machine', 'label': 'Automation',
                                     'roles': ['Administrators']}, 'register': 'automation'},
    {'name': 'setup: its API key', 'ansible.builtin.set_fact': {'vault_edge_api_key': '{{ automation.api_key }}'},
     'no_log': True},
]
CI_ROLE = {'name': 'setup: role CI_Pipeline_Services', 'rockitplay.edge.rockit_role': {
    'name': 'CI_Pipeline_Services', 'permissions': {'apps': ['create', 'read', 'update', 'delete'], 'tasks': ['read']}}}

GAME_STUDIO = {'name': 'setup: the organisation GameStudio and its primary administrator studio_admin',
               'rockitplay.edge.rockit_org': {'edge_admin_token': '{{ vault_rockit_admin_token }}', 'name': 'GameStudio',
                                              'admin_user': 'studio_admin', 'admin_email': 'admin@example.com',
                                              'admin_password': '{{ vault_studio_admin_password }}'}}


def _directory(name):
    return {'name': 'setup: the directory %s/ beside the playbook' % name,
            'ansible.builtin.file': {'path': '{{ playbook_dir }}/%s' % name, 'state': 'directory', 'mode': '0700'}}


def _declaration(facts):
    return {'name': 'setup: the declaration of the organisation (inventory variables)', 'ansible.builtin.set_fact': facts}


# The declaration the plan examples compare: a role and a machine user to create, Sushi as it is, a new app.
PLANNED = {
    'rockit_roles': [{'name': 'Producers', 'permissions': {'apps': ['read', 'update'], 'tasks': ['read', 'update', 'execute']}}],
    'rockit_users': [{'username': 'ci_bot', 'type': 'machine', 'label': 'CI', 'roles': ['Producers']}],
    'rockit_apps': [{'name': 'Sushi', 'label': 'Sushibar: All you can feed', 'deployments': ['gcore']},
                    {'name': 'Pizza', 'label': 'Pizza Palace', 'deployments': ['gcore']}],
}
KINDS = ('deployments', 'roles', 'users', 'apps', 'subscriptions')
# The declaration the drift report example compares: the organisation as it is (its export), so no drift.
EXPORTED = [{'name': 'setup: export the organisation', 'rockitplay.edge.rockit_export': {}, 'register': 'exported'},
            _declaration(dict(('rockit_%s' % kind, '{{ exported.vars.rockit_%s }}' % kind) for kind in KINDS))]

# What the examples of a module or guide take for granted, beyond --fixtures docs.
SETUP = {
    'rockit_api_key': [{'name': 'setup: the machine users automation_bot and old_bot', 'rockitplay.edge.rockit_apply': {
        'kind': 'user', 'objects': [{'username': 'automation_bot', 'type': 'machine', 'label': 'Automation', 'roles': ['Administrators']},
                                    {'username': 'old_bot', 'type': 'machine', 'label': 'Old automation'}]}}],
    'rockit_export': [_directory('vars')],
    'rockit_login': [GAME_STUDIO],
    'rockit_logout': [GAME_STUDIO, {'name': 'setup: the session of rockit_login', 'rockitplay.edge.rockit_login': {
        'edge_org': 'GameStudio', 'edge_username': 'studio_admin', 'edge_password': '{{ vault_studio_admin_password }}',
        'edge_api_key': ''}, 'register': 'rockit_session'}],
    'rockit_plan': [_declaration(PLANNED)],
    'rockit_report': EXPORTED + [_directory('reports')],
    'rockit_app': [{'name': 'setup: deployment akamai', 'rockitplay.edge.rockit_deployment': {
        'name': 'akamai', 'origin': {'type': 'netstorage', 'endpoint': 'example-nsu.akamaihd.net', 'key_name': 'examples-key-name',
                                     'key': 'examples-key'}}}],
    'rockit_role': AUTOMATION,
    'rockit_user': [
        {'name': 'setup: roles Managers and Testers', 'rockitplay.edge.rockit_apply': {'kind': 'role', 'objects': [
            {'name': 'Managers', 'permissions': {'beUsers': ['read']}}, {'name': 'Testers', 'permissions': {'apps': ['read']}}]}},
        CI_ROLE],
    'authentication.rst': AUTOMATION + [{'name': 'setup: the user jdoe, who logs in with a password', 'rockitplay.edge.rockit_user': {
        'username': 'jdoe', 'email': 'jdoe@example.com', 'first_name': 'John', 'surname': 'Doe',
        'password': '{{ vault_jdoe_password }}', 'roles': ['Administrators']}}],
    'quickstart.rst': AUTOMATION,
    'README.md': AUTOMATION,
}


def failed_upload(edge):
    """A build of Sushi whose upload failed and succeeds when retried (the guide's expire-and-retry example)."""
    build = '/be/v1/_examples/sushi-0004.tar'
    edge.fault(method='GET', path=build, status=404, times=1)          # the Edge's first download fails
    edge.fault(method='GET', path=build, status=200, body='a build', times=None)   # the retry's succeeds
    edge.api('POST', '/be/v1/builds', {'appName': 'Sushi', 'url': edge.url + build}, expect=200)
    tasks = edge.api('GET', '/be/v1/tasks', params={'appName': 'Sushi', 'status[]': 'failed'}, expect=200).json()['tasks']
    assert len(tasks) == 1 and tasks[0]['name'].endswith('-dltar'), tasks


# State set up through the API before the examples of a source run (beyond SETUP).
PREPARE = {'tasks.rst': failed_upload}

# The variables the examples use (vault variables and the like), set as facts before they run.
VARIABLES = {
    'edge_apps': [{'name': 'Pizza', 'label': 'Pizza Palace', 'deployments': ['gcore']},
                  {'name': 'Ramen', 'label': 'Ramen', 'all_deployments': True}],
    'presigned_build_url': 'https://builds.example.com/sushi/0043.tar?X-Signature=examples',
    'vault_jdoe_password': 'jdoe-pw-Examples1',
    'vault_jdoe_initial_password': 'jdoe-initial-Examples1',
    'vault_jdoe_old_password': 'jdoe-pw-Examples1',
    'vault_jdoe_new_password': 'jdoe-new-Examples1',
    'vault_s3_access_key_id': S3_KEY_ID,
    'vault_s3_secret_access_key': S3_SECRET,
    'vault_s3_new_secret_access_key': 'examples-s3-secret-rotated',
    'vault_gcore_token_key': 'examples-gcore-token-key',
    'vault_netstorage_key_name': 'examples-netstorage-name',
    'vault_netstorage_key': 'examples-netstorage-key',
    'vault_rockit_api_key': '{{ lookup("ansible.builtin.env", "ROCKIT_API_KEY") }}',
    'vault_rockit_admin_token': ADMIN_TOKEN,
    'vault_studio_admin_password': 'studio-admin-Examples1',
}


# ---------------------------------------------------------------------------------------------- finding the examples
def module_examples(module):
    """[(title, yaml text, reason to skip or None)] of the module's EXAMPLES, one per top-level task."""
    tree = ast.parse(open(os.path.join(ROOT, 'plugins', 'modules', module + '.py')).read())
    text = next(node.value.value for node in tree.body if isinstance(node, ast.Assign)
                and getattr(node.targets[0], 'id', None) == 'EXAMPLES')
    items, current, reason = [], None, None
    for line in text.strip('\n').split('\n'):
        match = MARKER.match(line)
        if match:
            reason = match.group(1)
        elif line.startswith('- '):
            current = [line]
            items.append([current, reason])
            reason = None
        elif current is not None:
            current.append(line)
    return [(yaml.safe_load('\n'.join(lines))[0].get('name', module), '\n'.join(lines), skip) for lines, skip in items]


def _rst_blocks(text):
    lines, blocks, index = text.split('\n'), [], 0
    while index < len(lines):
        match = re.match(r'^(\s*)\.\. code-block:: yaml\s*$', lines[index])
        index += 1
        if not match:
            continue
        indent, body = len(match.group(1)), []
        while index < len(lines) and re.match(r'^\s+:\w+:', lines[index]):
            index += 1     # options of the directive (:caption: ...)
        while index < len(lines) and (not lines[index].strip() or len(lines[index]) - len(lines[index].lstrip()) > indent):
            body.append(lines[index])
            index += 1
        blocks.append(textwrap.dedent('\n'.join(body)).strip('\n'))
    return blocks


def guide_examples(guide):
    """[(title, yaml text, reason to skip or None)] of the guide's YAML blocks that are examples (plays or tasks)."""
    text = open(os.path.join(ROOT, guide)).read()
    blocks = _rst_blocks(text) if guide.endswith('.rst') else re.findall(r'^```yaml\n(.*?)^```', text, re.S | re.M)
    out = []
    for number, block in enumerate(blocks, 1):
        if not isinstance(yaml.safe_load(block), list):
            continue   # a result or a variables sample, not an example
        first = block.strip('\n').split('\n')[0]
        match = MARKER.match(first)
        out.append(('%s, block %d' % (guide, number), block, match.group(1) if match else None))
    return out


# ---------------------------------------------------------------------------------------------- running them
def setup_play(source):
    tasks = [{'name': 'setup: the variables of the examples', 'ansible.builtin.set_fact': VARIABLES, 'no_log': True}]
    tasks.extend(SETUP.get(source, []))   # after the variables: the setup may use them
    return {'name': 'setup for %s' % source, 'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}


def example_plays(source, examples, edge_url):
    """The playbook: the setup play, then the examples, each task list in a play of its own (a module's in one)."""
    plays, tasks = [setup_play(source)], []
    for title, text, skip in examples:
        if skip:
            continue
        loaded = yaml.safe_load(EDGE_URLS.sub(edge_url, text))
        if source in MODULES:
            tasks.extend(loaded)
        elif all(isinstance(item, dict) and 'hosts' in item for item in loaded):
            plays.extend(loaded)
        else:
            plays.append({'name': 'example: %s' % title, 'hosts': 'localhost', 'gather_facts': False, 'tasks': loaded})
    if tasks:
        plays.append({'name': 'examples of %s' % source, 'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks})
    return plays


@pytest.fixture(scope='module')
def docs_edge(emulator_factory):
    from emulator_defaults import ADMIN  # pylint: disable=import-error,import-outside-toplevel
    return emulator_factory('--fixtures', 'docs', '--step-seconds', '0', '--admin-api-key', ADMIN['api_key'],
                            '--admin-token', ADMIN_TOKEN, '--quiet')


SOURCES = [(s, finder) for s, finder in [(m, module_examples) for m in MODULES] + [(g, guide_examples) for g in GUIDES]
           if finder(s)]


@pytest.mark.parametrize('source, finder', SOURCES, ids=[s for s, dummy in SOURCES])
def test_examples_run_green(playbook, docs_edge, tmp_path, source, finder, record_property):
    examples = finder(source)
    name = os.path.basename(source)
    runnable = [e for e in examples if not e[2]]
    if not runnable:
        pytest.skip('%s has no runnable example (%d marked not-run)' % (source, len(examples)))
    docs_edge.reset()
    if name in PREPARE:
        PREPARE[name](docs_edge)
    (tmp_path / 'secrets').mkdir()
    path = tmp_path / ('examples_%s.yml' % re.sub(r'\W', '_', name))
    path.write_text(json.dumps(example_plays(name if name in MODULES else name, examples, docs_edge.url), indent=1))
    run = playbook(str(path), docs_edge)
    failed = [r['task'] for r in run.results if r['status'] in ('failed', 'unreachable')]
    assert run.rc == 0 and not failed, (failed, run)
    ran = [r['task'] for r in run.results if not r['task'].startswith('setup')]
    assert ran, run
    record_property('examples_run', len(runnable))
    record_property('examples_not_run', len(examples) - len(runnable))


def test_every_skipped_example_says_why():
    for source, finder in SOURCES:
        for title, _text, skip in finder(source):
            assert skip is None or len(skip) > 10, (source, title, skip)


def test_the_finders_find_the_examples():
    assert len(module_examples('rockit_role')) == 3 and module_examples('rockit_role')[0][0].startswith('Let CI machine users')
    assert 'rockit_whoami' in MODULES and 'rockit_apply' in MODULES
    quickstart = guide_examples(os.path.join('docs', 'docsite', 'rst', 'quickstart.rst'))
    assert quickstart and yaml.safe_load(quickstart[0][1])[0]['hosts'] == 'localhost'
    assert len(guide_examples(os.path.join('roles', 'bootstrap', 'README.md'))) == 1   # the summary sample is no example
