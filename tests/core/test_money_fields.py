"""Money is exact end to end: every amount is whole cents and every rate a Decimal (the scan for
floats is tests/billing/test_time_entries.py)."""

from django.apps import apps
from django.db import models


def _our_fields():
    for model in apps.get_models():
        if model.__module__.startswith("counselbench."):
            for field in model._meta.get_fields():
                if isinstance(field, models.Field):
                    yield model, field


def test_every_amount_is_an_integer_number_of_cents():
    amounts = [(m, f) for m, f in _our_fields() if f.name.endswith("_cents")]
    assert len(amounts) >= 30  # the scan sees the money models
    wrong = [
        f"{model.__name__}.{field.name}"
        for model, field in amounts
        if not isinstance(field, models.IntegerField | models.BigIntegerField)
    ]
    assert wrong == []


def test_percentages_are_decimals():
    percents = [(m, f) for m, f in _our_fields() if f.name.endswith("_percent")]
    assert percents
    assert all(isinstance(f, models.DecimalField) for _, f in percents)
