"""What stands in front of the ROCKIT Edge backend: the firewall and the API gateway.

* The firewall (``prod``/``stage`` installations, not releases 151-154): the Accept rule (400), from
  release 155 its JSON 404 for routes and methods it does not serve, and in releases 141-150 its
  per-client rate rules (429, ``Retry-After: 60``).
* The gateway: from release 151 one rate limit for all clients together (429, ``Retry-After``: the
  whole seconds until a request is admitted again), and its request time limit (504, while the
  backend's work stands).

``--rate-limit RPS`` replaces the release's limits by one gateway limit (0: none).  Limits are token
buckets (a burst of one second's worth) on the emulator clock, so a test moves the clock instead
of waiting.  ``EmulatorMiddleware`` (``emu_control``) asks ``Gateway.front`` before the backend sees
a request and ``Gateway.timed_out`` after it.
"""

import math
import threading

from emu_release import API_PREFIXES, FIREWALL_METHODS, FIREWALL_RETRY_AFTER

WAF_NOT_FOUND = {"code": 404, "message": "Not Found"}
WAF_BAD_REQUEST = {"code": 400, "message": "Bad Request"}
TOO_MANY_REQUESTS = {"code": 429, "message": "Too Many Requests"}
GATEWAY_TIMEOUT = {"code": 504, "message": "Gateway Timeout"}


class RateLimiter:
    """Token buckets, one per limit (and per client for per-client limits), on an injectable clock."""

    def __init__(self, limits: tuple, clock) -> None:
        self.limits = limits
        self.clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[tuple, list[float]] = {}

    def reset(self) -> None:
        """Every bucket full again."""
        with self._lock:
            self._buckets.clear()

    def admit(self, path: str, client: str | None):
        """None when the request is admitted, else (the refusing limit, seconds until it admits one again)."""
        if not self.limits:
            return None
        now = self.clock()
        with self._lock:
            for index, limit in enumerate(self.limits):
                if not path.startswith(limit.prefixes):
                    continue
                capacity = max(1.0, limit.rps)
                key = (index, client if limit.per_client else None)
                bucket = self._buckets.get(key)
                if bucket is None:
                    bucket = self._buckets[key] = [capacity, now]
                tokens, last = bucket
                tokens = min(capacity, tokens + max(0.0, now - last) * limit.rps)
                bucket[1] = now
                if tokens < 1.0:
                    bucket[0] = tokens
                    return limit, (1.0 - tokens) / limit.rps
                bucket[0] = tokens - 1.0
        return None


class Gateway:
    """The firewall and gateway decisions for one emulator."""

    def __init__(self, state, url_map) -> None:
        self.state = state
        self.url_map = url_map

    def _routed(self, method: str, path: str) -> bool:
        try:
            self.url_map.bind("edge").match(path, method=method)
        except Exception:  # pylint: disable=broad-except  # NotFound, MethodNotAllowed, RequestRedirect
            return False
        return True

    def front(self, environ: dict, method: str, path: str):
        """The firewall's or the gateway's own answer (status, headers, body), or None to pass the request on."""
        if not path.startswith(API_PREFIXES):
            return None
        state = self.state
        profile = state.profile
        if profile.allow_list and (method not in FIREWALL_METHODS or not self._routed(method, path)):
            return 404, {}, WAF_NOT_FOUND
        if profile.firewall and state.config.require_accept and not environ.get("HTTP_ACCEPT", "").strip():
            return 400, {}, WAF_BAD_REQUEST
        refused = state.limiter.admit(path, environ.get("REMOTE_ADDR"))
        if refused is None:
            return None
        limit, wait = refused
        seconds = FIREWALL_RETRY_AFTER if limit.source == "firewall" else max(1, math.ceil(wait - 1e-9))
        return 429, {"Retry-After": state.retry_after(seconds)}, TOO_MANY_REQUESTS

    def timed_out(self, path: str, seconds: float) -> bool:
        """True when the gateway gave up on a request that took ``seconds``."""
        return path.startswith(API_PREFIXES) and seconds > self.state.config.gateway_timeout
