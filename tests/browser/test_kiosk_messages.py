"""What the kiosk tells people when something is not as expected (issue 11): a wrong, used or
expired enrollment code says so in the chosen language; "sync now" in the staff panel says
what it did; storage that is not persistent comes with what to do about it."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    create_kiosk,
    enrolled_page,
    latest_kiosk_id,
    open_staff_panel,
    screen,
    shot,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KIOSK_SETTINGS = {"cooldown_seconds": 0, "reset_seconds": 0}
ENGLISH_WORDS = ("enrollment", "code", "connect", "valid")

# Every value [data-sync-result] takes, in order (the "sending" state is too short to poll).
WATCH_SYNC_RESULT = """() => {
  window.syncWatch?.disconnect();
  window.syncResults = [];
  const status = document.querySelector('[data-sync-status]');
  window.syncWatch = new MutationObserver(() => window.syncResults.push(status.dataset.syncResult || ''));
  window.syncWatch.observe(status, { attributes: true, attributeFilter: ['data-sync-result'] });
}"""


def queue_one_tap_surveys(page, count: int) -> None:
    for i in range(count):
        page.click(f"[data-rating='{5 - i % 5}']")
        page.click("[data-action=submit]")
        page.wait_for_selector(screen("start"))


def sync_now(page) -> list[str]:
    """Tap "Gửi ngay" and wait for its answer; returns the results the status went through."""
    page.evaluate(WATCH_SYNC_RESULT)
    page.click("[data-staff=sync]")
    page.wait_for_function("() => window.syncResults.length >= 2")
    return page.evaluate("() => window.syncResults")


def test_a_used_or_expired_code_from_the_enrollment_url_says_so(
    seeded, runner, kiosk_server, new_context
):
    code = create_kiosk(runner)
    enrolled_page_context = new_context()
    first = enrolled_page_context.new_page()
    first.goto(f"{kiosk_server}/kiosk/enroll?code={code}")
    first.wait_for_selector(screen("start"))

    # The same QR code scanned on a second tablet: the code has been used.
    page = new_context().new_page()
    page.goto(f"{kiosk_server}/kiosk/enroll?code={code}")
    error = page.locator("[data-enroll-error]")
    expect(error).to_contain_text("Mã kết nối không hợp lệ hoặc đã được dùng")
    text = error.text_content().lower()
    assert "không kết nối được" not in text
    assert not [word for word in ENGLISH_WORDS if word in text]

    from datetime import timedelta

    from webapp.extensions import db
    from webapp.kiosk.models import Kiosk

    expired = create_kiosk(runner)
    with seeded.app_context():
        kiosk = db.session.get(Kiosk, latest_kiosk_id(seeded))
        kiosk.enroll_code_expires_at -= timedelta(days=30)
        db.session.commit()
    page.fill("input[name=code]", expired)
    page.click("form[data-form=enroll] button")
    expect(error).to_have_text("Mã kết nối đã hết hạn. Vui lòng xin quản trị viên một mã mới.")
    page.click("[data-lang=en]")
    expect(error).to_have_text(
        "This enrollment code has expired. Ask your administrator for a new one."
    )


def test_sync_now_says_what_it_did(seeded, runner, kiosk_server, new_context):
    context, page = enrolled_page(new_context, kiosk_server, runner)
    status = page.locator("[data-sync-status]")

    open_staff_panel(page)
    expect(status).to_be_empty()
    assert sync_now(page) == ["sending", "nothing"]
    expect(status).to_have_text("Không có ý kiến nào cần gửi.")
    shot(page, "staff-sync-nothing-vi")  # docs/screenshots/kiosk-staff-vi.png, at 800 px wide
    page.click("[data-staff=close]")

    # Two responses the server did not get (the network failed for sync only).
    context.route("**/api/v1/sync", lambda route: route.abort("connectionrefused"))
    queue_one_tap_surveys(page, 2)
    open_staff_panel(page)
    expect(status).to_be_empty()  # a new visit to the panel starts clean
    assert sync_now(page) == ["sending", "failed"]
    expect(status).to_have_text(
        "Gửi không thành công; 2 ý kiến vẫn được giữ trên máy và máy sẽ tự thử lại "
        "(xem “Lỗi gần nhất”)."
    )
    expect(page.locator("[data-fact=staff_queued]")).to_have_text("2")
    expect(page.locator("[data-staff=sync]")).to_be_enabled()
    expect(page.locator("[data-fact=staff_last_error]")).to_contain_text(
        "không có mạng hoặc máy chủ không trả lời ("
    )

    context.unroute("**/api/v1/sync")
    assert sync_now(page) == ["sending", "sent"]
    expect(status).to_have_text("Đã gửi 2 ý kiến lên máy chủ.")
    expect(page.locator("[data-fact=staff_queued]")).to_have_text("0")
    page.click("[data-staff=close]")

    # Offline altogether, in English.
    page.click("[data-lang=en]")
    context.set_offline(True)
    page.wait_for_function("() => !navigator.onLine")  # what the sync loop asks first
    queue_one_tap_surveys(page, 1)
    page.click("[data-lang=en]")
    open_staff_panel(page)
    assert sync_now(page) == ["sending", "failed"]
    expect(status).to_have_text(
        "This tablet is offline. Responses kept on it: 1; they are sent when the network is back."
    )


PERSISTENCE = """(granted) => {
  if (!navigator.storage) return; // about:blank, before the kiosk page
  Object.defineProperty(navigator.storage, 'persisted', { value: async () => granted });
  Object.defineProperty(navigator.storage, 'persist', { value: async () => granted });
}"""


@pytest.mark.parametrize("granted", [False, True])
def test_storage_that_is_not_persistent_comes_with_a_hint(
    seeded, runner, kiosk_server, new_context, granted
):
    context = new_context()
    context.add_init_script(f"({PERSISTENCE})({'true' if granted else 'false'})")
    page = context.new_page()
    page.goto(f"{kiosk_server}/kiosk/enroll?code={create_kiosk(runner)}")
    page.wait_for_selector(screen("start"))
    open_staff_panel(page)
    hint = page.locator("[data-persist-hint]")
    if granted:
        expect(page.locator("[data-fact=staff_persisted]")).to_have_text("Có")
        expect(hint).to_be_hidden()
        return
    expect(page.locator("[data-fact=staff_persisted]")).to_have_text("Không")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("Thêm vào màn hình chính")
    expect(hint).to_contain_text("có thể xoá ý kiến chưa gửi")
    page.click("[data-staff=close]")
    page.click("[data-lang=en]")
    open_staff_panel(page)
    expect(hint).to_contain_text("Add to Home screen")
