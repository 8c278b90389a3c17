"""rockit_task as a module: idempotent acknowledge/expire, check mode, diff, retry refused before any write."""
import pytest

from ansible_collections.rockitplay.edge.plugins.modules import rockit_task

from task_payloads import NOT_FOUND, detail, task  # pylint: disable=import-error
from module_runner import run_module  # pylint: disable=import-error

DLTAR = task('dltar', 'pending')
PATH = '/be/v1/tasks/' + DLTAR['name']


def run(fake, monkeypatch, **args):
    return run_module(rockit_task, fake, monkeypatch, **dict(dict(name=DLTAR['name']), **args))


def current(**changes):
    return detail(DLTAR, **changes)


def test_acknowledge_sends_the_documented_body(fake, monkeypatch):
    fake.add('GET', PATH, body=current())
    fake.add('PATCH', '/be/v1/tasks', body=current(acknowledged=True))
    result = run(fake, monkeypatch, acknowledged=True)
    assert result['changed'] is True and result['task']['acknowledged'] is True
    assert [(w['method'], w['path'], w['body']) for w in fake.writes()] == [('PATCH', '/be/v1/tasks', {'name': DLTAR['name'], 'acknowledged': True})]
    assert result['diff'] == {'before': {'name': DLTAR['name'], 'acknowledged': False, 'expired': False, 'status': 'pending'},
                              'after': {'name': DLTAR['name'], 'acknowledged': True, 'expired': False, 'status': 'pending'}}


def test_acknowledged_already_is_unchanged_and_writes_nothing(fake, monkeypatch):
    fake.add('GET', PATH, body=current(acknowledged=True))
    result = run(fake, monkeypatch, acknowledged=True)
    assert result['changed'] is False and fake.writes() == []


def test_expired_already_is_unchanged_also_for_acknowledged(fake, monkeypatch):
    fake.add('GET', PATH, body=current(acknowledged=True, expired=True, status='failed'))
    result = run(fake, monkeypatch, acknowledged=True, expired=True)
    assert result['changed'] is False and fake.writes() == []


def test_check_mode_predicts_expire_without_writing(fake, monkeypatch):
    fake.add('GET', PATH, body=current())
    result = run(fake, monkeypatch, expired=True, check_mode=True)
    assert result['changed'] is True and fake.writes() == []
    assert result['task']['status'] == 'failed' and result['task']['acknowledged'] is True and result['task']['expired'] is True
    assert result['diff']['after'] == {'name': DLTAR['name'], 'acknowledged': True, 'expired': True, 'status': 'failed'}


def test_expire_sends_only_expired(fake, monkeypatch):
    fake.add('GET', PATH, body=current(acknowledged=True))
    fake.add('PATCH', '/be/v1/tasks', body=current(acknowledged=True, expired=True, status='failed'))
    result = run(fake, monkeypatch, acknowledged=True, expired=True)
    assert result['changed'] is True and fake.writes()[0]['body'] == {'name': DLTAR['name'], 'expired': True}


def test_expiring_a_done_task_is_refused_before_any_write(fake, monkeypatch):
    fake.add('GET', PATH, body=current(status='done'))
    result = run(fake, monkeypatch, expired=True)
    assert result['failed'] and 'is done and cannot be expired' in result['msg'] and fake.writes() == []


def test_a_conflict_from_the_edge_gets_a_clear_hint(fake, monkeypatch):
    fake.add('GET', PATH, body=current(status='running'))
    fake.add('PATCH', '/be/v1/tasks', status=409, body={'status': 'failed', 'error': 'conflict', 'message': 'not an upload task'})
    result = run(fake, monkeypatch, expired=True)
    assert result['failed'] and 'HTTP 409 conflict' in result['msg'] and 'Only upload (dltar) tasks that are not done' in result['msg']


@pytest.mark.parametrize('field', ['acknowledged', 'expired'])
def test_undoing_is_refused(fake, monkeypatch, field):
    fake.add('GET', PATH, body=current(**{field: True}))
    result = run(fake, monkeypatch, **{field: False})
    assert result['failed'] and 'cannot be undone' in result['msg'] and fake.writes() == []


