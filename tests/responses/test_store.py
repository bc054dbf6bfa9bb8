"""`store_responses`: the one way in stores each id once and counts exactly what it stored."""

from datetime import UTC, datetime, timedelta

import uuid6
from sqlalchemy import func, select

from tests.factories import kiosk_for
from webapp.extensions import db
from webapp.responses import rollups
from webapp.responses.models import AnswerCount, Response
from webapp.responses.services import store_responses
from webapp.surveys.services import get_version


def _rows(kiosk, count: int, at: datetime) -> list[dict]:
    version = get_version("tthc_one_stop", 1)
    return [
        {
            "id": uuid6.uuid7(),
            "kiosk_id": kiosk.id,
            "unit_id": kiosk.unit_id,
            "survey_version_id": version.id,
            "locale": "vi",
            "answers": {"overall": 5 - i % 2, "receipt": "co"},
            "overall": 5 - i % 2,
            "device_submitted_at": at + timedelta(minutes=i),
            "submitted_at": at + timedelta(minutes=i),
            # Demo data and benchmarks give every row its own receipt time.
            "received_at": at + timedelta(minutes=i, seconds=7),
        }
        for i in range(count)
    ]


def _counted() -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(AnswerCount.responses), 0)).where(
            AnswerCount.question_id == rollups.ALL
        )
    )


def test_stores_new_ids_once_and_counts_only_those(seeded):
    at = datetime(2025, 2, 10, 3, 0, tzinfo=UTC)
    with seeded.app_context():
        kiosk = kiosk_for("sai-gon")
        first = _rows(kiosk, 3, at)
        assert store_responses(first) == {row["id"] for row in first}
        more = _rows(kiosk, 2, at + timedelta(hours=1))
        # A retried batch with two new rows: only those are stored and counted.
        assert store_responses(first + more) == {row["id"] for row in more}
        assert store_responses([]) == set()
        db.session.commit()

        assert db.session.scalar(select(func.count()).select_from(Response)) == 5
        assert _counted() == 5
        assert rollups.rollup_differences() == {}
        stored = db.session.get(Response, first[1]["id"])
        assert stored.received_at == first[1]["received_at"]
        assert (stored.flagged, stored.flags, stored.clock_skew_seconds) == (False, [], 0)
        assert stored.device_started_at is None
