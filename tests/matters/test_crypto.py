"""Documents are encrypted at rest: the stream round-trips at every size around the chunk edges,
and anything else — a wrong key, a flipped byte, a dropped, added or reordered chunk — fails
loudly; master keys are validated, and rotation re-wraps without touching the files."""

import base64
import io
import os

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from hypothesis import given, settings
from hypothesis import strategies as st

from counselbench.access.models import AccessLogEntry
from counselbench.cli import main as cli
from counselbench.matters import crypto
from counselbench.matters.models import DocumentVersion
from counselbench.matters.services import documents
from tests.factories import MatterFactory

SMALL = 64  # chunk size for the edge cases: many chunks in few bytes
TAG = crypto.TAG_BYTES
HEADER = crypto.HEADER.size


def key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def seal(plain: bytes, data_key: bytes, chunk_size: int = SMALL) -> bytes:
    sink = io.BytesIO()
    crypto.encrypt_stream(io.BytesIO(plain), sink, data_key, chunk_size=chunk_size)
    return sink.getvalue()


def chunks_of(stored: bytes, chunk_size: int = SMALL) -> tuple[bytes, list[bytes]]:
    body = stored[HEADER:]
    step = chunk_size + TAG
    return stored[:HEADER], [body[i : i + step] for i in range(0, len(body), step)]


def from_stream(stored: bytes, data_key: bytes) -> bytes:
    return b"".join(crypto.decrypt_stream(io.BytesIO(stored), data_key))


def from_buffer(stored: bytes, data_key: bytes) -> bytes:
    return b"".join(crypto.decrypt_buffer(stored, data_key))


# Both readers: a streamed storage file (S3) and a mapped one (the filesystem).
READERS = pytest.mark.parametrize("decrypt", [from_stream, from_buffer])


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


