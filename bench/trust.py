"""Benchmark: a month of 100,000 trust postings through the journal service, then that month's
three-way reconciliation against the bare journal sum (PostgreSQL; SQLite too with --sqlite).

In a throwaway database (migrated; dropped at the end) it builds a firm, an owner, 1,000 clients
each with a matter and a matter ledger in one trust account, a sent invoice per matter and an
evergreen retainer on a tenth of them, then, through `trust.services.journal.deposit` and
`withdraw` as the owner, posts 100,000 entries all dated in last month, in date order: deposits,
disbursements, earned-fee transfers against the sent invoices, bank charges (and the firm's
top-ups) on the firm-funds ledger, plus about 1% withdrawals larger than the ledger holds, which
the service refuses (counted apart, not among the 100,000). Then it bulk-creates the bank's
statement lines for the month, clearing every entry but a few hundred from the month's last
days (deposits in transit, outstanding checks), so that the month balances, and times
`trust.services.reconciliation.three_way(reconciliation)` against the floor: the bare
`SELECT SUM(amount_cents) … WHERE account_id = %s AND date <= %s`, run with the driver.

    python bench/trust.py [--admin-url postgres://postgres@127.0.0.1:5432/postgres]
                          [--entries 100000] [--ledgers 1000] [--repeats 30] [--sqlite]

Goal (issue 7): three_way for the month in at most 1 s (p95).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_me import cli, free_port, server_env

GOAL_MS = 1000.0
FLOOR_SQL = (
    "SELECT SUM(amount_cents) FROM trust_trusttransaction WHERE account_id = %s AND date <= %s"
)
BATCH = 5000
WARMUP = 2
OUTSTANDING = 300  # entries of the month's last days no bank line clears
RETAINER_EVERY = 10  # one matter in ten has an evergreen retainer
INVOICE_CENTS = 2_500_000  # each matter's sent invoice, paid from trust by earned-fee transfers


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return round(ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)], 2)


def stats(samples_ms: list[float]) -> dict:
    return {
        "n": len(samples_ms),
        "p50_ms": percentile(samples_ms, 50),
        "p95_ms": percentile(samples_ms, 95),
        "max_ms": round(max(samples_ms), 2),
        "mean_ms": round(statistics.fmean(samples_ms), 2),
    }


def timed(run, repeats: int) -> list[float]:
    samples = []
    for i in range(repeats + WARMUP):
        began = time.perf_counter()
        run()
        if i >= WARMUP:
            samples.append((time.perf_counter() - began) * 1000)
    return samples


# --- Inside the Django process (one per database) --------------------------------------------


def build_firm(n_ledgers: int, opened_on: date, issue_on: date):
    """The firm, its clients and matters (bulk), then the account, ledgers, invoices and
    retainers through the services, as a firm would have them."""
    from counselbench.access.policy import actor_for
    from counselbench.accounts.models import User
    from counselbench.billing.services import invoices
    from counselbench.matters.models import Client, Matter
    from counselbench.organizations.models import Membership, Organization
    from counselbench.trust.services import accounts, retainers

    firm = Organization.objects.create(name="Bench Trust LLP", slug="bench-trust", kind="law_firm")
    owner = User.objects.create_user(email="owner@benchtrust.example", password=None)
    Membership.objects.create(organization=firm, user=owner, role="owner")
    actor = actor_for(owner, firm)
    clients = Client.objects.bulk_create(
        [
            Client(organization=firm, kind="organization", name=f"Bench Client {i:04d}")
            for i in range(n_ledgers)
        ],
        batch_size=BATCH,
    )
    matters = Matter.objects.bulk_create(
        [
            Matter(
                organization=firm,
                client=client,
                number=f"TR-{i:05d}",
                title=f"Bench matter {i}",
                jurisdiction="TX",
                practice_area="litigation",
                responsible_attorney=owner,
                status="open",
                opened_on=opened_on - timedelta(days=30),
                created_by=owner,
            )
            for i, client in enumerate(clients)
        ],
        batch_size=BATCH,
    )
    account = accounts.open_account(
        actor,
        name="IOLTA",
        bank_name="Frost Bank",
        account_last4="4321",
        opened_on=opened_on,
    )
    ledgers = {}
    invoice_of = {}
    for i, matter in enumerate(matters):
        ledger = accounts.open_ledger(
            actor, account_id=account.pk, client_id=matter.client_id, matter_id=matter.pk
        )
        ledgers[ledger.pk] = matter
        draft = invoices.draft_invoice(actor, matter_id=matter.pk, entry_ids=[])
        invoices.add_expense(
            actor,
            invoice_id=draft.pk,
            data=invoices.ExpenseInput(
                date=issue_on, description="Fixed fee, phase 2", amount_cents=INVOICE_CENTS
            ),
        )
        invoice_of[ledger.pk] = invoices.send_invoice(
            actor, invoice_id=draft.pk, issued_on=issue_on
        ).pk
        if i % RETAINER_EVERY == 0:
            retainers.set_retainer(
                actor, matter_id=matter.pk, target_cents=1_000_000, floor_cents=200_000
            )
    return actor, account, ledgers, invoice_of, accounts.firm_funds_ledger(account)


def add_history(actor, account, ledgers, months: list[date], per_month: int, seed: int = 3):
    """Earlier months of the same size, written in bulk as the journal would have them (running
    balances, sequence), each cleared by its bank lines and signed off: the account's past, which
    every as-of-month-end sum reads again. Returns the ledgers' balances after it."""
    from django.db import transaction
    from django.utils import timezone

    from counselbench.trust.models import (
        BankStatementLine,
        Reconciliation,
        TrustAccount,
        TrustLedger,
        TrustTransaction,
    )
    from counselbench.trust.services.reconciliation import LedgerBalance, ThreeWay, month_end

    rng = random.Random(seed)
    ids = list(ledgers)
    balance = dict.fromkeys(ids, 0)
    total, sequence = 0, account.entry_count
    owner, now = actor.authenticated_user, timezone.now()
    for month in months:
        end = month_end(month)
        days = (end - month).days + 1
        entries = []
        for i in range(per_month):
            ledger = rng.choice(ids)
            if balance[ledger] > 0 and rng.random() < 0.5:
                kind, amount = "disbursement", -rng.randint(1, max(1, balance[ledger] // 3))
            else:
                kind, amount = "deposit", rng.randint(10_000, 2_500_000)
            balance[ledger] += amount
            total += amount
            sequence += 1
            entries.append(
                TrustTransaction(
                    account_id=account.pk,
                    ledger_id=ledger,
                    organization_id=account.organization_id,
                    sequence=sequence,
                    kind=kind,
                    amount_cents=amount,
                    date=month + timedelta(days=i * days // per_month),
                    payee_payor="Lone Star Court Reporting" if amount < 0 else "Client",
                    purpose="Deposition transcript" if amount < 0 else "Retainer",
                    method="check",
                    reference=str(sequence),
                    matter_id=ledgers[ledger].pk,
                    posted_by=owner,
                    posted_at=now,
                    authorized_by=owner if amount < 0 else None,
                    ledger_balance_after_cents=balance[ledger],
                    account_balance_after_cents=total,
                )
            )
        with transaction.atomic():
            TrustTransaction.objects.bulk_create(entries, batch_size=BATCH)
            recon = Reconciliation.objects.create(
                account_id=account.pk,
                organization_id=account.organization_id,
                month=month,
                statement_balance_cents=total,
                state="locked",
                created_by=owner,
                signed_off_by=owner,
                signed_off_at=now,
                # What sign_off freezes: the month's figures (every entry cleared).
                snapshot=ThreeWay(
                    month=month.isoformat(),
                    statement_balance_cents=total,
                    journal_cents=total,
                    ledgers=[
                        LedgerBalance(pk, f"Client ledger {pk}", cents)
                        for pk, cents in balance.items()
                    ],
                    ledgers_total_cents=total,
                ).as_dict(),
            )
            BankStatementLine.objects.bulk_create(
                [
                    BankStatementLine(
                        reconciliation=recon,
                        date=e.date,
                        description=e.payee_payor,
                        amount_cents=e.amount_cents,
                        reference=e.reference,
                        entry=e,
                    )
                    for e in entries
                ],
                batch_size=BATCH,
            )
    last_day = month_end(months[-1])
    rows = TrustLedger.objects.filter(pk__in=ids)
    for row in rows:
        row.balance_cents, row.last_entry_on = balance[row.pk], last_day
    TrustLedger.objects.bulk_update(rows, ["balance_cents", "last_entry_on"], batch_size=BATCH)
    TrustAccount.objects.filter(pk=account.pk).update(
        balance_cents=total, entry_count=sequence, locked_through=last_day
    )
    account.refresh_from_db()
    return balance


class Poster:
    """Chooses each next posting from the books as they stand and posts it via the service."""

    def __init__(
        self, actor, account, ledgers, invoice_of, firm_funds, balance=None, seed: int = 7
    ):
        self.actor, self.account = actor, account
        self.ids = list(ledgers)
        self.matter_of = ledgers
        self.invoice_of = invoice_of
        self.firm_funds = firm_funds
        self.balance: dict[int, int] = balance or dict.fromkeys(self.ids, 0)
        self.ff_balance = 0
        self.invoice_left = dict.fromkeys(self.ids, INVOICE_CENTS)
        self.rng = random.Random(seed)
        self.check_number = 10_000

    def plan(self, day: date, may_bill: bool):
        """(kind, EntryInput, expect a refusal)."""
        from counselbench.trust.services.journal import EntryInput

        rng = self.rng
        ledger = rng.choice(self.ids)
        balance = self.balance[ledger]
        r = rng.random()

        def entry(ledger_id, amount, payee, purpose, method, reference="", invoice_id=None):
            return EntryInput(
                ledger_id=ledger_id,
                amount_cents=amount,
                date=day,
                payee_payor=payee,
                purpose=purpose,
                method=method,
                reference=reference,
                invoice_id=invoice_id,
            )

        if r < 0.01 and balance > 0:  # more than the ledger holds: refused
            self.check_number += 1
            return (
                "disbursement",
                entry(ledger, balance + rng.randint(1, 500_000), "Gulf Coast Experts",
                      "Expert witness fee", "check", str(self.check_number)),
                True,
            )  # fmt: skip
        if r < 0.025:  # the bank's charges, from the firm's own money in the account
            if self.ff_balance < 5_000:
                limit = self.account.firm_funds_limit_cents
                return (
                    "deposit",
                    entry(self.firm_funds.pk, limit - self.ff_balance, "Bench Trust LLP",
                          "Firm funds to cover bank charges", "transfer"),
                    False,
                )  # fmt: skip
            amount = min(self.ff_balance, rng.choice([1_500, 2_500, 3_500, 500]))
            return (
                "bank_fee",
                entry(self.firm_funds.pk, amount, "Frost Bank", "Wire and service charges",
                      "bank"),
                False,
            )  # fmt: skip
        if r < 0.10 and may_bill and balance > 0 and self.invoice_left[ledger] > 0:
            amount = min(balance, self.invoice_left[ledger], rng.randint(50_000, 500_000))
            return (
                "earned_fee",
                entry(ledger, amount, "Bench Trust LLP operating account",
                      "Earned fees, fixed fee phase 2", "transfer",
                      invoice_id=self.invoice_of[ledger]),
                False,
            )  # fmt: skip
        if r < 0.55 or balance == 0:
            amount = rng.choice([rng.randint(10_000, 200_000), rng.randint(200_000, 2_500_000)])
            method = rng.choice(["check", "ach", "wire", "check"])
            return (
                "deposit",
                entry(ledger, amount, f"{self.matter_of[ledger].client.name}",
                      rng.choice(["Retainer", "Advance for costs", "Settlement proceeds"]),
                      method, str(rng.randint(1000, 9999)) if method == "check" else ""),
                False,
            )  # fmt: skip
        self.check_number += 1
        amount = rng.randint(1, max(1, balance // 3))
        return (
            "disbursement",
            entry(ledger, amount, rng.choice(["Lone Star Court Reporting", "Harris County Clerk",
                                              "Gulf Coast Experts", "Courier Express"]),
                  rng.choice(["Deposition transcript", "Filing fee", "Expert review",
                              "Service of process"]), "check", str(self.check_number)),
            False,
        )  # fmt: skip

    def settle(self, kind: str, data) -> None:
        if data.ledger_id == self.firm_funds.pk:
            self.ff_balance += data.amount_cents if kind == "deposit" else -data.amount_cents
            return
        sign = 1 if kind == "deposit" else -1
        self.balance[data.ledger_id] += sign * data.amount_cents
        if kind == "earned_fee":
            self.invoice_left[data.ledger_id] -= data.amount_cents


def post_month(poster: Poster, n: int, month: date, days: int, issue_on: date) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from counselbench.core.errors import DomainError
    from counselbench.trust.error_codes import TrustErrorCode
    from counselbench.trust.services import journal

    posted = attempts = 0
    refused: Counter = Counter()
    unexpected: Counter = Counter()
    kinds: Counter = Counter()
    latencies: dict[str, list[float]] = defaultdict(list)
    queries: dict[str, int] = {}
    began = time.perf_counter()
    while posted < n:
        day = month + timedelta(days=min(days - 1, posted * days // n))
        kind, data, refusal = poster.plan(day, may_bill=day >= issue_on)
        # The queries of one posting of each kind, once the caches are warm.
        capture = posted > 1000 and kind not in queries and not refusal
        context = CaptureQueriesContext(connection) if capture else None
        attempts += 1
        started = time.perf_counter()
        try:
            if context is not None:
                with context:
                    post(journal, poster.actor, kind, data)
                queries[kind] = len(context)
            else:
                post(journal, poster.actor, kind, data)
        except DomainError as error:
            latencies["refused"].append((time.perf_counter() - started) * 1000)
            if refusal and error.code == TrustErrorCode.OVERDRAFT:
                refused[str(error.code)] += 1
            else:
                unexpected[f"{kind}: {error.code}: {error.message}"[:200]] += 1
            continue
        latencies[kind].append((time.perf_counter() - started) * 1000)
        if refusal:
            unexpected[f"{kind}: an overdraft was accepted"] += 1
        poster.settle(kind, data)
        kinds[kind] += 1
        posted += 1
    seconds = time.perf_counter() - began
    return {
        "posted": posted,
        "refused": sum(refused.values()),
        "refused_by_code": dict(refused),
        "unexpected_refusals": dict(unexpected),
        "attempts": attempts,
        "by_kind": dict(kinds),
        "seconds": round(seconds, 1),
        "postings_per_second": round(posted / seconds, 1),
        "attempts_per_second": round(attempts / seconds, 1),
        "latency_ms": {
            k: {"p50": percentile(v, 50), "p95": percentile(v, 95), "max": round(max(v), 1)}
            for k, v in sorted(latencies.items())
        },
        "queries_per_posting": queries,
    }


def post(journal, actor, kind: str, data) -> None:
    if kind == "deposit":
        journal.deposit(actor, data=data)
    else:
        journal.withdraw(actor, kind=kind, data=data)


def bank_statement(actor, account, month: date, end: date, seed: int = 11):
    """The bank's lines for the month: one per entry but the few still outstanding at month end
    (from its last five days), dated the same day or a day or two later. Every line matches an
    entry, so the month balances and could be signed off."""
    from django.db import transaction
    from django.db.models import Sum

    from counselbench.trust.models import BankStatementLine, TrustTransaction
    from counselbench.trust.services import reconciliation

    rng = random.Random(seed)
    entries = list(
        TrustTransaction.objects.filter(account=account, date__gte=month, date__lte=end)
        .order_by("sequence")
        .values_list("pk", "date", "amount_cents", "payee_payor", "reference")
    )
    late = [e for e in entries if e[1] > end - timedelta(days=5)]
    outstanding = {e[0] for e in rng.sample(late, min(OUTSTANDING, len(late)))}
    lines = [
        BankStatementLine(
            date=min(end, day + timedelta(days=rng.choice([0, 0, 1, 2]))),
            description=party[:300],
            amount_cents=amount,
            reference=reference,
            entry_id=pk,
        )
        for pk, day, amount, party, reference in entries
        if pk not in outstanding
    ]
    # The bank's closing balance: what its earlier statements carried, plus this month's lines.
    opening = (
        BankStatementLine.objects.filter(
            reconciliation__account=account, reconciliation__month__lt=month
        ).aggregate(total=Sum("amount_cents"))["total"]
        or 0
    )
    recon = reconciliation.start(
        actor,
        account_id=account.pk,
        month=month,
        statement_balance_cents=opening + sum(line.amount_cents for line in lines),
    )
    with transaction.atomic():
        for line in lines:
            line.reconciliation = recon
        BankStatementLine.objects.bulk_create(lines, batch_size=BATCH)
    amounts = {pk: amount for pk, _, amount, _, _ in entries}
    return recon, {
        "bank_lines": len(lines),
        "outstanding_deposits": sum(1 for pk in outstanding if amounts[pk] > 0),
        "outstanding_checks": sum(1 for pk in outstanding if amounts[pk] < 0),
        "unmatched_bank_lines": 0,
        "month_entries": len(entries),
    }


def inside(config: dict) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from counselbench.trust.models import TrustAccount, TrustTransaction
    from counselbench.trust.services import reconciliation

    vendor = connection.vendor
    today = timezone.localdate()
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    end = reconciliation.month_end(month)
    days = (end - month).days + 1
    # send_invoice takes an issue date within the last 31 days; earned fees follow the invoice.
    issue_on = max(month, today - timedelta(days=31))

    history = [month]
    for _ in range(config["history_months"]):
        history.insert(0, (history[0] - timedelta(days=1)).replace(day=1))
    history.pop()  # the benchmark's own month

    began = time.perf_counter()
    actor, account, ledgers, invoice_of, firm_funds = build_firm(
        config["ledgers"], (history or [month])[0] - timedelta(days=1), issue_on
    )
    built_s = time.perf_counter() - began
    balance = None
    history_s = 0.0
    if history:
        began = time.perf_counter()
        balance = add_history(actor, account, ledgers, history, config["entries"])
        history_s = time.perf_counter() - began
    poster = Poster(actor, account, ledgers, invoice_of, firm_funds, balance)
    postings = post_month(poster, config["entries"], month, days, issue_on)

    began = time.perf_counter()
    recon, expected = bank_statement(actor, account, month, end)
    bank_s = time.perf_counter() - began

    if vendor == "postgresql":
        floor_conn = psycopg.connect(config["database_url"], autocommit=True, options="-c jit=off")
        floor_conn.execute("VACUUM (ANALYZE) trust_trusttransaction")
        floor_conn.execute("VACUUM (ANALYZE) trust_bankstatementline")

        def floor():
            return floor_conn.execute(FLOOR_SQL, (account.pk, end)).fetchone()
    else:
        import sqlite3

        floor_conn = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        floor_conn.execute("ANALYZE")
        sql = FLOOR_SQL.replace("%s", "?")

        def floor():
            return floor_conn.execute(sql, (account.pk, end.isoformat())).fetchone()

    account = TrustAccount.objects.get(pk=account.pk)
    result = reconciliation.three_way(recon)
    integrity = reconciliation.integrity(account)
    checks = {
        "month_holds_entries": TrustTransaction.objects.filter(
            account=account, date__gte=month, date__lte=end
        ).count(),
        "journal_equals_account_balance": result.journal_cents == account.balance_cents,
        "floor_equals_journal": floor()[0] == result.journal_cents,
        "outstanding_deposits": len(result.outstanding_deposits),
        "outstanding_checks": len(result.outstanding_checks),
        "unmatched_bank_lines": len(result.unmatched_bank_lines),
        "balanced": result.balanced,
        "bank_difference_cents": result.bank_difference_cents,
        "ledger_difference_cents": result.ledger_difference_cents,
        "negative_ledgers": len(result.negative_ledgers),
        "integrity_consistent": integrity["consistent"],
    }
    ok = (
        checks["month_holds_entries"] == config["entries"]
        and checks["journal_equals_account_balance"]
        and checks["floor_equals_journal"]
        and checks["outstanding_deposits"] == expected["outstanding_deposits"]
        and checks["outstanding_checks"] == expected["outstanding_checks"]
        and checks["unmatched_bank_lines"] == expected["unmatched_bank_lines"]
        and result.balanced
        and integrity["consistent"]
        and not postings["unexpected_refusals"]
    )

    three_way_ms = timed(lambda: reconciliation.three_way(recon), config["repeats"])
    floor_ms = timed(floor, config["repeats"])
    with CaptureQueriesContext(connection) as captured:
        reconciliation.three_way(recon)
    report = {
        "database": vendor,
        "database_version": (
            floor_conn.execute("SHOW server_version").fetchone()[0]
            if vendor == "postgresql"
            else floor_conn.execute("SELECT sqlite_version()").fetchone()[0]
        ),
        "month": f"{month:%Y-%m}",
        "history_months": len(history),
        "journal_entries_total": TrustTransaction.objects.filter(account=account).count(),
        "build_seconds": {
            "firm_ledgers_invoices": round(built_s, 1),
            "history_bulk": round(history_s, 1),
            "bank_lines": round(bank_s, 1),
        },
        "postings": postings,
        "reconciliation": {
            **expected,
            "ledgers_in_result": len(result.ledgers),
            "three_way": stats(three_way_ms),
            "floor_sum_sql": stats(floor_ms),
            "ratio_p50": round(statistics.median(three_way_ms) / statistics.median(floor_ms), 1),
            "ratio_p95": round(percentile(three_way_ms, 95) / percentile(floor_ms, 95), 1),
            # One call's statements (PostgreSQL's times include fetching; SQLite's do not).
            "queries": [
                {"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:240]}
                for q in captured.captured_queries
            ],
        },
        "checks": checks,
        "checks_pass": ok,
    }
    if vendor == "postgresql" and config.get("explain"):
        report["reconciliation"]["plans"] = [
            [
                row[0]
                for row in floor_conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) {q['sql']}").fetchall()
            ]
            for q in captured.captured_queries
        ]
    floor_conn.close()
    print(json.dumps(report, default=str))
    return 0


# --- The orchestrating process -----------------------------------------------------------------


def run_inside(env: dict[str, str], config: dict) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--inside", json.dumps(config)],
        env={**env, "DJANGO_SETTINGS_MODULE": "counselbench.settings"},
        capture_output=True,
        text=True,
        timeout=6 * 3600,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"the benchmark process failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--ledgers", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=30, help="three_way timings (>= 20)")
    parser.add_argument(
        "--history-months",
        type=int,
        default=0,
        help="earlier months of the same size before it, bulk-written and signed off",
    )
    parser.add_argument("--sqlite", action="store_true", help="also run on SQLite")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE three_way's statements (PG)"
    )
    parser.add_argument(
        "--synchronous-commit-off",
        action="store_true",
        help="diagnostic: the bench database commits without waiting for the WAL flush",
    )
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--inside", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        return inside(json.loads(args.inside))

    config = {
        "entries": args.entries,
        "ledgers": args.ledgers,
        "repeats": max(20, args.repeats),
        "history_months": args.history_months,
        "explain": args.explain,
        "synchronous_commit_off": args.synchronous_commit_off,
    }
    load_before = os.getloadavg()
    began = time.perf_counter()
    results = []
    if not args.skip_postgres:
        name = f"counselbench_bench_trust_{os.getpid()}"
        database_url = args.admin_url.rsplit("/", 1)[0] + f"/{name}"
        data_dir = Path(tempfile.mkdtemp(prefix="counselbench-bench-trust-"))
        with psycopg.connect(args.admin_url, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        try:
            env = server_env(data_dir, free_port(), database_url)
            if args.synchronous_commit_off:
                # A diagnostic, on this throwaway database only: commits stop waiting for the
                # WAL flush, which shows how much of a posting is the disk's fsync.
                with psycopg.connect(args.admin_url, autocommit=True) as admin:
                    admin.execute(f"ALTER DATABASE {name} SET synchronous_commit = off")
            cli(env, "migrate", "-v", "0")
            results.append(run_inside(env, {**config, "database_url": database_url}))
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)
            with psycopg.connect(args.admin_url, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    if args.sqlite:
        data_dir = Path(tempfile.mkdtemp(prefix="counselbench-bench-trust-"))
        try:
            env = server_env(data_dir, free_port(), None)
            cli(env, "migrate", "-v", "0")
            results.append(run_inside(env, config))
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)

    verdicts = {
        r["database"]: r["reconciliation"]["three_way"]["p95_ms"] <= GOAL_MS for r in results
    }
    print(
        json.dumps(
            {
                "benchmark": f"{args.entries:,} trust postings in one month through the journal "
                "service; that month's three-way reconciliation vs the bare journal SUM",
                "command": shlex.join(sys.orig_argv),
                "machine": {
                    "cpus": os.cpu_count(),
                    "platform": platform.platform(),
                    "python": platform.python_version(),
                    "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in os.getloadavg()],
                },
                "settings": config,
                "results": results,
                "goal": {"three_way_p95_ms": GOAL_MS},
                "meets_goal": verdicts,
                "checks_pass": all(r["checks_pass"] for r in results),
                "seconds": round(time.perf_counter() - began, 1),
            },
            indent=2,
        )
    )
    return 0 if all(r["checks_pass"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
