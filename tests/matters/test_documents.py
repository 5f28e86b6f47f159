"""Matter documents through the API: uploads are checked by content and stored encrypted,
versions are numbered, downloads stream the exact bytes with safe headers; other firms and
contractors without a live grant get the same 404 as for a missing id, and every view, download
and refused attempt lands in the owning firm's access log."""

import hashlib
import io
import zipfile
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from counselbench.access.models import AccessLogEntry
from counselbench.core.errors import Invalid
from counselbench.matters import crypto, filetypes
from counselbench.matters.models import (
    Consent,
    Document,
    DocumentVersion,
    Grant,
    MatterStatus,
    Task,
    TaskDocument,
)
from counselbench.matters.services import documents
from tests.factories import EngagementFactory, MatterFactory, category

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
    b"(PRIVILEGED: the client admits the invoice was late)\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def ooxml(main_part: str, content_types: str = "<Types/>") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", content_types)
        package.writestr(main_part, "<x/>")
    return buffer.getvalue()


@pytest.fixture
def storage_dir(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents")},
        },
    }
    return tmp_path / "documents"


@pytest.fixture
def matter(cast):
    return MatterFactory(organization=cast.firm, responsible_attorney=cast.attorney)


def blobs(storage_dir) -> list[bytes]:
    return [p.read_bytes() for p in storage_dir.rglob("*") if p.is_file()]


def post_file(client, matter, name="answer.pdf", body=PDF, title="Answer to complaint"):
    return client.post(
        "/api/v1/documents",
        {"matter_id": matter.pk, "title": title, "file": SimpleUploadedFile(name, body)},
    )


def read(response) -> bytes:
    return b"".join(response.streaming_content)


def entries(action: str):
    return AccessLogEntry.objects.filter(action=action).order_by("seq")


def test_an_owner_uploads_and_gets_the_exact_bytes_back_while_only_ciphertext_is_stored(
    cast, matter, storage_dir
):
    owner = cast.client("owner")
    created = post_file(owner, matter)
    assert created.status_code == 201, created.content
    shown = created.json()
    assert shown["title"] == "Answer to complaint" and shown["matter_id"] == matter.pk
    assert shown["versions"][0] | {"uploaded_at": None} == {
        "number": 1,
        "filename": "answer.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "uploaded_at": None,
        "uploaded_by": cast.owner.display_name,
    }
    [stored] = blobs(storage_dir)
    assert b"PRIVILEGED" not in stored and b"%PDF" not in stored
    version = DocumentVersion.objects.get()
    assert "answer" not in version.storage_name and version.key_id == crypto.keyring().current_id

    response = owner.get(f"/api/v1/documents/{shown['id']}/download")
    assert response.status_code == 200 and read(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF))
    assert response["Content-Disposition"] == 'attachment; filename="answer.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    [upload] = entries("documents.upload")
    assert upload.organization_id == cast.firm.pk
    assert upload.detail == {"document_id": shown["id"], "matter_id": matter.pk, "version": 1}


def test_a_new_version_is_numbered_and_each_version_downloads_its_own_bytes(
    cast, matter, storage_dir
):
    attorney = cast.client("attorney")
    document_id = post_file(attorney, matter).json()["id"]
    second = PDF.replace(b"late", b"on time")
    added = attorney.post(
        f"/api/v1/documents/{document_id}/versions",
        {"file": SimpleUploadedFile("answer-v2.pdf", second)},
    )
    assert added.status_code == 201 and added.json()["number"] == 2
    assert read(attorney.get(f"/api/v1/documents/{document_id}/download")) == second
    assert read(attorney.get(f"/api/v1/documents/{document_id}/download?version=1")) == PDF
    assert attorney.get(f"/api/v1/documents/{document_id}/download?version=3").status_code == 404
    listed = attorney.get(f"/api/v1/documents/{document_id}/versions").json()
    assert [(v["number"], v["filename"]) for v in listed] == [
        (2, "answer-v2.pdf"),
        (1, "answer.pdf"),
    ]
    [added_entry] = entries("documents.version_added")
    assert added_entry.detail == {"document_id": document_id, "matter_id": matter.pk, "version": 2}
    assert len(blobs(storage_dir)) == 2


