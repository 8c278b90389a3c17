"""rockit_role and rockit_role_info against the emulator, through the fast path and the module path.

The contract every resource module keeps: create; the same task again is unchanged and sends no
write; check mode predicts and writes nothing; diff is exact; update; delete; delete again unchanged.
"""
import pytest

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


def apply(playbook, edge, fast_path, **extra_vars):
    extra_vars.setdefault('role_name', 'CI_Pipeline_Services')
    check = extra_vars.pop('check', False)
    run = playbook(PLAY, edge, extra_vars=extra_vars, diff=True, check=check, fast_path=fast_path)
    assert run.rc == 0, run
    return run.result('role')


@pytest.mark.parametrize('fast_path', [True, False], ids=['fast-path', 'module-path'])
def test_role_lifecycle(playbook, edge, fast_path):
    perms = {'apps': ['create', 'read', 'update', 'delete'], 'tasks': ['read']}

    # check mode on create: predicted, nothing written
    result = apply(playbook, edge, fast_path, role_label='CI', role_permissions=perms, check=True)
    assert result['changed'] is True and result['role']['permissions']['apps'] == 15
    assert edge.writes() == []

    # create
    result = apply(playbook, edge, fast_path, role_label='CI', role_permissions=perms)
    assert result['changed'] is True
    assert result['diff']['before'] == {}
    assert result['diff']['after']['label'] == 'CI' and result['diff']['after']['permissions']['apps'] == 15
    assert [(w['method'], w['path']) for w in edge.writes()] == [('POST', '/be/v1/roles')]

    # the same again: unchanged, no write (permissions given as a bitmask and in another order)
    edge.clear()
    result = apply(playbook, edge, fast_path, role_label='CI', role_permissions={'tasks': 2, 'apps': ['delete', 'update', 'read', 'create']})
    assert result['changed'] is False
    assert edge.writes() == []

    # check mode on update
    result = apply(playbook, edge, fast_path, role_label='CI pipeline', check=True)
    assert result['changed'] is True and result['role']['label'] == 'CI pipeline'
    assert edge.writes() == []

    # update: exact diff of the declared fields only
    result = apply(playbook, edge, fast_path, role_label='CI pipeline')
    assert result['changed'] is True
    assert result['diff'] == {'before': {'name': 'CI_Pipeline_Services', 'label': 'CI'},
                              'after': {'name': 'CI_Pipeline_Services', 'label': 'CI pipeline'}}
    assert [(w['method'], w['path']) for w in edge.writes()] == [('PATCH', '/be/v1/roles')]

    # check mode on delete, then delete, then delete again
    edge.clear()
    assert apply(playbook, edge, fast_path, role_state='absent', check=True)['changed'] is True
    assert edge.writes() == []
    assert apply(playbook, edge, fast_path, role_state='absent')['changed'] is True
    assert [(w['method'], w['path']) for w in edge.writes()] == [('DELETE', '/be/v1/roles/CI_Pipeline_Services')]
    edge.clear()
    assert apply(playbook, edge, fast_path, role_state='absent')['changed'] is False
    assert edge.writes() == []


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
