"""A server that differs from an API assumption: each case fails loudly or ends correct, never a silent wrong result.

Each test is one case of "when the Edge differs" (a failed build, ignored fields, another answer shape, a replacing
PATCH, a renamed one-time secret, a lost answer to a compare-and-swap write, a refused replacement), on the scripted
transport, asserting the exact requests and the result.
"""
import json

from ansible_collections.rockitplay.edge.plugins.modules import rockit_app, rockit_build, rockit_deployment, rockit_subscription, rockit_user

from module_runner import run_module  # pylint: disable=import-error
from edge_payloads import BOT, BUILD, GCORE, HOOK, HOOK_ARGS, IDLE, JDOE, S3, URL  # pylint: disable=import-error
from task_payloads import detail, listing, task  # pylint: disable=import-error

NOT_FOUND = {'status': 'failed', 'error': 'not-found', 'message': 'not found'}


def calls(fake):
    return [(c['method'], c['path']) for c in fake.calls]


def documented_only(item):
    """A task list item with only the documented fields."""
    return dict((k, item[k]) for k in ('name', 'service', 'status'))


# ------------------------------------------------------------------------------------------- tasks
def test_failed_build_is_a_failure_when_list_items_carry_only_documented_fields(fake, monkeypatch):
    dltar, mkraw = task('dltar', 'done'), task('mkraw', 'failed', epoch=1733149500)
    fake.add('POST', '/be/v1/builds', body={'status': 'success', 'build': BUILD})
    fake.add('GET', '/be/v1/tasks', body=listing(documented_only(dltar), documented_only(mkraw)))
    fake.add('GET', '/be/v1/tasks/' + dltar['name'], body=detail(dltar))
    fake.add('GET', '/be/v1/tasks/' + mkraw['name'], body=detail(mkraw, exitCode=3))
    fake.add('GET', '/be/v1/apps/Sushi', body=IDLE)
    result = run_module(rockit_build, fake, monkeypatch, app_name='Sushi', url=URL, wait=True)
    assert result['failed'] and result['msg'].startswith('Task %s failed: exitCode=3' % mkraw['name'])
    assert [t['taskGroup'] for t in result['tasks']] == [BUILD['taskGroup']] * 2
    # each detail is read once, although the group, the app and the failure check all need it
    assert calls(fake).count(('GET', '/be/v1/tasks/' + mkraw['name'])) == 1


def test_a_build_without_any_task_in_the_list_is_not_a_success(fake, monkeypatch):
    fake.add('POST', '/be/v1/builds', body={'status': 'success', 'build': BUILD})
    fake.add('GET', '/be/v1/tasks', body=listing())
    fake.add('GET', '/be/v1/apps/Sushi', body=IDLE)
    result = run_module(rockit_build, fake, monkeypatch, app_name='Sushi', url=URL, wait=True)
    assert result['failed'] and 'shows no task of its task group' in result['msg'] and result['build'] == BUILD


def test_an_unknown_task_status_is_never_a_success(fake, monkeypatch):
    odd = task('deploy', 'succeeded')
    fake.add('POST', '/be/v1/builds', body={'status': 'success', 'build': BUILD})
    fake.add('GET', '/be/v1/tasks', body=listing(odd), times=-1)
    fake.add('GET', '/be/v1/apps/Sushi', body={'status': 'success', 'app': {'name': 'Sushi', 'processing': True}}, times=-1)
    result = run_module(rockit_build, fake, monkeypatch, sleeps=[], app_name='Sushi', url=URL, wait=True, wait_timeout=0)
    assert result['failed'] and 'Timed out' in result['msg'] and 'not one the collection knows' in result['msg']


