"""Adopting an existing organisation: export, round trip through the bootstrap role, drift, run report, lookup.

The emulator's request log is the truth: applying an export sends not one write, on the documented fixtures, on a
500-object organisation and after a seeded sequence of changes made through the API; the drift playbook never writes.
"""
import collections
import json
import os
import random
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import yaml

from edge_orgs import BIN, COLLECTIONS, PATHS, ROLE_PLAY, ROOT, Org, org_requests, writes_of

sys.path.insert(0, os.path.join(ROOT, 'benchmarks'))
import org as benchmark_org  # noqa: E402  pylint: disable=wrong-import-position,import-error

pytestmark = pytest.mark.integration


def export(playbook, edge, org, dest, **extra):
    run = playbook('rockitplay.edge.export', edge, env=org.env(), extra_vars=dict(export_dest=str(dest), **extra))
    assert run.rc == 0, run
    return run


def apply_export(playbook, edge, org, path, **kwargs):
    run = playbook(ROLE_PLAY, edge, env=org.env(), args=['-e', '@%s' % path], **kwargs)
    assert run.rc == 0, run
    return run


def lint(path):
    """yamllint (with the rules ansible-lint gives it), and ansible-lint's production profile, on the exported vars file."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false', NO_COLOR='1',
               PATH=BIN + os.pathsep + os.environ.get('PATH', ''))
    import ansiblelint  # pylint: disable=import-outside-toplevel
    rules = os.path.join(os.path.dirname(ansiblelint.__file__), 'data', '.yamllint')
    proc = subprocess.run([os.path.join(BIN, 'yamllint'), '-s', '-c', rules, str(path)], capture_output=True, text=True,
                          check=False, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    folder = os.path.dirname(str(path))
    with open(os.path.join(folder, '.ansible-lint'), 'w') as handle:
        handle.write('---\nprofile: production\n')
    proc = subprocess.run([os.path.join(BIN, 'ansible-lint'), '--offline', '--profile', 'production', '--nocolor', str(path)],
                          cwd=folder, capture_output=True, text=True, check=False, env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]


def round_trip(playbook, edge, org, tmp_path, label):
    """Export, export again (same bytes), apply with the role: changed=0 and not one write. Returns the request counts."""
    first, second = tmp_path / ('%s.yml' % label), tmp_path / ('%s-again.yml' % label)
    edge.clear()
    export(playbook, edge, org, first)
    export_requests = len(org_requests(edge, org))
    export(playbook, edge, org, second)
    assert first.read_bytes() == second.read_bytes()
    edge.clear()
    run = apply_export(playbook, edge, org, first)
    requests = org_requests(edge, org)
    assert writes_of(requests) == []
    assert 'changed=0' in run.stdout and 'failed=0' in run.stdout, run
    counts = {'export': export_requests, 'apply_reads': len(requests), 'apply_writes': 0}
    print('\nround trip %s: %s' % (label, counts))
    return counts


def test_round_trip_of_the_documented_fixtures(playbook, edge, tmp_path):
    org = Org(edge, 'DocsOrg', fixtures='docs')
    dest = tmp_path / 'docs.yml'
    run = export(playbook, edge, org, dest)
    text = dest.read_text()
    exported = yaml.safe_load(text)
    assert exported == {
        'rockit_deployments': [{'name': 'gcore', 'origin': {
            'type': 's3', 'endpoint': 's3.eu-central-1.example.com', 'region': 'eu-central-1', 'bucket': 'games', 'prefix': 'rockit',
            'access_key_id': 'REPLACE-WITH-VAULT-REFERENCE vault_rockit_deployment_gcore_origin_access_key_id',
            'secret_access_key': 'REPLACE-WITH-VAULT-REFERENCE vault_rockit_deployment_gcore_origin_secret_access_key'},
            'download_auth': {'type': 'gcore', 'key': 'REPLACE-WITH-VAULT-REFERENCE vault_rockit_deployment_gcore_download_auth_key'}}],
        'rockit_roles': [],
        'rockit_users': [],  # the only user is the one the export authenticates as
        'rockit_apps': [{'name': 'Sushi', 'label': 'Sushibar: All you can feed', 'max_builds': 3, 'deployments': ['gcore']}],
        'rockit_subscriptions': [
            {'name': 'deploySlack', 'sender': 'deploy', 'events': ['end'], 'slack_channel': '#rockitplay-events'},
            {'name': 'deployWebhook', 'sender': 'deploy', 'events': ['end', 'error'], 'webhook_url': 'http://example.com/webhook'},
            {'name': 'dltarWebhook', 'sender': 'dltar', 'events': ['error', 'exception'], 'webhook_url': 'http://example.com/webhook'}],
    }
    # the real secrets of the fixtures are nowhere
    for secret in ('example-secret-key', 'EXAMPLEACCESSKEY', 'example-download-key', 'fixture-secret'):
        assert secret not in text and secret not in run.stdout
    lint(dest)
    counts = round_trip(playbook, edge, org, tmp_path, 'docs')
    assert counts['apply_writes'] == 0

    # the placeholders keep what exists; they are never sent to create anything
    org.api('DELETE', '/be/v1/apps/Sushi')
    org.api('DELETE', '/be/v1/deployments/gcore')
    edge.clear()
    run = playbook(ROLE_PLAY, edge, env=org.env(), args=['-e', '@%s' % dest])
    assert run.rc != 0
    assert 'REPLACE-WITH-VAULT-REFERENCE' in run.stdout and 'gcore' in run.stdout, run
    assert writes_of(org_requests(edge, org)) == []


def create_benchmark_org(org, counts, seed=42):
    """Create a generated organisation through the API (the bodies a create sends), in dependency order."""
    model = benchmark_org.build(counts, seed=seed)
    for kind in benchmark_org.KINDS:
        for body in model[kind]:
            org.api('POST', PATHS[kind], body)
    return model


def test_round_trip_of_500_objects(playbook, edge, tmp_path):
    org = Org(edge, 'BigOrg')
    counts = benchmark_org.scale_mix(dict(benchmark_org.DEFAULT_MIX), 500)
    create_benchmark_org(org, counts)
    assert sum(len(org.names(k)) for k in PATHS) == 500 + 2  # with Administrators and the primary administrator
    result = round_trip(playbook, edge, org, tmp_path, 'big')
    assert result['apply_writes'] == 0
    exported = yaml.safe_load((tmp_path / 'big.yml').read_text())
    assert sum(len(v) for v in exported.values()) == 500


def seeded_changes(org, seed, steps):
    """A deterministic sequence of changes through the API: every kind patched, created, deleted, replaced."""
    rng = random.Random(seed)
    done = collections.Counter()

    def pick(kind, exclude=()):
        names = [n for n in org.names(kind) if n not in exclude]
        return rng.choice(names) if names else None

    def human(name):
        return org.api('GET', '/be/v1/users/%s' % name).json()['user'].get('type') == 'user'

    for step in range(steps):
        op = rng.choice(['role_label', 'role_permissions', 'user_roles', 'user_profile', 'app_patch', 'app_deployments',
                         'deployment_prefix', 'deployment_auth', 'delete_subscription', 'new_subscription', 'new_role',
                         'new_bot', 'delete_app', 'new_app', 'delete_user', 'new_deployment', 'replace_subscription'])
        roles = [r for r in org.names('roles') if r != 'Administrators']
        deployments = org.names('deployments')
        if op == 'role_label' and roles:
            org.api('PATCH', '/be/v1/roles', {'name': rng.choice(roles), 'label': 'Relabelled at step %d' % step})
        elif op == 'role_permissions' and roles:
            org.api('PATCH', '/be/v1/roles', {'name': rng.choice(roles),
                                              'permissions': {'apps': rng.choice([0, 2, 3, 7, 15]), 'tasks': rng.choice([0, 2, 31])}})
        elif op == 'user_roles' and roles:
            name = pick('users', exclude=('adminPrincipal',))
            if name:
                org.api('PATCH', '/be/v1/users', {'username': name, 'roles': rng.sample(roles, rng.randint(0, min(2, len(roles))))})
        elif op == 'user_profile':
            name = pick('users', exclude=('adminPrincipal',))
            if name and human(name):
                org.api('PATCH', '/be/v1/users', {'username': name, 'title': rng.choice(['', 'Lead %d' % step])})
            elif name:
                org.api('PATCH', '/be/v1/users', {'username': name, 'label': 'Bot relabelled at step %d' % step})
        elif op == 'app_patch':
            name = pick('apps')
            if name:
                org.api('PATCH', '/be/v1/apps', {'name': name, 'label': 'App label %d' % step, 'maxBuilds': rng.choice([1, 5, 9])})
        elif op == 'app_deployments' and deployments:
            name = pick('apps')
            if name:
                org.api('PATCH', '/be/v1/apps', {'name': name, 'deployments': rng.sample(deployments, rng.randint(0, min(2, len(deployments))))})
        elif op == 'deployment_prefix' and deployments:
            org.api('PATCH', '/be/v1/deployments', {'name': rng.choice(deployments), 'originPrefix': rng.choice(['', 'p%d' % step])})
        elif op == 'deployment_auth' and deployments:
            auth = rng.choice([None, {'type': 'gcore', 'key': 'seeded-key-%d' % step}, {'type': 'akamai', 'key': 'k%d' % step}])
            org.api('PATCH', '/be/v1/deployments', {'name': rng.choice(deployments), 'downloadAuth': auth})
        elif op == 'delete_subscription':
            name = pick('subscriptions')
            if name:
                org.api('DELETE', '/be/v1/subscriptions/%s' % name)
        elif op in ('new_subscription', 'replace_subscription'):
            name = pick('subscriptions') if op == 'replace_subscription' else 'seeded_sub_%02d' % step
            if name is None:
                continue
            if op == 'replace_subscription':
                org.api('DELETE', '/be/v1/subscriptions/%s' % name)
            body = {'name': name, 'sender': rng.choice(['dltar', 'mkraw', 'deploy']),
                    'events': rng.sample(['submit', 'begin', 'end', 'error', 'exception'], rng.randint(1, 3))}
            if rng.random() < 0.5:
                body.update(type='slack', slack={'channelId': '#seeded-%d' % step})
            else:
                body.update(type='webhook', webhook={'url': 'https://hooks.example.com/seeded/%d' % step})
            org.api('POST', '/be/v1/subscriptions', body)
        elif op == 'new_role':
            org.api('POST', '/be/v1/roles', {'name': 'seeded_role_%02d' % step, 'label': 'Seeded %d' % step,
                                             'permissions': {'apps': 2}})
        elif op == 'new_bot':
            org.api('POST', '/be/v1/users', {'username': 'seeded_bot_%02d' % step, 'label': 'Seeded bot %d' % step,
                                             'roles': rng.sample(roles, min(1, len(roles)))})
        elif op == 'delete_app':
            name = pick('apps')
            if name:
                org.api('DELETE', '/be/v1/apps/%s' % name)
        elif op == 'new_app':
            org.api('POST', '/be/v1/apps', {'name': 'seeded_app_%02d' % step, 'label': 'Seeded app %d' % step,
                                            'deployments': rng.sample(deployments, min(1, len(deployments)))})
        elif op == 'delete_user':
            name = pick('users', exclude=('adminPrincipal',))
            if name:
                org.api('DELETE', '/be/v1/users/%s' % name)
        elif op == 'new_deployment':
            org.api('POST', '/be/v1/deployments', {'name': 'seeded_dep_%02d' % step, 'origin': {
                'type': 'netstorage', 'endpoint': 'seeded%02d-nsu.akamaihd.net' % step, 'credentials': {'keyName': 'k', 'key': 'v'}}})
        else:
            continue
        done[op] += 1
    return done


def test_round_trip_after_a_seeded_sequence_of_changes(playbook, edge, tmp_path):
    org = Org(edge, 'SeededOrg')
    create_benchmark_org(org, benchmark_org.scale_mix(dict(benchmark_org.DEFAULT_MIX), 60), seed=7)
    done = seeded_changes(org, seed=20261202, steps=60)
    assert len(done) >= 12, done  # most kinds of change happened
    result = round_trip(playbook, edge, org, tmp_path, 'seeded')
    assert result['apply_writes'] == 0
    # and the drift playbook agrees: the export and the Edge do not differ
    edge.clear()
    run = playbook('rockitplay.edge.drift', edge, env=org.env(), args=['-e', '@%s' % (tmp_path / 'seeded.yml')])
    assert run.rc == 0, run
    assert writes_of(org_requests(edge, org)) == []


def drift(playbook, edge, org, vars_file, report):
    edge.clear()
    run = playbook('rockitplay.edge.drift', edge, env=org.env(), args=['-e', '@%s' % vars_file],
                   extra_vars={'drift_report': str(report)})
    assert writes_of(org_requests(edge, org)) == []
    return run


def test_drift_names_exactly_what_changed_and_never_writes(playbook, edge, tmp_path):
    org = Org(edge, 'DriftOrg', fixtures='docs')
    org.api('POST', '/be/v1/roles', {'name': 'QA', 'label': 'Quality', 'permissions': {'apps': 3, 'tasks': 2}})
    org.api('POST', '/be/v1/users', {'username': 'qa_bot', 'label': 'QA bot', 'roles': ['QA']})
    declared = tmp_path / 'org.yml'
    export(playbook, edge, org, declared)
    report = tmp_path / 'drift.json'

    # no drift: exit 0, a report saying so
    run = drift(playbook, edge, org, declared, report)
    assert run.rc == 0, run
    assert json.loads(report.read_text())['drift'] is False

    # one field changed, one object deleted, one extra created, through the API
    org.api('PATCH', '/be/v1/roles', {'name': 'QA', 'permissions': {'apps': 2, 'tasks': 2}})
    org.api('DELETE', '/be/v1/subscriptions/dltarWebhook')
    org.api('POST', '/be/v1/apps', {'name': 'Ramen', 'label': 'Ramen bar', 'deployments': ['gcore']})
    run = drift(playbook, edge, org, declared, report)
    assert run.rc != 0
    data = json.loads(report.read_text())
    assert data['drift'] is True
    assert data['differences'] == [
        {'kind': 'roles', 'name': 'QA', 'status': 'changed', 'changes': [{'field': 'permissions.apps', 'declared': 3, 'actual': 2}]},
        {'kind': 'subscriptions', 'name': 'dltarWebhook', 'status': 'missing'},
        {'kind': 'apps', 'name': 'Ramen', 'status': 'extra'},
    ] or sorted(d['name'] for d in data['differences']) == ['QA', 'Ramen', 'dltarWebhook']
    assert sorted((d['kind'], d['name'], d['status']) for d in data['differences']) == [
        ('apps', 'Ramen', 'extra'), ('roles', 'QA', 'changed'), ('subscriptions', 'dltarWebhook', 'missing')]
    assert data['not_comparable'] == [{'kind': 'deployments', 'name': 'gcore',
                                       'fields': ['origin.access_key_id', 'origin.secret_access_key', 'download_auth.key']}]
    # Markdown and JUnit beside it
    markdown = (tmp_path / 'drift.md').read_text()
    assert '**roles QA**: changed' in markdown and '| permissions.apps | 3 | 2 |' in markdown
    suites = ET.parse(str(tmp_path / 'drift.xml')).getroot()
    failures = sorted((case.get('classname'), case.get('name')) for case in suites.iter('testcase') if case.find('failure') is not None)
    assert failures == [('rockitplay.edge.apps', 'Ramen'), ('rockitplay.edge.roles', 'QA'), ('rockitplay.edge.subscriptions', 'dltarWebhook')]
    assert suites.get('failures') == '3'
    # the AWX summary
    stats = run.result('Record the drift for AWX')['ansible_stats']['data']['rockit_drift']
    assert stats == dict(data['counts'], drift=True)
    # and with fail_on_drift=false it reports without failing
    edge.clear()
    run = playbook('rockitplay.edge.drift', edge, env=org.env(), args=['-e', '@%s' % declared], extra_vars={'fail_on_drift': False})
    assert run.rc == 0, run


def test_the_run_report_of_the_role(playbook, edge, tmp_path):
    org = Org(edge, 'ReportOrg', fixtures='docs')
    report = tmp_path / 'run.json'
    declaration = {
        'rockit_roles': [{'name': 'QA', 'label': 'Quality', 'permissions': {'apps': ['read']}}],
        'rockit_users': [{'username': 'qa_bot', 'type': 'machine', 'label': 'QA bot', 'roles': ['QA']}],
        'rockit_apps': [{'name': 'Sushi', 'label': 'Sushi, relabelled'}],
        'rockit_subscriptions': [{'name': 'dltarWebhook', 'state': 'absent'}],
        'rockit_report_file': str(report),
    }
    # check mode: a report of the prediction, marked as such; nothing sent
    edge.clear()
    run = playbook(ROLE_PLAY, edge, env=org.env(), extra_vars=declaration, check=True)
    assert run.rc == 0, run
    assert writes_of(org_requests(edge, org)) == []
    predicted = json.loads(report.read_text())
    assert predicted['check_mode'] is True
    run = playbook(ROLE_PLAY, edge, env=org.env(), extra_vars=declaration)
    assert run.rc == 0, run
    data = json.loads(report.read_text())
    assert data['check_mode'] is False and data['changed'] is True
    actions = dict(((o['kind'], o['name']), o['action']) for o in data['objects'])
    assert actions == {('roles', 'QA'): 'created', ('users', 'qa_bot'): 'created', ('apps', 'Sushi'): 'updated',
                       ('subscriptions', 'dltarWebhook'): 'deleted'}
    assert dict(((o['kind'], o['name']), o['action']) for o in predicted['objects']) == actions
    sushi = [o for o in data['objects'] if o['name'] == 'Sushi'][0]
    assert sushi['changes'] == [{'field': 'label', 'declared': 'Sushi, relabelled', 'actual': 'Sushibar: All you can feed'}]
    assert data['api_keys'] == {'issued': ['qa_bot'], 'written': [], 'unwritten': []}
    assert 'qa_bot' in (tmp_path / 'run.md').read_text()
    ET.parse(str(tmp_path / 'run.xml'))
    text = report.read_text() + (tmp_path / 'run.md').read_text() + (tmp_path / 'run.xml').read_text()
    for item in run.results:
        for key in ('api_key', 'secret'):
            assert key not in json.dumps(item['result']) or '"%s": "' % key not in text


LOOKUP_PLAY = '''
- name: Lookups
  hosts: localhost
  gather_facts: false
  tasks:
    - name: label
      ansible.builtin.debug:
        msg: "{{ lookup('rockitplay.edge.rockit', 'app', 'Sushi', field='label') }}"
    - name: statuses
      ansible.builtin.debug:
        msg: "{{ query('rockitplay.edge.rockit', 'tasks', query={'app_name': 'Sushi', 'statuses': ['pending']}, field='status') }}"
    - name: deployments
      ansible.builtin.debug:
        msg: "{{ query('rockitplay.edge.rockit', 'deployments', field='name') }}"
    - name: skipped
      ansible.builtin.debug:
        msg: "{{ query('rockitplay.edge.rockit', 'roles', 'Administrators', 'Nobody', on_missing='skip', field='name') }}"
    - name: explicit connection
      ansible.builtin.debug:
        msg: "{{ query('rockitplay.edge.rockit', 'users', field='username', edge_url=url, edge_org=org, edge_username='adminPrincipal',
                       edge_api_key=key) }}"
    - name: missing
      ansible.builtin.debug:
        msg: "{{ lookup('rockitplay.edge.rockit', 'app', 'Nobody') }}"
      ignore_errors: true
'''


def test_lookup_reads_objects_and_task_status(playbook, edge):
    org = Org(edge, 'LookupOrg', fixtures='docs')
    edge.clear()
    run = playbook(LOOKUP_PLAY, edge, env=org.env(), extra_vars={'url': edge.url, 'org': org.name, 'key': org.key})
    assert run.rc == 0, run
    assert run.result('label')['msg'] == 'Sushibar: All you can feed'
    assert run.result('statuses')['msg'] == ['pending']
    assert run.result('deployments')['msg'] == ['gcore']
    assert run.result('skipped')['msg'] == ['Administrators']
    assert run.result('explicit connection')['msg'] == ['adminPrincipal']
    assert 'app Nobody does not exist' in run.result('missing')['msg']
    assert writes_of(org_requests(edge, org)) == []
    assert org.key not in run.stdout
