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
import emu_release
from emu_core import RESOURCE_MAX, ApiError, Clock, EmulatorConfig, conflict, invalid, missing
from emu_gateway import RateLimiter
from emu_pipeline import Pipeline
from emu_store import Store
from emu_variants import Variants

ADMIN_ROLE = "Administrators"
API_KEY_HEADERS = ("x-rockit-orgname", "x-rockit-username", "x-rockit-api-key")
TOKEN_HEADER = "x-rockit-beauth-token"
ADMIN_TOKEN_HEADER = "x-rockit-admin-token"
MAX_API_KEYS = 5


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
        self.variants = Variants(config.variants)
        self.profile = emu_release.profile(config.release, config.install, config.tier, config.rate_limit,
                                           firewall_off=self.variants.apply("firewall_off", False))
        if config.gateway_timeout <= 0:
            raise ValueError("the gateway timeout must be more than 0 seconds")
        self.lock = threading.Lock()
        self.store = Store(config.db, case_sensitive=self.variants.apply("case_sensitive", set()))
        self.clock = Clock(config.clock_speed, config.start_time)
        offset = self.store.meta_get("clock_offset")
        if offset is not None and config.start_time is None:
            self.clock.reset(float(offset))
        self.latency_ms = config.latency_ms
        self.limiter = RateLimiter(self.profile.limits, self.clock.now)
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
        self.limiter.reset()
        self.latency_ms = self.config.latency_ms
        self.seed()
        self.pipeline.rebuild_index()

    def save_clock(self) -> None:
        """Persist the clock offset so emulated time never goes back across a restart."""
        self.store.meta_set("clock_offset", repr(self.clock.offset()))

    def retry_after(self, seconds: int) -> str:
        """The value of a Retry-After header that asks to wait ``seconds``."""
        return self.variants.apply("retry_after", str(seconds), seconds)

    def settings(self) -> dict:
        """What the emulator is set to behave like: release, installation, tier, limits, timeout."""
        return dict(self.profile.describe(), gatewayTimeout=self.config.gateway_timeout,
                    rateLimitOption=self.config.rate_limit, adminToken=bool(self.config.admin_token),
                    variants=list(self.variants.names))

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

    def create_org(self, name: str, admin_user: str, api_key: str | None, password: str, initial: bool = False,
                   email: str | None = None, firstname: str = "Primary", surname: str = "Administrator") -> str:
        """Create an organisation with the Administrators role and its primary administrator.

        The administrator has a password and no API key, unless ``api_key`` is given: that models a
        key the administrator created with ``POST /be/v1/apikeys``.
        """
        now = self.now()
        org = Store.key(name)
        email = email or "%s@example.com" % admin_user.lower()
        self.store.put("", "org", name, {"name": name, "adminUser": admin_user, "adminEmail": email,
                                         "initial": initial, "created": now, "updated": now})
        self.store.put(org, "role", ADMIN_ROLE, {
            "name": ADMIN_ROLE, "label": "Administrators", "permissions": dict(RESOURCE_MAX),
            "created": now, "updated": now})
        admin = {"username": admin_user, "type": "user", "email": email, "firstname": firstname, "surname": surname,
                 "title": "", "roles": [ADMIN_ROLE], "created": now, "updated": now, "_primary": True,
                 "_apiKeys": [], "_passwordHash": secret_hash(password)}
        if api_key:
            admin["_apiKeys"].append(self.new_api_key_entry(api_key))
        self.store.put(org, "user", admin_user, admin)
        return org

    def delete_org(self, org: str) -> None:
        """Remove an organisation with every object, build, upload URL, API key and token it holds."""
        self.pipeline.forget_org(org)
        self.store.delete_org(org)
        self.store.delete("", "org", org)
        for token in [token for token, entry in self.tokens.items() if entry.get("org") == org]:
            del self.tokens[token]

    def org_is_empty(self, org: str) -> bool:
        """True when the organisation holds nothing but its primary administrator and Administrators."""
        for kind in self.store.kinds(org):
            for doc in self.store.docs(org, kind):
                if not ((kind == "role" and doc["name"] == ADMIN_ROLE) or (kind == "user" and doc.get("_primary"))):
                    return False
        return True

    # -- API keys -----------------------------------------------------------------------------------

    def new_api_key_entry(self, api_key: str) -> dict:
        """The stored form of an API key: an id (not secret, never reused), its hash and when it was made."""
        return {"id": "ak_" + secrets.token_hex(8), "hash": secret_hash(api_key), "created": self.now()}

    def add_api_key(self, org: str, user: dict) -> tuple[str, dict]:
        """A new API key for a user (``user`` is a private copy, stored here); returns (secret, entry)."""
        keys = user.setdefault("_apiKeys", [])
        if len(keys) >= MAX_API_KEYS:
            raise conflict("User '%s' already holds %d API keys, the most a user may hold; delete one first."
                           % (user["username"], MAX_API_KEYS))
        api_key = secrets.token_urlsafe(32)
        entry = self.new_api_key_entry(api_key)
        keys.append(entry)
        self.store.put(org, "user", user["username"], user)
        return api_key, entry

    def api_key_user(self, api_key: str) -> tuple[str, dict] | None:
        """(org key, user) of an API key sent alone in the token header, or None."""
        digest = secret_hash(api_key)
        for org in self.store.orgs():
            for user in self.store.docs(org, "user"):
                if any(entry["hash"] == digest for entry in user.get("_apiKeys", ())):
                    return org, user
        return None

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
            if token not in self.tokens:
                found = self.api_key_user(token)
                if found:
                    return found
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
        digest = secret_hash(api_key)
        if not user or not any(entry["hash"] == digest for entry in user.get("_apiKeys", ())):
            raise unauthorized("Invalid organisation, username or API key.")
        return org, user

    def authenticate_admin(self, token: str | None) -> None:
        """The installation's static admin token; without ``--admin-token`` nothing is accepted."""
        expected = self.config.admin_token
        if not expected or token is None or not secrets.compare_digest(token.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")):
            raise unauthorized("Invalid or missing admin token (%s)." % ADMIN_TOKEN_HEADER)

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