# ------------------------------------------------------------------------------------------- apps
def test_app_deployments_ignored_on_create_fails_loudly(fake, monkeypatch):
    fake.add('GET', '/be/v1/apps/Sushi', status=404, body=NOT_FOUND)
    fake.add('POST', '/be/v1/apps', body={'status': 'success', 'app': {'name': 'Sushi', 'label': 'S', 'maxBuilds': 5, 'deployments': []}})
    result = run_module(rockit_app, fake, monkeypatch, name='Sushi', label='S', deployments=['gcore'])
    assert result['failed'] and result['changed'] is True
    assert "deployments: declared ['gcore'], kept []" in result['msg']
    assert 'section 7' in result['msg'] and 'EVERY deployment' in result['msg']
    assert result['not_kept'] == [{'field': 'deployments', 'declared': ['gcore'], 'kept': [],
                                   'assumption': result['not_kept'][0]['assumption']}]
    assert calls(fake) == [('GET', '/be/v1/apps/Sushi'), ('POST', '/be/v1/apps')]   # the answer carried the app: no read


def test_app_deployments_ignored_on_update_fails_instead_of_changing_every_run(fake, monkeypatch):
    stored = {'name': 'Sushi', 'label': 'S', 'maxBuilds': 5, 'deployments': []}
    fake.add('GET', '/be/v1/apps/Sushi', body={'status': 'success', 'app': stored})
    fake.add('PATCH', '/be/v1/apps', body={'status': 'success', 'app': stored})
    result = run_module(rockit_app, fake, monkeypatch, name='Sushi', deployments=['gcore'])
    assert result['failed'] and "PATCH /be/v1/apps answered success, but deployments: declared ['gcore'], kept []" in result['msg']


def test_reference_spelling_is_compared_without_case(fake, monkeypatch):
    fake.add('GET', '/be/v1/apps/Sushi', body={'status': 'success', 'app': {'name': 'Sushi', 'label': 'S', 'deployments': ['GCore']}})
    result = run_module(rockit_app, fake, monkeypatch, name='Sushi', deployments=['gcore'])
    assert result['changed'] is False and fake.writes() == []


# ------------------------------------------------------------------------------------------- subscriptions
def records(sub):
    base = dict((k, v) for k, v in sub.items() if k not in ('events', 'created'))
    return [dict(base, event=e) for e in sub['events']]


def test_subscription_read_as_list_records_is_recognised_and_not_replaced(fake, monkeypatch):
    fake.add('GET', '/be/v1/subscriptions/deployWebhook', body={'status': 'success', 'subscriptions': records(HOOK)})
    result = run_module(rockit_subscription, fake, monkeypatch, **HOOK_ARGS)
    assert result.get('failed') is None and result['changed'] is False and fake.writes() == []
    assert result['subscription']['events'] == ['end', 'error']


def test_subscription_in_an_unrecognised_shape_fails_without_a_write(fake, monkeypatch):
    odd = dict((k, v) for k, v in HOOK.items() if k != 'events')
    odd['eventNames'] = ['end', 'error']
    fake.add('GET', '/be/v1/subscriptions/deployWebhook', body={'status': 'success', 'subscription': odd})
    result = run_module(rockit_subscription, fake, monkeypatch, **HOOK_ARGS)
    assert result['failed'] and 'holds no subscription the collection recognises' in result['msg']
    assert 'eventNames' in result['msg'] and 'section 9' in result['msg'] and fake.writes() == []


def test_subscription_secret_under_another_name_is_kept(fake, monkeypatch, tmp_path):
    secret_file = tmp_path / 'hook.secret'
    fake.add('GET', '/be/v1/subscriptions/deployWebhook', status=404, body=NOT_FOUND)
    fake.add('POST', '/be/v1/subscriptions', body={'status': 'success', 'signingSecret': 'sig-renamed', 'subscription': HOOK})
    result = run_module(rockit_subscription, fake, monkeypatch, secret_file=str(secret_file), **HOOK_ARGS)
    assert result['changed'] is True and result['secret'] == 'sig-renamed' and secret_file.read_text() == 'sig-renamed'


