"""A household interview may record the citizen's consent to a follow-up call (SPEC 13): the
number is stored as a kiosk's is, encrypted in `contacts`, tied to the field interview, and
leaves only through the auditors' CSV; purge and delete --phone reach it too."""

import csv
import io
import json
import uuid

import pytest
from sqlalchemy import func, select, text

from tests.conftest import IS_POSTGRES
from tests.contacts.test_contacts import FORMS, database_bytes
from tests.factories import login, make_user
from tests.field.conftest import item, sync
from webapp.contacts import crypto
from webapp.contacts.consent import CURRENT_VERSION
from webapp.contacts.models import Contact
from webapp.extensions import db
from webapp.field.models import FieldResponse
from webapp.responses.models import QuarantinedResponse

TYPED = "+84 912.345-678"
NATIONAL = "0912345678"


def consented(seeded, phone=TYPED, unit="sai-gon", **contact):
    return item(seeded, unit=unit, contact={"phone": phone, "consent": True, **contact})


def contact_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Contact))


def test_the_config_offers_the_consent_in_household_interviews_only(client, token):
    body = client.get("/api/v1/field/config", headers={"Authorization": f"Bearer {token}"})
    config = body.get_json()
    assert config["contact"]["consent_version"] == CURRENT_VERSION
    assert config["contact"]["consent_text"]["vi"].startswith("Ông/bà đồng ý")
    offered = {survey["key"]: survey["records_contact"] for survey in config["surveys"]}
    assert offered == {"papi_household": True, "conduct_inspection": False}


def test_a_consented_contact_is_stored_encrypted_with_its_interview(seeded, client, token):
    interview = consented(seeded)
    body = sync(client, token, interview).get_json()
    assert body["accepted"] == [interview["id"]]
    with seeded.app_context():
        contact = db.session.scalars(select(Contact)).one()
        assert str(contact.field_response_id) == interview["id"]
        assert contact.response_id is None
        assert contact.unit.slug == "sai-gon"
        assert contact.consent_version == CURRENT_VERSION
        assert crypto.decrypt(contact.phone_ciphertext) == NATIONAL
        stored = db.session.get(FieldResponse, contact.field_response_id)
        assert "contact" not in stored.answers
        if IS_POSTGRES:
            dump = db.session.execute(
                text("SELECT string_agg(row_to_json(r)::text, '') FROM field_responses r")
            ).scalar()
            cipher = db.session.execute(text("SELECT phone_ciphertext FROM contacts")).scalar()
            assert all(form not in dump + cipher for form in FORMS)
        else:
            raw = database_bytes(seeded)
            assert b"sai-gon" in raw  # plain columns are readable: a plain number would show
            for form in FORMS:
                assert form.encode() not in raw, form


def test_a_resent_interview_stores_one_contact(seeded, client, token):
    interview = consented(seeded)
    sync(client, token, interview)
    again = sync(client, token, interview, interview).get_json()
    assert again["duplicates"] == [interview["id"], interview["id"]]
    assert contact_count(seeded) == 1


@pytest.mark.parametrize(
    "contact",
    [
        {"phone": TYPED},  # no consent
        {"phone": TYPED, "consent": "yes"},
        {"phone": "12345", "consent": True},
        {"phone": TYPED, "consent": True, "consent_version": "1999-9"},
    ],
)
def test_a_bad_contact_refuses_the_interview_and_keeps_no_number(seeded, client, token, contact):
    bad = item(seeded, contact=contact)
    good = item(seeded)
    body = sync(client, token, bad, good).get_json()
    assert body["accepted"] == [good["id"]]
    assert [(r["id"], set(r["errors"])) for r in body["rejected"]] == [(bad["id"], {"contact"})]
    assert contact_count(seeded) == 0
    with seeded.app_context():
        held = db.session.scalars(select(QuarantinedResponse)).one()
        assert held.payload["contact_removed"] is True
        assert "contact" not in held.payload


def test_the_auditors_csv_lists_it_a_manager_gets_403(seeded, client, token):
    sync(client, token, consented(seeded))
    with seeded.app_context():
        make_user("auditor@example.vn", "auditor")
        make_user("manager@example.vn", "manager", "sai-gon")
        db.session.commit()
    client.post("/logout")
    login(client, "manager@example.vn")
    assert client.get("/contacts.csv").status_code == 403
    client.post("/logout")
    login(client, "auditor@example.vn")
    data = client.get("/contacts.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(data.lstrip("\ufeff"))))
    assert [row[1:] for row in rows[1:]] == [
        ["Phường Sài Gòn", NATIONAL, CURRENT_VERSION, "phỏng vấn hộ gia đình"]
    ]


def test_delete_by_phone_and_purge_reach_field_contacts(seeded, client, token, runner):
    sync(client, token, consented(seeded), consented(seeded, phone="0903 123 456"))
    result = runner.invoke(args=["contacts", "delete", "--phone", "0912 345 678"])
    assert result.exit_code == 0, result.output
    assert contact_count(seeded) == 1
    with seeded.app_context():
        seeded.config["CONTACT_RETENTION_DAYS"] = 0
    result = runner.invoke(args=["contacts", "purge"])
    assert result.exit_code == 0, result.output
    assert contact_count(seeded) == 0
    with seeded.app_context():
        # The interviews themselves stay: only the numbers go.
        assert db.session.scalar(select(func.count()).select_from(FieldResponse)) == 2


def test_a_contact_belongs_to_exactly_one_response(seeded):
    with seeded.app_context():
        db.session.add(
            Contact(unit_id=1, consent_version="2026-1", phone_ciphertext="x", phone_lookup="y")
        )
        with pytest.raises(Exception, match="(?i)check"):
            db.session.flush()
        db.session.rollback()


def test_a_refused_interview_replayed_by_an_admin_is_stored_without_the_number(
    seeded, client, token
):
    """Quarantine is plain JSON an admin reads: the number never reaches it, so an interview
    corrected and replayed from there is stored without its contact (as a kiosk's)."""
    wrong_ward = consented(seeded, unit="ben-thanh")  # not one of the surveyor's wards
    (refused,) = sync(client, token, wrong_ward).get_json()["rejected"]
    assert set(refused["errors"]) == {"unit"}
    with seeded.app_context():
        held = db.session.scalars(select(QuarantinedResponse)).one()
        assert "contact" not in held.payload
        assert held.payload["contact_removed"] is True
        make_user("admin@example.vn", "admin")
        db.session.commit()
        held_id, payload = held.id, dict(held.payload)
    admin = seeded.test_client()
    login(admin, "admin@example.vn")
    corrected = {**payload, "unit": "tan-dinh"}
    reply = admin.post(
        f"/admin/quarantine/{held_id}",
        data={"replay-payload": json.dumps(corrected), "replay-replay": "1"},
    )
    assert reply.status_code == 302, reply.get_data(as_text=True)
    with seeded.app_context():
        stored = db.session.get(FieldResponse, uuid.UUID(wrong_ward["id"]))
        assert stored.unit.slug == "tan-dinh"
    assert contact_count(seeded) == 0
