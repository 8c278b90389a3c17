"""TLS: the emulator serves HTTPS with a certificate of a private CA that the test makes.

The modules refuse the certificate by default (a clear message that names TLS and the certificate
and suggests ca_path), accept it with ca_path (task option or ROCKIT_CA_PATH), refuse it with the
wrong CA, and accept it with validate_certs: false (task option or ROCKIT_VALIDATE_CERTS), which
then warns, through both execution paths. REQUESTS_CA_BUNDLE in the environment does not override
either option.
"""
import pytest

from certs import make_ca, make_server_cert  # pylint: disable=import-error
from rel_helpers import playbook_text  # pylint: disable=import-error

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings('ignore:Unverified HTTPS request')]


@pytest.fixture(scope='module')
def https_edge(emulator_factory, tmp_path_factory):
    directory = str(tmp_path_factory.mktemp('tls'))
    ca_cert, ca_key, ca_path = make_ca(directory, 'edge-ca')
    _other_cert, _other_key, other_ca_path = make_ca(directory, 'other-ca')
    cert, key = make_server_cert(directory, ca_cert, ca_key)
    emu = emulator_factory('--tls-cert', cert, '--tls-key', key, '--quiet')
    # the test's own control session: no certificate check, and no REQUESTS_CA_BUNDLE from the environment
    # (requests lets that variable override a session's verify=False)
    emu.http.trust_env = False
    assert emu.url.startswith('https://127.0.0.1:')
    return emu, ca_path, other_ca_path


INFO = 'rockitplay.edge.rockit_role_info'
ROLE = 'rockitplay.edge.rockit_role'


def cases(ca_path, other_ca_path):
    """(task name, module, options, task environment, expected outcome: 'refused', 'ok' or 'warned')."""
    return [
        ('default_refuses', INFO, {'name': 'Administrators'}, {}, 'refused'),
        ('write_default_refuses', ROLE, {'name': 'TlsRole', 'label': 'x'}, {}, 'refused'),
        ('wrong_ca_refuses', INFO, {'name': 'Administrators', 'ca_path': other_ca_path}, {}, 'refused'),
        ('ca_path_accepts', INFO, {'name': 'Administrators', 'ca_path': ca_path}, {}, 'ok'),
        ('ca_path_env_accepts', ROLE, {'name': 'TlsRole', 'label': 'TLS'}, {'ROCKIT_CA_PATH': ca_path}, 'ok'),
        ('no_validation_warns', INFO, {'name': 'Administrators', 'validate_certs': False}, {}, 'warned'),
        ('no_validation_env_warns', ROLE, {'name': 'TlsRole', 'label': 'TLS off'}, {'ROCKIT_VALIDATE_CERTS': 'false'}, 'warned'),
    ]


@pytest.mark.parametrize('fast_path', [True, False], ids=['fast-path', 'module-path'])
def test_tls_private_ca(playbook, https_edge, fast_path, record_property):
    emu, ca_path, other_ca_path = https_edge
    emu.reset()
    table = cases(ca_path, other_ca_path)
    tasks = [dict({'name': name, module: options, 'ignore_errors': True}, **({'environment': env} if env else {}))
             for name, module, options, env, _expect in table]
    # REQUESTS_CA_BUNDLE (often set on CI machines) names another CA: ca_path and validate_certs must still win
    run = playbook(playbook_text(tasks), emu, fast_path=fast_path,
                   env={'REQUESTS_CA_BUNDLE': other_ca_path, 'CURL_CA_BUNDLE': other_ca_path})
    assert 'Traceback' not in run.stdout + run.stderr, run
    errors = []
    for name, _module, _options, _env, expect in table:
        result, status = run.result(name), run.status(name)
        warnings = ' '.join(result.get('warnings') or [])
        try:
            if expect == 'refused':
                assert status == 'failed', (name, result)
                msg = result['msg']
                assert 'TLS' in msg and 'certificate' in msg.lower() and 'ca_path' in msg, (name, msg)
                assert 'Traceback' not in msg, (name, msg)
            else:
                assert status == 'ok', (name, result)
                if expect == 'warned':
                    assert 'validate_certs' in warnings and 'certificate' in warnings and 'ca_path' in warnings, (name, warnings)
                else:
                    assert 'validate_certs' not in warnings, (name, warnings)
        except AssertionError as exc:
            errors.append(str(exc))
    assert not errors, '\n'.join(errors)
    # the warning reaches the user's display (Ansible shows a repeated warning once), urllib3's own does not
    assert '[WARNING]: validate_certs is false' in run.stdout + run.stderr, run
    assert 'InsecureRequestWarning' not in run.stdout + run.stderr and 'errantly' not in run.stderr, run
    # what was refused sent nothing the server saw; what was accepted went over HTTPS to the emulator
    assert [(r['method'], r['status']) for r in emu.writes()] == [('POST', 200), ('PATCH', 200)]
    assert emu.api('GET', '/be/v1/roles/TlsRole').json()['role']['label'] == 'TLS off'
    record_property('tls_cases', len(table))
