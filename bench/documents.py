"""Benchmark: download throughput of a 20 MB encrypted matter document against reading the same
file unencrypted from disk.

Builds a throwaway data directory and database (migrate; a firm, an owner, a matter, an API
token), uploads a 20 MB PDF through the documents service (checked, encrypted, stored), then
measures, one after the other, each `--rounds` times:

- **plain**: reading the plaintext file from disk in the same 1 MiB chunks (the floor);
- **service**: `services.documents.open_download(...)`'s iterator (unwrap the data key, read the
  stored file, decrypt and authenticate every chunk, write the access log);
- **http**: `GET /api/v1/documents/{id}/download` on the real server (`counselbench serve`,
  gunicorn), read by a client in this process.

    python bench/documents.py [--size-mb 20] [--rounds 10] [--workers 2]

Prints one JSON object with MB/s (median of the rounds) for each and the ratios to plain. Goal
(issue 6): encrypted download ≥ 50% of plain.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_me import HOST, cli, free_port, server_env, wait_until_up

GOAL = 0.5
CHUNK = 1024 * 1024

SETUP = """
import json, sys, time
import django
django.setup()
from django.core.files import File
from django.utils import timezone
from counselbench.access.policy import actor_for
from counselbench.accounts.models import User
from counselbench.accounts.services import create_token
from counselbench.matters.models import Client, Matter
from counselbench.matters.services import documents
from counselbench.organizations.models import Membership, Organization

path, rounds = sys.argv[1], int(sys.argv[2])
firm = Organization.objects.create(name="Bench Firm LLP", slug="bench-firm", kind="law_firm")
owner = User.objects.create_user(email="owner@bench.example", password="bench-password-123")
Membership.objects.create(organization=firm, user=owner, role="owner")
client = Client.objects.create(organization=firm, kind="organization", name="Bench Client")
matter = Matter.objects.create(
    organization=firm, client=client, number="B-1", title="Bench matter", jurisdiction="TX",
    practice_area="litigation", responsible_attorney=owner, opened_on=timezone.localdate(),
)
actor = actor_for(owner, firm)
began = time.perf_counter()
with open(path, "rb") as fh:
    document = documents.upload_document(
        actor, matter_id=matter.pk, title="Bench exhibit", upload=File(fh, name="exhibit.pdf")
    )
upload_s = time.perf_counter() - began
_, token = create_token(actor, name="bench", organization_slug=firm.slug)
from django.core.files.base import ContentFile
small = documents.upload_document(
    actor, matter_id=matter.pk, title="Small", upload=ContentFile(b"%PDF-1.7 " + b"x" * 1015,
    name="small.pdf"),
)

timings = []
for _ in range(rounds):
    began = time.perf_counter()
    version, chunks = documents.open_download(actor, document_id=document.pk)
    size = sum(len(c) for c in chunks)
    timings.append(time.perf_counter() - began)
    assert size == version.size
decrypt_only = []
for _ in range(rounds):
    began = time.perf_counter()
    sum(len(c) for c in documents._plaintext(version))
    decrypt_only.append(time.perf_counter() - began)
fixed = []
for _ in range(rounds):
    began = time.perf_counter()
    _, chunks = documents.open_download(actor, document_id=small.pk)
    b"".join(chunks)
    fixed.append(time.perf_counter() - began)
print(json.dumps({"document_id": document.pk, "small_id": small.pk, "token": token,
                  "upload_s": upload_s, "service_s": timings, "decrypt_only_s": decrypt_only,
                  "service_small_s": fixed,
                  "stored_bytes": documents.document_storage().size(version.storage_name)}))
