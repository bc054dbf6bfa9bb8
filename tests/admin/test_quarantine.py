"""Quarantined responses can be corrected and replayed, or dismissed with a reason (issue 15)."""

import json

import pytest
from sqlalchemy import func, select

from tests.factories import login, make_user
from tests.kiosk_api.conftest import batch, enroll_kiosk, response_item
from webapp.audit.models import AuditEvent
from webapp.extensions import db
from webapp.kiosk.models import Kiosk
from webapp.responses.models import AnswerCount, QuarantinedResponse, Response


@pytest.fixture
def held(seeded):
    """A response refused because its survey key was renamed on the kiosk."""
    with seeded.app_context():
        kiosk = enroll_kiosk()
        make_user("admin@q1.vn", "admin")
        db.session.commit()
    item = response_item(survey="tthc_mot_cua_cu", answers={"overall": 2, "comment": "Chờ lâu"})
    reply = seeded.test_client().post("/api/v1/sync", json=batch([item]), headers=kiosk.headers)
    assert reply.get_json()["rejected"][0]["id"] == item["id"]
    with seeded.app_context():
        row = db.session.scalar(select(QuarantinedResponse))
        last_seen = db.session.get(Kiosk, kiosk.id).last_sync_at
        return {"id": row.id, "item": item, "kiosk_id": kiosk.id, "last_seen": last_seen}


@pytest.fixture
def admin(seeded, held):
    client = seeded.test_client()
    login(client, "admin@q1.vn")
    return client


def counts(app):
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Response)),
            db.session.scalar(select(func.count()).select_from(QuarantinedResponse)),
            db.session.scalar(select(func.coalesce(func.sum(AnswerCount.responses), 0))),
        )


def test_a_corrected_response_is_stored_once_and_resolved(seeded, held, admin):
    url = f"/admin/quarantine/{held['id']}"
    page = admin.get(url).get_data(as_text=True)
    assert "tthc_mot_cua_cu" in page
    corrected = {**held["item"], "survey": "tthc_one_stop"}
    reply = admin.post(
        url,
        data={
            "replay-payload": json.dumps(corrected),
            "replay-note": "khóa phiếu đổi tên",
            "replay-replay": "1",
        },
    )
    assert reply.status_code == 302
    with seeded.app_context():
        stored = db.session.scalar(select(Response))
        assert str(stored.id) == held["item"]["id"]
        assert stored.answers["comment"] == "Chờ lâu"
        row = db.session.get(QuarantinedResponse, held["id"])
        assert row.resolution == "replayed"
        assert row.resolution_note == "khóa phiếu đổi tên"
        assert db.session.get(Kiosk, held["kiosk_id"]).last_sync_at == held["last_seen"]
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert "quarantine.replay" in actions
    assert counts(seeded)[2] > 0  # counted for the figures too
    again = admin.post(url, data={"replay-payload": json.dumps(corrected), "replay-replay": "1"})
    assert again.status_code == 400
    assert counts(seeded)[:2] == (1, 1)


def test_a_response_still_wrong_is_refused_and_nothing_changes(seeded, held, admin):
    before = counts(seeded)
    url = f"/admin/quarantine/{held['id']}"
    still_wrong = {**held["item"], "survey": "tthc_one_stop", "answers": {"overall": 9}}
    reply = admin.post(url, data={"replay-payload": json.dumps(still_wrong), "replay-replay": "1"})
    assert reply.status_code == 400
    assert "answers.overall" in reply.get_data(as_text=True)
    not_json = admin.post(url, data={"replay-payload": "{oops", "replay-replay": "1"})
    assert not_json.status_code == 400
    assert counts(seeded) == before
    with seeded.app_context():
        assert db.session.get(QuarantinedResponse, held["id"]).resolved_at is None


def test_dismissing_needs_a_reason_and_is_audited(seeded, held, admin):
    url = f"/admin/quarantine/{held['id']}"
    assert admin.post(url, data={"dismiss-reason": "", "dismiss-dismiss": "1"}).status_code == 400
    reply = admin.post(url, data={"dismiss-reason": "phiếu thử", "dismiss-dismiss": "1"})
    assert reply.status_code == 302
    with seeded.app_context():
        row = db.session.get(QuarantinedResponse, held["id"])
        assert (row.resolution, row.resolution_note) == ("dismissed", "phiếu thử")
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "quarantine.dismiss")
        )
        assert event.details["reason"] == "phiếu thử"
    listing = admin.get("/admin/quarantine").get_data(as_text=True)
    assert "đã loại bỏ" in listing
