"""What an uploaded file really is, from its bytes: the allowed kinds, and the checks that refuse
everything else before a byte is stored.

The client's filename and content type are never trusted: the type comes from the content
(puremagic's signatures, and for Office Open XML the ZIP's own parts list), and the declared
filename's extension must then agree with it. HTML and SVG are refused even though they are
"just text", because a browser would run their scripts; archives and executables because they
hide what they carry.
"""

from __future__ import annotations

import codecs
import os
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

import puremagic
from django.conf import settings

from counselbench.core.errors import Invalid
from counselbench.matters.error_codes import MatterErrorCode as Code

FIELD = "file"
SNIFF_BYTES = 64 * 1024
MAX_FILENAME = 200  # DocumentVersion.filename


@dataclass(frozen=True)
class FileKind:
    key: str
    label: str
    content_type: str
    extensions: tuple[str, ...]  # the first is the canonical one


PDF = FileKind("pdf", "PDF", "application/pdf", (".pdf",))
PNG = FileKind("png", "PNG image", "image/png", (".png",))
JPEG = FileKind("jpeg", "JPEG image", "image/jpeg", (".jpg", ".jpeg"))
TIFF = FileKind("tiff", "TIFF image", "image/tiff", (".tif", ".tiff"))
DOC = FileKind("doc", "Word 97–2003 document", "application/msword", (".doc",))
DOCX = FileKind(
    "docx",
    "Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileKind(
    "xlsx",
    "Excel workbook",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
PPTX = FileKind(
    "pptx",
    "PowerPoint presentation",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    (".pptx",),
)
TEXT = FileKind("txt", "plain text", "text/plain; charset=utf-8", (".txt",))
CSV = FileKind("csv", "CSV", "text/csv; charset=utf-8", (".csv",))
MARKDOWN = FileKind("md", "Markdown", "text/markdown; charset=utf-8", (".md",))

ALLOWED: tuple[FileKind, ...] = (PDF, DOCX, XLSX, PPTX, DOC, PNG, JPEG, TIFF, TEXT, CSV, MARKDOWN)
TEXT_KINDS = (TEXT, CSV, MARKDOWN)
# Kinds recognized by their magic bytes (puremagic reports them by extension).
_BY_MAGIC = (PDF, PNG, JPEG, TIFF, DOC)
# Text a browser would execute: refused even under a .txt name.
_MARKUP = {".html", ".htm", ".xhtml", ".svg", ".svgz", ".xml", ".xsl", ".hta"}
# The part each Office Open XML package must contain (ECMA-376 part 2, the main part).
_OOXML_MAIN_PART = {
    "word/document.xml": DOCX,
    "xl/workbook.xml": XLSX,
    "ppt/presentation.xml": PPTX,
}


@dataclass(frozen=True)
class Inspected:
    kind: FileKind
    filename: str
    size: int


def allowed_summary() -> str:
    return ", ".join(ext for kind in ALLOWED for ext in kind.extensions)


def clean_filename(name: str | None) -> str:
    """The last path component, without control characters, at most 200 characters (the
    extension kept): what the download's Content-Disposition will carry."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(name) > MAX_FILENAME:
        stem, ext = os.path.splitext(name)
        ext = ext[:20]
        name = stem[: MAX_FILENAME - len(ext)] + ext
    return name


def _extension(filename: str) -> str:
    return os.path.splitext(filename)[1].lower()


def _name_ends(extension: str) -> str:
    return f"the name ends {extension}" if extension else "the name has no extension"


def _refused(what: str) -> Invalid:
    return Invalid.field(
        FIELD,
        f"{what} cannot be uploaded. Allowed: {allowed_summary()}.",
        code=Code.FILE_TYPE_REFUSED,
    )


def _ooxml_kind(stream: IO[bytes]) -> FileKind | None:
    """A ZIP is accepted only as a Word, Excel or PowerPoint package without macros; any other
    ZIP is an archive, and archives are refused."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as package:
            names = set(package.namelist())
            if "[Content_Types].xml" not in names:
                return None
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise _refused("A macro-enabled Office file")
            types = package.read("[Content_Types].xml")[:1_000_000].lower()
            if b"macroenabled" in types:
                raise _refused("A macro-enabled Office file")
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError, EOFError):
        return None
    found = [kind for part, kind in _OOXML_MAIN_PART.items() if part in names]
    return found[0] if len(found) == 1 else None


