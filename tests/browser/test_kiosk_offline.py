"""The kiosk's promise: nothing is lost or doubled, whatever the network does.

Each test drives the real PWA (service worker, IndexedDB outbox, sync loop) against gunicorn
on the test database and checks what was stored through `flask responses export`.
"""

import json
import time
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    VISIBLE,
    enroll,
    enrolled_page,
    exported,
    outbox_count,
    read_store,
    screen,
)
from webapp.extensions import db

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Surveys follow each other without waits: no cooldown, straight back to the start screen.
KIOSK_SETTINGS = {"cooldown_seconds": 0, "reset_seconds": 0}


def wait_for_draft(page, question: str) -> None:
    """Until the open survey's answer to `question` is in IndexedDB (writes are async)."""
    for _ in range(100):
        if any(
            question in r["answers"] for r in read_store(page, "outbox") if r["state"] == "draft"
        ):
            return
        time.sleep(0.02)
    raise AssertionError(f"draft never got an answer to {question}")


def answer_survey(page, i: int) -> tuple[dict, str]:
    """Survey number i, varied: one tap, follow-ups, text, a cleared choice, English.

    Returns the answers and locale that must be stored.
    """
    locale = "en" if i % 4 == 3 else "vi"
    if locale == "en":
        page.click("[data-lang=en]")
    rating = [5, 4, 3, 2, 1][i % 5]
    page.click(f"[data-rating='{rating}']")
    page.wait_for_selector(screen("followup"))
    expected = {"overall": rating}
    # The kiosk asks what went wrong after 1-3 and about the staff after 4-5 (SPEC 5).
    if i % 3 == 1:
        if rating <= 3:  # "what disappointed you" is only shown for 1-3
            page.click("[data-question=problem] [data-value=cho_lau]")
            page.click("[data-question=receipt] [data-value=co]")
            expected.update(problem="cho_lau", receipt="co")
        else:
            page.click("[data-question=staff] [data-value='4']")
            expected["staff"] = 4
    elif i % 3 == 2:
        tapped = (
            "[data-question=receipt] [data-value=co]"
            if rating <= 3
            else ("[data-question=staff] [data-value='2']")
        )
        page.click(tapped)
        page.click(tapped)  # tapped again: cleared
        page.fill("[data-question=comment] textarea", f"Góp ý số {i}: nhân viên nhiệt tình")
        expected["comment"] = f"Góp ý số {i}: nhân viên nhiệt tình"
    page.click("[data-action=submit]")
    page.wait_for_selector(screen("start"))
    return expected, locale


def test_thirty_offline_surveys_with_reloads_sync_exactly_once(
    seeded, runner, kiosk_server, new_context
):
    context, page = enrolled_page(new_context, kiosk_server, runner)

    context.set_offline(True)
    page.reload()  # served by the service worker
    page.wait_for_selector(screen("start"))
    expected: list[tuple[dict, str]] = []
    for i in range(30):
        if i == 12:
            # Reload in the middle of a survey: the rating and the answer given are kept.
            page.click("[data-rating='2']")
            page.click("[data-question=receipt] [data-value=khong]")
            wait_for_draft(page, "receipt")
            page.reload()
            page.wait_for_selector(screen("start"))
            expected.append(({"overall": 2, "receipt": "khong"}, "vi"))
            continue
        expected.append(answer_survey(page, i))
        if i % 7 == 6:
            page.reload()
            page.wait_for_selector(screen("start"))
    assert outbox_count(page) == 30
    queued = read_store(page, "outbox")
    assert [r["state"] for r in queued] == ["ready"] * 30
    ids = [r["id"] for r in queued]  # store order = key order = UUIDv7 time order
    assert all(uuid.UUID(i).version == 7 for i in ids)
    assert [r["answers"] for r in queued] == [answers for answers, _ in expected]

    context.set_offline(False)
    expect(page.locator("[data-outbox-count]")).to_have_text("0", timeout=15_000)

    stored = exported(runner)
    assert set(stored) == set(ids)
    for record_id, (answers, locale) in zip(ids, expected, strict=True):
        row = stored[record_id]
        assert row["answers"] == answers
        assert (row["locale"], row["survey"], row["version"], row["unit"]) == (
            locale,
            "tthc_one_stop",
            "1",
            "sai-gon",
        )
        assert row["overall"] == str(answers["overall"])

    from webapp.kiosk.models import Kiosk

    with seeded.app_context():
        kiosk = db.session.scalars(db.select(Kiosk)).one()
        assert kiosk.app_version.startswith("1.0.0+")
        assert kiosk.queued_count is not None
        assert kiosk.storage_persisted is not None


