"""Crash test: a burst of idempotent trust deposits, the server killed with SIGKILL in the
middle of it, restarted, and the whole burst replayed with the same keys. No deposit may be lost
and none may be posted twice.

In a throwaway PostgreSQL database (dropped at the end) it makes a firm, its owner, ten clients
with a matter ledger each in one trust account, and an API token for the owner; starts the real
server (`counselbench serve`, gunicorn, DEBUG off) in its own process group; fires N deposit
POSTs to /api/v1/trust/transactions from several client threads, each with its own
Idempotency-Key (also put in the entry's `reference`, so the journal can be matched to what was
sent); once half of them are answered, kills the whole group (the CLI, the gunicorn master and
its workers) with SIGKILL; restarts the server; replays every request of the burst, byte for
byte, with its key; then counts, from the database: each key's deposit is in the journal exactly
once with its amount, the account balance is the sum of the deposits, and the journal, ledgers
and account agree (`trust.services.reconciliation.integrity`).

    python bench/trust_crash.py [--admin-url postgres://postgres@127.0.0.1:5432/postgres]
                                [--requests 2000] [--threads 8] [--workers 3] [--kill-at 0.5]

Prints one JSON object; the exit code is non-zero if a deposit was lost or duplicated, or the
books disagree.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_me import HOST, cli, free_port, server_env, wait_until_up

LEDGERS = 10
PATH = "/api/v1/trust/transactions"


# --- Inside a Django process -------------------------------------------------------------------


def setup() -> dict:
    from datetime import timedelta

    from django.utils import timezone

    from counselbench.access.policy import actor_for
    from counselbench.accounts.models import User
    from counselbench.accounts.services import create_token
    from counselbench.matters.models import Client, Matter
    from counselbench.organizations.models import Membership, Organization
    from counselbench.trust.services import accounts

    today = timezone.localdate()
    firm = Organization.objects.create(name="Crash Test LLP", slug="crash-test", kind="law_firm")
    owner = User.objects.create_user(email="owner@crashtest.example", password=None)
    Membership.objects.create(organization=firm, user=owner, role="owner")
    actor = actor_for(owner, firm)
    account = accounts.open_account(
        actor,
        name="IOLTA",
        bank_name="Frost Bank",
        account_last4="9876",
        opened_on=today - timedelta(days=30),
    )
    ledgers = []
    for i in range(LEDGERS):
        client = Client.objects.create(organization=firm, kind="person", name=f"Client {i}")
        matter = Matter.objects.create(
            organization=firm,
            client=client,
            number=f"CR-{i:03d}",
            title=f"Matter {i}",
            jurisdiction="TX",
            practice_area="litigation",
            responsible_attorney=owner,
            status="open",
            opened_on=today - timedelta(days=30),
            created_by=owner,
        )
        ledger = accounts.open_ledger(
            actor, account_id=account.pk, client_id=client.pk, matter_id=matter.pk
        )
        ledgers.append(ledger.pk)
    _, token = create_token(actor, name="crash test", organization_slug=firm.slug)
    return {
        "token": token,
        "account_id": account.pk,
        "ledger_ids": ledgers,
        "today": today.isoformat(),
    }


def verify(account_id: int, prefix: str) -> dict:
    from django.db.models import Count, Sum

    from counselbench.core.models import IdempotencyKey
    from counselbench.trust.models import TrustAccount, TrustTransaction
    from counselbench.trust.services import reconciliation

    account = TrustAccount.objects.get(pk=account_id)
    rows = (
        TrustTransaction.objects.filter(account=account)
        .values("reference", "kind")
        .annotate(n=Count("id"), cents=Sum("amount_cents"))
    )
    return {
        "journal": {r["reference"]: [r["n"], r["cents"], r["kind"]] for r in rows},
        "entries": TrustTransaction.objects.filter(account=account).count(),
        "account_balance_cents": account.balance_cents,
        "entry_count": account.entry_count,
        "integrity": reconciliation.integrity(account),
        "idempotency_keys": IdempotencyKey.objects.filter(key__startswith=prefix).count(),
    }


def inside(step: str, argument: str) -> int:
    import django

    django.setup()
    if step == "setup":
        print(json.dumps(setup()))
    else:
        account_id, prefix = argument.split(":", 1)
        print(json.dumps(verify(int(account_id), prefix)))
    return 0


def run_inside(env: dict[str, str], step: str, argument: str = "") -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--inside", step, argument],
        env={**env, "DJANGO_SETTINGS_MODULE": "counselbench.settings"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"the {step} step failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- The server --------------------------------------------------------------------------------


def start_server(env: dict[str, str], port: int, workers: int, log) -> subprocess.Popen:
    """`counselbench serve` as its own process group (session), so one killpg reaches the CLI,
    the gunicorn master and every worker."""
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
            str(workers),
            "--no-demo",
            "--no-access-log",
        ],
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    try:
        wait_until_up(port, timeout=180)
    except SystemExit:
        log.seek(0)
        print(log.read()[-3000:].decode(errors="replace"), file=sys.stderr)
        raise
    return server


def group_members(pgid: int) -> list[str]:
    """The processes of the group (from /proc): the CLI, the gunicorn master, its workers."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...: comm may hold spaces, so split after its ")".
        fields = text[text.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid:
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            members.append(cmdline.strip()[:120])
    return members


def group_gone(pgid: int, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def kill_group(server: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=30)
    if not group_gone(server.pid):
        raise SystemExit("processes of the killed server are still running")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()  # the CLI stops gunicorn, which stops its workers
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)  # anything left of the group
    server.wait(timeout=30)


# --- The clients -------------------------------------------------------------------------------


class Burst:
    """Sends every request once from `threads` threads; `on_accepted(count)` may end it early."""

    def __init__(self, port: int, token: str, requests: list[tuple[str, bytes]], threads: int):
        self.port, self.token, self.requests, self.threads = port, token, requests, threads
        self.next = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.outcomes: dict[str, str] = {}  # key -> "created", "replayed", "http <status>", ...
        self.accepted = 0
        self.kill_after: int | None = None
        self.on_kill = None
        self.killed_at: float | None = None

    def take(self) -> tuple[str, bytes] | None:
        with self.lock:
            if self.stop.is_set() or self.next >= len(self.requests):
                return None
            item = self.requests[self.next]
            self.next += 1
            return item

    def send(self, key: str, body: bytes) -> str:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            conn.request(
                "POST",
                PATH,
                body=body,
                headers={
                    "Authorization": f"Bearer {self.token}",
                    "Content-Type": "application/json",
                    "Idempotency-Key": key,
                },
            )
            response = conn.getresponse()
            response.read()
            if response.status != 201:
                return f"http {response.status}"
            if response.getheader("Idempotent-Replayed") == "true":
                return "replayed"
            return "created"
        except ConnectionRefusedError:
            return "refused (server down)"
        except (OSError, http.client.HTTPException) as error:
            return f"failed in flight ({type(error).__name__})"
        finally:
            conn.close()

    def work(self) -> None:
        while (item := self.take()) is not None:
            key, body = item
            outcome = self.send(key, body)
            with self.lock:
                self.outcomes[key] = outcome
                if outcome in ("created", "replayed"):
                    self.accepted += 1
                    if self.kill_after is not None and self.accepted == self.kill_after:
                        self.stop.set()
                        self.killed_at = time.perf_counter()
                        self.on_kill()

    def run(self) -> float:
        began = time.perf_counter()
        workers = [threading.Thread(target=self.work) for _ in range(self.threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--requests", type=int, default=2000, help="deposits in the burst")
    parser.add_argument("--threads", type=int, default=8, help="client threads")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--kill-at", type=float, default=0.5, help="fraction answered at the kill")
    parser.add_argument("--inside", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        return inside(*args.inside)

    began = time.perf_counter()
    name = f"counselbench_bench_trust_crash_{os.getpid()}"
    database_url = args.admin_url.rsplit("/", 1)[0] + f"/{name}"
    data_dir = Path(tempfile.mkdtemp(prefix="counselbench-bench-crash-"))
    port = free_port()
    env = server_env(data_dir, port, database_url)
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    server = None
    with psycopg.connect(args.admin_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        cli(env, "migrate", "-v", "0")
        world = run_inside(env, "setup")
        prefix = f"crash-{secrets.token_hex(4)}-"
        amounts: dict[str, int] = {}
        requests = []
        for i in range(args.requests):
            key = f"{prefix}{i:05d}"
            amounts[key] = 10_000 + i  # a different amount per key, so the sums identify them
            body = {
                "kind": "deposit",
                "ledger_id": world["ledger_ids"][i % LEDGERS],
                "amount_cents": amounts[key],
                "date": world["today"],
                "payee_payor": f"Client {i % LEDGERS}",
                "purpose": "Retainer",
                "method": "ach",
                "reference": key,
            }
            requests.append((key, json.dumps(body).encode()))

        started = time.perf_counter()
        server = start_server(env, port, args.workers, log)
        start_s = time.perf_counter() - started
        killed = group_members(server.pid)
        burst = Burst(port, world["token"], requests, args.threads)
        burst.kill_after = max(1, int(args.requests * args.kill_at))
        current = server
        burst.on_kill = lambda: os.killpg(current.pid, signal.SIGKILL)
        burst_s = burst.run()
        kill_group(server)  # reaps it; the group got SIGKILL from inside the burst
        if burst.killed_at is None:
            raise SystemExit("the burst ended before the kill point")
        before = Counter(burst.outcomes.values())

        restarted = time.perf_counter()
        server = start_server(env, port, args.workers, log)
        down_s = time.perf_counter() - burst.killed_at
        restart_s = time.perf_counter() - restarted

        replay = Burst(port, world["token"], requests, args.threads)
        replay_s = replay.run()
        after = Counter(replay.outcomes.values())
        stop_server(server)
        server = None

        books = run_inside(env, "verify", f"{world['account_id']}:{prefix}")
    finally:
        if server is not None:
            stop_server(server)
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)
        with psycopg.connect(args.admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    journal = books["journal"]
    lost = sorted(k for k in amounts if k not in journal)
    duplicated = sorted(k for k, (n, _, _) in journal.items() if k in amounts and n > 1)
    wrong_amount = sorted(
        k for k, (n, cents, kind) in journal.items()
        if k in amounts and (cents != n * amounts[k] or kind != "deposit")
    )  # fmt: skip
    strangers = sorted(k for k in journal if k not in amounts)
    expected_cents = sum(amounts.values())
    committed_unacknowledged = after["replayed"] - before["created"]
    report = {
        "benchmark": "idempotent trust deposits across a SIGKILL of the whole server",
        "command": shlex.join(sys.orig_argv),
        "machine": {"cpus": os.cpu_count(), "load_average": list(os.getloadavg())},
        "settings": {
            "requests": args.requests,
            "threads": args.threads,
            "workers": args.workers,
            "kill_after_accepted": burst.kill_after,
        },
        "killed_processes": killed,
        "sent": args.requests,
        "accepted_before_kill": before["created"] + before["replayed"],
        "errors_during_kill": sum(n for o, n in before.items() if o.startswith("failed")),
        "refused_while_down": before["refused (server down)"],
        "not_sent_before_kill": args.requests - len(burst.outcomes),
        "http_errors_before_kill": {o: n for o, n in before.items() if o.startswith("http")},
        "outcomes_before_kill": dict(before),
        "replayed": len(replay.outcomes),
        "replays_from_stored_response": after["replayed"],
        "replays_posted_afresh": after["created"],
        "replay_failures": {o: n for o, n in after.items() if o not in ("created", "replayed")},
        # Committed by a worker that was killed before its answer reached the client: the
        # replay found the stored response, so the deposit was not posted a second time.
        "committed_but_unanswered_at_kill": committed_unacknowledged,
        "lost": len(lost),
        "duplicated": len(duplicated),
        "wrong_amount": len(wrong_amount),
        "unknown_entries": len(strangers),
        "journal_entries": books["entries"],
        "idempotency_keys_stored": books["idempotency_keys"],
        "expected_balance_cents": expected_cents,
        "account_balance_cents": books["account_balance_cents"],
        "balance_matches": books["account_balance_cents"] == expected_cents,
        "integrity": books["integrity"],
        "seconds": {
            "first_start_serve_to_healthz": round(start_s, 2),
            "burst_until_kill": round(burst_s, 2),
            "down_kill_to_healthz": round(down_s, 2),
            "restart_serve_to_healthz": round(restart_s, 2),
            "replay": round(replay_s, 2),
            "total": round(time.perf_counter() - began, 1),
        },
        "examples": {"lost": lost[:5], "duplicated": duplicated[:5]},
    }
    ok = (
        not lost
        and not duplicated
        and not wrong_amount
        and not strangers
        and report["balance_matches"]
        and books["integrity"]["consistent"]
        and not report["replay_failures"]
    )
    report["passed"] = ok
    print(json.dumps(report, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
