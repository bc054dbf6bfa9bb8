"""What a kiosk downloads to work offline: `GET /api/v1/kiosk/config`."""

import hashlib
import json

from flask import current_app

from webapp.contacts.services import contact_settings
from webapp.kiosk.models import Kiosk
from webapp.kiosk.services import staff_pin_for_kiosk
from webapp.kiosk.strings import kiosk_strings
from webapp.officials.services import officials_of
from webapp.surveys.services import surveys_for_unit_type


def kiosk_config(kiosk: Kiosk) -> dict:
    """The kiosk's unit, the survey versions it shows, its settings and UI texts.

    `server_time` is added by the caller: it changes on every request and is left out of
    the ETag (see `config_etag`).
    """
    config = current_app.config
    unit = kiosk.unit
    return {
        "kiosk": {"id": kiosk.id, "name": kiosk.name},
        "unit": {
            "slug": unit.slug,
            "name": {"vi": unit.name_vi, "en": unit.name_en},
            "type": unit.type_code,
            "active": unit.active,
        },
        "surveys": [
            {
                "key": version.survey.key,
                "version": version.version,
                "title": {"vi": version.survey.title_vi, "en": version.survey.title_en},
                "definition": version.definition,
            }
            for version in surveys_for_unit_type(unit.type_code)
        ],
        "settings": {
            "reset_seconds": int(config["KIOSK_RESET_SECONDS"]),
            "idle_seconds": int(config["KIOSK_IDLE_SECONDS"]),
            "cooldown_seconds": int(config["KIOSK_COOLDOWN_SECONDS"]),
            "default_domain": kiosk.default_domain_code or unit.default_domain_code,
            "staff_pin": staff_pin_for_kiosk(unit.staff_pin_hash),
            "sync_max_responses": int(config["SYNC_MAX_RESPONSES"]),
            "sync_max_bytes": int(config["SYNC_MAX_BYTES"]),
        },
        # Who may be named as serving at this counter (SPEC 11); each with their own counter
        # PIN check (as the staff PIN) when they set one.
        "officials": [
            {
                "code": official.code,
                "name": official.full_name,
                "title": official.title or "",
                "pin": staff_pin_for_kiosk(official.pin_hash),
            }
            for official in officials_of(unit, active_only=True)
        ],
        # The follow-up contact opt-in screen (SPEC 13) and the consent text it shows.
        "contact": contact_settings(bool(unit.contact_optin)),
        "strings": kiosk_strings(),
    }


def config_etag(body: dict) -> str:
    """SHA-256 of the canonical JSON of the config (without server_time)."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
