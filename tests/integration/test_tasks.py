"""rockit_tasks_info, rockit_task and rockit_build against the emulator with the documentation's data set.

The Listing Tasks example comes back as documented; every filter narrows and every order sorts as
documented (asserted on the emulator's request log too); hundreds of tasks come back whole; waiting
returns when a build's pipeline is done; failures name the failed task; acknowledge and expire are
idempotent; retry creates a new task and is refused for a task that did not fail.
"""
from urllib.parse import unquote

import pytest

from edge_log import run_steps  # pylint: disable=import-error
from forward_proxy import ClockMover, ForwardProxy  # pylint: disable=import-error

pytestmark = pytest.mark.integration

# The ten tasks of the Listing Tasks example, in its order: (name, service, status).
LISTING_EXAMPLE = [
    ('exampleorg-sushi-0001-1732886919-dltar', 'engine', 'done'),
    ('exampleorg-sushi-0001-1732887061-mkraw', 'engine', 'done'),
    ('exampleorg-sushi-0001-1732887229-mkdxf', 'engine', 'done'),
    ('exampleorg-sushi-0001-1732887357-publish', 'engine', 'done'),
    ('exampleorg-sushi-0001-1732887364-deploy', 'edge', 'done'),
    ('exampleorg-sushi-0002-1733149403-dltar', 'engine', 'pending'),
    ('exampleorg-sushi-0002-1733154780-dltar', 'engine', 'done'),
    ('exampleorg-sushi-0002-1733154909-mkraw', 'engine', 'done'),
    ('exampleorg-sushi-0002-1733155066-mkpat', 'engine', 'done'),
    ('exampleorg-sushi-0002-1733155262-mkdxf', 'engine', 'done'),
]
PENDING_UPLOAD = 'exampleorg-sushi-0002-1733149403-dltar'
DONE_TASK = 'exampleorg-sushi-0001-1732886919-dltar'
PLAY_HEAD = '''
- hosts: localhost
  gather_facts: false
  tasks:
'''


@pytest.fixture(scope='module')
def _docs_emulator(emulator_factory):
    return emulator_factory('--fixtures', 'docs', '--step-seconds', '2')


@pytest.fixture
def docs_edge(_docs_emulator):
    """The emulator with the documentation's data set, reset for this test."""
    _docs_emulator.reset()
    return _docs_emulator


def play(*tasks):
    return PLAY_HEAD + ''.join(tasks)


def list_queries(edge):
    return [unquote(r['query']) for r in edge.requests() if r['method'] == 'GET' and r['path'] == '/be/v1/tasks']


def names(result):
    return [t['name'] for t in result['tasks']]


def create_app(edge, name):
    edge.api('POST', '/be/v1/apps', {'name': name, 'label': name, 'deployments': ['gcore']}, expect=200)


def task_detail(edge, name):
    return edge.api('GET', '/be/v1/tasks/' + name, expect=200).json()['task']


def test_listing_example_comes_back_as_documented(playbook, docs_edge):
    run = playbook(play('''
    - name: all
      rockitplay.edge.rockit_tasks_info:
    - name: by the old name
      rockitplay.edge.rockit_tasks:
        limit: 10
        page_size: 10
    '''), docs_edge)
    assert run.rc == 0, run
    result = run.result('all')
    assert result['total_count'] == 13 and len(result['tasks']) == 13 and result['truncated'] is False
    assert [(t['name'], t['service'], t['status']) for t in result['tasks'][:10]] == LISTING_EXAMPLE
    assert result['status_counts']['done'] == 12 and result['status_counts']['pending'] == 1
    short = run.result('by the old name')
    assert [(t['name'], t['service'], t['status']) for t in short['tasks']] == LISTING_EXAMPLE
    assert short['total_count'] == 13 and short['truncated'] is True
    assert list_queries(docs_edge) == ['offset=0&limit=1000', 'offset=0&limit=10']


