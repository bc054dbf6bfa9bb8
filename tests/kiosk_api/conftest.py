"""Helpers for the kiosk API tests: enrolled kiosks, valid responses, sync calls."""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from uuid6 import uuid7

from webapp.extensions import db
from webapp.kiosk.services import create_kiosk, enroll
from webapp.responses.models import QuarantinedResponse, Response
from webapp.units.services import get_unit


@dataclass
class EnrolledKiosk:
    id: int
    token: str

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}


def enroll_kiosk(slug: str = "sai-gon", name: str | None = None) -> EnrolledKiosk:
    """Create and enroll a kiosk directly through the services (committed)."""
    kiosk, code = create_kiosk(get_unit(slug), name)
    kiosk, token = enroll(code)
    db.session.commit()
    return EnrolledKiosk(kiosk.id, token)


@pytest.fixture
def kiosk(seeded) -> EnrolledKiosk:
    with seeded.app_context():
        return enroll_kiosk()


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def response_item(**overrides) -> dict:
    """A valid one-tap tthc_one_stop response submitted a minute ago."""
    submitted = overrides.pop("submitted", None) or datetime.now(UTC) - timedelta(minutes=1)
    item = {
        "id": str(uuid7()),
        "survey": "tthc_one_stop",
        "version": 1,
        "locale": "vi",
        "started_at": iso(submitted - timedelta(seconds=15)),
        "submitted_at": iso(submitted),
        "answers": {"overall": 5},
    }
    item.update(overrides)
    return item


def batch(items: list, device_time: datetime | None = None, **extra) -> dict:
    return {"device_time": iso(device_time or datetime.now(UTC)), "responses": items, **extra}


def stored_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Response))


def quarantine_count() -> int:
    return db.session.scalar(select(func.count()).select_from(QuarantinedResponse))


def snapshot() -> list[tuple]:
    """Every stored response as plain values, to prove bad input changed nothing."""
    db.session.expire_all()
    rows = db.session.scalars(select(Response).order_by(Response.id)).all()
    return [
        (
            r.id,
            r.kiosk_id,
            r.survey_version_id,
            r.locale,
            r.answers,
            r.overall,
            r.domain_code,
            r.submitted_at,
            r.received_at,
            r.flags,
        )
        for r in rows
    ]


HCMC = ZoneInfo("Asia/Ho_Chi_Minh")


def local_past(weekday: int, hour: int, minute: int = 0) -> datetime:
    """A UTC moment 1-2 weeks ago at this local (Ho Chi Minh City) weekday and time."""
    day = datetime.now(HCMC).date() - timedelta(days=7)
    day -= timedelta(days=(day.weekday() - weekday) % 7)
    return datetime.combine(day, time(hour, minute), tzinfo=HCMC).astimezone(UTC)
