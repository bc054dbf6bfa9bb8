"""The field app (/field) on a surveyor's phone: signed in once, it works offline.

A real gunicorn server and Debian's Chromium: sign in at /login?next=/field, the page obtains a
device token and the config, then interviews are answered, resumed after an offline reload,
submitted offline and synced when the network returns (checked in `field_responses`).
"""

import os
import shutil
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import axe_violations, shot
from tests.conftest import ROOT
from webapp.extensions import db

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "Khao-sat-vien-2026!"
EMAIL = "s@example.vn"
PHONE = {"width": 390, "height": 844}
VISIBLE = ":not([hidden])"


def field_screen(name: str) -> str:
    return f"[data-field-screen={name}]{VISIBLE}"


@pytest.fixture
def surveyor(seeded, runner):
    result = runner.invoke(
        args=["users", "create", EMAIL, "--role", "surveyor", "--unit", "sai-gon"]
        + ["--unit", "tan-dinh", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    return EMAIL


def signed_in_phone(new_context, base_url: str):
    """A phone-sized browser signed in at /login?next=/field, on the field home screen,
    controlled by the service worker."""
    context = new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{base_url}/field")
    page.wait_for_selector(field_screen("signin"))
    page.click("[data-action=signin]")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("[type=submit]")
    page.wait_for_selector(field_screen("home"))
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    return context, page


def outbox(page) -> int:
    return int(page.text_content("[data-field-outbox]"))


def wait_saved(page, question: str) -> None:
    """Until the open draft's answer to `question` is in IndexedDB (writes are async)."""
    script = """(q) => new Promise((resolve, reject) => {
        const open = indexedDB.open('hailong-field');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction('outbox').objectStore('outbox').getAll();
          request.onsuccess = () => {
            open.result.close();
            resolve(request.result.some((r) => r.state === 'draft' && q in r.answers));
          };
        };
      })"""
    for _ in range(100):
        if page.evaluate(script, question):
            return
        time.sleep(0.02)
    raise AssertionError(f"draft never got an answer to {question}")


def wait_section_saved(page, index: int) -> None:
    """Until the open draft records that it is at section `index` (saved after the render)."""
    script = """(index) => new Promise((resolve) => {
        const open = indexedDB.open('hailong-field');
        open.onsuccess = () => {
          const request = open.result.transaction('outbox').objectStore('outbox').getAll();
          request.onsuccess = () => {
            open.result.close();
            resolve(request.result.some((r) => r.state === 'draft' && r.local.section === index));
          };
        };
      })"""
    for _ in range(100):
        if page.evaluate(script, index):
            return
        time.sleep(0.02)
    raise AssertionError(f"draft never saved section {index}")


def answer_section(page) -> dict:
    """Answer every visible question of the open section: yes, 4, the first option, a text.
    Questions appearing after an answer (show_if) are answered too. -> the answers given."""
    given: dict = {}
    for _ in range(5):  # a yes may reveal a follow-up: go round until nothing is new
        shown = page.eval_on_selector_all(
            f"[data-field-screen=interview] [data-question]{VISIBLE}",
            "blocks => blocks.map((b) => b.dataset.question)",
        )
        new = [qid for qid in shown if qid not in given]
        for qid in new:
            block = page.locator(f"[data-field-screen=interview] [data-question={qid}]")
            if block.locator("textarea").count():
                text = f"Ý kiến cho {qid}: đường sá sạch đẹp"
                block.locator("textarea").fill(text)
                given[qid] = text
            elif block.locator("[data-value=true]").count():
                block.locator("[data-value=true]").click()
                given[qid] = True
            elif block.locator("[data-value='4']").count():
                block.locator("[data-value='4']").click()
                given[qid] = 4
            else:
                button = block.locator("button[data-value]").first
                code = button.get_attribute("data-value")
                button.click()
                given[qid] = code
        if not new:
            break
    if given:
        wait_saved(page, list(given)[-1])
    return given


def start(page, survey: str = "papi_household", unit: str = "sai-gon") -> None:
    page.select_option("select[name=survey]", survey)
    page.select_option("select[name=unit]", unit)
    page.click("button[data-action=start]")
    page.wait_for_selector(field_screen("interview"))


def finish_interview(page, given: dict) -> None:
    """Answer sections until the last, then review."""
    for _ in range(20):
        given.update(answer_section(page))
        if page.locator(f"button[data-action=review]{VISIBLE}").count():
            page.click("button[data-action=review]")
            page.wait_for_selector(field_screen("review"))
            return
        progress = page.text_content("[data-section-progress]")
        page.click("button[data-action=next]")
        expect(page.locator("[data-section-progress]")).not_to_have_text(progress)
    raise AssertionError("never reached the last section")


def stored(app) -> list:
    from webapp.field.models import FieldResponse

    with app.app_context():
        rows = db.session.scalars(select(FieldResponse)).all()
        return [
            {
                "surveyor": r.surveyor.email,
                "unit": r.unit.slug,
                "answers": r.answers,
                "id": str(r.id),
            }
            for r in rows
        ]


def wait_stored(app, n: int, seconds: float = 20) -> list:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        rows = stored(app)
        if len(rows) >= n:
            return rows
        time.sleep(0.2)
    raise AssertionError(f"{n} field responses expected, got {stored(app)}")


def test_offline_interview_resumed_after_reload_then_synced(
    surveyor, app, kiosk_server, new_context
):
    context, page = signed_in_phone(new_context, kiosk_server)
    # The household survey lists only the surveyor's wards (not their health stations).
    page.select_option("select[name=survey]", "papi_household")
    units = page.eval_on_selector_all("select[name=unit] option", "os => os.map(o => o.value)")
    assert set(units) == {"sai-gon", "tan-dinh"}
    context.set_offline(True)
    start(page)
    expect(page.locator("[data-section-progress]")).to_have_text("Phần 1/10")
    given = answer_section(page)
    page.click("button[data-action=next]")
    expect(page.locator("[data-section-progress]")).to_have_text("Phần 2/10")
    given.update(answer_section(page))
    page.click("button[data-action=next]")
    expect(page.locator("[data-section-progress]")).to_have_text("Phần 3/10")
    wait_section_saved(page, 2)

    page.reload()  # offline: the shell comes from the service worker
    page.wait_for_selector(field_screen("home"))
    drafts = page.locator("[data-field-drafts] [data-draft-id]")
    expect(drafts).to_have_count(1)
    drafts.first.locator("[data-action=resume]").click()
    page.wait_for_selector(field_screen("interview"))
    expect(page.locator("[data-section-progress]")).to_have_text("Phần 3/10")

    finish_interview(page, given)
    review = page.text_content("[data-field-screen=review]")
    assert "Có" in review
    assert "đường sá sạch đẹp" in review
    page.click("button[data-action=submit]")
    page.wait_for_selector(field_screen("done"))
    expect(page.locator("[data-field-outbox]")).to_have_text("1")
    assert stored(app) == []

    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-field-outbox]")).to_have_text("0", timeout=20_000)
    expect(page.locator("[data-done-status]")).to_have_text("Phiếu đã được gửi lên máy chủ.")
    (row,) = wait_stored(app, 1)
    assert row["surveyor"] == EMAIL
    assert row["unit"] == "sai-gon"
    assert row["answers"] == given


def test_a_household_interview_records_the_consent_to_a_follow_up_call(
    surveyor, app, kiosk_server, new_context
):
    """SPEC 13 in the field: the consent text read out, the box ticked, a number checked on
    the phone; sent with the interview and stored encrypted, tied to it."""
    from webapp.contacts import crypto
    from webapp.contacts.models import Contact

    context, page = signed_in_phone(new_context, kiosk_server)
    context.set_offline(True)
    start(page, unit="tan-dinh")
    finish_interview(page, {})
    consent = page.locator("[data-field-consent]")
    expect(consent).to_be_visible()
    expect(consent.locator("[data-consent-text]")).to_contain_text("Ủy ban Mặt trận Tổ quốc")
    expect(consent.locator("[data-consent-version]")).to_have_text(
        "Phiên bản nội dung đồng ý: 2026-1"
    )
    expect(consent.locator("input[name=phone]")).to_be_hidden()  # until the box is ticked
    consent.locator("input[name=consent]").check()
    consent.locator("input[name=phone]").fill("12345")
    page.click("button[data-action=submit]")
    expect(consent.locator("[data-consent-error]")).to_contain_text("Số điện thoại chưa đúng")
    expect(page.locator(field_screen("review"))).to_be_visible()  # not sent
    expect(page.locator("[data-field-outbox]")).to_have_text("0")
    page.click("[data-lang=en]")  # the text and the message follow the language
    expect(consent.locator("[data-consent-text]")).to_contain_text("Fatherland Front")
    expect(consent.locator("[data-consent-error]")).to_contain_text("not valid")
    page.click("[data-lang=vi]")
    consent.locator("input[name=phone]").fill("0912 345 678")
    expect(consent.locator("[data-consent-error]")).to_have_text("")
    shot(page, "field-consent")
    page.click("button[data-action=submit]")
    page.wait_for_selector(field_screen("done"))
    expect(page.locator("[data-field-outbox]")).to_have_text("1")

    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-field-outbox]")).to_have_text("0", timeout=20_000)
    (row,) = wait_stored(app, 1)
    assert row["unit"] == "tan-dinh"
    with app.app_context():
        contact = db.session.scalars(select(Contact)).one()
        assert str(contact.field_response_id) == row["id"]
        assert crypto.decrypt(contact.phone_ciphertext) == "0912345678"
    # The next interview starts with an empty consent box.
    page.click("button[data-action=home]")
    start(page)
    finish_interview(page, {})
    expect(consent.locator("input[name=consent]")).not_to_be_checked()
    expect(consent.locator("input[name=phone]")).to_have_value("")


