"""Kiosk timing with short settings: idle auto-submit, reset to start, cooldown."""

import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import enroll, exported, screen

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KIOSK_SETTINGS = {"idle_seconds": 1, "reset_seconds": 1, "cooldown_seconds": 3}


def test_idle_auto_submit_then_reset_then_cooldown(seeded, runner, kiosk_server, new_context):
    page = new_context().new_page()
    enroll(page, kiosk_server, runner)
    page.click("[data-rating='4']")
    page.wait_for_timeout(600)
    page.click("[data-question=staff] [data-value='5']")  # a touch restarts the idle time
    touched = time.monotonic()
    page.wait_for_selector(screen("thanks"), timeout=5000)
    submitted = time.monotonic()
    assert submitted - touched >= 0.8  # not before the idle time since the last touch
    page.wait_for_selector(screen("start"), timeout=5000)
    back = time.monotonic()
    assert 0.7 <= back - submitted <= 2.5  # reset_seconds after the thank-you screen

    # Cooldown: three seconds after a survey ends, no new one can start.
    smiley = page.locator("[data-rating='5']")
    expect(smiley).to_be_disabled()
    expect(page.locator("[data-cooldown]")).not_to_be_empty()
    expect(smiley).to_be_enabled(timeout=5000)
    # `submitted` is when the test *saw* the thank-you screen, a few hundred ms after the kiosk
    # showed it on a loaded machine (0.38 s once in CI); a skipped cooldown would give ~0.
    assert time.monotonic() - submitted >= 2.0
    expect(page.locator("[data-cooldown]")).to_be_empty()

    expect(page.locator("[data-outbox-count]")).to_have_text("0")
    (row,) = exported(runner).values()
    assert row["answers"] == {"overall": 4, "staff": 5}  # idle submission keeps the answers


def test_language_returns_to_vietnamese_when_left_idle(seeded, runner, kiosk_server, new_context):
    page = new_context().new_page()
    enroll(page, kiosk_server, runner)
    page.click("[data-lang=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("html")).to_have_attribute("lang", "vi", timeout=3000)
    expect(page.locator("[data-rating='1']")).to_have_text("Rất không hài lòng")
