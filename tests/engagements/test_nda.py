"""NDA before identity: until the professional signs, nothing they can reach names the firm or
its people, in HTML or JSON; signing records the exact text's hash, who, when and from where."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counselbench.engagements import services
from counselbench.engagements.models import Signature
from counselbench.engagements.services.nda import text_sha256
from counselbench.organizations.models import Organization
from tests.engagements.conftest import sign

pytestmark = pytest.mark.django_db


def _everything_the_professional_sees(cast, engagement) -> str:
    pro = cast.client("contractor")
    pages = [
        pro.get("/api/v1/engagements").content,
        pro.get(f"/api/v1/engagements/{engagement.pk}").content,
        pro.get(f"/api/v1/engagements/{engagement.pk}/nda").content,
        pro.get("/engagements/").content,
        pro.get(f"/engagements/{engagement.pk}/").content,
        pro.get("/talent/jobs/").content,
    ]
    return b"\n".join(pages).decode()


def _secrets(cast) -> list[str]:
    return ["Whitfield", "Moreno", cast.owner.display_name, cast.owner.email]


def test_nothing_names_the_firm_before_signing_and_everything_after(cast, sent):
    seen = _everything_the_professional_sees(cast, sent)
    assert "Discovery support for [the firm]" in seen  # the title, redacted
    for secret in _secrets(cast):
        assert secret not in seen, f"{secret!r} leaked before the NDA"
    sign(cast, sent)
    seen = _everything_the_professional_sees(cast, sent)
    assert "Whitfield &amp; Moreno LLP" in seen and '"firm": "Whitfield & Moreno LLP"' in seen
    assert cast.owner.display_name in seen  # the supervising attorney


# Consonants only: a generated name can never be a word the pages use anyway.
WORD = st.text(alphabet="BCDFGHJKLMNPQRSTVWXZ", min_size=1, max_size=1).flatmap(
    lambda first: st.text(alphabet="bcdfghjklmnpqrstvwxz", min_size=4, max_size=9).map(
        lambda rest: first + rest
    )
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=WORD, second=WORD)
def test_no_firm_name_leaks_whatever_it_is(cast, propose, first, second):
    name = f"{first} {second} LLP"
    Organization.objects.filter(pk=cast.firm.pk).update(name=name)
    engagement = propose(
        title=f"{first} {second} discovery team",
        scope=f"Work for {name} and for {second.upper()} partners.",
    )
    from tests.engagements.conftest import CONTRACTOR_ANSWERS

    services.assess(cast.actor("owner"), engagement_id=engagement.pk, answers=CONTRACTOR_ANSWERS)
    services.transition(cast.actor("owner"), engagement_id=engagement.pk, to="nda_pending")
    seen = _everything_the_professional_sees(cast, engagement).lower()
    for word in (first, second):
        assert word.lower() not in seen.replace("[the firm]", ""), f"{word} leaked"
    services.transition(
        cast.actor("owner"), engagement_id=engagement.pk, to="declined", reason="test cleanup"
    )


def test_signing_records_the_exact_text_who_when_and_where(cast, sent):
    pro = cast.client("contractor")
    shown = pro.get(f"/api/v1/engagements/{sent.pk}/nda").json()
    assert shown["text_sha256"] == text_sha256(shown["text"])
    wrong = pro.post(
        f"/api/v1/engagements/{sent.pk}/nda",
        {"text_sha256": "0" * 64},
        content_type="application/json",
    )
    assert wrong.status_code == 409 and not Signature.objects.exists()
    signed = pro.post(
        f"/api/v1/engagements/{sent.pk}/nda",
        {"text_sha256": shown["text_sha256"]},
        content_type="application/json",
        HTTP_USER_AGENT="Phone browser 1.0",
    )
    assert signed.status_code == 201
    signature = Signature.objects.get()
    assert signature.signed_by == cast.contractor
    assert signature.text_sha256 == shown["text_sha256"]
    assert signature.ip == "127.0.0.1" and signature.user_agent == "Phone browser 1.0"
    again = pro.post(
        f"/api/v1/engagements/{sent.pk}/nda",
        {"text_sha256": shown["text_sha256"]},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "nda_already_signed"


def test_the_firm_cannot_sign_for_the_professional(cast, sent):
    text = services.nda_text(sent)
    response = cast.client("owner").post(
        f"/api/v1/engagements/{sent.pk}/nda",
        {"text_sha256": text_sha256(text)},
        content_type="application/json",
    )
    assert response.status_code == 403 and not Signature.objects.exists()


def test_the_engagement_list_is_paginated_and_costs_the_same_queries_per_page(
    cast, sent, django_assert_max_num_queries
):
    from counselbench.engagements.models import Engagement

    owner = cast.client("owner")
    with django_assert_max_num_queries(30) as one:
        assert owner.get("/engagements/").status_code == 200
    copied = {f.attname: getattr(sent, f.attname) for f in Engagement._meta.concrete_fields}
    for i in range(60):
        Engagement.objects.create(
            **copied | {"id": None, "title": f"Copy {i}", "state": "declined"}
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = owner.get("/engagements/").content.decode()
    assert "Page 1 of 2" in page
