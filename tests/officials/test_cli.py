"""`flask officials create|import` and `flask users create --role official` (SPEC 9)."""

import json

import pytest
from sqlalchemy import select

from tests.officials.conftest import move_count, official_count
from webapp.auth.models import User
from webapp.extensions import db
from webapp.officials.models import Official, OfficialMove
from webapp.officials.services import official_by_code

PASSWORD = "Sông Sài Gòn 2025!"


def create(runner, *args):
    return runner.invoke(args=["officials", "create", *args])


def one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


def test_create_prints_the_code(seeded, runner):
    result = create(
        runner, "--unit", "sai-gon", "--code", "SG-001", "--name", "Nguyễn Thị  Lan",
        "--title", "Công chức Tư pháp – Hộ tịch",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "official: SG-001"
    with seeded.app_context():
        official = official_by_code("SG-001")
        assert official.full_name == "Nguyễn Thị Lan"
        assert official.title == "Công chức Tư pháp – Hộ tịch"
        assert official.unit.slug == "sai-gon"
        assert official.active


@pytest.mark.parametrize(
    "args",
    [
        ["--unit", "sai-gon", "--code", "SG-001", "--name", "Người khác"],  # duplicate
        ["--unit", "sai-gon", "--code", "SG 002", "--name", "Mã có dấu cách"],
        ["--unit", "sai-gon", "--code", "-SG", "--name", "Mã bắt đầu bằng gạch"],
        ["--unit", "sai-gon", "--code", "SG-003", "--name", "   "],
        ["--unit", "atlantis", "--code", "SG-004", "--name", "Không có đơn vị"],
    ],
)
def test_create_refuses_bad_input(seeded, runner, args):
    assert create(runner, "--unit", "sai-gon", "--code", "SG-001", "--name", "A").exit_code == 0
    line = one_line_error(create(runner, *args))
    assert line.startswith("Error:")
    with seeded.app_context():
        assert official_count() == 1
        assert official_by_code("SG-001").full_name == "A"


def write(tmp_path, name, text, bom=False):
    path = tmp_path / name
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
    return str(path)


ENGLISH_CSV = """unit,code,name,title
sai-gon,SG-001,Nguyễn Thị Lan,Công chức Tư pháp – Hộ tịch
sai-gon,SG-002,Trần Văn Bình,
tan-dinh,TD-001,Lê Thị Cúc,Công chức Địa chính
"""
VIETNAMESE_CSV = """Ma_Can_Bo,Ho_Ten,Don_Vi,Chuc_Danh
SG-001,Nguyễn Thị Lan,sai-gon,Công chức Tư pháp – Hộ tịch
SG-002,Trần Văn Bình,sai-gon,
TD-001,Lê Thị Cúc,tan-dinh,Công chức Địa chính
"""


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("officials.csv", ENGLISH_CSV),
        ("can_bo.csv", VIETNAMESE_CSV),
        (
            "officials.json",
            json.dumps(
                [
                    {"unit": "sai-gon", "code": "SG-001", "name": "Nguyễn Thị Lan",
                     "title": "Công chức Tư pháp – Hộ tịch"},
                    {"unit": "sai-gon", "code": "SG-002", "name": "Trần Văn Bình"},
                    {"unit": "tan-dinh", "code": "TD-001", "name": "Lê Thị Cúc",
                     "title": "Công chức Địa chính"},
                ],
                ensure_ascii=False,
            ),
        ),
    ],
)  # fmt: skip
@pytest.mark.parametrize("bom", [False, True])
def test_import_csv_and_json(seeded, runner, tmp_path, name, text, bom):
    result = runner.invoke(args=["officials", "import", write(tmp_path, name, text, bom)])
    assert result.exit_code == 0, result.output
    assert "3 created, 0 updated, 0 unchanged" in result.output
    with seeded.app_context():
        rows = db.session.scalars(select(Official).order_by(Official.code)).all()
        assert [(o.code, o.unit.slug, o.full_name, o.title) for o in rows] == [
            ("SG-001", "sai-gon", "Nguyễn Thị Lan", "Công chức Tư pháp – Hộ tịch"),
            ("SG-002", "sai-gon", "Trần Văn Bình", None),
            ("TD-001", "tan-dinh", "Lê Thị Cúc", "Công chức Địa chính"),
        ]
    # The same file again changes nothing.
    again = runner.invoke(args=["officials", "import", write(tmp_path, name, text, bom)])
    assert again.exit_code == 0, again.output
    assert "0 created, 0 updated, 3 unchanged" in again.output


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("atlantis,TD-009,Người Lạ,", "atlantis"),
        ("sai-gon,SG-001,Người Trùng Mã,", "SG-001"),
        ("sai-gon,SG 9,Mã Sai,", "SG 9"),
        ("sai-gon,SG-009,,", ""),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_import_a_bad_row_imports_nothing(seeded, runner, tmp_path, row, message, fmt):
    good = runner.invoke(args=["officials", "import", write(tmp_path, "a.csv", "unit,code,name\n"
                                                           "tan-dinh,TD-000,Đã Có\n")])  # fmt: skip
    assert good.exit_code == 0, good.output
    lines = ["sai-gon,SG-001,Nguyễn Thị Lan,", "tan-dinh,TD-000,Đổi Tên,", row]
    if fmt == "csv":
        path = write(tmp_path, "b.csv", "unit,code,name,title\n" + "\n".join(lines) + "\n", True)
    else:
        keys = ("unit", "code", "name", "title")
        rows = [dict(zip(keys, line.split(","), strict=True)) for line in lines]
        path = write(tmp_path, "b.json", json.dumps(rows, ensure_ascii=False))
    with seeded.app_context():
        before = official_count()
    line = one_line_error(runner.invoke(args=["officials", "import", path]))
    # In a CSV the header is line 1, the bad row the third after it; in JSON the third entry.
    assert ("dòng 4" if fmt == "csv" else "dòng 3") in line
    assert message in line
    with seeded.app_context():
        assert official_count() == before == 1
        assert official_by_code("TD-000").full_name == "Đã Có"
        assert official_by_code("SG-001") is None


