"""The field app's API (SPEC 9 and 13): a surveyor's device token, its config, and field
responses through /api/v1/sync, stamped with the surveyor and the ward, stored once."""

import re
import uuid

import pytest
from sqlalchemy import func, select

from tests.conftest import make_app
from tests.factories import PASSWORD, kiosk_for, login, make_user
from tests.field.answers import definition_of
from tests.field.conftest import SURVEYOR, item, sync
from webapp.extensions import db
from webapp.field.models import FieldResponse
from webapp.kiosk.models import Kiosk
from webapp.kiosk.services import hash_secret, revoke_kiosk
from webapp.responses.models import AnswerCount, QuarantinedResponse, Response
from webapp.units.services import get_unit


def counts(app):
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(FieldResponse)),
            db.session.scalar(select(func.count()).select_from(Response)),
            db.session.scalar(select(func.count()).select_from(AnswerCount)),
            db.session.scalar(select(func.count()).select_from(QuarantinedResponse)),
        )


# --- the device token --------------------------------------------------------------------


def test_a_surveyor_gets_a_device_token_and_the_field_config(seeded, client, token):
    reply = client.get("/api/v1/field/config", headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 200
    body = reply.get_json()
    assert body["surveyor"] == {"email": SURVEYOR}
    slugs = [unit["slug"] for unit in body["units"]]
    assert {"sai-gon", "tan-dinh"} <= set(slugs)
    assert "ben-thanh" not in slugs  # not assigned
    assert {s["key"] for s in body["surveys"]} == {"papi_household", "conduct_inspection"}
    papi = next(s for s in body["surveys"] if s["key"] == "papi_household")
    assert papi["title"]["vi"]
    assert papi["definition"]["sections"][1]["axis"] == "participation"
    with seeded.app_context():
        device = db.session.scalar(select(Kiosk).where(Kiosk.surveyor_id.is_not(None)))
        assert device.token_hash == hash_secret(token)  # kept hashed only
        assert device.surveyor.email == SURVEYOR


def test_the_kiosk_config_never_lists_field_surveys_and_a_field_token_reads_only_its_own(
    seeded, client, token
):
    with seeded.app_context():
        kiosk = kiosk_for("sai-gon")
        kiosk_token = "k" * 43
        kiosk.token_hash = hash_secret(kiosk_token)
        kiosk.enrolled_at = kiosk.created_at
        db.session.commit()
    reply = client.get("/api/v1/kiosk/config", headers={"Authorization": f"Bearer {kiosk_token}"})
    assert reply.status_code == 200
    assert {s["key"] for s in reply.get_json()["surveys"]} == {"tthc_one_stop"}
    assert (
        client.get(
            "/api/v1/field/config", headers={"Authorization": f"Bearer {kiosk_token}"}
        ).status_code
        == 403
    )
    assert (
        client.get("/api/v1/kiosk/config", headers={"Authorization": f"Bearer {token}"}).status_code
        == 403
    )
    # A kiosk cannot send a field interview either.
    reply = sync(client, kiosk_token, item(seeded))
    assert reply.get_json()["rejected"][0]["errors"]["survey"].startswith("unknown survey")


@pytest.mark.parametrize("role", ["admin", "manager", "auditor"])
def test_only_a_signed_in_surveyor_gets_a_field_token(seeded, client, role):
    assert client.post("/api/v1/field/token").status_code == 401
    with seeded.app_context():
        make_user(f"{role}@example.vn", role, *(["sai-gon"] if role == "manager" else []))
        db.session.commit()
    login(client, f"{role}@example.vn")
    assert client.post("/api/v1/field/token").status_code == 403
    with seeded.app_context():
        assert db.session.scalar(select(func.count()).select_from(Kiosk)) == 0


def test_the_token_request_needs_the_pages_csrf_token(seeded, surveyor):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": SURVEYOR, "password": PASSWORD, "csrf_token": csrf})
    # Signing in starts a new session, with a new CSRF token: the one of the page after it.
    # (Any page carries it in the sign-out form; /field in a <meta>.)
    page = client.get("/overview").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    reply = client.post("/api/v1/field/token")
    assert reply.status_code == 400
    assert reply.get_json()["error"] == "csrf"
    reply = client.post("/api/v1/field/token", headers={"X-CSRFToken": csrf})
    assert reply.status_code == 200
    assert len(reply.get_json()["token"]) >= 40


def test_a_surveyor_needs_units(seeded, runner):
    result = runner.invoke(
        args=["users", "create", "x@example.vn", "--role", "surveyor", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code != 0
    assert "Điều tra viên phải được gắn với các đơn vị" in result.output
    result = runner.invoke(
        args=["users", "create", "x@example.vn", "--role", "surveyor", "--unit", "sai-gon"]
        + ["--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "created surveyor x@example.vn for sai-gon" in result.output


# --- field responses through /api/v1/sync --------------------------------------------------


def test_an_interview_is_stored_once_with_its_surveyor_and_ward(seeded, client, token):
    interview = item(seeded, unit="tan-dinh")
    first = sync(client, token, interview).get_json()
    assert first["accepted"] == [interview["id"]]
    assert not first["rejected"]
    again = sync(client, token, interview).get_json()
    assert again["duplicates"] == [interview["id"]]
    assert not again["accepted"]
    with seeded.app_context():
        rows = db.session.scalars(select(FieldResponse)).all()
        assert len(rows) == 1
        row = rows[0]
        assert row.surveyor.email == SURVEYOR
        assert row.unit.slug == "tan-dinh"
        assert row.answers == interview["answers"]
        assert row.device.surveyor_id == row.surveyor_id
    # Kept apart from the kiosks' responses: no kiosk figure counts it.
    assert counts(seeded)[1:] == (0, 0, 0)


def test_a_ward_the_surveyor_is_not_assigned_to_is_refused_and_quarantined(seeded, client, token):
    refused = item(seeded, unit="ben-thanh")
    unknown = item(seeded, unit="atlantis")
    missing = item(seeded)
    del missing["unit"]
    good = item(seeded)
    body = sync(client, token, refused, unknown, missing, good).get_json()
    assert body["accepted"] == [good["id"]]
    errors = {entry["id"]: entry["errors"] for entry in body["rejected"]}
    assert errors[refused["id"]] == {"unit": "not a unit this surveyor is assigned to"}
    assert errors[unknown["id"]] == {"unit": "not a unit this surveyor is assigned to"}
    assert errors[missing["id"]] == {"unit": "the unit surveyed (its slug) is required"}
    assert counts(seeded) == (1, 0, 0, 3)


def test_required_answers_follow_the_skip_logic(seeded, client, token):
    # A required scored item left out is refused...
    without = item(seeded, overrides={"par_meeting_invited": None})
    # ...but a required item that the skip logic hides is not asked: not using the ward's
    # services hides the follow-up questions about them.
    with seeded.app_context():
        definition = definition_of("papi_household")
    hidden = [q for q in definition["questions"] if q.get("show_if")]
    gate = hidden[0]["show_if"]["question"]
    skipped = item(seeded, overrides={gate: False})
    assert not any(
        q["id"] in skipped["answers"] for q in hidden if q["show_if"]["question"] == gate
    )
    body = sync(client, token, without, skipped).get_json()
    assert body["accepted"] == [skipped["id"]]
    assert body["rejected"] == [
        {"id": without["id"], "errors": {"answers.par_meeting_invited": "is required"}}
    ]


def test_bad_answers_and_contacts_are_refused_item_by_item(seeded, client, token):
    wrong_kind = item(seeded, overrides={"par_meeting_invited": 3})
    # An inspection of a counter has no citizen to consent (tests/field/test_field_contacts.py
    # covers a household interview's contact).
    inspection_contact = item(
        seeded, survey="conduct_inspection", contact={"phone": "0903123456", "consent": True}
    )
    body = sync(client, token, wrong_kind, inspection_contact).get_json()
    errors = {entry["id"]: entry["errors"] for entry in body["rejected"]}
    assert errors[wrong_kind["id"]] == {"answers.par_meeting_invited": "must be true or false"}
    assert errors[inspection_contact["id"]] == {
        "contact": "only a household interview records a contact"
    }
    assert counts(seeded) == (0, 0, 0, 2)
    with seeded.app_context():
        held = db.session.scalars(select(QuarantinedResponse)).all()
        assert all("contact" not in row.payload for row in held)  # never a phone in plain JSON


def test_the_same_id_with_other_answers_is_a_conflict(seeded, client, token):
    interview = item(seeded)
    sync(client, token, interview)
    changed = {**interview, "answers": {**interview["answers"], "par_meeting_invited": False}}
    body = sync(client, token, changed).get_json()
    # As for a kiosk: the phone may drop it (the id is stored), the other content is kept
    # in quarantine for an admin, and the stored interview is left as it was.
    assert body["duplicates"] == [interview["id"]]
    with seeded.app_context():
        stored = db.session.get(FieldResponse, uuid.UUID(interview["id"]))
        assert stored.answers["par_meeting_invited"] is True
        held = db.session.scalars(select(QuarantinedResponse)).one()
        assert held.errors == {"id": "a different response with this id is already stored"}
        assert held.payload["answers"]["par_meeting_invited"] is False


def test_a_survey_not_for_this_kind_of_unit_is_refused(seeded, client, token):
    # The household survey is about wards; a surveyor of a ward may inspect its health
    # station's counter, but not interview the health station's "households".
    with seeded.app_context():
        below = [u for u in get_unit("sai-gon").children if u.type_code == "ward_health_station"]
    if not below:
        pytest.skip("the packaged data has no health station under sai-gon")
    body = sync(client, token, item(seeded, unit=below[0].slug)).get_json()
    assert body["rejected"][0]["errors"] == {
        "unit": "this survey is not used for this kind of unit"
    }
    inspection = item(seeded, survey="conduct_inspection", unit=below[0].slug)
    assert sync(client, token, inspection).get_json()["accepted"] == [inspection["id"]]


def test_a_revoked_device_or_disabled_surveyor_is_refused(seeded, client, token):
    with seeded.app_context():
        device = db.session.scalar(select(Kiosk).where(Kiosk.surveyor_id.is_not(None)))
        revoke_kiosk(device)
        db.session.commit()
    assert sync(client, token, item(seeded)).status_code == 403
    login(client, SURVEYOR)
    fresh = client.post("/api/v1/field/token").get_json()["token"]
    assert sync(client, fresh, item(seeded)).status_code == 200
    with seeded.app_context():
        device = db.session.scalar(select(Kiosk).where(Kiosk.token_hash == hash_secret(fresh)))
        device.surveyor.active = False
        db.session.commit()
    assert sync(client, fresh, item(seeded)).status_code == 403
    assert counts(seeded)[0] == 1


def test_field_interviews_are_not_in_the_kiosk_export(seeded, client, token, runner):
    sync(client, token, item(seeded))
    result = runner.invoke(args=["responses", "export"])
    assert result.exit_code == 0
    assert result.output.strip().count("\n") == 0  # the header only


def test_an_admin_sees_and_revokes_a_surveyors_phone(seeded, client, token):
    with seeded.app_context():
        make_user("admin@example.vn", "admin")
        make_user("manager@example.vn", "manager", "sai-gon")
        db.session.commit()
        device_id = db.session.scalar(select(Kiosk.id).where(Kiosk.surveyor_id.is_not(None)))
    manager = seeded.test_client()
    login(manager, "manager@example.vn")
    # Filed under the surveyor's first ward, but not that ward's to revoke.
    assert manager.post(f"/kiosks/{device_id}/revoke").status_code == 403
    assert "mttq" not in manager.get("/units/sai-gon/kiosks").get_data(as_text=True)
    admin = seeded.test_client()
    login(admin, "admin@example.vn")
    page = admin.get("/admin/field-devices").get_data(as_text=True)
    assert "Thiết bị khảo sát thực địa" in page
    assert SURVEYOR in page
    assert "Phường Sài Gòn" in page
    reply = admin.post(f"/kiosks/{device_id}/revoke")
    assert reply.headers["Location"].endswith("/admin/field-devices")
    assert sync(client, token, item(seeded)).status_code == 403
    assert admin.post(f"/kiosks/{device_id}/code").status_code == 400


def test_demo_field_interviews_pass_the_checks_once(seeded, runner):
    first = runner.invoke(args=["demo", "field", "--per-ward", "5"])
    assert first.exit_code == 0, first.output
    added = int(first.output.strip().rsplit(" ", 2)[-2])
    again = runner.invoke(args=["demo", "field", "--per-ward", "5"])
    assert again.output.strip().endswith(": 0 added")
    with seeded.app_context():
        assert db.session.scalar(select(func.count()).select_from(FieldResponse)) == added
        in_sai_gon = db.session.scalar(
            select(func.count()).where(FieldResponse.unit_id == get_unit("sai-gon").id)
        )
        assert in_sai_gon == 5 + 2  # households and inspections