def queue_one_tap_surveys(page, count: int) -> None:
    for i in range(count):
        page.click(f"[data-rating='{5 - i % 5}']")
        page.click("[data-action=submit]")
        page.wait_for_selector(screen("start"))


def test_failures_mid_sync_lose_and_double_nothing(seeded, runner, kiosk_server, new_context):
    context, page = enrolled_page(new_context, kiosk_server, runner)
    context.set_offline(True)
    queue_one_tap_surveys(page, 12)
    ids = {r["id"] for r in read_store(page, "outbox")}
    assert len(ids) == 12

    calls: list[tuple[float, int]] = []

    def flaky_server(route):
        sent = json.loads(route.request.post_data)["responses"]
        calls.append((time.monotonic(), len(sent)))
        step = len(calls)
        if step == 1 and len(sent) > 6:
            route.fulfill(status=413, json={"error": "too_large", "message": "smaller please"})
        elif step == 2:
            route.fetch()  # the server stores the batch ...
            route.abort("connectionreset")  # ... but the reply never reaches the tablet
        elif step == 3:
            route.fulfill(status=500, json={"error": "internal_server_error", "message": "boom"})
        elif step == 4:
            route.fulfill(
                status=429,
                headers={"Retry-After": "1"},
                json={"error": "too_many_requests", "message": "slow down"},
            )
        else:
            route.continue_()

    context.route("**/api/v1/sync", flaky_server)
    context.set_offline(False)
    expect(page.locator("[data-outbox-count]")).to_have_text("0", timeout=20_000)

    sizes = [size for _, size in calls]
    assert sizes[:6] == [12, 6, 6, 6, 6, 6]  # split on 413, then retried until stored
    assert calls[4][0] - calls[3][0] >= 0.95  # Retry-After: 1 was honoured
    stored = exported(runner)
    assert set(stored) == ids  # every response once: the re-sent six came back as duplicates
    assert read_store(page, "dead") == []


def test_rejected_response_goes_to_dead_letters_and_staff_see_it(
    seeded, runner, kiosk_server, new_context
):
    from webapp.kiosk.services import hash_staff_pin
    from webapp.units.services import get_unit

    with seeded.app_context():
        get_unit("sai-gon").staff_pin_hash = hash_staff_pin("2468")
        db.session.commit()

    context, page = enrolled_page(new_context, kiosk_server, runner)
    context.set_offline(True)
    queue_one_tap_surveys(page, 3)
    # A response the server must refuse (rating 9), as a buggy or tampered tablet could hold
    # (collected for this unit: responses of another unit never reach the server).
    bad_id = str(uuid.uuid4())
    page.evaluate(
        """(id) => new Promise((resolve, reject) => {
            const open = indexedDB.open('hailong-kiosk');
            open.onsuccess = () => {
              const tx = open.result.transaction('outbox', 'readwrite');
              const now = new Date().toISOString();
              tx.objectStore('outbox').put({id, survey: 'tthc_one_stop', version: 1, locale: 'vi',
                started_at: now, submitted_at: now, answers: {overall: 9}, state: 'ready',
                unit_slug: 'sai-gon'});
              tx.oncomplete = () => { open.result.close(); resolve(); };
              tx.onerror = () => reject(tx.error);
            };
          })""",
        bad_id,
    )
    good_ids = {r["id"] for r in read_store(page, "outbox")} - {bad_id}
    context.set_offline(False)
    page.click("[data-rating='4']")  # a new response triggers a sync too
    page.click("[data-action=submit]")
    page.wait_for_selector(screen("start"))
    expect(page.locator("[data-outbox-count]")).to_have_text("0")

    dead = read_store(page, "dead")
    assert [d["id"] for d in dead] == [bad_id]
    assert "answers.overall" in dead[0]["errors"]
    assert dead[0]["response"]["answers"] == {"overall": 9}
    stored = exported(runner)
    assert bad_id not in stored
    assert good_ids < set(stored)
    assert len(stored) == 4

    # Staff panel: hidden gesture, wrong PIN refused, right PIN shows the dead letter.
    for _ in range(5):
        page.click("[data-staff-gesture]")
    page.wait_for_selector(screen("staff"))
    page.fill("input[name=pin]", "1111")
    page.click("[data-form=pin] button")
    expect(page.locator("[data-pin-error]")).not_to_be_empty()
    expect(page.locator("[data-staff-details]")).to_be_hidden()
    page.fill("input[name=pin]", "2468")
    page.click("[data-form=pin] button")
    expect(page.locator(f"[data-dead-id='{bad_id}']")).to_contain_text("answers.overall")
    expect(page.locator("[data-fact=staff_queued]")).to_have_text("0")
    expect(page.locator("[data-fact=staff_dead]")).to_have_text("1")
    expect(page.locator("[data-fact=staff_survey_version]")).to_have_text("tthc_one_stop v1")
    expect(page.locator("[data-fact=staff_last_sync]")).not_to_have_text("Chưa có")
    page.click("[data-staff=sync]")
    page.click("[data-staff=close]")
    page.wait_for_selector(screen("start"))


