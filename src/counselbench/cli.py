"""`counselbench`, the command line: serve, migrate, demo, token, verify-log, worker,
rotate-document-keys, reconcile, check."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "counselbench.settings")
    import django

    django.setup()


def _print_demo(password: str, accounts: list[tuple[str, str, str]]) -> None:
    print(f"\nDemo data is ready. Sign in with any of these (password: {password}):")
    width = max(len(email) for _, email, _ in accounts)
    for label, email, where in accounts:
        print(f"  {email.ljust(width)}  {label} — {where}")
    print()


def cmd_migrate(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=args.verbosity)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from counselbench.demo import DEFAULT_PASSWORD, build_demo

    password = args.password or DEFAULT_PASSWORD
    if args.professionals > 200:  # a big network first, in batches, with progress
        from counselbench.demo import organizations, talent

        build_demo(password=password)
        vetter = organizations.provider().memberships.get(role="vetting_staff").user

        def progress(done: int, total: int) -> None:
            print(f"\rprofessionals: {done:,} of {total:,}", end="", file=sys.stderr, flush=True)

        talent.network(
            args.professionals - len(talent.NAMED),
            provider=organizations.provider(),
            vetter=vetter,
            progress=progress,
        )
        print(file=sys.stderr)
    _print_demo(password, build_demo(password=password))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command

    from counselbench.accounts.models import User

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if not args.no_demo and not User.objects.exists():
        from counselbench.demo import DEFAULT_PASSWORD, build_demo

        _print_demo(DEFAULT_PASSWORD, build_demo(password=DEFAULT_PASSWORD))

    children: list[subprocess.Popen] = []
    if args.worker:
        children.append(subprocess.Popen([sys.executable, "-m", "counselbench.cli", "worker"]))
    workers = args.workers or int(os.environ.get("WEB_CONCURRENCY", "3"))
    gunicorn = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "counselbench.wsgi:application",
            "--bind",
            f"{args.host}:{args.port}",
            "--workers",
            str(workers),
            # Without --access-logfile gunicorn builds no access-log line at all; a /dev/null
            # log still formatted one per request (4 % of a worker's CPU, bench/intake.py).
            *(["--access-logfile", "-"] if args.access_log else []),
            "--forwarded-allow-ips",
            os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
    )
    children.append(gunicorn)
    print(
        f"Counselbench is starting at http://{args.host}:{args.port}  (Ctrl+C stops it)", flush=True
    )

    def stop(*_):
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    try:
        code = gunicorn.wait()
    except KeyboardInterrupt:
        stop()
        code = 0
    stop()
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
    return code


def cmd_worker(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command

    if not args.no_scheduler:
        threading.Thread(target=_scheduler_loop, name="scheduler", daemon=True).start()
    if settings.TASK_BACKEND == "redis":
        call_command("rqworker", "default", job_class="django_tasks_rq.Job")
    elif settings.TASK_BACKEND == "database":
        call_command("db_worker", queue_name="*", reload=False, interval=1)
    else:
        print("TASK_BACKEND=immediate runs tasks in the web process; no worker is needed.")
    return 0


def _scheduler_loop(tick_seconds: int = 30) -> None:
    from django.db import close_old_connections

    from counselbench.core.scheduling import enqueue_due_jobs

    while True:
        try:
            enqueue_due_jobs()
        except Exception:  # keep ticking: one failed tick must not stop periodic work forever
            import logging

            logging.getLogger("counselbench.scheduler").exception("scheduler tick failed")
        finally:
            close_old_connections()
        time.sleep(tick_seconds)


def cmd_token_create(args: argparse.Namespace) -> int:
    from counselbench.access.policy import actor_for
    from counselbench.accounts.models import User
    from counselbench.accounts.services import create_token
    from counselbench.core.errors import DomainError
    from counselbench.organizations.models import Organization

    user = User.objects.filter(email__iexact=args.user).first()
    if user is None:
        print(f"error: no user {args.user}", file=sys.stderr)
        return 2
    organization = Organization.objects.filter(slug=args.org).first()
    actor = actor_for(user, organization)
    try:
        _, secret = create_token(
            actor, name=args.name, organization_slug=args.org, expires_in_days=args.days
        )
    except DomainError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 2
    print(secret)
    return 0


def cmd_verify_log(args: argparse.Namespace) -> int:
    from counselbench.access.log import verify_chain

    report = verify_chain()
    if report.ok:
        print(f"OK: {report.checked} entries, chain intact. Head hash: {report.head_hash}")
        return 0
    print(
        f"TAMPERED: {report.reason} (first bad entry #{report.first_bad_seq}; "
        f"{report.checked} entries before it verified)"
    )
    return 1


def cmd_rotate_document_keys(args: argparse.Namespace) -> int:
    from django.core.exceptions import ImproperlyConfigured

    from counselbench.matters.services.documents import rotate_document_keys

    try:
        report = rotate_document_keys()
    except ImproperlyConfigured as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    before = ", ".join(f"{key}: {n}" for key, n in sorted(report.before.items())) or "none"
    print(f"Versions by master key before: {before}")
    print(
        f"Re-wrapped {report.rewrapped} of {report.total} document versions under "
        f"{report.key_id!r}; {report.already_current} were already under it."
    )
    if report.failed:
        print(
            f"FAILED: {len(report.failed)} versions could not be unwrapped (their master key is "
            f"missing or wrong): ids {', '.join(map(str, report.failed[:20]))}. Keep their old "
            "key in DOCUMENT_KEYS and run again.",
            file=sys.stderr,
        )
        return 1
    print("Every version is under the current key; older keys may now be removed.")
    return 0


def cmd_reconcile(args: argparse.Namespace) -> int:
    """Prints a month's three-way reconciliation of a firm's trust account (read-only)."""
    from datetime import date

    from counselbench.core.money import format_usd
    from counselbench.trust.models import Reconciliation, TrustAccount
    from counselbench.trust.services.reconciliation import integrity, three_way

    try:
        year, month = (int(part) for part in args.month.split("-"))
        first = date(year, month, 1)
    except ValueError:
        print(f"error: --month {args.month!r}: use YYYY-MM", file=sys.stderr)
        return 2
    accounts = TrustAccount.objects.filter(organization__slug=args.org)
    if args.account:
        accounts = accounts.filter(name=args.account)
    account = accounts.order_by("pk").first()
    if account is None:
        print(f"error: no trust account for {args.org!r}", file=sys.stderr)
        return 2
    made = Reconciliation.objects.filter(account=account, month=first).first()
    result = three_way(made or Reconciliation(account=account, month=first))

    def usd(cents: int | None) -> str:
        return "not entered" if cents is None else format_usd(cents, exact=True)

    print(f"{account} — {first:%B %Y}" + (f" ({made.get_state_display()})" if made else ""))
    print(f"  Bank statement balance     {usd(result.statement_balance_cents)}")
    print(f"  + deposits in transit      {usd(result.deposits_in_transit_cents)}")
    print(f"  − outstanding checks       {usd(-result.outstanding_checks_cents)}")
    print(f"  = adjusted bank balance    {usd(result.adjusted_bank_cents)}")
    print(f"  Trust journal balance      {usd(result.journal_cents)}")
    print(f"  Sum of client ledgers      {usd(result.ledgers_total_cents)}")
    for ledger in result.ledgers:
        print(f"      {ledger.name:<48} {usd(ledger.balance_cents)}")
    for line in result.unmatched_bank_lines:
        amount = usd(line.amount_cents)
        print(f"  ! bank line with no journal entry: {line.date} {line.party} {amount}")
    now = integrity(account)
    print(f"  Running balances consistent today: {'yes' if now['consistent'] else 'NO'}")
    if made is None:
        print("No reconciliation was started for that month: bank figures are not known.")
        return 0 if now["consistent"] else 1
    print("BALANCED" if result.balanced else "NOT BALANCED")
    return 0 if result.balanced and now["consistent"] else 1


def cmd_check(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    deploy = args.deploy or not settings.DEBUG
    try:
        call_command("check", deploy=deploy, fail_level="WARNING" if deploy else "ERROR")
        call_command("migrate", check=True, verbosity=0)
    except SystemCheckError as error:
        print(error, file=sys.stderr)
        return 1
    except SystemExit as exit_:
        print("Unapplied migrations: run `counselbench migrate`.", file=sys.stderr)
        return int(exit_.code or 1)
    print("OK: configuration checks passed and the database is up to date.")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["counselbench manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="counselbench", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="migrate, load demo data if empty, start the app server")
    p.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    p.add_argument("--workers", type=int, default=0, help="gunicorn workers (WEB_CONCURRENCY)")
    p.add_argument(
        "--worker",
        action="store_true",
        help="also run a background-task worker beside the web server",
    )
    p.add_argument("--no-demo", action="store_true", help="never load demo data")
    p.add_argument("--access-log", action=argparse.BooleanOptionalAction, default=True)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("migrate", help="apply database migrations")
    p.add_argument("-v", "--verbosity", type=int, default=1)
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("demo", help="load (or refresh) the demo firm; idempotent")
    p.add_argument("--password", help="password for every demo account")
    p.add_argument(
        "--professionals",
        type=int,
        default=200,
        help="size of the provider's generated network (default 200; benchmarks use 100000)",
    )
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("token", help="API tokens")
    tsub = p.add_subparsers(dest="token_command", required=True)
    t = tsub.add_parser("create", help="print a new API token")
    t.add_argument("--user", required=True, help="email of the user the token acts as")
    t.add_argument("--org", required=True, help="slug of the organization it acts in")
    t.add_argument("--name", default="CLI token")
    t.add_argument("--days", type=int, default=None, help="expire after this many days")
    t.set_defaults(func=cmd_token_create)

    p = sub.add_parser("verify-log", help="walk the access-log hash chain; exit 1 if tampered")
    p.set_defaults(func=cmd_verify_log)

    p = sub.add_parser("worker", help="run background tasks and the periodic-job scheduler")
    p.add_argument("--no-scheduler", action="store_true")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser(
        "rotate-document-keys",
        help="re-wrap every document's key under DOCUMENT_KEY_ID (files are not rewritten)",
    )
    p.set_defaults(func=cmd_rotate_document_keys)

    p = sub.add_parser(
        "reconcile", help="print a month's three-way trust reconciliation; exit 1 unless balanced"
    )
    p.add_argument("--org", required=True, help="slug of the firm")
    p.add_argument("--month", required=True, help="YYYY-MM")
    p.add_argument("--account", help="the trust account's name (default: the firm's first)")
    p.set_defaults(func=cmd_reconcile)

    p = sub.add_parser("check", help="configuration checks (--deploy unless DEBUG) and migrations")
    p.add_argument("--deploy", action="store_true")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("manage", help="any Django management command")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _setup_django()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
