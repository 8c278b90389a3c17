"""rockit_tasks_info as a module: exact query strings, pages, client-side filters, waiting with a fake sleep, failures."""
import pytest

from ansible.module_utils.six.moves.urllib.parse import unquote

from ansible_collections.rockitplay.edge.plugins.modules import rockit_tasks_info
from module_runner import run_module  # pylint: disable=import-error

from task_payloads import GROUP, NOT_FOUND, detail, listing, task  # pylint: disable=import-error


def run(fake, monkeypatch, **args):
    return run_module(rockit_tasks_info, fake, monkeypatch, **args)


def queries(fake, path='/be/v1/tasks'):
    return [unquote(c['query']) for c in fake.calls if c['path'] == path]


def test_every_filter_is_sent_as_documented(fake, monkeypatch):
    fake.add('GET', '/be/v1/tasks', body=listing(task('dltar', 'running')))
    result = run(fake, monkeypatch, app_name='Sushi', task_group='exampleorg-sushi', statuses=['running', 'pending'],
                 task_types=['build', 'deploy'], created_after='2025-01-01T02:00:00+02:00', order=['-created', 'appName'])
    assert result['changed'] is False and result['total_count'] == 1 and result['truncated'] is False
    assert queries(fake) == ['appName=Sushi&taskGroup=exampleorg-sushi&status[]=running&status[]=pending&taskTypes[]=build'
                             '&taskTypes[]=deploy&created=2025-01-01T00:00:00Z&order[]=-created&order[]=appName&offset=0&limit=1000']
    assert result['status_counts']['running'] == 1 and result['status_counts']['done'] == 0
    assert set(result['status_counts']) == {'allocating', 'pending', 'configuring', 'preparing', 'running', 'finalizing', 'done',
                                            'failed', 'canceled'}


def test_no_filter_reads_every_page(fake, monkeypatch):
    items = [task('s%d' % i, epoch=1733149403 + i) for i in range(5)]
    fake.add('GET', '/be/v1/tasks', body=listing(*items[0:2], total=5))
    fake.add('GET', '/be/v1/tasks', body=listing(*items[2:4], total=5))
    fake.add('GET', '/be/v1/tasks', body=listing(*items[4:], total=5))
    result = run(fake, monkeypatch, page_size=2)
    assert [t['name'] for t in result['tasks']] == [t['name'] for t in items]
    assert result['total_count'] == 5 and result['truncated'] is False
    assert queries(fake) == ['offset=0&limit=2', 'offset=2&limit=2', 'offset=4&limit=2']


def test_limit_stops_early_and_says_so(fake, monkeypatch):
    items = [task('s%d' % i, epoch=1733149403 + i) for i in range(5)]
    fake.add('GET', '/be/v1/tasks', body=listing(*items[0:2], total=5))
    fake.add('GET', '/be/v1/tasks', body=listing(items[2], total=5))
    result = run(fake, monkeypatch, page_size=2, limit=3)
    assert len(result['tasks']) == 3 and result['total_count'] == 5 and result['truncated'] is True
    assert queries(fake) == ['offset=0&limit=2', 'offset=2&limit=1']


@pytest.mark.parametrize('args, fragment', [
    ({'statuses': ['bogus']}, 'statuses'),
    ({'task_types': ['nope']}, 'task_types'),
    ({'created_after': 'yesterday'}, "created_after: 'yesterday' is not an ISO 8601"),
    ({'created_after': '2025-13-01'}, 'created_after'),
    ({'created_before': '2025-01-01T00:00:00Z', 'created_after': '2025-02-01'}, 'must be later than created_after'),
    ({'order': ['size']}, "order: 'size' is not a sort key"),
    ({'order': ['--created']}, 'is not a sort key'),
    ({'order': ['created', '-created']}, 'given twice'),
    ({'page_size': 1001}, 'page_size: 1001 is out of range'),
    ({'page_size': 0}, 'page_size'),
    ({'limit': 0}, 'limit: 0'),
    ({'names': ['bad name']}, 'is not a task name'),
    ({'wait': True, 'wait_sleep': 0}, 'wait_sleep'),
    ({'wait': True, 'wait_timeout': -1}, 'wait_timeout'),
    ({'wait_statuses': ['unfinished']}, 'wait_statuses'),
])
def test_bad_input_sends_nothing(fake, monkeypatch, args, fragment):
    result = run(fake, monkeypatch, **args)
    assert result['failed'] and fragment in result['msg'], result['msg']
    assert fake.calls == []


def test_one_name_is_read_directly_and_shaped_like_a_list_item(fake, monkeypatch):
    item = task('dltar')
    fake.add('GET', '/be/v1/tasks/' + item['name'], body=detail(item, httpStatus=404))
    result = run(fake, monkeypatch, name=item['name'])
    assert result['tasks'] == [item] and result['total_count'] == 1
    assert [c['path'] for c in fake.calls] == ['/be/v1/tasks/' + item['name']]


