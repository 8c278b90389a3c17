"""The state of the ROCKIT Edge emulator: organisations, credentials, tokens and permissions.

``State`` owns the store, the clock, the token table and the pipeline engine.  Request handlers run
while holding ``State.lock`` (a plain lock: one request changes the state at a time, which keeps
the emulator deterministic); slow work such as fetching a build URL happens with the lock
released (``State.unlocked``).
"""

import contextlib
import hashlib
import secrets
import threading
from typing import Iterator

import emu_fixtures
from emu_core import RESOURCE_MAX, ApiError, Clock, EmulatorConfig, missing, invalid
from emu_pipeline import Pipeline
from emu_store import Store

ADMIN_ROLE = "Administrators"
API_KEY_HEADERS = ("x-rockit-orgname", "x-rockit-username", "x-rockit-api-key")
TOKEN_HEADER = "x-rockit-beauth-token"


def secret_hash(value: str) -> str:
    """Passwords and API keys are stored as hashes only."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def unauthorized(message: str = "Invalid or missing credentials.") -> ApiError:
    """A ``401 unauthorized``."""
    return ApiError("unauthorized", message)


class State:
    """Everything the emulator knows, plus the lock that serialises changes."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.lock = threading.Lock()
        self.store = Store(config.db)
        self.clock = Clock(config.clock_speed, config.start_time)
        offset = self.store.meta_get("clock_offset")
        if offset is not None and config.start_time is None:
            self.clock.reset(float(offset))
        self.latency_ms = config.latency_ms
        self.tokens: dict[str, dict] = {}
        self.revoked_families: set[str] = set()
        self.pipeline = Pipeline(self)
        if self.store.is_empty():
            self.seed()
        self.pipeline.rebuild_index()

    # -- life cycle ---------------------------------------------------------------------------------

    def seed(self) -> None:
        """The start state: the initial organisation, its administrator and the fixtures."""
        config = self.config
        org = self.create_org(config.org, config.admin_user, config.admin_api_key, config.admin_password, initial=True)
        if config.fixtures == "docs":
            self.seed_fixtures(org)

    def seed_fixtures(self, org: str) -> None:
        """Load the documentation examples (``--fixtures docs``) into an organisation."""
        emu_fixtures.load_docs(self, org)

    def reset(self) -> None:
        """Back to the start state; tokens dropped, clock offset 0."""
        self.store.clear()
        self.tokens.clear()
        self.revoked_families.clear()
        self.clock.reset()
        self.latency_ms = self.config.latency_ms
        self.seed()
        self.pipeline.rebuild_index()

    def save_clock(self) -> None:
        """Persist the clock offset so emulated time never goes back across a restart."""
        self.store.meta_set("clock_offset", repr(self.clock.offset()))

    def now(self) -> float:
        """The emulated time."""
        return self.clock.now()

    def advance(self) -> None:
        """Bring every running pipeline up to the emulator clock."""
        self.pipeline.advance(self.clock.now())

    @contextlib.contextmanager
    def unlocked(self) -> Iterator[None]:
        """Release the request lock for slow work; the caller must re-check what it read before."""
        self.lock.release()
        try:
            yield
        finally:
            self.lock.acquire()

    # -- organisations ------------------------------------------------------------------------------

    def org_doc(self, name: str) -> dict | None:
        """The organisation document, looked up regardless of case."""
        return self.store.get("", "org", name)

    def org_name(self, org: str) -> str:
        """The spelling of an organisation's name."""
        return self.store.get("", "org", org)["name"]

    def create_org(self, name: str, admin_user: str, api_key: str, password: str, initial: bool = False) -> str:
        """Create an organisation with the Administrators role and its primary administrator."""
        now = self.now()
        org = Store.key(name)
        self.store.put("", "org", name, {"name": name, "adminUser": admin_user, "initial": initial,
                                         "created": now, "updated": now})
        self.store.put(org, "role", ADMIN_ROLE, {
            "name": ADMIN_ROLE, "label": "Administrators", "permissions": dict(RESOURCE_MAX),
            "created": now, "updated": now})
        self.store.put(org, "user", admin_user, {
            "username": admin_user, "type": "user", "email": "%s@example.com" % admin_user.lower(),
            "firstname": "Primary", "surname": "Administrator", "title": "", "roles": [ADMIN_ROLE],
            "created": now, "updated": now, "_primary": True,
            "_apiKeyHash": secret_hash(api_key), "_passwordHash": secret_hash(password)})
        return org

    # -- permissions --------------------------------------------------------------------------------

    def permissions(self, org: str, user: dict) -> dict:
        """The effective CRUDX bitmask per resource: the OR over the user's roles."""
        result = dict.fromkeys(RESOURCE_MAX, 0)
        for role_name in user["roles"]:
            role = self.store.get(org, "role", role_name)
            if role:
                for resource, bits in role["permissions"].items():
                    result[resource] |= bits
        return result

    # -- authentication -----------------------------------------------------------------------------

    def authenticate(self, headers) -> tuple[str, dict]:
        """Resolve the API key headers or the token header to (org key, user document)."""
        token = headers.get(TOKEN_HEADER)
        present = [name for name in API_KEY_HEADERS if headers.get(name) is not None]
        if token is not None:
            if headers.get("x-rockit-api-key") is not None:
                raise invalid(TOKEN_HEADER, "x-rockit-beauth-token cannot be combined with x-rockit-api-key.")
            entry = self.check_token(token, ("access", "beauth"))
            return entry["org"], self._token_user(entry)
        if not present:
            raise unauthorized("Authentication required: send x-rockit-beauth-token or the x-rockit-orgname, "
                               "x-rockit-username and x-rockit-api-key headers.")
        for name in API_KEY_HEADERS:
            if name not in present:
                raise missing(name, "Missing required header '%s' (the API key needs all three x-rockit-orgname, "
                                    "x-rockit-username and x-rockit-api-key)." % name)
        org_name, username, api_key = (headers.get(name) for name in API_KEY_HEADERS)
        org = Store.key(org_name)
        user = self.store.get(org, "user", username) if self.org_doc(org_name) else None
        if not user or not user.get("_apiKeyHash") or user["_apiKeyHash"] != secret_hash(api_key):
            raise unauthorized("Invalid organisation, username or API key.")
        return org, user

    def _token_user(self, entry: dict) -> dict:
        user = self.store.get(entry["org"], "user", entry["user"]) if self.org_doc(entry["org"]) else None
        if user is None:
            raise unauthorized("The user of this token no longer exists.")
        return user

    def issue(self, kind: str, ttl: float, **data) -> str:
        """A new opaque token of the given kind."""
        token = secrets.token_urlsafe(32)
        self.tokens[token] = dict(data, kind=kind, expires=self.now() + ttl)
        return token

    def check_token(self, token: str, kinds: tuple[str, ...]) -> dict:
        """The token entry, or 401 unauthorized / token-expired."""
        entry = self.tokens.get(token)
        if entry is None or entry["kind"] not in kinds or entry.get("revoked") or \
                entry.get("family") in self.revoked_families:
            raise unauthorized("Invalid token.")
        if self.now() >= entry["expires"]:
            raise ApiError("token-expired", "The token has expired.")
        return entry

    def password_user(self, org: str, username: str, password: str) -> dict | None:
        """The user when the password matches (machine users have no password)."""
        user = self.store.get(org, "user", username)
        if user and user.get("_passwordHash") and user["_passwordHash"] == secret_hash(password):
            return user
        return None

    def login_orgs(self, username: str, password: str) -> list[str]:
        """Organisation keys in which the username exists with this password."""
        return [org for org in self.store.orgs() if self.org_doc(org) and self.password_user(org, username, password)]

    def token_pair(self, org: str, username: str, family: str | None = None) -> dict:
        """A new access and refresh token of one family (one login)."""
        config = self.config
        family = family or secrets.token_hex(8)
        access = self.issue("access", config.access_ttl, org=org, user=username, family=family)
        refresh = self.issue("refresh", config.refresh_ttl, org=org, user=username, family=family)
        user = self._token_user({"org": org, "user": username})
        return {"accessToken": access, "refreshToken": refresh, "expiresIn": int(config.access_ttl),
                "refreshExpiresIn": int(config.refresh_ttl), "permissions": self.permissions(org, user)}
