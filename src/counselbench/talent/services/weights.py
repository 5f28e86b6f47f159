"""A firm's match weights: how many points each factor of the ranked score is worth.

Every firm starts with the defaults on `MatchWeights`; an owner tunes them. Weights are whole
points from 0 to 100; at least one must be above zero, or nothing would rank anyone.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from counselbench.access import log
from counselbench.access.policy import Action, Actor, require
from counselbench.core.errors import FieldError, Invalid
from counselbench.talent.matching import FACTORS, default_weights, weights_for
from counselbench.talent.models import MatchWeights

MAX_WEIGHT = 100


def check(values: dict[str, Any]) -> list[FieldError]:
    """The errors in a full set of weights, each on its factor's field."""
    errors = []
    for name in FACTORS:
        value = values.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(FieldError(name, "A whole number of points is required."))
        elif not 0 <= value <= MAX_WEIGHT:
            errors.append(FieldError(name, f"Between 0 and {MAX_WEIGHT} points."))
    if not errors and not any(values[name] for name in FACTORS):
        errors.append(FieldError(FACTORS[0], "At least one factor needs more than 0 points."))
    return errors


def set_weights(
    actor: Actor, changes: dict[str, Any], *, request: HttpRequest | None = None
) -> dict[str, int]:
    """Apply `changes` (any subset of the factors) to the firm's weights; returns all of them.
    Invalid input changes nothing."""
    organization = actor.current_organization
    current = weights_for(organization.pk)
    require(actor, Action.CHANGE, MatchWeights, "Only the firm's owners tune match weights.")
    unknown = sorted(set(changes) - set(FACTORS))
    if unknown:
        raise Invalid(
            "Unknown match factor.",
            fields=[FieldError(name, "Not a match factor.") for name in unknown],
        )
    merged = {**current, **changes}
    if errors := check(merged):
        raise Invalid("Check the weights.", fields=errors)
    with transaction.atomic():
        MatchWeights.objects.update_or_create(organization=organization, defaults=merged)
        log.record(
            "talent.match_weights_changed",
            actor=actor,
            obj=organization,
            request=request,
            detail={"from": current, "to": merged},
        )
    return merged


def reset_weights(actor: Actor, *, request: HttpRequest | None = None) -> dict[str, int]:
    """Back to the shipped defaults."""
    return set_weights(actor, default_weights(), request=request)
