"""Fixtures of the alert tests: the demo units, a kiosk in a ward, a fixed moment."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import add_responses, kiosk_for
from webapp.extensions import db

UNIT = "tan-dinh"
OTHER = "sai-gon"
# Monday 10 February 2025, 15:00 in Ho Chi Minh City.
NOW = datetime(2025, 2, 10, 8, 0, tzinfo=UTC)


@pytest.fixture
def kiosk(seeded):
    with seeded.app_context():
        k = kiosk_for(UNIT, "Quầy 1")
        db.session.commit()
        return k.id


def responses(kiosk_id, ratings, *, hours_before=3, **kwargs):
    from webapp.kiosk.models import Kiosk

    kiosk = db.session.get(Kiosk, kiosk_id)
    return add_responses(kiosk, ratings, at=NOW - timedelta(hours=hours_before), **kwargs)
