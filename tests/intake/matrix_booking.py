"""Authorization-matrix rows for intake (booking): API endpoints and pages, on the intake world
(tests/intake/world.py)."""

from __future__ import annotations


def routes(Route):  # noqa: N803 - the matrix's Route class
    return []
