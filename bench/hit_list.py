"""Benchmark: the hit list for a firm of 50 people and a year of entries (~250k) on PostgreSQL.

Builds the data in a throwaway database, starts the real server, then measures, from a separate
process, the p50/p95 latency of GET /api/v1/audits/{id}/hit-list against the floor: the bare
aggregate SQL query (minutes by category and person) run directly with psycopg; and the latency
of POST /api/v1/audits/{id}/roi on the same data.

    python bench/hit_list.py [--admin-url postgres://postgres@127.0.0.1:5432/postgres]
                             [--people 50] [--entries 250000] [--requests 60]

Goal (issue 3): p95 of the endpoint ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_me import HOST, cli, free_port, server_env, wait_until_up

GOAL_P95_MS = 100.0
FLOOR_SQL = """
SELECT e.category_id, e.participant_id, SUM(e.minutes)
FROM selfaudit_taskentry e
WHERE e.audit_id = %s AND e.category_id IS NOT NULL
GROUP BY e.category_id, e.participant_id
"""


def build_data(env: dict[str, str], people: int, entries: int) -> tuple[int, str]:
    """A firm with `people` participants and a year-long audit of `entries` entries."""
    script = f"""
import random
from datetime import date, timedelta
import django
django.setup()
from counselbench.access.policy import actor_for
from counselbench.accounts.models import User
from counselbench.accounts.services import create_token
from counselbench.organizations.models import Membership, Organization
from counselbench.selfaudit.models import AuditPeriod, Participant, TaskCategory, TaskEntry
from counselbench.selfaudit.services import ensure_firm_setup, totals

rng = random.Random(7)
firm = Organization.objects.create(name="Bench & Co", slug="bench", kind="law_firm")
ensure_firm_setup(firm)
start = date(2025, 1, 1)
audit = AuditPeriod.objects.create(organization=firm, name="A year", starts_on=start,
                                   ends_on=start + timedelta(days=364))
categories = list(TaskCategory.objects.filter(organization=firm))
participants = []
for i in range({people}):
    user = User.objects.create_user(f"p{{i}}@bench.example", "x")
    Membership.objects.create(organization=firm, user=user,
                              role="owner" if i == 0 else "attorney" if i < 30 else "staff")
    level = "attorney" if i < 30 else rng.choice(["paralegal", "administrative"])
    participants.append(Participant.objects.create(
        audit=audit, user=user, level=level,
        hourly_value_cents=rng.choice([25000, 35000, 45000]) if level == "attorney"
        else rng.choice([3000, 4000])))
batch = []
for n in range({entries}):
    batch.append(TaskEntry(audit=audit, participant=rng.choice(participants),
                           date=start + timedelta(days=rng.randrange(365)),
                           minutes=rng.choice([6, 12, 18, 30, 45, 60]),
                           description="Bench entry", category=rng.choice(categories)))
    if len(batch) == 10000:
        TaskEntry.objects.bulk_create(batch)
        batch = []
TaskEntry.objects.bulk_create(batch)
totals.rebuild(audit.pk)  # entries loaded in bulk, as a migration of old data would be
owner = User.objects.get(email="p0@bench.example")
_, secret = create_token(actor_for(owner, firm), name="bench", organization_slug="bench")
print(audit.pk, secret)
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "counselbench.settings"},
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"building data failed:\n{result.stderr[-3000:]}")
    audit_id, token = result.stdout.split()[-2:]
    return int(audit_id), token


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 2)


def time_endpoint(
    port: int, token: str, requests: int, method: str, path: str, body: dict | None = None
) -> list[float]:
    """Latencies of `requests` sequential calls (after 3 warm-up calls), each checked."""
    samples = []
    payload = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for i in range(requests + 3):
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        began = time.perf_counter()
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        answer = response.read()
        elapsed = (time.perf_counter() - began) * 1000
        conn.close()
        if response.status != 200 or not json.loads(answer):
            raise SystemExit(f"{method} {path} answered {response.status}: {answer[:300]!r}")
        if i >= 3:  # warm-up
            samples.append(elapsed)
    return samples


def time_floor(database_url: str, audit_id: int, requests: int) -> list[float]:
    samples = []
    with psycopg.connect(database_url) as conn:
        for i in range(requests + 3):
            began = time.perf_counter()
            conn.execute(FLOOR_SQL, [audit_id]).fetchall()
            if i >= 3:
                samples.append((time.perf_counter() - began) * 1000)
    return samples


def summary(samples: list[float]) -> dict:
    return {
        "n": len(samples),
        "p50_ms": percentile(samples, 50),
        "p95_ms": percentile(samples, 95),
        "mean_ms": round(statistics.fmean(samples), 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--entries", type=int, default=250_000)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()

    name = f"cb_bench_{secrets.token_hex(4)}"
    database_url = args.admin_url.rsplit("/", 1)[0] + f"/{name}"
    data_dir = Path(tempfile.mkdtemp(prefix="counselbench-bench-"))
    port = free_port()
    env = server_env(data_dir, port, database_url)
    server = None
    with psycopg.connect(args.admin_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        cli(env, "migrate", "-v", "0")
        began = time.perf_counter()
        audit_id, token = build_data(env, args.people, args.entries)
        built_s = round(time.perf_counter() - began, 1)
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("ANALYZE")
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
                "2",
                "--no-demo",
                "--no-access-log",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until_up(port)
        audit = f"/api/v1/audits/{audit_id}"
        endpoint = summary(time_endpoint(port, token, args.requests, "GET", f"{audit}/hit-list"))
        floor = summary(time_floor(database_url, audit_id, args.requests))
        # The ROI recomputes the hit list for the chosen process, then the model, with one
        # assumption changed as a user would on the ROI page.
        roi = summary(
            time_endpoint(port, token, args.requests, "POST", f"{audit}/roi", {"calls_per_day": 8})
        )
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(data_dir, ignore_errors=True)
        with psycopg.connect(args.admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    print(
        json.dumps(
            {
                "benchmark": "GET /api/v1/audits/{id}/hit-list (and POST .../roi) vs bare "
                "aggregate SQL, PostgreSQL",
                "data": {"people": args.people, "entries": args.entries, "build_seconds": built_s},
                "endpoint": endpoint,
                "floor_sql": floor,
                "ratio_p95": round(endpoint["p95_ms"] / floor["p95_ms"], 2),
                "roi_endpoint": roi,
                "goal_p95_ms": GOAL_P95_MS,
                "meets_goal": endpoint["p95_ms"] <= GOAL_P95_MS,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    random.seed(0)
    sys.exit(main())
