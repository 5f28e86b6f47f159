"""End-to-end fixtures: the real app in a subprocess, and Debian's Chromium driven by Playwright.

The server is started exactly as an operator would start it (`counselbench serve`: migrate,
collectstatic, demo data into an empty database, gunicorn), in a temporary DATA_DIR, with
production settings (DEBUG=false). Nothing here touches pytest-django's test database: the
access-log table refuses DELETE, so transactional flushes cannot work, and a browser test should
exercise the app the way it really runs anyway.

Every test in this folder is marked `e2e`. Without /usr/bin/chromium the folder is skipped, except
under CI=true, where a missing browser is a failure (CI installs it).
"""

from __future__ import annotations

import email
import email.policy
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
ARTIFACTS = REPO_ROOT / "test-artifacts" / "e2e"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Seconds for migrate + collectstatic + demo data + gunicorn boot; a loaded machine needs more.
SERVER_START_TIMEOUT = int(os.environ.get("E2E_SERVER_START_TIMEOUT", "180"))
DESKTOP = {"width": 1280, "height": 900}

# Local requests must never go through a proxy configured in the environment.
_http = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _in_this_folder(item: pytest.Item) -> bool:
    return HERE in Path(item.path).resolve().parents


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = None
    if not CHROMIUM.exists() and not _in_ci():
        skip = pytest.mark.skip(reason=f"end-to-end tests need Chromium at {CHROMIUM}")
    for item in items:
        if _in_this_folder(item):
            item.add_marker(pytest.mark.e2e)
            if skip:
                item.add_marker(skip)


# --- Steps run in order; after a failure, later steps are skipped (they would fail confusingly) ---

_first_failure: dict[Path, str] = {}