def test_filters_and_orders_narrow_as_documented(playbook, docs_edge):
    run = playbook(play('''
    - name: pending
      rockitplay.edge.rockit_tasks_info:
        statuses: [running, pending]
    - name: unfinished
      rockitplay.edge.rockit_tasks_info:
        statuses: unfinished
    - name: deploys
      rockitplay.edge.rockit_tasks_info:
        task_types: [deploy]
    - name: group
      rockitplay.edge.rockit_tasks_info:
        task_group: sushi-0001
    - name: partial app
      rockitplay.edge.rockit_tasks_info:
        app_name: ush
    - name: case sensitive app
      rockitplay.edge.rockit_tasks_info:
        app_name: sushi
    - name: after
      rockitplay.edge.rockit_tasks_info:
        created_after: "2024-12-02T14:23:23Z"
    - name: before
      rockitplay.edge.rockit_tasks_info:
        created_before: "2024-12-01"
    - name: newest first by type
      rockitplay.edge.rockit_tasks_info:
        order: [taskType, -created]
    - name: by names
      rockitplay.edge.rockit_tasks_info:
        names:
          - exampleorg-sushi-0002-1733155066-mkpat
          - exampleorg-sushi-0001-1732886919-dltar
          - exampleorg-sushi-0009-1-nope
    - name: everything at once
      rockitplay.edge.rockit_tasks_info:
        app_name: Sushi
        task_group: exampleorg-sushi
        statuses: [done]
        task_types: [build, deploy]
        created_after: "2024-12-02T15:00:00+01:00"
        order: ['-created', 'appName']
    '''), docs_edge)
    assert run.rc == 0, run
    assert names(run.result('pending')) == [PENDING_UPLOAD] and run.result('pending')['total_count'] == 1
    assert names(run.result('unfinished')) == [PENDING_UPLOAD]
    assert names(run.result('deploys')) == ['exampleorg-sushi-0001-1732887364-deploy', 'exampleorg-sushi-0002-1733155398-deploy',
                                            'exampleorg-sushi-0003-1733846412-deploy']
    assert names(run.result('group')) == [entry[0] for entry in LISTING_EXAMPLE[:5]]
    assert len(run.result('partial app')['tasks']) == 13 and run.result('case sensitive app')['tasks'] == []
    after = names(run.result('after'))
    assert len(after) == 7 and PENDING_UPLOAD not in after and after[0] == 'exampleorg-sushi-0002-1733154780-dltar'
    assert names(run.result('before')) == [entry[0] for entry in LISTING_EXAMPLE[:5]]
    assert run.result('before')['total_count'] == 13  # the Edge's count; created_before is applied by the module
    ordered = run.result('newest first by type')['tasks']
    assert [t['taskType'] for t in ordered] == ['build'] * 10 + ['deploy'] * 3
    assert [t['created'] for t in ordered[:10]] == sorted((t['created'] for t in ordered[:10]), reverse=True)
    assert names(run.result('by names')) == ['exampleorg-sushi-0001-1732886919-dltar', 'exampleorg-sushi-0002-1733155066-mkpat']
    everything = run.result('everything at once')
    assert names(everything) == ['exampleorg-sushi-0003-1733846412-deploy', 'exampleorg-sushi-0002-1733155398-deploy',
                                 'exampleorg-sushi-0002-1733155391-publish', 'exampleorg-sushi-0002-1733155262-mkdxf',
                                 'exampleorg-sushi-0002-1733155066-mkpat', 'exampleorg-sushi-0002-1733154909-mkraw',
                                 'exampleorg-sushi-0002-1733154780-dltar']
    assert list_queries(docs_edge) == [
        'status[]=running&status[]=pending&offset=0&limit=1000',
        'status[]=unfinished&offset=0&limit=1000',
        'taskTypes[]=deploy&offset=0&limit=1000',
        'taskGroup=sushi-0001&offset=0&limit=1000',
        'appName=ush&offset=0&limit=1000',
        'appName=sushi&offset=0&limit=1000',
        'created=2024-12-02T14:23:23Z&offset=0&limit=1000',
        'offset=0&limit=1000',
        'order[]=taskType&order[]=-created&offset=0&limit=1000',
        'offset=0&limit=1000',  # several names: the first page holds the whole list, so one request
        'appName=Sushi&taskGroup=exampleorg-sushi&status[]=done&taskTypes[]=build&taskTypes[]=deploy'
        '&created=2024-12-02T14:00:00Z&order[]=-created&order[]=appName&offset=0&limit=1000',
    ]


def test_details_merge_the_detail_records(playbook, docs_edge):
    run = playbook(play('''
    - name: details
      rockitplay.edge.rockit_tasks_info:
        task_group: sushi-0003
        details: true
    '''), docs_edge)
    assert run.rc == 0, run
    (deploy,) = run.result('details')['tasks']
    assert deploy['step'] == 'deploy' and deploy['build'] == 3 and deploy['acknowledged'] is False and deploy['service'] == 'edge'


def test_bad_filters_send_nothing(playbook, docs_edge):
    run = playbook(play('''
    - name: bad status
      rockitplay.edge.rockit_tasks_info:
        statuses: [runing]
      ignore_errors: true
    - name: bad date
      rockitplay.edge.rockit_tasks_info:
        created_after: 01/02/2025
      ignore_errors: true
    - name: bad order
      rockitplay.edge.rockit_tasks_info:
        order: [-size]
      ignore_errors: true
    '''), docs_edge)
    assert 'runing' in run.result('bad status')['msg']
    assert 'is not an ISO 8601 date' in run.result('bad date')['msg']
    assert "order: '-size' is not a sort key" in run.result('bad order')['msg']
    assert docs_edge.requests() == []


