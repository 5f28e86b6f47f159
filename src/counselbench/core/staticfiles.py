"""Static files in production: WhiteNoise's hashed, compressed storage, with Brotli at quality 5
instead of its maximum (11). `serve` collects static files at every start, and at 11 the ~1,000
files (Django's admin, the API docs' Swagger bundle, the vendored libraries) took ~20 s of two
cores; at 5 they take a fraction of that, for files a few percent larger."""

from __future__ import annotations

from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage

BROTLI_QUALITY = 5


class FastBrotliCompressor(Compressor):
    @staticmethod
    def compress_brotli(data: bytes) -> bytes:
        import brotli  # only called when WhiteNoise found Brotli installed

        return brotli.compress(data, quality=BROTLI_QUALITY)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def create_compressor(self, **kwargs: Any) -> Compressor:
        return FastBrotliCompressor(**kwargs)
