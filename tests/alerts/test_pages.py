"""`/cases` and `/cases/<id>`: who sees what, the workflow, its history and audit, Vietnamese."""

import pytest
from sqlalchemy import select

from tests.alerts.conftest import OTHER, UNIT
from tests.core.test_vietnamese_pages import findings, forbidden_patterns, visible_text
from tests.factories import login, make_user
from webapp.alerts.models import Alert, Case, CaseEvent
from webapp.alerts.rules import RULES, Finding
from webapp.alerts.services import record_findings
from webapp.audit.models import AuditEvent
from webapp.auth.models import User
from webapp.extensions import db
from webapp.units.services import get_unit

DETAILS = {
    "below_target": {
        "satisfied": 30,
        "n": 40,
        "pct": 75.0,
        "low": 60.2,
        "high": 86.0,
        "target": "99.00",
        "clearly": True,
        "first_day": "2025-01-12",
        "last_day": "2025-02-10",
    },
    "low_rating": {"response": "r1", "overall": 1, "at": "2025-02-10T03:00:00+00:00"},
    "receipt_missing": {"response": "r2", "overall": 4, "at": "2025-02-10T03:00:00+00:00"},
    "kiosk_silent": {
        "kiosk": 1,
        "kiosk_name": "Quầy 1",
        "last_contact": "2025-02-08T09:00:00+00:00",
        "office_hours_silent": 12.5,
    },
    "quarantined": {"item": 7, "fields": ["overall"]},
    "inspection_failed": {
        "response": "0190a0b0-0000-7000-8000-000000000003",
        "at": "2025-02-10T03:00:00+00:00",
        "surveyor": "ban-mttq@example.vn",
        "checks": 10,
        "failed": [
            {
                "question": "insp_polite",
                "text": {"vi": "Cán bộ tiếp dân lịch sự", "en": "Staff are polite"},
                "finding": "Quát người dân",
            }
        ],
    },
}


@pytest.fixture
def cases(seeded):
    """A case of every rule in the ward, one in another ward; users of each role."""
    with seeded.app_context():
        make_user("admin@example.vn", "admin")
        make_user("manager@example.vn", "manager", UNIT)
        make_user("other@example.vn", "manager", OTHER)
        make_user("auditor@example.vn", "auditor")
        own = get_unit(UNIT).id
        alerts = record_findings(
            [Finding(code, own, "k1", DETAILS[code]) for code in RULES]
            + [Finding("low_rating", own, "k2", DETAILS["low_rating"])]
            + [Finding("low_rating", get_unit(OTHER).id, "k1", DETAILS["low_rating"])]
        )
        db.session.commit()
        return {a.rule + ("-other" if a.unit_id != own else ""): a.case_id for a in alerts}


def _client(app, email):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def test_manager_sees_their_units_cases_with_counts(seeded, cases):
    client = _client(seeded, "manager@example.vn")
    page = client.get("/cases").get_data(as_text=True)
    assert page.count("data-case=") == len(RULES)
    assert f'data-case="{cases["low_rating-other"]}"' not in page
    assert "Việc cần xử lý" in page
    assert "đánh giá 1–2 kèm góp ý" in page
    assert "mới mở" in page
    # The navigation counts the open cases the manager can see.
    assert f"data-open-cases>{len(RULES)}<" in page
    admin_page = _client(seeded, "admin@example.vn").get("/cases").get_data(as_text=True)
    assert f"data-open-cases>{len(RULES) + 1}<" in admin_page
    assert f'data-unit="{OTHER}"' in admin_page


def test_filters(seeded, cases):
    client = _client(seeded, "admin@example.vn")
    page = client.get("/cases?rule=kiosk_silent").get_data(as_text=True)
    assert page.count("data-case=") == 1
    page = client.get(f"/cases?unit={OTHER}").get_data(as_text=True)
    assert page.count("data-case=") == 1
    assert client.get("/cases?status=resolved").get_data(as_text=True).count("data-case=") == 0
    assert client.get("/cases?overdue=1").get_data(as_text=True).count("data-case=") == 0
    assert client.get("/cases?rule=nonsense").status_code == 400
    assert client.get("/cases?status=nonsense").status_code == 400
    assert client.get("/cases?unit=no-such-unit").status_code == 404


def test_case_page_shows_its_alerts_in_vietnamese(seeded, cases):
    client = _client(seeded, "admin@example.vn")
    patterns = forbidden_patterns(seeded)
    for code in RULES:
        reply = client.get(f"/cases/{cases[code]}")
        assert reply.status_code == 200
        html = reply.get_data(as_text=True)
        assert findings(visible_text(html), patterns) == [], code
    page = client.get(f"/cases/{cases['below_target']}").get_data(as_text=True)
    assert "rõ ràng dưới chỉ tiêu" in page
    assert "n = 40" in page
    page = client.get(f"/cases/{cases['low_rating']}").get_data(as_text=True)
    assert page.count("data-alert=") == 2
    assert "Mở việc theo cảnh báo số" in page
    assert "được gộp vào việc này" in page
    page = client.get(f"/cases/{cases['inspection_failed']}").get_data(as_text=True)
    assert "Cán bộ tiếp dân lịch sự (vi phạm ghi nhận: Quát người dân)" in page
    assert "1 trên 10 mục không đạt" in page