def test_required_question_blocks_next_with_a_message(surveyor, kiosk_server, new_context):
    _context, page = signed_in_phone(new_context, kiosk_server)
    start(page)
    page.click("[data-question=resp_age_group] button[data-value]")  # one of two answered
    page.click("button[data-action=next]")
    expect(page.locator("[data-section-progress]")).to_have_text("Phần 1/10")
    missing = page.locator("[data-question=resp_years_in_ward] [data-question-error]")
    expect(missing).to_be_visible()
    expect(missing).to_have_text("Vui lòng trả lời câu hỏi này.")
    page.click("[data-question=resp_years_in_ward] button[data-value]")
    expect(missing).to_be_hidden()
    page.click("button[data-action=next]")
    expect(page.locator("[data-section-progress]")).to_have_text("Phần 2/10")


def test_sign_out_offline_keeps_the_unsent_interview_until_sent(
    surveyor, app, kiosk_server, new_context
):
    context, page = signed_in_phone(new_context, kiosk_server)
    context.set_offline(True)
    start(page, survey="conduct_inspection")
    given: dict = {}
    finish_interview(page, given)
    expect(page.locator("[data-field-consent]")).to_be_hidden()  # no citizen to consent
    page.click("button[data-action=submit]")
    page.wait_for_selector(field_screen("done"))
    page.click("button[data-action=home]")
    page.wait_for_selector(field_screen("home"))
    page.click("button[data-action=signout]")
    page.wait_for_selector(field_screen("signin"))
    expect(page.locator("[data-signin-message]")).to_have_text(
        "Còn 1 phiếu chưa gửi; ứng dụng sẽ gửi khi có mạng."
    )
    expect(page.locator("[data-field-outbox]")).to_have_text("1")

    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-field-outbox]")).to_have_text("0", timeout=20_000)
    (row,) = wait_stored(app, 1)
    assert row["surveyor"] == EMAIL
    assert row["answers"] == given
    # Everything sent: the device token is gone; the phone asks to sign in again.
    expect(page.locator("[data-signin-message]")).to_have_text("Đã đăng xuất.")
    token = page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open('hailong-field');
            open.onsuccess = () => {
              const r = open.result.transaction('meta').objectStore('meta').get('token');
              r.onsuccess = () => { open.result.close(); resolve(r.result ?? null); };
            };
          })"""
    )
    assert token is None
    # The web session was ended too once online (signed out offline: POST /logout then).
    page.goto(f"{kiosk_server}/field")
    page.wait_for_selector(field_screen("signin"))
    assert page.locator("meta[name=csrf-token]").count() == 0


def test_another_surveyor_cannot_sign_in_over_unsent_interviews(
    surveyor, app, runner, kiosk_server, new_context
):
    """A phone handed on: the next surveyor's token would stamp the previous one's unsent
    interviews with the wrong name, so they must be sent under their own token first."""
    result = runner.invoke(
        args=["users", "create", "other@example.vn", "--role", "surveyor", "--unit", "sai-gon"]
        + ["--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    context, page = signed_in_phone(new_context, kiosk_server)
    context.set_offline(True)
    start(page, survey="conduct_inspection")
    finish_interview(page, {})
    page.click("button[data-action=submit]")
    page.wait_for_selector(field_screen("done"))
    page.click("button[data-action=home]")
    page.click("button[data-action=signout]")
    page.wait_for_selector(field_screen("signin"))
    # Back online, but the server cannot take the interview yet.
    page.route("**/api/v1/sync", lambda route: route.fulfill(status=503, body="{}"))
    context.set_offline(False)
    page.click("[data-action=signin]")
    page.fill("input[name=email]", "other@example.vn")
    page.fill("input[name=password]", PASSWORD)
    page.click("[type=submit]")
    expect(page.locator("[data-signin-message]")).to_contain_text(
        "Còn 1 phiếu của lần đăng nhập trước chưa gửi được"
    )
    assert stored(app) == []
    page.unroute("**/api/v1/sync")
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-field-outbox]")).to_have_text("0", timeout=20_000)
    (row,) = wait_stored(app, 1)
    assert row["surveyor"] == EMAIL  # the one who filled it in
    # Now the second surveyor gets a device of their own.
    page.goto(f"{kiosk_server}/field")
    page.wait_for_selector(field_screen("home"))


def test_screens_at_phone_size_are_accessible(surveyor, kiosk_server, new_context):
    """Home, a section with unanswered required questions, and the review, at 390x844: no
    axe violations; screenshots in test-artifacts/ (copied to docs/screenshots/ by hand)."""
    # bypass_csp only so that axe-core can be injected; the other tests run under the CSP.
    context = new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{kiosk_server}/login?next=/field")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("[type=submit]")
    page.wait_for_selector(field_screen("home"))
    start(page)
    page.click("[data-question=resp_age_group] [data-value=age_30_44]")
    page.click("button[data-action=back]")
    page.wait_for_selector(field_screen("home"))
    screens = {"home": shot(page, "field-home")}
    assert axe_violations(page) == []
    page.click("[data-field-drafts] [data-action=resume]")
    answer_section(page)
    page.click("button[data-action=next]")
    expect(page.locator("[data-section-progress]")).to_have_text("Phần 2/10")
    page.click("[data-question=par_grassroots_law] [data-value=true]")
    page.click("[data-question=par_voted_leader] [data-value=true]")
    page.click("button[data-action=next]")  # blocked: the messages show
    expect(page.locator("[data-section-error]")).to_have_text("Còn 3 câu bắt buộc chưa trả lời.")
    page.evaluate("() => window.scrollTo(0, 0)")
    screens["interview"] = shot(page, "field-interview")
    assert axe_violations(page) == []
    finish_interview(page, {})
    screens["review"] = shot(page, "field-review")
    assert axe_violations(page) == []
    docs = ROOT / "docs" / "screenshots"
    if docs.is_dir() and os.environ.get("UPDATE_SCREENSHOTS") == "1":
        for name, path in screens.items():
            shutil.copy(path, docs / f"field-{name}.png")


def test_rejected_interview_listed_with_the_server_error_and_english_toggle(
    surveyor, kiosk_server, new_context
):
    _context, page = signed_in_phone(new_context, kiosk_server)
    # An interview about a unit this surveyor is not bound to (as if assigned away since).
    page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open('hailong-field');
            open.onsuccess = () => {
              const tx = open.result.transaction('outbox', 'readwrite');
              tx.objectStore('outbox').put({
                id: '01890a5d-ac96-774b-bcce-b302099a8057', survey: 'papi_household', version: 1,
                locale: 'vi', unit: 'ben-thanh', unit_slug: 'ben-thanh', state: 'ready',
                started_at: '2026-01-05T08:00:00Z', submitted_at: '2026-01-05T08:30:00Z',
                answers: {}, local: {section: 9},
              });
              tx.oncomplete = () => { open.result.close(); resolve(); };
              tx.onerror = () => reject(tx.error);
            };
          })"""
    )
    page.click("button[data-action=sync]")
    dead = page.locator("[data-field-dead] [data-dead-id]")
    expect(dead).to_have_count(1)
    expect(dead.locator("[data-dead-errors]")).to_contain_text("unit")
    expect(page.locator("[data-field-outbox]")).to_have_text("0")
    page.click("[data-lang=en]")
    expect(page.locator("[data-field-screen=home] h1")).to_have_text("New form")
    expect(page.locator("button[data-action=signout]")).to_have_text("Sign out")
    page.reload()  # the language is kept on the phone
    page.wait_for_selector(field_screen("home"))
    expect(page.locator("button[data-action=start]")).to_have_text("Start")