def test_refused_replacement_restores_the_previous_subscription(fake, monkeypatch, tmp_path):
    secret_file = tmp_path / 'hook.secret'
    fake.add('GET', '/be/v1/subscriptions/deployWebhook', body={'status': 'success', 'subscription': HOOK})
    fake.add('DELETE', '/be/v1/subscriptions/deployWebhook', body={'status': 'success', 'message': 'deleted'})
    fake.add('POST', '/be/v1/subscriptions', status=400,
             body={'status': 'failed', 'error': 'invalid-param', 'param': 'slack.channelId', 'message': 'the bot is not in #ops'})
    fake.add('POST', '/be/v1/subscriptions', body={'status': 'success', 'secret': 'sig-restored', 'subscription': HOOK})
    result = run_module(rockit_subscription, fake, monkeypatch, name='deployWebhook', sender='deploy', events=['end'],
                        slack_channel='#ops', secret_file=str(secret_file))
    assert result['failed'] and result['deleted'] is True and result['restored'] is True
    assert 'was deleted to be replaced' in result['msg'] and 'HTTP 400 invalid-param' in result['msg']
    assert 'restored with its previous definition' in result['msg'] and 'webhook.url=https://hooks.example.com/a' in result['msg']
    assert fake.writes()[2]['body'] == {'name': 'deployWebhook', 'sender': 'deploy', 'events': ['end', 'error'], 'type': 'webhook',
                                        'webhook': {'url': 'https://hooks.example.com/a'}}
    # the restore issued a new signing secret: kept (hidden) in the result and in the file
    assert result['secret'] == 'sig-restored' and secret_file.read_text() == 'sig-restored'


def test_refused_replacement_that_cannot_be_restored_says_so(fake, monkeypatch):
    fake.add('GET', '/be/v1/subscriptions/deployWebhook', body={'status': 'success', 'subscription': HOOK})
    fake.add('DELETE', '/be/v1/subscriptions/deployWebhook', body={'status': 'success', 'message': 'deleted'})
    fake.add('POST', '/be/v1/subscriptions', status=400, body={'status': 'failed', 'error': 'invalid-param', 'message': 'no'}, times=2)
    result = run_module(rockit_subscription, fake, monkeypatch, name='deployWebhook', sender='deploy', events=['end'],
                        slack_channel='#ops')
    assert result['failed'] and result['restored'] is False and 'could NOT be restored' in result['msg']
    assert "sender=deploy" in result['msg'] and result['previous']['events'] == ['end', 'error']


# ------------------------------------------------------------------------------------------- users
def test_ignored_role_change_is_a_failure_not_a_success(fake, monkeypatch):
    fake.add('GET', '/be/v1/users/jdoe', body={'status': 'success', 'user': JDOE})
    fake.add('PATCH', '/be/v1/users', body={'status': 'success', 'user': JDOE})
    result = run_module(rockit_user, fake, monkeypatch, username='jdoe', roles=['Managers'])
    assert result['failed'] and fake.writes()[0]['body'] == {'username': 'jdoe', 'roles': ['Managers']}
    assert "roles: declared ['Managers'], kept ['Managers', 'Testers']" in result['msg'] and 'section 5' in result['msg']


def test_machine_user_key_under_another_name_is_kept(fake, monkeypatch, tmp_path):
    key_file = tmp_path / 'ci_bot.key'
    fake.add('GET', '/be/v1/users/ci_bot', status=404, body=NOT_FOUND)
    fake.add('POST', '/be/v1/users', body={'status': 'success', 'user': BOT, 'key': 'renamed-key-1'})
    result = run_module(rockit_user, fake, monkeypatch, username='ci_bot', type='machine', label='CI',
                        roles=['CI_Pipeline_Services'], api_key_file=str(key_file))
    assert result['changed'] is True and result['api_key'] == 'renamed-key-1' and key_file.read_text() == 'renamed-key-1'


def test_machine_user_key_inside_the_object_is_kept_and_not_shown_there(fake, monkeypatch):
    fake.add('GET', '/be/v1/users/ci_bot', status=404, body=NOT_FOUND)
    fake.add('POST', '/be/v1/users', body={'status': 'success', 'user': dict(BOT, apiKey='inner-key-1')})
    result = run_module(rockit_user, fake, monkeypatch, username='ci_bot', type='machine', label='CI', roles=['CI_Pipeline_Services'])
    assert result['api_key'] == 'inner-key-1' and 'inner-key-1' not in json.dumps(result['user'])


