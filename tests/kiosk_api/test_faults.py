"""Fault tests (issue 15): workers killed with SIGKILL in the middle of syncs, while clients
retry as the kiosk does; every response is stored exactly once. Figures go to
docs/reliability.md."""

import json
import os
import signal
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import gunicorn_server
from tests.kiosk_api.conftest import batch, enroll_kiosk, response_item, stored_count
from tests.kiosk_api.test_concurrency import the_pool
from webapp.audit.services import verify_chain
from webapp.extensions import db
from webapp.responses.models import AnswerCount
from webapp.responses.rollups import rollup_differences

pytestmark = pytest.mark.slow


def sync_until_acknowledged(base_url: str, token: str, body: dict, deadline: float) -> dict:
    """POST one batch until a 200 answers it, as the kiosk's outbox does (a dropped
    connection or a 5xx is not an acknowledgement)."""
    data = json.dumps(body).encode()
    attempts = 0
    while time.monotonic() < deadline:
        attempts += 1
        request = urllib.request.Request(
            base_url + "/api/v1/sync",
            data=data,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return {"attempts": attempts, **json.loads(reply.read())}
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            time.sleep(0.05 * min(attempts, 10))
    raise AssertionError("a batch was never acknowledged")


def worker_pids(master_pid: int) -> list[int]:
    """The gunicorn master's children, read from /proc (the parent pid is field 4 of stat)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid:
            pids.append(int(stat.parent.name))
    return pids


def test_workers_killed_mid_sync_lose_and_double_nothing(seeded):
    with seeded.app_context():
        kiosk = enroll_kiosk()
    pool = the_pool(4000)
    # Overlapping batches: every id is in two batches, sent by different clients.
    bodies = [batch(pool[i : i + 100]) for i in range(0, len(pool), 50)]
    kills = 0
    stop = threading.Event()
    with gunicorn_server(workers=2, with_process=True) as (url, master):

        def killer():
            nonlocal kills
            while not stop.wait(0.3):
                for pid in worker_pids(master.pid)[:1]:
                    try:
                        os.kill(pid, signal.SIGKILL)
                        kills += 1
                    except ProcessLookupError:
                        pass

        thread = threading.Thread(target=killer)
        thread.start()
        deadline = time.monotonic() + 120
        try:
            with ThreadPoolExecutor(4) as clients:
                replies = list(
                    clients.map(
                        lambda b: sync_until_acknowledged(url, kiosk.token, b, deadline), bodies
                    )
                )
        finally:
            stop.set()
            thread.join()
    assert kills >= 1, "the test must really kill workers"
    retried = sum(r["attempts"] - 1 for r in replies)
    with seeded.app_context():
        assert stored_count() == len(pool)  # nothing lost, nothing doubled
        assert rollup_differences() == {}  # and counted exactly once
        assert db.session.scalar(select(func.count()).select_from(AnswerCount)) > 0
        assert verify_chain().intact
    print(
        f"faults: {kills} workers killed, {retried} retries, sent {len(pool)}, stored {len(pool)}"
    )


def test_a_killed_request_is_not_half_stored(seeded):
    """The batch that was in flight when its worker died is either all stored or not at all:
    a single transaction holds the responses and their counts."""
    with seeded.app_context():
        kiosk = enroll_kiosk()
    items = [response_item() for _ in range(300)]
    with gunicorn_server(workers=1, with_process=True) as (url, master):
        sender = threading.Thread(
            target=lambda: sync_until_acknowledged(
                url, kiosk.token, batch(items), time.monotonic() + 60
            )
        )
        sender.start()
        time.sleep(0.05)
        for pid in worker_pids(master.pid):
            os.kill(pid, signal.SIGKILL)
        sender.join()
    with seeded.app_context():
        assert stored_count() == len(items)
        assert rollup_differences() == {}
