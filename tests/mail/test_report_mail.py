"""`flask reports build --mail` (the scheduled run): each unit's signed PDF, attached as built,
reaches that unit's managers only, in Vietnamese with the verification link; the district
summary also reaches REPORT_SUMMARY_RECIPIENTS; without a mail server the messages are kept
as .eml files; a unit without managers is named in the output."""

import email
import email.policy

import pytest

from tests.conftest import make_app
from tests.factories import make_user
from webapp.extensions import db
from webapp.reports.models import Report
from webapp.units.models import Unit

PERIOD = "2025-Q1"
BUILD = ["reports", "build", "--period", PERIOD, "--workers", "1", "--mail"]


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def pdfs_of(message) -> list:
    return [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]


@pytest.fixture
def people(seeded):
    with seeded.app_context():
        make_user("chutich@tandinh.vn", "manager", "tan-dinh")
        make_user("phochutich@tandinh.vn", "manager", "tan-dinh")
        make_user("chutich@saigon.vn", "manager", "sai-gon")
        make_user("truongphong@q1.vn", "manager", "quan-1")
        make_user("admin@q1.vn", "admin")
        db.session.commit()


def test_each_unit_gets_its_own_signed_pdf_and_the_office_gets_the_summary(people, smtp, tmp_path):
    port, inbox = smtp
    app = make_app(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        PUBLIC_BASE_URL="https://hailong.q1.vn",
        REPORT_SUMMARY_RECIPIENTS="vanphong@q1.vn, thongke@q1.vn",
    )
    out = tmp_path / "out"
    args = [*BUILD, "--unit", "tan-dinh", "--unit", "quan-1", "--out", str(out)]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    mail_lines = [line for line in result.output.splitlines() if line.startswith("mail: ")]
    assert sorted(mail_lines) == [
        "mail: quan-1 thongke@q1.vn sent",
        "mail: quan-1 truongphong@q1.vn sent",
        "mail: quan-1 vanphong@q1.vn sent",
        "mail: tan-dinh chutich@tandinh.vn sent",
        "mail: tan-dinh phochutich@tandinh.vn sent",
    ]
    by_recipient = {tuple(to): message for to, message in inbox.messages}
    assert sorted(by_recipient) == [
        ("chutich@tandinh.vn",),
        ("phochutich@tandinh.vn",),
        ("thongke@q1.vn",),
        ("truongphong@q1.vn",),
        ("vanphong@q1.vn",),
    ]  # one message per recipient; nobody of Sài Gòn, no admin

    ward_file = (out / f"tan-dinh-{PERIOD}.pdf").read_bytes()
    with app.app_context():
        public_id = db.session.scalar(
            db.select(Report.public_id).join(Report.unit).where(Unit.slug == "tan-dinh")
        )
    for address in ("chutich@tandinh.vn", "phochutich@tandinh.vn"):
        message = by_recipient[(address,)]
        assert (
            message["Subject"] == "[Hài Lòng] Báo cáo mức độ hài lòng Quý I/2025: Phường Tân Định"
        )
        (pdf,) = pdfs_of(message)
        assert pdf.get_filename() == f"tan-dinh-{PERIOD}.pdf"
        data = pdf.get_content()
        assert data.startswith(b"%PDF")
        assert data == ward_file
        body = text_of(message)
        assert "báo cáo mức độ hài lòng đã ký số của Phường Tân Định, Quý I/2025" in body
        assert f"https://hailong.q1.vn/verify/{public_id}" in body
        html = message.get_body(preferencelist=("html",)).get_content()
        assert f'href="https://hailong.q1.vn/verify/{public_id}"' in html

    summary_file = (out / f"quan-1-{PERIOD}.pdf").read_bytes()
    for address in ("vanphong@q1.vn", "thongke@q1.vn", "truongphong@q1.vn"):
        message = by_recipient[(address,)]
        assert message["Subject"].startswith("[Hài Lòng] Báo cáo mức độ hài lòng Quý I/2025: ")
        assert "Tân Định" not in message["Subject"]
        (pdf,) = pdfs_of(message)
        assert pdf.get_content() == summary_file
        assert "Đây là báo cáo tổng hợp" in text_of(message)


def test_without_a_server_mails_are_eml_files_and_unmanaged_units_are_named(people, tmp_path):
    app = make_app()
    out = tmp_path / "out"
    args = [*BUILD, "--unit", "tan-dinh", "--unit", "ben-thanh", "--out", str(out)]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "mail: ben-thanh has no manager, not sent" in result.output
    written = [line for line in result.output.splitlines() if " written to " in line]
    assert len(written) == 2
    assert all(line.startswith("mail: tan-dinh ") for line in written)
    paths = [line.split(" written to ", 1)[1] for line in written]
    for path in paths:
        with open(path, "rb") as handle:
            message = email.message_from_binary_file(handle, policy=email.policy.default)
        assert message["Subject"].startswith("[Hài Lòng] Báo cáo mức độ hài lòng Quý I/2025")
        (pdf,) = pdfs_of(message)
        assert pdf.get_content() == (out / f"tan-dinh-{PERIOD}.pdf").read_bytes()
