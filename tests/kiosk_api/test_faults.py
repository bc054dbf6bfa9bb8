"""Fault tests (issue 15): workers killed with SIGKILL in the middle of syncs, while clients
retry as the kiosk does; every response is stored exactly once. Figures go to
docs/reliability.md."""

import http.client
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

# Enough faults that many batches are cut mid-transaction, few enough to finish in CI.
MAX_KILLS = 12
# A worker is killed once it has been up this long: booted and serving.
WORKER_AGE = 1.5


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
        except (urllib.error.URLError, http.client.HTTPException, OSError):
            time.sleep(0.05 * min(attempts, 10))
    raise AssertionError("a batch was never acknowledged")


def worker_pids(master_pid: int, older_than: float = 0.0) -> list[int]:
    """The gunicorn master's children that have run at least `older_than` seconds, read
    from /proc (field 4 of stat is the parent pid, field 22 the start time in ticks)."""
    ticks = os.sysconf("SC_CLK_TCK")
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid and uptime - int(fields[19]) / ticks >= older_than:
            pids.append(int(stat.parent.name))
    return pids


def test_workers_killed_mid_sync_lose_and_double_nothing(seeded):
    with seeded.app_context():
        kiosk = enroll_kiosk()
    pool = the_pool(4000)
    # Overlapping batches: every id is in two batches, sent by different clients.
    bodies = [batch(pool[i : i + 100]) for i in range(0, len(pool), 50)]
    kills = 0
    done_killing = threading.Event()
    with gunicorn_server(workers=2, with_process=True) as (url, master):

        def killer():
            """Kill a worker that has been up long enough to serve, at most MAX_KILLS times.
            A fixed kill rate would measure how fast gunicorn boots workers, not whether a
            batch survives: on a slow machine the replacements died before serving."""
            nonlocal kills
            while kills < MAX_KILLS and time.monotonic() < deadline:
                for pid in worker_pids(master.pid, older_than=WORKER_AGE)[:1]:
                    try:
                        os.kill(pid, signal.SIGKILL)
                        kills += 1
                    except ProcessLookupError:
                        pass
                time.sleep(0.05)
            done_killing.set()

        deadline = time.monotonic() + 240
        thread = threading.Thread(target=killer)
        thread.start()
        rounds, retried = 0, 0
        # The clients resend every batch, round after round, until the faults are over
        # (as kiosks whose acknowledgements were lost would): resends must store nothing.
        with ThreadPoolExecutor(4) as clients:
            while True:
                replies = list(
                    clients.map(
                        lambda b: sync_until_acknowledged(url, kiosk.token, b, deadline), bodies
                    )
                )
                rounds += 1
                retried += sum(r["attempts"] - 1 for r in replies)
                if done_killing.is_set():
                    break
        thread.join()
    assert kills == MAX_KILLS, "the test must really kill workers"
    assert retried >= 1, "some kill must land mid-request"
    with seeded.app_context():
        assert stored_count() == len(pool)  # nothing lost, nothing doubled
        assert rollup_differences() == {}  # and counted exactly once
        assert db.session.scalar(select(func.count()).select_from(AnswerCount)) > 0
        assert verify_chain().intact
    print(
        f"faults: {kills} workers killed over {rounds} rounds, {retried} retries, "
        f"sent {len(pool)}, stored {len(pool)}"
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
