# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rockit_subscription and rockit_subscription_info: options and how they map onto the subscription spec.

The API has no PATCH for subscriptions: the engine replaces a changed subscription (unsubscribe, then
subscribe again), which issues a new signing secret. The list endpoint returns one record per
(name, event); the info module aggregates them back into one entry per name.

A subscription is replaced only when a declared field really differs in an answer whose shape was
recognised: the aggregated object of the API assumptions page, or the list's (name, event) records.
Any other shape fails the task before anything is written, so that a server that answers differently
never causes a replacement (and a new signing secret) on every run.
"""

from ansible_collections.rockitplay.edge.plugins.module_utils import rockit_specs as specs
from ansible_collections.rockitplay.edge.plugins.module_utils.constraints import check
from ansible_collections.rockitplay.edge.plugins.module_utils.engine import ensure, get_path, list_objects, set_path, unwrap
from ansible_collections.rockitplay.edge.plugins.module_utils.errors import EdgeFailure
from ansible_collections.rockitplay.edge.plugins.module_utils.role import check_name
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import ModuleDef, ModuleFailure
from ansible_collections.rockitplay.edge.plugins.module_utils.user import check_secret_file, keep_secret, store_secret

WEBHOOK_TYPE, WEBHOOK_FIELD = specs.SUBSCRIPTION_WEBHOOK
SLACK_TYPE, SLACK_FIELD = specs.SUBSCRIPTION_SLACK
TARGETS = {WEBHOOK_TYPE: WEBHOOK_FIELD, SLACK_TYPE: SLACK_FIELD}


def check_webhook_url(url):
    check(specs.SUBSCRIPTION, WEBHOOK_FIELD, url, 'webhook_url')


def check_slack_channel(channel):
    check(specs.SUBSCRIPTION, SLACK_FIELD, channel, 'slack_channel')


def _unique(values):
    out = []
    for value in values:
        if value not in out:
            out.append(value)
    return out


def _desired(p):
    """The whole subscription in API shape (without a PATCH, every field is part of the declaration)."""
    if p['webhook_url'] is not None:
        check_webhook_url(p['webhook_url'])
    if p['slack_channel'] is not None:
        check_slack_channel(p['slack_channel'])
    if p['state'] == 'absent':
        return {}
    if not p['events']:
        raise ModuleFailure('events: give at least one of %s.' % ', '.join(specs.SUBSCRIPTION_EVENTS))
    kind = WEBHOOK_TYPE if p['webhook_url'] is not None else SLACK_TYPE
    # in the order the Edge returns them (the enum order), so that a predicted subscription reads like a real one
    events = sorted(_unique(p['events']), key=specs.SUBSCRIPTION_EVENTS.index)
    desired = {'sender': p['sender'], specs.SUBSCRIPTION_EVENTS_FIELD: events, specs.SUBSCRIPTION_TYPE: kind}
    set_path(desired, TARGETS[kind], p['webhook_url'] if kind == WEBHOOK_TYPE else p['slack_channel'])
    return desired


def _other_target(kind):
    """The top-level key of the target a subscription of ``kind`` does not have."""
    return [TARGETS[k].split('.')[0] for k in TARGETS if k != kind][0]


def recognised(obj):
    """Whether a subscription object has the shape the module compares: sender, a list of events, a type and its target."""
    if not isinstance(obj, dict) or not obj.get(specs.SUBSCRIPTION.id_field):
        return False
    kind = obj.get(specs.SUBSCRIPTION_TYPE)
    events = obj.get(specs.SUBSCRIPTION_EVENTS_FIELD)
    return (isinstance(obj.get('sender'), str) and isinstance(events, list) and all(isinstance(e, str) for e in events)
            and kind in TARGETS and isinstance(get_path(obj, TARGETS[kind], None), str))


def parse(data):
    """The subscription in an answer: the aggregated object, or the (name, event) records of the list; else None."""
    obj = unwrap(specs.SUBSCRIPTION, data)
    if recognised(obj):
        return obj
    records = None
    for key in (specs.SUBSCRIPTION.list_key, specs.SUBSCRIPTION.item_key):
        if isinstance(data.get(key), list):
            records = data[key]
    if records and all(isinstance(r, dict) and isinstance(r.get(specs.SUBSCRIPTION_RECORD_EVENT), str) for r in records):
        found = aggregate(records)
        if len(found) == 1 and recognised(found[0]):
            return found[0]
    return None


def run_subscription(ctx):
    p = ctx.params
    check_name(p['name'])
    desired = _desired(p)
    check_secret_file(p['secret_file'], 'secret_file')
    try:
        outcome = ensure(ctx.client, specs.SUBSCRIPTION, p['name'], p['state'], desired, ctx.check_mode, parse=parse)
    except EdgeFailure as exc:
        # A secret issued on the way (a restore after a refused replacement) is never lost.
        store_secret(ctx, exc.extras.get('secret'), p['secret_file'], 'signing secret', p['name'])
        raise
    result = outcome.result
    if p['state'] == 'absent':
        return result
    kind = desired[specs.SUBSCRIPTION_TYPE]
    other = _other_target(kind)
    if isinstance(result.get('subscription'), dict):
        result['subscription'].pop(other, None)  # a predicted replacement keeps only the declared target
        if ctx.check_mode and outcome.action in ('created', 'replaced') and getattr(ctx.client, 'org', None):
            result['subscription'].setdefault(specs.SUBSCRIPTION_ORG, ctx.client.org)
    before = outcome.before or {}
    if outcome.action == 'replaced' and before.get(other) and isinstance(result.get('diff'), dict):
        result['diff']['before'][other] = before[other]
    keep_secret(ctx, result, outcome, 'secret', p['secret_file'], 'signing secret', p['name'],
                'delete the subscription (state=absent) and create it again, then give the new secret to the webhook receiver',
                res=specs.SUBSCRIPTION)
    return result


def aggregate(records):
    """One entry per subscription name from the list's (name, event) records, in the order of first appearance."""
    by_name = {}
    order = []
    for record in records:
        name = record.get(specs.SUBSCRIPTION.id_field)
        entry = by_name.get(name)
        if entry is None:
            entry = dict((k, v) for k, v in record.items() if k != specs.SUBSCRIPTION_RECORD_EVENT)
            entry[specs.SUBSCRIPTION_EVENTS_FIELD] = []
            by_name[name] = entry
            order.append(name)
        for event in record.get(specs.SUBSCRIPTION_EVENTS_FIELD) or [record.get(specs.SUBSCRIPTION_RECORD_EVENT)]:
            if event is not None and event not in entry[specs.SUBSCRIPTION_EVENTS_FIELD]:
                entry[specs.SUBSCRIPTION_EVENTS_FIELD].append(event)
    return [by_name[name] for name in order]


