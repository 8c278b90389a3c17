"""rockit_subscription and rockit_subscription_info as modules: exact requests, refusals, the signing secret."""
import json
import os
import stat

import pytest

from ansible_collections.rockitplay.edge.plugins.module_utils.subscription import aggregate, expand
from ansible_collections.rockitplay.edge.plugins.modules import rockit_subscription, rockit_subscription_info

from module_runner import run_module  # pylint: disable=import-error
from edge_payloads import HOOK_ARGS as ARGS, HOOK  # pylint: disable=import-error

NOT_FOUND = {'status': 'failed', 'error': 'not-found', 'message': 'no such subscription'}


def run(module, fake, monkeypatch, conn=None, check=False, **args):
    """Run a module as the admin (or as ``conn``) on the scripted transport."""
    return run_module(module, fake, monkeypatch, check_mode=check, **dict(conn or {}, **args))


def sub(fake, monkeypatch, **args):
    return run(rockit_subscription, fake, monkeypatch, **args)


def test_create_sends_exact_payload_and_returns_secret(fake, monkeypatch, tmp_path):
    secret_file = tmp_path / 'hook.secret'
    fake.add('GET', '/be/v1/subscriptions/deployWebhook', status=404, body=NOT_FOUND)
    fake.add('POST', '/be/v1/subscriptions', body={'status': 'success', 'secret': 'sig-secret-1', 'subscription': HOOK})
    result = sub(fake, monkeypatch, secret_file=str(secret_file), **ARGS)
    assert fake.writes()[0]['body'] == {'name': 'deployWebhook', 'sender': 'deploy', 'events': ['end', 'error'], 'type': 'webhook',
                                        'webhook': {'url': 'https://hooks.example.com/a'}}
    assert result['changed'] is True and result['secret'] == 'sig-secret-1'
    assert 'sig-secret-1' not in json.dumps(dict((k, v) for k, v in result.items() if k != 'secret'))
    assert result['diff'] == {'before': {}, 'after': {'name': 'deployWebhook', 'sender': 'deploy', 'events': ['end', 'error'],
                                                      'type': 'webhook', 'webhook': {'url': 'https://hooks.example.com/a'}}}
    assert secret_file.read_text() == 'sig-secret-1'
    assert stat.S_IMODE(os.stat(str(secret_file)).st_mode) == 0o600


def test_slack_payload(fake, monkeypatch):
    fake.add('GET', '/be/v1/subscriptions/dltarSlack', status=404, body=NOT_FOUND)
    fake.add('POST', '/be/v1/subscriptions', body={'status': 'success', 'secret': 's', 'subscription': {'name': 'dltarSlack'}})
    sub(fake, monkeypatch, name='dltarSlack', sender='dltar', events=['error', 'error', 'exception'], slack_channel='#rockit-events')
    assert fake.writes()[0]['body'] == {'name': 'dltarSlack', 'sender': 'dltar', 'events': ['error', 'exception'], 'type': 'slack',
                                        'slack': {'channelId': '#rockit-events'}}


def test_same_again_in_another_order_is_unchanged(fake, monkeypatch):
    fake.add('GET', '/be/v1/subscriptions/deployWebhook', body={'status': 'success', 'subscription': HOOK})
    result = sub(fake, monkeypatch, **ARGS)
    assert result['changed'] is False and 'secret' not in result and fake.writes() == []


def test_change_replaces_and_returns_new_secret(fake, monkeypatch):
    fake.add('GET', '/be/v1/subscriptions/deployWebhook', body={'status': 'success', 'subscription': HOOK})
    fake.add('DELETE', '/be/v1/subscriptions/deployWebhook', body={'status': 'success', 'message': 'deleted'})
    new = dict(HOOK, type='slack', events=['end'], slack={'channelId': '#ops'})
    del new['webhook']
    fake.add('POST', '/be/v1/subscriptions', body={'status': 'success', 'secret': 'sig-secret-2', 'subscription': new})
    result = sub(fake, monkeypatch, name='deployWebhook', sender='deploy', events=['end'], slack_channel='#ops')
    assert [(w['method'], w['path']) for w in fake.writes()] == [
        ('DELETE', '/be/v1/subscriptions/deployWebhook'), ('POST', '/be/v1/subscriptions')]
    assert fake.writes()[1]['body'] == {'name': 'deployWebhook', 'sender': 'deploy', 'events': ['end'], 'type': 'slack',
                                        'slack': {'channelId': '#ops'}}
    assert result['changed'] is True and result['secret'] == 'sig-secret-2'
    assert result['diff'] == {
        'before': {'name': 'deployWebhook', 'sender': 'deploy', 'events': ['end', 'error'], 'type': 'webhook',
                   'webhook': {'url': 'https://hooks.example.com/a'}},
        'after': {'name': 'deployWebhook', 'sender': 'deploy', 'events': ['end'], 'type': 'slack', 'slack': {'channelId': '#ops'}}}


