"""GET /api/v1/kiosk/config: what a kiosk needs offline, with an ETag."""

import hashlib
from datetime import datetime

from tests.conftest import make_app
from tests.kiosk_api.conftest import enroll_kiosk
from webapp.extensions import db
from webapp.kiosk.models import Kiosk
from webapp.kiosk.services import check_staff_pin, hash_staff_pin, revoke_kiosk
from webapp.kiosk.strings import kiosk_strings
from webapp.surveys.services import get_version, publish
from webapp.units.services import get_unit


def test_config_has_unit_surveys_settings_and_strings(kiosk, client):
    reply = client.get("/api/v1/kiosk/config", headers=kiosk.headers)

    assert reply.status_code == 200
    body = reply.get_json()
    assert body["kiosk"] == {"id": kiosk.id, "name": "sai-gon-1"}
    assert body["unit"] == {
        "slug": "sai-gon",
        "name": {"vi": "Phường Sài Gòn", "en": "Sai Gon Ward"},
        "type": "ward_one_stop",
        "active": True,
    }
    assert [(s["key"], s["version"]) for s in body["surveys"]] == [("tthc_one_stop", 1)]
    definition = body["surveys"][0]["definition"]
    assert definition["questions"][0]["id"] == "overall"
    assert body["settings"]["reset_seconds"] == 8
    assert body["settings"]["idle_seconds"] == 45
    assert body["settings"]["cooldown_seconds"] == 5
    assert body["settings"]["default_domain"] is None
    assert body["settings"]["staff_pin"] is None
    assert body["strings"] == kiosk_strings()
    assert set(body["strings"]["vi"]) == set(body["strings"]["en"])
    assert datetime.fromisoformat(body["server_time"]).tzinfo is not None
    assert reply.headers["ETag"].startswith('W/"')
    assert reply.headers["Cache-Control"] == "no-cache"


def test_settings_come_from_configuration_and_the_units_default_domain(seeded):
    app = make_app(KIOSK_RESET_SECONDS=12, KIOSK_IDLE_SECONDS=30, KIOSK_COOLDOWN_SECONDS=3)
    with app.app_context():
        land = enroll_kiosk("q1-dang-ky-dat-dai")
        school = enroll_kiosk("q1-mn-ben-thanh")
    client = app.test_client()

    land_config = client.get("/api/v1/kiosk/config", headers=land.headers).get_json()
    school_config = client.get("/api/v1/kiosk/config", headers=school.headers).get_json()

    assert land_config["settings"]["default_domain"] == "dat_dai"
    assert (
        land_config["settings"]["reset_seconds"],
        land_config["settings"]["idle_seconds"],
        land_config["settings"]["cooldown_seconds"],
    ) == (12, 30, 3)
    assert [s["key"] for s in school_config["surveys"]] == ["school_public"]


def test_a_kiosks_own_default_domain_wins(kiosk, client, seeded):
    with seeded.app_context():
        db.session.get(Kiosk, kiosk.id).default_domain_code = "ho_tich"
        db.session.commit()
    body = client.get("/api/v1/kiosk/config", headers=kiosk.headers).get_json()
    assert body["settings"]["default_domain"] == "ho_tich"


def test_the_staff_pin_can_be_checked_offline_from_the_config(kiosk, client, seeded):
    with seeded.app_context():
        pin_hash = hash_staff_pin("2468")
        get_unit("sai-gon").staff_pin_hash = pin_hash
        db.session.commit()
        assert check_staff_pin(pin_hash, "2468")
        assert not check_staff_pin(pin_hash, "1357")

    pin = client.get("/api/v1/kiosk/config", headers=kiosk.headers).get_json()["settings"][
        "staff_pin"
    ]

    # What the kiosk does with WebCrypto deriveBits(PBKDF2, SHA-256):
    def derive(candidate: str) -> str:
        return hashlib.pbkdf2_hmac(
            "sha256", candidate.encode(), pin["salt"].encode(), pin["iterations"]
        ).hex()

    assert pin["algorithm"] == "PBKDF2"
    assert pin["hash"] == "SHA-256"
    assert derive("2468") == pin["key"]
    assert derive("1357") != pin["key"]
    assert "2468" not in str(pin)


def test_etag_gives_304_until_the_config_changes(kiosk, client, seeded):
    first = client.get("/api/v1/kiosk/config", headers=kiosk.headers)
    etag = first.headers["ETag"]

    same = client.get("/api/v1/kiosk/config", headers={**kiosk.headers, "If-None-Match": etag})
    assert same.status_code == 304
    assert same.data == b""
    assert same.headers["ETag"] == etag

    with seeded.app_context():
        definition = dict(get_version("tthc_one_stop", 1).definition)
        definition["title"] = {"vi": "Khảo sát mới", "en": "New survey"}
        publish(definition)
        db.session.commit()

    changed = client.get("/api/v1/kiosk/config", headers={**kiosk.headers, "If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert [s["version"] for s in changed.get_json()["surveys"]] == [2]


def test_config_records_what_the_kiosk_reports_in_headers(kiosk, client, seeded):
    client.get(
        "/api/v1/kiosk/config",
        headers={
            **kiosk.headers,
            "X-Kiosk-App-Version": "1.4.2",
            "X-Kiosk-Queued": "17",
            "X-Kiosk-Storage-Persisted": "true",
            "User-Agent": "Mozilla/5.0 (Linux; Android 11; SM-T225)",
        },
    )
    with seeded.app_context():
        row = db.session.get(Kiosk, kiosk.id)
        assert (row.app_version, row.queued_count, row.storage_persisted) == ("1.4.2", 17, True)
        assert "SM-T225" in row.user_agent
        assert row.last_seen_at is not None

    # Garbage is ignored, never an error, and does not erase what was known.
    reply = client.get(
        "/api/v1/kiosk/config",
        headers={**kiosk.headers, "X-Kiosk-Queued": "-3", "X-Kiosk-Storage-Persisted": "maybe"},
    )
    assert reply.status_code == 200
    with seeded.app_context():
        row = db.session.get(Kiosk, kiosk.id)
        assert (row.queued_count, row.storage_persisted) == (17, True)


def test_config_needs_a_valid_token(kiosk, client, seeded):
    assert client.get("/api/v1/kiosk/config").status_code == 401
    wrong = client.get("/api/v1/kiosk/config", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.get_json()["error"] == "unauthorized"
    basic = client.get("/api/v1/kiosk/config", headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert basic.status_code == 401

    with seeded.app_context():
        revoke_kiosk(db.session.get(Kiosk, kiosk.id))
        db.session.commit()
    revoked = client.get("/api/v1/kiosk/config", headers=kiosk.headers)
    assert revoked.status_code == 403
    assert revoked.get_json()["error"] == "revoked"
