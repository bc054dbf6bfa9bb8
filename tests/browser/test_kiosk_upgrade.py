"""A tablet that ran an older app version keeps its queue through the IndexedDB upgrade.

The old schema is written directly with the IndexedDB API, as the old code left it (v1:
stores only; v2: responses stamped with their unit), with responses still waiting. Then the
current kiosk opens it (schema v3, indexes for counting): every response must still be there,
and each must reach the server exactly once.
"""

import json
import time
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    create_kiosk,
    exported,
    outbox_count,
    read_meta,
    read_store,
    screen,
    went_online,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KIOSK_SETTINGS = {"cooldown_seconds": 0, "reset_seconds": 0}

# What the old code wrote: the stores of v1 (no indexes), records as Outbox.saveDraft and
# Outbox.submit left them; since v2 each carries `unit_slug`.
WRITE_OLD_DATABASE = """async ({version, records, meta, dead}) => {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open('hailong-kiosk', version);
    open.onupgradeneeded = () => {
      open.result.createObjectStore('outbox', { keyPath: 'id' });
      open.result.createObjectStore('dead', { keyPath: 'id' });
      open.result.createObjectStore('meta');
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  await new Promise((resolve, reject) => {
    const tx = db.transaction(['outbox', 'dead', 'meta'], 'readwrite');
    for (const record of records) tx.objectStore('outbox').put(record);
    for (const item of dead) tx.objectStore('dead').put(item);
    for (const [key, value] of Object.entries(meta)) tx.objectStore('meta').put(value, key);
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}"""

SCHEMA = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open('hailong-kiosk');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const db = open.result;
    const outbox = db.transaction('outbox').objectStore('outbox');
    const indexes = Object.fromEntries(
      [...outbox.indexNames].map((name) => [name, outbox.index(name).keyPath]));
    resolve({ version: db.version, stores: [...db.objectStoreNames], indexes });
    db.close();
  };
})"""


def uuid7(ms: int) -> str:
    """A UUIDv7 as the kiosk makes them (time-ordered), for records the old code queued."""
    value = (ms << 80) | (0x7 << 76) | (uuid.uuid4().int & ((1 << 76) - 1))
    value = (value & ~(0b11 << 62)) | (0b10 << 62)
    return str(uuid.UUID(int=value))


def old_records(version: int) -> list[dict]:
    """Five submitted responses and one survey left open, as an older kiosk queued them."""
    start = int(time.time() * 1000) - 3_600_000
    records = []
    for i in range(6):
        at = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(start / 1000 + 60 * i))
        answers = {"overall": 5 - i % 5}
        if i == 1:
            answers.update(staff=4, comment="Cán bộ hướng dẫn tận tình")
        open_survey = i == 5
        record = {
            "id": uuid7(start + 60_000 * i),
            "survey": "tthc_one_stop",
            "version": 1,
            "locale": "en" if i == 2 else "vi",
            "started_at": at,
            "submitted_at": None if open_survey else at,
            "answers": answers,
            "state": "draft" if open_survey else "ready",
            "touched_at": at,
        }
        if version >= 2:
            record["unit_slug"] = "sai-gon"
        records.append(record)
    return records


@pytest.mark.parametrize("old_version", [2, 1])
def test_old_database_keeps_every_queued_response_and_sends_each_once(
    seeded, runner, kiosk_server, new_context, old_version
):
    context = new_context()
    page = context.new_page()
    page.goto(f"{kiosk_server}/healthz")  # the kiosk's origin, before the new app runs there
    reply = context.request.post(
        f"{kiosk_server}/api/v1/kiosk/enroll", data={"code": create_kiosk(runner)}
    )
    assert reply.ok, reply.text()
    enrolled = reply.json()
    records = old_records(old_version)
    dead = [
        {
            "id": str(uuid.uuid4()),
            "response": {"answers": {"overall": 9}},
            "errors": {"answers.overall": "not in 1..5"},
            "rejected_at": records[0]["started_at"],
        }
    ]
    meta = {"token": enrolled["token"], "kiosk": enrolled["kiosk"], "persisted": False}
    page.evaluate(
        WRITE_OLD_DATABASE, {"version": old_version, "records": records, "meta": meta, "dead": dead}
    )

    # The new kiosk opens the old database; nothing may be sent yet, so we can look first.
    context.route("**/api/v1/sync", lambda route: route.abort("connectionrefused"))
    page.goto(f"{kiosk_server}/kiosk")
    page.wait_for_selector(screen("start"))
    assert page.evaluate(SCHEMA) == {
        "version": 3,
        "stores": ["dead", "meta", "outbox"],
        "indexes": {"state": "state", "unit_state": ["unit_slug", "state"]},
    }
    queued = {r["id"]: r for r in read_store(page, "outbox")}
    assert set(queued) == {r["id"] for r in records}
    for record in records:
        kept = queued[record["id"]]
        assert kept["answers"] == record["answers"]
        assert kept["unit_slug"] == "sai-gon"  # v1 records: stamped from the enrolled kiosk
        assert kept["state"] == "ready"  # the open survey was submitted as it stood
    assert queued[records[5]["id"]]["submitted_at"] == records[5]["touched_at"]
    assert outbox_count(page) == 6
    assert read_store(page, "dead") == dead
    assert read_meta(page, "token") == enrolled["token"]

    context.unroute("**/api/v1/sync")
    went_online(page)
    expect(page.locator("[data-outbox-count]")).to_have_text("0", timeout=15_000)
    stored = exported(runner)  # fails on an id stored twice
    assert set(stored) == {r["id"] for r in records}
    for record in records:
        row = stored[record["id"]]
        assert row["answers"] == record["answers"]
        assert (row["unit"], row["locale"]) == ("sai-gon", record["locale"])

    # Reopened (no upgrade now), the kiosk has nothing left to send and sends nothing again.
    sent: list[list[str]] = []
    context.route(
        "**/api/v1/sync",
        lambda route: (
            sent.append([r["id"] for r in json.loads(route.request.post_data)["responses"]]),
            route.continue_(),
        ),
    )
    page.reload()
    page.wait_for_selector(screen("start"))
    page.click("[data-rating='4']")
    page.click("[data-action=submit]")
    expect(page.locator("[data-outbox-count]")).to_have_text("0")
    assert len(sent) == 1
    assert len(sent[0]) == 1
    assert set(sent[0]).isdisjoint(stored)
    assert len(exported(runner)) == 7
