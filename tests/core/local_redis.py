"""The Redis on 127.0.0.1:6379 that the Redis tests use, and their skip marker without it."""

from __future__ import annotations

import socket

import pytest


def available() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


needs_redis = pytest.mark.skipif(not available(), reason="no Redis on 127.0.0.1:6379")
