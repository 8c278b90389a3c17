"""rockit_build as a module: the import request, check mode, hints, and waiting with the shared wait code."""
import json

import pytest
from ansible.module_utils.common.warnings import get_warning_messages
from ansible.module_utils.six.moves.urllib.parse import unquote

from ansible_collections.rockitplay.edge.plugins.modules import rockit_build

from task_payloads import NOT_FOUND, detail, listing, task  # pylint: disable=import-error
from module_runner import run_module  # pylint: disable=import-error
from edge_payloads import BUILD, IDLE, URL  # pylint: disable=import-error

GROUP = 'exampleorg-sushi-0002'


def run(fake, monkeypatch, **args):
    return run_module(rockit_build, fake, monkeypatch, **dict(dict(app_name='Sushi', url=URL), **args))


def test_import_sends_the_documented_body(fake, monkeypatch):
    fake.add('POST', '/be/v1/builds', body={'status': 'success', 'build': BUILD})
    result = run(fake, monkeypatch, size=166711296)
    assert result['changed'] is True and result['build'] == BUILD
    assert [(w['method'], w['path'], w['body']) for w in fake.writes()] == [
        ('POST', '/be/v1/builds', {'appName': 'Sushi', 'url': URL, 'size': 166711296})]
    assert 's3cr3t' not in json.dumps(result)  # the URL is treated as a secret


def test_check_mode_sends_nothing_and_warns_about_a_missing_app(fake, monkeypatch):
    fake.add('GET', '/be/v1/apps/Sushi', status=404, body=NOT_FOUND)
    result = run(fake, monkeypatch, check_mode=True)
    assert result['changed'] is True and result['build'] == {'appName': 'Sushi'} and fake.writes() == []
    assert any('App Sushi does not exist' in w for w in get_warning_messages())


@pytest.mark.parametrize('args, fragment', [
    ({'url': 'ftp://builds.example.com/x.tar'}, 'url: the URL is not an http or https URL'),
    ({'url': 'https://user:pw@builds.example.com/x.tar'}, 'url: the URL carries a user name or password'),
    ({'url': 'https://builds.example.com:123456/x.tar'}, 'url: the port of the URL is not a port from 1 to 65535'),
    ({'url': 'builds.example.com/x.tar'}, 'url:'),
    ({'app_name': 'Sushi Bar'}, 'app_name'),
    ({'size': 0}, 'size: 0'),
    ({'wait': True, 'wait_sleep': 0}, 'wait_sleep'),
])
def test_bad_input_sends_nothing(fake, monkeypatch, args, fragment):
    result = run(fake, monkeypatch, **args)
    assert result['failed'] and fragment in result['msg'] and fake.calls == []


@pytest.mark.parametrize('status, body, fragment', [
    (404, NOT_FOUND, 'create it first with rockitplay.edge.rockit_app'),
    (409, {'status': 'failed', 'error': 'conflict', 'message': 'busy'}, 'is processing another build'),
])
def test_refusals_get_hints(fake, monkeypatch, status, body, fragment):
    fake.add('POST', '/be/v1/builds', status=status, body=body)
    result = run(fake, monkeypatch)
    assert result['failed'] and fragment in result['msg']


def test_wait_follows_the_exact_task_group_until_the_app_is_idle(fake, monkeypatch):
    dltar = task('dltar', 'running')
    other = task('dltar', 'running', group=GROUP + '0')  # taskGroup is a partial match on the Edge
    fake.add('POST', '/be/v1/builds', body={'status': 'success', 'build': BUILD})
    fake.add('GET', '/be/v1/tasks', body=listing(dltar, other))
    fake.add('GET', '/be/v1/tasks', body=listing(dict(dltar, status='done'), task('deploy', 'done', epoch=1733149999), other))
    fake.add('GET', '/be/v1/apps/Sushi', body=IDLE)
    sleeps = []
    result = run(fake, monkeypatch, sleeps=sleeps, wait=True, wait_sleep=3)
    assert result['changed'] is True and result['build'] == BUILD and sleeps == [3]
    assert [t['taskGroup'] for t in result['tasks']] == [GROUP, GROUP] and result['status_counts']['done'] == 2
    assert [unquote(c['query']) for c in fake.calls if c['path'] == '/be/v1/tasks'] == ['taskGroup=%s&offset=0&limit=1000' % GROUP] * 2


def test_wait_fails_on_a_failed_step_by_default(fake, monkeypatch):
    bad = task('dltar', 'failed')
    fake.add('POST', '/be/v1/builds', body={'status': 'success', 'build': BUILD})
    fake.add('GET', '/be/v1/tasks', body=listing(bad))
    fake.add('GET', '/be/v1/apps/Sushi', body=IDLE)
    fake.add('GET', '/be/v1/tasks/' + bad['name'], body=detail(bad, httpStatus=404, exitCode=22))
    result = run(fake, monkeypatch, wait=True)
    assert result['failed'] and result['msg'].startswith('Task %s failed: httpStatus=404, exitCode=22' % bad['name'])
    assert result['build'] == BUILD and result['changed'] is True


def test_wait_timeout_keeps_the_build(fake, monkeypatch):
    fake.add('POST', '/be/v1/builds', body={'status': 'success', 'build': BUILD})
    fake.add('GET', '/be/v1/tasks', body=listing(task('dltar', 'running')), times=-1)
    fake.add('GET', '/be/v1/apps/Sushi', body={'status': 'success', 'app': {'name': 'Sushi', 'processing': True}})
    result = run(fake, monkeypatch, sleeps=[], wait=True, wait_timeout=0)
    assert result['failed'] and 'Timed out after 0 seconds' in result['msg'] and result['build'] == BUILD
    # as documented: the build's app, still processing while a step is pending; and the import was a change
    assert result['processing_apps'] == ['Sushi'] and result['changed'] is True
    assert 'The Edge is still processing a build of app Sushi' in result['msg']