def test_import_an_unusable_file(seeded, runner, tmp_path):
    no_name = write(tmp_path, "x.csv", "unit,code\nsai-gon,SG-1\n")
    assert "name" in one_line_error(runner.invoke(args=["officials", "import", no_name]))
    broken = write(tmp_path, "x.json", "[{")
    assert "JSON" in one_line_error(runner.invoke(args=["officials", "import", broken]))
    not_a_list = write(tmp_path, "y.json", "[1, 2]")
    assert "dòng 1" in one_line_error(runner.invoke(args=["officials", "import", not_a_list]))
    missing = str(tmp_path / "missing.csv")
    assert missing in one_line_error(runner.invoke(args=["officials", "import", missing]))
    with seeded.app_context():
        assert official_count() == 0


def test_reimport_updates_names_and_moves_between_units(seeded, runner, tmp_path):
    first = write(tmp_path, "1.csv", ENGLISH_CSV)
    assert runner.invoke(args=["officials", "import", first]).exit_code == 0
    changed = write(
        tmp_path,
        "2.csv",
        "unit,code,name,title\n"
        "sai-gon,SG-001,Nguyễn Thị Lan Anh,Công chức Tư pháp – Hộ tịch\n"
        "tan-dinh,SG-002,Trần Văn Bình,\n"
        "tan-dinh,TD-001,Lê Thị Cúc,Công chức Địa chính\n",
    )
    result = runner.invoke(args=["officials", "import", changed])
    assert result.exit_code == 0, result.output
    assert "0 created, 2 updated, 1 unchanged" in result.output
    with seeded.app_context():
        assert official_by_code("SG-001").full_name == "Nguyễn Thị Lan Anh"
        moved = official_by_code("SG-002")
        assert moved.unit.slug == "tan-dinh"
        moves = db.session.scalars(select(OfficialMove)).all()
        assert len(moves) == 1
        assert moves[0].official_id == moved.id
        assert (moves[0].from_unit_id, moves[0].to_unit_id) == (
            official_by_code("SG-001").unit_id,
            moved.unit_id,
        )
        assert official_count() == 3
    again = runner.invoke(args=["officials", "import", changed])
    assert "0 created, 0 updated, 3 unchanged" in again.output
    with seeded.app_context():
        assert move_count() == 1


def users_create(runner, *args):
    return runner.invoke(args=["users", "create", *args, "--password-stdin"], input=PASSWORD + "\n")


def test_users_create_an_official(seeded, runner):
    assert create(runner, "--unit", "sai-gon", "--code", "SG-001", "--name", "Lan").exit_code == 0
    result = users_create(runner, "lan@sai-gon.vn", "--role", "official", "--official", "SG-001")
    assert result.exit_code == 0, result.output
    with seeded.app_context():
        user = db.session.scalar(select(User).where(User.email == "lan@sai-gon.vn"))
        assert user.role == "official"
        assert user.official_id == official_by_code("SG-001").id


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "official"], "--official"),
        (["--role", "official", "--official", "XX-404"], "XX-404"),
        (["--role", "admin", "--official", "SG-001"], "cán bộ"),
    ],
)
def test_users_create_an_official_refused(seeded, runner, args, message):
    assert create(runner, "--unit", "sai-gon", "--code", "SG-001", "--name", "Lan").exit_code == 0
    result = users_create(runner, "lan@sai-gon.vn", *args)
    assert message in one_line_error(result)
    with seeded.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(User)) == 0
