"""Racing and retried batches are stored exactly once (threads, and gunicorn workers)."""

import multiprocessing
import random
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import gunicorn_server
from tests.kiosk_api import _client
from tests.kiosk_api.conftest import batch, enroll_kiosk, response_item, stored_count
from webapp.audit.models import AuditEvent
from webapp.extensions import db


def overlapping_batches(pool: list[dict], count: int, size: int, seed: int) -> list[dict]:
    """`count` batches of random, overlapping picks from `pool`, plus the whole pool once
    (so every id is sent at least once) and an invalid response in every batch."""
    chooser = random.Random(seed)
    picks = [chooser.sample(pool, size) for _ in range(count)]
    picks += [pool[i : i + size] for i in range(0, len(pool), size)]
    chooser.shuffle(picks)
    return [batch([*items, response_item(locale="xx")]) for items in picks]


def the_pool(size: int) -> list[dict]:
    start = datetime.now(UTC) - timedelta(days=2)
    return [response_item(submitted=start + timedelta(seconds=30 * i)) for i in range(size)]


def check_exactly_once(app, pool: list[dict], replies: list) -> None:
    assert {status for status, _ in replies} == {200}
    accepted = [i for _, body in replies for i in body["accepted"]]
    # Each id is accepted by exactly one request; every other request saw it as a duplicate.
    assert sorted(accepted) == sorted(item["id"] for item in pool)
    for _, body in replies:
        assert len(body["rejected"]) == 1
    with app.app_context():
        assert stored_count() == len(pool)
        conflicts = select(func.count()).where(AuditEvent.action == "sync.conflict")
        assert db.session.scalar(conflicts) == 0


def test_threads_racing_on_the_same_ids_store_each_once(seeded):
    with seeded.app_context():
        kiosk = enroll_kiosk()
    pool = the_pool(120)
    bodies = overlapping_batches(pool, count=12, size=40, seed=1)

    def send(body):
        reply = seeded.test_client().post("/api/v1/sync", json=body, headers=kiosk.headers)
        return reply.status_code, reply.get_json()

    with ThreadPoolExecutor(6) as threads:
        replies = list(threads.map(send, bodies))

    check_exactly_once(seeded, pool, replies)


@pytest.mark.slow
def test_gunicorn_workers_and_client_processes_store_each_once(seeded):
    with seeded.app_context():
        kiosk = enroll_kiosk()
    pool = the_pool(300)
    bodies = overlapping_batches(pool, count=24, size=60, seed=2)
    shares = [bodies[i::3] for i in range(3)]  # three client processes, three threads each

    with gunicorn_server(workers=2, FLASK_RATELIMIT_ENABLED="false") as url:
        spawn = multiprocessing.get_context("spawn")
        with spawn.Pool(3) as processes:
            results = processes.starmap(
                _client.post_many, [(url, kiosk.token, share) for share in shares]
            )

    check_exactly_once(seeded, pool, [reply for result in results for reply in result])
