"""POST /api/v1/kiosk/enroll: one-time codes exchanged for device tokens."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import make_app
from webapp.audit.models import AuditEvent
from webapp.dbtypes import utcnow
from webapp.extensions import db
from webapp.kiosk.models import Kiosk
from webapp.kiosk.services import create_kiosk, hash_secret, revoke_kiosk
from webapp.units.services import get_unit


def new_code(app, slug="sai-gon") -> tuple[int, str]:
    with app.app_context():
        kiosk, code = create_kiosk(get_unit(slug), "counter 1")
        db.session.commit()
        return kiosk.id, code


@pytest.mark.parametrize("typed", ["{code}", "{lower}", "{compact}", " {spaced} "])
def test_enroll_accepts_the_code_in_any_case_and_with_or_without_dash(seeded, client, typed):
    kiosk_id, code = new_code(seeded)
    text = typed.format(
        code=code,
        lower=code.lower(),
        compact=code.replace("-", ""),
        spaced=code.replace("-", " - "),
    )

    reply = client.post("/api/v1/kiosk/enroll", json={"code": text})

    assert reply.status_code == 200, reply.get_json()
    body = reply.get_json()
    assert body["kiosk"] == {
        "id": kiosk_id,
        "name": "counter 1",
        "unit": {"slug": "sai-gon", "name": {"vi": "Phường Sài Gòn", "en": "Sai Gon Ward"}},
    }
    assert len(body["token"]) >= 40
    with seeded.app_context():
        kiosk = db.session.get(Kiosk, kiosk_id)
        assert kiosk.token_hash == hash_secret(body["token"])  # only the hash is kept
        assert kiosk.enroll_code_hash is None
        assert kiosk.enrolled_at is not None
        assert kiosk.status == "enrolled"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "kiosk.enroll"))
        assert event.target == f"kiosk:{kiosk_id}"
        assert event.actor_kiosk_id == kiosk_id
    # The token works at once.
    config = client.get(
        "/api/v1/kiosk/config", headers={"Authorization": "Bearer " + body["token"]}
    )
    assert config.status_code == 200


def test_a_used_code_is_refused_and_the_first_token_keeps_working(seeded, client):
    _, code = new_code(seeded)
    first = client.post("/api/v1/kiosk/enroll", json={"code": code}).get_json()

    again = client.post("/api/v1/kiosk/enroll", json={"code": code})

    assert again.status_code == 400
    assert again.get_json()["error"] == "invalid_code"
    assert "already been used" in again.get_json()["message"]
    auth = {"Authorization": "Bearer " + first["token"]}
    assert client.get("/api/v1/kiosk/config", headers=auth).status_code == 200


def test_an_expired_code_gets_410_and_enrolls_nothing(seeded, client):
    kiosk_id, code = new_code(seeded)
    with seeded.app_context():
        db.session.get(Kiosk, kiosk_id).enroll_code_expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()

    reply = client.post("/api/v1/kiosk/enroll", json={"code": code})

    assert reply.status_code == 410
    assert reply.get_json()["error"] == "expired_code"
    assert "expired" in reply.get_json()["message"]
    with seeded.app_context():
        kiosk = db.session.get(Kiosk, kiosk_id)
        assert kiosk.token_hash is None
        assert kiosk.enrolled_at is None


def test_a_revoked_kiosks_code_is_refused(seeded, client):
    kiosk_id, code = new_code(seeded)
    with seeded.app_context():
        revoke_kiosk(db.session.get(Kiosk, kiosk_id))
        db.session.commit()
    assert client.post("/api/v1/kiosk/enroll", json={"code": code}).status_code == 400


@pytest.mark.parametrize(
    "kwargs",
    [
        {"json": {"code": "ABCD-EFGH"}},  # well-formed but unknown
        {"json": {}},
        {"json": {"code": 12345678}},
        {"json": {"code": ""}},
        {"json": ["ABCD-EFGH"]},
        {"data": "{not json", "content_type": "application/json"},
        {"data": "code=ABCD-EFGH", "content_type": "application/x-www-form-urlencoded"},
    ],
)
def test_bad_enroll_requests_get_a_clear_400(seeded, client, kwargs):
    new_code(seeded)
    reply = client.post("/api/v1/kiosk/enroll", **kwargs)
    assert reply.status_code == 400
    assert set(reply.get_json()) == {"error", "message"}
    with seeded.app_context():
        assert db.session.scalar(select(Kiosk.enrolled_at)) is None


def test_re_enrolling_with_a_new_code_replaces_the_old_token(seeded, client):
    from webapp.kiosk.services import issue_enrollment_code

    kiosk_id, code = new_code(seeded)
    old = client.post("/api/v1/kiosk/enroll", json={"code": code}).get_json()["token"]
    with seeded.app_context():
        second_code = issue_enrollment_code(db.session.get(Kiosk, kiosk_id))
        db.session.commit()
    new = client.post("/api/v1/kiosk/enroll", json={"code": second_code}).get_json()["token"]

    assert (
        client.get("/api/v1/kiosk/config", headers={"Authorization": "Bearer " + old}).status_code
        == 401
    )
    assert (
        client.get("/api/v1/kiosk/config", headers={"Authorization": "Bearer " + new}).status_code
        == 200
    )


def test_trying_many_codes_is_rate_limited_with_retry_after(seeded):
    app = make_app(RATELIMIT_ENABLED=True, ENROLL_RATE_LIMIT="3 per minute")
    client = app.test_client()
    replies = [
        client.post("/api/v1/kiosk/enroll", json={"code": f"AAAA-AAA{n}"}) for n in range(2, 6)
    ]

    assert [r.status_code for r in replies] == [400, 400, 400, 429]
    limited = replies[-1]
    assert limited.get_json()["error"] == "too_many_requests"
    assert int(limited.headers["Retry-After"]) > 0


def test_two_tablets_racing_with_one_code_get_one_token(seeded):
    from concurrent.futures import ThreadPoolExecutor

    _, code = new_code(seeded)

    def attempt(_):
        return seeded.test_client().post("/api/v1/kiosk/enroll", json={"code": code})

    with ThreadPoolExecutor(4) as threads:
        replies = list(threads.map(attempt, range(4)))

    assert sorted(r.status_code for r in replies) == [200, 400, 400, 400]
    token = next(r.get_json()["token"] for r in replies if r.status_code == 200)
    with seeded.app_context():
        assert db.session.scalar(select(Kiosk.token_hash)) == hash_secret(token)
