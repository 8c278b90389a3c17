"""rockit_role and rockit_role_info against the emulator, through the fast path and the module path.

The contract every resource module keeps: create; the same task again is unchanged and sends no
write; check mode predicts and writes nothing; diff is exact; update; delete; delete again unchanged.
"""
import pytest

from edge_log import run_steps  # pylint: disable=import-error

pytestmark = pytest.mark.integration

PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: role
      rockitplay.edge.rockit_role:
        name: "{{ role_name }}"
        label: "{{ role_label | default(omit) }}"
        permissions: "{{ role_permissions | default(omit) }}"
        state: "{{ role_state | default('present') }}"
'''
ROLE_TASK = {'rockitplay.edge.rockit_role': {
    'name': "{{ role_name | default('CI_Pipeline_Services') }}", 'label': '{{ role_label | default(omit) }}',
    'permissions': '{{ role_permissions | default(omit) }}', 'state': "{{ role_state | default('present') }}"}}


@pytest.mark.smoke
def test_role_lifecycle(playbook, edge):
    """All steps in one playbook run (the module path gives the same results: test_parity.py)."""
    perms = {'apps': ['create', 'read', 'update', 'delete'], 'tasks': ['read']}
    run = run_steps(playbook, edge, ROLE_TASK, [
        ('check create', dict(role_label='CI', role_permissions=perms), True),
        ('create', dict(role_label='CI', role_permissions=perms), False),
        # permissions as a bitmask and in another order
        ('again', dict(role_label='CI', role_permissions={'tasks': 2, 'apps': ['delete', 'update', 'read', 'create']}), False),
        ('check update', dict(role_label='CI pipeline'), True),
        ('update', dict(role_label='CI pipeline'), False),
        ('check delete', dict(role_state='absent'), True),
        ('delete', dict(role_state='absent'), False),
        ('delete again', dict(role_state='absent'), False),
    ])

    # check mode on create: predicted, nothing written
    result = run.result('check create')
    assert result['changed'] is True and result['role']['permissions']['apps'] == 15
    assert run.writes('check create') == []

    # create
    result = run.result('create')
    assert result['changed'] is True
    assert result['diff']['before'] == {}
    assert result['diff']['after']['label'] == 'CI' and result['diff']['after']['permissions']['apps'] == 15
    assert run.writes('create') == [('POST', '/be/v1/roles')]

    # the same again: unchanged, no write
    assert run.result('again')['changed'] is False and run.writes('again') == []

    # check mode on update
    result = run.result('check update')
    assert result['changed'] is True and result['role']['label'] == 'CI pipeline'
    assert run.writes('check update') == []

    # update: exact diff of the declared fields only
    result = run.result('update')
    assert result['changed'] is True
    assert result['diff'] == {'before': {'name': 'CI_Pipeline_Services', 'label': 'CI'},
                              'after': {'name': 'CI_Pipeline_Services', 'label': 'CI pipeline'}}
    assert run.writes('update') == [('PATCH', '/be/v1/roles')]

    # check mode on delete, then delete, then delete again
    assert run.result('check delete')['changed'] is True and run.writes('check delete') == []
    assert run.result('delete')['changed'] is True
    assert run.writes('delete') == [('DELETE', '/be/v1/roles/CI_Pipeline_Services')]
    assert run.result('delete again')['changed'] is False and run.writes('delete again') == []


def test_role_info_reads_every_page(playbook, edge):
    for i in range(12):
        edge.api('POST', '/be/v1/roles', {'name': 'r%02d' % i}, expect=200)
    edge.clear()
    run = playbook('''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: all
          rockitplay.edge.rockit_role_info:
        - name: one
          rockitplay.edge.rockit_role_info:
            name: r03
        - name: missing
          rockitplay.edge.rockit_role_info:
            name: nope
    ''', edge)
    assert run.rc == 0, run
    assert len(run.result('all')['roles']) == 13 and run.result('all')['total_count'] == 13
    assert [r['name'] for r in run.result('one')['roles']] == ['r03']
    assert run.result('missing')['roles'] == []


def test_bad_input_fails_before_any_request(playbook, edge):
    run = playbook('''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: bad
          rockitplay.edge.rockit_role:
            name: Bad
            permissions:
              apps: 99
    ''', edge)
    assert run.rc != 0
    assert 'maximum is 15' in run.result('bad')['msg']
    assert edge.requests() == []


def test_connection_from_module_defaults_and_password_login(playbook, edge):
    run = playbook('''
    - hosts: localhost
      gather_facts: false
      module_defaults:
        group/rockitplay.edge.rockit:
          edge_url: "{{ url }}"
          edge_org: ExampleOrg
          edge_username: adminPrincipal
          edge_password: rockit-demo-password
      tasks:
        - name: role
          rockitplay.edge.rockit_role:
            name: Managers
            label: Managers
          loop: [1, 2, 3]
    ''', None, extra_vars={'url': edge.url})
    assert run.rc == 0, run
    logins = [r for r in edge.requests() if r['path'] == '/be/v1/login']
    assert len(logins) == 2, 'one two-step login for the whole loop on the fast path'