def expand(subscription):
    """The (name, event) records of one aggregated subscription, as the list endpoint shows them."""
    base = dict((k, v) for k, v in subscription.items() if k not in (specs.SUBSCRIPTION_EVENTS_FIELD, 'created'))
    return [dict(base, **{specs.SUBSCRIPTION_RECORD_EVENT: event}) for event in subscription.get(specs.SUBSCRIPTION_EVENTS_FIELD) or []]


def run_subscription_info(ctx):
    p = ctx.params
    if p['name'] is not None:
        check_name(p['name'])
        found, _count = list_objects(ctx.client, specs.SUBSCRIPTION, name=p['name'], parse=parse)
        subscriptions = aggregate(found)
        records = [r for s in subscriptions for r in expand(s)]
    else:
        records, _count = list_objects(ctx.client, specs.SUBSCRIPTION)
        subscriptions = aggregate(records)
    return {'changed': False, 'subscriptions': subscriptions, 'total_count': len(subscriptions), 'records': records}


SUBSCRIPTION_MODULE = ModuleDef(
    'rockit_subscription',
    dict(
        name=dict(type='str', required=True),
        sender=dict(type='str', choices=list(specs.SUBSCRIPTION_SENDERS)),
        events=dict(type='list', elements='str', choices=list(specs.SUBSCRIPTION_EVENTS)),
        webhook_url=dict(type='str'),
        slack_channel=dict(type='str'),
        secret_file=dict(type='path', no_log=False),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    ),
    run_subscription,
    mutually_exclusive=[('webhook_url', 'slack_channel')],
    required_if=[('state', 'present', ('sender', 'events')),
                 ('state', 'present', ('webhook_url', 'slack_channel'), True)],
    secret_results=('secret',),
)

SUBSCRIPTION_INFO_MODULE = ModuleDef(
    'rockit_subscription_info',
    dict(name=dict(type='str')),
    run_subscription_info,
)
