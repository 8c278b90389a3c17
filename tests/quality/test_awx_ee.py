"""AWX and execution environments: the credential type injects what the client reads; the EE builds.

- extensions/awx/credential_type.yml: every injected environment variable is one the collection's client
  reads (CONNECTION_ENV), every input that feeds a secret connection option is a secret input, and the
  variables AWX injects (empty strings for inputs left empty) pass the modules' argument validation.
- meta/execution-environment.yml: a valid ansible-builder (version 3) definition whose build context
  holds requests and the system packages, and collection metadata that ansible-builder's introspection
  reads from the installed collection.
"""
import os
import re
import shutil
import subprocess
import sys

import jinja2
import jinja2.meta
import jinja2.sandbox
import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.rockitplay.edge.plugins.module_utils.client import CONNECTION_ENV, connection_argument_spec

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
CREDENTIAL_TYPE = os.path.join(ROOT, 'extensions', 'awx', 'credential_type.yml')
EE_FILE = os.path.join(ROOT, 'meta', 'execution-environment.yml')
COLLECTIONS = os.path.join(ROOT, '.build', 'collections')
ENV_TO_OPTION = dict((env, option) for option, env in CONNECTION_ENV.items())
SECRET_OPTIONS = set(name for name, spec in connection_argument_spec().items() if spec.get('no_log'))


def _load(path):
    with open(path) as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope='module')
def credential_type():
    return _load(CREDENTIAL_TYPE)


def _fields(credential_type):
    return dict((field['id'], field) for field in credential_type['inputs']['fields'])


def _inputs_of(template):
    return jinja2.meta.find_undeclared_variables(jinja2.Environment().parse(template)) - {'tower'}


def test_every_injected_variable_is_read_by_the_client(credential_type):
    env = credential_type['injectors']['env']
    assert env, 'the credential type must inject environment variables'
    unknown = sorted(set(env) - set(CONNECTION_ENV.values()))
    assert not unknown, 'injected but not read by plugins/module_utils/client.py: %s' % unknown
    for needed in ('ROCKIT_EDGE_URL', 'ROCKIT_ORGNAME', 'ROCKIT_USERNAME', 'ROCKIT_API_KEY', 'ROCKIT_PASSWORD', 'ROCKIT_TOKEN'):
        assert needed in env, needed


def test_inputs_are_declared_and_secrets_are_secret(credential_type):
    fields = _fields(credential_type)
    assert credential_type['kind'] == 'cloud'
    assert set(credential_type['inputs'].get('required', [])) <= set(fields)
    assert 'url' in credential_type['inputs']['required']
    for field in fields.values():
        assert field.get('type', 'string') in ('string', 'boolean'), field
        assert field.get('label'), field
    templates = list(credential_type['injectors']['env'].items()) + [(None, t) for t in credential_type['injectors'].get('file', {}).values()]
    for env_var, template in templates:
        used = _inputs_of(template)
        assert used <= set(fields), 'undeclared inputs in %s: %s' % (env_var, sorted(used - set(fields)))
        if env_var is not None and ENV_TO_OPTION[env_var] in SECRET_OPTIONS:
            for name in used:
                assert fields[name].get('secret') is True, 'input %s feeds %s and must have secret: true' % (name, env_var)
    for name, field in fields.items():
        if re.search(r'key|password|token|secret', name) and field.get('type', 'string') == 'string':
            assert field.get('secret') is True, 'input %s must have secret: true' % name


def _inject(credential_type, inputs):
    """The environment AWX gives a job for a credential with these inputs (unset inputs render empty)."""
    namespace = dict((k, v) for k, v in inputs.items() if v not in (None, ''))
    for field in credential_type['inputs']['fields']:
        if field.get('type') == 'boolean' and field['id'] not in inputs:
            namespace[field['id']] = False
    namespace['tower'] = {'filename': '/runner/env/tmpca'}
    env = jinja2.sandbox.ImmutableSandboxedEnvironment()
    return dict((var, env.from_string(tmpl).render(**namespace)) for var, tmpl in credential_type['injectors']['env'].items())


def _validate(monkeypatch, env):
    for key in CONNECTION_ENV.values():
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = ArgumentSpecValidator(connection_argument_spec()).validate({})
    assert not result.error_messages, result.error_messages
    return result.validated_parameters


def test_injected_environment_passes_the_module_validation(credential_type, monkeypatch):
    env = _inject(credential_type, {'url': 'https://edge.example.com', 'org': 'ExampleOrg', 'username': 'ci_bot', 'api_key': 'k'})
    params = _validate(monkeypatch, env)
    assert params['edge_url'] == 'https://edge.example.com' and params['edge_api_key'] == 'k'
    assert not params['edge_password'] and not params['edge_token']
    assert params['validate_certs'] is True and not params['ca_path']

    env = _inject(credential_type, {'url': 'https://edge.example.com', 'token': 't', 'validate_certs': 'false', 'ca_cert': 'PEM'})
    params = _validate(monkeypatch, env)
    assert params['edge_token'] == 't' and params['validate_certs'] is False and params['ca_path'] == '/runner/env/tmpca'


def test_execution_environment_definition_is_generic():
    ee = _load(EE_FILE)
    assert ee['version'] == 3
    deps = ee['dependencies']
    # Collection metadata: paths relative to the collection root, files that ship with the collection.
    assert deps['python'] == 'requirements.txt' and deps['system'] == 'bindep.txt'
    for name in (deps['python'], deps['system']):
        assert os.path.isfile(os.path.join(ROOT, name)), name
    with open(os.path.join(ROOT, deps['python'])) as handle:
        assert re.search(r'^requests\b', handle.read(), re.M)
    with open(EE_FILE) as handle:
        text = handle.read()
    assert ROOT not in text and os.path.expanduser('~') not in text
    assert [c['name'] for c in deps['galaxy']['collections']] == ['rockitplay.edge']


@pytest.mark.slow
def test_ansible_builder_creates_the_build_context(tmp_path):
    # ansible-builder resolves the definition's files next to it: lay them out as at the collection root.
    src = tmp_path / 'src'
    src.mkdir()
    shutil.copyfile(EE_FILE, src / 'execution-environment.yml')
    for name in ('requirements.txt', 'bindep.txt'):
        shutil.copyfile(os.path.join(ROOT, name), src / name)
    context = tmp_path / 'context'
    proc = subprocess.run([os.path.join(BIN, 'ansible-builder'), 'create', '-f', str(src / 'execution-environment.yml'),
                           '-c', str(context), '--output-filename', 'Containerfile', '-v3'],
                          capture_output=True, text=True, timeout=300, check=False, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    containerfile = (context / 'Containerfile').read_text()
    assert 'ansible-core' in containerfile and 'ansible-runner' in containerfile
    assert 'requests' in (context / '_build' / 'requirements.txt').read_text()
    assert 'ca-certificates' in (context / '_build' / 'bindep.txt').read_text()
    assert 'rockitplay.edge' in (context / '_build' / 'requirements.yml').read_text()


@pytest.mark.slow
def test_ansible_builder_introspection_finds_the_collection_requirements():
    proc = subprocess.run([os.path.join(BIN, 'ansible-builder'), 'introspect', '--sanitize', COLLECTIONS],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r'requests>=2\.25\s+# from collection rockitplay\.edge', proc.stdout), proc.stdout
    assert re.search(r'ca-certificates.*# from collection rockitplay\.edge', proc.stdout), proc.stdout
