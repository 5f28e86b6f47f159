"""API for matters and secure delegation: one router per part, mounted together."""

from ninja import Router

from counselbench.matters.api import alerts, conflicts, documents, matters, tasks

router = Router()
for part in (matters, tasks, documents, conflicts, alerts):
    router.add_router("", part.router)
