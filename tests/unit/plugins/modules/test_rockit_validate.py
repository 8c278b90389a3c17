"""rockit_validate: declarations checked by each module's own rules, without any request."""
import pytest

from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import Context, ModuleFailure, execute
from ansible_collections.rockitplay.edge.plugins.module_utils.validate import VALIDATE_MODULE


def validate(declarations):
    ctx = Context({'declarations': declarations})
    return ctx, execute(VALIDATE_MODULE, ctx)


def test_valid_declarations_pass_without_a_client():
    ctx, result = validate({'rockit_role': [{'name': 'CI', 'permissions': {'apps': ['read']}}],
                            'rockitplay.edge.rockit_subscription': [{'name': 's1', 'sender': 'deploy', 'events': ['end'],
                                                                     'webhook_url': 'https://hooks.example.com/x'}]})
    assert result == {'changed': False, 'checked': 2}
    assert ctx._client is None


def test_every_invalid_declaration_is_listed_and_secrets_are_collected():
    with pytest.raises(ModuleFailure) as info:
        validate({'rockit_role': [{'name': 'Bad', 'permissions': {'apps': 99}}],
                  'rockit_user': [{'username': 'u1', 'email': 'u1@example.com', 'first_name': 'U', 'surname': 'One',
                                   'password': 's3cret-pass', 'passwrd': 'x'}],
                  'rockit_subscription': [{'name': 's1', 'sender': 'deploy', 'events': ['end'], 'webhook_url': 'ftp://x'}]})
    errors = info.value.details['errors']
    assert len(errors) == 3
    assert errors[0].startswith('rockit_role[0] (Bad): permissions.apps: bitmask 99')
    assert 'rockit_subscription[0] (s1)' in errors[1] and 'webhook_url' in errors[1]
    assert 'passwrd' in errors[2]


def test_unknown_module_is_refused():
    with pytest.raises(ModuleFailure, match='not a module this can check'):
        validate({'rockit_tasks_info': []})
