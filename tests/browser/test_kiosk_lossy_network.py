"""The kiosk behind a bad network for a whole session: nothing lost, nothing stored twice.

A Playwright route stands between the tablet and the server for every sync request. It
drops 30 % of them (half before the server saw the batch, half after the server stored it
but before the reply arrived), delays others, and answers 500 to 10 % — while citizens keep
answering. The draw is seeded, so a failure can be replayed.
"""

import json
import random
import time
from collections import Counter

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import enrolled_page, exported, read_store, screen
from webapp.responses.rollups import rollup_differences

pytestmark = [pytest.mark.browser]

KIOSK_SETTINGS = {"cooldown_seconds": 0, "reset_seconds": 0}
SURVEYS = 30
SEED = 20261203
# Citizens come one after another, not all in one second: the kiosk syncs between them.
CITIZEN_GAP_MS = 400


FAULTS = [
    (0.15, "dropped before the server"),
    (0.30, "dropped after the server stored"),
    (0.40, "500"),
    (0.55, "delayed"),
    (1.00, "through"),
]


def lossy_network(rng: random.Random, outcomes: Counter):
    # A session has only a few dozen requests (the kiosk batches), so the first ones meet each
    # fault once in a shuffled order; after that the draw decides.
    first = [name for _, name in FAULTS[:-1]]
    rng.shuffle(first)

    def handle(route):
        if first:
            fault = first.pop()
        else:
            draw = rng.random()
            fault = next(name for bound, name in FAULTS if draw < bound)
        outcomes[fault] += 1
        if fault == "dropped before the server":
            route.abort("connectionreset")
        elif fault == "dropped after the server stored":
            route.fetch()  # the server stores the batch; the tablet never hears of it
            route.abort("connectionreset")
        elif fault == "500":
            route.fulfill(status=500, json={"error": "internal_server_error", "message": "boom"})
        elif fault == "delayed":
            reply = route.fetch()
            time.sleep(rng.uniform(0.3, 1.0))  # a slow uplink: the reply comes late
            route.fulfill(response=reply)
        else:
            route.continue_()

    return handle


def test_a_session_on_a_lossy_network_stores_every_answer_once(
    seeded, runner, kiosk_server, new_context
):
    context, page = enrolled_page(new_context, kiosk_server, runner)
    outcomes: Counter = Counter()
    sent_batches: list[list[str]] = []

    def recorded(handler):
        def handle(route):
            sent_batches.append([r["id"] for r in json.loads(route.request.post_data)["responses"]])
            handler(route)

        return handle

    context.route("**/api/v1/sync", recorded(lossy_network(random.Random(SEED), outcomes)))
    for i in range(SURVEYS):
        page.click(f"[data-rating='{5 - i % 5}']")
        page.click("[data-action=submit]")
        page.wait_for_selector(screen("start"))
        page.wait_for_timeout(CITIZEN_GAP_MS)
    ids = {r["id"] for r in read_store(page, "outbox")} | {
        response_id for batch in sent_batches for response_id in batch
    }
    assert len(ids) == SURVEYS

    # The kiosk backs off and retries by itself; 90 s covers several capped back-offs.
    expect(page.locator("[data-outbox-count]")).to_have_text("0", timeout=90_000)

    stored = exported(runner)  # fails if any id was exported twice
    assert set(stored) == ids, "every answer is stored, and only those"
    assert read_store(page, "dead") == []
    with seeded.app_context():
        assert rollup_differences() == {}  # counted exactly once
    # The faults really happened, or the test proves nothing.
    assert all(outcomes[name] >= 1 for _, name in FAULTS[:-1]), outcomes
    resent = sum(len(batch) for batch in sent_batches) - SURVEYS
    assert resent >= 1, "some response must have been sent again"
    print(f"lossy network: {dict(outcomes)}; {len(sent_batches)} requests, {resent} resends")