def pytest_runtest_setup(item: pytest.Item) -> None:
    if _in_this_folder(item) and (failed := _first_failure.get(Path(item.path))):
        pytest.skip(f"an earlier step failed: {failed}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if not _in_this_folder(item) or not report.failed:
        return report
    _first_failure.setdefault(Path(item.path), item.name)
    page = getattr(item, "funcargs", {}).get("page")
    if page is not None and not page.is_closed():
        path = ARTIFACTS / f"FAILED-{item.name}.png"
        try:
            page.screenshot(path=path, full_page=True)
            report.sections.append(("e2e", f"page at failure: {page.url}\nscreenshot: {path}"))
        except Exception as error:  # the screenshot is a courtesy; never mask the real failure
            report.sections.append(("e2e", f"could not screenshot {page.url}: {error}"))
    server = getattr(item, "funcargs", {}).get("server")
    if server is not None:
        report.sections.append(("e2e server log (last 60 lines)", server.log_tail(60)))
    return report


# --- The app server ---------------------------------------------------------------------------


@dataclass
class Server:
    base_url: str
    data_dir: Path
    mail_dir: Path
    log_path: Path
    process: subprocess.Popen = field(repr=False)

    def url(self, path: str) -> str:
        return self.base_url + path

    def log_tail(self, lines: int) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def mail(self) -> list[email.message.EmailMessage]:
        """Every email the app has sent so far (Django's file backend, one file per connection)."""
        messages = []
        if not self.mail_dir.is_dir():
            return messages
        separator = b"\n" + b"-" * 79 + b"\n"
        for path in sorted(self.mail_dir.iterdir()):
            for chunk in path.read_bytes().split(separator):
                if chunk.strip():
                    messages.append(email.message_from_bytes(chunk, policy=email.policy.default))
        return messages


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """GET outside the browser; returns (status, body) for error statuses too."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (http://127.0.0.1)
    try:
        with _http.open(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.iterdir():
        if old.is_file():
            old.unlink()
    return ARTIFACTS


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, artifacts: Path) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("e2e-data")
    mail_dir = data_dir / "mail"
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        key: value
        for key, value in os.environ.items()
        # The real settings module, and nothing from the developer's own configuration.
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "SECRET_KEY_FILE"}
    }
    env.update(
        DATA_DIR=str(data_dir),
        SECRET_KEY=f"e2e-{secrets.token_urlsafe(32)}",
        DEBUG="false",
        SITE_URL=base_url,
        # Four slashes: django-environ drops the first character of the path.
        EMAIL_URL=f"filemail:///{mail_dir}",
        TASK_BACKEND="immediate",  # invitation emails are sent inside the request
        LOG_FORMAT="text",
        PYTHONUNBUFFERED="1",
    )
    log_path = data_dir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "counselbench.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "2",
            ],
            cwd=data_dir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so a hung gunicorn can be killed
        )
    server = Server(base_url, data_dir, mail_dir, log_path, process)
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        _stop(process)
        shutil.copy(log_path, artifacts / "server.log")


def _wait_until_healthy(server: Server) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    last = "no answer yet"
    while time.monotonic() < deadline:
        if (code := server.process.poll()) is not None:
            pytest.fail(
                f"`counselbench serve` exited with {code} before answering /healthz:\n"
                + server.log_tail(80),
                pytrace=False,
            )
        try:
            status, _ = http_get(server.url("/healthz"))
            if status == 200:
                return
            last = f"HTTP {status}"
        except OSError as error:
            last = str(error)
        time.sleep(0.5)
    pytest.fail(
        f"/healthz did not answer 200 within {SERVER_START_TIMEOUT}s ({last}):\n"
        + server.log_tail(80),
        pytrace=False,
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # `serve` passes it on to gunicorn
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the group started above, nothing else
            process.wait(timeout=10)


# --- The browser ------------------------------------------------------------------------------


@dataclass
class ConsoleLog:
    """Console errors and uncaught exceptions from every page of every context it watches."""

    errors: list[str] = field(default_factory=list)

    def watch(self, context: BrowserContext) -> None:
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.errors.append(f"uncaught: {error.error}"))

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        where = message.location.get("url", "") if message.location else ""
        page = message.page.url if message.page else "?"
        self.errors.append(f"{message.text} (source: {where or '?'}; page: {page})")

    def forget(self, expected: Callable[[str], bool]) -> None:
        """Drop the errors a walkthrough caused on purpose (a refused form's 422), so the other
        walkthroughs' checks, which share this log, see only real ones."""
        self.errors[:] = [error for error in self.errors if not expected(error)]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():  # only reached under CI=true; see pytest_collection_modifyitems
        pytest.fail(f"CI=true but Chromium is not installed at {CHROMIUM}", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def console() -> ConsoleLog:
    return ConsoleLog()


@pytest.fixture(scope="session")
def context(browser: Browser, server: Server, console: ConsoleLog) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=server.base_url, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    console.watch(context)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture(scope="session")
def page(context: BrowserContext) -> Page:
    """One tab shared by the steps of the walkthrough, so the sign-in carries over."""
    return context.new_page()


@pytest.fixture(scope="session")
def shot(artifacts: Path) -> Callable[[Page, str], Path]:
    """Save a full-page screenshot into test-artifacts/e2e/ for a human to look at."""

    def take(page: Page, name: str) -> Path:
        path = artifacts / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


DEMO_PASSWORD = "counselbench-demo"
PHONE = {"width": 390, "height": 844}


@contextmanager
def new_tab(
    browser: Browser, server: Server, console: ConsoleLog, viewport: dict[str, int] = DESKTOP
) -> Iterator[Page]:
    """A tab in a browser context of its own (its own sign-in), console watched, closed after."""
    context = browser.new_context(base_url=server.base_url, viewport=viewport)
    context.set_default_timeout(15_000)
    console.watch(context)
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign a demo account in through the real form and wait until it is signed in."""
    from playwright.sync_api import expect

    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form[action='/accounts/login/']").get_by_role("button", name="Sign In").click()
    expect(page.locator("nav")).to_contain_text("Sign out")
