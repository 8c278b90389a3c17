"""The fast path's decisions (fast path or module path, and why), the task environment around the whole run,
and the fallback to the module path when an ansible-core internal is not what the shim expects."""
import os
import sys
from unittest import mock

import pytest
from ansible.module_utils import _internal

RESULT = {'changed': False, 'roles': []}


@pytest.fixture
def fast_path():
    """The fast path module, imported here: importing controller code marks the process as the controller, which
    changes how ansible.module_utils records warnings; the mark is restored for the module tests that follow."""
    was_controller = _internal.is_controller
    # pylint: disable-next=import-outside-toplevel
    from ansible_collections.rockitplay.edge.plugins.plugin_utils import fast_path as module
    yield module
    _internal.is_controller = was_controller


@pytest.fixture
def role_info(fast_path):
    # pylint: disable-next=import-outside-toplevel
    from ansible_collections.rockitplay.edge.plugins.action import rockit_role_info
    return rockit_role_info


class Connection(object):
    def __init__(self, transport='local'):
        self.transport = transport
        self._shell = mock.MagicMock(tmpdir='/tmp/x')


def make_action(module, args=None, transport='local', environment=None, async_val=0, become=False, delegate_to=None, action='x'):
    task = mock.MagicMock()
    task.args = dict(args or {'edge_url': 'http://edge.test', 'edge_org': 'O', 'edge_username': 'u', 'edge_api_key': 'k-1'})
    task.async_val = async_val
    task.check_mode = False
    task.diff = False
    task.no_log = False
    task.delegate_to = delegate_to
    task.action = action
    play_context = mock.MagicMock(become=become)
    templar = mock.MagicMock()
    templar.template.side_effect = lambda value: value
    action_obj = module.ActionModule(task, Connection(transport), play_context, loader=None, templar=templar, shared_loader_obj=None)
    env = dict(environment or {})

    def compute(out=None):
        out.clear()
        out.update(env)
        return ''
    action_obj._compute_environment_string = compute
    return action_obj


def run(action, fast_path, task_vars=None, seen=None):
    """Run the action; return (result, path) where path is 'fast' or 'module'."""
    paths = []

    def fake_execute(definition, ctx):
        paths.append('fast')
        if seen is not None:
            seen.append(dict(os.environ))
        return dict(RESULT)

    def fake_module(**kwargs):
        paths.append('module')
        return dict(RESULT)

    with mock.patch.object(fast_path, 'execute', side_effect=fake_execute), \
            mock.patch.object(action, '_execute_module', side_effect=fake_module):
        result = action.run(task_vars=dict(task_vars or {'ansible_python_interpreter': sys.executable}))
    if not paths and result.get('failed'):
        paths.append('fast')  # refused by the validation on the fast path: nothing ran
    assert len(paths) == 1, paths
    return result, paths[0]