def test_a_missing_name_gives_an_empty_list(fake, monkeypatch):
    fake.add('GET', '/be/v1/tasks/nope-1', status=404, body=NOT_FOUND)
    result = run(fake, monkeypatch, names='nope-1')
    assert result['tasks'] == [] and result['total_count'] == 0


def test_several_names_found_on_the_first_page_take_one_request(fake, monkeypatch):
    items = [task('dltar', epoch=1733149403), task('mkraw', epoch=1733149503), task('mkdxf', epoch=1733149603)]
    fake.add('GET', '/be/v1/tasks', body=listing(*items))
    result = run(fake, monkeypatch, names=[items[2]['name'], items[0]['name'], 'gone-1'])
    assert [t['name'] for t in result['tasks']] == [items[0]['name'], items[2]['name']]  # the Edge's order: oldest first
    assert result['total_count'] == 2 and len(fake.calls) == 1


def test_several_names_not_on_the_first_page_are_read_one_by_one(fake, monkeypatch):
    items = [task('s%d' % i, epoch=1733149403 + i) for i in range(3)]
    late = task('deploy', epoch=1733159403)
    fake.add('GET', '/be/v1/tasks', body=listing(*items[:2], total=3000))
    fake.add('GET', '/be/v1/tasks/' + late['name'], body=detail(late))
    result = run(fake, monkeypatch, names=[late['name'], items[1]['name']], page_size=2)
    assert [t['name'] for t in result['tasks']] == [items[1]['name'], late['name']]
    assert result['tasks'][1] == late
    assert [c['path'] for c in fake.calls] == ['/be/v1/tasks', '/be/v1/tasks/' + late['name']]


def test_many_missing_names_read_the_list_when_that_takes_fewer_requests(fake, monkeypatch):
    items = [task('s%d' % i, epoch=1733149403 + i) for i in range(6)]
    fake.add('GET', '/be/v1/tasks', body=listing(*items[:3], total=6))
    fake.add('GET', '/be/v1/tasks', body=listing(*items[:3], total=6))
    fake.add('GET', '/be/v1/tasks', body=listing(*items[3:], total=6))
    wanted = [t['name'] for t in items[3:]] + ['x-1', 'x-2']
    result = run(fake, monkeypatch, names=wanted, page_size=3)
    assert [t['name'] for t in result['tasks']] == wanted[:3]
    assert queries(fake) == ['offset=0&limit=3', 'offset=0&limit=3', 'offset=3&limit=3']


def test_names_with_other_filters_are_kept_after_listing(fake, monkeypatch):
    items = [task('dltar', epoch=1733149403), task('mkraw', epoch=1733149503)]
    fake.add('GET', '/be/v1/tasks', body=listing(*items))
    result = run(fake, monkeypatch, names=[items[1]['name']], app_name='Sushi')
    assert [t['name'] for t in result['tasks']] == [items[1]['name']] and result['total_count'] == 2
    assert queries(fake) == ['appName=Sushi&offset=0&limit=1000']


def test_created_before_is_applied_here_and_reads_every_page_despite_limit(fake, monkeypatch):
    items = [task('s%d' % i, epoch=1733149403 + 3600 * i) for i in range(4)]
    fake.add('GET', '/be/v1/tasks', body=listing(*items[:2], total=4))
    fake.add('GET', '/be/v1/tasks', body=listing(*items[2:], total=4))
    result = run(fake, monkeypatch, created_before=items[2]['created'], page_size=2, limit=1, task_types=['build'])
    assert [t['name'] for t in result['tasks']] == [items[0]['name']] and result['truncated'] is True
    assert queries(fake) == ['taskTypes[]=build&offset=0&limit=2', 'taskTypes[]=build&offset=2&limit=2']


def test_details_are_merged_into_each_task(fake, monkeypatch):
    item = task('dltar', 'failed')
    fake.add('GET', '/be/v1/tasks', body=listing(item))
    fake.add('GET', '/be/v1/tasks/' + item['name'], body=detail(item, httpStatus=404, exitCode=22))
    result = run(fake, monkeypatch, task_group=GROUP, details=True)
    merged = result['tasks'][0]
    assert merged['httpStatus'] == 404 and merged['exitCode'] == 22 and merged['step'] == 'dltar' and merged['status'] == 'failed'


def test_fail_on_failed_names_the_task_and_its_failure_fields(fake, monkeypatch):
    ok, bad = task('mkraw', epoch=1733149000), task('dltar', 'failed', group='exampleorg-sushi-0003')
    fake.add('GET', '/be/v1/tasks', body=listing(ok, bad))
    fake.add('GET', '/be/v1/tasks/' + bad['name'], body=detail(bad, httpStatus=404, exitCode=22, message='Could not resolve host x.invalid.'))
    result = run(fake, monkeypatch, app_name='Sushi', fail_on_failed=True)
    assert result['failed']
    assert result['msg'].startswith("Task %s failed: httpStatus=404, exitCode=22, message='Could not resolve host x.invalid.'." % bad['name'])
    assert result['failed_tasks'][0]['httpStatus'] == 404 and len(result['tasks']) == 2
    assert [c['path'] for c in fake.calls] == ['/be/v1/tasks', '/be/v1/tasks/' + bad['name']]  # details of the failed task only


