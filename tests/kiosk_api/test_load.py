"""Fifty kiosks syncing at once for a short while (the short form of bench/load.py).

Correctness under load, not speed: every response sent is stored once and counted once, and
no request fails with a 5xx. The latency figures are printed for the record; the benchmark
(`bench/load.py`, docs/performance.md) is where they are judged.
"""

import pytest
from sqlalchemy import func, select

from bench.load import kiosk_load
from tests.conftest import gunicorn_server
from tests.kiosk_api.conftest import enroll_kiosk
from webapp.extensions import db
from webapp.responses.models import Response
from webapp.responses.rollups import rollup_differences

pytestmark = pytest.mark.slow

KIOSKS = 50
SECONDS = 12


def test_fifty_kiosks_store_every_response_once(seeded):
    with seeded.app_context():
        tokens = [enroll_kiosk(name=f"tai-{i + 1}").token for i in range(KIOSKS)]
    with gunicorn_server(workers=2) as url:
        result = kiosk_load(url, tokens, SECONDS, seed=7)
    print(f"load: {result.summary()}")
    assert result.server_errors == 0, result.statuses
    assert result.undelivered == 0
    assert result.acknowledged == result.sent
    assert len(result.sent) > KIOSKS * 5  # the load really ran
    with seeded.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == len(result.sent)
        assert rollup_differences() == {}
