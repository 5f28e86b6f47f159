"""Money is integer cents; arithmetic goes through Decimal and rounds half-up to the cent."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
# The largest single amount the product accepts anywhere ($100 million): a bigger one is a typo.
MAX_AMOUNT_CENTS = 10_000_000_000


def to_cents(amount: Decimal) -> int:
    """A Decimal amount of cents (possibly fractional) rounded half-up to a whole cent."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def cents_from_dollars(value: str | int | Decimal) -> int:
    """'450', '450.5', Decimal('28.85') → cents. Raises ValueError for anything else."""
    try:
        dollars = Decimal(str(value).replace(",", "").replace("$", "").strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount") from None
    if not dollars.is_finite():
        raise ValueError(f"{value!r} is not an amount")
    if dollars != dollars.quantize(CENT):
        raise ValueError(f"{value!r} has fractions of a cent")
    return to_cents(dollars * 100)


def percent_of(cents: int, percent: Decimal) -> int:
    """`percent` % of an amount of cents, to the cent (half-up)."""
    return to_cents(Decimal(cents) * Decimal(percent) / 100)


def format_usd(cents: int, *, exact: bool = False) -> str:
    """$1,250 or $1,250.50; `exact` always shows the cents (invoices, ledgers)."""
    sign = "−" if cents < 0 else ""
    if exact or cents % 100:
        return f"{sign}${Decimal(abs(cents)) / 100:,.2f}"
    return f"{sign}${abs(cents) // 100:,}"
