"""Encryption at rest for matter documents: envelope encryption with AES-256-GCM.

Each stored file version has its own random data key. The data key is wrapped (encrypted) under a
master key from the environment (settings.DOCUMENT_KEYS), and the row keeps only the master key's
id and the wrapped key; rotating master keys therefore re-wraps 60 bytes per version and never
rewrites a file. The file body is encrypted in chunks with a STREAM construction (Hoang,
Reyhanitabar, Rogaway, Vizár, "Online Authenticated-Encryption and its Nonce-Reuse
Misuse-Resistance", 2015):
the nonce of chunk i is prefix ‖ i ‖ last-flag, so a reordered, swapped, dropped or truncated
chunk fails authentication, and a download can be streamed chunk by chunk without buffering the
whole file.

Stored layout: MAGIC (6 bytes) ‖ chunk size (4 bytes, big-endian) ‖ nonce prefix (7 bytes),
then each chunk's ciphertext and 16-byte tag. The 17-byte header is every chunk's associated
data, so it cannot be altered either.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 32
CHUNK_SIZE = 1024 * 1024  # 1 MiB: large enough that per-chunk overhead is negligible
MAGIC = b"CBDOC\x01"
PREFIX_BYTES = 7
TAG_BYTES = 16
HEADER = struct.Struct(f">{len(MAGIC)}sI{PREFIX_BYTES}s")
MAX_CHUNKS = 2**32  # the counter's width in the nonce
KEY_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,40}")
# The fallback master key, derived from SECRET_KEY, so a fresh install encrypts without setup.
SECRET_KEY_ID = "sk"  # noqa: S105 - an identifier, not a secret
_WRAP_FORMAT = b"\x01"
_WRAP_NONCE_BYTES = 12
_WRAP_AAD = b"counselbench document data key|"
_HKDF_INFO = b"counselbench documents master key v1"


class DocumentCryptoError(Exception):
    """A stored document cannot be decrypted: tampered, truncated, or the wrong key."""


class UnknownKeyError(DocumentCryptoError):
    """A version names a master key id that is not configured (removed too early?)."""


@dataclass(frozen=True)
class Keyring:
    """The configured master keys by id, and the one new files are wrapped under."""

    keys: dict[str, bytes] = field(repr=False)
    current_id: str
    derived_from_secret_key: bool

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise UnknownKeyError(
                f"Master key {key_id!r} is not in DOCUMENT_KEYS; files wrapped under it cannot be "
                "read until it is added back."
            ) from None


def _decode_key(key_id: str, text: str) -> bytes:
    normalized = text.strip().replace("-", "+").replace("_", "/")
    try:
        raw = base64.b64decode(normalized, validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(
            f"DOCUMENT_KEYS: the key {key_id!r} is not valid base64."
        ) from None
    if len(raw) != KEY_BYTES:
        raise ImproperlyConfigured(
            f"DOCUMENT_KEYS: the key {key_id!r} decodes to {len(raw)} bytes; it must be exactly "
            f'{KEY_BYTES} (generate one with: python -c "import base64,os;'
            f'print(base64.b64encode(os.urandom(32)).decode())").'
        )
    return raw


def _secret_key_master(secret_key: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=_HKDF_INFO).derive(
        secret_key.encode()
    )


@lru_cache(maxsize=8)
def parse_keyring(spec: str, current_id: str, secret_key: str) -> Keyring:
    """Parse DOCUMENT_KEYS ("id:base64,id2:base64", commas or whitespace between entries) and
    refuse anything doubtful: a bad id, a key that is not 32 bytes, a repeated id, or a current id
    that names no key. The SECRET_KEY-derived key stays readable under "sk" so files written before
    DOCUMENT_KEYS was set can still be rotated onto a real key."""
    keys: dict[str, bytes] = {}
    for entry in (e for e in re.split(r"[,\s]+", spec or "") if e):
        key_id, sep, encoded = entry.partition(":")
        if not sep or not KEY_ID_PATTERN.fullmatch(key_id):
            raise ImproperlyConfigured(
                "DOCUMENT_KEYS: each entry is id:base64-key, the id 1–40 of A–Z a–z 0–9 _ - "
                f"(got an entry starting {entry[:12]!r})."
            )
        if key_id == SECRET_KEY_ID:
            raise ImproperlyConfigured(
                f"DOCUMENT_KEYS: the id {SECRET_KEY_ID!r} is reserved for the key derived from "
                "SECRET_KEY; choose another id."
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"DOCUMENT_KEYS: the id {key_id!r} is listed twice.")
        keys[key_id] = _decode_key(key_id, encoded)
    configured = bool(keys)
    current = current_id or (list(keys)[-1] if keys else SECRET_KEY_ID)
    keys[SECRET_KEY_ID] = _secret_key_master(secret_key)
    if current not in keys:
        raise ImproperlyConfigured(
            f"DOCUMENT_KEY_ID={current!r} names no key in DOCUMENT_KEYS "
            f"(configured: {', '.join(sorted(keys)) or 'none'})."
        )
    return Keyring(keys=keys, current_id=current, derived_from_secret_key=not configured)


def keyring() -> Keyring:
    """The keyring for the current settings (cached per settings value, so tests may override)."""
    return parse_keyring(
        settings.DOCUMENT_KEYS or "", settings.DOCUMENT_KEY_ID or "", settings.SECRET_KEY
    )


# --- Data keys ------------------------------------------------------------------------------


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def _wrap_aad(key_id: str) -> bytes:
    # The key id is authenticated, so a wrapped key relabelled with another id fails to unwrap.
    return _WRAP_AAD + key_id.encode()


def wrap_key(data_key: bytes, *, key_id: str | None = None) -> tuple[str, bytes]:
    """Encrypt a data key under a master key (the current one by default): (key id, wrapped)."""
    ring = keyring()
    key_id = key_id or ring.current_id
    nonce = os.urandom(_WRAP_NONCE_BYTES)
    sealed = AESGCM(ring.key(key_id)).encrypt(nonce, data_key, _wrap_aad(key_id))
    return key_id, _WRAP_FORMAT + nonce + sealed


def unwrap_key(key_id: str, wrapped: bytes | memoryview) -> bytes:
    wrapped = bytes(wrapped)  # a BinaryField comes back as a memoryview on PostgreSQL
    master = keyring().key(key_id)
    if wrapped[:1] != _WRAP_FORMAT or len(wrapped) != 1 + _WRAP_NONCE_BYTES + KEY_BYTES + TAG_BYTES:
        raise DocumentCryptoError("The wrapped data key is malformed.")
    nonce, sealed = wrapped[1 : 1 + _WRAP_NONCE_BYTES], wrapped[1 + _WRAP_NONCE_BYTES :]
    try:
        return AESGCM(master).decrypt(nonce, sealed, _wrap_aad(key_id))
    except InvalidTag:
        raise DocumentCryptoError(
            f"The data key does not unwrap under master key {key_id!r}: wrong key, or altered."
        ) from None


def rewrap(
    key_id: str, wrapped: bytes | memoryview, *, to_key_id: str | None = None
) -> tuple[str, bytes]:
    """The same data key, wrapped under `to_key_id` (default: the current key). A key already
    under the target is returned unchanged, which makes rotation idempotent."""
    target = to_key_id or keyring().current_id
    if key_id == target:
        return key_id, bytes(wrapped)
    return wrap_key(unwrap_key(key_id, wrapped), key_id=target)


# --- File bodies ----------------------------------------------------------------------------


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    if counter >= MAX_CHUNKS:
        raise DocumentCryptoError("The file has more chunks than the nonce counter allows.")
    return prefix + struct.pack(">IB", counter, 1 if last else 0)


@dataclass(frozen=True)
class Encrypted:
    """What encrypting a plaintext told us about it."""

    size: int  # plaintext bytes
    sha256: str  # of the plaintext
    stored_size: int


def _blocks(source: IO[bytes] | Iterable[bytes], size: int) -> Iterator[bytes]:
    """Re-cut a readable file or an iterable of byte strings into blocks of exactly `size` (the
    last one shorter)."""
    if hasattr(source, "read"):
        reader: IO[bytes] = source  # type: ignore[assignment]
        while block := reader.read(size):
            yield block
        return
    pending = bytearray()
    for piece in source:
        pending += piece
        while len(pending) >= size:
            yield bytes(pending[:size])
            del pending[:size]
    if pending:
        yield bytes(pending)


def encrypt_stream(
    source: IO[bytes] | Iterable[bytes],
    sink: IO[bytes],
    data_key: bytes,
    *,
    chunk_size: int = CHUNK_SIZE,
) -> Encrypted:
    """Encrypt everything `source` yields into `sink`. The final chunk (possibly empty, for an
    empty file) carries the last-chunk flag, which is what makes truncation detectable."""
    if not 0 < chunk_size < 2**31:
        raise ValueError("chunk_size out of range")
    aead = AESGCM(data_key)
    header = HEADER.pack(MAGIC, chunk_size, os.urandom(PREFIX_BYTES))
    prefix = header[-PREFIX_BYTES:]
    sink.write(header)
    digest, size, stored = hashlib.sha256(), 0, len(header)
    counter, pending = 0, b""
    first = True
    for block in _blocks(source, chunk_size):
        if not first:
            sealed = aead.encrypt(_nonce(prefix, counter, last=False), pending, header)
            sink.write(sealed)
            stored += len(sealed)
            counter += 1
        digest.update(block)
        size += len(block)
        pending, first = block, False
    sealed = aead.encrypt(_nonce(prefix, counter, last=True), pending, header)
    sink.write(sealed)
    return Encrypted(size=size, sha256=digest.hexdigest(), stored_size=stored + len(sealed))


def _fill(source: IO[bytes], buffer: bytearray) -> int:
    """Fill `buffer` from `source` as far as the stream goes; the number of bytes read. Storage
    backends (S3 streaming bodies) may return short reads before the end, so read until full."""
    view, filled = memoryview(buffer), 0
    readinto = getattr(source, "readinto", None)
    while filled < len(buffer):
        if readinto is not None:
            got = readinto(view[filled:]) or 0
        else:
            part = source.read(len(buffer) - filled)
            got = len(part)
            view[filled : filled + got] = part
        if not got:
            break
        filled += got
    return filled


def _parse_header(header: bytes) -> tuple[int, bytes]:
    magic, chunk_size, prefix = HEADER.unpack(header)
    if magic != MAGIC or not 0 < chunk_size < 2**31:
        raise DocumentCryptoError("The stored document is not in a known format.")
    return chunk_size, prefix


def _open_chunk(
    aead: AESGCM, header: bytes, prefix: bytes, counter: int, last: bool, sealed: Any
) -> bytes:
    try:
        return aead.decrypt(_nonce(prefix, counter, last), sealed, header)
    except InvalidTag:
        where = "the end" if last else f"chunk {counter}"
        raise DocumentCryptoError(
            f"The stored document fails authentication at {where}: it was altered, "
            "truncated or reordered, or the key is wrong."
        ) from None


def decrypt_stream(source: IO[bytes], data_key: bytes) -> Iterator[bytes]:
    """Yield the plaintext chunk by chunk; raise DocumentCryptoError at the first chunk that does
    not authenticate (wrong key, altered, reordered) or when the stream ends early. Nothing is
    yielded before it is authenticated. Reads go into two reused buffers (one chunk of
    look-ahead, to know which chunk is the last)."""
    header_buffer = bytearray(HEADER.size)
    if _fill(source, header_buffer) != HEADER.size:
        raise DocumentCryptoError("The stored document is truncated (no header).")
    header = bytes(header_buffer)
    chunk_size, prefix = _parse_header(header)
    aead = AESGCM(data_key)
    sealed_size = chunk_size + TAG_BYTES
    buffers = (bytearray(sealed_size), bytearray(sealed_size))
    current, counter = 0, 0
    length = _fill(source, buffers[current])
    while True:
        following = 1 - current
        following_length = _fill(source, buffers[following]) if length == sealed_size else 0
        last = following_length == 0
        with memoryview(buffers[current]) as view, view[:length] as sealed:
            plain = _open_chunk(aead, header, prefix, counter, last, sealed)
        if plain:
            yield plain
        if last:
            return
        current, length, counter = following, following_length, counter + 1


def decrypt_buffer(stored: Any, data_key: bytes) -> Iterator[bytes]:
    """The same as decrypt_stream, over a buffer already in memory or mapped (mmap): no read
    copies, so a download from the filesystem runs at about the cipher's own speed. Every view
    taken of `stored` is released before each yield, so the caller may close its mmap then."""
    with memoryview(stored) as whole:
        total = len(whole)
        if total < HEADER.size:
            raise DocumentCryptoError("The stored document is truncated (no header).")
        header = bytes(whole[: HEADER.size])
    chunk_size, prefix = _parse_header(header)
    aead = AESGCM(data_key)
    sealed_size = chunk_size + TAG_BYTES
    position, counter = HEADER.size, 0
    while True:
        end = min(position + sealed_size, total)
        last = end == total
        with memoryview(stored) as whole, whole[position:end] as sealed:
            plain = _open_chunk(aead, header, prefix, counter, last, sealed)
        if plain:
            yield plain
        if last:
            return
        position, counter = end, counter + 1


def decrypt_bytes(stored: bytes, data_key: bytes) -> bytes:
    """The whole plaintext of a small stored blob (tests, tools)."""
    return b"".join(decrypt_buffer(stored, data_key))
