"""The alert inbox (/alerts): unread per person until they open the case or mark all read;
the count in the navigation; managers see only their units' alerts; the POST needs CSRF."""

import re

import pytest

from tests.conftest import make_app
from tests.factories import PASSWORD, login, make_user
from webapp.alerts.rules import Finding
from webapp.alerts.services import record_findings
from webapp.extensions import db
from webapp.units.services import get_unit


@pytest.fixture
def alerts(seeded):
    with seeded.app_context():
        for email in ("a@tandinh.vn", "b@tandinh.vn"):
            make_user(email, "manager", "tan-dinh")
        make_user("c@saigon.vn", "manager", "sai-gon")
        make_user("admin@q1.vn", "admin")
        own = record_findings(
            [
                Finding("low_rating", get_unit("tan-dinh").id, "r1", {"overall": 1}),
                Finding("receipt_missing", get_unit("tan-dinh").id, "r2", {}),
            ]
        )
        db.session.commit()
        return [a.case_id for a in own]


def badge(html: str) -> int:
    found = re.search(r"data-unread-alerts>([0-9.]+)<", html)
    return int(found.group(1).replace(".", "")) if found else 0


def client_for(app, email):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def test_unread_counts_are_per_person(seeded, alerts):
    first_case, second_case = alerts
    a, b = client_for(seeded, "a@tandinh.vn"), client_for(seeded, "b@tandinh.vn")
    page = a.get("/alerts").get_data(as_text=True)
    assert badge(page) == 2
    assert page.count("data-unread") >= 3
    assert "Cảnh báo" in page
    assert "Đánh dấu đã đọc tất cả" in page
    assert a.get(f"/cases/{first_case}").status_code == 200
    assert badge(a.get("/alerts").get_data(as_text=True)) == 1
    assert badge(b.get("/alerts").get_data(as_text=True)) == 2  # b has read nothing
    admin = client_for(seeded, "admin@q1.vn")
    assert badge(admin.get("/cases").get_data(as_text=True)) == 2

    assert a.post("/alerts/read").status_code == 302
    page = a.get("/alerts").get_data(as_text=True)
    assert badge(page) == 0
    assert "data-unread " not in page
    assert "data-unread>" not in page
    assert a.post("/alerts/read").status_code == 302  # again: nothing left, no error
    assert badge(b.get("/alerts").get_data(as_text=True)) == 2
    assert f"/cases/{second_case}" in page


def test_another_units_manager_sees_nothing_of_it(seeded, alerts):
    c = client_for(seeded, "c@saigon.vn")
    page = c.get("/alerts").get_data(as_text=True)
    assert badge(page) == 0
    assert "data-alert=" not in page
    assert c.get(f"/cases/{alerts[0]}").status_code == 403
    c.post("/alerts/read")
    # c marking "all" read marks only what c sees: a's alerts stay unread.
    a = client_for(seeded, "a@tandinh.vn")
    assert badge(a.get("/alerts").get_data(as_text=True)) == 2


def test_mark_all_read_needs_the_csrf_token(seeded, alerts):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = client_for_csrf(app)
    assert client.post("/alerts/read").status_code == 400
    page = client.get("/alerts").get_data(as_text=True)
    assert badge(page) == 2
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert client.post("/alerts/read", data={"csrf_token": token}).status_code == 302
    assert badge(client.get("/alerts").get_data(as_text=True)) == 0


def client_for_csrf(app):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    reply = client.post(
        "/login", data={"email": "a@tandinh.vn", "password": PASSWORD, "csrf_token": token}
    )
    assert reply.status_code == 302
    return client
