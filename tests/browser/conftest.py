"""Fixtures for the kiosk browser tests: Debian's Chromium driven by Playwright.

Without /usr/bin/chromium the tests are skipped, unless REQUIRE_BROWSER=1 (CI) makes that a
failure. Servers are real gunicorn processes on the test database; each test seeds its own
data (tables are emptied between tests), so one server can serve a whole module.
"""

import csv
import io
import json
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, gunicorn_server

ARTIFACTS = ROOT / "test-artifacts"
# Rate limits would trip over many enrollments from 127.0.0.1 in one minute.
SERVER_ENV = {"FLASK_RATELIMIT_ENABLED": "false"}
VISIBLE = ":not([hidden])"


def screen(name: str) -> str:
    return f"[data-screen={name}]{VISIBLE}"


@pytest.fixture
def new_context(chromium):
    """Make browser contexts (one per tablet) that fail the test on CSP or script errors."""
    contexts, problems = [], []

    def make(**options):
        options.setdefault("service_workers", "allow")
        options.setdefault("viewport", {"width": 1280, "height": 800})
        context = chromium.new_context(**options)
        context.set_default_timeout(10_000)

        def watch(page):
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on(
                "console",
                lambda message: (
                    problems.append(f"console: {message.text}")
                    if "Content Security Policy" in message.text
                    else None
                ),
            )

        context.on("page", watch)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert not problems, problems


@pytest.fixture(scope="module")
def kiosk_server(request, _schema):
    """One gunicorn per test module, with the module's KIOSK_SETTINGS (FLASK_KIOSK_* values).

    The server is stateless, so it serves every test of the module although each test
    starts from empty tables and seeds its own data.
    """
    settings = getattr(request.module, "KIOSK_SETTINGS", {})
    env = {f"FLASK_KIOSK_{name.upper()}": value for name, value in settings.items()}
    with gunicorn_server(**SERVER_ENV, **env) as url:
        yield url


def create_kiosk(runner, unit: str = "sai-gon") -> str:
    result = runner.invoke(args=["kiosks", "create", "--unit", unit])
    assert result.exit_code == 0, result.output
    return re.search(r"^code: (\S+)$", result.output, re.M).group(1)


def enroll(page, base_url: str, runner, unit: str = "sai-gon") -> None:
    """Open the enrollment URL (as a QR code would) and wait for a controlled start screen."""
    page.goto(f"{base_url}/kiosk/enroll?code={create_kiosk(runner, unit)}")
    page.wait_for_selector(screen("start"))
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def enrolled_page(new_context, base_url: str, runner, unit: str = "sai-gon"):
    """A fresh browser context with one page, enrolled and on its start screen."""
    context = new_context()
    page = context.new_page()
    enroll(page, base_url, runner, unit)
    return context, page


def outbox_count(page) -> int:
    return int(page.text_content("[data-outbox-count]"))


def read_store(page, store: str) -> list[dict]:
    """Everything in one of the kiosk's IndexedDB stores."""
    return page.evaluate(
        """(store) => new Promise((resolve, reject) => {
            const open = indexedDB.open('hailong-kiosk');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const request = open.result.transaction(store).objectStore(store).getAll();
              request.onsuccess = () => { open.result.close(); resolve(request.result); };
              request.onerror = () => reject(request.error);
            };
          })""",
        store,
    )


def exported(runner) -> dict[str, dict]:
    """`flask responses export` as {id: row}, answers parsed."""
    result = runner.invoke(args=["responses", "export"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    by_id = {row["id"]: {**row, "answers": json.loads(row["answers"])} for row in rows}
    assert len(by_id) == len(rows), "an id was exported twice"
    return by_id


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"kiosk-{name}.png"
    page.screenshot(path=str(path))
    return path


def latest_kiosk_id(app) -> int:
    from sqlalchemy import func, select

    from webapp.extensions import db
    from webapp.kiosk.models import Kiosk

    with app.app_context():
        return db.session.scalar(select(func.max(Kiosk.id)))


def revoke(runner, kiosk_id: int) -> None:
    result = runner.invoke(args=["kiosks", "revoke", str(kiosk_id)])
    assert result.exit_code == 0, result.output


def open_staff_panel(page) -> None:
    """The hidden gesture: five quick taps on the unit name."""
    for _ in range(5):
        page.click("[data-staff-gesture]")
    page.wait_for_selector(screen("staff"))


def went_online(page) -> None:
    """What the browser fires when the network returns: the kiosk refreshes its config and
    syncs (used where going offline first would change what the test looks at)."""
    page.evaluate("() => window.dispatchEvent(new Event('online'))")


def read_meta(page, key: str):
    return page.evaluate(
        """(key) => new Promise((resolve, reject) => {
            const open = indexedDB.open('hailong-kiosk');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const request = open.result.transaction('meta').objectStore('meta').get(key);
              request.onsuccess = () => { open.result.close(); resolve(request.result ?? null); };
              request.onerror = () => reject(request.error);
            };
          })""",
        key,
    )


AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def axe_violations(page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map((v) => ({
              id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.map((n) => n.target.join(' ')),
            }));
        }"""
    )
