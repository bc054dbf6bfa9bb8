"""Management pages: what an admin changes is stored and audited; bad input changes nothing."""

import json
from decimal import Decimal

from sqlalchemy import select

from tests.factories import login, make_user
from webapp.audit.models import AuditEvent
from webapp.auth.services import find_user
from webapp.extensions import db
from webapp.kiosk.models import Kiosk
from webapp.surveys.services import get_survey
from webapp.units.models import ReportGroup, UnitType
from webapp.units.services import get_unit


def _admin(app, client):
    with app.app_context():
        make_user("admin@example.vn", "admin")
        make_user("manager@example.vn", "manager", "tan-dinh")
        db.session.commit()
    login(client, "admin@example.vn")


def _actions(app):
    with app.app_context():
        return [e.action for e in db.session.scalars(select(AuditEvent))]


def test_create_edit_and_merge_a_unit(seeded, client):
    _admin(seeded, client)
    form = {
        "slug": "q1-th-moi",
        "name_vi": "Trường Tiểu học Mới",
        "name_en": "New Primary",
        "type_code": "primary_school",
        "parent": "tan-dinh",
        "default_domain": "",
    }
    assert client.post("/admin/units/new", data=form).status_code == 302
    duplicate = client.post("/admin/units/new", data=form)
    assert duplicate.status_code == 400
    assert "Đã có đơn vị với tên viết tắt" in duplicate.get_data(as_text=True)
    bad = client.post("/admin/units/new", data={**form, "slug": "Bad Slug"})
    assert bad.status_code == 400
    edited = client.post("/admin/units/q1-th-moi/edit", data={**form, "name_en": "Renamed"})
    assert edited.status_code == 302
    reply = client.post(
        "/admin/units/q1-th-moi/merge",
        data={"into": "q1-th-nguyen-binh-khiem", "retired_on": "2025-07-01"},
    )
    assert reply.status_code == 302
    with seeded.app_context():
        unit = get_unit("q1-th-moi")
        assert unit.name_en == "Renamed"
        assert unit.active is False
        assert unit.merged_into.slug == "q1-th-nguyen-binh-khiem"
    again = client.post(
        "/admin/units/q1-th-moi/merge",
        data={"into": "q1-th-nguyen-binh-khiem", "retired_on": "2025-07-01"},
    )
    assert again.status_code == 400
    assert {"unit.create", "unit.update", "unit.merge"} <= set(_actions(seeded))


def test_targets_are_validated_and_audited(seeded, client):
    _admin(seeded, client)
    with seeded.app_context():
        data = {f"type__{t.code}": str(t.target_pct) for t in db.session.scalars(select(UnitType))}
        data |= {
            f"group__{g.code}": str(g.target_pct) for g in db.session.scalars(select(ReportGroup))
        }
    bad = client.post("/admin/targets", data={**data, "type__ward_one_stop": "120"})
    assert bad.status_code == 400
    ok = client.post(
        "/admin/targets", data={**data, "group__land_construction_investment_95": "96.5"}
    )
    assert ok.status_code == 302
    with seeded.app_context():
        assert db.session.get(ReportGroup, "land_construction_investment_95").target_pct == Decimal(
            "96.50"
        )
        assert db.session.get(UnitType, "ward_one_stop").target_pct == Decimal("99")
    assert _actions(seeded).count("target.update") == 1


def test_publish_survey_shows_validation_errors(seeded, client):
    _admin(seeded, client)
    reply = client.post("/admin/surveys/publish", data={"definition": "{not json"})
    assert reply.status_code == 400
    assert "JSON không hợp lệ".encode() in reply.data
    with seeded.app_context():
        definition = get_survey("school_public").latest.definition
    broken = {**definition, "questions": [{**definition["questions"][0], "required": False}]}
    reply = client.post("/admin/surveys/publish", data={"definition": json.dumps(broken)})
    assert reply.status_code == 400
    assert b"the first question must be the required rating5 overall" in reply.data
    changed = json.loads(json.dumps(definition))
    changed["questions"][0]["text"]["en"] = "How satisfied are you overall?"
    reply = client.post("/admin/surveys/publish", data={"definition": json.dumps(changed)})
    assert reply.status_code == 302
    with seeded.app_context():
        assert get_survey("school_public").latest.version == 2
    assert client.post("/admin/surveys/school_public/retire").status_code == 302
    with seeded.app_context():
        assert get_survey("school_public").retired_at is not None


