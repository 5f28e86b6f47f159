"""Benchmark: the top 20 matches of a posting against 100,000 professionals.

Builds the demo firm and a generated provider network of `--professionals` people in a
throwaway database (PostgreSQL, then SQLite), starts the real server, and measures from a
separate process the p50/p95 latency of GET /api/v1/postings/{id}/matches for the demo firm's
two postings, against the floor: the ranking query the endpoint runs (the same filters and
score, as the ORM writes it) run bare with the database driver.

    python bench/matching.py [--admin-url postgres://postgres@127.0.0.1:5432/postgres]
                             [--professionals 100000] [--requests 60] [--skip-sqlite]

Goal (issue 4): on PostgreSQL, p95 ≤ 50 ms and within 2× of the bare SQL; SQLite reported.
"""

from __future__ import annotations

import argparse
import json
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_me import HOST, cli, free_port, server_env, wait_until_up
from hit_list import summary, time_endpoint

GOAL_P95_MS = 50.0
GOAL_RATIO = 2.0

SETUP = """
import json
import django
django.setup()
from django.db import connection
from django.utils import timezone
from counselbench.access.policy import actor_for
from counselbench.accounts.models import User
from counselbench.accounts.services import create_token
from counselbench.organizations.models import Organization
from counselbench.talent import matching
from counselbench.talent.models import JobPosting

firm = Organization.objects.get(slug="whitfield-moreno")
owner = User.objects.get(email="dana.whitfield@whitfieldmoreno.example")
_, token = create_token(actor_for(owner, firm), name="bench", organization_slug=firm.slug)
postings = []
for posting in JobPosting.objects.filter(organization=firm).order_by("pk"):
    weights = matching.weights_for(posting.organization_id)
    qs = matching.ranking_query(posting, today=timezone.localdate(), weights=weights, limit=20)
    sql, params = qs.query.sql_with_params()
    postings.append({"id": posting.pk, "title": posting.title, "sql": sql,
                     "params": [p.isoformat() if hasattr(p, "isoformat") else p for p in params],
                     "matches": len(list(qs))})
print(json.dumps({"token": token, "postings": postings}, default=float))
"""


def setup(env: dict[str, str]) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", SETUP],
        env={**env, "DJANGO_SETTINGS_MODULE": "counselbench.settings"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"setup failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def time_floor(run, requests: int) -> list[float]:
    samples = []
    for i in range(requests + 3):
        began = time.perf_counter()
        rows = run()
        if not rows:
            raise SystemExit("the floor query found nobody")
        if i >= 3:
            samples.append((time.perf_counter() - began) * 1000)
    return samples


def measure(database: str, env: dict[str, str], port: int, professionals: int, requests: int,
            floor_runner) -> dict:  # fmt: skip
    cli(env, "migrate", "-v", "0")
    began = time.perf_counter()
    cli(env, "demo", "--professionals", str(professionals))
    built_s = round(time.perf_counter() - began, 1)
    # Generating rewrites every profile once (its index and vetting date); a live database has
    # those dead rows vacuumed away by autovacuum, so measure the table as it would be then.
    if database == "postgresql":
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    else:
        conn = sqlite3.connect(Path(env["DATA_DIR"]) / "counselbench.sqlite3")
        conn.execute("VACUUM")
        conn.execute("ANALYZE")
        conn.close()
    info = setup(env)
    server = subprocess.Popen(
        [sys.executable, "-m", "counselbench.cli", "serve", "--host", HOST, "--port", str(port),
         "--workers", "2", "--no-demo", "--no-access-log"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    results = []
    try:
        wait_until_up(port)
        for posting in info["postings"]:
            path = f"/api/v1/postings/{posting['id']}/matches"
            endpoint = summary(time_endpoint(port, info["token"], requests, "GET", path))
            floor = summary(time_floor(floor_runner(posting), requests))
            results.append(
                {
                    "posting": posting["title"],
                    "matches": posting["matches"],
                    "endpoint": endpoint,
                    "floor_sql": floor,
                    "ratio_p95": round(endpoint["p95_ms"] / floor["p95_ms"], 2),
                }
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    return {"database": database, "build_seconds": built_s, "postings": results}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--professionals", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    report = []

    name = f"cb_bench_{secrets.token_hex(4)}"
    database_url = args.admin_url.rsplit("/", 1)[0] + f"/{name}"
    data_dir = Path(tempfile.mkdtemp(prefix="counselbench-bench-"))
    with psycopg.connect(args.admin_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        conn = psycopg.connect(database_url)

        def pg_runner(posting):
            return lambda: conn.execute(posting["sql"], posting["params"]).fetchall()

        port = free_port()
        report.append(
            measure(
                "postgresql",
                server_env(data_dir, port, database_url),
                port,
                args.professionals,
                args.requests,
                pg_runner,
            )
        )
        conn.close()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        with psycopg.connect(args.admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    if not args.skip_sqlite:
        data_dir = Path(tempfile.mkdtemp(prefix="counselbench-bench-"))
        try:
            port = free_port()
            env = server_env(data_dir, port, None)
            holder: dict = {}

            def sqlite_runner(posting):
                def run():
                    if "conn" not in holder:
                        holder["conn"] = sqlite3.connect(data_dir / "counselbench.sqlite3")
                    sql = posting["sql"].replace("%s", "?")
                    return holder["conn"].execute(sql, posting["params"]).fetchall()

                return run

            report.append(
                measure("sqlite", env, port, args.professionals, args.requests, sqlite_runner)
            )
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)

    pg = report[0]["postings"]
    print(
        json.dumps(
            {
                "benchmark": "GET /api/v1/postings/{id}/matches (top 20) vs the same SQL run bare",
                "professionals": args.professionals,
                "results": report,
                "goal": {"p95_ms": GOAL_P95_MS, "ratio": GOAL_RATIO, "on": "postgresql"},
                "meets_goal": all(
                    r["endpoint"]["p95_ms"] <= GOAL_P95_MS and r["ratio_p95"] <= GOAL_RATIO
                    for r in pg
                ),
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