def test_workflow_is_recorded_and_audited(seeded, cases):
    client = _client(seeded, "manager@example.vn")
    case_id = cases["receipt_missing"]
    with seeded.app_context():
        manager_id = db.session.scalar(select(User.id).where(User.email == "manager@example.vn"))
    reply = client.post(
        f"/cases/{case_id}",
        data={"status": "in_progress", "owner": str(manager_id), "due_on": "2025-03-01"},
    )
    assert reply.status_code == 302
    reply = client.post(
        f"/cases/{case_id}",
        data={
            "status": "resolved",
            "owner": str(manager_id),
            "due_on": "2025-03-01",
            "action_taken": "Đã nhắc bộ phận một cửa giao giấy tiếp nhận",
        },
    )
    assert reply.status_code == 302
    with seeded.app_context():
        case = db.session.get(Case, case_id)
        assert case.status == "resolved"
        assert case.resolved_at is not None
        assert case.owner.email == "manager@example.vn"
        updates = [e for e in case.events if e.kind == "update"]
        assert [sorted(e.changes) for e in updates] == [
            ["due_on", "owner", "status"],
            ["action_taken", "status"],
        ]
        assert updates[0].actor.email == "manager@example.vn"
        assert updates[1].changes["status"] == ["in_progress", "resolved"]
        audits = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "case.update")
        ).all()
        assert [a.target for a in audits] == [f"case:{case_id}"] * 2
        assert audits[1].details["after"]["status"] == "resolved"
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "đã khắc phục" in page
    assert "01/03/2025" in page
    assert "Đã nhắc bộ phận một cửa" in page
    audit = _client(seeded, "admin@example.vn").get("/admin/audit").get_data(as_text=True)
    assert "thay đổi việc cần xử lý" in audit


@pytest.mark.parametrize(
    "data",
    [
        {"status": "bogus"},
        {"status": "open", "due_on": "not-a-date"},
        {"status": "open", "owner": "999999"},
        {"status": "resolved", "action_taken": "   "},
    ],
)
def test_bad_input_is_400_and_changes_nothing(seeded, cases, data):
    client = _client(seeded, "manager@example.vn")
    case_id = cases["quarantined"]
    reply = client.post(f"/cases/{case_id}", data=data)
    assert reply.status_code == 400
    assert "Việc số" in reply.get_data(as_text=True)
    with seeded.app_context():
        case = db.session.get(Case, case_id)
        assert (case.status, case.owner_user_id, case.due_on, case.action_taken) == (
            "open",
            None,
            None,
            None,
        )
        assert db.session.scalars(select(CaseEvent).where(CaseEvent.kind == "update")).all() == []
        assert (
            db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.update")).all()
            == []
        )


def test_roles(seeded, cases):
    other = _client(seeded, "other@example.vn")
    own_case = cases["low_rating"]
    assert other.get(f"/cases/{own_case}").status_code == 403
    assert other.post(f"/cases/{own_case}", data={"status": "in_progress"}).status_code == 403
    assert other.get(f"/cases/{cases['low_rating-other']}").status_code == 200
    auditor = _client(seeded, "auditor@example.vn")
    page = auditor.get(f"/cases/{own_case}")
    assert page.status_code == 200
    assert 'data-form="case"' not in page.get_data(as_text=True)
    assert auditor.post(f"/cases/{own_case}", data={"status": "in_progress"}).status_code == 403
    assert auditor.get("/cases").status_code == 200
    assert seeded.test_client().get("/cases").status_code in (302, 401)
    with seeded.app_context():
        assert db.session.get(Case, own_case).status == "open"
        assert db.session.scalar(select(Alert.id).where(Alert.case_id == own_case)) is not None
    assert _client(seeded, "admin@example.vn").get("/cases/999999").status_code == 404


def test_navigation_link_and_count(seeded):
    with seeded.app_context():
        make_user("quiet@example.vn", "manager", OTHER)
        db.session.commit()
    page = _client(seeded, "quiet@example.vn").get("/cases").get_data(as_text=True)
    assert "data-nav-cases" in page
    assert "data-open-cases" not in page  # nothing open: no number
    assert "Không có việc nào đang mở." in page


def test_case_page_shows_the_citizens_comment(seeded, kiosk):
    from tests.alerts.conftest import NOW, responses
    from webapp.alerts.services import run_rules

    with seeded.app_context():
        make_user("manager@example.vn", "manager", UNIT)
        responses(kiosk, [1], answers={"comment": "Chờ <b>hai</b> giờ"})
        (alert,) = run_rules(NOW, only=["low_rating"])
        db.session.commit()
        case_id = alert.case_id
    page = _client(seeded, "manager@example.vn").get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Góp ý: Chờ &lt;b&gt;hai&lt;/b&gt; giờ" in page
