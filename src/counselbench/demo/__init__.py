"""Demo data: one realistic firm and its world, built idempotently (`counselbench demo`).

Each capability adds a builder module here and calls it from `build_demo`, so the same demo firm
grows with the product.
"""

from django.db import transaction

from counselbench.demo import (
    billing,
    engagements,
    insights,
    intake,
    matters,
    organizations,
    selfaudit,
    talent,
)

DEFAULT_PASSWORD = "counselbench-demo"


@transaction.atomic
def build_demo(
    *, password: str = DEFAULT_PASSWORD, professionals: int = 200
) -> list[tuple[str, str, str]]:
    """Create or refresh the demo; returns (role, email, where) for every account that signs in.
    `professionals` is the size of the provider's network (the benchmark asks for 100,000)."""
    accounts = organizations.build(password=password)
    accounts += talent.build(
        password=password, provider=organizations.provider(), professionals=professionals
    )
    selfaudit.build(firm=organizations.firm())
    talent.postings(firm=organizations.firm())
    talent.providers(firm=organizations.firm(), keystone=organizations.provider())
    engagements.build(firm=organizations.firm())
    matters.build(firm=organizations.firm())
    billing.build(firm=organizations.firm())
    intake.build(firm=organizations.firm())
    insights.build(firm=organizations.firm())
    return accounts
