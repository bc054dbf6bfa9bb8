"""Setting a unit's kiosk staff PIN: admin unit form and the manager's unit kiosk page.

Messages are checked in Vietnamese, the default locale. Only a hash is stored, blank leaves it as it is, bad input changes nothing, every change is
audited, and enrolled kiosks see the change on their next config refresh (new ETag).
"""

import pytest
from sqlalchemy import select

from tests.conftest import make_app
from tests.factories import login, make_user
from tests.kiosk_api.conftest import enroll_kiosk
from webapp.audit.models import AuditEvent
from webapp.extensions import db
from webapp.kiosk.services import check_staff_pin
from webapp.units.services import get_unit

UNIT_FORM = {
    "slug": "sai-gon",
    "name_vi": "Phường Sài Gòn",
    "name_en": "Sai Gon Ward",
    "type_code": "ward_one_stop",
    "parent": "quan-1",
    "default_domain": "",
}


@pytest.fixture
def users(seeded):
    with seeded.app_context():
        make_user("admin@example.vn", "admin")
        make_user("manager@example.vn", "manager", "tan-dinh")
        make_user("auditor@example.vn", "auditor")
        db.session.commit()
    return seeded


def pin_hash(app, slug: str):
    with app.app_context():
        return get_unit(slug).staff_pin_hash


def pin_events(app) -> list[tuple[str, dict]]:
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "unit.pin_set"))
        return [(e.target, e.details) for e in events]


def test_admin_sets_keeps_and_removes_the_pin_on_the_unit_form(users, client):
    login(client, "admin@example.vn")
    page = client.get("/admin/units/sai-gon/edit").get_data(as_text=True)
    assert 'name="staff_pin"' in page
    assert 'type="password"' in page
    assert 'name="remove_pin"' not in page  # nothing to remove yet

    assert (
        client.post(
            "/admin/units/sai-gon/edit", data={**UNIT_FORM, "staff_pin": "2468"}
        ).status_code
        == 302
    )
    stored = pin_hash(users, "sai-gon")
    assert stored.startswith("pbkdf2:sha256:")
    assert "2468" not in stored
    with users.app_context():
        assert check_staff_pin(stored, "2468")

    page = client.get("/admin/units/sai-gon/edit").get_data(as_text=True)
    assert stored not in page
    assert "2468" not in page
    assert 'name="remove_pin"' in page

    # Blank PIN: the other fields change, the PIN stays.
    renamed = {**UNIT_FORM, "name_en": "Saigon Ward", "staff_pin": ""}
    assert client.post("/admin/units/sai-gon/edit", data=renamed).status_code == 302
    assert pin_hash(users, "sai-gon") == stored

    assert (
        client.post("/admin/units/sai-gon/edit", data={**UNIT_FORM, "remove_pin": "y"}).status_code
        == 302
    )
    assert pin_hash(users, "sai-gon") is None
    assert pin_events(users) == [
        ("sai-gon", {"pin": "set"}),
        ("sai-gon", {"pin": "removed"}),
    ]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"staff_pin": "123"}, "Mã PIN phải gồm 4 đến 8 chữ số."),
        ({"staff_pin": "123456789"}, "Mã PIN phải gồm 4 đến 8 chữ số."),
        ({"staff_pin": "12ab"}, "Mã PIN phải gồm 4 đến 8 chữ số."),
        ({"staff_pin": "١٢٣٤"}, "Mã PIN phải gồm 4 đến 8 chữ số."),  # Arabic-Indic digits
        (
            {"staff_pin": "1234", "remove_pin": "y"},
            "Hãy nhập mã PIN mới hoặc xóa mã PIN, không làm cả hai.",
        ),
    ],
)
def test_admin_unit_form_refuses_a_bad_pin_and_changes_nothing(users, client, extra, message):
    login(client, "admin@example.vn")
    client.post("/admin/units/sai-gon/edit", data={**UNIT_FORM, "staff_pin": "2468"})
    before = pin_hash(users, "sai-gon")
    reply = client.post(
        "/admin/units/sai-gon/edit", data={**UNIT_FORM, "name_en": "Changed", **extra}
    )
    assert reply.status_code == 400
    assert message in reply.get_data(as_text=True)
    assert pin_hash(users, "sai-gon") == before
    with users.app_context():
        assert get_unit("sai-gon").name_en == "Sai Gon Ward"
    assert len(pin_events(users)) == 1


