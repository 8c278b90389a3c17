"""A generated ROCKIT Edge organisation for the benchmark: N objects in a realistic mix.

The organisation is built once, in API shape (the request bodies a create would send, write-only
secrets included), and rendered twice from that one model:

- ``role_vars()``: the input lists of the ``rockitplay.edge.bootstrap`` role (module options);
- ``uri_vars()``: the API-shaped lists the hand-written ``ansible.builtin.uri`` playbook declares.

So both playbooks declare exactly the same state. Values are deterministic for a given seed.
"""
import random

# The default organisation of 500 objects (machine users are part of users).
DEFAULT_MIX = (('deployments', 10), ('roles', 20), ('users', 200), ('machine_users', 50), ('apps', 150), ('subscriptions', 120))
KINDS = ('deployments', 'roles', 'users', 'apps', 'subscriptions')  # the order objects must be created in
PERMISSION_MAX = {
    'apps': 15, 'beUsers': 15, 'bundles': 15, 'consumption': 2, 'dependencies': 15, 'deployments': 15,
    'keys': 15, 'roles': 15, 'sources': 15, 'subscriptions': 15, 'tasks': 31, 'trainings': 6,
}
TEAMS = ('Games', 'Live_Ops', 'QA', 'Build', 'Support', 'Analytics', 'Marketing', 'Platform')
FIRST_NAMES = ('Jane', 'Omar', 'Mei', 'Lukas', 'Ana', 'Kwame', 'Sofia', 'Ravi', 'Elena', 'Tom', 'Yuki', 'Ines')
SURNAMES = ('Doe', 'Haddad', 'Chen', 'Weber', 'Silva', 'Mensah', 'Rossi', 'Iyer', 'Novak', 'Berg', 'Sato', 'Moreau')
TITLES = ('Producer', 'Developer', 'QA Lead', 'Release Manager', None)
REGIONS = ('eu-central-1', 'us-east-1', 'ap-southeast-1', 'eu-west-2')
SENDERS = ('dltar', 'mkraw', 'deploy')
EVENTS = ('submit', 'begin', 'end', 'error', 'exception')


def parse_mix(text):
    """``deployments=10,roles=20,...`` -> an ordered dict of counts (missing kinds are 0)."""
    counts = dict((mix[0], 0) for mix in DEFAULT_MIX)
    for part in (text or '').split(','):
        if not part.strip():
            continue
        key, sep, value = part.partition('=')
        key = key.strip()
        if not sep or key not in counts or not value.strip().isdigit():
            raise ValueError('--mix: %r is not KIND=COUNT with KIND one of %s' % (part, ', '.join(counts)))
        counts[key] = int(value)
    if counts['machine_users'] > counts['users']:
        raise ValueError('--mix: machine_users (%d) is part of users (%d) and cannot exceed it' % (counts['machine_users'], counts['users']))
    return counts


def scale_mix(mix, total):
    """The mix scaled to ``total`` objects (largest remainders), keeping at least one deployment and role when needed."""
    kinds = [k for k in KINDS if mix[k]]
    base = sum(mix[k] for k in KINDS)
    if not base or total <= 0:
        raise ValueError('the mix must have at least one object and --objects must be positive')
    exact = dict((k, mix[k] * float(total) / base) for k in kinds)
    out = dict((k, int(exact[k])) for k in KINDS if k in exact)
    for k in sorted(kinds, key=lambda k: exact[k] - out[k], reverse=True)[:total - sum(out.values())]:
        out[k] += 1
    for need, by in (('roles', 'users'), ('deployments', 'apps')):
        if out.get(by) and not out.get(need) and mix[need]:
            out[need] = 1
            out[by] -= 1
    counts = dict((k, out.get(k, 0)) for k in KINDS)
    counts['machine_users'] = int(round(counts['users'] * mix['machine_users'] / float(mix['users']))) if mix['users'] else 0
    return counts


def total(counts):
    return sum(counts[k] for k in KINDS)


def describe(counts):
    return ', '.join('%d %s' % (counts[k], k) for k in KINDS) + ' (%d machine users)' % counts['machine_users']


def _secret(rng, size=24):
    return ''.join(rng.choice('abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789') for _position in range(size))


