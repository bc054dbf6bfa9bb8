"""E-mail (SPEC 9): sent through a real local SMTP server when FLASK_MAIL_* is configured,
written to instance/mail/*.eml otherwise; Vietnamese subjects and bodies survive both."""

import email
import email.policy
from pathlib import Path

import pytest

from tests.conftest import free_port, make_app
from webapp.mailer.services import Attachment, send_mail

SUBJECT = "Cảnh báo: Phường Sài Gòn dưới chỉ tiêu 99 %"
TEXT = "Tỷ lệ hài lòng 30 ngày qua: 96,8 % (n = 124)."


def parts(message) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_content()
        for part in message.walk()
        if not part.is_multipart() and part.get_content_disposition() != "attachment"
    }


@pytest.mark.usefixtures("_schema")
def test_sent_by_smtp_with_vietnamese_subject_text_and_html(smtp):
    port, inbox = smtp
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_DEFAULT_SENDER="hailong@q1.vn")
    with app.app_context():
        delivery = send_mail(
            ["chutich@saigon.gov.vn", " ", "chutich@saigon.gov.vn"],
            SUBJECT,
            TEXT,
            f"<p>{TEXT}</p>",
            [Attachment("bao-cao.pdf", "application/pdf", b"%PDF-1.7 test")],
        )
    assert delivery.sent
    assert delivery.recipients == ["chutich@saigon.gov.vn"]
    ((recipients, message),) = inbox.messages
    assert recipients == ["chutich@saigon.gov.vn"]
    assert message["Subject"] == SUBJECT
    body = parts(message)
    assert body["text/plain"].strip() == TEXT
    assert TEXT in body["text/html"]
    (attached,) = [p for p in message.walk() if p.get_content_disposition() == "attachment"]
    assert attached.get_filename() == "bao-cao.pdf"
    assert attached.get_content() == b"%PDF-1.7 test"


@pytest.mark.usefixtures("_schema")
def test_without_a_server_the_message_is_kept_as_an_eml_file():
    app = make_app()
    with app.app_context():
        delivery = send_mail(["chutich@saigon.gov.vn"], SUBJECT, TEXT, f"<p>{TEXT}</p>")
        folder = Path(app.instance_path) / "mail"
    assert not delivery.sent
    assert delivery.file.parent == folder
    message = email.message_from_bytes(delivery.file.read_bytes(), policy=email.policy.default)
    assert message["Subject"] == SUBJECT
    assert message["To"] == "chutich@saigon.gov.vn"
    assert parts(message)["text/plain"].strip() == TEXT
    delivery.file.unlink()


@pytest.mark.usefixtures("_schema")
def test_nobody_to_send_to_sends_nothing(tmp_path):
    app = make_app()
    with app.app_context():
        assert send_mail(["", "  "], SUBJECT, TEXT) is None


@pytest.mark.usefixtures("_schema")
def test_cli_test_message(smtp):
    port, inbox = smtp
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    result = app.test_cli_runner().invoke(args=["mail", "test", "it@q1.vn"])
    assert result.exit_code == 0, result.output
    assert "sent by SMTP" in result.output
    assert inbox.messages[0][1]["Subject"] == "Hài Lòng: thư kiểm tra"


@pytest.mark.usefixtures("_schema")
def test_cli_reports_an_unreachable_server_in_one_line():
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nothing listens there
    result = app.test_cli_runner().invoke(args=["mail", "test", "it@q1.vn"])
    assert result.exit_code == 1
    assert "sending failed" in result.output