@pytest.mark.parametrize(
    ("name", "body", "code"),
    [
        ("empty.pdf", b"", "file_empty"),
        ("big.pdf", PDF + b"x" * 2000, "file_too_large"),
        ("invoice.pdf", EXE, "file_type_refused"),  # an executable renamed
        ("scan.pdf", PNG, "file_type_mismatch"),
        ("notes.pdf", b"plain notes\n", "file_type_mismatch"),
        ("page.txt", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "file_type_refused"),
        (
            "logo.txt",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
            "file_type_refused",
        ),
        ("bundle.docx", ooxml("evil/payload.bin"), "file_type_refused"),  # a plain ZIP
        ("data.txt", b"\x00\x01\x02binary\xff\xfe", "file_type_refused"),
        ("brief.docx", ooxml("xl/workbook.xml"), "file_type_mismatch"),
        (
            "macro.docx",
            ooxml(
                "word/document.xml", "<Types>application/vnd.ms-word.document.macroEnabled</Types>"
            ),
            "file_type_refused",
        ),
    ],
)
def test_a_refused_upload_is_a_422_on_the_file_field_and_stores_nothing(
    cast, matter, storage_dir, settings, name, body, code
):
    settings.DOCUMENT_MAX_BYTES = len(PDF) + 1000
    response = post_file(cast.client("owner"), matter, name=name, body=body)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == code and [f["path"] for f in error["fields"]] == ["file"]
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert blobs(storage_dir) == []
    assert not entries("documents.upload").exists()


@pytest.mark.parametrize(
    ("name", "body", "content_type"),
    [
        ("brief.docx", ooxml("word/document.xml"), filetypes.DOCX.content_type),
        ("ledger.xlsx", ooxml("xl/workbook.xml"), filetypes.XLSX.content_type),
        ("deck.pptx", ooxml("ppt/presentation.xml"), filetypes.PPTX.content_type),
        ("photo.JPG", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40, "image/jpeg"),
        ("scan.tiff", b"II*\x00\x08\x00\x00\x00" + b"\x00" * 40, "image/tiff"),
        ("exhibits.csv", "name,amount\nAcme,12\nÉcole,3\n".encode(), "text/csv; charset=utf-8"),
        ("MZ notes.txt", b"MZ is how the memo starts\n", "text/plain; charset=utf-8"),
        (
            "old.doc",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + b"\x00" * 600
            + "WordDocument".encode("utf-16-le"),
            "application/msword",
        ),
    ],
)
def test_allowed_kinds_are_recognized_by_content(name, body, content_type, settings):
    inspected = filetypes.inspect_upload(io.BytesIO(body), filename=name, size=len(body))
    assert inspected.kind.content_type == content_type and inspected.filename == name


def test_an_ole_file_that_is_not_a_word_document_is_refused(settings):
    installer = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    with pytest.raises(Invalid) as refused:
        filetypes.inspect_upload(io.BytesIO(installer), filename="setup.doc", size=len(installer))
    assert refused.value.code == "file_type_refused"


def test_the_download_name_is_cleaned_and_safely_quoted(cast, matter, storage_dir):
    owner = cast.client("owner")
    name = '..\\..\\Réponse "finale".pdf'
    document_id = post_file(owner, matter, name=name).json()["id"]
    header = owner.get(f"/api/v1/documents/{document_id}/download")["Content-Disposition"]
    assert header == "attachment; filename*=utf-8''R%C3%A9ponse%20%22finale%22.pdf"


def test_filenames_lose_paths_and_control_characters():
    assert filetypes.clean_filename("C:\\Users\\x\\memo\r\n\x00.pdf") == "memo.pdf"
    assert filetypes.clean_filename("../../etc/passwd") == "passwd"
    long = filetypes.clean_filename("a" * 300 + ".docx")
    assert len(long) == 200 and long.endswith(".docx")


def test_another_firm_gets_the_same_404_as_for_a_missing_document(cast, matter, storage_dir):
    document_id = post_file(cast.client("owner"), matter).json()["id"]
    outsider = cast.client("outsider")
    for path in ("", "/download", "/versions"):
        theirs = outsider.get(f"/api/v1/documents/{document_id}{path}")
        missing = outsider.get(f"/api/v1/documents/{document_id + 1000}{path}")
        assert theirs.status_code == missing.status_code == 404
        assert theirs.json() == missing.json()
    added = outsider.post(
        f"/api/v1/documents/{document_id}/versions", {"file": SimpleUploadedFile("x.pdf", PDF)}
    )
    assert added.status_code == 404
    assert post_file(outsider, matter).status_code == 404  # their matter is invisible too
    assert outsider.get("/api/v1/documents").json()["count"] == 0
    assert DocumentVersion.objects.count() == 1


