"""Hand-made rows for the dashboard, admin and access tests (inserted directly, no API).

Responses go in through `store_responses`, counted for the figures as ingest does.
"""

from datetime import UTC, datetime, timedelta

import uuid6

from webapp.auth.services import create_user
from webapp.extensions import db
from webapp.kiosk.services import create_kiosk
from webapp.responses.services import store_responses
from webapp.surveys.services import get_version
from webapp.units.services import get_unit

PASSWORD = "correct-horse-battery"
SURVEY_OF_TYPE = {"ward_one_stop": "tthc_one_stop", "preschool": "school_public"}


def kiosk_for(slug: str, name: str | None = None):
    unit = get_unit(slug)
    kiosk, _code = create_kiosk(unit, name)
    db.session.flush()
    return kiosk


def add_responses(
    kiosk,
    ratings,
    *,
    at: datetime = datetime(2025, 2, 10, 3, 0, tzinfo=UTC),
    step: timedelta = timedelta(minutes=1),
    unit=None,
    survey: str = "tthc_one_stop",
    flagged: bool = False,
    flags=None,
    domain: str | None = None,
    answers: dict | None = None,
    official=None,
) -> list:
    """Insert one response per rating, `step` apart from `at`; returns the ids. `official`
    (an Official) is who served the citizen."""
    version = get_version(survey, 1)
    unit_id = unit.id if unit is not None else kiosk.unit_id
    rows = []
    for i, rating in enumerate(ratings):
        moment = at + i * step
        rows.append(
            {
                "id": uuid6.uuid7(),
                "kiosk_id": kiosk.id,
                "unit_id": unit_id,
                "survey_version_id": version.id,
                "locale": "vi",
                "answers": {"overall": rating, **(answers or {})},
                "overall": rating,
                "domain_code": domain,
                "device_submitted_at": moment,
                "submitted_at": moment,
                "received_at": moment,
                "clock_skew_seconds": 0,
                "flagged": flagged,
                "flags": list(flags or (["burst"] if flagged else [])),
                "official_id": official.id if official is not None else None,
            }
        )
    store_responses(rows)
    db.session.flush()
    return [r["id"] for r in rows]


def make_user(email: str, role: str, *unit_slugs: str, official=None):
    return create_user(email, role, PASSWORD, [get_unit(s) for s in unit_slugs], official)


def login(client, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})
