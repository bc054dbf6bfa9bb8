"""Screenshots of the unit dashboard and the district overview in Chromium (looked at by eye).

Saved to test-artifacts/; skipped without Debian's Chromium unless REQUIRE_BROWSER=1.
"""

from datetime import date
from pathlib import Path

import pytest

from tests.factories import PASSWORD, make_user
from webapp.demo.responses import generate
from webapp.extensions import db

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_dashboard_and_overview_screenshots(seeded, live_server, chromium):
    with seeded.app_context():
        make_user("admin@example.vn", "admin")
        generate(quarters=2, seed=7, per_day=3, until=date(2025, 6, 30))
        db.session.commit()
    ARTIFACTS.mkdir(exist_ok=True)
    page = chromium.new_page(viewport={"width": 1100, "height": 900})
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(live_server + "/login")
    page.fill("input[name=email]", "admin@example.vn")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/overview")
    page.goto(live_server + "/overview?period=2025-Q2")
    assert page.locator("table tbody tr").count() >= 10
    page.screenshot(path=str(ARTIFACTS / "dash-overview-vi.png"), full_page=True)
    page.goto(live_server + "/units/sai-gon?period=2025-Q2&lang=en")
    assert page.locator("svg[role=img]").count() >= 4
    page.screenshot(path=str(ARTIFACTS / "dash-unit-en.png"), full_page=True)
    phone = chromium.new_page(viewport={"width": 390, "height": 844})
    phone.context.add_cookies(page.context.cookies())
    phone.goto(live_server + "/units/tan-dinh?period=2025-Q2&lang=vi")
    phone.screenshot(path=str(ARTIFACTS / "dash-unit-phone-vi.png"), full_page=True)
    assert [u for u in failed if not u.endswith("/favicon.ico")] == []
    assert [e for e in errors if not e.startswith("Failed to load resource")] == []  # CSP
