"""A delegation-ready matter for the tests: the cast's firm has a client matter in Texas with
parties, the client's consent, and the cast's contractor (a paralegal) in an active engagement
supervised by the firm's attorney, conflict-checked and clear."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from counselbench.engagements.models import Engagement
from counselbench.matters.models import Document, Matter, Task
from counselbench.matters.services import matters as matter_services
from counselbench.matters.services import tasks as task_services
from counselbench.matters.services.conflicts import check_matter
from tests.factories import ClientFactory, EngagementFactory, category

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def pdf(name: str = "exhibit.pdf", body: bytes = b"") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF + body, content_type="application/pdf")


@dataclass
class Delegation:
    matter: Matter
    engagement: Engagement
    paralegal_work: int  # category ids
    attorney_work: int


@pytest.fixture
def documents_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents")},
        },
    }
    return tmp_path / "documents"


def open_matter(cast, *, jurisdiction: str = "TX", consent: bool = True, **data) -> Matter:
    client = ClientFactory(organization=cast.firm, name="Harbor Logistics LLC")
    matter = matter_services.open_matter(
        cast.actor("attorney"),
        data={
            "client_id": client.pk,
            "title": "Harbor Logistics v. Brightline Freight",
            "jurisdiction": jurisdiction,
            "practice_area": "litigation",
            **data,
        },
        parties=[
            {"name": "Brightline Freight Inc.", "role": "adverse"},
            {"name": "Dana Whitaker", "role": "witness"},
        ],
    )
    if consent:
        matter_services.record_consent(
            cast.actor("attorney"),
            matter_id=matter.pk,
            data={
                "consented_by": "Lee Harbor, CEO",
                "consented_on": date(2026, 11, 2),
                "method": "written",
                "scope": "Contract paralegal support on discovery and depositions.",
                "markup_disclosed": True,
            },
        )
    return matter


@pytest.fixture
def delegation(cast, documents_storage) -> Delegation:
    matter = open_matter(cast)
    profile = cast.contractor.professional_profile
    engagement = EngagementFactory(
        organization=cast.firm, professional=profile, supervising_attorney=cast.attorney
    )
    check_matter(matter, run_by=cast.attorney, professional=profile)
    return Delegation(
        matter=matter,
        engagement=engagement,
        paralegal_work=category(cast.firm, "deposition-summaries").pk,
        attorney_work=category(cast.firm, "court-appearances").pk,
    )


def make_task(cast, delegation: Delegation, *, attorney: bool = False, **data) -> Task:
    return task_services.create_task(
        cast.actor("attorney"),
        matter_id=delegation.matter.pk,
        data={
            "title": "Summarize the Whitaker deposition",
            "category_id": delegation.attorney_work if attorney else delegation.paralegal_work,
            **data,
        },
    )


def upload(cast, matter: Matter, title: str = "Whitaker deposition transcript") -> Document:
    from counselbench.matters.services.documents import upload_document

    return upload_document(
        cast.actor("attorney"), matter_id=matter.pk, title=title, upload=pdf(f"{title}.pdf")
    )
