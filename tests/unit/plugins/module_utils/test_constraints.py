"""The constraint tables of the spec and the rule kinds: each documented limit accepted at it, refused past it."""
import pytest

from ansible_collections.rockitplay.edge.plugins.module_utils import rockit_specs as specs
from ansible_collections.rockitplay.edge.plugins.module_utils.constraints import Host, Integer, Names, Text, Url, check
from ansible_collections.rockitplay.edge.plugins.module_utils.errors import ModuleFailure

# (table, API path, accepted value, refused value, fragment of the refusal)
LIMITS = [
    (specs.ROLE, 'label', 'L' * 256, 'L' * 257, 'at most 256'),
    (specs.ROLE, 'name', 'ab', 'a', '2 to 50 letters'),
    (specs.APP, 'label', '', 'L' * 257, 'at most 256'),
    (specs.APP, 'maxBuilds', 100, 101, '1 to 100'),
    (specs.APP, 'deployments', ['gcore', 'akamai[eu]'], ['gcore eu'], 'square brackets'),
    (specs.APP, 'deployments', ['d%d' % i for i in range(100)], ['d%d' % i for i in range(101)], 'at most 100'),
    (specs.USER, 'firstname', 'F' * 100, 'F' * 101, '1 to 100'),
    (specs.USER, 'firstname', 'F', '', 'must not be empty'),
    (specs.USER, 'title', '', 'T' * 101, 'at most 100'),
    (specs.USER, 'label', 'L', 'L' * 257, '1 to 256'),
    (specs.USER, 'email', 'e' * 242 + '@example.com', 'e' * 243 + '@example.com', 'at most 254'),
    (specs.USER, 'email', 'a@b.co', 'a@b', 'is not an e-mail address'),
    (specs.USER, 'password', 'P' * 8, 'P' * 7, '8 to 128'),
    (specs.USER, 'password', 'P' * 128, 'P' * 129, '8 to 128'),
    (specs.USER, 'roles', ['r%d' % i for i in range(50)], ['r%d' % i for i in range(51)], 'at most 50'),
    (specs.DEPLOYMENT, 'origin.bucket', 'abc', 'ab', '3 to 63'),
    (specs.DEPLOYMENT, 'origin.bucket', 'a' * 63, 'a' * 64, '3 to 63'),
    (specs.DEPLOYMENT, 'origin.bucket', 'my.games-1', 'games-', 'starting and ending with a letter or digit'),
    (specs.DEPLOYMENT, 'originPrefix', 'a/b_c.d-e', 'a b', 'no spaces'),
    (specs.DEPLOYMENT, 'origin.region', 'eu-central-1', 'eu central', '1 to 64'),
    (specs.DEPLOYMENT, 'origin.endpoint', 's3.eu-central-1.example.com', 's3.example.com:443', 'port'),
    (specs.DEPLOYMENT, 'origin.endpoint', 'ns.example.com', '[2001:db8::1]', 'IPv6'),
    (specs.DEPLOYMENT, 'origin.endpoint', 'ns.example.com', 'https://ns.example.com', 'host name only'),
    (specs.DEPLOYMENT, 'origin.credentials.keyName', 'k', '', 'must not be empty'),
    (specs.DEPLOYMENT, 'downloadAuth.key', 'k', 'k' * 1025, '1 to 1024'),
    (specs.SUBSCRIPTION, 'webhook.url', 'https://hooks.example.com:65535/a', 'https://hooks.example.com:65536/a', '1 to 65535'),
    (specs.SUBSCRIPTION, 'webhook.url', 'http://192.0.2.1/a?b=c#d', 'https://u:p@hooks.example.com/a', 'user name or password'),
    (specs.SUBSCRIPTION, 'webhook.url', 'https://hooks.example.com/a', 'https://[2001:db8::1]/a', 'IPv6'),
    (specs.SUBSCRIPTION, 'webhook.url', 'https://hooks.example.com/a%20b', 'https://hooks.example.com/a b', 'http or https URL'),
    (specs.SUBSCRIPTION, 'webhook.url', 'https://hooks.example.com/' + 'a' * 2000, 'https://hooks.example.com/' + 'a' * 2030,
     'at most 2048'),
    (specs.SUBSCRIPTION, 'slack.channelId', '#' + 'a' * 80, '#' + 'a' * 81, 'Slack channel'),
    (specs.BUILD_CONSTRAINTS, 'size', 1, 0, 'at least 1'),
    (specs.TASK, 'name', 'exampleorg-sushi-0001-1732886919-dltar', 'x/../y', 'not a task name'),
]


@pytest.mark.parametrize('table, path, good, bad, fragment', LIMITS,
                         ids=['%s-%d' % (limit[1], i) for i, limit in enumerate(LIMITS)])
def test_each_limit_is_accepted_at_it_and_refused_past_it(table, path, good, bad, fragment):
    check(table, path, good, 'option')
    with pytest.raises(ModuleFailure) as info:
        check(table, path, bad, 'option')
    assert info.value.msg.startswith('option: ') and fragment in info.value.msg, info.value.msg


@pytest.mark.parametrize('rule, value', [
    (specs.USER.constraints['password'], 'Sh0rt!'),
    (specs.DEPLOYMENT.constraints['origin.credentials.key'], 'k' * 2000),
    (specs.BUILD_CONSTRAINTS['url'], 'https://builds.example.com:99999/x?sig=TOPSECRET'),
    (specs.BUILD_CONSTRAINTS['url'], 'ftp://builds.example.com/x?sig=TOPSECRET'),
    (specs.SUBSCRIPTION.constraints['webhook.url'], 'https://user:TOPSECRET@hooks.example.com/x'),
])
def test_a_secret_is_never_shown(rule, value):
    message = rule.problem(value, 'option')
    assert message and value not in message and 'TOPSECRET' not in message and 'Sh0rt' not in message


def test_unset_values_are_not_checked():
    check(specs.ROLE, 'label', None)
    check(specs.ROLE, 'no.such.field', 'anything')


def test_rules_describe_themselves():
    assert Text(8, 128).describe() == '8 to 128 characters'
    assert Text(0, 256).describe() == 'at most 256 characters'
    assert Integer(1, 100).describe() == '1 to 100' and Integer(1).describe() == 'at least 1'
    assert 'at most 50' in Names(specs.NAME, 50, 'role names').describe()
    assert 'without scheme, path or port' in Host().describe()
    assert '1 to 65535' in Url().describe()


def test_every_option_the_modules_send_has_a_rule():
    for field in specs.USER.fields:
        assert field in specs.USER.constraints, field
    for field in ('label', 'maxBuilds', 'deployments'):
        assert field in specs.APP.constraints, field
    for field in ('originPrefix', 'origin.endpoint', 'origin.region', 'origin.bucket'):
        assert field in specs.DEPLOYMENT.constraints, field
    for kind, keys in specs.DEPLOYMENT_CREDENTIAL_KEYS.items():
        for key in keys:
            assert '%s.%s' % (specs.DEPLOYMENT_CREDENTIALS, key) in specs.DEPLOYMENT.constraints, (kind, key)
