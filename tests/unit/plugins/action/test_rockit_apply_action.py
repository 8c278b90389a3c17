"""The action plugins of rockit_apply and rockit_validate: secrets never logged on the host, progress lines without secrets."""
from unittest import mock

import pytest
from ansible.module_utils import _internal


@pytest.fixture
def actions():
    """The action plugins, imported here: importing controller code marks the process as the controller, which
    changes how ansible.module_utils records warnings; the mark is restored for the module tests that follow."""
    was_controller = _internal.is_controller
    # pylint: disable-next=import-outside-toplevel
    from ansible_collections.rockitplay.edge.plugins.action import rockit_apply, rockit_validate
    yield {'rockit_apply': rockit_apply, 'rockit_validate': rockit_validate}
    _internal.is_controller = was_controller


def _action(module, args, no_log=False):
    task = mock.MagicMock()
    task.args = args
    task.no_log = no_log
    action = module.ActionModule(task, mock.MagicMock(), mock.MagicMock(), loader=None, templar=None, shared_loader_obj=None)
    action._host = 'localhost'
    action._shown = False
    return action


@pytest.mark.parametrize('name', ['rockit_apply', 'rockit_validate'])
def test_modules_with_nested_secrets_never_log_their_invocation_on_the_host(actions, name):
    module = actions[name]
    action = _action(module, {'kind': 'user', 'objects': []})
    seen = []
    with mock.patch.object(module.ActionModule, '_execute_module',
                           side_effect=lambda **kw: seen.append(action._task.no_log) or {'results': []}):
        action._run_module({})
    assert seen == [True] and action._task.no_log is False


def test_results_with_a_secret_are_hidden_from_the_display_the_others_are_shown(actions):
    module = actions['rockit_apply']
    action = _action(module, {'kind': 'user'})
    lines = []
    returned = {'results': [
        {'name': 'bot', 'action': 'created', 'changed': True, 'api_key': 'issued-key-0042'},
        {'name': 'jdoe', 'action': 'updated', 'changed': True},
        {'name': 'x', 'failed': True, 'msg': 'HTTP 409'}]}
    # the module path: what the module returned, through the base action's handling of secrets
    with mock.patch.object(module.RockitAction, 'run', side_effect=lambda tmp, task_vars: action._hide_returned_secrets(returned)), \
            mock.patch.object(module.display, 'display', side_effect=lambda msg, **kw: lines.append(msg)):
        result = action.run(task_vars={'inventory_hostname': 'localhost'})
    assert result['_ansible_no_log'] is True
    assert [r.get('_ansible_no_log', False) for r in result['results']] == [True, False, False]
    assert lines == ['[localhost] user bot: created', '[localhost] user jdoe: updated', '[localhost] user x: failed: HTTP 409']
    assert not any('issued-key' in line for line in lines)
