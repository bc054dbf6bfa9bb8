"""Hand-made field rows for the results and inspection tests (inserted directly, no API)."""

from datetime import UTC, datetime

import uuid6

from tests.factories import PASSWORD
from webapp.auth.services import create_user
from webapp.extensions import db
from webapp.field.devices import issue_field_token
from webapp.field.models import FieldResponse
from webapp.surveys.services import get_version
from webapp.units.services import get_unit

WARD = "tan-dinh"
OTHER_WARD = "sai-gon"
# Wednesday 11 June 2025, 10:00 in Ho Chi Minh City.
AT = datetime(2025, 6, 11, 3, 0, tzinfo=UTC)
CHECKS = (
    "insp_card_worn",
    "insp_attire_proper",
    "insp_nameplate",
    "insp_at_desk",
    "insp_polite",
    "insp_no_money_asked",
    "insp_queue_working",
    "insp_procedures_fees_posted",
    "insp_feedback_posted",
    "insp_receipts_issued",
)


def surveyor(email: str = "ban-mttq@example.vn", *slugs: str):
    """(user, device, token) of a surveyor bound to the wards (default both test wards)."""
    user = create_user(
        email, "surveyor", PASSWORD, [get_unit(s) for s in slugs or (WARD, OTHER_WARD)]
    )
    device, token = issue_field_token(user)
    db.session.flush()
    return user, device, token


def add_field(device, slug: str, answers: dict, *, at=AT, survey="papi_household", version=1):
    version_row = get_version(survey, version)
    row = FieldResponse(
        id=uuid6.uuid7(),
        device_id=device.id,
        surveyor_id=device.surveyor_id,
        unit_id=get_unit(slug).id,
        survey_version_id=version_row.id,
        locale="vi",
        answers=answers,
        device_submitted_at=at,
        submitted_at=at,
        received_at=at,
    )
    db.session.add(row)
    db.session.flush()
    return row


def checklist(failed: dict[str, str] | None = None) -> dict:
    """Inspection answers: every check complies but those of `failed` {id: finding}."""
    failed = failed or {}
    answers: dict = {"insp_visit_time": "morning"}
    for check in CHECKS:
        answers[check] = check not in failed
        if check in failed:
            answers[f"{check}_finding"] = failed[check]
    return answers
