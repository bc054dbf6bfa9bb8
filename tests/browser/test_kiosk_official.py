"""Issue 12, at the counter: who serves the citizen is set on the tablet (offline too) and each
response carries that official to the server (SPEC 9, 11)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    axe_violations,
    enroll,
    enrolled_page,
    open_staff_panel,
    read_meta,
    read_store,
    screen,
    shot,
)
from tests.conftest import ROOT
from webapp.extensions import db

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KIOSK_SETTINGS = {"cooldown_seconds": 0, "reset_seconds": 0}
SCREENSHOTS = ROOT / "docs" / "screenshots"
LAN = ("TP01", "Nguyễn Thị Lan", "Công chức Tư pháp – Hộ tịch")
HUNG = ("VP02", "Trần Văn Hùng", "Công chức Văn phòng – Thống kê")


def add_officials(app, *, pin_for: dict[str, str] | None = None) -> dict[str, int]:
    """Two officials of sai-gon (and a staff PIN), before the kiosk loads its config."""
    from webapp.kiosk.services import hash_staff_pin
    from webapp.officials.services import create_official, set_official_pin
    from webapp.units.services import get_unit

    with app.app_context():
        unit = get_unit("sai-gon")
        unit.staff_pin_hash = hash_staff_pin("2468")
        ids = {}
        for code, name, title in (LAN, HUNG):
            official = create_official(unit, code, name, title)
            if pin_for and code in pin_for:
                set_official_pin(official, pin_for[code])
            ids[code] = official.id
        db.session.commit()
        return ids


def stored_officials(app) -> dict[str, int | None]:
    from webapp.responses.models import Response

    with app.app_context():
        return {str(r.id): r.official_id for r in db.session.scalars(db.select(Response))}


def unlock_staff_panel(page) -> None:
    open_staff_panel(page)
    page.fill("#staff-pin", "2468")
    page.click("form[data-form=pin] button[type=submit]")
    expect(page.locator("[data-staff-official]")).to_be_enabled()


def choose(page, code: str) -> None:
    unlock_staff_panel(page)
    page.select_option("[data-staff-official]", code)
    page.click("[data-staff=close]")
    page.wait_for_selector(screen("start"))


def one_response(page) -> None:
    page.click("[data-rating='4']")
    page.click("[data-action=submit]")
    page.wait_for_selector(screen("start"))


def test_official_chosen_offline_survives_reload_and_reaches_the_server(
    seeded, runner, kiosk_server, new_context
):
    ids = add_officials(seeded)
    context, page = enrolled_page(new_context, kiosk_server, runner)
    expect(page.locator("[data-official]")).to_be_hidden()

    context.set_offline(True)
    page.reload()  # from the service worker and the cached config
    page.wait_for_selector(screen("start"))
    unlock_staff_panel(page)
    options = page.locator("[data-staff-official] option").all_text_contents()
    assert options == ["Không chọn", f"{LAN[1]} — {LAN[2]}", f"{HUNG[1]} — {HUNG[2]}"]
    page.select_option("[data-staff-official]", "TP01")
    assert read_meta(page, "official")["code"] == "TP01"
    shot(page, "official-staff-vi")
    page.click("[data-staff=close]")

    page.reload()
    page.wait_for_selector(screen("start"))
    line = page.locator("[data-official]")
    expect(line).to_have_text(f"Cán bộ phục vụ: {LAN[1]} — {LAN[2]}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(SCREENSHOTS / "kiosk-official-vi.png")))
    page.click("[data-lang=en]")
    expect(line).to_have_text(f"Serving you: {LAN[1]} — {LAN[2]}")
    page.click("[data-lang=vi]")

    one_response(page)
    (queued,) = read_store(page, "outbox")
    assert queued["official"] == "TP01"

    context.set_offline(False)
    expect(page.locator("[data-outbox-count]")).to_have_text("0", timeout=15_000)
    assert stored_officials(seeded) == {queued["id"]: ids["TP01"]}


def test_clearing_the_official_hides_the_name_and_the_next_response_has_none(
    seeded, runner, kiosk_server, new_context
):
    ids = add_officials(seeded)
    context, page = enrolled_page(new_context, kiosk_server, runner)
    context.set_offline(True)
    choose(page, "VP02")
    expect(page.locator("[data-official]")).to_contain_text(HUNG[1])
    one_response(page)

    choose(page, "")  # "Không chọn"
    expect(page.locator("[data-official]")).to_be_hidden()
    assert read_meta(page, "official") is None
    one_response(page)
    first, second = read_store(page, "outbox")  # UUIDv7: in order
    assert first["official"] == "VP02"
    assert "official" not in second

    context.set_offline(False)
    expect(page.locator("[data-outbox-count]")).to_have_text("0", timeout=15_000)
    assert stored_officials(seeded) == {first["id"]: ids["VP02"], second["id"]: None}


def test_a_choice_from_yesterday_lapses(seeded, runner, kiosk_server, new_context):
    add_officials(seeded)
    context, page = enrolled_page(new_context, kiosk_server, runner)
    choose(page, "TP01")
    page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open('hailong-kiosk');
            open.onsuccess = () => {
              const tx = open.result.transaction('meta', 'readwrite');
              tx.objectStore('meta').put({code: 'TP01', day: '2000-01-01', by: 'staff'}, 'official');
              tx.oncomplete = () => { open.result.close(); resolve(); };
              tx.onerror = () => reject(tx.error);
            };
          })"""
    )
    page.reload()
    page.wait_for_selector(screen("start"))
    one_response(page)
    expect(page.locator("[data-official]")).to_be_hidden()
    assert read_meta(page, "official") is None


def test_official_signs_in_with_their_own_pin_offline(seeded, runner, kiosk_server, new_context):
    ids = add_officials(seeded, pin_for={"VP02": "135790"})
    context = new_context(bypass_csp=True)  # only so that axe-core can be injected
    page = context.new_page()
    enroll(page, kiosk_server, runner)
    context.set_offline(True)
    shot(page, "official-signin-start")
    page.click("[data-action=official-signin]")
    page.wait_for_selector(screen("official"))
    serious = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
    assert not serious, serious
    small = page.evaluate(
        """() => [...document.querySelectorAll('[data-screen=official] button')]
            .map((b) => b.getBoundingClientRect()).filter((r) => r.width < 64 || r.height < 64)
            .length"""
    )
    assert small == 0
    # Only an official with a counter PIN can sign in this way.
    assert page.locator("#official-who option").all_text_contents() == [f"{HUNG[1]} — {HUNG[2]}"]
    page.fill("#official-pin", "000000")
    page.click("form[data-form=official-signin] button[type=submit]")
    expect(page.locator("[data-official-error]")).to_have_text("Mã PIN không đúng.")
    shot(page, "official-signin-vi")
    page.fill("#official-pin", "135790")
    page.click("form[data-form=official-signin] button[type=submit]")
    page.wait_for_selector(screen("start"))
    expect(page.locator("[data-official]")).to_contain_text(HUNG[1])
    assert read_meta(page, "official")["by"] == "self"
    one_response(page)
    (queued,) = read_store(page, "outbox")
    context.set_offline(False)
    expect(page.locator("[data-outbox-count]")).to_have_text("0", timeout=15_000)
    assert stored_officials(seeded) == {queued["id"]: ids["VP02"]}
