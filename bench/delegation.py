"""Benchmark: a contractor's "my tasks" and a matter's document list at firm scale.

Builds the demo firm, then in bulk 10,000 matters, 100,000 tasks (about 200 of them the demo
contractor Maria Alvarez's, under her active engagement) and 200,000 documents with one version
each, plus Maria's grants and the clients' consents, in a throwaway database (PostgreSQL, then
SQLite). Starts the real server and measures, from a separate process, the p50/p95 latency of:

- `GET /api/v1/tasks?mine=true` as Maria (a contractor: a signed-in browser session, since API
  tokens belong to organization members and she acts outside any);
- `GET /api/v1/documents?matter=<id>` as the owner (token), for a matter with ~20 documents;
- `GET /api/v1/tasks?matter_id=<id>` as the owner, for the same matter;

each against the floor: the page query the endpoint's selector builds, run bare with the database
driver. It also counts each request's SQL queries (the whole request, through Django's test client
in a setup process) at page_size=5 and page_size=50, to show the number does not grow with rows.

    python bench/delegation.py [--admin-url postgres://postgres@127.0.0.1:5432/postgres]
                               [--matters 10000] [--tasks 100000] [--documents 200000]
                               [--requests 100] [--skip-sqlite]

Goal (issue 6): on PostgreSQL, p95 ≤ 100 ms with a constant number of queries; SQLite reported.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_me import HOST, cli, free_port, server_env, wait_until_up
from hit_list import summary, time_endpoint
from matching import time_floor

GOAL_P95_MS = 100.0
FIRM = "whitfield-moreno"
OWNER = "dana.whitfield@whitfieldmoreno.example"
MARIA = "maria.alvarez@contractors.example"
MARIA_TASKS = 200
PAGE_SIZES = (5, 50)

BUILD = """
import json, random, sys
from datetime import date, timedelta
import django
django.setup()
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from counselbench.accounts.models import User
from counselbench.engagements.models import Engagement, EngagementState
from counselbench.matters.models import (
    OPEN_TASK_STATES, Client, Consent, Document, DocumentVersion, Grant, Matter, Task,
    TaskDocument,
)
from counselbench.organizations.models import Membership, Organization
from counselbench.selfaudit.models import TaskCategory
from counselbench.talent.models import PracticeArea

n_matters, n_tasks, n_documents, n_maria = (int(a) for a in sys.argv[1:5])
rng = random.Random(6)
BATCH = 5000
now = timezone.now()
today = timezone.localdate()

firm = Organization.objects.get(slug="whitfield-moreno")
owner = User.objects.get(email="dana.whitfield@whitfieldmoreno.example")
members = list(User.objects.filter(memberships__organization=firm).order_by("pk"))
lawyers = list(User.objects.filter(memberships__organization=firm,
                                   memberships__role__in=["owner", "attorney"]).order_by("pk"))
maria_eng = Engagement.objects.select_related("professional__user").get(
    organization=firm, professional__user__email="maria.alvarez@contractors.example",
    state=EngagementState.ACTIVE)
maria = maria_eng.professional.user
others = list(Engagement.objects.select_related("professional__user")
              .filter(organization=firm).exclude(pk=maria_eng.pk).order_by("pk"))
categories = list(TaskCategory.objects.filter(organization=firm, retired_at__isnull=True))
below_attorney = [c for c in categories if c.level != "attorney"] or categories


def bulk(model, rows):
    for i in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[i:i + BATCH])


