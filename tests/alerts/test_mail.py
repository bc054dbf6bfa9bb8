"""Alerts by e-mail (SPEC 12): the unit's managers hear about a new alert the same run, in
Vietnamese, with a link back to the case; a digest sends one message per person; without a
mail server the message is kept as an .eml file; nothing is sent twice."""

import pytest

from tests.alerts.conftest import NOW, UNIT, responses
from tests.conftest import make_app
from tests.factories import kiosk_for, make_user
from webapp.alerts import services
from webapp.alerts.delivery import deliver, recipients_for
from webapp.extensions import db
from webapp.responses.models import QuarantinedResponse
from webapp.units.services import get_unit


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def mail_app(seeded, smtp):
    port, inbox = smtp
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, PUBLIC_BASE_URL="https://hailong.q1.vn")
    with app.app_context():
        make_user("chutich@tandinh.vn", "manager", UNIT)
        make_user("admin@q1.vn", "admin")
        db.session.commit()
    return app, inbox


def test_a_low_rating_reaches_the_units_managers_in_vietnamese(mail_app, kiosk):
    app, inbox = mail_app
    with app.app_context():
        responses(kiosk, [1], answers={"comment": "Chờ quá lâu, không ai hướng dẫn."})
        new = services.run_rules(now=NOW, only=["low_rating"])
        db.session.commit()
        deliveries = deliver(new)
        case_id = new[0].case_id
    assert [d.sent for d in deliveries] == [True]
    ((to, message),) = inbox.messages
    assert to == ["chutich@tandinh.vn"]
    assert message["Subject"] == "[Hài Lòng] đánh giá 1–2 kèm góp ý: Phường Tân Định"
    body = text_of(message)
    assert "Cảnh báo mới từ khảo sát mức độ hài lòng" in body
    assert f"https://hailong.q1.vn/cases/{case_id}" in body
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f'href="https://hailong.q1.vn/cases/{case_id}"' in html


def test_digest_sends_one_message_per_person(mail_app, kiosk):
    app, inbox = mail_app
    with app.app_context():
        responses(kiosk, [1, 2], answers={"comment": "Thái độ chưa tốt."})
        new = services.run_rules(now=NOW, only=["low_rating"])
        db.session.commit()
        assert len(new) == 2
        deliver(new, digest=True)
    ((to, message),) = inbox.messages
    assert to == ["chutich@tandinh.vn"]
    assert message["Subject"] == "[Hài Lòng] 2 cảnh báo mới"


def test_a_unit_without_managers_alerts_the_admins(mail_app):
    app, _inbox = mail_app
    with app.app_context():
        assert [u.email for u in recipients_for(get_unit("ben-thanh"))] == ["admin@q1.vn"]
        # A school's alerts reach the managers of the ward above it too.
        make_user("chutich@benthanh.vn", "manager", "ben-thanh")
        assert [u.email for u in recipients_for(get_unit("q1-mn-ben-thanh"))] == [
            "chutich@benthanh.vn"
        ]


def test_cli_records_and_mails_once_or_keeps_eml_without_a_server(seeded, runner):
    with seeded.app_context():
        make_user("chutich@tandinh.vn", "manager", UNIT)
        held = QuarantinedResponse(
            kiosk_id=kiosk_for(UNIT).id, payload={"id": "x"}, errors={"id": "không hợp lệ"}
        )
        db.session.add(held)
        db.session.commit()
    first = runner.invoke(args=["alerts", "run", "--rule", "quarantined"])
    assert first.exit_code == 0, first.output
    assert "mail: 0 sent, 1 written to instance/mail" in first.output
    again = runner.invoke(args=["alerts", "run", "--rule", "quarantined"])
    assert "mail: 0 sent, 0 written" in again.output  # recorded once, mailed once