def test_manager_sets_the_pin_of_their_own_unit_only(users, client):
    login(client, "manager@example.vn")
    page = client.get("/units/tan-dinh/kiosks").get_data(as_text=True)
    assert 'data-form="staff-pin"' in page
    assert 'name="staff_pin"' in page

    reply = client.post("/units/tan-dinh/staff-pin", data={"staff_pin": "97531"})
    assert reply.status_code == 302
    assert reply.headers["Location"].endswith("/units/tan-dinh/kiosks")
    with users.app_context():
        assert check_staff_pin(get_unit("tan-dinh").staff_pin_hash, "97531")
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "unit.pin_set")
        ).one()
        assert event.actor_user_id is not None
        assert event.details == {"pin": "set"}

    assert client.post("/units/sai-gon/staff-pin", data={"staff_pin": "1111"}).status_code == 403
    assert pin_hash(users, "sai-gon") is None

    # Nothing entered, or a bad PIN: a form error, nothing changed.
    before = pin_hash(users, "tan-dinh")
    empty = client.post("/units/tan-dinh/staff-pin", data={"staff_pin": ""})
    assert empty.status_code == 400
    assert "Nhập mã PIN gồm 4 đến 8 chữ số" in empty.get_data(as_text=True)
    bad = client.post("/units/tan-dinh/staff-pin", data={"staff_pin": "12 34"})
    assert bad.status_code == 400
    assert "Mã PIN phải gồm 4 đến 8 chữ số." in bad.get_data(as_text=True)
    assert pin_hash(users, "tan-dinh") == before

    assert client.post("/units/tan-dinh/staff-pin", data={"remove_pin": "y"}).status_code == 302
    assert pin_hash(users, "tan-dinh") is None


def test_auditor_sees_whether_a_pin_is_set_but_gets_no_form(users, client):
    login(client, "auditor@example.vn")
    page = client.get("/units/tan-dinh/kiosks").get_data(as_text=True)
    assert 'name="staff_pin"' not in page
    assert "data-pin-status" in page
    assert client.post("/units/tan-dinh/staff-pin", data={"staff_pin": "2468"}).status_code == 403
    assert pin_hash(users, "tan-dinh") is None


def test_the_pin_form_needs_a_csrf_token(users):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    login_form = {"email": "manager@example.vn", "password": "correct-horse-battery"}
    assert client.post("/login", data={**login_form, "csrf_token": token}).status_code == 302
    reply = client.post("/units/tan-dinh/staff-pin", data={"staff_pin": "2468"})
    assert reply.status_code == 400
    assert pin_hash(users, "tan-dinh") is None
    page = client.get("/units/tan-dinh/kiosks").get_data(as_text=True)
    form = page.split('data-form="staff-pin"')[1]
    token = form.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    reply = client.post(
        "/units/tan-dinh/staff-pin", data={"staff_pin": "2468", "csrf_token": token}
    )
    assert reply.status_code == 302
    assert pin_hash(users, "tan-dinh") is not None


def test_kiosks_pick_up_a_pin_change_on_their_next_config_refresh(users, client):
    with users.app_context():
        kiosk = enroll_kiosk("tan-dinh")
    first = client.get("/api/v1/kiosk/config", headers=kiosk.headers)
    etag = first.headers["ETag"]
    assert first.get_json()["settings"]["staff_pin"] is None
    unchanged = client.get("/api/v1/kiosk/config", headers={**kiosk.headers, "If-None-Match": etag})
    assert unchanged.status_code == 304

    manager = users.test_client()
    login(manager, "manager@example.vn")
    assert manager.post("/units/tan-dinh/staff-pin", data={"staff_pin": "2468"}).status_code == 302

    changed = client.get("/api/v1/kiosk/config", headers={**kiosk.headers, "If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    check = changed.get_json()["settings"]["staff_pin"]
    assert check["algorithm"] == "PBKDF2"
    assert check["iterations"] >= 100_000
    assert "2468" not in changed.get_data(as_text=True)
    again = client.get(
        "/api/v1/kiosk/config", headers={**kiosk.headers, "If-None-Match": changed.headers["ETag"]}
    )
    assert again.status_code == 304
