"""Download route: roles, managers limited to their units, caching, audit, the list page."""

import pytest

from tests.factories import PASSWORD, login, make_user
from webapp.audit.models import AuditEvent
from webapp.extensions import db
from webapp.reports.models import Report

URL = "/units/tan-dinh/reports/2025-Q1.pdf"


@pytest.fixture
def users(figures_app):
    with figures_app.app_context():
        make_user("admin@q1.vn", "admin")
        make_user("auditor@q1.vn", "auditor")
        make_user("tandinh@q1.vn", "manager", "tan-dinh")
        make_user("saigon@q1.vn", "manager", "sai-gon")
        db.session.commit()
    return figures_app


def client_for(app, email=None):
    client = app.test_client()
    if email:
        reply = login(client, email, PASSWORD)
        assert reply.status_code in (302, 303), reply.status_code
    return client


@pytest.mark.parametrize(
    ("email", "url", "status"),
    [
        (None, URL, 302),  # to the login page
        ("admin@q1.vn", URL, 200),
        ("auditor@q1.vn", URL, 200),
        ("tandinh@q1.vn", URL, 200),
        ("saigon@q1.vn", URL, 403),  # another ward's manager
        ("saigon@q1.vn", "/units/q1-tyt-ben-nghe/reports/2025-Q1.pdf", 200),  # their child unit
        ("tandinh@q1.vn", "/units/quan-1/reports/2025-Q1.pdf", 403),  # not the district
    ],
)
def test_download_roles(users, email, url, status):
    reply = client_for(users, email).get(url)
    assert reply.status_code == status
    if status == 200:
        assert reply.mimetype == "application/pdf"
        assert reply.data.startswith(b"%PDF-")


def test_manager_refused_nothing_is_generated(users):
    client_for(users, "saigon@q1.vn").get(URL)
    with users.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Report)) == 0


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/units/tan-dinh/reports/2025-Q5.pdf", 400),
        ("/units/tan-dinh/reports/last-year.pdf", 400),
        ("/units/no-such-unit/reports/2025-Q1.pdf", 404),
    ],
)
def test_bad_unit_or_period(users, url, status):
    reply = client_for(users, "admin@q1.vn").get(url)
    assert reply.status_code == status
    with users.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Report)) == 0


def test_download_is_cached_and_audited(users):
    client = client_for(users, "tandinh@q1.vn")
    first = client.get(URL)
    second = client.get(URL)
    assert first.data == second.data  # same figures: the stored PDF, not a new rendering
    english = client.get(URL + "?lang=en")
    assert english.data != first.data
    with users.app_context():
        reports = db.session.scalars(db.select(Report).order_by(Report.id)).all()
        assert [(r.locale, r.kind) for r in reports] == [("vi", "unit"), ("en", "unit")]
        events = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id)).all()
        actions = [
            (e.action, e.details.get("cached")) for e in events if e.action.startswith("report.")
        ]
        assert actions == [
            ("report.generate", None),
            ("report.download", False),
            ("report.download", True),
            ("report.generate", None),
            ("report.download", False),
        ]
        download = [e for e in events if e.action == "report.download"][0]
        assert download.actor_user.email == "tandinh@q1.vn"
        assert download.details["period"] == "2025-Q1"
        assert download.details["pdf_sha256"] == reports[0].pdf_sha256
        assert download.unit_id == reports[0].unit_id


def test_report_list_shows_generations_and_downloads(users):
    client = client_for(users, "admin@q1.vn")
    client.get(URL)
    page = client.get("/units/tan-dinh/reports")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Phường Tân Định" in html
    assert "admin@q1.vn" in html
    assert "Quý I/2025" in html  # the period as people write it, not its code
    assert html.count("<tr>") >= 3  # header + generated + downloaded
    assert client_for(users, "saigon@q1.vn").get("/units/tan-dinh/reports").status_code == 403