def test_a_replacement_whose_create_is_refused_still_reports_the_deletion(fake, monkeypatch):
    fake.add('GET', '/be/v1/subscriptions/deployWebhook', body={'status': 'success', 'subscription': HOOK})
    fake.add('DELETE', '/be/v1/subscriptions/deployWebhook', body={'status': 'success', 'message': 'deleted'})
    fake.add('POST', '/be/v1/subscriptions', status=400, body={'status': 'failed', 'error': 'invalid-param', 'message': 'no'})
    fake.add('POST', '/be/v1/subscriptions', body={'status': 'success', 'subscription': HOOK, 'secret': 'restored-secret-1'})
    result = sub(fake, monkeypatch, name='deployWebhook', sender='deploy', events=['end'], slack_channel='#ops')
    assert result['failed'] and result['changed'] is True and result['api_status'] == 400
    assert 'restored with its previous definition' in result['msg'] and result['secret'] == 'restored-secret-1'


def test_check_mode_replacement_predicts_without_writing(fake, monkeypatch):
    fake.add('GET', '/be/v1/subscriptions/deployWebhook', body={'status': 'success', 'subscription': HOOK})
    result = sub(fake, monkeypatch, check=True, name='deployWebhook', sender='deploy', events=['end'], slack_channel='#ops')
    assert result['changed'] is True and fake.writes() == [] and 'secret' not in result
    assert result['subscription']['slack'] == {'channelId': '#ops'} and 'webhook' not in result['subscription']


def test_delete_and_delete_again(fake, monkeypatch):
    fake.add('GET', '/be/v1/subscriptions/deployWebhook', body={'status': 'success', 'subscription': HOOK})
    fake.add('DELETE', '/be/v1/subscriptions/deployWebhook', body={'status': 'success', 'message': 'deleted'})
    assert sub(fake, monkeypatch, name='deployWebhook', state='absent')['changed'] is True
    fake.add('GET', '/be/v1/subscriptions/deployWebhook', status=404, body=NOT_FOUND)
    assert sub(fake, monkeypatch, name='deployWebhook', state='absent')['changed'] is False
    assert len(fake.writes()) == 1


@pytest.mark.parametrize('args, fragment', [
    (dict(ARGS, name='x'), "name: 'x' does not match"),
    (dict(ARGS, webhook_url='ftp://hooks.example.com/a'), "webhook_url: 'ftp://hooks.example.com/a' is not an http or https URL"),
    (dict(ARGS, webhook_url='hooks.example.com/a'), 'is not an http or https URL'),
    (dict(ARGS, webhook_url='https:///nohost'), 'is not an http or https URL'),
    (dict(ARGS, webhook_url='https://hooks.example.com/a b'), 'is not an http or https URL'),
    (dict(ARGS, webhook_url='javascript:alert(1)'), 'is not an http or https URL'),
    (dict(ARGS, webhook_url='https://user:hunter22@hooks.example.com/a'), 'webhook_url: the URL carries a user name or password'),
    (dict(ARGS, webhook_url='https://hooks.example.com:123456/a'), 'port of'),
    (dict(ARGS, webhook_url='https://[2001:db8::1]/a'), 'is an IPv6 address'),
    (dict(name='s1', sender='deploy', events=['end'], slack_channel='#Upper'), "slack_channel: '#Upper' is not a Slack channel"),
    (dict(name='s1', sender='deploy', events=['end'], slack_channel='general'), 'is not a Slack channel'),
    (dict(name='s1', sender='deploy', events=['end'], slack_channel='#' + 'a' * 81), 'is not a Slack channel'),
    (dict(name='s1', sender='deploy', events=['end'], slack_channel='#a b'), 'is not a Slack channel'),
    (dict(ARGS, slack_channel='#ops'), 'mutually exclusive'),
    (dict(name='s1', sender='deploy', events=['end']), 'webhook_url, slack_channel'),
    (dict(name='s1', events=['end'], webhook_url='https://h.example.com'), 'sender'),
    (dict(ARGS, events=['end', 'finish']), 'finish'),
    (dict(ARGS, sender='mkdxf'), 'mkdxf'),
    (dict(ARGS, events=[]), 'events: give at least one'),
    (dict(ARGS, secret_file='/nonexistent-dir/s'), 'directory /nonexistent-dir does not exist'),
])
def test_bad_input_refused_before_any_request(fake, monkeypatch, args, fragment):
    result = sub(fake, monkeypatch, **args)
    assert result['failed'] and fragment in result['msg'], result['msg']
    assert fake.calls == []


