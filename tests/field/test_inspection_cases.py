"""A failed code-of-conduct inspection opens a case when it is synced (SPEC 12, 13): once per
inspection, e-mailed to the unit's managers, listed with its finding on the inspections page."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import uuid6
from sqlalchemy import func, select

from tests.conftest import make_app
from tests.factories import login, make_user
from tests.field._data import WARD, checklist, surveyor
from webapp.alerts.models import Alert, Case
from webapp.extensions import db
from webapp.field.models import FieldResponse

FINDING = "Cán bộ tiếp nhận không đeo thẻ công chức"


@pytest.fixture
def field_app(seeded, smtp):
    """The app with a mail server, a manager of the ward, an admin and a surveyor's token."""
    port, inbox = smtp
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, PUBLIC_BASE_URL="https://hailong.q1.vn")
    with app.app_context():
        make_user("chutich@tandinh.vn", "manager", WARD)
        make_user("admin@q1.vn", "admin")
        _user, _device, token = surveyor()
        db.session.commit()
    return app, inbox, token


def item(answers: dict, response_id: str | None = None) -> dict:
    now = datetime.now(UTC)
    return {
        "id": response_id or str(uuid6.uuid7()),
        "survey": "conduct_inspection",
        "version": 1,
        "locale": "vi",
        "unit": WARD,
        "started_at": (now - timedelta(minutes=20)).isoformat(),
        "submitted_at": (now - timedelta(minutes=5)).isoformat(),
        "answers": answers,
    }


def sync(client, token: str, *items: dict):
    body = {"device_time": datetime.now(UTC).isoformat(), "responses": list(items)}
    reply = client.post("/api/v1/sync", json=body, headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 200, reply.get_json()
    return reply.get_json()


def counts():
    return (
        db.session.scalar(select(func.count(Alert.id))),
        db.session.scalar(select(func.count(Case.id))),
    )


def test_a_failed_checklist_opens_one_case_once(field_app):
    app, inbox, token = field_app
    client = app.test_client()
    failed = item(checklist({"insp_card_worn": FINDING}))
    reply = sync(client, token, failed)
    assert reply["accepted"] == [failed["id"]]
    with app.app_context():
        (alert,) = db.session.scalars(select(Alert)).all()
        assert (alert.rule, alert.unit.slug, alert.key) == ("inspection_failed", WARD, failed["id"])
        assert alert.details["checks"] == 10
        assert alert.details["failed"][0]["question"] == "insp_card_worn"
        assert alert.details["failed"][0]["finding"] == FINDING
        assert counts() == (1, 1)
        case_id = alert.case_id

    # The unit's manager hears of it, in Vietnamese, with the finding and the case.
    ((to, message),) = inbox.messages
    assert to == ["chutich@tandinh.vn"]
    assert "kiểm tra công vụ phát hiện vi phạm" in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert FINDING in body
    assert "1 trên 10 mục không đạt" in body
    assert f"https://hailong.q1.vn/cases/{case_id}" in body

    # The phone resends it: a duplicate, no second alert, no second mail.
    again = sync(client, token, failed)
    assert again["duplicates"] == [failed["id"]]
    with app.app_context():
        assert counts() == (1, 1)
    assert len(inbox.messages) == 1

    # `flask alerts run` finds it recorded already.
    result = app.test_cli_runner().invoke(args=["alerts", "run", "--rule", "inspection_failed"])
    assert result.exit_code == 0, result.output
    assert "alert:" not in result.output
    with app.app_context():
        assert counts() == (1, 1)

    # The case page lists the failed item with the inspector's finding.
    admin = app.test_client()
    login(admin, "admin@q1.vn")
    page = admin.get(f"/cases/{case_id}").get_data(as_text=True)
    assert FINDING in page
    assert "Kiểm tra công vụ lúc" in page


def test_a_compliant_checklist_opens_none(field_app):
    app, inbox, token = field_app
    client = app.test_client()
    reply = sync(client, token, item(checklist()))
    assert len(reply["accepted"]) == 1
    with app.app_context():
        assert counts() == (0, 0)
        assert db.session.scalar(select(func.count(FieldResponse.id))) == 1
    result = app.test_cli_runner().invoke(args=["alerts", "run", "--rule", "inspection_failed"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert counts() == (0, 0)
    assert inbox.messages == []


def test_the_rule_runs_from_the_cli_for_an_inspection_stored_otherwise(field_app):
    """An inspection stored without the sync's evaluation (e.g. rules turned off then) is
    found by `flask alerts run`, once."""
    app, _inbox, token = field_app
    app.config["ALERT_RULES"] = ("low_rating",)
    sync(app.test_client(), token, item(checklist({"insp_polite": "Quát người dân"})))
    with app.app_context():
        assert counts() == (0, 0)
    app.config["ALERT_RULES"] = ("inspection_failed",)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["alerts", "run"])
    assert result.exit_code == 0, result.output
    assert "alert: inspection_failed tan-dinh" in result.output
    assert "failed=insp_polite" in result.output
    assert runner.invoke(args=["alerts", "run"]).output.count("alert:") == 0
    with app.app_context():
        assert counts() == (1, 1)


def test_the_inspections_page_lists_the_finding_and_the_case(field_app):
    app, _inbox, token = field_app
    failed = item(checklist({"insp_receipts_issued": "Không cấp biên nhận hồ sơ"}))
    passed = item(checklist())
    sync(app.test_client(), token, failed, passed)
    with app.app_context():
        case_id = db.session.scalar(select(Alert.case_id))
    admin = app.test_client()
    login(admin, "admin@q1.vn")
    page = admin.get("/field/inspections")  # the current local year
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Không cấp biên nhận hồ sơ" in html
    assert f'href="/cases/{case_id}"' in html
    assert "9/10" in html
    assert "10/10" in html
    assert f'data-inspection="{uuid.UUID(failed["id"])}"' in html
    assert "Phường Tân Định" in html
