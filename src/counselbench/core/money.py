"""Money is integer cents; arithmetic goes through Decimal and rounds half-up to the cent."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


def to_cents(amount: Decimal) -> int:
    """A Decimal amount of cents (possibly fractional) rounded half-up to a whole cent."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def cents_from_dollars(value: str | int | Decimal) -> int:
    """'450', '450.5', Decimal('28.85') → cents. Raises ValueError for anything else."""
    try:
        dollars = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount") from None
    if not dollars.is_finite():
        raise ValueError(f"{value!r} is not an amount")
    return to_cents(dollars * 100)


def format_usd(cents: int) -> str:
    sign = "−" if cents < 0 else ""
    return f"{sign}${abs(cents) / 100:,.2f}" if cents % 100 else f"{sign}${abs(cents) // 100:,}"
