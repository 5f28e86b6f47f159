"""API for money: time entries, billing rates, contractor statements, invoices and AR aging;
one router per part, mounted together."""

from ninja import Router

from counselbench.billing.api import invoices, rates, statements, time

router = Router()
for part in (time, rates, statements, invoices):
    router.add_router("", part.router)