def test_new_survey_version_published_while_offline(seeded, runner, kiosk_server, new_context):
    from webapp.surveys.services import get_version, publish

    context, page = enrolled_page(new_context, kiosk_server, runner)
    context.set_offline(True)
    queue_one_tap_surveys(page, 2)
    old_ids = {r["id"] for r in read_store(page, "outbox")}

    with seeded.app_context():
        definition = json.loads(json.dumps(get_version("tthc_one_stop", 1).definition))
        definition["questions"].insert(
            1,
            {
                "id": "wifi",
                "kind": "yesno",
                "required": False,
                "text": {"vi": "Có wifi miễn phí không?", "en": "Was there free wifi?"},
                "kiosk": {"ratings": [4, 5]},
            },
        )
        assert publish(definition).version == 2
        db.session.commit()

    context.set_offline(False)  # the `online` event syncs and refreshes the config
    expect(page.locator("[data-outbox-count]")).to_have_text("0")
    expect(page.locator("[data-screen=start]")).to_have_attribute("data-survey", "tthc_one_stop v2")
    page.click("[data-rating='5']")
    page.click(f"[data-question=wifi]{VISIBLE} [data-value=true]")
    page.click("[data-action=submit]")
    page.wait_for_selector(screen("start"))
    expect(page.locator("[data-outbox-count]")).to_have_text("0")

    stored = exported(runner)
    assert {i: stored[i]["version"] for i in old_ids} == dict.fromkeys(old_ids, "1")
    (new_id,) = set(stored) - old_ids
    assert stored[new_id]["version"] == "2"
    assert stored[new_id]["answers"] == {"overall": 5, "wifi": True}


def test_service_worker_precaches_the_shell_and_drops_old_caches(
    seeded, runner, kiosk_server, new_context
):
    context = new_context()
    page = context.new_page()
    # A cache left by an older app version, made before the current worker is installed.
    page.goto(f"{kiosk_server}/healthz")
    page.evaluate(
        """async () => {
            const old = await caches.open('hailong-kiosk-shell-0ld0ld0ld0ld');
            await old.put('/kiosk', new Response('old shell'));
        }"""
    )
    enroll(page, kiosk_server, runner)
    sw = page.request.get(f"{kiosk_server}/kiosk/sw.js").text()
    build = json.loads(sw.split("\n", 1)[0].removeprefix("const BUILD = ").removesuffix(";"))
    # enroll() waited for the worker to control the page: it has activated, so cleaned up.
    assert sorted(page.evaluate("() => caches.keys()")) == sorted(
        [f"hailong-kiosk-shell-{build['version']}", "hailong-kiosk-config"]
    )
    cached = page.evaluate(
        """async (name) => {
            const cache = await caches.open(name);
            return (await cache.keys()).map((request) => new URL(request.url).pathname);
        }""",
        f"hailong-kiosk-shell-{build['version']}",
    )
    assert sorted(cached) == sorted(build["precache"])
    config = page.evaluate(
        """async () => {
            const cache = await caches.open('hailong-kiosk-config');
            return (await cache.match('/api/v1/kiosk/config')).json();
        }"""
    )
    assert config["unit"]["slug"] == "sai-gon"
    assert config["surveys"][0]["key"] == "tthc_one_stop"
    context.set_offline(True)
    page.goto(f"{kiosk_server}/kiosk")  # a fresh navigation, not just a reload
    page.wait_for_selector(screen("start"))
    expect(page.locator("[data-unit-name]")).to_have_text("Phường Sài Gòn")