with transaction.atomic():
    clients = [Client(organization=firm, kind="organization", name=f"Bench Client {i:04d}",
                      created_by=owner) for i in range(max(1, n_matters // 5))]
    bulk(Client, clients)
    matters = []
    for i in range(n_matters):
        opened = date(2019, 1, 1) + timedelta(days=rng.randrange(2400))
        status = rng.choices(["open", "on_hold", "closed"], [80, 10, 10])[0]
        matters.append(Matter(
            organization=firm, client=clients[i % len(clients)], number=f"BENCH-{i:05d}",
            title=f"Bench matter {i}", jurisdiction=rng.choice(["TX", "CA", "NY", "IL", "FL"]),
            practice_area=rng.choice(PracticeArea.values), responsible_attorney=rng.choice(lawyers),
            status=status, opened_on=opened,
            closed_on=opened + timedelta(days=90) if status == "closed" else None,
            created_by=owner))
    bulk(Matter, matters)

    statuses = ["todo", "in_progress", "submitted", "needs_rework", "done"]
    weights = [25, 20, 10, 5, 40]
    maria_slots = set(rng.sample(range(n_tasks), min(n_maria, n_tasks)))
    tasks = []
    for i in range(n_tasks):
        status = rng.choices(statuses, weights)[0]
        task = Task(
            organization=firm, matter=rng.choice(matters), title=f"Bench task {i}",
            category=rng.choice(categories), status=status, created_by=owner,
            due_on=today + timedelta(days=rng.randrange(-60, 90)) if rng.random() < 0.9 else None,
            estimate_minutes=rng.choice([30, 60, 120, 240]),
            started_at=None if status == "todo" else now,
            submitted_at=now if status in ("submitted", "needs_rework", "done") else None,
            done_at=now if status == "done" else None)
        if i in maria_slots:
            task.category = rng.choice(below_attorney)
            task.assignee, task.engagement = maria, maria_eng
            task.supervising_attorney = maria_eng.supervising_attorney
        else:
            kind = rng.random()
            if others and kind < 0.15:  # another contractor, under their engagement
                engagement = rng.choice(others)
                task.assignee, task.engagement = engagement.professional.user, engagement
                task.supervising_attorney = engagement.supervising_attorney or rng.choice(lawyers)
            elif kind < 0.85:
                task.assignee = rng.choice(members)
                task.supervising_attorney = rng.choice(lawyers) if rng.random() < 0.5 else None
        tasks.append(task)
    bulk(Task, tasks)

    documents = [Document(organization=firm, matter=rng.choice(matters),
                          title=f"Exhibit {rng.randrange(1000):03d} {i}", created_by=owner)
                 for i in range(n_documents)]
    bulk(Document, documents)
    bulk(DocumentVersion, [
        DocumentVersion(document=d, number=1, filename=f"exhibit-{i}.pdf",
                        content_type="application/pdf", size=20_000 + i % 500_000,
                        sha256=f"{i:064x}", storage_name=f"bench/{i:08x}.cbdoc", key_id="sk",
                        wrapped_key=b"x", uploaded_by=owner)
        for i, d in enumerate(documents)])

    by_matter = {}
    for d in documents:
        by_matter.setdefault(d.matter_id, []).append(d)
    mine = [t for t in tasks if t.engagement_id == maria_eng.pk]
    attachments, grants = [], []
    for t in mine:
        if t.status not in OPEN_TASK_STATES:
            continue
        pool = by_matter.get(t.matter_id, [])
        for d in rng.sample(pool, min(3, len(pool))):
            attachments.append(TaskDocument(task=t, document=d, attached_by=owner))
            grants.append(Grant(task=t, document=d, grantee=maria, engagement=maria_eng,
                                granted_by=t.supervising_attorney, reason="Needed for the task"))
    bulk(TaskDocument, attachments)
    bulk(Grant, grants)
    # The client's consent on every matter Maria works on, and on half of the others.
    consented = {t.matter_id for t in mine} | {m.pk for m in matters if rng.random() < 0.5}
    bulk(Consent, [
        Consent(matter=m, consented_by=m.client.name, consented_on=m.opened_on,
                method="engagement_letter", scope="Supervised contractors may help.",
                markup_disclosed=True, recorded_by=owner)
        for m in matters if m.pk in consented])

# An open matter with the typical number of documents (the median).
counts = sorted(len(v) for v in by_matter.values())
typical = counts[len(counts) // 2]
matter = next(m for m in matters if len(by_matter.get(m.pk, [])) == typical and m.status == "open")
print(json.dumps({"matter_id": matter.pk, "matter_documents": typical,
                  "matter_tasks": Task.objects.filter(matter=matter).count(),
                  "maria_tasks": len(mine), "maria_grants": len(grants),
                  "consents": len(consented)}))
"""

SETUP = """
import json
import django
django.setup()
from django.db import connection
from django.test import Client as TestClient
from django.test.utils import CaptureQueriesContext
from counselbench.access.policy import actor_for
from counselbench.accounts.models import User
from counselbench.accounts.services import create_token
from counselbench.matters import selectors
from counselbench.matters.services import documents
from counselbench.organizations.models import Organization

matter_id, page_sizes = int(sys.argv[1]), [int(s) for s in sys.argv[2].split(",")]
firm = Organization.objects.get(slug="whitfield-moreno")
owner = User.objects.get(email="dana.whitfield@whitfieldmoreno.example")
maria = User.objects.get(email="maria.alvarez@contractors.example")
owner_actor = actor_for(owner, firm)
maria_actor = actor_for(maria)  # a professional acting outside any organization
_, token = create_token(owner_actor, name="bench", organization_slug=firm.slug)

# name: (who, path, the selector's queryset as the endpoint builds it)
targets = {
    "my_tasks": ("maria", "/api/v1/tasks?mine=true",
                 selectors.tasks(maria_actor, mine=True)),
    "matter_documents": ("owner", f"/api/v1/documents?matter={matter_id}",
                         documents.documents(owner_actor, matter_id=matter_id)),
    "matter_tasks": ("owner", f"/api/v1/tasks?matter_id={matter_id}",
                     selectors.tasks(owner_actor, matter_id=matter_id)),
}
browsers = {"owner": TestClient(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1"),
            "maria": TestClient(HTTP_HOST="127.0.0.1")}
browsers["maria"].force_login(maria)
out = {"token": token, "targets": {}}
for name, (who, path, qs) in targets.items():
    browser = browsers[who]
    browser.get(path)  # first use: the session's or token's "last seen" write
    queries = {}
    for size in page_sizes:
        with CaptureQueriesContext(connection) as captured:
            response = browser.get(f"{path}&page_size={size}")
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
        body = response.json()
        queries[str(size)] = {"queries": len(captured), "items": len(body["items"]),
                              "count": body["count"]}
    sql, params = qs[:50].query.sql_with_params()
    out["targets"][name] = {
        "path": path, "who": who, "queries_by_page_size": queries, "sql": sql,
        "params": [p.isoformat() if hasattr(p, "isoformat") else p for p in params],
    }
print(json.dumps(out, default=str))
"""


def run_django(env: dict[str, str], script: str, *args: str, timeout: int = 1800) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", "import sys\n" + script, *args],
        env={**env, "DJANGO_SETTINGS_MODULE": "counselbench.settings"},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"a setup step failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def sign_in(port: int, email: str, password: str) -> str:
    """Sign in through the login page, as a phone's browser does; returns the Cookie header."""
    jar: SimpleCookie = SimpleCookie()

    def call(method: str, path: str, body: str | None = None) -> tuple[int, str]:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={m.value}" for k, m in jar.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{port}/accounts/login/"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        for value in response.headers.get_all("Set-Cookie") or []:
            jar.load(value)
        answer = response.read().decode(errors="replace")
        conn.close()
        return response.status, answer

    _, page = call("GET", "/accounts/login/")
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if found is None:
        raise SystemExit("no CSRF token on the login page")
    form = {"csrfmiddlewaretoken": found.group(1), "login": email, "password": password}
    status, _ = call("POST", "/accounts/login/", urlencode(form))
    if status != 302 or "sessionid" not in jar:
        raise SystemExit(f"signing in as {email} failed ({status})")
    return "; ".join(f"{k}={m.value}" for k, m in jar.items())


def time_session(port: int, cookie: str, requests: int, path: str) -> list[float]:
    """As hit_list.time_endpoint, for a signed-in browser session instead of a token."""
    samples = []
    for i in range(requests + 3):
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        began = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        answer = response.read()
        elapsed = (time.perf_counter() - began) * 1000
        conn.close()
        if response.status != 200 or not json.loads(answer)["items"]:
            raise SystemExit(f"GET {path} answered {response.status}: {answer[:300]!r}")
        if i >= 3:  # warm-up
            samples.append(elapsed)
    return samples


def measure(database: str, env: dict[str, str], port: int, args, floor_runner) -> dict:
    password = secrets.token_urlsafe(12)
    cli(env, "migrate", "-v", "0")
    began = time.perf_counter()
    cli(env, "demo", "--professionals", "200", "--password", password)
    data = run_django(
        env, BUILD, str(args.matters), str(args.tasks), str(args.documents), str(MARIA_TASKS)
    )
    built_s = round(time.perf_counter() - began, 1)
    if database == "postgresql":
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
            conn.execute("ANALYZE")
    else:
        conn = sqlite3.connect(Path(env["DATA_DIR"]) / "counselbench.sqlite3")
        conn.execute("ANALYZE")
        conn.close()
    info = run_django(env, SETUP, str(data["matter_id"]), ",".join(map(str, PAGE_SIZES)))
    server = subprocess.Popen(
        [sys.executable, "-m", "counselbench.cli", "serve", "--host", HOST, "--port", str(port),
         "--workers", "2", "--no-demo", "--no-access-log"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    results = {}
    try:
        wait_until_up(port, timeout=240)  # serve runs migrate and collectstatic first
        cookie = sign_in(port, MARIA, password)
        for name, target in info["targets"].items():
            if target["who"] == "maria":
                samples = time_session(port, cookie, args.requests, target["path"])
            else:
                samples = time_endpoint(port, info["token"], args.requests, "GET", target["path"])
            endpoint = summary(samples)
            floor = summary(time_floor(floor_runner(target), args.requests))
            sizes = target["queries_by_page_size"]
            results[name] = {
                "path": target["path"],
                "as": "Maria Alvarez (contractor, session)" if target["who"] == "maria" else
                "owner (token)",
                "endpoint": endpoint,
                "floor_sql": floor,
                "ratio_p95": round(endpoint["p95_ms"] / floor["p95_ms"], 2),
                "queries_per_request": {f"page_size={k}": v for k, v in sizes.items()},
                "constant_queries": len({v["queries"] for v in sizes.values()}) == 1,
            }  # fmt: skip
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    return {"database": database, "build_seconds": built_s, "data": data, "endpoints": results}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--matters", type=int, default=10_000)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--documents", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=100)
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

        def pg_runner(target):
            return lambda: conn.execute(target["sql"], target["params"]).fetchall()

        port = free_port()
        report.append(
            measure("postgresql", server_env(data_dir, port, database_url), port, args, pg_runner)
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

            def sqlite_runner(target):
                def run():
                    if "conn" not in holder:
                        holder["conn"] = sqlite3.connect(data_dir / "counselbench.sqlite3")
                    sql = target["sql"].replace("%s", "?")
                    return holder["conn"].execute(sql, target["params"]).fetchall()

                return run

            report.append(measure("sqlite", env, port, args, sqlite_runner))
        finally:
            if "conn" in holder:
                holder["conn"].close()
            shutil.rmtree(data_dir, ignore_errors=True)

    pg = report[0]["endpoints"]
    missed = [
        f"{name} p95 {r['endpoint']['p95_ms']} ms"
        + ("" if r["constant_queries"] else ", queries grow with the page")
        for name, r in pg.items()
        if r["endpoint"]["p95_ms"] > GOAL_P95_MS or not r["constant_queries"]
    ]
    verdict = (
        f"met on PostgreSQL: every p95 <= {GOAL_P95_MS:.0f} ms, queries constant"
        if not missed
        else "missed on PostgreSQL: " + "; ".join(missed)
    )
    print(
        json.dumps(
            {
                "benchmark": "contractor's my tasks, a matter's documents and tasks vs the same "
                "page SQL run bare",
                "size": {"matters": args.matters, "tasks": args.tasks, "documents": args.documents},
                "results": report,
                "goal": {"p95_ms": GOAL_P95_MS, "queries": "constant", "on": "postgresql"},
                "meets_goal": not missed,
                "verdict": verdict,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