def test_local_task_in_the_controller_python_takes_the_fast_path(role_info, fast_path):
    result, path = run(make_action(role_info), fast_path)
    assert path == 'fast' and result['invocation']['module_args']['edge_api_key'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


@pytest.mark.parametrize('changes, task_vars', [
    ({'transport': 'ssh'}, None),
    ({'transport': 'ansible.builtin.ssh'}, None),
    ({'async_val': 30}, None),
    ({'become': True}, None),
    ({}, {'ansible_python_interpreter': '/usr/bin/python3-of-the-distro'}),
    ({}, {'ansible_python_interpreter': sys.executable, 'rockit_fast_path': False}),
    ({}, {'ansible_python_interpreter': sys.executable, 'rockit_fast_path': 'no'}),
], ids=['ssh', 'ssh-fqcn', 'async', 'become', 'other-interpreter', 'var-false', 'var-no'])
def test_the_module_path_where_the_fast_path_must_step_aside(role_info, fast_path, changes, task_vars):
    _result, path = run(make_action(role_info, **changes), fast_path, task_vars)
    assert path == 'module'


def test_env_false_turns_it_off_and_a_var_cannot_turn_it_back_on(role_info, fast_path, monkeypatch):
    monkeypatch.setenv('ROCKIT_FAST_PATH', 'false')
    assert run(make_action(role_info), fast_path, {'ansible_python_interpreter': sys.executable, 'rockit_fast_path': True})[1] == 'module'


@pytest.mark.parametrize('interpreter, expected', [
    (None, 'fast'),                              # discovery: the controller's Python runs it
    ('auto_silent', 'fast'),
    ('{{ ansible_playbook_python }}', 'fast'),  # templated (the templar here returns sys.executable)
    (os.path.join(os.path.dirname(sys.executable), 'no-such-python'), 'module'),
])
def test_interpreters(role_info, fast_path, interpreter, expected):
    action = make_action(role_info)
    action._templar.template.side_effect = lambda value: sys.executable if '{{' in value else value
    task_vars = {} if interpreter is None else {'ansible_python_interpreter': interpreter}
    assert run(action, fast_path, task_vars)[1] == expected


def test_the_delegated_host_s_interpreter_counts(role_info, fast_path):
    action = make_action(role_info, delegate_to='localhost')
    task_vars = {'ansible_python_interpreter': '/usr/bin/python-of-the-remote-host',
                 'ansible_delegated_vars': {'localhost': {'ansible_python_interpreter': sys.executable}}}
    assert run(action, fast_path, task_vars)[1] == 'fast'
    task_vars['ansible_delegated_vars']['localhost']['ansible_python_interpreter'] = '/usr/bin/python-of-the-distro'
    assert run(action, fast_path, task_vars)[1] == 'module'


@pytest.mark.parametrize('env, var, expected', [
    (None, None, 'module'), ('true', None, 'fast'), (None, True, 'fast'), ('false', True, 'module'),
])
def test_macos_needs_an_explicit_opt_in(role_info, fast_path, monkeypatch, env, var, expected):
    monkeypatch.setattr(fast_path.sys, 'platform', 'darwin')
    if env is None:
        monkeypatch.delenv('ROCKIT_FAST_PATH', raising=False)
    else:
        monkeypatch.setenv('ROCKIT_FAST_PATH', env)
    task_vars = {'ansible_python_interpreter': sys.executable}
    if var is not None:
        task_vars['rockit_fast_path'] = var
    assert run(make_action(role_info), fast_path, task_vars)[1] == expected


def test_the_task_environment_applies_to_the_whole_run_and_is_restored(role_info, fast_path, monkeypatch):
    monkeypatch.delenv('HTTPS_PROXY', raising=False)
    monkeypatch.setenv('NO_PROXY', 'controller-value')
    env = {'HTTPS_PROXY': 'http://127.0.0.1:3128', 'NO_PROXY': '', 'REQUESTS_CA_BUNDLE': '/etc/edge-ca.pem'}
    seen = []
    _result, path = run(make_action(role_info, environment=env), fast_path, seen=seen)
    assert path == 'fast'
    assert seen[0]['HTTPS_PROXY'] == 'http://127.0.0.1:3128' and seen[0]['NO_PROXY'] == ''
    assert seen[0]['REQUESTS_CA_BUNDLE'] == '/etc/edge-ca.pem'
    assert 'HTTPS_PROXY' not in os.environ and os.environ['NO_PROXY'] == 'controller-value'
    assert 'REQUESTS_CA_BUNDLE' not in os.environ or os.environ['REQUESTS_CA_BUNDLE'] != '/etc/edge-ca.pem'


def test_connection_options_from_the_task_environment(role_info, fast_path, monkeypatch):
    for name in ('ROCKIT_EDGE_URL', 'ROCKIT_ORGNAME', 'ROCKIT_USERNAME', 'ROCKIT_API_KEY'):
        monkeypatch.delenv(name, raising=False)
    env = {'ROCKIT_EDGE_URL': 'http://edge.test', 'ROCKIT_ORGNAME': 'O', 'ROCKIT_USERNAME': 'u', 'ROCKIT_API_KEY': 'k-env'}
    result, path = run(make_action(role_info, args={'name': 'Admins'}, environment=env), fast_path)
    assert path == 'fast' and result['invocation']['module_args']['edge_url'] == 'http://edge.test'
    assert 'k-env' not in str(result)


def test_argument_errors_name_plain_types_and_the_module_as_the_task_wrote_it(role_info, fast_path):
    class Tagged(dict):
        """Stands for ansible-core's tagged types."""
    args = {'edge_url': 'http://edge.test', 'edge_org': 'O', 'edge_username': 'u', 'edge_api_key': 'k-1', 'bogus': 1}
    result, path = run(make_action(role_info, args=args, action='rockit_role_info'), fast_path)
    assert path == 'fast' and result['failed']
    assert result['msg'].startswith('Unsupported parameters for (rockit_role_info) module: bogus.')
    # pylint: disable-next=import-outside-toplevel
    from ansible_collections.rockitplay.edge.plugins.action import rockit_app
    args = {'edge_url': 'http://edge.test', 'edge_org': 'O', 'edge_username': 'u', 'edge_api_key': 'k-1', 'name': 'Sushi',
            'deployments': Tagged(a=1)}
    result, path = run(make_action(rockit_app, args=args), fast_path)
    assert path == 'fast' and result['msg'] == ("argument 'deployments' is of type dict and we were unable to convert to list: "
                                                "<class 'dict'> cannot be converted to a list"), result['msg']


# ---------------------------------------------------------------- the shim: detect a changed ansible-core, don't crash

def test_a_changed_environment_internal_falls_back_to_the_module_path(role_info, fast_path):
    action = make_action(role_info)
    action._compute_environment_string = lambda: ''  # an older/newer signature
    assert run(action, fast_path)[1] == 'module'
    del action._compute_environment_string
    with mock.patch.object(role_info.ActionModule, '_compute_environment_string', new=property(lambda self: None), create=True):
        assert run(action, fast_path)[1] == 'module'


def test_a_changed_validator_result_falls_back_to_the_module_path(role_info, fast_path):
    from ansible_collections.rockitplay.edge.plugins.plugin_utils import core_shim  # pylint: disable=import-outside-toplevel

    class Changed(object):
        validated_parameters = {}
        error_messages = []

    validator = mock.MagicMock()
    validator.validate.return_value = Changed()
    with pytest.raises(core_shim.CoreChanged):
        core_shim.validate(validator, {})
    with mock.patch.object(core_shim, 'validate', side_effect=core_shim.CoreChanged('the result changed')):
        assert run(make_action(role_info), fast_path)[1] == 'module'


def test_a_connection_without_a_transport_falls_back_to_the_module_path(role_info, fast_path):
    action = make_action(role_info, transport=None)
    assert run(action, fast_path)[1] == 'module'


def test_a_missing_config_api_falls_back_to_the_module_path(role_info, fast_path, monkeypatch):
    from ansible_collections.rockitplay.edge.plugins.plugin_utils import core_shim  # pylint: disable=import-outside-toplevel
    monkeypatch.setattr(core_shim, 'C', None)
    assert run(make_action(role_info), fast_path)[1] == 'module'


def test_arguments_json_cannot_carry_go_to_the_module_path(role_info, fast_path):
    # a set travels as a list on both paths (Ansible's module encoder); an arbitrary object cannot travel at all
    args = {'edge_url': 'http://edge.test', 'edge_org': 'O', 'edge_username': 'u', 'edge_api_key': 'k-1', 'name': object()}
    assert run(make_action(role_info, args=args), fast_path)[1] == 'module'


@pytest.mark.parametrize('defined, value, expected', [(False, None, True), (True, False, False), (True, True, True)],
                         ids=['before-2.21', '2.21-default', '2.21-on'])
def test_invocation_only_where_ansible_core_adds_it(role_info, fast_path, monkeypatch, defined, value, expected):
    from ansible_collections.rockitplay.edge.plugins.plugin_utils import core_shim  # pylint: disable=import-outside-toplevel
    config = mock.MagicMock()
    config.get_configuration_definition.side_effect = lambda name: {'name': name} if defined and name == 'INJECT_INVOCATION' else None
    real = core_shim.C.config

    def get_value(name, variables=None):
        return value if name == 'INJECT_INVOCATION' else real.get_config_value(name, variables=variables)
    config.get_config_value.side_effect = get_value
    monkeypatch.setattr(core_shim.C, 'config', config)
    result, path = run(make_action(role_info), fast_path)
    assert path == 'fast' and ('invocation' in result) is expected


def test_controller_python_identity(fast_path):
    from ansible_collections.rockitplay.edge.plugins.plugin_utils import core_shim  # pylint: disable=import-outside-toplevel
    assert core_shim.is_controller_python(None)
    assert core_shim.is_controller_python(sys.executable)
    assert not core_shim.is_controller_python('/nonexistent/python3')
    assert not core_shim.is_controller_python('no-such-python-name-on-path')
    base = os.path.realpath(sys.executable)
    if os.path.dirname(base) != os.path.dirname(os.path.abspath(sys.executable)):
        # the base interpreter of a virtualenv is another Python: its site-packages differ
        assert not core_shim.is_controller_python(base)


# ---------------------------------------------------------------- results that name a file

def test_a_result_that_names_a_file_gets_its_attributes_as_from_a_module(role_info, fast_path, tmp_path):
    """exit_json and fail_json add owner, group, mode, state and size of the file in ``path`` or ``dest``: so does the fast path."""
    from ansible.module_utils.basic import AnsibleModule  # pylint: disable=import-outside-toplevel
    from ansible_collections.rockitplay.edge.plugins.plugin_utils import core_shim  # pylint: disable=import-outside-toplevel
    target = tmp_path / 'org.yml'
    target.write_text('---\n')
    target.chmod(0o640)
    module = AnsibleModule.__new__(AnsibleModule)
    module._selinux_enabled = module._selinux_mls_enabled = module._selinux_initial_context = None
    expected = module.add_path_info({'changed': True, 'dest': str(target)})
    assert expected['mode'] == '0640' and expected['state'] == 'file' and expected['size'] == 4
    add = core_shim.path_info()
    assert add({'changed': True, 'dest': str(target)}) == expected
    assert add({'changed': False, 'dest': str(tmp_path / 'missing')}) == {'changed': False, 'dest': str(tmp_path / 'missing')}
    assert add({'changed': False}) == {'changed': False}

    def fake_execute(definition, ctx):
        return {'changed': True, 'dest': str(target)}
    with mock.patch.object(fast_path, 'execute', side_effect=fake_execute):
        result = make_action(role_info).run(task_vars={'ansible_python_interpreter': sys.executable})
    assert dict((k, result.get(k)) for k in expected) == expected


def test_without_the_file_attribute_methods_the_task_takes_the_module_path(role_info, fast_path, monkeypatch):
    from ansible_collections.rockitplay.edge.plugins.plugin_utils import core_shim  # pylint: disable=import-outside-toplevel
    monkeypatch.setattr(core_shim, '_PATH_INFO_METHODS', core_shim._PATH_INFO_METHODS + ('no_such_method',))
    assert run(make_action(role_info), fast_path)[1] == 'module'
