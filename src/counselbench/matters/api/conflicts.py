"""API: conflicts."""

from ninja import Router

router = Router(tags=["conflicts"])
