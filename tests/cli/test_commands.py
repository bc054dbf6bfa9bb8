"""Every CLI command of SPEC section 9 this step serves: happy paths and bad arguments."""

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from webapp.auth.models import User
from webapp.auth.services import check_password
from webapp.extensions import db
from webapp.kiosk.models import Kiosk
from webapp.kiosk.services import hash_secret
from webapp.officials.figures import unit_officials
from webapp.periods import current_period, parse_period
from webapp.responses.export import HEADER
from webapp.responses.services import store_responses
from webapp.surveys.services import get_version
from webapp.units.services import get_unit

GOOD_PASSWORD = "Sông Sài Gòn 2025!"


def create_user(runner, *args, password=GOOD_PASSWORD):
    return runner.invoke(args=["users", "create", *args, "--password-stdin"], input=password + "\n")


def test_users_create_admin_and_manager(seeded, runner):
    assert create_user(runner, "Admin@Example.vn", "--role", "admin").exit_code == 0
    result = create_user(runner, "chu.tich@example.vn", "--role", "manager", "--unit", "sai-gon")
    assert result.exit_code == 0, result.output
    assert "for sai-gon" in result.output
    with seeded.app_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@example.vn"))
        assert admin.role == "admin"
        assert admin.password_hash.startswith("scrypt:")
        assert check_password(admin, GOOD_PASSWORD)
        manager = db.session.scalar(select(User).where(User.role == "manager"))
        assert [u.slug for u in manager.units] == ["sai-gon"]


def test_users_create_prompts_for_the_password(seeded, runner):
    result = runner.invoke(
        args=["users", "create", "a@example.vn", "--role", "auditor"],
        input=f"{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["x@example.vn", "--role", "admin"], "short", "ít nhất 10 ký tự"),
        (["x@example.vn", "--role", "admin"], "aaaaaaaaaaaa", "quá dễ đoán"),
        (["x@example.vn", "--role", "king"], GOOD_PASSWORD, "Invalid value for '--role'"),
        (["x@example.vn", "--role", "manager"], GOOD_PASSWORD, "ít nhất một đơn vị"),
        (
            ["x@example.vn", "--role", "manager", "--unit", "atlantis"],
            GOOD_PASSWORD,
            "unknown unit",
        ),
        (
            ["x@example.vn", "--role", "admin", "--unit", "sai-gon"],
            GOOD_PASSWORD,
            "Chỉ người quản lý và điều tra viên",
        ),
        (["not-an-email", "--role", "admin"], GOOD_PASSWORD, "e-mail không hợp lệ"),
    ],
)
def test_users_create_refuses_bad_arguments(seeded, runner, args, password, message):
    result = create_user(runner, *args, password=password)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    with seeded.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(User)) == 0


def test_users_create_refuses_a_duplicate_email(seeded, runner):
    assert create_user(runner, "dup@example.vn", "--role", "admin").exit_code == 0
    result = create_user(runner, "DUP@example.vn", "--role", "auditor")
    assert result.exit_code == 1
    assert "Đã có người dùng" in result.output


def test_kiosks_create_prints_code_and_url(seeded, runner):
    result = runner.invoke(args=["kiosks", "create", "--unit", "sai-gon", "--name", "Quầy 2"])
    assert result.exit_code == 0, result.output
    lines = dict(line.split(": ", 1) for line in result.output.splitlines() if ": " in line)
    code = lines["code"]
    assert len(code) == 9
    assert code[4] == "-"
    assert not set(code.replace("-", "")) & set("01OIL")
    assert lines["url"] == f"http://localhost/kiosk/enroll?code={code}"
    with seeded.app_context():
        kiosk = db.session.scalar(select(Kiosk))
        assert kiosk.name == "Quầy 2"
        assert kiosk.unit.slug == "sai-gon"
        assert kiosk.enroll_code_hash == hash_secret(code)  # only the hash is stored
        assert kiosk.enroll_code_expires_at > datetime.now(UTC)


def test_kiosks_create_with_qr_and_errors(seeded, runner):
    qr = runner.invoke(args=["kiosks", "create", "--unit", "tan-dinh", "--qr"])
    assert qr.exit_code == 0
    assert len(qr.output.splitlines()) > 10
    unknown = runner.invoke(args=["kiosks", "create", "--unit", "atlantis"])
    assert unknown.exit_code == 1
    assert "unknown unit 'atlantis'" in unknown.output
    missing = runner.invoke(args=["kiosks", "create"])
    assert missing.exit_code == 2
    assert "--unit" in missing.output
    retired = runner.invoke(args=["kiosks", "create", "--unit", "ben-nghe"])
    assert "warning: unit ben-nghe is retired" in retired.output


