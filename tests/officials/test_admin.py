"""The officials' management pages: add, import, edit, move, deactivate (SPEC 11)."""

import io
import re

import pytest
from sqlalchemy import select

from tests.factories import PASSWORD, login, make_user
from tests.kiosk_api.conftest import enroll_kiosk
from tests.officials.conftest import move_count, official_count
from webapp.extensions import db
from webapp.officials.models import OfficialMove
from webapp.officials.services import create_official, official_by_code
from webapp.units.services import get_unit


@pytest.fixture
def users(seeded):
    with seeded.app_context():
        make_user("admin@q1.vn", "admin")
        make_user("auditor@q1.vn", "auditor")
        make_user("saigon@q1.vn", "manager", "sai-gon")
        make_user("tandinh@q1.vn", "manager", "tan-dinh")
        create_official(get_unit("sai-gon"), "SG-001", "Nguyễn Thị Lan")
        db.session.commit()
    return seeded


def client_for(app, email):
    client = app.test_client()
    assert login(client, email, PASSWORD).status_code in (302, 303)
    return client


def add(client, **fields):
    data = {"unit": "sai-gon", "code": "SG-002", "full_name": "Trần Văn Bình", "title": ""}
    return client.post("/admin/officials", data={**data, **fields})


@pytest.mark.parametrize("email", ["admin@q1.vn", "saigon@q1.vn"])
def test_add_an_official(users, email):
    client = client_for(users, email)
    reply = add(client, title="Công chức Văn hóa – Xã hội")
    assert reply.status_code == 302
    with users.app_context():
        official = official_by_code("SG-002")
        assert (official.full_name, official.title, official.unit.slug) == (
            "Trần Văn Bình",
            "Công chức Văn hóa – Xã hội",
            "sai-gon",
        )
        assert reply.headers["Location"].endswith(f"/admin/officials/{official.id}")
    listing = client.get("/admin/officials?unit=sai-gon").get_data(as_text=True)
    assert "Trần Văn Bình" in listing
    assert "Nguyễn Thị Lan" in listing


@pytest.mark.parametrize(
    ("email", "fields", "message"),
    [
        ("admin@q1.vn", {"full_name": ""}, None),
        ("admin@q1.vn", {"full_name": "   "}, None),
        ("admin@q1.vn", {"code": "SG 2"}, "SG 2"),
        ("admin@q1.vn", {"code": ""}, None),
        ("admin@q1.vn", {"code": "SG-001"}, "SG-001"),  # exists
        ("admin@q1.vn", {"unit": "atlantis"}, None),
        ("admin@q1.vn", {"code": "X" * 41}, None),
        ("tandinh@q1.vn", {}, None),  # not their unit
    ],
)
def test_add_refuses_bad_input(users, email, fields, message):
    reply = add(client_for(users, email), **fields)
    assert reply.status_code == 400
    if message:
        assert message in reply.get_data(as_text=True)
    with users.app_context():
        assert official_count() == 1
        assert official_by_code("SG-002") is None


def upload(client, text: str, name="can_bo.csv"):
    return client.post(
        "/admin/officials/import",
        data={"file": (io.BytesIO(text.encode("utf-8-sig")), name)},
        content_type="multipart/form-data",
    )


GOOD = (
    "don_vi,ma_can_bo,ho_ten,chuc_danh\n"
    "sai-gon,SG-001,Nguyễn Thị Lan Anh,Công chức Tư pháp\n"
    "sai-gon,SG-002,Trần Văn Bình,\n"
)


def test_import_by_upload(users):
    client = client_for(users, "saigon@q1.vn")
    reply = upload(client, GOOD)
    assert reply.status_code == 302
    assert client.get(reply.headers["Location"]).status_code == 200
    with users.app_context():
        assert official_count() == 2
        assert official_by_code("SG-001").full_name == "Nguyễn Thị Lan Anh"
        assert official_by_code("SG-002").unit.slug == "sai-gon"


@pytest.mark.parametrize(
    ("email", "row", "line"),
    [
        ("admin@q1.vn", "atlantis,SG-003,Người Lạ,", 4),
        ("admin@q1.vn", "sai-gon,SG-002,Trùng Mã,", 4),
        ("admin@q1.vn", "sai-gon,SG 3,Mã Sai,", 4),
        ("admin@q1.vn", "sai-gon,SG-003,,", 4),
        ("saigon@q1.vn", "tan-dinh,TD-001,Lê Thị Cúc,", 4),  # another unit
    ],
)
def test_import_a_bad_row_imports_nothing(users, email, row, line):
    reply = upload(client_for(users, email), GOOD + row + "\n")
    assert reply.status_code == 400
    page = reply.get_data(as_text=True)
    error = re.search(r"data-import-error>([^<]*)<", page).group(1)
    assert f"dòng {line}" in error
    with users.app_context():
        assert official_count() == 1
        assert official_by_code("SG-001").full_name == "Nguyễn Thị Lan"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"unit,code\nsai-gon,SG-9\n", "x.csv"),  # no name column
        (b"\xff\xfe\x00bad", "x.csv"),  # not UTF-8
        (GOOD.encode(), "x.xlsx"),  # not a CSV
        (None, None),  # no file
    ],
)
def test_import_refuses_an_unusable_upload(users, data, name):
    client = client_for(users, "admin@q1.vn")
    files = {} if data is None else {"file": (io.BytesIO(data), name)}
    reply = client.post("/admin/officials/import", data=files, content_type="multipart/form-data")
    assert reply.status_code == 400
    with users.app_context():
        assert official_count() == 1


