"""An engagement's pay terms: how often the professional is paid and when each statement is due;
they show in the agreement and decide the statements' due dates."""

import pytest

from counselbench.core.errors import Invalid


def test_pay_terms_are_recorded_and_written_into_the_agreement(cast, propose):
    engagement = propose(pay_period="weekly", payment_terms_days=5)
    assert (engagement.pay_period, engagement.payment_terms_days) == ("weekly", 5)
    from counselbench.engagements.services.agreement import _billing

    assert "Paid weekly, each statement due 5 days after its period ends." in _billing(engagement)


@pytest.mark.parametrize(
    ("terms", "path"),
    [({"pay_period": "daily"}, "pay_period"), ({"payment_terms_days": 120}, "payment_terms_days")],
)
def test_bad_pay_terms_are_refused_with_the_field_named(cast, propose, terms, path):
    with pytest.raises(Invalid) as refused:
        propose(**terms)
    assert path in [f.path for f in refused.value.fields]


def test_the_api_shows_and_changes_pay_terms(cast, propose):
    engagement = propose()
    client = cast.client("owner")
    response = client.patch(
        f"/api/v1/engagements/{engagement.pk}",
        {"pay_period": "monthly", "payment_terms_days": 15},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["pay_period"] == "monthly"
    assert response.json()["payment_terms_days"] == 15
