"""Staff hand a tablet's dead letters to the server's quarantine: nothing stays stranded."""

import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import enrolled_page, open_staff_panel, read_store
from webapp.extensions import db
from webapp.responses.models import QuarantinedResponse

pytestmark = pytest.mark.browser

PIN = "2468"


def put_dead_letter(page, letter_id: str) -> None:
    """A dead letter as the outbox writes one when the server refuses a lone response's whole
    request (413): refused before the server could quarantine it."""
    page.evaluate(
        """(id) => new Promise((resolve, reject) => {
            const open = indexedDB.open('hailong-kiosk');
            open.onsuccess = () => {
              const tx = open.result.transaction('dead', 'readwrite');
              const now = new Date().toISOString();
              tx.objectStore('dead').put({id, unit_slug: 'sai-gon', rejected_at: now,
                errors: {request: 'HTTP 413: too large'},
                response: {id, survey: 'tthc_one_stop', version: 1, locale: 'vi',
                  started_at: now, submitted_at: now, answers: {overall: 4}}});
              tx.oncomplete = () => { open.result.close(); resolve(); };
              tx.onerror = () => reject(tx.error);
            };
          })""",
        letter_id,
    )


def test_staff_hand_dead_letters_to_the_server(seeded, runner, kiosk_server, new_context):
    from webapp.kiosk.services import hash_staff_pin
    from webapp.units.services import get_unit

    with seeded.app_context():
        get_unit("sai-gon").staff_pin_hash = hash_staff_pin(PIN)
        db.session.commit()
    context, page = enrolled_page(new_context, kiosk_server, runner)
    letter_id = str(uuid.uuid4())
    put_dead_letter(page, letter_id)

    open_staff_panel(page)
    button = page.locator("[data-staff=hand-over]")
    page.fill("input[name=pin]", PIN)
    page.click("[data-form=pin] button")
    expect(page.locator("[data-fact=staff_dead]")).to_have_text("1")
    expect(button).to_be_visible()
    expect(button).to_be_enabled()

    context.set_offline(True)  # no network: nothing is lost, staff are told
    button.click()
    expect(page.locator("[data-staff-status]")).to_contain_text("Chưa gửi được")
    assert [d["id"] for d in read_store(page, "dead")] == [letter_id]

    context.set_offline(False)
    button.click()
    expect(page.locator("[data-staff-status]")).to_contain_text("Đã gửi 1 ý kiến")
    expect(page.locator("[data-fact=staff_dead]")).to_have_text("0")
    expect(button).to_be_hidden()
    assert read_store(page, "dead") == []
    with seeded.app_context():
        rows = list(db.session.scalars(select(QuarantinedResponse)))
        assert [row.client_id for row in rows] == [letter_id]
        assert rows[0].payload["answers"] == {"overall": 4}
        assert rows[0].errors["request"] == "HTTP 413: too large"


def test_without_the_pin_the_dead_letters_stay(seeded, runner, kiosk_server, new_context):
    context, page = enrolled_page(new_context, kiosk_server, runner)
    put_dead_letter(page, str(uuid.uuid4()))
    open_staff_panel(page)  # no PIN set for the unit: the panel is read-only
    expect(page.locator("[data-fact=staff_dead]")).to_have_text("1")
    expect(page.locator("[data-staff=hand-over]")).to_be_disabled()
