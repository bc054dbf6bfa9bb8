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


def test_staff_pages_pass_axe(seeded, live_server, chromium):
    """Issue 11: axe (serious/critical = 0) on the pages staff and the public use, not only on
    the kiosk. CSP is bypassed only so that axe-core can be injected."""
    from tests.browser.conftest import axe_violations

    with seeded.app_context():
        make_user("admin@example.vn", "admin")
        generate(quarters=1, seed=3, per_day=2, until=date(2025, 6, 30))
        db.session.commit()
    context = chromium.new_context(bypass_csp=True, viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.goto(live_server + "/verify")
    pages = {"/verify": axe_violations(page)}
    page.goto(live_server + "/login")
    pages["/login"] = axe_violations(page)
    page.fill("input[name=email]", "admin@example.vn")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/overview")
    for path in (
        "/overview?period=2025-Q2",
        "/units/sai-gon?period=2025-Q2",
        "/admin/units",
        "/admin/users",
        "/admin/kiosks",
        "/admin/audit",
        "/admin/audit/chain",
        "/admin/quarantine",
    ):
        page.goto(live_server + path)
        pages[path] = axe_violations(page)
    serious = {
        path: [v for v in found if v["impact"] in ("serious", "critical")]
        for path, found in pages.items()
    }
    assert all(not found for found in serious.values()), serious
    context.close()
