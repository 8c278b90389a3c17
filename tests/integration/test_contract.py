"""The contract check (ansible-playbook rockitplay.edge.contract) against the default emulator.

Every assumption it can reach holds, read-only and with writes, and the play exits 0; read-only sends no write;
with writes every scratch object is deleted again; check mode writes nothing; the JSON report has one row per
assumption. (Each emulator variant is reported as differing: tests/integration/test_variants.py.)
"""
import json
import os

import pytest

pytestmark = pytest.mark.integration

PLAY = '''
- name: The contract check
  ansible.builtin.import_playbook: rockitplay.edge.contract
'''
WRITES = ('POST', 'PATCH', 'PUT', 'DELETE')


@pytest.fixture(scope='module')
def docs_emulator(emulator_factory):
    """An emulator with the documentation's data set: an app, a deployment, subscriptions and tasks to read."""
    return emulator_factory('--fixtures', 'docs', '--quiet')


def report_of(path):
    with open(path) as handle:
        return json.load(handle)


def test_read_only_every_checked_assumption_holds(playbook, docs_emulator, tmp_path):
    docs_emulator.reset()
    path = str(tmp_path / 'contract.json')
    run = playbook(PLAY, docs_emulator, extra_vars={'contract_report': path, 'contract_request_interval': 0})
    assert run.rc == 0, run
    report = report_of(path)
    results = dict((row['id'], row['result']) for row in report['assumptions'])
    assert report['differs'] == [] and report['writes'] is False
    not_checked = sorted(k for k, v in results.items() if v == 'not checked')
    assert not_checked == sorted(['retry-after', 'create-answer', 'unknown-body-field', 'create-conflict', 'role-patch-replaces',
                                  'machine-user-key', 'user-roles-patch', 'deployment-patch-merges', 'app-deployments',
                                  'subscription-secret', 'delete']), not_checked
    assert [r for r in docs_emulator.requests() if r['method'] in WRITES and r['path'] != '/be/v1/login'] == []
    table = run.result('Show the table')['msg']
    assert table[0].startswith('RESULT') and any(line.startswith('holds        task-list') for line in table)
    assert report['edge_url'] == docs_emulator.url and report['counts']['holds'] == len(results) - len(not_checked)


def test_with_writes_every_checked_assumption_holds_and_nothing_is_left(playbook, edge, tmp_path):
    path = str(tmp_path / 'contract.json')
    before = edge.control('GET', 'state')
    run = playbook(PLAY, edge, extra_vars={'contract_writes': True, 'contract_report': path, 'contract_request_interval': 0,
                                           'contract_prefix': 'CcTest'})
    assert run.rc == 0, run
    report = report_of(path)
    assert report['differs'] == [] and report['writes'] is True and report['prefix'] == 'CcTest' and report['scratch_left'] == []
    results = dict((row['id'], row['result']) for row in report['assumptions'])
    # an organisation without tasks: only the task checks and retry-after cannot be seen
    assert sorted(k for k, v in results.items() if v != 'holds') == ['retry-after', 'task-details', 'task-list', 'task-status']
    after = edge.control('GET', 'state')
    for kind in ('roles', 'users', 'apps', 'deployments', 'subscriptions'):
        assert after[kind] == before[kind], kind
    posts = [r['path'] for r in edge.requests() if r['method'] == 'POST' and r['path'] != '/be/v1/login']
    assert len(posts) == 7    # role, probe (refused), conflict (refused), machine user, deployment, app, subscription
    assert 'rockit-demo-api-key' not in run.stdout and 'CcTestBot' in json.dumps(report)


def test_check_mode_writes_nothing(playbook, edge):
    run = playbook(PLAY, edge, extra_vars={'contract_writes': True, 'contract_request_interval': 0}, check=True)
    assert run.rc == 0, run
    assert [r for r in edge.requests() if r['method'] in WRITES and r['path'] != '/be/v1/login'] == []
    assert any('Check mode' in w for w in run.result('Ask the Edge').get('warnings', []))


def test_a_wrong_key_differs_and_fails(playbook, edge, tmp_path):
    path = str(tmp_path / 'contract.json')
    run = playbook(PLAY, edge, env={'ROCKIT_API_KEY': 'wrong-key'}, extra_vars={'contract_report': path, 'contract_request_interval': 0})
    assert run.rc != 0
    report = report_of(path)
    assert report['differs'] == ['auth'] and 'HTTP 401' in report['assumptions'][0]['evidence']
    assert 'wrong-key' not in run.stdout + json.dumps(report)
    assert os.path.exists(path)
