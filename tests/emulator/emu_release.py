"""Releases of the ROCKIT Edge: what changes at the edges of the API from one release to the next.

``--release N`` (141 ... 159, default the newest) selects the login flow, whether the firewall runs
and what it answers, the rate limits and where the service routes live (API assumptions, section
14).  ``--install`` (``test`` has no firewall) and ``--tier`` (free-tier limits) refine it.  Every
release-dependent decision of the emulator reads the ``Profile`` built here, so the table below is
the one place to change when a new release differs.
"""

import dataclasses

OLDEST = 141
NEWEST = 159
RELEASES = tuple(range(OLDEST, NEWEST + 1))
INSTALLS = ("prod", "stage", "test")
TIERS = ("paid", "free")
API_PREFIXES = ("/be/", "/adm/", "/srv/")
FIREWALL_METHODS = ("GET", "POST", "PATCH", "DELETE")
FIREWALL_RETRY_AFTER = 60
ENGINE_VERSION = "2026.07.13"


@dataclasses.dataclass(frozen=True)
class Limit:
    """One rate limit: requests per second on some path prefixes, per client or for all clients together."""

    rps: float
    prefixes: tuple = API_PREFIXES
    per_client: bool = False
    source: str = "gateway"  # "gateway" (Retry-After: seconds until admitted) or "firewall" (Retry-After: 60)


@dataclasses.dataclass(frozen=True)
class Profile:  # pylint: disable=too-many-instance-attributes
    """What a release, installation and tier mean for the emulator."""

    release: int
    install: str
    tier: str
    login_flow: str          # "2025" (session + /be/v1/auth) or "2026" (two steps, refresh, logout)
    firewall: bool           # the firewall runs (Accept rule, its own answers)
    allow_list: bool         # the firewall answers unknown routes and methods with its JSON 404
    limits: tuple            # Limit entries in force
    service_prefix: str      # "/srv/v1" or "/adm/v1"

    def describe(self) -> dict:
        """The profile as the control API reports it."""
        return {
            "release": self.release, "install": self.install, "tier": self.tier, "loginFlow": self.login_flow,
            "firewall": self.firewall, "firewallNotFound": self.allow_list, "servicePrefix": self.service_prefix,
            "rateLimits": [{"rps": limit.rps, "prefixes": list(limit.prefixes), "perClient": limit.per_client,
                            "source": limit.source} for limit in self.limits],
        }


def release_limits(release: int, tier: str, firewall: bool) -> tuple:
    """The documented rate limits of a release (section 14)."""
    free = tier == "free"
    if release == 141:
        if not firewall:
            return ()
        return (Limit(10, ("/be/",), True, "firewall"), Limit(10, ("/adm/",), True, "firewall"),
                Limit(100, ("/srv/",), True, "firewall"))
    if release <= 150:
        if not firewall:
            return ()
        rps = 30 if free else 600
        return tuple(Limit(rps, (prefix,), True, "firewall") for prefix in API_PREFIXES)
    if release <= 154:
        return (Limit(5 if free else 20, ("/be/v1/",)),)
    return (Limit(33 if free else 800),)


def profile(release: int, install: str = "prod", tier: str = "paid", rate_limit: float | None = None,
            firewall_off: bool = False) -> Profile:
    """The profile of a release; ``rate_limit`` (requests per second, 0 = none) replaces its limits."""
    if release not in RELEASES:
        raise ValueError("release must be between %d and %d" % (OLDEST, NEWEST))
    if install not in INSTALLS:
        raise ValueError("install must be one of: %s" % ", ".join(INSTALLS))
    if tier not in TIERS:
        raise ValueError("tier must be one of: %s" % ", ".join(TIERS))
    if rate_limit is not None and rate_limit < 0:
        raise ValueError("the rate limit must be 0 (none) or more requests per second")
    firewall = install != "test" and not firewall_off and not 151 <= release <= 154
    if rate_limit is None:
        limits = release_limits(release, tier, firewall)
    else:
        limits = (Limit(float(rate_limit)),) if rate_limit > 0 else ()
    return Profile(release=release, install=install, tier=tier, login_flow="2026" if release >= 153 else "2025",
                   firewall=firewall, allow_list=firewall and release >= 155, limits=limits,
                   service_prefix="/srv/v1" if release >= 153 else "/adm/v1")


def versions(release: int) -> dict:
    """The answer of the versions route."""
    return {"release": release, "versions": {"edge": str(release), "engine": ENGINE_VERSION}}
