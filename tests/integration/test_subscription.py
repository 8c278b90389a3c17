"""rockit_subscription and rockit_subscription_info against the emulator, through the fast path and the module path.

The lifecycle (create, unchanged second run, check mode, exact diff, replacement = DELETE then POST
with a new signing secret, delete), the secret hidden from the output and written to a 0600 file,
refusals before any request, and the info module's aggregation of the (name, event) records.
"""
import os
import stat

import pytest

pytestmark = pytest.mark.integration

PATHS = ['fast-path', 'module-path']
OPTIONS = ('sender', 'events', 'webhook_url', 'slack_channel', 'secret_file', 'state')
PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: subscription
      rockitplay.edge.rockit_subscription:
        name: "{{ s_name | default('deployWebhook') }}"
%s
      register: registered
    - name: shown
      ansible.builtin.debug:
        msg:
          changed: "{{ registered.changed }}"
          diff: "{{ registered.diff | default(None) }}"
          subscription: "{{ registered.subscription }}"
          has_secret: "{{ registered.secret is defined }}"
''' % '\n'.join('        %s: "{{ s_%s | default(omit) }}"' % (o, o) for o in OPTIONS)
HOOK = 'https://hooks.example.com/rockit'
DECLARED = dict(s_sender='deploy', s_events=['end', 'error'], s_webhook_url=HOOK)


def writes(edge):
    return [(w['method'], w['path']) for w in edge.writes()]


def apply(playbook, edge, fast_path, variables=None, check=False, verbosity=0, **changes):
    extra_vars = dict(variables or {})
    extra_vars.update(changes)
    run = playbook(PLAY, edge, extra_vars=extra_vars, diff=True, check=check, fast_path=fast_path, verbosity=verbosity)
    assert run.rc == 0, run
    shown = run.result('shown')['msg']
    assert 'secret' not in run.result('subscription') and shown['has_secret'] is ('censored' in run.result('subscription'))
    return shown


def read_secret(path):
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path) as handle:
        return handle.read()


@pytest.mark.parametrize('fast_path', [True, False], ids=PATHS)
def test_subscription_lifecycle(playbook, edge, fast_path, tmp_path):
    secret_file = str(tmp_path / 'deployWebhook.secret')
    declared = dict(DECLARED, s_secret_file=secret_file)
    view = {'name': 'deployWebhook', 'sender': 'deploy', 'events': ['end', 'error'], 'type': 'webhook', 'webhook': {'url': HOOK}}

    # check mode on create: predicted, nothing written
    result = apply(playbook, edge, fast_path, declared, check=True)
    assert result['changed'] is True and result['subscription']['webhook'] == {'url': HOOK} and not result['has_secret']
    assert result['diff'] == {'before': {}, 'after': view}
    assert writes(edge) == [] and not os.path.exists(secret_file)

    # create: exact diff, one POST, a secret (hidden from the output) also in a 0600 file
    result = apply(playbook, edge, fast_path, declared)
    assert result['changed'] is True and result['has_secret'] is True
    assert result['diff'] == {'before': {}, 'after': view}
    first_secret = read_secret(secret_file)
    assert writes(edge) == [('POST', '/be/v1/subscriptions')]
    got = edge.api('GET', '/be/v1/subscriptions/deployWebhook', expect=200).json()['subscription']
    assert got['sender'] == 'deploy' and sorted(got['events']) == ['end', 'error'] and got['webhook'] == {'url': HOOK}

    # the same again, events in another order: unchanged, no write, no secret
    edge.clear()
    result = apply(playbook, edge, fast_path, declared, s_events=['error', 'end', 'error'])
    assert result['changed'] is False and not result['has_secret'] and writes(edge) == []
    assert result['diff'] == {'before': view, 'after': view}
    assert read_secret(secret_file) == first_secret

    # check mode on update
    result = apply(playbook, edge, fast_path, declared, check=True, s_events=['end'])
    assert result['changed'] is True and result['subscription']['events'] == ['end'] and writes(edge) == []
    assert read_secret(secret_file) == first_secret

    # update: replaced (DELETE, then POST), exact diff, a new secret
    result = apply(playbook, edge, fast_path, declared, s_events=['end'])
    assert result['changed'] is True and result['has_secret'] is True
    assert result['diff'] == {'before': view, 'after': dict(view, events=['end'])}
    assert read_secret(secret_file) != first_secret
    assert writes(edge) == [('DELETE', '/be/v1/subscriptions/deployWebhook'), ('POST', '/be/v1/subscriptions')]

    # switch to Slack: the diff shows both targets
    edge.clear()
    result = apply(playbook, edge, fast_path, s_sender='deploy', s_events=['end'], s_slack_channel='#rockit-events')
    assert result['diff'] == {
        'before': {'name': 'deployWebhook', 'sender': 'deploy', 'events': ['end'], 'type': 'webhook', 'webhook': {'url': HOOK}},
        'after': {'name': 'deployWebhook', 'sender': 'deploy', 'events': ['end'], 'type': 'slack', 'slack': {'channelId': '#rockit-events'}}}
    assert 'webhook' not in result['subscription']
    assert writes(edge) == [('DELETE', '/be/v1/subscriptions/deployWebhook'), ('POST', '/be/v1/subscriptions')]

    # check mode on delete, delete, delete again
    edge.clear()
    assert apply(playbook, edge, fast_path, check=True, s_state='absent')['changed'] is True
    assert writes(edge) == []
    result = apply(playbook, edge, fast_path, s_state='absent')
    assert result['changed'] is True and result['subscription'] is None
    assert result['diff']['before']['type'] == 'slack' and result['diff']['after'] == {}
    assert writes(edge) == [('DELETE', '/be/v1/subscriptions/deployWebhook')]
    edge.clear()
    assert apply(playbook, edge, fast_path, s_state='absent')['changed'] is False
    assert writes(edge) == []


@pytest.mark.parametrize('fast_path', [True, False], ids=PATHS)
def test_registered_secret_and_no_secret_in_verbose_output(playbook, edge, fast_path, tmp_path):
    secret_file = str(tmp_path / 's.secret')
    kept = str(tmp_path / 'registered.secret')
    run = playbook('''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: create
          rockitplay.edge.rockit_subscription:
            name: dltarWebhook
            sender: dltar
            events: [error, exception]
            webhook_url: http://hooks.example.com/w
            secret_file: "%s"
          register: created
        - name: keep the registered secret
          ansible.builtin.copy:
            content: "{{ created.secret }}"
            dest: "%s"
            mode: "0600"
          no_log: true
        - name: replace
          rockitplay.edge.rockit_subscription:
            name: dltarWebhook
            sender: dltar
            events: [error]
            webhook_url: http://hooks.example.com/w
          register: replaced
        - name: facts without secrets
          ansible.builtin.debug:
            msg: "{{ replaced.subscription.events }} {{ replaced.changed }} {{ replaced.secret != created.secret }}"
    ''' % (secret_file, kept), edge, diff=True, verbosity=4, fast_path=fast_path)
    assert run.rc == 0, run
    first = read_secret(secret_file)
    assert read_secret(kept) == first
    assert run.result('facts without secrets')['msg'] == "['error'] True True"
    output = run.stdout + run.stderr
    assert first not in output and 'rockit-demo-api-key' not in output
    assert run.stdout.count('censored') >= 2


def test_subscription_info_aggregates_records(playbook, edge):
    for name, sender, events, target in (
            ('deploySlack', 'deploy', ['end'], {'type': 'slack', 'slack': {'channelId': '#rockitplay-events'}}),
            ('dltarWebhook', 'dltar', ['error', 'exception'], {'type': 'webhook', 'webhook': {'url': 'http://example.com/webhook'}}),
            ('deployWebhook', 'deploy', ['end', 'error'], {'type': 'webhook', 'webhook': {'url': 'http://example.com/webhook'}})):
        edge.api('POST', '/be/v1/subscriptions', dict(target, name=name, sender=sender, events=events), expect=200)
    edge.clear()
    run = playbook('''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: all
          rockitplay.edge.rockit_subscription_info:
        - name: one
          rockitplay.edge.rockit_subscription_info:
            name: dltarWebhook
        - name: missing
          rockitplay.edge.rockit_subscription_info:
            name: nope
    ''', edge)
    assert run.rc == 0, run
    everything = run.result('all')
    assert everything['total_count'] == 3 and len(everything['records']) == 5
    assert [(s['name'], s['events']) for s in everything['subscriptions']] == [
        ('deploySlack', ['end']), ('dltarWebhook', ['error', 'exception']), ('deployWebhook', ['end', 'error'])]
    assert everything['subscriptions'][0]['slack'] == {'channelId': '#rockitplay-events'}
    assert all('event' not in s and 'secret' not in s for s in everything['subscriptions'])
    one = run.result('one')
    assert [s['name'] for s in one['subscriptions']] == ['dltarWebhook'] and one['subscriptions'][0]['events'] == ['error', 'exception']
    assert [r['event'] for r in one['records']] == ['error', 'exception']
    assert run.result('missing')['subscriptions'] == [] and run.result('missing')['total_count'] == 0
    assert writes(edge) == []


@pytest.mark.parametrize('options, fragment', [
    (dict(DECLARED, s_webhook_url='ftp://hooks.example.com/x'), 'is not an http or https URL'),
    (dict(DECLARED, s_webhook_url='hooks.example.com/x'), 'is not an http or https URL'),
    (dict(DECLARED, s_webhook_url='https://'), 'is not an http or https URL'),
    (dict(s_sender='deploy', s_events=['end'], s_slack_channel='general'), 'is not a Slack channel'),
    (dict(s_sender='deploy', s_events=['end'], s_slack_channel='#General'), 'is not a Slack channel'),
    (dict(DECLARED, s_name='bad name'), 'does not match'),
    (dict(DECLARED, s_events=['end', 'finish']), 'finish'),
    (dict(DECLARED, s_slack_channel='#ops'), 'mutually exclusive'),
])
def test_bad_input_fails_before_any_request(playbook, edge, options, fragment):
    run = playbook(PLAY, edge, extra_vars=options)
    assert run.rc != 0 and fragment in run.result('subscription')['msg']
    assert edge.requests() == []