"""


def read_plain(path: Path) -> int:
    size = 0
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            size += len(block)
    return size


def time_plain(path: Path, rounds: int) -> list[float]:
    read_plain(path)  # the page cache warm, as it is for the stored file
    timings = []
    for _ in range(rounds):
        began = time.perf_counter()
        read_plain(path)
        timings.append(time.perf_counter() - began)
    return timings


def time_plain_cold(path: Path, rounds: int) -> list[float] | None:
    """The same read with the file evicted from the page cache first (posix_fadvise DONTNEED),
    i.e. from the disk itself; None where the platform cannot evict."""
    if not hasattr(os, "posix_fadvise"):
        return None
    timings = []
    for _ in range(rounds):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
        began = time.perf_counter()
        read_plain(path)
        timings.append(time.perf_counter() - began)
    return timings


def time_http(port: int, document_id: int, token: str, size: int, rounds: int) -> list[float]:
    timings = []
    for _ in range(rounds + 1):  # the first is a warm-up (worker imports, connections)
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        began = time.perf_counter()
        conn.request(
            "GET",
            f"/api/v1/documents/{document_id}/download",
            headers={"Authorization": f"Bearer {token}"},
        )
        response = conn.getresponse()
        received = 0
        while block := response.read(CHUNK):
            received += len(block)
        elapsed = time.perf_counter() - began
        conn.close()
        if response.status != 200 or received != size:
            raise SystemExit(f"download failed: HTTP {response.status}, {received} of {size} bytes")
        timings.append(elapsed)
    return timings[1:]


def figures(timings: list[float], size: int) -> dict:
    rates = sorted(size / 1_048_576 / t for t in timings)
    return {
        "median_mb_per_s": round(statistics.median(rates), 1),
        "min_mb_per_s": round(rates[0], 1),
        "max_mb_per_s": round(rates[-1], 1),
        "median_ms": round(statistics.median(timings) * 1000, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mb", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--skip-http", action="store_true", help="no server; service only")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="counselbench-bench-"))
    port = free_port()
    env = server_env(data_dir, port, None)
    size = args.size_mb * 1_048_576
    server = None
    server_log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    try:
        plain = data_dir / "exhibit.pdf"
        with plain.open("wb") as fh:
            fh.write(b"%PDF-1.7\n")
            fh.write(os.urandom(size - 9))
        cli(env, "migrate", "-v", "0")
        result = subprocess.run(
            [sys.executable, "-c", SETUP, str(plain), str(args.rounds)],
            env={**env, "DJANGO_SETTINGS_MODULE": "counselbench.settings"},
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if result.returncode != 0:
            raise SystemExit(f"setup failed:\n{result.stderr[-3000:]}")
        setup = json.loads(result.stdout.strip().splitlines()[-1])
        plain_s = time_plain(plain, args.rounds)
        cold_s = time_plain_cold(plain, args.rounds)
        http_s = http_small_s = None
        if not args.skip_http:
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "counselbench.cli",
                    "serve",
                    "--host",
                    HOST,
                    "--port",
                    str(port),
                    "--workers",
                    str(args.workers),
                    "--no-demo",
                    "--no-access-log",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=server_log,
            )
            try:
                wait_until_up(port, timeout=180)
            except SystemExit:
                server_log.seek(0)
                print(server_log.read()[-3000:].decode(errors="replace"), file=sys.stderr)
                raise
            http_s = time_http(port, setup["document_id"], setup["token"], size, args.rounds)
            http_small_s = time_http(port, setup["small_id"], setup["token"], 1024, args.rounds)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(data_dir, ignore_errors=True)
        server_log.close()

    report: dict = {
        "benchmark": f"download of a {args.size_mb} MB encrypted document vs reading it plain",
        "plain_read": figures(plain_s, size),
        "plain_read_cold_cache": figures(cold_s, size) if cold_s else None,
        "service_iterator": figures(setup["service_s"], size),
        "decrypt_only": figures(setup["decrypt_only_s"], size),
        # Per-download fixed cost (fetch, access-log write, key unwrap), from a 1 KiB document.
        "service_fixed_ms": round(statistics.median(setup["service_small_s"]) * 1000, 2),
    }
    plain_rate = report["plain_read"]["median_mb_per_s"]
    report["ratio_service"] = round(report["service_iterator"]["median_mb_per_s"] / plain_rate, 3)
    report["ratio_decrypt_only"] = round(report["decrypt_only"]["median_mb_per_s"] / plain_rate, 3)
    ratios = [report["ratio_service"]]
    if http_s is not None:
        report["http_download"] = figures(http_s, size)
        report["ratio_http"] = round(report["http_download"]["median_mb_per_s"] / plain_rate, 3)
        report["http_fixed_ms"] = round(statistics.median(http_small_s or [0]) * 1000, 2)
        ratios.append(report["ratio_http"])
    if cold_s:
        cold_rate = report["plain_read_cold_cache"]["median_mb_per_s"]
        report["ratio_http_vs_cold_read"] = round(
            report.get("http_download", report["service_iterator"])["median_mb_per_s"] / cold_rate,
            3,
        )
    report |= {
        "goal": GOAL,
        "meets_goal": min(ratios) >= GOAL,
        "upload_s": round(setup["upload_s"], 3),
        "stored_overhead_bytes": setup["stored_bytes"] - size,
        "settings": {
            "size_mb": args.size_mb,
            "rounds": args.rounds,
            "chunk_bytes": CHUNK,
            "workers": args.workers,
            "cpus": os.cpu_count(),
            "storage": "filesystem (page cache warm for both)",
        },
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
