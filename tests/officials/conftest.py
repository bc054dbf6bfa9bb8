"""Helpers for the officials tests: officials, responses that name them."""

from datetime import UTC, datetime, timedelta

import uuid6
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.officials.models import Official, OfficialMove
from webapp.responses.services import store_responses
from webapp.surveys.services import get_version

FEB = datetime(2025, 2, 10, 2, 0, tzinfo=UTC)  # 09:00 in Ho Chi Minh City


def official_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Official))


def move_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OfficialMove))


def add_answers(kiosk, official, ratings, *, at=FEB, flagged=False, answers=None) -> None:
    """One response per rating at the kiosk's unit, naming `official` (or nobody)."""
    version = get_version("tthc_one_stop", 1)
    rows = []
    for i, rating in enumerate(ratings):
        moment = at + timedelta(minutes=i)
        rows.append(
            {
                "id": uuid6.uuid7(),
                "kiosk_id": kiosk.id,
                "unit_id": kiosk.unit_id,
                "survey_version_id": version.id,
                "locale": "vi",
                "answers": {"overall": rating, **(answers or {})},
                "overall": rating,
                "device_submitted_at": moment,
                "submitted_at": moment,
                "received_at": moment,
                "flagged": flagged,
                "flags": ["burst"] if flagged else [],
                "official_id": official.id if official is not None else None,
            }
        )
    store_responses(rows)
    db.session.flush()
