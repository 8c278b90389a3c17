"""rockit_subscription and rockit_subscription_info against the emulator (the module path gives the same results: test_parity.py).

The lifecycle (create, unchanged second run, check mode, exact diff, replacement = DELETE then POST
with a new signing secret, delete), the secret hidden from the output and written to a 0600 file,
refusals before any request, and the info module's aggregation of the (name, event) records.
"""
import os
import stat

import pytest

from edge_log import assert_refused_before_any_request, run_steps, writes  # pylint: disable=import-error

pytestmark = pytest.mark.integration

OPTIONS = ('sender', 'events', 'webhook_url', 'slack_channel', 'secret_file', 'state')
HOOK = 'https://hooks.example.com/rockit'
DECLARED = dict(s_sender='deploy', s_events=['end', 'error'], s_webhook_url=HOOK)


SUB_TASK = {'rockitplay.edge.rockit_subscription': dict(
    [('name', "{{ s_name | default('deployWebhook') }}")] + [(o, '{{ s_%s | default(omit) }}' % o) for o in OPTIONS])}
SHOW = {'changed': '{{ step_result.changed }}', 'diff': '{{ step_result.diff | default(None) }}',
        'subscription': '{{ step_result.subscription }}', 'has_secret': '{{ step_result.secret is defined }}'}


def read_secret(path):
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path) as handle:
        return handle.read()


def snapshot(name, path):
    """A task that keeps the secret file's content (or None) in the fact ``snap_<name>``, hidden."""
    return {'name': 'snapshot %s' % name, 'no_log': True, 'ansible.builtin.set_fact': {
        'snap_%s' % name.replace(' ', '_'): "{{ lookup('ansible.builtin.file', '%s', errors='ignore') }}" % path}}


def test_subscription_lifecycle(playbook, edge, tmp_path):
    """All steps in one playbook run (the module path gives the same results: test_parity.py)."""
    secret_file = str(tmp_path / 'deployWebhook.secret')
    declared = dict(DECLARED, s_secret_file=secret_file)
    view = {'name': 'deployWebhook', 'sender': 'deploy', 'events': ['end', 'error'], 'type': 'webhook', 'webhook': {'url': HOOK}}
    compare = {'name': 'compare the secret files', 'ansible.builtin.debug': {'msg': {
        'none after check': "{{ (snap_check_create | default('', true)) == '' }}", 'same after again': '{{ snap_create == snap_again }}',
        'a secret after create': '{{ snap_create | length >= 16 }}',
        'same after check update': '{{ snap_create == snap_check_update }}', 'new after update': '{{ snap_create != snap_update }}'}}}
    absent = dict(s_state='absent')
    run = run_steps(playbook, edge, SUB_TASK, [
        ('check create', declared, True, [snapshot('check create', secret_file)]),
        ('create', declared, False, [snapshot('create', secret_file)]),
        ('again', dict(declared, s_events=['error', 'end', 'error']), False, [snapshot('again', secret_file)]),
        ('check update', dict(declared, s_events=['end']), True, [snapshot('check update', secret_file)]),
        ('update', dict(declared, s_events=['end']), False, [snapshot('update', secret_file), compare]),
        ('to slack', dict(s_sender='deploy', s_events=['end'], s_slack_channel='#rockit-events'), False),
        ('check delete', absent, True), ('delete', absent, False), ('delete again', absent, False),
    ], show=SHOW)
    for name in ('check create', 'create', 'again', 'check update', 'update', 'to slack'):
        # the secret is hidden from the output; only a registered result holds it
        assert 'secret' not in run.result(name) and run.shown(name)['has_secret'] is ('censored' in run.result(name)), name
    assert all(run.result('compare the secret files')['msg'].values()), run.result('compare the secret files')

    # check mode on create: predicted, nothing written
    shown = run.shown('check create')
    assert shown['changed'] is True and shown['subscription']['webhook'] == {'url': HOOK} and not shown['has_secret']
    assert shown['diff'] == {'before': {}, 'after': view}
    assert run.writes('check create') == []

    # create: exact diff, one POST, a secret (hidden from the output) also in a 0600 file
    shown = run.shown('create')
    assert shown['changed'] is True and shown['has_secret'] is True
    assert shown['diff'] == {'before': {}, 'after': view}
    assert run.writes('create') == [('POST', '/be/v1/subscriptions')]

    # the same again, events in another order: unchanged, no write, no secret
    shown = run.shown('again')
    assert shown['changed'] is False and not shown['has_secret'] and run.writes('again') == []
    assert shown['diff'] == {'before': view, 'after': view}

    # check mode on update
    shown = run.shown('check update')
    assert shown['changed'] is True and shown['subscription']['events'] == ['end'] and run.writes('check update') == []

    # update: replaced (DELETE, then POST), exact diff, a new secret
    shown = run.shown('update')
    assert shown['changed'] is True and shown['has_secret'] is True
    assert shown['diff'] == {'before': view, 'after': dict(view, events=['end'])}
    assert run.writes('update') == [('DELETE', '/be/v1/subscriptions/deployWebhook'), ('POST', '/be/v1/subscriptions')]
    assert read_secret(secret_file)

    # switch to Slack: the diff shows both targets
    shown = run.shown('to slack')
    assert shown['diff'] == {
        'before': {'name': 'deployWebhook', 'sender': 'deploy', 'events': ['end'], 'type': 'webhook', 'webhook': {'url': HOOK}},
        'after': {'name': 'deployWebhook', 'sender': 'deploy', 'events': ['end'], 'type': 'slack', 'slack': {'channelId': '#rockit-events'}}}
    assert 'webhook' not in shown['subscription']
    assert run.writes('to slack') == [('DELETE', '/be/v1/subscriptions/deployWebhook'), ('POST', '/be/v1/subscriptions')]

    # check mode on delete, delete, delete again
    assert run.shown('check delete')['changed'] is True and run.writes('check delete') == []
    shown = run.shown('delete')
    assert shown['changed'] is True and shown['subscription'] is None
    assert shown['diff']['before']['type'] == 'slack' and shown['diff']['after'] == {}
    assert run.writes('delete') == [('DELETE', '/be/v1/subscriptions/deployWebhook')]
    assert run.shown('delete again')['changed'] is False and run.writes('delete again') == []


def test_registered_secret_and_no_secret_in_verbose_output(playbook, edge, tmp_path):
    """The module path at -vvvv: tests/reliability/test_secrets.py (every module, both paths)."""
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
    ''' % (secret_file, kept), edge, diff=True, verbosity=4)
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
    assert writes(edge.requests()) == []


def test_bad_input_fails_before_any_request(playbook, edge):
    assert_refused_before_any_request(playbook, edge, SUB_TASK, [
        (dict(DECLARED, s_webhook_url='ftp://hooks.example.com/x'), 'is not an http or https URL'),
        (dict(DECLARED, s_webhook_url='hooks.example.com/x'), 'is not an http or https URL'),
        (dict(DECLARED, s_webhook_url='https://'), 'is not an http or https URL'),
        (dict(s_sender='deploy', s_events=['end'], s_slack_channel='general'), 'is not a Slack channel'),
        (dict(s_sender='deploy', s_events=['end'], s_slack_channel='#General'), 'is not a Slack channel'),
        (dict(DECLARED, s_name='bad name'), 'does not match'),
        (dict(DECLARED, s_events=['end', 'finish']), 'finish'),
        (dict(DECLARED, s_slack_channel='#ops'), 'mutually exclusive'),
    ])