def test_a_contractor_without_a_grant_gets_404_and_the_attempt_is_logged_for_the_firm(
    cast, matter, storage_dir
):
    document_id = post_file(cast.client("owner"), matter).json()["id"]
    contractor = cast.client("contractor")
    response = contractor.get(f"/api/v1/documents/{document_id}/download")
    missing = contractor.get(f"/api/v1/documents/{document_id + 1000}/download")
    assert response.status_code == 404 and response.json() == missing.json()
    denied = entries("documents.denied").first()
    assert denied.actor_id == cast.contractor.pk and denied.organization_id == cast.firm.pk
    assert denied.detail["document_id"] == document_id
    assert denied.detail["matter_id"] == matter.pk
    assert not entries("documents.download").exists()


def _grant(cast, matter, document) -> Task:
    engagement = EngagementFactory(
        organization=cast.firm,
        professional=cast.contractor.professional_profile,
        supervising_attorney=cast.attorney,
    )
    Consent.objects.create(
        matter=matter,
        consented_by="Lee Harbor, CEO",
        consented_on=date(2026, 11, 2),
        method="written",
        scope="Paralegal support.",
        markup_disclosed=True,
        recorded_by=cast.attorney,
    )
    task = Task.objects.create(
        organization=cast.firm,
        matter=matter,
        title="Summarize the deposition",
        category=category(cast.firm),
        assignee=cast.contractor,
        engagement=engagement,
        supervising_attorney=cast.attorney,
    )
    TaskDocument.objects.create(task=task, document=document, attached_by=cast.attorney)
    Grant.objects.create(
        task=task,
        document=document,
        grantee=cast.contractor,
        engagement=engagement,
        granted_by=cast.attorney,
        reason="Needed for the summary.",
    )
    return task


def test_a_contractor_with_a_live_grant_downloads_and_the_firm_sees_it_until_the_task_closes(
    cast, matter, storage_dir
):
    document_id = post_file(cast.client("owner"), matter).json()["id"]
    task = _grant(cast, matter, Document.objects.get(pk=document_id))
    contractor = cast.client("contractor")
    listed = contractor.get(f"/api/v1/documents?task={task.pk}").json()
    assert [d["id"] for d in listed["items"]] == [document_id]
    response = contractor.get(f"/api/v1/documents/{document_id}/download")
    assert response.status_code == 200 and read(response) == PDF
    download = entries("documents.download").get()
    assert (download.actor_id, download.organization_id) == (cast.contractor.pk, cast.firm.pk)
    assert download.detail == {"document_id": document_id, "matter_id": matter.pk, "version": 1}
    # Contractors read; they do not add versions (403: they can see it, not change it).
    added = contractor.post(
        f"/api/v1/documents/{document_id}/versions", {"file": SimpleUploadedFile("x.pdf", PDF)}
    )
    assert added.status_code == 403

    Task.objects.filter(pk=task.pk).update(status="done")
    assert contractor.get(f"/api/v1/documents/{document_id}/download").status_code == 404
    assert contractor.get("/api/v1/documents").json()["count"] == 0


def test_a_staff_download_and_view_are_logged_with_the_document_and_matter(
    cast, matter, storage_dir
):
    document_id = post_file(cast.client("owner"), matter).json()["id"]
    staff = cast.client("staff")
    assert staff.get(f"/api/v1/documents/{document_id}").status_code == 200
    assert read(staff.get(f"/api/v1/documents/{document_id}/download?version=1")) == PDF
    view, download = entries("documents.view").get(), entries("documents.download").get()
    for entry in (view, download):
        assert entry.actor_id == cast.staff.pk and entry.organization_id == cast.firm.pk
        assert entry.object_type == "matters.document" and entry.object_id == str(document_id)
    assert view.detail == {"document_id": document_id, "matter_id": matter.pk}
    assert download.detail == {"document_id": document_id, "matter_id": matter.pk, "version": 1}