def kiosk_codes(client, kiosk) -> list[str]:
    body = client.get("/api/v1/kiosk/config", headers=kiosk.headers).get_json()
    return [o["code"] for o in body["officials"]]


def test_deactivate_reactivate_and_move(users):
    with users.app_context():
        saigon_kiosk, tandinh_kiosk = enroll_kiosk("sai-gon"), enroll_kiosk("tan-dinh")
        official_id = official_by_code("SG-001").id
    client = client_for(users, "saigon@q1.vn")
    assert kiosk_codes(client, saigon_kiosk) == ["SG-001"]

    edit = f"/admin/officials/{official_id}"
    assert client.get(edit).status_code == 200
    assert client.post(f"{edit}/leave", data={"on": "2025-03-01"}).status_code == 302
    assert kiosk_codes(client, saigon_kiosk) == []
    with users.app_context():
        official = official_by_code("SG-001")
        assert not official.active
        assert official.left_on.isoformat() == "2025-03-01"
    # Twice: refused, nothing changes.
    assert client.post(f"{edit}/leave", data={"on": "2025-04-01"}).status_code == 302
    with users.app_context():
        assert official_by_code("SG-001").left_on.isoformat() == "2025-03-01"
    assert client.post(f"{edit}/leave", data={"on": "not a date"}).status_code == 400

    assert client.post(f"{edit}/reactivate").status_code == 302
    assert kiosk_codes(client, saigon_kiosk) == ["SG-001"]

    # Renamed with a bad name: 400, kept.
    assert client.post(edit, data={"full_name": " ", "title": ""}).status_code == 400
    assert client.post(edit, data={"full_name": "Lan", "pin": "12"}).status_code == 400
    assert (
        client.post(edit, data={"full_name": "Nguyễn Thị Lan Anh", "pin": "1234"}).status_code
        == 302
    )
    with users.app_context():
        official = official_by_code("SG-001")
        assert official.full_name == "Nguyễn Thị Lan Anh"
        assert official.pin_hash

    # A manager of Sài Gòn cannot move them to a unit that is not theirs; an admin can.
    assert (
        client.post(f"{edit}/move", data={"unit": "tan-dinh", "on": "2025-04-01"}).status_code
        == 400
    )
    admin = client_for(users, "admin@q1.vn")
    assert (
        admin.post(f"{edit}/move", data={"unit": "tan-dinh", "on": "2025-04-01"}).status_code == 302
    )
    assert kiosk_codes(admin, saigon_kiosk) == []
    assert kiosk_codes(admin, tandinh_kiosk) == ["SG-001"]
    with users.app_context():
        move = db.session.scalars(select(OfficialMove)).one()
        assert move.from_unit_id == get_unit("sai-gon").id
        assert move.to_unit_id == get_unit("tan-dinh").id
        assert move.moved_on.isoformat() == "2025-04-01"
    # Now Tân Định's: the Sài Gòn manager no longer manages them.
    assert client.get(edit).status_code == 403
    assert client.post(f"{edit}/leave", data={"on": "2025-05-01"}).status_code == 403
    with users.app_context():
        assert official_by_code("SG-001").active
        assert move_count() == 1


def test_roles_on_the_management_pages(users):
    with users.app_context():
        official_id = official_by_code("SG-001").id
    auditor = client_for(users, "auditor@q1.vn")
    page = auditor.get("/admin/officials")
    assert page.status_code == 200
    assert "Nguyễn Thị Lan" in page.get_data(as_text=True)
    assert 'action="/admin/officials"' not in page.get_data(as_text=True)  # no form to add
    assert add(auditor).status_code == 403
    assert auditor.get(f"/admin/officials/{official_id}").status_code == 403
    other = client_for(users, "tandinh@q1.vn")
    assert "Nguyễn Thị Lan" not in other.get("/admin/officials").get_data(as_text=True)
    assert other.get("/admin/officials?unit=sai-gon").status_code == 404
    assert other.get(f"/admin/officials/{official_id}").status_code == 403
    assert (
        other.post(f"/admin/officials/{official_id}/leave", data={"on": "2025-01-01"}).status_code
        == 403
    )
    assert client_for(users, "admin@q1.vn").get("/admin/officials/999999").status_code == 404