def test_manager_creates_and_revokes_own_kiosk_with_qr(seeded, client):
    _admin(seeded, client)
    manager = seeded.test_client()
    login(manager, "manager@example.vn")
    reply = manager.post("/units/tan-dinh/kiosks", data={"name": "Quầy 1"})
    page = reply.get_data(as_text=True)
    assert reply.status_code == 200
    assert "data-enroll-code" in page
    assert 'src="data:image/svg+xml' in page
    assert "http://localhost/kiosk/enroll?code=" in page
    # The add-kiosk form is blank again for the next tablet (and has no autocomplete="None").
    assert 'value="Quầy 1"' not in page
    assert 'autocomplete="None"' not in page
    assert manager.post("/units/sai-gon/kiosks", data={"name": "x"}).status_code == 403
    with seeded.app_context():
        kiosk = db.session.scalar(select(Kiosk).where(Kiosk.name == "Quầy 1"))
        kiosk_id = kiosk.id
    assert manager.post(f"/kiosks/{kiosk_id}/revoke").status_code == 302
    with seeded.app_context():
        assert db.session.get(Kiosk, kiosk_id).revoked_at is not None
    assert {"kiosk.create", "kiosk.revoke"} <= set(_actions(seeded))


def test_users_create_bind_and_disable(seeded, client):
    _admin(seeded, client)
    reply = client.post(
        "/admin/users/new",
        data={
            "email": "m2@example.vn",
            "role": "manager",
            "units": [],
            "password": "long-enough-pw-1",
        },
    )
    assert reply.status_code == 400  # a manager needs a unit
    reply = client.post(
        "/admin/users/new",
        data={
            "email": "m2@example.vn",
            "role": "manager",
            "units": ["sai-gon"],
            "password": "long-enough-pw-1",
        },
    )
    assert reply.status_code == 302
    with seeded.app_context():
        user_id = find_user("m2@example.vn").id
        admin_id = find_user("admin@example.vn").id
    reply = client.post(f"/admin/users/{user_id}", data={"role": "manager", "units": ["tan-dinh"]})
    assert reply.status_code == 302
    with seeded.app_context():
        user = find_user("m2@example.vn")
        assert [u.slug for u in user.units] == ["tan-dinh"]
        assert user.active is False  # the checkbox was not sent
    own = client.post(f"/admin/users/{admin_id}", data={"role": "auditor"})
    assert own.status_code == 400  # an admin cannot demote or lock themself out


def test_audit_log_filters(seeded, client):
    _admin(seeded, client)
    page = client.get("/admin/audit?action=auth.login&lang=en").get_data(as_text=True)
    assert "auth.login" in page
    assert "user.create" not in page.split("<tbody>")[1]
    assert client.get("/admin/audit?unit=nope").status_code == 400
    assert client.get("/admin/quarantine").status_code == 200


def test_a_weak_password_is_refused_under_the_password_field(seeded, client):
    """Issue 11: the password rule appeared under E-mail, in English."""
    _admin(seeded, client)
    reply = client.post(
        "/admin/users/new",
        data={"email": "new@example.vn", "role": "auditor", "password": "short"},
    )
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400
    email_part, password_part = page.split('for="password"', 1)
    assert "ít nhất 10 ký tự" in password_part
    assert "ít nhất 10 ký tự" not in email_part
    assert "at least 10 characters" not in page