def build(counts, seed=42):
    """The organisation in API shape: {kind: [create body, ...]}."""
    rng = random.Random(seed)
    org = dict((kind, []) for kind in KINDS)
    for i in range(counts['deployments']):
        region = REGIONS[i % len(REGIONS)]
        if i % 3 == 2:
            origin = {'type': 'netstorage', 'endpoint': 'games%02d-nsu.akamaihd.net' % i,
                      'credentials': {'keyName': 'upload%02d' % i, 'key': _secret(rng)}}
        else:
            origin = {'type': 's3', 'endpoint': 's3.%s.example.com' % region, 'region': region, 'bucket': 'games-%02d' % i,
                      'credentials': {'accessKeyId': 'AKIA' + _secret(rng, 16).upper(), 'secretAccessKey': _secret(rng, 40)}}
        body = {'name': 'cdn_%s_%02d' % (region.split('-')[0], i) if i % 5 else 'cdn[%02d]' % i,
                'originPrefix': 'rockit/%02d' % i, 'origin': origin}
        if i % 2:
            body['downloadAuth'] = {'type': ('gcore', 'akamai')[i % 4 == 3], 'key': _secret(rng)}
        org['deployments'].append(body)
    for i in range(counts['roles']):
        team = TEAMS[i % len(TEAMS)]
        resources = rng.sample(sorted(PERMISSION_MAX), rng.randint(1, 4))
        permissions = dict((r, rng.choice([m for m in (2, 3, 7, 15, 31) if m & PERMISSION_MAX[r] == m] or [PERMISSION_MAX[r]]))
                           for r in resources)
        org['roles'].append({'name': '%s_Role_%02d' % (team, i), 'label': '%s team, profile %d' % (team.replace('_', ' '), i),
                             'permissions': permissions})
    role_names = [r['name'] for r in org['roles']]
    humans = counts['users'] - counts['machine_users']
    for i in range(counts['users']):
        roles = rng.sample(role_names, min(len(role_names), rng.randint(1, 3)))
        if i < humans:
            first, last = FIRST_NAMES[i % len(FIRST_NAMES)], SURNAMES[(i // len(FIRST_NAMES)) % len(SURNAMES)]
            body = {'username': 'user_%03d' % i, 'email': '%s.%s%d@example.com' % (first.lower(), last.lower(), i),
                    'firstname': first, 'surname': last, 'roles': roles}
            title = TITLES[i % len(TITLES)]
            if title:
                body['title'] = title
        else:
            body = {'username': 'svc_%03d' % i, 'label': 'Pipeline %d' % i, 'roles': roles}
        org['users'].append(body)
    deployment_names = [d['name'] for d in org['deployments']]
    for i in range(counts['apps']):
        registered = [] if i % 10 == 0 or not deployment_names else rng.sample(deployment_names, min(len(deployment_names), rng.randint(1, 3)))
        org['apps'].append({'name': 'Game_%03d' % i, 'label': 'Game %d: %s edition' % (i, TEAMS[i % len(TEAMS)].replace('_', ' ')),
                            'maxBuilds': rng.choice((3, 5, 5, 10)), 'deployments': registered})
    for i in range(counts['subscriptions']):
        body = {'name': 'notify_%03d' % i, 'sender': SENDERS[i % len(SENDERS)],
                'events': sorted(rng.sample(EVENTS, rng.randint(1, 3)), key=EVENTS.index)}
        if i % 3 == 2:
            body.update(type='slack', slack={'channelId': '#builds-%s' % TEAMS[i % len(TEAMS)].lower().replace('_', '-')})
        else:
            body.update(type='webhook', webhook={'url': 'https://hooks.example.com/rockit/%03d' % i})
        org['subscriptions'].append(body)
    return org


def sample(org, size):
    """A subset of about ``size`` objects, the same share of every kind (at least one of each present kind)."""
    count = sum(len(org[k]) for k in KINDS)
    if size >= count:
        return org
    return dict((k, org[k][:max(1, int(round(len(org[k]) * float(size) / count)))] if org[k] else []) for k in KINDS)


def closed_sample(org, size):
    """A sample that can be created on its own: with every role and deployment its users and apps refer to."""
    out = sample(org, size)
    roles = set(r for user in out['users'] for r in user['roles']) | set(r['name'] for r in out['roles'])
    deployments = set(d for app in out['apps'] for d in app['deployments']) | set(d['name'] for d in out['deployments'])
    out = dict(out)
    out['roles'] = [r for r in org['roles'] if r['name'] in roles]
    out['deployments'] = [d for d in org['deployments'] if d['name'] in deployments]
    return out


# ---------------------------------------------------------------------------------------------- renderings
def _deployment_options(body):
    origin = dict((k, body['origin'][k]) for k in ('type', 'endpoint', 'region', 'bucket') if k in body['origin'])
    origin['prefix'] = body['originPrefix']
    creds = body['origin']['credentials']
    if body['origin']['type'] == 's3':
        origin.update(access_key_id=creds['accessKeyId'], secret_access_key=creds['secretAccessKey'])
    else:
        origin.update(key_name=creds['keyName'], key=creds['key'])
    item = {'name': body['name'], 'origin': origin}
    if body.get('downloadAuth'):
        item['download_auth'] = dict(body['downloadAuth'])
    return item


def _user_options(body):
    if 'label' in body:
        return {'username': body['username'], 'type': 'machine', 'label': body['label'], 'roles': list(body['roles'])}
    item = {'username': body['username'], 'type': 'user', 'email': body['email'], 'first_name': body['firstname'],
            'surname': body['surname'], 'roles': list(body['roles'])}
    if 'title' in body:
        item['title'] = body['title']
    return item


def _app_options(body):
    item = {'name': body['name'], 'label': body['label'], 'max_builds': body['maxBuilds']}
    if body['deployments']:
        item['deployments'] = list(body['deployments'])
    else:
        item['all_deployments'] = True  # an empty list means every deployment; the module wants it said
    return item


def _subscription_options(body):
    item = {'name': body['name'], 'sender': body['sender'], 'events': list(body['events'])}
    if body['type'] == 'slack':
        item['slack_channel'] = body['slack']['channelId']
    else:
        item['webhook_url'] = body['webhook']['url']
    return item


def role_vars(org):
    """The input of the rockitplay.edge.bootstrap role (its argument spec: module options per item)."""
    return {
        'rockit_deployments': [_deployment_options(b) for b in org['deployments']],
        'rockit_roles': [{'name': b['name'], 'label': b['label'], 'permissions': dict(b['permissions'])} for b in org['roles']],
        'rockit_users': [_user_options(b) for b in org['users']],
        'rockit_apps': [_app_options(b) for b in org['apps']],
        'rockit_subscriptions': [_subscription_options(b) for b in org['subscriptions']],
    }


def uri_vars(org):
    """The input of benchmarks/playbooks/uri_bootstrap.yml: the same objects as API request bodies."""
    return dict(('edge_%s' % kind, org[kind]) for kind in KINDS)
