"""Emulator tests: schemathesis against the emulator's own /openapi.json, in process (WSGI).

Every response must be documented (status, content type, schema) and no request may cause a
server error.  Two of the default checks are switched off, and one is narrowed, because the
contract makes the emulator behave differently from what they assume:

* ``unsupported_method``: the firewall answers 404 (not 405) for every route that is not on its
  allow list, e.g. ``PATCH /be/v1/subscriptions``;
* ``ignored_auth``: it replaces the token header while our API key headers stay, and the contract
  makes a token combined with an API key a 400, not a 401 (the auth tests cover 401 exactly);
* ``positive_data_acceptance`` is skipped for the operations whose 400 answers depend on the
  state (unknown role or deployment names, the s3 endpoint/region/bucket rule, the merge of a
  deployment origin, fields that only one user type has, a wrong ``oldPW``).
"""

import os
import sys

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance, unsupported_method

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# pylint: disable=wrong-import-position
import edge_emulator  # noqa: E402
from emu_testlib import ADMIN_HEADERS, ADMIN_TOKEN, API_KEY  # noqa: E402

APP = edge_emulator.create_app({"fixtures": "docs", "quiet": True, "step_seconds": 0, "admin_api_key": API_KEY,
                                "admin_token": ADMIN_TOKEN, "rate_limit": 0})
HEADERS = dict(ADMIN_HEADERS, **{"x-rockit-admin-token": ADMIN_TOKEN})
# operations that may take away the credentials of the following cases: the start state comes back after them
RESETTING = {("DELETE", "/be/v1/apikeys"), ("DELETE", "/be/v1/orgs/{orgName}")}
SCHEMA = schemathesis.openapi.from_wsgi("/openapi.json", APP)
STATE_DEPENDENT = {("POST", "/be/v1/users"), ("PATCH", "/be/v1/users"), ("POST", "/be/v1/apps"),
                   ("PATCH", "/be/v1/apps"), ("POST", "/be/v1/deployments"), ("PATCH", "/be/v1/deployments")}
SETTINGS = settings(max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck))
pytestmark = pytest.mark.slow


def excluded_checks(case) -> list:
    """The checks that do not apply to this operation (see the module docstring)."""
    excluded = [unsupported_method, ignored_auth]
    if (case.method.upper(), case.path) in STATE_DEPENDENT:
        excluded.append(positive_data_acceptance)
    return excluded


def prepare(case) -> None:
    """The security alternatives are exclusive: authenticate with the admin API key (and the admin token) only."""
    if case.headers:
        case.headers.pop("x-rockit-beauth-token", None)


def restore(case) -> None:
    """Back to the start state after an operation that may have removed the admin's API key or organisation."""
    if (case.method.upper(), case.path) in RESETTING:
        assert APP.test_client().post("/_emulator/reset").status_code == 200


@SCHEMA.parametrize()
@SETTINGS
def test_every_operation_conforms(case):
    prepare(case)
    case.call_and_validate(headers=HEADERS, excluded_checks=excluded_checks(case))
    restore(case)


class Machine(SCHEMA.as_state_machine()):  # pylint: disable=too-few-public-methods
    """Stateful run through the OpenAPI links (create -> read / update / delete, app -> build -> task)."""

    def setup(self) -> None:
        """Every scenario starts from the start state, so hypothesis can replay it."""
        assert APP.test_client().post("/_emulator/reset").status_code == 200

    def before_call(self, case) -> None:
        prepare(case)

    def get_call_kwargs(self, case) -> dict:
        return {"headers": HEADERS}

    def after_call(self, response, case) -> None:
        restore(case)

    def validate_response(self, response, case, additional_checks=None, **kwargs) -> None:
        case.validate_response(response, additional_checks=additional_checks, excluded_checks=excluded_checks(case),
                               headers=HEADERS, transport_kwargs=kwargs or None, recorder=self.recorder)


def test_stateful_links():
    Machine.run(settings=settings(max_examples=15, stateful_step_count=6, deadline=None, database=None,
                                  suppress_health_check=list(HealthCheck)))


OLD_APP = edge_emulator.create_app({"quiet": True, "release": 152, "admin_api_key": API_KEY, "admin_token": ADMIN_TOKEN,
                                    "rate_limit": 0})
OLD_SCHEMA = schemathesis.openapi.from_wsgi("/openapi.json", OLD_APP).include(
    path=["/be/v1/login", "/be/v1/auth", "/be/v1/orgs", "/adm/v1/ping", "/adm/v1/versions"])


@OLD_SCHEMA.parametrize()
@SETTINGS
def test_the_operations_of_release_152_conform(case):
    """The routes that only older releases have: the 2025 login, /be/v1/orgs, the service routes under /adm/v1."""
    prepare(case)
    case.call_and_validate(headers=HEADERS, excluded_checks=excluded_checks(case))
