"""Fixtures shared by the whole suite.

The database is SQLite in a temp dir, or PostgreSQL when DATABASE_URL is set (CI runs
both). The schema is created once per session; every test starts from empty tables.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
_INSTANCE = tempfile.mkdtemp(prefix="hailong-test-instance-")
os.environ["HAILONG_INSTANCE_PATH"] = _INSTANCE

from tests.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from webapp import create_app  # noqa: E402  (instance path must be set first)
from webapp.extensions import db  # noqa: E402

TEST_SECRET = "test-secret-key-not-for-production"


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    return "sqlite:///" + os.path.join(_INSTANCE, "test.db")


DATABASE_URL = _database_url()
IS_POSTGRES = DATABASE_URL.startswith("postgresql")


def make_app(**overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "PUBLIC_BASE_URL": "http://localhost",
    }
    config.update(overrides)
    return create_app(config)


def empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if IS_POSTGRES:
        _truncate(", ".join(f'"{t.name}"' for t in tables))
        return
    for table in tables:
        db.session.execute(table.delete())
    db.session.commit()


def _truncate(names: str, attempts: int = 5) -> None:
    """TRUNCATE takes its table locks one by one, so a live server's request still reading
    (a kiosk's last sync after its test ended) can deadlock with it; PostgreSQL then aborts
    one side. The request has no one waiting for it any more; the emptying is tried again."""
    from sqlalchemy.exc import OperationalError

    for attempt in range(attempts):
        try:
            db.session.execute(text("SET LOCAL lock_timeout = '10s'"))
            db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            db.session.commit()
            return
        except OperationalError:
            db.session.rollback()
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


@pytest.fixture(scope="session")
def _schema():
    """Create the schema once, from the migrations (so they are exercised everywhere)."""
    app = make_app()
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    yield
    shutil.rmtree(_INSTANCE, ignore_errors=True)


@pytest.fixture
def app(_schema):
    app = make_app()
    with app.app_context():
        empty_all_tables()
    yield app
    with app.app_context():
        db.session.remove()
        empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def seeded(app, runner):
    """The packaged demo data: District 1's units, surveys and targets."""
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    return app


# --- helpers for tests that start real servers -------------------------------------------


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(**extra) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": DATABASE_URL,
            "HAILONG_INSTANCE_PATH": _INSTANCE,
            "FLASK_SECRET_KEY": TEST_SECRET,
            "FLASK_SESSION_COOKIE_SECURE": "false",
            "FLASK_REMEMBER_COOKIE_SECURE": "false",
        }
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


@contextlib.contextmanager
def gunicorn_server(
    workers: int = 2,
    threads: int = 1,
    with_process: bool = False,
    *,
    cwd: Path = ROOT,
    env: dict | None = None,
    port: int | None = None,
    boot_seconds: float = 30,
    **env_extra,
):
    """Run `gunicorn wsgi:app` on a free loopback port; yields its base URL (and the master's
    Popen when `with_process`, for tests that kill workers). `cwd` and a complete `env` run
    another checkout of the app (the deployed-without-make test)."""
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    if env is None:
        env = server_env(FLASK_PUBLIC_BASE_URL=base_url, **env_extra)
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    proc = subprocess.Popen(
        [gunicorn, "--workers", str(workers), "--threads", str(threads)]
        + ["--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + boot_seconds
        while True:
            try:
                with urllib.request.urlopen(base_url + "/healthz", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    raise RuntimeError(proc.stderr.read().decode()[-3000:]) from None
                time.sleep(0.2)
        yield (base_url, proc) if with_process else base_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def live_server(seeded):
    """gunicorn with 2 workers on the test database, seeded."""
    with gunicorn_server() as url:
        yield url


# --- Debian's Chromium, driven by Playwright ---------------------------------------------


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium per test module.

    Not per session: Playwright's sync API keeps an asyncio loop running while it is open,
    and pyHanko (PDF signing and validation) calls asyncio.run(), which refuses to run
    inside a running loop. Closing it after each browser module keeps the other tests clean.

    Without /usr/bin/chromium browser tests are skipped, unless REQUIRE_BROWSER=1 (CI) makes
    that a failure: a CI run must never pass with its browser tests silently skipped.
    """
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def engine_for_checks():
    return create_engine(DATABASE_URL)


# --- a real local SMTP server (aiosmtpd), for the mail tests ----------------------------------


class SMTPInbox:
    """aiosmtpd handler keeping what it received: (sorted recipients, parsed message)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        import email
        import email.policy

        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((sorted(envelope.rcpt_tos), message))
        return "250 OK"


@pytest.fixture
def smtp():
    """(port, inbox) of an SMTP server on loopback for the test's duration."""
    from aiosmtpd.controller import Controller

    inbox = SMTPInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()
