"""The follow-up contact opt-in on the kiosk (SPEC 13): only for a unit that switched it on,
after the survey and before the thanks; a typed number is checked, sent with the response and
stored encrypted; skipping or walking away sends the response without it."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.browser.conftest import enroll, exported, screen, shot
from webapp.contacts import crypto
from webapp.contacts.models import Contact
from webapp.extensions import db
from webapp.units.services import get_unit

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Idle short enough for the walk-away test, long enough for a slow machine to click through.
KIOSK_SETTINGS = {"cooldown_seconds": 0, "reset_seconds": 2, "idle_seconds": 6}
LANDSCAPE = {"width": 1280, "height": 800}
PORTRAIT = {"width": 800, "height": 1280}
TITLE_VI = "Ông/bà đồng ý để Ủy ban MTTQ liên hệ khảo sát thêm?"
FITS = "() => document.scrollingElement.scrollHeight <= window.innerHeight"


def switch_on(app, slug: str = "sai-gon") -> None:
    with app.app_context():
        get_unit(slug).contact_optin = True
        db.session.commit()


def stored_phones(app) -> list[str]:
    with app.app_context():
        db.session.expire_all()
        return [crypto.decrypt(c.phone_ciphertext) for c in db.session.scalars(select(Contact))]


def contact_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Contact))


def to_contact_screen(page) -> None:
    page.click("[data-rating='4']")
    page.click("[data-action=submit]")  # the follow-up questions, left unanswered
    page.wait_for_selector(screen("contact"))


def test_a_unit_with_the_opt_in_asks_and_stores_the_number(
    seeded, runner, kiosk_server, new_context
):
    switch_on(seeded)
    page = new_context(viewport=LANDSCAPE).new_page()
    enroll(page, kiosk_server, runner)
    to_contact_screen(page)
    contact = page.locator(screen("contact"))
    expect(contact.locator("h1")).to_have_text(TITLE_VI)
    expect(contact.locator("[data-consent-text]")).to_contain_text("Mặt trận Tổ quốc")
    expect(contact.locator("button[data-action=contact-agree]")).to_have_text("Đồng ý và gửi")
    expect(contact.locator("button[data-action=contact-skip]")).to_have_text("Không, cảm ơn")
    expect(contact.locator("input[name=phone]")).to_have_attribute("type", "tel")
    assert page.evaluate(FITS), "the contact screen scrolls at 1280x800"
    shot(page, "contact-vi-landscape")

    contact.locator("input[name=phone]").fill("0912 345")
    contact.locator("button[data-action=contact-agree]").click()
    expect(contact.locator("[data-contact-error]")).to_contain_text("Số điện thoại chưa đúng")
    expect(page.locator(screen("contact"))).to_be_visible()  # still here, nothing sent
    assert page.evaluate(FITS)
    shot(page, "contact-vi-error")

    contact.locator("input[name=phone]").fill("+84 912.345.678")
    contact.locator("button[data-action=contact-agree]").click()
    page.wait_for_selector(screen("thanks"))
    expect(page.locator("[data-outbox-count]")).to_have_text("0")
    assert stored_phones(seeded) == ["0912345678"]
    (row,) = exported(runner).values()
    assert row["answers"] == {"overall": 4}
    # The next citizen finds an empty field.
    page.wait_for_selector(screen("start"))
    assert page.input_value("[data-screen=contact] input[name=phone]") == ""


def test_the_screen_fits_a_portrait_tablet_and_speaks_english(
    seeded, runner, kiosk_server, new_context
):
    switch_on(seeded)
    page = new_context(viewport=PORTRAIT).new_page()
    enroll(page, kiosk_server, runner)
    page.click("[data-lang=en]")
    to_contact_screen(page)
    contact = page.locator(screen("contact"))
    expect(contact.locator("h1")).to_have_text(
        "May the Fatherland Front Committee contact you for a follow-up survey?"
    )
    expect(contact.locator("[data-consent-text]")).to_contain_text("Fatherland Front")
    contact.locator("input[name=phone]").fill("12")
    contact.locator("button[data-action=contact-agree]").click()
    expect(contact.locator("[data-contact-error]")).to_contain_text("not valid")
    assert page.evaluate(FITS), "the contact screen scrolls at 800x1280"
    shot(page, "contact-en-portrait")
    contact.locator("button[data-action=contact-skip]").click()
    page.wait_for_selector(screen("thanks"))
    expect(page.locator("[data-outbox-count]")).to_have_text("0")
    assert contact_count(seeded) == 0
    assert len(exported(runner)) == 1


def test_walking_away_sends_without_the_number_and_clears_it(
    seeded, runner, kiosk_server, new_context
):
    switch_on(seeded)
    page = new_context().new_page()
    enroll(page, kiosk_server, runner)
    to_contact_screen(page)
    page.fill("[data-screen=contact] input[name=phone]", "0912345678")  # typed, never agreed
    page.wait_for_selector(screen("thanks"), timeout=15_000)  # the idle time ran out
    assert page.input_value("[data-screen=contact] input[name=phone]") == ""
    expect(page.locator("[data-outbox-count]")).to_have_text("0")
    assert contact_count(seeded) == 0
    assert len(exported(runner)) == 1


def test_a_unit_without_the_opt_in_never_shows_the_screen(
    seeded, runner, kiosk_server, new_context
):
    page = new_context().new_page()
    enroll(page, kiosk_server, runner)
    page.click("[data-rating='4']")
    page.click("[data-action=submit]")
    page.wait_for_selector(screen("thanks"))
    page.wait_for_selector(screen("start"))
    page.click("[data-rating='5']")  # and a one-tap answer too
    page.click("[data-action=submit]")
    page.wait_for_selector(screen("thanks"))
    shown = page.evaluate("() => performance.getEntriesByName('hl-screen-contact').length")
    assert shown == 0
    expect(page.locator("[data-outbox-count]")).to_have_text("0")
    assert len(exported(runner)) == 2
    assert contact_count(seeded) == 0