def test_machine_user_key_not_found_fails_loudly_naming_the_fields(fake, monkeypatch):
    fake.add('GET', '/be/v1/users/ci_bot', status=404, body=NOT_FOUND)
    fake.add('POST', '/be/v1/users', body={'status': 'success', 'user': BOT, 'credential': {'id': 'k1', 'value': 'hidden-value-1'}})
    result = run_module(rockit_user, fake, monkeypatch, username='ci_bot', type='machine', label='CI', roles=['CI_Pipeline_Services'])
    assert result['failed'] and result['changed'] is True
    assert 'its answer carries no API key' in result['msg'] and 'credential.value' in result['msg'] and 'user.username' in result['msg']
    assert 'rockitplay.edge.rockit_api_key' in result['msg'] and 'state=absent' in result['msg']
    assert 'hidden-value-1' not in json.dumps(result) and 'k1' not in result['msg']


def test_lost_answer_to_a_password_change_is_never_resent_blindly(fake, monkeypatch):
    """The change was carried out but its answer was lost: the new password works, so the task reports the truth."""
    import requests
    me = dict(edge_username='jdoe')
    fake.add('GET', '/be/v1/users/jdoe', body={'status': 'success', 'user': JDOE})
    fake.add('POST', '/be/v1/login', status=401, body={'status': 'failed', 'error': 'unauthorized', 'message': 'wrong'})
    fake.add('PATCH', '/be/v1/users', exc=requests.exceptions.ConnectionError('connection reset after the request was sent'))
    fake.add('PATCH', '/be/v1/users', status=400, body={'status': 'failed', 'error': 'invalid-param', 'param': 'oldPW',
                                                        'message': 'oldPW does not match the current password.'})
    fake.add('POST', '/be/v1/login', body={'status': 'success', 'orgs': ['ExampleOrg'], 'orgSelectionToken': 't', 'expiresIn': 900})
    result = run_module(rockit_user, fake, monkeypatch, username='jdoe', password='Pw-new-00001', current_password='Pw-old-00001',
                        update_password='always', **me)
    assert result.get('failed') is None, result['msg']
    assert result['changed'] is True
    assert [c['method'] for c in fake.calls if c['path'] == '/be/v1/users'] == ['PATCH']
    logins = [c['body'] for c in fake.calls if c['path'] == '/be/v1/login']
    assert logins == [{'username': 'jdoe', 'password': 'Pw-new-00001'}] * 2
    assert 'Pw-new-00001' not in json.dumps(result)


def test_lost_answer_to_a_password_change_not_carried_out_is_sent_once_more(fake, monkeypatch):
    import requests
    fake.add('GET', '/be/v1/users/jdoe', body={'status': 'success', 'user': JDOE}, times=2)
    fake.add('POST', '/be/v1/login', status=401, body={'status': 'failed', 'error': 'unauthorized', 'message': 'wrong'}, times=2)
    fake.add('PATCH', '/be/v1/users', exc=requests.exceptions.ConnectionError('connection refused'))
    fake.add('POST', '/be/v1/login', body={'status': 'success', 'orgs': ['ExampleOrg'], 'orgSelectionToken': 't', 'expiresIn': 900})
    fake.add('PATCH', '/be/v1/users', body={'status': 'success', 'user': JDOE})
    result = run_module(rockit_user, fake, monkeypatch, username='jdoe', password='Pw-new-00001', current_password='Pw-old-00001',
                        update_password='always', edge_username='jdoe')
    assert result['changed'] is True
    assert [c['method'] for c in fake.calls if c['path'].startswith('/be/v1/users')] == ['GET', 'PATCH', 'PATCH']
    assert [c['body']['password'] for c in fake.calls if c['path'] == '/be/v1/login'] == ['Pw-new-00001', 'Pw-new-00001', 'Pw-old-00001']


def test_lost_answer_to_a_password_change_when_neither_password_works(fake, monkeypatch):
    import requests
    fake.add('GET', '/be/v1/users/jdoe', body={'status': 'success', 'user': JDOE}, times=2)
    fake.add('POST', '/be/v1/login', status=401, body={'status': 'failed', 'error': 'unauthorized', 'message': 'wrong'}, times=3)
    fake.add('PATCH', '/be/v1/users', exc=requests.exceptions.ConnectionError('connection reset'))
    result = run_module(rockit_user, fake, monkeypatch, username='jdoe', password='Pw-new-00001', current_password='Pw-old-00001',
                        update_password='always', edge_username='jdoe')
    assert result['failed'] and 'accepts neither current_password nor password' in result['msg']
    assert [c['method'] for c in fake.writes() if c['path'] == '/be/v1/users'] == ['PATCH']


