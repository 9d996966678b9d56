"""A live shop for browser tests: a daphne process on its own database, seeded with the demo
data, and headless Chromium driven by Playwright. Both backends: a SQLite file in the embedded
run, a PostgreSQL database (and the suite's Redis) in full mode.

Tests talk to the server only as a browser or an API client would; a failing test leaves a
screenshot of each open page and a trace with a screenshot of every step in test-results/browser/.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.helpers import PROJECT_DIR

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
RESULTS_DIR = PROJECT_DIR / "test-results" / "browser"

BROWSER_MISSING = not Path(CHROMIUM).exists()
if BROWSER_MISSING and os.environ.get("REQUIRE_BROWSER") == "1":  # .ci/run: the journeys must run
    raise pytest.UsageError(f"Browser tests need Chromium at {CHROMIUM}: apt-get install chromium")


def pytest_collection_modifyitems(items):
    if BROWSER_MISSING:
        skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
        for item in items:
            if Path(item.fspath).is_relative_to(Path(__file__).parent):
                item.add_marker(skip)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url(tmp_dir: Path) -> str:
    if not settings.USING_POSTGRES:
        return f"sqlite:///{tmp_dir / 'shop.sqlite3'}"
    import psycopg

    db = settings.DATABASES["default"]
    name = f"{db['NAME']}_browser"
    server = f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}"


def _server_env(database_url: str, mail_dir: Path) -> dict:
    return {
        **os.environ,
        "ENV_FILE": "",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback, as a developer's machine serves it.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "PAYMENT_DELAY_SECONDS": "0",
        "PAYMENT_FAILURE_RATE": "0",
        "INVENTORY_FEED": "",
        "CELERY_TASK_ALWAYS_EAGER": "1",
        # Many sign-ins from one address in a few seconds.
        "SIGNIN_RATE_LIMIT": "1000",
        # Keep this server's cache and socket groups apart from the rest of the suite's.
        "CACHE_KEY_PREFIX": "browser",
        "CHANNEL_LAYER_PREFIX": "browser-asgi",
        "LOG_LEVEL": "WARNING",
        # Mail lands in files the tests read; SITE_URL, for its links, is set with the port.
        # An absolute path needs four slashes: filemail:////tmp/... (three make it relative).
        "EMAIL_URL": f"filemail:///{mail_dir}",
    }


def _manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=300,
    )


class LiveShop:
    """The running shop: its address, and an API client for setting the scene."""

    def __init__(self, url: str):
        self.url = url

    def api(
        self,
        method: str,
        path: str,
        body: dict | None = None,
        *,
        token: str = "",
        headers: dict | None = None,
    ) -> dict:
        headers = {"Content-Type": "application/json", **(headers or {})}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(
            self.url + path,
            method=method,
            headers=headers,
            data=json.dumps(body).encode() if body is not None else None,
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as error:
            raise AssertionError(
                f"{method} {path}: {error.code} {error.read().decode()[:500]}"
            ) from None
        return json.loads(text) if text else {}

    def new_shopper(self) -> tuple[str, str]:
        """A fresh account, so a test's cart and orders are its own: (username, password)."""
        # A password no random shopper name resembles (the similarity validator would refuse it).
        username, password = f"shopper{uuid.uuid4().hex[:10]}", "tulip-harbor-7391-quartz"
        self.api(
            "POST",
            "/api/auth/signup",
            {"email": f"{username}@example.com", "username": username, "password": password},
        )
        return username, password

    def token(self, login: str, password: str) -> str:
        return self.api("POST", "/api/auth/signin", {"username": login, "password": password})[
            "access"
        ]


@pytest.fixture(scope="session")
def mail_dir(tmp_path_factory) -> Path:
    """Where the live shop writes the mail it sends: .log files of raw messages, as Django's
    file backend writes them (read with pages.wait_for_mail)."""
    return tmp_path_factory.mktemp("live-shop-mail")


@pytest.fixture(scope="session")
def live_shop(tmp_path_factory, mail_dir):
    env = _server_env(_database_url(tmp_path_factory.mktemp("live-shop")), mail_dir)
    env["MEDIA_ROOT"] = str(tmp_path_factory.mktemp("live-shop-media"))  # uploaded photos
    _manage(env, "migrate", "--no-input", "-v", "0")
    _manage(env, "seed_demo", "--products", "120")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-v",
            "0",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "config.asgi:application",
        ],
        cwd=PROJECT_DIR,
        env={**env, "SITE_URL": url},  # links in mail lead back to this server
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                raise AssertionError(server.stderr.read().decode()[-3000:])
            try:
                urllib.request.urlopen(url + "/health", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("the live shop did not start in 30 s") from None
                time.sleep(0.2)
        yield LiveShop(url)
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    # Per module: Playwright's sync API keeps an event loop on this thread while it runs, which
    # must be gone before the suite's async tests start theirs.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _screenshot(page, name: str) -> None:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(RESULTS_DIR / f"{name}.png"), full_page=True)
    except Exception as exc:  # noqa: BLE001 - the page may be gone with the failure; the report still stands
        print(f"no screenshot of {name}: {exc}")


@pytest.fixture
def new_page(browser, live_shop, request):
    """Pages in fresh browser contexts (a fresh visitor each); each one is photographed when
    the test fails, so the failure can be seen."""
    contexts = []

    def open_page(width: int = 1280, height: int = 900):
        context = browser.new_context(
            base_url=live_shop.url, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(10_000)
        # A filmstrip of every step, kept only when the test fails.
        context.tracing.start(screenshots=True, snapshots=True)
        contexts.append(context)
        page = context.new_page()
        # Script errors and failed loads, for assert_page_is_sound.
        page.script_errors = []
        page.on("pageerror", lambda error: page.script_errors.append(str(error)))
        page.on("response", lambda response: _note_failed_load(page, response))
        # Console errors too: a Content-Security-Policy violation shows only there.
        page.on(
            "console",
            lambda message: message.type == "error" and _note_console_error(page, message.text),
        )
        return page

    yield open_page
    report = getattr(request.node, "report_call", None)
    failed = report is not None and report.failed
    test_name = re.sub(r"[^A-Za-z0-9_.-]", "_", request.node.name)
    for number, context in enumerate(contexts):
        if failed:
            RESULTS_DIR.mkdir(parents=True, exist_ok=True)
            for page_number, page in enumerate(context.pages):
                _screenshot(page, f"{test_name}-{number}-{page_number}")
            # `playwright show-trace <file>` replays it step by step, with a screenshot of each.
            context.tracing.stop(path=str(RESULTS_DIR / f"{test_name}-{number}.trace.zip"))
        else:
            context.tracing.stop()
        context.close()


def _note_failed_load(page, response) -> None:
    # Pages themselves may answer 4xx (a declined payment is a 402); what they load may not.
    if response.status >= 400 and response.request.resource_type != "document":
        page.script_errors.append(f"{response.status} {response.url}")


def _note_console_error(page, text: str) -> None:
    if not text.startswith(
        "Failed to load resource"
    ):  # answered by _note_failed_load, with its URL
        page.script_errors.append(text)


def pytest_sessionstart(session):
    shutil.rmtree(RESULTS_DIR, ignore_errors=True)