def test_false_on_a_task_that_is_not_acknowledged_changes_nothing(fake, monkeypatch):
    fake.add('GET', PATH, body=current())
    result = run(fake, monkeypatch, acknowledged=False)
    assert result['changed'] is False and fake.writes() == []


def test_missing_task_fails_clearly(fake, monkeypatch):
    fake.add('GET', PATH, status=404, body=NOT_FOUND)
    result = run(fake, monkeypatch, acknowledged=True)
    assert result['failed'] and 'does not exist' in result['msg'] and fake.writes() == []


def test_bad_name_sends_nothing(fake, monkeypatch):
    result = run(fake, monkeypatch, name='a/b', acknowledged=True)
    assert result['failed'] and 'is not a task name' in result['msg'] and fake.calls == []


def test_retry_of_a_failed_task_returns_the_new_task(fake, monkeypatch):
    new = task('dltar', 'pending', epoch=1733154780)
    fake.add('GET', PATH, body=current(status='failed'))
    fake.add('POST', '/be/v1/trigger', body=detail(new))
    result = run(fake, monkeypatch, retry=True)
    assert result['changed'] is True and result['new_task']['name'] == new['name'] and result['task']['name'] == DLTAR['name']
    assert [(w['method'], w['path'], w['body']) for w in fake.writes()] == [
        ('POST', '/be/v1/trigger', {'action': 'retry', 'taskName': DLTAR['name']})]


def test_retry_in_check_mode_sends_nothing(fake, monkeypatch):
    fake.add('GET', PATH, body=current(status='failed'))
    result = run(fake, monkeypatch, retry=True, check_mode=True)
    assert result['changed'] is True and 'new_task' not in result and fake.writes() == []


@pytest.mark.parametrize('status', ['done', 'running', 'pending'])
def test_retry_of_a_task_that_is_not_failed_is_refused_before_any_write(fake, monkeypatch, status):
    fake.add('GET', PATH, body=current(status=status))
    result = run(fake, monkeypatch, retry=True)
    assert result['failed'] and 'task %s is %s; only failed tasks can be retried' % (DLTAR['name'], status) in result['msg']
    assert fake.writes() == []


def test_expire_then_retry(fake, monkeypatch):
    fake.add('GET', PATH, body=current(status='running'))
    fake.add('PATCH', '/be/v1/tasks', body=current(acknowledged=True, expired=True, status='failed'))
    fake.add('POST', '/be/v1/trigger', body=detail(task('dltar', 'pending', epoch=1733154780)))
    result = run(fake, monkeypatch, expired=True, retry=True)
    assert result['changed'] is True and result['task']['status'] == 'failed'
    assert [w['method'] for w in fake.writes()] == ['PATCH', 'POST']


def test_retry_conflict_explains_what_can_be_retried(fake, monkeypatch):
    fake.add('GET', PATH, body=current(status='failed'))
    fake.add('POST', '/be/v1/trigger', status=409, body={'status': 'failed', 'error': 'conflict', 'message': 'not the failed step'})
    result = run(fake, monkeypatch, retry=True)
    assert result['failed'] and 'Only the newest failed task of a build can be retried' in result['msg']
    assert result['changed'] is False


def test_expire_then_refused_retry_still_reports_the_change(fake, monkeypatch):
    fake.add('GET', PATH, body=current(status='running'))
    fake.add('PATCH', '/be/v1/tasks', body=current(acknowledged=True, expired=True, status='failed'))
    fake.add('POST', '/be/v1/trigger', status=409, body={'status': 'failed', 'error': 'conflict', 'message': 'app is processing'})
    result = run(fake, monkeypatch, expired=True, retry=True)
    assert result['failed'] and result['changed'] is True and result['api_status'] == 409
    assert 'The task was expired before the retry was refused.' in result['msg']
    assert [w['method'] for w in fake.writes()] == ['PATCH', 'POST']
