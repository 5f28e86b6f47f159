"""The fixed-window counter behind every rate limit, on both cache backends a deployment uses:
local memory (the default) and Redis (REDIS_URL, shared by all app servers)."""

from __future__ import annotations

import uuid

from django.core.cache import caches
from django.test import override_settings

from counselbench.core.throttling import FixedWindowThrottle, hit
from tests.core.local_redis import needs_redis

REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/14",
        "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
}


class _PerTest(FixedWindowThrottle):
    scope = "test"

    def caller(self, request):
        return "caller"


def test_counts_each_hit_in_local_memory():
    key = f"k-{uuid.uuid4().hex}"
    assert [hit(key, timeout=60) for _ in range(3)] == [1, 2, 3]


@needs_redis
def test_on_redis_one_round_trip_counts_and_sets_the_expiry(monkeypatch):
    with override_settings(CACHES=REDIS):
        backend = caches["default"]
        key = f"k-{uuid.uuid4().hex}"
        client = backend._cache.get_client(backend.make_and_validate_key(key), write=True)
        sent = []
        original = type(client).execute_command
        monkeypatch.setattr(
            type(client),
            "execute_command",
            lambda self, *args, **kw: sent.append(args[0]) or original(self, *args, **kw),
        )
        assert [hit(key, timeout=61) for _ in range(3)] == [1, 2, 3]
        assert sent == []  # only pipelines: one MULTI/EXEC round trip per hit
        full = backend.make_and_validate_key(key)
        assert 0 < client.ttl(full) <= 61
        # Django's own API reads the counter the same way (an int, not a pickle).
        assert backend.get(key) == 3
        client.delete(full)


@needs_redis
def test_a_throttle_on_redis_refuses_past_its_limit(rf):
    with override_settings(CACHES=REDIS):
        throttle = _PerTest("2/m")
        throttle.scope = f"test-{uuid.uuid4().hex}"
        request = rf.get("/")
        assert [throttle.allow_request(request) for _ in range(3)] == [True, True, False]
        assert 0 < throttle.wait() <= 60
