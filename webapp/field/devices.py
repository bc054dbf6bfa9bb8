"""Surveyors' phones: the device token `/field` obtains once, and what it downloads."""

import secrets

from flask import current_app

from webapp.audit.services import record
from webapp.auth.models import User
from webapp.contacts.services import contact_settings
from webapp.dbtypes import utcnow
from webapp.errors import APIError
from webapp.extensions import db
from webapp.field.ingest import records_contact, surveyable_units
from webapp.kiosk.models import Kiosk
from webapp.kiosk.services import hash_secret
from webapp.surveys.services import field_surveys


def issue_field_token(user: User, user_agent: str = "") -> tuple[Kiosk, str]:
    """A new device (one per phone and sign-in) with a device token for /api/v1/sync.

    Kept in the kiosks table, as a kiosk's token is, hashed: an admin sees and revokes it on
    the kiosks page. Its unit is the surveyor's first one, only so the row has a home; the
    units a response may be about are read from the account at each sync.
    """
    if user.role != "surveyor" or not user.units:
        raise APIError(403, "forbidden", "only a surveyor bound to units gets a field token")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    device = Kiosk(
        unit=user.units[0],
        name=user.email[:120],
        surveyor_id=user.id,
        token_hash=hash_secret(token),
        enrolled_at=now,
        last_seen_at=now,
        user_agent=(user_agent or "")[:300] or None,
    )
    db.session.add(device)
    db.session.flush()
    record("field.token", unit_id=device.unit_id, target=f"kiosk:{device.id}", user=user.email)
    return device, token


def field_config(device: Kiosk) -> dict:
    """GET /api/v1/field/config: the surveyor's units and the field surveys (SPEC 9)."""
    if not device.is_field_device or device.surveyor is None:
        raise APIError(403, "forbidden", "this token is not a surveyor's field device")
    config = current_app.config
    units = sorted(surveyable_units(device).values(), key=lambda unit: unit.name_vi)
    return {
        "surveyor": {"email": device.surveyor.email},
        "units": [
            {"slug": u.slug, "name": {"vi": u.name_vi, "en": u.name_en}, "type": u.type_code}
            for u in units
        ],
        "surveys": [
            {
                "key": version.survey.key,
                "version": version.version,
                "title": {"vi": version.survey.title_vi, "en": version.survey.title_en},
                "unit_types": list(version.survey.unit_types or []),
                "definition": version.definition,
                "records_contact": records_contact(version.definition),
            }
            for version in field_surveys()
        ],
        # The consent a citizen interviewed at home may give (SPEC 13): offered in the
        # interviews of the surveys that record a contact, as the kiosk's opt-in screen is.
        "contact": contact_settings(True),
        "settings": {
            "sync_max_responses": int(config["SYNC_MAX_RESPONSES"]),
            "sync_max_bytes": int(config["SYNC_MAX_BYTES"]),
        },
    }
