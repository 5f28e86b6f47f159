"""The engagement agreement: issued from the firm's template with the scope, deliverables and
milestones; versioned; both sides accept the exact text; the PDF carries the same text."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from counselbench.core.errors import Invalid, RuleViolation
from counselbench.engagements import services
from counselbench.engagements.models import Signature
from tests.engagements.conftest import sign

pytestmark = pytest.mark.django_db
MILESTONE = {
    "title": "First set of responses served",
    "due_on": date(2026, 12, 18),
    "acceptance": "Served, with the attorney's sign-off",
}


def _issue(cast, engagement, deliverables="Responses to the first discovery set."):
    return services.issue_agreement(
        cast.actor("owner"),
        engagement_id=engagement.pk,
        deliverables=deliverables,
        milestones=[MILESTONE],
    )


def test_the_agreement_has_every_section_filled_from_the_engagement(cast, sent):
    agreement = _issue(cast, sent)
    text = agreement.text
    assert text.startswith(f"ENGAGEMENT AGREEMENT E-{sent.pk} (version 1)")
    assert "Between Whitfield & Moreno LLP" in text and "engaged through Keystone" in text
    assert sent.scope in text and "Responses to the first discovery set." in text
    assert "- First set of responses served, due December 18, 2026; accepted when: Served" in text
    assert "$35 an hour, about 20 hours a week." in text
    for heading in (
        "Confidentiality",
        "Data handling",
        "Breach notification",
        "End of the engagement",
        "returns or destroys all client data",
    ):
        assert heading in text
    assert "$" + "firm" not in text  # every placeholder was filled


def test_a_new_version_needs_new_acceptances(cast, sent):
    sign(cast, sent)
    first = _issue(cast, sent)
    services.accept_agreement(
        cast.actor("owner"), engagement_id=sent.pk, version=1, shown_sha256=first.text_sha256
    )
    second = _issue(cast, sent, deliverables="Responses and a privilege log.")
    assert second.version == 2 and second.text_sha256 != first.text_sha256
    assert not services.both_accepted(sent)
    with pytest.raises(RuleViolation) as old:
        services.accept_agreement(
            cast.actor("contractor"),
            engagement_id=sent.pk,
            version=1,
            shown_sha256=first.text_sha256,
        )
    assert old.value.code == "agreement_outdated"
    for who in ("owner", "contractor"):
        services.accept_agreement(
            cast.actor(who), engagement_id=sent.pk, version=2, shown_sha256=second.text_sha256
        )
    assert services.both_accepted(sent)
    assert Signature.objects.filter(kind="agreement_firm").count() == 2  # v1 and v2 on record


def test_the_professional_reads_and_accepts_it_only_after_the_nda(cast, sent):
    agreement = _issue(cast, sent)
    pro = cast.client("contractor")
    hidden = pro.get(f"/api/v1/engagements/{sent.pk}/agreement")
    assert hidden.status_code == 409 and "Whitfield" not in hidden.content.decode()
    assert hidden.json()["error"]["code"] == "nda_unsigned"
    sign(cast, sent)
    body = pro.get(f"/api/v1/engagements/{sent.pk}/agreement").json()
    assert body["version"] == 1 and body["accepted_by_professional"] is None
    accepted = pro.post(
        f"/api/v1/engagements/{sent.pk}/agreement/accept",
        {"version": 1, "text_sha256": agreement.text_sha256},
        content_type="application/json",
    )
    assert accepted.status_code == 201
    assert accepted.json()["accepted_by_professional"]["by"] == cast.contractor.display_name


def test_bad_milestones_are_refused_by_path_and_nothing_is_issued(cast, sent):
    with pytest.raises(Invalid) as refused:
        services.issue_agreement(
            cast.actor("owner"),
            engagement_id=sent.pk,
            deliverables="",
            milestones=[{"title": "", "due_on": date(2026, 1, 1), "acceptance": "x"}],
        )
    paths = {f.path for f in refused.value.fields}
    assert paths == {"deliverables", "milestones.0.title", "milestones.0.due_on"}
    assert not sent.agreements.exists() and not sent.milestones.exists()


def test_the_pdf_carries_the_scope_and_the_acceptances(cast, sent):
    _issue(cast, sent)
    response = cast.client("owner").get(f"/engagements/{sent.pk}/agreement.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Draft discovery responses for Whitfield & Moreno's litigation team." in text
    assert f"E-{sent.pk} v1" in text and "The Firm: not yet accepted" in text
    assert reader.pages[0].mediabox.width == 612  # US Letter


def test_an_owner_edits_the_template_with_known_placeholders_only(cast, sent):
    with pytest.raises(Invalid) as refused:
        services.update_template(cast.actor("owner"), body="Agreement for $client_name")
    assert "$client_name" in refused.value.fields[0].message
    services.update_template(cast.actor("owner"), body="$firm engages $professional: $scope")
    agreement = _issue(cast, sent)
    assert agreement.text.startswith("Whitfield & Moreno LLP engages ")


def test_the_template_page_shows_a_bad_placeholder_beside_the_text(cast):
    owner = cast.client("owner")
    page = owner.get("/engagements/agreement-template/")
    assert (
        b"ENGAGEMENT AGREEMENT $reference" in page.content and b"shipped template" in page.content
    )
    bad = owner.post("/engagements/agreement-template/", {"body": "For $client only"})
    assert bad.status_code == 422 and b"Unknown placeholders: $client." in bad.content
    assert services.template_body(cast.firm).startswith("ENGAGEMENT AGREEMENT")  # unchanged
    owner.post("/engagements/agreement-template/", {"body": "$firm and $professional"})
    assert services.template_body(cast.firm) == "$firm and $professional\n"
    assert (
        cast.client("attorney").post("/engagements/agreement-template/", {"body": "x"}).status_code
        == 403
    )
