"""Benchmark: public intake submissions (step one) at a fixed rate against the real server.

Builds a fresh database (migrate + demo + the demo firm's intake forms), starts the real server
(`counselbench serve`, gunicorn, DEBUG off) on 127.0.0.1, and submits the public intake page's
step one (`POST /intake/<firm>/start/`: name, other parties, practice area) on an open-loop
schedule: request k is due at start + k / rate whatever happened to the others, spread over
several client threads, and its latency counts from when it was due (a client that falls
behind shows it). Each thread first GETs the form page, as a browser does, for the CSRF cookie
and the signed timestamp, then waits out the minimum fill time. The rate limits are configured
for the load: INTAKE_RATE_IP and the firm's submissions_per_hour both allow it.

After the run it counts the leads in the database: every accepted submission (302 to step two)
must be a lead (0 lost), and nothing else may be.

    python bench/intake.py [--rate 200] [--duration 60] [--threads 32] [--workers 3]
                           [--database-url URL] [--redis-url URL]

Goal (issue 8): 200/s for 60 s, 0 lost, p99 <= 250 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from api_me import HOST, cli, free_port, server_env, wait_until_up

GOAL_P99_MS = 250.0
FIRM = "whitfield-moreno"
SETUP = """
import django; django.setup()
from counselbench.demo.intake import forms
from counselbench.intake.models import IntakeProfile
from counselbench.organizations.models import Organization
firm = Organization.objects.get(slug={firm!r})
forms.build(firm=firm)
IntakeProfile.objects.filter(organization=firm).update(submissions_per_hour={per_hour})
# A database just loaded has no planner statistics and a backlog of autovacuum work, which a
# server that has been running does not: settle both before the run, not during its first seconds.
from django.db import connection
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
# A fresh start for the rate-limit counters (a previous run in the same hour shares them).
from django.conf import settings
if getattr(settings, "REDIS_URL", ""):
    import redis
    client = redis.Redis.from_url(settings.REDIS_URL)
    for key in client.scan_iter("*cb:throttle:intake_*"):
        client.delete(key)
"""
COUNT = """
import django, json; django.setup()
from counselbench.intake.models import Lead, IntakeRefusal
leads = Lead.objects.filter(organization__slug={firm!r}, name__startswith="Bench ")
print(json.dumps({{"leads": leads.count(),
  "refused": sum(IntakeRefusal.objects.filter(organization__slug={firm!r})
                 .values_list("count", flat=True)),
  "conflict_flagged": leads.filter(conflict_flagged=True).count()}}))
