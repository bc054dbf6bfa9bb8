"""When the server stops accepting a tablet, and the staff PIN that guards re-enrolling it.

Revoked (403) or unknown (401) token: the kiosk stops collecting and shows a blocking screen
with the enrollment form; the queued responses stay, and are sent after re-enrolling only if
the new kiosk serves the same unit (else they become dead letters staff can see).
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    create_kiosk,
    enroll,
    enrolled_page,
    exported,
    latest_kiosk_id,
    open_staff_panel,
    outbox_count,
    read_meta,
    read_store,
    revoke,
    screen,
    went_online,
)
from webapp.extensions import db

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KIOSK_SETTINGS = {"cooldown_seconds": 0, "reset_seconds": 0}


def queue_one_tap_surveys(page, count: int) -> None:
    for i in range(count):
        page.click(f"[data-rating='{5 - i % 5}']")
        page.click("[data-action=submit]")
        page.wait_for_selector(screen("start"))


def reenroll_with(page, code: str) -> None:
    page.fill("form[data-form=enroll] input[name=code]", code)
    page.click("form[data-form=enroll] button[type=submit]")
    page.wait_for_selector(screen("start"))


def test_revoked_tablet_blocks_keeps_its_queue_and_sends_it_once_after_reenrolling(
    seeded, runner, kiosk_server, new_context
):
    context, page = enrolled_page(new_context, kiosk_server, runner)
    old_kiosk = latest_kiosk_id(seeded)
    context.set_offline(True)
    queue_one_tap_surveys(page, 3)
    queued = read_store(page, "outbox")
    ids = {r["id"] for r in queued}
    assert {r["unit_slug"] for r in queued} == {"sai-gon"}

    revoke(runner, old_kiosk)
    context.set_offline(False)  # the config refresh and the sync both meet the 403
    page.wait_for_selector(screen("enroll"))
    expect(page.locator("[data-blocked] h1")).to_have_text(
        "Máy này không còn được kết nối — vui lòng báo nhân viên"
    )
    expect(page.locator("[data-blocked-reason]")).to_have_text("Máy đã bị thu hồi trên máy chủ.")
    expect(page.locator("[data-enroll-kept]")).to_contain_text("Còn 3 ý kiến")
    expect(page.locator("[data-unit-name]")).to_have_text("Hài Lòng")
    assert outbox_count(page) == 3
    assert {r["id"] for r in read_store(page, "outbox")} == ids
    assert read_store(page, "dead") == []
    assert read_meta(page, "token") is None
    assert exported(runner) == {}

    # Blocked for good, also after a reload: nobody can go on collecting responses.
    page.reload()
    page.wait_for_selector(screen("enroll"))
    expect(page.locator("[data-blocked]")).to_be_visible()
    expect(page.locator("[data-rating='5']")).to_be_hidden()
    page.click("[data-lang=en]")
    expect(page.locator("[data-blocked] h1")).to_have_text(
        "This tablet is not enrolled any more — ask staff"
    )
    expect(page.locator("[data-enroll-kept]")).to_contain_text("Responses not yet sent: 3.")
    expect(page.locator("[data-enroll-kept]")).to_contain_text("(Sai Gon Ward)")

    reenroll_with(page, create_kiosk(runner))  # a new kiosk of the same unit
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("[data-outbox-count]")).to_have_text("0")
    new_kiosk = latest_kiosk_id(seeded)
    stored = exported(runner)  # (fails if an id was stored twice)
    assert set(stored) == ids
    assert {(row["unit"], row["kiosk"]) for row in stored.values()} == {("sai-gon", str(new_kiosk))}
    assert read_store(page, "dead") == []
    assert read_meta(page, "unenrolled") is None
    # and the tablet collects again
    queue_one_tap_surveys(page, 1)
    expect(page.locator("[data-outbox-count]")).to_have_text("0")
    assert len(exported(runner)) == 4


def test_reenrolled_for_another_unit_the_old_queue_goes_to_dead_letters(
    seeded, runner, kiosk_server, new_context
):
    context, page = enrolled_page(new_context, kiosk_server, runner)
    context.set_offline(True)
    queue_one_tap_surveys(page, 2)
    old_ids = {r["id"] for r in read_store(page, "outbox")}
    revoke(runner, latest_kiosk_id(seeded))
    context.set_offline(False)
    page.wait_for_selector(screen("enroll"))

    reenroll_with(page, create_kiosk(runner, "tan-dinh"))
    expect(page.locator("[data-unit-name]")).to_have_text("Phường Tân Định")
    expect(page.locator("[data-outbox-count]")).to_have_text("0")
    dead = read_store(page, "dead")
    assert {d["id"] for d in dead} == old_ids
    assert {(d["reason"], d["unit_slug"]) for d in dead} == {("other_unit", "sai-gon")}
    assert exported(runner) == {}  # never filed under Tân Định

    queue_one_tap_surveys(page, 1)  # the new unit's responses sync as usual
    expect(page.locator("[data-outbox-count]")).to_have_text("0")
    assert [row["unit"] for row in exported(runner).values()] == ["tan-dinh"]

    # Tân Định has no staff PIN: the panel shows the dead letters, but cannot re-enroll.
    open_staff_panel(page)
    expect(page.locator("[data-fact=staff_dead]")).to_have_text("2")
    for dead_id in old_ids:
        expect(page.locator(f"[data-dead-id='{dead_id}']")).to_contain_text(
            "thu thập cho đơn vị sai-gon, nhưng máy nay thuộc đơn vị tan-dinh"
        )
    expect(page.locator("[data-staff=reenroll]")).to_be_disabled()
    expect(page.locator("[data-staff-status]")).to_contain_text("Đơn vị chưa đặt mã PIN")


def test_only_the_apis_own_refusal_blocks_the_tablet(seeded, runner, kiosk_server, new_context):
    from webapp.kiosk.models import Kiosk

    context, page = enrolled_page(new_context, kiosk_server, runner)
    # A filtering proxy or captive portal answering 403 is a network problem, not a revocation.
    context.route(
        "**/api/v1/kiosk/config",
        lambda route: route.fulfill(status=403, content_type="text/html", body="<h1>Denied</h1>"),
    )
    went_online(page)
    page.wait_for_function(
        """async () => new Promise((resolve) => {
            const open = indexedDB.open('hailong-kiosk');
            open.onsuccess = () => {
              const get = open.result.transaction('meta').objectStore('meta').get('last_error');
              get.onsuccess = () => { open.result.close(); resolve(String(get.result).includes('403')); };
            };
          })"""
    )
    expect(page.locator(screen("start"))).to_be_visible()
    context.unroute("**/api/v1/kiosk/config")

    # The server no longer knows the token (e.g. a database restored from an old backup): 401.
    with seeded.app_context():
        db.session.scalars(db.select(Kiosk)).one().token_hash = "0" * 64
        db.session.commit()
    went_online(page)
    page.wait_for_selector(screen("enroll"))
    expect(page.locator("[data-blocked-reason]")).to_have_text("Máy chủ không còn nhận ra máy này.")


def test_staff_pin_reaches_the_kiosk_and_five_wrong_pins_lock_it_for_a_minute(
    seeded, runner, kiosk_server, new_context
):
    context = new_context()
    page = context.new_page()
    page.clock.install()  # time still flows; the test can jump it forward
    enroll(page, kiosk_server, runner)
    open_staff_panel(page)
    expect(page.locator("[data-staff=reenroll]")).to_be_disabled()  # no PIN yet
    page.click("[data-staff=close]")

    result = runner.invoke(args=["units", "set-pin", "sai-gon", "--pin-stdin"], input="2468\n")
    assert result.exit_code == 0, result.output
    went_online(page)  # the next config refresh: a new ETag, so the new config is taken
    page.wait_for_function(
        """async () => new Promise((resolve) => {
            const open = indexedDB.open('hailong-kiosk');
            open.onsuccess = () => {
              const get = open.result.transaction('meta').objectStore('meta').get('config');
              get.onsuccess = () => {
                open.result.close();
                resolve(Boolean(get.result && get.result.settings.staff_pin));
              };
            };
          })"""
    )
    open_staff_panel(page)
    expect(page.locator("[data-form=pin]")).to_be_visible()
    expect(page.locator("[data-staff-details]")).to_be_hidden()
    for _ in range(5):
        page.fill("input[name=pin]", "1111")
        page.click("[data-form=pin] button")
        expect(page.locator("input[name=pin]")).to_have_value("")
    expect(page.locator("[data-pin-error]")).to_contain_text("Thử lại sau 60 giây")
    expect(page.locator("input[name=pin]")).to_be_disabled()
    expect(page.locator("[data-form=pin] button")).to_be_disabled()

    page.reload()  # the lock is kept in IndexedDB
    page.wait_for_selector(screen("start"))
    open_staff_panel(page)
    expect(page.locator("input[name=pin]")).to_be_disabled()

    page.clock.fast_forward("01:01")
    expect(page.locator("input[name=pin]")).to_be_enabled()
    expect(page.locator("[data-pin-error]")).to_be_empty()
    page.fill("input[name=pin]", "2468")
    page.click("[data-form=pin] button")
    expect(page.locator("[data-staff-details]")).to_be_visible()
    expect(page.locator("[data-staff=reenroll]")).to_be_enabled()
    page.click("[data-staff=reenroll]")
    page.click("[data-staff=reenroll]")  # the second tap confirms
    page.wait_for_selector(screen("enroll"))
    expect(page.locator("[data-blocked]")).to_be_hidden()  # staff chose this: no alarm


def test_a_v1_outbox_is_stamped_with_its_unit_when_the_schema_upgrades(
    seeded, runner, kiosk_server, new_context
):
    context = new_context()
    page = context.new_page()
    page.goto(f"{kiosk_server}/healthz")  # same origin, no kiosk code running yet
    # What an older app version left: a v1 database with the token, kiosk and one response.
    record_id = page.evaluate(
        """async (code) => {
            const reply = await fetch('/api/v1/kiosk/enroll', {method: 'POST',
              headers: {'Content-Type': 'application/json'}, body: JSON.stringify({code})});
            const {token, kiosk} = await reply.json();
            const id = '01890a5d-ac96-774b-bcce-b302099a8057';
            const now = new Date().toISOString();
            await new Promise((resolve, reject) => {
              const open = indexedDB.open('hailong-kiosk', 1);
              open.onupgradeneeded = () => {
                open.result.createObjectStore('outbox', {keyPath: 'id'});
                open.result.createObjectStore('dead', {keyPath: 'id'});
                open.result.createObjectStore('meta');
              };
              open.onsuccess = () => {
                const tx = open.result.transaction(['outbox', 'meta'], 'readwrite');
                tx.objectStore('meta').put(token, 'token');
                tx.objectStore('meta').put(kiosk, 'kiosk');
                tx.objectStore('outbox').put({id, survey: 'tthc_one_stop', version: 1,
                  locale: 'vi', started_at: now, submitted_at: now, answers: {overall: 4},
                  state: 'ready'});
                tx.oncomplete = () => { open.result.close(); resolve(); };
                tx.onerror = () => reject(tx.error);
              };
            });
            return id;
        }""",
        create_kiosk(runner),
    )
    context.route("**/api/v1/sync", lambda route: route.abort())
    page.goto(f"{kiosk_server}/kiosk")
    page.wait_for_selector(screen("start"))
    assert (
        page.evaluate(
            "async () => (await indexedDB.databases()).find((d) => d.name === 'hailong-kiosk').version"
        )
        == 3  # through every step since v1 (tests/browser/test_kiosk_upgrade.py: v2 too)
    )
    (queued,) = read_store(page, "outbox")
    assert (queued["id"], queued["unit_slug"]) == (record_id, "sai-gon")

    context.unroute("**/api/v1/sync")
    went_online(page)
    expect(page.locator("[data-outbox-count]")).to_have_text("0")
    assert list(exported(runner)) == [record_id]
    assert read_store(page, "dead") == []