@READERS
@pytest.mark.parametrize("size", [0, 1, SMALL - 1, SMALL, SMALL + 1, 3 * SMALL, 3 * SMALL + 5])
def test_it_round_trips_every_size_around_the_chunk_edges(size, decrypt):
    data_key = crypto.new_data_key()
    plain = os.urandom(size)
    stored = seal(plain, data_key)
    assert decrypt(stored, data_key) == plain
    chunks = max(1, -(-size // SMALL))
    assert len(stored) == HEADER + size + chunks * TAG


def test_it_round_trips_at_the_real_chunk_size_in_chunks():
    data_key = crypto.new_data_key()
    plain = os.urandom(crypto.CHUNK_SIZE + 1)
    sink = io.BytesIO()
    result = crypto.encrypt_stream(iter([plain[:10], plain[10:]]), sink, data_key)
    pieces = list(crypto.decrypt_stream(io.BytesIO(sink.getvalue()), data_key))
    assert [len(p) for p in pieces] == [crypto.CHUNK_SIZE, 1]
    assert b"".join(pieces) == plain and result.size == len(plain)


@settings(max_examples=60, deadline=None)
@given(plain=st.binary(max_size=600), chunk_size=st.integers(min_value=1, max_value=200))
def test_any_bytes_round_trip_at_any_chunk_size(plain, chunk_size):
    data_key = crypto.new_data_key()
    stored = seal(plain, data_key, chunk_size)
    assert from_stream(stored, data_key) == from_buffer(stored, data_key) == plain


def test_stored_bytes_contain_no_plaintext():
    data_key = crypto.new_data_key()
    plain = b"PRIVILEGED: settlement authority is $2.5M. " * 50
    stored = seal(plain, data_key)
    for start in range(0, len(plain) - 16, 7):
        assert plain[start : start + 16] not in stored


@READERS
def test_a_wrong_data_key_fails(decrypt):
    stored = seal(b"the client's statement", crypto.new_data_key())
    with pytest.raises(crypto.DocumentCryptoError, match="fails authentication"):
        decrypt(stored, crypto.new_data_key())


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_flipped_byte_fails(data):
    data_key = crypto.new_data_key()
    stored = bytearray(seal(os.urandom(150), data_key))
    position = data.draw(st.integers(min_value=0, max_value=len(stored) - 1))
    stored[position] ^= data.draw(st.integers(min_value=1, max_value=255))
    for decrypt in (from_stream, from_buffer):
        with pytest.raises(crypto.DocumentCryptoError):
            decrypt(bytes(stored), data_key)


@READERS
def test_truncated_extended_reordered_or_swapped_chunks_fail(decrypt):
    data_key = crypto.new_data_key()
    header, chunks = chunks_of(seal(os.urandom(3 * SMALL + 10), data_key))
    assert len(chunks) == 4
    other_header, other = chunks_of(seal(os.urandom(3 * SMALL + 10), data_key))
    attacks = {
        "last chunk dropped": header + b"".join(chunks[:3]),
        "cut mid-chunk": header + b"".join(chunks)[:-5],
        "header only": header,
        "a chunk appended": header + b"".join(chunks) + chunks[1],
        "two chunks swapped": header + chunks[1] + chunks[0] + chunks[2] + chunks[3],
        "a chunk from another file, same key": header + other[0] + b"".join(chunks[1:]),
        "another file's header": other_header + b"".join(chunks),
        "the first chunk dropped": header + b"".join(chunks[1:]),
    }
    accepted = [name for name, stored in attacks.items() if _decrypts(decrypt, stored, data_key)]
    assert accepted == []


def _decrypts(decrypt, stored: bytes, data_key: bytes) -> bool:
    try:
        decrypt(stored, data_key)
    except crypto.DocumentCryptoError:
        return False
    return True


def test_decryption_yields_nothing_before_a_bad_chunk_is_detected():
    """Each chunk is authenticated before it is yielded: a stream never hands out altered bytes."""
    data_key = crypto.new_data_key()
    stored = bytearray(seal(os.urandom(3 * SMALL), data_key))
    stored[HEADER + SMALL + TAG + 3] ^= 1  # inside the second chunk
    for stream in (
        crypto.decrypt_stream(io.BytesIO(bytes(stored)), data_key),
        crypto.decrypt_buffer(bytes(stored), data_key),
    ):
        assert len(next(stream)) == SMALL
        with pytest.raises(crypto.DocumentCryptoError, match="chunk 1"):
            next(stream)


# --- Master keys ------------------------------------------------------------------------------


def test_keys_are_parsed_and_the_last_one_is_current_by_default(settings):
    one, two = key(), key()
    settings.DOCUMENT_KEYS, settings.DOCUMENT_KEY_ID = f"k2025:{one}, k2026:{two}", ""
    ring = crypto.keyring()
    assert ring.current_id == "k2026" and ring.key("k2025") == base64.b64decode(one)
    assert not ring.derived_from_secret_key
    settings.DOCUMENT_KEY_ID = "k2025"
    assert crypto.keyring().current_id == "k2025"


@pytest.mark.parametrize(
    ("spec", "current", "message"),
    [
        ("k1", "", "id:base64-key"),
        ("bad id!:" + base64.b64encode(b"x" * 32).decode(), "", "id:base64-key"),
        ("k1:" + base64.b64encode(b"x" * 16).decode(), "", "exactly 32"),
        ("k1:not*base64", "", "not valid base64"),
        ("k1:{k},k1:{k}", "", "listed twice"),
        ("sk:{k}", "", "reserved"),
        ("k1:{k}", "k9", "names no key"),
        ("", "k9", "names no key"),
    ],
)
def test_bad_key_settings_fail_loudly(settings, spec, current, message):
    settings.DOCUMENT_KEYS = spec.replace("{k}", key())
    settings.DOCUMENT_KEY_ID = current
    with pytest.raises(ImproperlyConfigured, match=message):
        crypto.keyring()
    assert [m.id for m in run_checks(include_deployment_checks=False)].count("matters.E001") == 1


def test_without_keys_a_key_derived_from_the_secret_key_is_used_and_deploy_warns(settings):
    settings.DOCUMENT_KEYS, settings.DOCUMENT_KEY_ID = "", ""
    ring = crypto.keyring()
    assert ring.current_id == crypto.SECRET_KEY_ID and ring.derived_from_secret_key
    data_key = crypto.new_data_key()
    assert crypto.unwrap_key(*crypto.wrap_key(data_key)) == data_key
    warnings = [m.id for m in run_checks(include_deployment_checks=True)]
    assert "matters.W001" in warnings
    settings.DOCUMENT_KEYS = f"k1:{key()}"
    assert "matters.W001" not in [m.id for m in run_checks(include_deployment_checks=True)]


def test_a_wrapped_key_fails_under_the_wrong_master_key_or_relabelled(settings):
    settings.DOCUMENT_KEYS, settings.DOCUMENT_KEY_ID = f"a:{key()},b:{key()}", "a"
    data_key = crypto.new_data_key()
    key_id, wrapped = crypto.wrap_key(data_key)
    assert crypto.unwrap_key(key_id, wrapped) == data_key
    with pytest.raises(crypto.DocumentCryptoError, match="does not unwrap"):
        crypto.unwrap_key("b", wrapped)  # relabelled: the id is authenticated
    settings.DOCUMENT_KEYS = f"a:{key()},b:{key()}"  # "a" is now a different key
    with pytest.raises(crypto.DocumentCryptoError, match="does not unwrap"):
        crypto.unwrap_key(key_id, wrapped)
    settings.DOCUMENT_KEYS, settings.DOCUMENT_KEY_ID = f"b:{key()}", ""
    with pytest.raises(crypto.UnknownKeyError, match="not in DOCUMENT_KEYS"):
        crypto.unwrap_key("a", wrapped)


# --- Rotation ---------------------------------------------------------------------------------


def _download(version: DocumentVersion) -> bytes:
    return b"".join(documents._plaintext(version))


@pytest.mark.django_db
def test_rotation_rewraps_every_version_and_the_old_key_can_then_go(settings, storage_dir, capsys):
    old, new = key(), key()
    settings.DOCUMENT_KEYS, settings.DOCUMENT_KEY_ID = f"old:{old}", ""
    matter = MatterFactory()
    bodies = [b"first memo\n", b"second memo\n", b"a third memo\n"]
    made = [
        documents.create_document(
            matter,
            title=f"Memo {i}",
            upload=ContentFile(body, name=f"memo{i}.txt"),
            uploaded_by=None,
        )
        for i, body in enumerate(bodies)
    ]
    documents.add_version(made[0], upload=ContentFile(b"v2\n", name="memo.txt"), uploaded_by=None)
    files_before = {p: p.read_bytes() for p in storage_dir.rglob("*.cbdoc")}
    assert len(files_before) == 4

    settings.DOCUMENT_KEYS, settings.DOCUMENT_KEY_ID = f"old:{old},new:{new}", "new"
    assert cli(["rotate-document-keys"]) == 0
    out = capsys.readouterr().out
    assert "Re-wrapped 4 of 4" in out and "old: 4" in out
    assert set(DocumentVersion.objects.values_list("key_id", flat=True)) == {"new"}
    assert AccessLogEntry.objects.filter(action="documents.keys_rotated").count() == 1

    again = documents.rotate_document_keys()  # idempotent
    assert (again.rewrapped, again.already_current, again.total) == (0, 4, 4)

    settings.DOCUMENT_KEYS, settings.DOCUMENT_KEY_ID = f"new:{new}", ""  # the old key removed
    versions = DocumentVersion.objects.order_by("document_id", "number")
    assert [_download(v) for v in versions] == [bodies[0], b"v2\n", bodies[1], bodies[2]]
    assert {p: p.read_bytes() for p in storage_dir.rglob("*.cbdoc")} == files_before


@pytest.mark.django_db
def test_rotation_moves_files_off_the_secret_key_derived_key(settings, storage_dir):
    settings.DOCUMENT_KEYS, settings.DOCUMENT_KEY_ID = "", ""
    document = documents.create_document(
        MatterFactory(),
        title="Notes",
        upload=ContentFile(b"notes\n", name="n.md"),
        uploaded_by=None,
    )
    assert document.versions.get().key_id == "sk"
    settings.DOCUMENT_KEYS = f"prod1:{key()}"
    report = documents.rotate_document_keys()
    assert (report.rewrapped, report.key_id, report.failed) == (1, "prod1", [])
    assert _download(document.versions.get()) == b"notes\n"


@pytest.mark.django_db
def test_rotation_reports_versions_whose_key_is_missing_and_exits_non_zero(settings, storage_dir):
    settings.DOCUMENT_KEYS = f"gone:{key()}"
    documents.create_document(
        MatterFactory(),
        title="Notes",
        upload=ContentFile(b"notes\n", name="n.txt"),
        uploaded_by=None,
    )
    settings.DOCUMENT_KEYS = f"new:{key()}"
    assert cli(["rotate-document-keys"]) == 1
    assert DocumentVersion.objects.get().key_id == "gone"  # untouched, for a later run
