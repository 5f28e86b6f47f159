"""API rate limits as fixed-window counters: one atomic cache increment per request.

django-ninja's own throttles keep a list of every request's timestamp per caller and rewrite it
on each request, so their cost grows with the allowed rate. A counter per caller per window costs
the same at 60/m as at 60 000/m, and `INCR` is atomic on Redis, so several app servers sharing
REDIS_URL enforce one limit together.
"""

from __future__ import annotations

import time
import weakref
from typing import Any

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'120/m' → (120, 60). A malformed rate is a configuration error at start."""
    try:
        count, period = rate.split("/")
        return int(count), _PERIODS[period.strip()[0]]
    except (ValueError, KeyError, IndexError):
        raise ValueError(f"Rate {rate!r} is not N/s, N/m, N/h or N/d") from None


# One redis-py client per Django Redis cache client: Django makes a new one (over the same
# connection pool) for every operation, which costs more CPU than the round trip itself.
_clients: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def _redis_client(backend: RedisCache) -> Any:
    # Django's Redis client: not in its documented API, so tests/core/test_throttling.py runs
    # hit() against a real Redis.
    cache_client = backend._cache  # type: ignore[attr-defined]
    if cache_client not in _clients:
        _clients[cache_client] = cache_client.get_client(write=True)
    return _clients[cache_client]


def hit(key: str, *, timeout: int) -> int:
    """Count one more hit on the counter `key` (made with `timeout` seconds to live) and return
    the count. On Redis it is one round trip, INCR and EXPIRE in one MULTI/EXEC (Django's
    `add` then `incr` took three: SET NX, EXISTS, INCR). Elsewhere (the per-process
    local-memory cache) `add` then `incr`, each atomic under that cache's lock."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        full_key = backend.make_and_validate_key(key)
        pipe = _redis_client(backend).pipeline(transaction=True)
        pipe.incr(full_key)
        pipe.expire(full_key, timeout)
        count, _ = pipe.execute()
        return int(count)
    cache.add(key, 0, timeout=timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


class FixedWindowThrottle(BaseThrottle):
    scope = ""

    def __init__(self, rate: str):
        self.limit, self.period = parse_rate(rate)
        self._wait = 0.0

    def caller(self, request: HttpRequest) -> str | None:
        raise NotImplementedError

    def allow_request(self, request: HttpRequest) -> bool:
        caller = self.caller(request)
        if caller is None:
            return True
        now = time.time()
        window = int(now // self.period)
        key = f"cb:throttle:{self.scope}:{caller}:{window}"
        count = hit(key, timeout=self.period + 1)
        self._wait = (window + 1) * self.period - now
        return count <= self.limit

    def wait(self) -> float:
        return self._wait


class AnonymousThrottle(FixedWindowThrottle):
    """Per client address, for requests without credentials."""

    scope = "anon"

    def caller(self, request: HttpRequest) -> str | None:
        if getattr(request, "auth", None) is not None:
            return None
        from counselbench.access.log import client_ip

        return client_ip(request) or "unknown"


class UserThrottle(FixedWindowThrottle):
    """Per user, however many tokens or sessions they use."""

    scope = "user"

    def caller(self, request: HttpRequest) -> str | None:
        user = getattr(getattr(request, "auth", None), "user", None)
        return str(user.pk) if user is not None else None