def test_hundreds_of_tasks_come_back_whole(playbook, docs_edge):
    for i in range(50):
        create_app(docs_edge, 'Bulk%02d' % i)
        docs_edge.api('POST', '/be/v1/builds', {'appName': 'Bulk%02d' % i, 'url': 'https://builds.example.com/bulk.tar'}, expect=200)
    docs_edge.advance(60)  # every first build: dltar, mkraw, mkdxf, publish, deploy
    docs_edge.clear()
    run = playbook(play('''
    - name: all
      rockitplay.edge.rockit_tasks_info:
        app_name: Bulk
        page_size: 100
    '''), docs_edge)
    assert run.rc == 0, run
    result = run.result('all')
    assert result['total_count'] == 250 and len(result['tasks']) == 250 and len(set(names(result))) == 250
    assert result['status_counts']['done'] == 250 and result['truncated'] is False
    assert list_queries(docs_edge) == ['appName=Bulk&offset=%d&limit=100' % o for o in (0, 100, 200)]

    docs_edge.clear()
    run = playbook(play('''
    - name: first
      rockitplay.edge.rockit_tasks_info:
        app_name: Bulk
        page_size: 100
        limit: 120
    '''), docs_edge)
    assert run.rc == 0, run
    assert len(run.result('first')['tasks']) == 120 and run.result('first')['truncated'] is True
    assert list_queries(docs_edge) == ['appName=Bulk&offset=0&limit=100', 'appName=Bulk&offset=100&limit=20']


def test_import_then_wait_returns_when_the_pipeline_is_done(playbook, docs_edge):
    """The emulator's clock stands still and moves one pipeline step (2 s) at each poll of the task list (a proxy
    in front of the emulator moves it): the wait sees the pipeline move, however slow the machine is. The module
    path gives the same results: test_parity.py."""
    create_app(docs_edge, 'Ramen')
    docs_edge.speed(0)
    docs_edge.clear()
    clock = ClockMover(docs_edge, 2).each('GET', '/be/v1/tasks')
    proxy = ForwardProxy(upstream=docs_edge.url, before=clock).start()
    run = playbook(play('''
    - name: import in check mode
      rockitplay.edge.rockit_build:
        app_name: Ramen
        url: https://builds.example.com/ramen/0001.tar
      check_mode: true
    - name: import
      rockitplay.edge.rockit_build:
        app_name: Ramen
        url: https://builds.example.com/ramen/0001.tar?sig=abc123
      register: imported
    - name: wait
      rockitplay.edge.rockit_tasks_info:
        task_group: "{{ imported.build.taskGroup }}"
        wait: true
        wait_sleep: 1
        wait_timeout: 120
        fail_on_failed: true
    - name: import and wait
      rockitplay.edge.rockit_build:
        app_name: Ramen
        url: https://builds.example.com/ramen/0002.tar
        wait: true
        wait_sleep: 1
    '''), docs_edge, env={'ROCKIT_EDGE_URL': proxy.url})
    proxy.stop()
    assert run.rc == 0, run
    assert run.result('import in check mode')['changed'] is True
    imported = run.result('import')
    assert imported['changed'] is True and imported['build']['taskGroup'] == 'exampleorg-ramen-0001'
    assert imported['build']['tasks'][0].endswith('-dltar') and 'abc123' not in str(imported)
    waited = run.result('wait')
    assert [t['name'].rsplit('-', 1)[-1] for t in waited['tasks']] == ['dltar', 'mkraw', 'mkdxf', 'publish', 'deploy']
    assert waited['status_counts']['done'] == 5
    second = run.result('import and wait')
    assert [t['name'].rsplit('-', 1)[-1] for t in second['tasks']] == ['dltar', 'mkraw', 'mkpat', 'mkdxf', 'publish', 'deploy']
    assert second['status_counts']['done'] == 6 and second['build']['iBuild'] == 2
    app = docs_edge.api('GET', '/be/v1/apps/Ramen', expect=200).json()['app']
    assert app['processing'] is False and app['iCurBuild'] == 2
    requests = docs_edge.requests()
    assert [r['path'] for r in requests if r['method'] == 'POST'] == ['/be/v1/builds', '/be/v1/builds']  # check mode sent nothing
    assert len(list_queries(docs_edge)) >= 3, 'the wait polled while the pipeline ran'
    assert 'warnings' not in waited