def test_fail_on_failed_ignores_acknowledged_and_retried_tasks(fake, monkeypatch):
    retried = task('dltar', 'failed', epoch=1733149403)
    again = task('dltar', 'done', epoch=1733154780)
    expired = task('dltar', 'failed', group='exampleorg-sushi-0003')
    fake.add('GET', '/be/v1/tasks', body=listing(retried, again, expired))
    fake.add('GET', '/be/v1/tasks/' + expired['name'], body=detail(expired, acknowledged=True, expired=True))
    result = run(fake, monkeypatch, fail_on_failed=True)
    assert not result.get('failed') and result['status_counts']['failed'] == 2
    assert [c['path'] for c in fake.calls] == ['/be/v1/tasks', '/be/v1/tasks/' + expired['name']]


def test_wait_polls_quietly_until_tasks_are_final_and_the_app_is_idle(fake, monkeypatch):
    first = task('dltar', 'running')
    fake.add('GET', '/be/v1/tasks', body=listing(first))
    fake.add('GET', '/be/v1/tasks', body=listing(dict(first, status='done')))  # final, but the next step is coming
    fake.add('GET', '/be/v1/apps/Sushi', body={'status': 'success', 'app': {'name': 'Sushi', 'processing': True}})
    fake.add('GET', '/be/v1/tasks', body=listing(dict(first, status='done'), task('mkraw', 'done', epoch=1733149503)))
    fake.add('GET', '/be/v1/apps/Sushi', body={'status': 'success', 'app': {'name': 'Sushi', 'processing': False}})
    sleeps = []
    result = run(fake, monkeypatch, sleeps=sleeps, task_group=GROUP, wait=True, wait_sleep=7)
    assert not result.get('failed') and result['status_counts']['done'] == 2 and 'warnings' not in result
    assert sleeps == [7, 7]
    assert [unquote(c['query']) for c in fake.calls if c['path'] == '/be/v1/apps/Sushi'] == ['fields[]=processing'] * 2


def test_wait_times_out_listing_the_pending_tasks(fake, monkeypatch):
    pending = [task('dltar', 'running'), task('dltar', 'pending', group='exampleorg-sushi-0003')]
    fake.add('GET', '/be/v1/tasks', body=listing(*pending), times=-1)
    fake.add('GET', '/be/v1/apps/Sushi', body={'status': 'success', 'app': {'name': 'Sushi', 'processing': True}})
    sleeps = []
    result = run(fake, monkeypatch, sleeps=sleeps, app_name='Sushi', wait=True, wait_timeout=12, wait_sleep=5)
    assert result['failed'] and result['processing_apps'] == ['Sushi']
    assert result['msg'].startswith('Timed out after 12 seconds (wait_timeout) waiting for the tasks. Still pending: '
                                    '%s (running), %s (pending).' % (pending[0]['name'], pending[1]['name']))
    assert sleeps == [5, 5, 2] and result['pending'] == [t['name'] for t in pending]
    assert len(queries(fake)) == 4


def test_wait_statuses_wait_for_those_statuses_only(fake, monkeypatch):
    fake.add('GET', '/be/v1/tasks', body=listing(task('dltar', 'pending')))
    fake.add('GET', '/be/v1/tasks', body=listing(task('dltar', 'running')))
    sleeps = []
    result = run(fake, monkeypatch, sleeps=sleeps, app_name='Sushi', wait=True, wait_statuses=['running', 'done'])
    assert result['tasks'][0]['status'] == 'running' and sleeps == [5]
    assert all(c['path'] == '/be/v1/tasks' for c in fake.calls)  # no pipeline check with wait_statuses


def test_wait_then_fail_on_failed(fake, monkeypatch):
    bad = task('dltar', 'failed')
    fake.add('GET', '/be/v1/tasks', body=listing(dict(bad, status='running')))
    fake.add('GET', '/be/v1/tasks', body=listing(bad))
    fake.add('GET', '/be/v1/apps/Sushi', body={'status': 'success', 'app': {'name': 'Sushi', 'processing': False}})
    fake.add('GET', '/be/v1/tasks/' + bad['name'], body=detail(bad, httpStatus=404, exitCode=22))
    result = run(fake, monkeypatch, app_name='Sushi', wait=True, fail_on_failed=True)
    assert result['failed'] and bad['name'] in result['msg'] and 'httpStatus=404' in result['msg']


def test_check_mode_reads_as_usual(fake, monkeypatch):
    fake.add('GET', '/be/v1/tasks', body=listing(task('dltar')))
    result = run(fake, monkeypatch, check_mode=True)
    assert result['changed'] is False and len(result['tasks']) == 1
