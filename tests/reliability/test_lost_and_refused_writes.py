"""Compare-and-swap writes and replacements under faults, through real playbooks (fault injection in the emulator).

- A self-service password change (oldPW/newPW) whose answer is lost is never sent again blindly: the module checks
  which password works and reports the truth (before, the request was repeated with the stale old password, the
  password had changed, and the task failed saying current_password was wrong).
- A subscription replacement whose new definition is refused: the previous definition is restored and the task
  fails saying what was deleted and what was restored (before, the subscription was simply gone).
"""
import pytest

pytestmark = pytest.mark.integration

PATHS = ['fast-path', 'module-path']
PASSWORD_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: change
      rockitplay.edge.rockit_user:
        username: jdoe
        password: Pw-new-1111
        current_password: Pw-old-0000
        update_password: always
        edge_username: jdoe
        edge_password: Pw-old-0000
      ignore_errors: true
'''
SUB_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: replace
      rockitplay.edge.rockit_subscription:
        name: deployHook
        sender: deploy
        events: [end]
        slack_channel: "#ops"
      register: replaced
      ignore_errors: true
    - name: outcome
      ansible.builtin.debug:
        msg:
          failed: "{{ replaced.failed }}"
          msg: "{{ replaced.msg }}"
          deleted: "{{ replaced.deleted }}"
          restored: "{{ replaced.restored }}"
          has_secret: "{{ replaced.secret is defined and replaced.secret | length > 0 }}"
'''
HOOK = {'name': 'deployHook', 'sender': 'deploy', 'events': ['end', 'error'], 'type': 'webhook',
        'webhook': {'url': 'https://hooks.example.com/h'}}


def can_log_in(edge, username, password):
    return edge.http.post(edge.url + '/be/v1/login', json={'username': username, 'password': password}, timeout=30).status_code == 200


def log(edge, prefix):
    return [(e['method'], e['status']) for e in edge.requests() if e['path'].startswith(prefix)]


@pytest.mark.parametrize('fast_path', [True, False], ids=PATHS)
def test_lost_answer_to_a_password_change_reports_the_truth(playbook, edge, fast_path):
    edge.api('POST', '/be/v1/users', dict(username='jdoe', email='jdoe@example.com', firstname='Jane', surname='Doe', roles=[],
                                          password='Pw-old-0000'), expect=200)
    edge.clear()
    edge.fault(method='PATCH', path='/be/v1/users', drop='after')      # carried out, the answer lost
    run = playbook(PASSWORD_PLAY, edge, env={'ROCKIT_API_KEY': ''}, fast_path=fast_path)
    result = run.result('change')
    assert run.status('change') == 'ok', result
    assert result['changed'] is True
    assert [e for e in log(edge, '/be/v1/users') if e[0] == 'PATCH'] == [('PATCH', 0)]    # never again with the stale password
    assert can_log_in(edge, 'jdoe', 'Pw-new-1111') and not can_log_in(edge, 'jdoe', 'Pw-old-0000')


@pytest.mark.parametrize('fast_path', [True, False], ids=PATHS)
def test_lost_answer_to_a_password_change_not_carried_out_is_sent_once_more(playbook, edge, fast_path):
    edge.api('POST', '/be/v1/users', dict(username='jdoe', email='jdoe@example.com', firstname='Jane', surname='Doe', roles=[],
                                          password='Pw-old-0000'), expect=200)
    edge.clear()
    edge.fault(method='PATCH', path='/be/v1/users', drop='before')     # never reached the Edge
    run = playbook(PASSWORD_PLAY, edge, env={'ROCKIT_API_KEY': ''}, fast_path=fast_path)
    assert run.status('change') == 'ok' and run.result('change')['changed'] is True
    assert [e for e in log(edge, '/be/v1/users') if e[0] == 'PATCH'] == [('PATCH', 0), ('PATCH', 200)]
    assert can_log_in(edge, 'jdoe', 'Pw-new-1111')


@pytest.mark.parametrize('fault', [{'status': 400, 'body': {'status': 'failed', 'error': 'invalid-param', 'param': 'slack.channelId',
                                                            'message': 'the Slack bot is not in #ops'}},
                                   {'status': 500, 'times': 2}], ids=['refused', 'server-error'])
@pytest.mark.parametrize('fast_path', [True, False], ids=PATHS)
def test_refused_replacement_restores_the_previous_subscription(playbook, edge, fast_path, fault):
    edge.api('POST', '/be/v1/subscriptions', HOOK, expect=200)
    edge.clear()
    edge.fault(method='POST', path='/be/v1/subscriptions', **fault)
    run = playbook(SUB_PLAY, edge, fast_path=fast_path)
    assert run.status('replace') == 'failed'
    result = run.result('outcome')['msg']
    assert result['failed'] is True and result['deleted'] is True and result['restored'] is True
    assert 'was deleted to be replaced' in result['msg'] and 'restored with its previous definition' in result['msg']
    assert 'events=' in result['msg'] and 'webhook.url=https://hooks.example.com/h' in result['msg']
    assert result['has_secret'] is True               # the restore's new signing secret is in the (hidden) result
    assert 'was deleted to be replaced' in run.stdout + run.stderr    # the message is shown, the secret is not
    kept = edge.api('GET', '/be/v1/subscriptions/deployHook', expect=200).json()['subscription']
    assert kept['events'] == ['end', 'error'] and kept['webhook'] == {'url': 'https://hooks.example.com/h'}
    posts = [s for m, s in log(edge, '/be/v1/subscriptions') if m == 'POST']
    assert posts == ([400, 200] if fault['status'] == 400 else [500, 500, 200])
