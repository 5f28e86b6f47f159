"""The navigation shows each role what it may use: money to billing people and attorneys only."""

from counselbench.core.navigation import navigation_for


def labels(cast, name):
    return [item.label for item in navigation_for(cast.actor(name))]


def test_money_is_in_the_navigation_of_those_who_handle_it(cast):
    assert {"Billing", "Trust"} <= set(labels(cast, "owner"))
    assert {"Billing", "Trust"} <= set(labels(cast, "attorney"))
    assert not {"Billing", "Trust"} & set(labels(cast, "staff"))
    cast.staff.memberships.update(billing=True)
    assert {"Billing", "Trust"} <= set(labels(cast, "staff"))
    assert "Statements" in labels(cast, "contractor")
    assert not {"Billing", "Trust", "Statements"} & set(labels(cast, "vetting_staff"))