# ------------------------------------------------------------------------------------------- deployments
def test_one_field_origin_change_on_a_replacing_server_fails_loudly(fake, monkeypatch):
    fake.add('GET', '/be/v1/deployments/gcore', body={'status': 'success', 'deployment': GCORE})
    replaced = dict(GCORE, origin={'endpoint': 's3.eu-central-1.other.example.com'})
    fake.add('PATCH', '/be/v1/deployments', body={'status': 'success', 'deployment': replaced})
    origin = dict((k, v) for k, v in S3.items() if k not in ('access_key_id', 'secret_access_key'))
    result = run_module(rockit_deployment, fake, monkeypatch, name='gcore', origin=dict(origin, endpoint='s3.eu-central-1.other.example.com'))
    assert fake.writes()[0]['body'] == {'name': 'gcore', 'origin': {'endpoint': 's3.eu-central-1.other.example.com'}}
    assert result['failed'] and 'origin.type' in result['msg'] and 'origin.bucket' in result['msg']
    assert 'replace the whole origin' in result['msg'] and 'update_secrets: always' in result['msg'] and 'section 6' in result['msg']
    assert 's3-known-secret' not in json.dumps(result)


def test_origin_change_with_credentials_sends_the_whole_origin(fake, monkeypatch):
    fake.add('GET', '/be/v1/deployments/gcore', body={'status': 'success', 'deployment': GCORE})
    moved = dict(GCORE, origin=dict(GCORE['origin'], endpoint='s3.eu-central-1.other.example.com'))
    fake.add('PATCH', '/be/v1/deployments', body={'status': 'success', 'deployment': moved})
    result = run_module(rockit_deployment, fake, monkeypatch, name='gcore', update_secrets='always',
                        origin=dict(S3, endpoint='s3.eu-central-1.other.example.com'))
    assert result['changed'] is True and result.get('failed') is None
    assert fake.writes()[0]['body']['origin'] == {'type': 's3', 'endpoint': 's3.eu-central-1.other.example.com', 'region': 'eu-central-1',
                                                  'bucket': 'games', 'credentials': {'accessKeyId': 'AKIA-known-id',
                                                                                     'secretAccessKey': 's3-known-secret'}}
    assert result['diff']['before']['origin']['endpoint'] == 's3.eu-central-1.example.com'


def test_subscription_create_without_a_secret_fails_loudly_naming_the_fields(fake, monkeypatch):
    fake.add('GET', '/be/v1/subscriptions/deployWebhook', status=404, body=NOT_FOUND)
    fake.add('POST', '/be/v1/subscriptions', body={'status': 'success', 'subscription': HOOK, 'jwt': {'alg': 'HS256'}})
    result = run_module(rockit_subscription, fake, monkeypatch, **HOOK_ARGS)
    assert result['failed'] and result['changed'] is True and 'secret' not in result
    assert 'its answer carries no signing secret' in result['msg'] and 'jwt.alg' in result['msg']
    assert 'state=absent' in result['msg'] and 'section 9' in result['msg'] and 'HS256' not in result['msg']


def test_status_only_create_answers_are_read_back_once(fake, monkeypatch):
    fake.add('GET', '/be/v1/subscriptions/deployWebhook', status=404, body=NOT_FOUND)
    fake.add('POST', '/be/v1/subscriptions', body={'status': 'success', 'secret': 'sig-1'})
    fake.add('GET', '/be/v1/subscriptions/deployWebhook', body={'status': 'success', 'subscription': HOOK})
    result = run_module(rockit_subscription, fake, monkeypatch, **HOOK_ARGS)
    assert result['changed'] is True and result['secret'] == 'sig-1' and result['subscription']['events'] == ['end', 'error']
    assert calls(fake) == [('GET', '/be/v1/subscriptions/deployWebhook'), ('POST', '/be/v1/subscriptions'),
                           ('GET', '/be/v1/subscriptions/deployWebhook')]