def _has_word_stream(stream: IO[bytes]) -> bool:
    """An OLE compound file is a Word 97–2003 document only if it holds a "WordDocument" stream
    ([MS-DOC] 2.1.1); installers (.msi) and other OLE files share the same magic bytes."""
    stream.seek(0)
    needle, tail = "WordDocument".encode("utf-16-le"), b""
    while block := stream.read(1024 * 1024):
        if needle in tail + block:
            return True
        tail = block[-len(needle) :]
    return False


def _magic_extensions(stream: IO[bytes]) -> set[str]:
    """The extensions puremagic gives the content, at its highest confidence. The filename is
    deliberately not passed: puremagic would let the extension tip the balance."""
    stream.seek(0)
    try:
        matches = puremagic.magic_stream(stream)
    except (puremagic.PureError, ValueError, OSError):
        return set()
    if not matches:
        return set()
    best = max(m.confidence for m in matches)
    return {m.extension.lower() for m in matches if m.confidence >= best and m.extension}


def _is_utf8_text(stream: IO[bytes]) -> bool:
    """UTF-8 throughout (a BOM is fine) and no NUL byte: what binary files always contain."""
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        while block := stream.read(SNIFF_BYTES):
            if b"\x00" in block:
                return False
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _sniff(stream: IO[bytes], head: bytes) -> FileKind | None:
    """The allowed kind the content is, or None (with Invalid raised for known-bad kinds)."""
    if head.startswith(b"PK\x03\x04"):
        kind = _ooxml_kind(stream)
        if kind is None:
            raise _refused("An archive (ZIP)")
        return kind
    extensions = _magic_extensions(stream)
    for kind in _BY_MAGIC:
        if extensions & set(kind.extensions):
            if kind is DOC and not _has_word_stream(stream):
                raise _refused("An Office container that is not a Word document")
            return kind
    if extensions & _MARKUP or head.lstrip()[:5].lower() in (b"<html", b"<svg ", b"<!doc"):
        raise _refused("HTML, SVG or XML (a browser could run scripts in it)")
    if _is_utf8_text(stream):
        return TEXT  # which text kind is decided by the name (text has no magic)
    return None


def inspect_upload(upload: IO[bytes], *, filename: str | None, size: int | None) -> Inspected:
    """Check an upload before anything is stored: not empty, within DOCUMENT_MAX_BYTES, an
    allowed kind by content, and named with an extension of that kind. Raises Invalid (422) on
    the "file" field with one of the file_* codes."""
    name = clean_filename(filename)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
    if size <= 0:
        raise Invalid.field(FIELD, "The file is empty.", code=Code.FILE_EMPTY)
    limit = settings.DOCUMENT_MAX_BYTES
    if size > limit:
        raise Invalid.field(
            FIELD,
            f"The file is {size / 1_048_576:.1f} MB; the limit is {limit / 1_048_576:.0f} MB.",
            code=Code.FILE_TOO_LARGE,
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    try:
        kind = _sniff(upload, head)
    finally:
        upload.seek(0)
    if kind is None:
        raise _refused("This type of file")
    extension = _extension(name)
    if kind is TEXT:
        by_name = next((k for k in TEXT_KINDS if extension in k.extensions), None)
        if by_name is not None:
            return Inspected(kind=by_name, filename=name, size=size)
        expected = ", ".join(e for k in TEXT_KINDS for e in k.extensions)
        raise Invalid.field(
            FIELD,
            f"The content is plain text, but {_name_ends(extension)}; text is accepted as "
            f"{expected}.",
            code=Code.FILE_TYPE_MISMATCH,
        )
    if extension not in kind.extensions:
        raise Invalid.field(
            FIELD,
            f"The content is a {kind.label}, but {_name_ends(extension)}; rename it to "
            f"{kind.extensions[0]}.",
            code=Code.FILE_TYPE_MISMATCH,
        )
    return Inspected(kind=kind, filename=name, size=size)
