"""Demo data: one realistic firm and its world, built idempotently (`counselbench demo`).

Each capability adds a builder module here and calls it from `build_demo`, so the same demo firm
grows with the product.
"""

from django.db import transaction

from counselbench.demo import organizations, selfaudit, talent

DEFAULT_PASSWORD = "counselbench-demo"


@transaction.atomic
def build_demo(*, password: str = DEFAULT_PASSWORD) -> list[tuple[str, str, str]]:
    """Create or refresh the demo; returns (role, email, where) for every account that signs in."""
    accounts = organizations.build(password=password)
    accounts += talent.build(password=password, provider=organizations.provider())
    selfaudit.build(firm=organizations.firm())
    return accounts
