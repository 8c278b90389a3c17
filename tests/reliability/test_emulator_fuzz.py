"""The emulator under schemathesis: more than 1,000 generated requests, no server error, no undocumented answer.

In process (``schemathesis.openapi.from_wsgi`` on ``create_app``): every operation of ``/openapi.json``
with valid (positive) and invalid (negative) generated data, then the stateful mode, which follows the
OpenAPI links the document declares (a create feeds the read, update and delete of the same object;
an app feeds a build, a build its task). Hypothesis runs derandomised, so a run is reproducible.

Checks left out, as in the emulator's own schemathesis test, because the API contract makes the
emulator answer differently from what they assume: ``unsupported_method`` (the firewall answers 404
for routes it does not serve), ``ignored_auth`` (it swaps the token header while the API key headers
stay, which the contract makes a 400), and ``positive_data_acceptance`` for the operations whose 400
answers depend on the stored state (unknown roles or deployments, the s3 endpoint rules, fields of one
user type).
"""
import os
import sys

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance, unsupported_method

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'emulator'))

# pylint: disable=wrong-import-position
import edge_emulator  # noqa: E402
from emu_testlib import ADMIN_HEADERS, ADMIN_TOKEN, API_KEY  # noqa: E402

pytestmark = pytest.mark.slow

EXAMPLES = 12                  # per operation and generation mode
SCENARIOS, STEPS = 50, 12      # stateful: scenarios of up to 12 linked calls
MINIMUM = 1000
STATE_DEPENDENT = {('POST', '/be/v1/users'), ('PATCH', '/be/v1/users'), ('POST', '/be/v1/apps'),
                   ('PATCH', '/be/v1/apps'), ('POST', '/be/v1/deployments'), ('PATCH', '/be/v1/deployments')}
SETTINGS = dict(deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))


class Counted(object):
    """WSGI wrapper that counts the API requests the emulator serves."""

    def __init__(self, app):
        self.app = app
        self.count = 0

    def __call__(self, environ, start_response):
        if environ.get('PATH_INFO', '').startswith('/be/v1/'):
            self.count += 1
        return self.app(environ, start_response)


APP = edge_emulator.create_app({'fixtures': 'docs', 'quiet': True, 'step_seconds': 0, 'admin_api_key': API_KEY,
                                'admin_token': ADMIN_TOKEN, 'rate_limit': 0})
COUNTER = APP.wsgi_app = Counted(APP.wsgi_app)
HEADERS = dict(ADMIN_HEADERS, **{'x-rockit-admin-token': ADMIN_TOKEN})
# operations that may take away the credentials of the following requests: the start state comes back after them
RESETTING = {('DELETE', '/be/v1/apikeys'), ('DELETE', '/be/v1/orgs/{orgName}')}
SCHEMA = schemathesis.openapi.from_wsgi('/openapi.json', APP)


def excluded_checks(case):
    excluded = [unsupported_method, ignored_auth]
    if (case.method.upper(), case.path) in STATE_DEPENDENT:
        excluded.append(positive_data_acceptance)
    return excluded


def prepare(case):
    """The security alternatives are exclusive: authenticate with the admin API key (and the admin token) only."""
    if case.headers:
        case.headers.pop('x-rockit-beauth-token', None)


def restore(case):
    """Back to the start state after an operation that may have removed the admin's API key or organisation."""
    if (case.method.upper(), case.path) in RESETTING:
        assert APP.test_client().post('/_emulator/reset').status_code == 200


class Machine(SCHEMA.as_state_machine()):  # pylint: disable=too-few-public-methods
    """Stateful run through the OpenAPI links; every scenario starts from the start state."""

    def setup(self):
        assert APP.test_client().post('/_emulator/reset').status_code == 200

    def before_call(self, case):
        prepare(case)

    def get_call_kwargs(self, case):
        return {'headers': HEADERS}

    def after_call(self, response, case):
        restore(case)

    def validate_response(self, response, case, additional_checks=None, **kwargs):
        case.validate_response(response, additional_checks=additional_checks, excluded_checks=excluded_checks(case),
                               headers=HEADERS, transport_kwargs=kwargs or None, recorder=self.recorder)


def fuzz_operation(operation, mode):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, **SETTINGS)
    def run(case):
        prepare(case)
        case.call_and_validate(headers=HEADERS, excluded_checks=excluded_checks(case))
        restore(case)
    run()


def test_fuzz_more_than_1000_requests_without_a_server_error(record_property):
    document = APP.test_client().get('/openapi.json').get_json()
    links = [answer['links'] for path in document['paths'].values() for op in path.values()
             for answer in op['responses'].values() if 'links' in answer]
    assert len(links) >= 5, 'the document declares the OpenAPI links the stateful mode follows'
    assert APP.test_client().post('/_emulator/reset').status_code == 200
    start = COUNTER.count
    failures, unsatisfiable, operations = [], [], 0
    for result in SCHEMA.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in schemathesis.GenerationMode:
            try:
                fuzz_operation(operation, mode)
            except Unsatisfiable:
                unsatisfiable.append('%s (%s)' % (operation.label, mode.value))   # nothing invalid to generate
            except Exception as exc:  # pylint: disable=broad-except
                failures.append('%s (%s): %s' % (operation.label, mode.value, str(exc)[:2000]))
    stateless = COUNTER.count - start
    try:
        Machine.run(settings=settings(max_examples=SCENARIOS, stateful_step_count=STEPS, **SETTINGS))
    except Exception as exc:  # pylint: disable=broad-except
        failures.append('stateful: %s' % str(exc)[:3000])
    stateful = COUNTER.count - start - stateless
    assert not failures, '\n\n'.join(failures)
    assert operations >= 30 and len(unsatisfiable) <= 2, unsatisfiable
    assert stateful >= 200 and stateless + stateful >= MINIMUM, (stateless, stateful)
    record_property('fuzz_requests', stateless + stateful)
    record_property('fuzz_requests_stateful', stateful)


def test_deployment_origin_null_is_a_400():
    """The first finding of the fuzz run (it was a 500), kept as a fixed example."""
    answer = APP.test_client().post('/be/v1/deployments', headers=ADMIN_HEADERS, json={'name': 'cdn', 'origin': None})
    assert answer.status_code == 400 and answer.get_json()['error'] == 'invalid-param', answer.get_json()
