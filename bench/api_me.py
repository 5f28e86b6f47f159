"""Benchmark: GET /api/v1/me against the floor (a bare Django JSON view in the same server).

Builds a fresh database (migrate + demo + an API token), starts the real server
(`counselbench serve`, gunicorn) on 127.0.0.1, drives load from separate client processes, and
prints one JSON object with requests/s and latency percentiles for each target and their ratio.

    python bench/api_me.py [--workers 2] [--concurrency 8] [--duration 10] [--database-url URL]

The goal (issue 2): /api/v1/me reaches at least 50% of the floor's throughput.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL = 0.5
HOST = "127.0.0.1"
OWNER = "dana.whitfield@whitfieldmoreno.example"
MAX_REQUESTS_PER_CLIENT = 200_000  # a hard bound besides the clock


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(data_dir: Path, port: int, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        {
            "DATA_DIR": str(data_dir),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "false",
            "SITE_URL": f"http://{HOST}:{port}",
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "WARNING",
            # Measure the request path, not the throttle: one token makes every request here.
            "API_RATE_AUTHENTICATED": "100000000/m",
            "API_RATE_ANONYMOUS": "100000000/m",
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "counselbench.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"counselbench {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def wait_until_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not answer /healthz in time")


def client_loop(
    port: int,
    path: str,
    headers: dict,
    warmup: float,
    duration: float,
    must_contain: bytes,
    out: mp.Queue,
) -> None:
    """One client: sequential requests until the clock runs out; reports latencies in ms."""
    latencies: list[float] = []
    errors = 0
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    start = time.monotonic()
    measure_from, stop_at = start + warmup, start + warmup + duration
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        began = time.monotonic()
        if began >= stop_at:
            break
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            ok = response.status == 200 and must_contain in body
            if response.getheader("Connection", "").lower() == "close":
                conn.close()  # gunicorn's sync workers close after each response
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
        if began >= measure_from:
            if ok:
                latencies.append((time.monotonic() - began) * 1000)
            else:
                errors += 1
    conn.close()
    out.put((latencies, errors))


def drive(
    port: int,
    path: str,
    headers: dict,
    must_contain: bytes,
    concurrency: int,
    warmup: float,
    duration: float,
) -> dict:
    """Run `concurrency` client processes at once (never inside the server's processes)."""
    queue: mp.Queue = mp.Queue()
    procs = [
        mp.Process(
            target=client_loop, args=(port, path, headers, warmup, duration, must_contain, queue)
        )
        for _ in range(concurrency)
    ]
    for proc in procs:
        proc.start()
    results = [queue.get(timeout=warmup + duration + 60) for _ in procs]
    for proc in procs:
        proc.join(timeout=10)
    latencies = sorted(ms for lat, _ in results for ms in lat)
    errors = sum(err for _, err in results)

    def pct(p: float) -> float:
        if not latencies:
            return float("nan")
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))], 2)

    return {
        "requests": len(latencies),
        "errors": errors,
        "requests_per_second": round(len(latencies) / duration, 1),
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "mean_ms": round(statistics.fmean(latencies), 2) if latencies else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--concurrency", type=int, default=8, help="client processes")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per target")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds first")
    parser.add_argument("--database-url", help="e.g. postgres://postgres@127.0.0.1:5432/bench")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="counselbench-bench-"))
    port = free_port()
    env = server_env(data_dir, port, args.database_url)
    server = None
    try:
        cli(env, "migrate", "-v", "0")
        cli(env, "demo")
        token = (
            cli(
                env,
                "token",
                "create",
                "--user",
                OWNER,
                "--org",
                "whitfield-moreno",
                "--name",
                "bench",
            )
            .strip()
            .splitlines()[-1]
        )
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
        wait_until_up(port)
        floor = drive(port, "/healthz", {}, b'"ok"', args.concurrency, args.warmup, args.duration)
        me = drive(
            port,
            "/api/v1/me",
            {"Authorization": f"Bearer {token}"},
            OWNER.encode(),
            args.concurrency,
            args.warmup,
            args.duration,
        )
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(data_dir, ignore_errors=True)

    ratio = me["requests_per_second"] / floor["requests_per_second"]
    report = {
        "benchmark": "GET /api/v1/me vs floor (GET /healthz, bare Django JSON view)",
        "floor": floor,
        "api_me": me,
        "ratio_rps": round(ratio, 3),
        "goal": GOAL,
        "meets_goal": ratio >= GOAL,
        "settings": {
            "workers": args.workers,
            "concurrency": args.concurrency,
            "duration_s": args.duration,
            "database": "postgresql" if args.database_url else "sqlite",
            "cpus": os.cpu_count(),
            "api_rate_limits": "raised out of the way",
        },
    }
    print(json.dumps(report, indent=2))
    total = floor["requests"] + me["requests"]
    failed = floor["errors"] + me["errors"]
    return 1 if total == 0 or failed > 0.01 * total else 0


if __name__ == "__main__":
    sys.exit(main())