def test_kiosks_revoke(seeded, runner):
    runner.invoke(args=["kiosks", "create", "--unit", "sai-gon"])
    with seeded.app_context():
        kiosk_id = db.session.scalar(select(Kiosk.id))
    assert runner.invoke(args=["kiosks", "revoke", str(kiosk_id)]).exit_code == 0
    assert runner.invoke(args=["kiosks", "revoke", "999"]).exit_code == 1
    with seeded.app_context():
        assert db.session.get(Kiosk, kiosk_id).revoked_at is not None


def add_response(unit_slug: str, when: datetime, overall: int, **answers) -> uuid.UUID:
    unit = get_unit(unit_slug)
    kiosk = db.session.scalar(select(Kiosk).where(Kiosk.unit_id == unit.id))
    if kiosk is None:
        kiosk = Kiosk(unit=unit, name="test")
        db.session.add(kiosk)
        db.session.flush()
    response_id = uuid.uuid4()
    row = {
        "id": response_id,
        "kiosk_id": kiosk.id,
        "unit_id": unit.id,
        "survey_version_id": get_version("tthc_one_stop", 1).id,
        "locale": "vi",
        "answers": {"overall": overall, **answers},
        "overall": overall,
        "device_submitted_at": when,
        "submitted_at": when,
    }
    store_responses([row])
    db.session.commit()
    return response_id


def test_responses_export_csv(seeded, runner):
    with seeded.app_context():
        in_q2 = add_response("sai-gon", datetime(2025, 3, 31, 17, 30, tzinfo=UTC), 5, comment="Tốt")
        add_response("sai-gon", datetime(2025, 3, 31, 16, 30, tzinfo=UTC), 2)  # still Q1 locally
        add_response("tan-dinh", datetime(2025, 5, 1, tzinfo=UTC), 4)
    result = runner.invoke(args=["responses", "export", "--unit", "sai-gon", "--period", "2025-Q2"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == HEADER
    assert rows[0] == [
        "id",
        "unit",
        "kiosk",
        "survey",
        "version",
        "locale",
        "submitted_at",
        "received_at",
        "overall",
        "flagged",
        "answers",
        "official",  # appended by SPEC 11
    ]
    assert len(rows) == 2
    row = dict(zip(HEADER, rows[1], strict=True))
    assert row["id"] == str(in_q2)
    assert row["unit"] == "sai-gon"
    assert row["survey"] == "tthc_one_stop"
    assert row["version"] == "1"
    assert row["submitted_at"] == "2025-03-31T17:30:00Z"
    assert row["overall"] == "5"
    assert row["flagged"] == "false"
    assert row["answers"] == '{"comment": "Tốt", "overall": 5}'
    everything = runner.invoke(args=["responses", "export"])
    assert len(everything.output.strip().splitlines()) == 4


def test_responses_export_bad_arguments(seeded, runner):
    assert "2024-Q2" in runner.invoke(args=["responses", "export", "--period", "Q2"]).output
    assert "unknown unit" in runner.invoke(args=["responses", "export", "--unit", "nope"]).output
    bad_format = runner.invoke(args=["responses", "export", "--format", "xml"])
    assert bad_format.exit_code == 2


def test_demo_bootstrap_creates_one_admin_and_a_kiosk_code(app, runner):
    first = runner.invoke(args=["demo", "bootstrap"])
    assert first.exit_code == 0, first.output
    assert "admin@hailong.local" in first.output
    assert "password: " in first.output
    assert "url: http://localhost/kiosk/enroll?code=" in first.output
    assert "demo data: 44 officials" in first.output
    second = runner.invoke(args=["demo", "bootstrap"])
    assert "password: " not in second.output  # the admin exists: never printed again
    assert "demo data" not in second.output  # only an empty database gets demo data
    with app.app_context():
        # One tablet to enroll (the others are the demo data's own, already "enrolled").
        waiting = select(db.func.count()).select_from(Kiosk).where(Kiosk.enrolled_at.is_(None))
        assert db.session.scalar(waiting) == 1
        # The demo responses name who served: the ward has a ranking of officials.
        previous = current_period("quarter").first_day - timedelta(days=1)  # a full quarter
        quarter = parse_period(f"{previous.year}-Q{(previous.month - 1) // 3 + 1}")
        ranked = [r for r in unit_officials(get_unit("sai-gon"), quarter) if r.share.n]
        assert len(ranked) == 4


def test_kiosks_create_with_a_default_procedure_domain(seeded, runner):
    result = runner.invoke(args=["kiosks", "create", "--unit", "sai-gon", "--domain", "dat_dai"])
    assert result.exit_code == 0, result.output
    with seeded.app_context():
        assert db.session.scalar(select(Kiosk)).default_domain_code == "dat_dai"
    bad = runner.invoke(args=["kiosks", "create", "--unit", "sai-gon", "--domain", "moon"])
    assert bad.exit_code == 1
    assert "unknown procedure domain" in bad.output