def test_a_failing_build_url_fails_the_wait_naming_the_dltar_task(playbook, docs_edge):
    create_app(docs_edge, 'Ramen')
    docs_edge.speed(10)
    run = playbook(play('''
    - name: import
      rockitplay.edge.rockit_build:
        app_name: Ramen
        url: https://builds.example.invalid/ramen.tar
      register: imported
    - name: wait
      rockitplay.edge.rockit_tasks_info:
        app_name: Ramen
        wait: true
        wait_sleep: 1
        fail_on_failed: true
      ignore_errors: true
    - name: retry
      rockitplay.edge.rockit_task:
        name: "{{ imported.build.tasks[0] }}"
        retry: true
    - name: wait for the retry
      rockitplay.edge.rockit_tasks_info:
        app_name: Ramen
        wait: true
        wait_sleep: 1
    - name: import again and wait
      rockitplay.edge.rockit_build:
        app_name: Ramen
        url: https://builds.example.invalid/ramen.tar
        wait: true
        wait_sleep: 1
      ignore_errors: true
    '''), docs_edge)
    waited = run.result('wait')
    dltar = run.result('import')['build']['tasks'][0]
    assert run.status('wait') == 'failed', run
    assert waited['msg'].startswith('Task %s failed: httpStatus=404, exitCode=22' % dltar), waited['msg']
    assert waited['failed_tasks'][0]['name'] == dltar
    retried = run.result('retry')
    assert retried['changed'] is True and retried['task']['name'] == dltar and retried['new_task']['name'] != dltar
    assert retried['new_task']['name'].endswith('-dltar') and retried['new_task']['taskGroup'] == 'exampleorg-ramen-0001'
    after_retry = run.result('wait for the retry')
    assert [t['status'] for t in after_retry['tasks']] == ['failed', 'failed']  # the same URL fails again
    again = run.result('import again and wait')
    assert run.status('import again and wait') == 'failed' and again['build']['iBuild'] == 2 and 'httpStatus=404' in again['msg']
    assert again['msg'].startswith('Task exampleorg-ramen-0002-'), again['msg']


def test_acknowledge_is_idempotent(playbook, docs_edge):
    """In one playbook run (the module path gives the same results: test_parity.py)."""
    ack = {'rockitplay.edge.rockit_task': {'name': DONE_TASK, 'acknowledged': True}}
    run = run_steps(playbook, docs_edge, ack, [('check', {}, True), ('ack', {}, False), ('again', {}, False)])
    assert run.result('check')['changed'] is True and run.result('check')['task']['acknowledged'] is True
    assert run.writes('check') == []
    result = run.result('ack')
    assert result['changed'] is True
    assert result['diff'] == {'before': {'name': DONE_TASK, 'acknowledged': False, 'expired': False, 'status': 'done'},
                              'after': {'name': DONE_TASK, 'acknowledged': True, 'expired': False, 'status': 'done'}}
    assert run.writes('ack') == [('PATCH', '/be/v1/tasks')]
    assert task_detail(docs_edge, DONE_TASK)['acknowledged'] is True
    assert run.result('again')['changed'] is False and run.writes('again') == []


def test_expire_marks_the_task_failed_and_acknowledged(playbook, docs_edge):
    expire = {'rockitplay.edge.rockit_task': {'name': '{{ task_name }}', 'expired': True}, 'ignore_errors': True}
    run = run_steps(playbook, docs_edge, expire, [
        ('expire', {'task_name': PENDING_UPLOAD}, False),
        ('expire a done task', {'task_name': DONE_TASK}, False),
        ('again', {'task_name': PENDING_UPLOAD}, False)])
    result = run.result('expire')
    assert result['changed'] is True
    assert result['diff']['after'] == {'name': PENDING_UPLOAD, 'acknowledged': True, 'expired': True, 'status': 'failed'}
    stored = task_detail(docs_edge, PENDING_UPLOAD)
    assert stored['status'] == 'failed' and stored['acknowledged'] is True and stored['expired'] is True
    refused = run.result('expire a done task')
    assert run.run.status('expire a done task') == 'failed' and 'is done and cannot be expired' in refused['msg']
    assert run.writes('expire') == [('PATCH', '/be/v1/tasks')] and run.writes('expire a done task') == []
    assert run.result('again')['changed'] is False and run.writes('again') == []


def test_retry_of_a_done_task_is_refused_without_a_write(playbook, docs_edge):
    run = playbook(play('''
    - name: retry
      rockitplay.edge.rockit_task:
        name: %s
        retry: true
    ''' % DONE_TASK), docs_edge)
    assert run.rc != 0
    assert 'is done; only failed tasks can be retried' in run.result('retry')['msg']
    assert docs_edge.writes() == []