def test_a_closed_matter_takes_no_new_documents(cast, matter, storage_dir):
    document_id = post_file(cast.client("owner"), matter).json()["id"]
    matter.status, matter.closed_on = MatterStatus.CLOSED, matter.opened_on
    matter.save(update_fields=["status", "closed_on"])
    refused = post_file(cast.client("owner"), matter)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "matter_closed"
    again = cast.client("owner").post(
        f"/api/v1/documents/{document_id}/versions", {"file": SimpleUploadedFile("a.pdf", PDF)}
    )
    assert again.status_code == 409
    assert len(blobs(storage_dir)) == 1


def test_the_list_filters_shows_the_latest_version_and_costs_the_same_at_any_size(
    cast, matter, storage_dir, django_assert_max_num_queries
):
    other_matter = MatterFactory(organization=cast.firm, responsible_attorney=cast.attorney)
    for i in range(6):
        documents.create_document(
            matter if i % 2 else other_matter,
            title=f"Exhibit {i}",
            upload=ContentFile(f"exhibit {i}\n".encode(), name=f"exhibit-{i}.txt"),
            uploaded_by=cast.attorney,
        )
    first = Document.objects.get(title="Exhibit 1")
    documents.add_version(
        first, upload=ContentFile(b"v2\n", name="exhibit-1-final.md"), uploaded_by=None
    )
    owner = cast.client("owner")
    owner.get("/api/v1/documents")  # warm the session and actor lookups
    with django_assert_max_num_queries(12) as small:
        owner.get("/api/v1/documents?page_size=1")
    with django_assert_max_num_queries(len(small.captured_queries)):
        listed = owner.get("/api/v1/documents?page_size=50").json()
    assert listed["count"] == 6
    on_matter = owner.get(f"/api/v1/documents?matter={matter.pk}").json()["items"]
    assert [d["title"] for d in on_matter] == ["Exhibit 1", "Exhibit 3", "Exhibit 5"]
    assert on_matter[0]["latest"] | {"uploaded_at": None} == {
        "number": 2,
        "filename": "exhibit-1-final.md",
        "content_type": "text/markdown; charset=utf-8",
        "size": 3,
        "uploaded_at": None,
    }
    found = owner.get("/api/v1/documents?q=FINAL").json()["items"]
    assert [d["title"] for d in found] == ["Exhibit 1"]


def test_a_damaged_stored_file_fails_before_any_byte_is_sent(cast, matter, storage_dir):
    document = documents.create_document(
        matter, title="Memo", upload=ContentFile(b"memo\n", name="memo.txt"), uploaded_by=None
    )
    [path] = [p for p in storage_dir.rglob("*") if p.is_file()]
    damaged = bytearray(path.read_bytes())
    damaged[-1] ^= 1
    path.write_bytes(bytes(damaged))
    with pytest.raises(crypto.DocumentCryptoError):
        documents.open_download(cast.actor("owner"), document_id=document.pk)
    assert not entries("documents.download").exists()


def test_a_failed_database_write_removes_the_stored_blob(cast, matter, storage_dir, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(documents, "_version_row", broken)
    with pytest.raises(RuntimeError):
        documents.create_document(
            matter, title="Memo", upload=ContentFile(b"memo\n", name="memo.txt"), uploaded_by=None
        )
    assert blobs(storage_dir) == [] and not Document.objects.exists()


@pytest.mark.parametrize("mapped", [True, False], ids=["filesystem-mmap", "streamed-like-s3"])
def test_a_download_streams_from_either_storage_kind_and_may_stop_early(
    cast, matter, storage_dir, monkeypatch, mapped
):
    body = b"line of a long deposition transcript\n" * 70_000  # 2.5 MiB: three chunks
    document = documents.create_document(
        matter, title="Transcript", upload=ContentFile(body, name="t.txt"), uploaded_by=None
    )
    if not mapped:
        monkeypatch.setattr(documents, "_local_path", lambda storage, name: None)
    _, chunks = documents.open_download(cast.actor("owner"), document_id=document.pk)
    assert b"".join(chunks) == body
    _, chunks = documents.open_download(cast.actor("owner"), document_id=document.pk)
    assert len(next(chunks)) == crypto.CHUNK_SIZE
    chunks.close()  # the client went away: the file is closed, nothing raises