"""


def django_python(env: dict[str, str], code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "counselbench.settings"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"setup failed:\n{result.stderr[-3000:]}")
    return result.stdout


class CpuMeter(threading.Thread):
    """CPU seconds used during the run by the server (gunicorn and its workers), PostgreSQL's
    processes, Redis and this client, from /proc (Linux). Sampled every half second, so a
    process that exits mid-run (a database connection past its CONN_MAX_AGE) keeps what it
    had used."""

    TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def __init__(self, server_pid: int):
        super().__init__(daemon=True)
        self.server_pid = server_pid
        self.first: dict[int, tuple[float, float]] = {}  # (user, system) seconds
        self.last: dict[int, tuple[float, float]] = {}
        self.group: dict[int, str] = {}
        self.stop = threading.Event()

    @classmethod
    def _stat(cls, pid: int) -> tuple[str, int, tuple[float, float]] | None:
        try:
            raw = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        return name, int(fields[1]), (int(fields[11]) / cls.TICK, int(fields[12]) / cls.TICK)

    def sample(self) -> None:
        stats = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit() and (stat := self._stat(int(entry))) is not None:
                stats[int(entry)] = stat
        for pid, (name, _ppid, cpu) in stats.items():
            group = None
            if name.startswith("postgres"):
                group = "postgresql"
            elif name.startswith("redis-server"):
                group = "redis"
            elif pid == os.getpid():
                group = "client"
            elif self._under_server(pid, stats):
                group = "server"
            if group is None:
                continue
            self.group[pid] = group
            self.first.setdefault(pid, cpu)
            self.last[pid] = cpu

    def _under_server(self, pid: int, stats: dict[int, Any]) -> bool:
        """The server process itself or one of its descendants (gunicorn, its workers)."""
        for _ in range(4):  # worker → gunicorn master → serve
            if pid == self.server_pid:
                return True
            pid = stats[pid][1] if pid in stats else 0
        return False

    def run(self) -> None:
        while not self.stop.wait(0.5):
            self.sample()

    def finish(self) -> dict[str, tuple[float, float]]:
        """(user, system) CPU seconds by group: system is the kernel's share (sockets, context
        switches), which grows with the round trips a request makes."""
        self.stop.set()
        self.join()
        self.sample()
        used: dict[str, tuple[float, float]] = {}
        for pid, group in self.group.items():
            user, system = used.get(group, (0.0, 0.0))
            used[group] = (
                user + self.last[pid][0] - self.first[pid][0],
                system + self.last[pid][1] - self.first[pid][1],
            )
        return used


def machine_probe() -> float:
    """Seconds this machine takes for a fixed pure-Python loop, to set beside the figures: on a
    shared VM the same loop has taken from 0.27 to 1.22 s on different runs."""
    started = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return round(time.perf_counter() - started, 2)


def letters(n: int) -> str:
    """0 → 'a', 25 → 'z', 26 → 'ba': names without digits (digits look like spam)."""
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = string.ascii_lowercase[r] + out
        if n == 0:
            return out.capitalize()


class Client(threading.Thread):
    """One client thread: its share of the schedule (request k for k ≡ index mod threads)."""

    def __init__(self, port: int, index: int, threads: int, rate: float, start: float, total: int):
        super().__init__(daemon=True)
        self.port, self.index, self.threads = port, index, threads
        self.rate, self.start_at, self.total = rate, start, total
        self.latencies: list[float] = []
        self.by_slice: dict[int, list[float]] = {}  # 10 s slices of the schedule → latencies
        self.accepted = 0
        self.statuses: dict[int, int] = {}
        self.errors = 0

    def prime(self) -> None:
        """GET the form like a browser: the CSRF cookie and the signed form timestamp."""
        conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
        conn.request("GET", f"/intake/{FIRM}/start/")
        response = conn.getresponse()
        body = response.read().decode()
        cookie = response.getheader("Set-Cookie", "")
        conn.close()
        self.csrf_cookie = re.search(r"csrftoken=([^;]+)", cookie).group(1)  # type: ignore[union-attr]
        self.csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)  # type: ignore[union-attr]
        self.ts = re.search(r'name="ts" value="([^"]+)"', body).group(1)  # type: ignore[union-attr]

    def run(self) -> None:
        for k in range(self.index, self.total, self.threads):
            due = self.start_at + k / self.rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            body = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": self.csrf,
                    "ts": self.ts,
                    "lang": "es" if k % 3 == 0 else "en",
                    "name": f"Bench {letters(self.index)} {letters(k)}",
                    "other_parties": "Lone Star Freight LLC\nAllied Mutual Insurance",
                    "practice_area": "personal_injury" if k % 2 else "family",
                    "website": "",
                }
            )
            # A raw HTTP/1.1 request on a new connection, as a browser's POST would be: the
            # client shares the server's two cores, and http.client's header parsing cost it
            # twice as much CPU as this.
            request = (
                f"POST /intake/{FIRM}/start/ HTTP/1.1\r\n"
                f"Host: {HOST}:{self.port}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(body)}\r\n"
                f"Cookie: csrftoken={self.csrf_cookie}\r\n"
                f"Referer: http://{HOST}:{self.port}/intake/{FIRM}/start/\r\n"
                "Connection: close\r\n\r\n"
                f"{body}"
            ).encode()
            try:
                with socket.create_connection((HOST, self.port), timeout=30) as sock:
                    sock.sendall(request)
                    chunks = []
                    while chunk := sock.recv(65536):
                        chunks.append(chunk)
                head = b"".join(chunks).split(b"\r\n\r\n", 1)[0]
                status = int(head[9:12])
            except (OSError, ValueError):
                self.errors += 1
                continue
            location = re.search(rb"\r\nLocation: ([^\r]*)", head)
            latency = (time.perf_counter() - due) * 1000
            self.latencies.append(latency)
            self.by_slice.setdefault(int(k / self.rate // 10), []).append(latency)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status == 302 and location is not None and b"/details/" in location.group(1):
                self.accepted += 1


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=200.0, help="submissions per second")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    parser.add_argument("--threads", type=int, default=32, help="client threads")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (serve's default)")
    parser.add_argument("--database-url", help="e.g. postgres://postgres@127.0.0.1:5432/bench")
    parser.add_argument("--redis-url", help="shared cache for the rate limits, e.g. redis://…/9")
    args = parser.parse_args()

    total = int(args.rate * args.duration)
    data_dir = Path(tempfile.mkdtemp(prefix="counselbench-bench-intake-"))
    port = free_port()
    env = server_env(data_dir, port, args.database_url)
    # The limiter configured for the load: the per-address limit and the firm's hourly limit
    # both let the whole run through (every client is 127.0.0.1).
    per_hour = total * 2
    env["INTAKE_RATE_IP"] = f"{per_hour}/h"
    env["INTAKE_MIN_FILL_SECONDS"] = "1"
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    server = None
    try:
        cli(env, "migrate", "-v", "0")
        cli(env, "demo")
        django_python(env, SETUP.format(firm=FIRM, per_hour=per_hour))
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
            stderr=subprocess.DEVNULL,
        )
        wait_until_up(port, timeout=300)  # collectstatic and migrate run first
        clients = [
            Client(port, i, args.threads, args.rate, 0.0, total) for i in range(args.threads)
        ]
        for c in clients:
            c.prime()
        time.sleep(1.2)  # the minimum fill time (a person reads the page first)
        probe = machine_probe()
        meter = CpuMeter(server.pid)
        meter.sample()
        meter.start()
        start = time.perf_counter() + 0.5
        for c in clients:
            c.start_at = start
            c.start()
        for c in clients:
            c.join(timeout=args.duration + 120)
        elapsed = time.perf_counter() - start
        cpu = meter.finish()
        counted = json.loads(django_python(env, COUNT.format(firm=FIRM)).strip().splitlines()[-1])
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(data_dir, ignore_errors=True)

    latencies = sorted(ms for c in clients for ms in c.latencies)
    accepted = sum(c.accepted for c in clients)
    statuses: dict[str, int] = {}
    for c in clients:
        for status, n in c.statuses.items():
            statuses[str(status)] = statuses.get(str(status), 0) + n
    errors = sum(c.errors for c in clients)

    def pct(p: float) -> float:
        if not latencies:
            return float("nan")
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))], 1)

    lost = accepted - counted["leads"]
    slices: dict[int, list[float]] = {}
    for c in clients:
        for index, values in c.by_slice.items():
            slices.setdefault(index, []).extend(values)
    timeline = []
    for index in sorted(slices):
        values = sorted(slices[index])
        timeline.append(
            {
                "seconds": f"{index * 10}-{index * 10 + 10}",
                "p50_ms": round(values[len(values) // 2], 1),
                "p99_ms": round(values[min(len(values) - 1, int(0.99 * len(values)))], 1),
            }
        )
    report = {
        "benchmark": "public intake step one, POST /intake/<firm>/start/, open loop",
        "scheduled": total,
        "answered": len(latencies),
        "accepted": accepted,
        "statuses": statuses,
        "connection_errors": errors,
        "leads_in_database": counted["leads"],
        "lost": lost,
        "conflict_flagged": counted["conflict_flagged"],
        "refused_counted": counted["refused"],
        "achieved_rate_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "max_ms": round(latencies[-1], 1) if latencies else None,
        "by_10_seconds": timeline,
        # CPU milliseconds per answered submission, by process group (the machine has `cpus`).
        "cpu_ms_per_submission": {
            group: {
                "user": round(user * 1000 / max(1, len(latencies)), 2),
                "system": round(system * 1000 / max(1, len(latencies)), 2),
            }
            for group, (user, system) in sorted(cpu.items())
        },
        "goal_p99_ms": GOAL_P99_MS,
        "meets_goal": lost == 0 and accepted == total and pct(99) <= GOAL_P99_MS,
        "settings": {
            "rate_per_s": args.rate,
            "duration_s": args.duration,
            "threads": args.threads,
            "workers": args.workers,
            "database": "postgresql" if args.database_url else "sqlite",
            "rate_limit_cache": "redis" if args.redis_url else "per-process (locmem)",
            "INTAKE_RATE_IP": env["INTAKE_RATE_IP"],
            "submissions_per_hour": per_hour,
            "cpus": os.cpu_count(),
            "machine_probe_s": probe,
        },
    }
    print(json.dumps(report, indent=2))
    return 0 if report["meets_goal"] else 1


if __name__ == "__main__":
    sys.exit(main())