@pytest.mark.parametrize('channel', ['#rockitplay-events', '#a', '#ops_team.eu', 'C0123456789', 'G0123ABCD9'])
def test_good_slack_channels_accepted(fake, monkeypatch, channel):
    fake.add('GET', '/be/v1/subscriptions/s1', body={'status': 'success', 'subscription': {
        'name': 's1', 'sender': 'deploy', 'events': ['end'], 'type': 'slack', 'slack': {'channelId': channel}}})
    assert sub(fake, monkeypatch, name='s1', sender='deploy', events=['end'], slack_channel=channel)['changed'] is False


RECORDS = [
    {'name': 'deploySlack', 'sender': 'deploy', 'event': 'end', 'type': 'slack', 'slack': {'channelId': '#e'}, 'orgName': 'O'},
    {'name': 'dltarWebhook', 'sender': 'dltar', 'event': 'error', 'type': 'webhook', 'webhook': {'url': 'http://x/w'}, 'orgName': 'O'},
    {'name': 'dltarWebhook', 'sender': 'dltar', 'event': 'exception', 'type': 'webhook', 'webhook': {'url': 'http://x/w'}, 'orgName': 'O'},
]


def test_aggregate_and_expand():
    subs = aggregate(RECORDS)
    assert subs == [
        {'name': 'deploySlack', 'sender': 'deploy', 'events': ['end'], 'type': 'slack', 'slack': {'channelId': '#e'}, 'orgName': 'O'},
        {'name': 'dltarWebhook', 'sender': 'dltar', 'events': ['error', 'exception'], 'type': 'webhook',
         'webhook': {'url': 'http://x/w'}, 'orgName': 'O'}]
    assert [r for s in subs for r in expand(s)] == RECORDS


def test_info_aggregates_every_page(fake, monkeypatch):
    records = [dict(RECORDS[0], name='s%04d' % (i // 2), event=['end', 'error'][i % 2]) for i in range(1200)]
    fake.add('GET', '/be/v1/subscriptions', body={'status': 'success', 'totalCount': 1200, 'subscriptions': records[:1000]})
    fake.add('GET', '/be/v1/subscriptions', body={'status': 'success', 'totalCount': 1200, 'subscriptions': records[1000:]})
    result = run(rockit_subscription_info, fake, monkeypatch)
    assert result['total_count'] == 600 and len(result['subscriptions']) == 600 and len(result['records']) == 1200
    assert result['subscriptions'][499]['events'] == ['end', 'error']  # split across the two pages
    assert [c['query'] for c in fake.calls] == ['offset=0&limit=1000', 'offset=1000&limit=1000']


def test_info_one_and_missing(fake, monkeypatch):
    fake.add('GET', '/be/v1/subscriptions/deployWebhook', body={'status': 'success', 'subscription': HOOK})
    result = run(rockit_subscription_info, fake, monkeypatch, name='deployWebhook')
    assert result['subscriptions'] == [HOOK] and result['total_count'] == 1
    assert [r['event'] for r in result['records']] == ['end', 'error'] and 'events' not in result['records'][0]
    fake.add('GET', '/be/v1/subscriptions/nope', status=404, body=NOT_FOUND)
    result = run(rockit_subscription_info, fake, monkeypatch, name='nope')
    assert result['subscriptions'] == [] and result['total_count'] == 0 and result['records'] == []
