"""Emulator variants: each one models one plausible way a real Edge differs from the API assumptions.

``--variant NAME`` (repeatable) switches one on; ``--list-variants`` prints the names.  A variant is
one ``Variant`` entry of ``REGISTRY``: its name, the section of ``docs/api-assumptions.md`` it differs
from, what the server then does, and its hooks.  The emulator's code calls ``Variants.apply(point,
value, *context)`` at a few named points; with no variant on, ``apply`` returns ``value`` unchanged,
and each active variant's hook for that point may return another value.  Adding a variant is adding
an entry (and, for a difference no hook point covers yet, one ``apply`` call where it happens).

Hook points (value, then context):

=======================  ==========================================================================
``task_item``            a record of the task list (``GET /be/v1/tasks``)
``app_deployments``      the deployments an app create or patch stores (after validation)
``subscription_detail``  the answer of ``GET /be/v1/subscriptions/{name}``; context: its list records
``user_patch``           the body of ``PATCH /be/v1/users`` as it is applied
``origin_replaced``      False; True: a deployment patch's ``origin`` replaces the stored one as sent
``role_permissions``     the permission map a role patch stores; context: stored map, sent map
``create_answer``        the answer of a create; context: the key of the created object ("" for none)
``body``                 a request body before validation; context: its schema
``error_body``           the body of an API error answer; context: the ``ApiError``
``page_limit``           the ``limit`` of a list request after validation
``case_sensitive``       the set of document kinds whose names are matched with regard to case
``retry_after``          the value of a ``Retry-After`` header; context: the seconds it stands for
``firewall_off``         False; True: no firewall (no Accept rule, no firewall answers or limits)
=======================  ==========================================================================
"""

import dataclasses
import email.utils
import time
from typing import Any, Callable

from emu_core import strip_unknown

NAMED_KINDS = frozenset({"app", "deployment", "role", "subscription", "task", "user"})
MINIMAL_TASK_FIELDS = ("name", "service", "status")
SMALL_PAGE = 100


@dataclasses.dataclass(frozen=True)
class Variant:
    """One way a server may differ from the API assumptions page."""

    name: str
    differs: str
    summary: str
    hooks: dict


def _renamed(old: str, new: str) -> Callable:
    def rename(answer: dict, _created: str) -> dict:
        if old not in answer:
            return answer
        return {(new if key == old else key): value for key, value in answer.items()}
    return rename


def _without_object(answer: dict, created: str) -> dict:
    return {key: value for key, value in answer.items() if key != created} if created else answer


def _not_found_without_name(body: dict, error) -> dict:
    return {"message": "Not Found"} if error.error == "not-found" else body


def _http_date(_value: str, seconds: int) -> str:
    # an HTTP date is read against the client's own clock: wall time, not the emulated time
    return email.utils.formatdate(time.time() + seconds, usegmt=True)


def _subscription_records(_answer: dict, records: list) -> dict:
    return {"subscriptions": records}


def _replaced(value: Any) -> Callable:
    return lambda *_args: value


REGISTRY: dict[str, Variant] = {variant.name: variant for variant in (
    Variant("task-list-minimal", "8 (list item)",
            "task list items carry only the documented name, service, status; details are complete",
            {"task_item": lambda record: {key: record[key] for key in MINIMAL_TASK_FIELDS}}),
    Variant("app-deployments-ignored", "7",
            "the app deployments field is accepted on create and patch but ignored: reads show [] "
            "(published to every deployment)",
            {"app_deployments": _replaced([])}),
    Variant("subscription-detail-records", "9 (read one)",
            "GET /be/v1/subscriptions/{name} answers {\"subscriptions\": [<list records>]}, one record per event",
            {"subscription_detail": _subscription_records}),
    Variant("user-roles-ignored", "5 (patch)",
            "PATCH /be/v1/users answers success but leaves roles unchanged",
            {"user_patch": lambda body: {key: value for key, value in body.items() if key != "roles"}}),
    Variant("deployment-patch-replaces-origin", "6 (patch)",
            "an origin sent in a patch replaces the stored origin as a whole (fields not sent are lost)",
            {"origin_replaced": _replaced(True)}),
    Variant("role-patch-merges-permissions", "4 (patch)",
            "a permissions object sent in a patch is merged into the stored one (resources not sent keep their value)",
            {"role_permissions": lambda _replaced_map, stored, sent: dict(stored, **sent)}),
    Variant("apikey-field-renamed", "5, 12",
            "the one-time key is named key (not apiKey) in the create answers of machine users and API keys",
            {"create_answer": _renamed("apiKey", "key")}),
    Variant("subscription-secret-renamed", "9",
            "the one-time signing secret is named signingSecret (not secret)",
            {"create_answer": _renamed("secret", "signingSecret")}),
    Variant("create-answer-status-only", "1 (create)",
            "creates answer {\"status\":\"success\"} (plus the one-time secret) without the object",
            {"create_answer": _without_object}),
    Variant("unknown-fields-ignored", "1",
            "unknown body fields are silently ignored instead of 400 invalid-param",
            {"body": lambda body, schema: strip_unknown(schema, body)}),
    Variant("not-found-without-name", "1 (errors)",
            "a missing object is 404 {\"message\":\"Not Found\"} without an error name",
            {"error_body": _not_found_without_name}),
    Variant("small-page-limit", "1.1",
            "the largest page is 100: a larger limit is silently capped at 100",
            {"page_limit": lambda limit: min(limit, SMALL_PAGE)}),
    Variant("case-sensitive-names", "10",
            "names are matched with regard to case: /apps/sushi does not find Sushi",
            {"case_sensitive": lambda kinds: set(kinds) | NAMED_KINDS}),
    Variant("retry-after-date", "14",
            "Retry-After is an HTTP date instead of seconds",
            {"retry_after": _http_date}),
    Variant("no-firewall", "1, 14",
            "a test installation: no Accept rule, no firewall answers; unknown routes reach the backend "
            "(404 {\"status\":\"failed\",\"error\":\"not-found\"})",
            {"firewall_off": _replaced(True)}),
)}


class Variants:
    """The variants in force and their hooks by point."""

    def __init__(self, names=()) -> None:
        unknown = [name for name in names if name not in REGISTRY]
        if unknown:
            raise ValueError("unknown variant(s): %s; --list-variants shows the names" % ", ".join(unknown))
        self.names = tuple(dict.fromkeys(names))
        self._hooks: dict[str, list] = {}
        for name in self.names:
            for point, hook in REGISTRY[name].hooks.items():
                self._hooks.setdefault(point, []).append(hook)

    def __contains__(self, name: str) -> bool:
        return name in self.names

    def apply(self, point: str, value: Any, *context: Any) -> Any:
        """``value`` as the active variants change it at this hook point."""
        for hook in self._hooks.get(point, ()):
            value = hook(value, *context)
        return value

    def describe(self) -> list[dict]:
        """The active variants, for the control API."""
        return [{"name": name, "differs": REGISTRY[name].differs, "summary": REGISTRY[name].summary}
                for name in self.names]
