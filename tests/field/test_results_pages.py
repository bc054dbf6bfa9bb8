"""The field results pages (SPEC 13): Vietnamese, figures through the presentation layer,
the method stated per axis; admins and auditors see every ward, a manager their own, a
surveyor nothing."""

import pytest

from tests.core.test_vietnamese_pages import visible_text
from tests.factories import login, make_user
from tests.field._data import OTHER_WARD, WARD, add_field, surveyor
from webapp.extensions import db


def transparency(poor, budget, land_plan, price):
    return {
        "tra_poor_list_posted": poor,
        "tra_budget_published": budget,
        "tra_land_plan_seen": land_plan,
        "tra_land_price_info": price,
    }


@pytest.fixture
def results(seeded):
    """Three interviews in Tân Định (transparency 10, 8,875, 7,75 → 8,875), one in Sài Gòn;
    an axis is shown from 3 respondents here."""
    seeded.config["FIELD_MIN_N"] = 3
    with seeded.app_context():
        make_user("admin@example.vn", "admin")
        make_user("auditor@example.vn", "auditor")
        make_user("manager@example.vn", "manager", WARD)
        _user, device, _token = surveyor("ban-mttq@example.vn")
        add_field(device, WARD, transparency(True, True, True, 5))
        add_field(device, WARD, transparency(True, True, True, 3))
        add_field(device, WARD, transparency(True, True, False, 5))
        add_field(device, OTHER_WARD, transparency(False, True, False, 1))
        db.session.commit()
    return seeded


def client_as(app, email):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def test_the_comparison_is_vietnamese_with_scores_n_and_interval(results):
    html = (
        client_as(results, "admin@example.vn")
        .get("/field/results?year=2025")
        .get_data(as_text=True)
    )
    assert 'lang="vi"' in html
    assert "Kết quả khảo sát theo các trục nội dung PAPI" in html
    assert "Công khai, minh bạch trong việc ra quyết định ở địa phương" in html  # axis title
    assert "Phường Tân Định" in html
    assert "Phường Sài Gòn" in html
    assert "<strong data-score>8,9</strong>" in html  # 8.875, one decimal, Vietnamese comma
    assert "6,1–10,0" in html  # 8.875 − 4.3027 × 1.125 / √3 = 6.08; 10 at most
    assert "n = 3" in html
    assert "chưa đủ số phiếu" in html  # Sài Gòn: one respondent
    assert "Điểm trục = 1 + 9 ×" in html  # the method, stated on the page
    prose, _code = visible_text(html)
    assert "transparency" not in prose
    assert "papi_household" not in prose


def test_english_on_request(results):
    client = client_as(results, "admin@example.vn")
    client.get("/language/en")
    html = client.get("/field/results?year=2025").get_data(as_text=True)
    assert "Transparency in local decision-making" in html
    assert "<strong data-score>8.9</strong>" in html
    assert "too few interviews" in html


def test_one_ward_lists_the_items_behind_each_axis(results):
    page = client_as(results, "auditor@example.vn").get(f"/field/results/{WARD}/2025")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Phường Tân Định" in html
    assert "<strong data-score>8,9</strong>" in html
    assert "66,7\u00a0%" in html  # tra_land_plan_seen: 2 of 3
    assert "83,3\u00a0%" in html  # tra_land_price_info: (1 + 0,5 + 1) / 3
    assert "Số phiếu khảo sát hộ gia đình: 3." in html


def test_a_manager_sees_their_own_ward_only(results):
    client = client_as(results, "manager@example.vn")
    html = client.get("/field/results?year=2025").get_data(as_text=True)
    assert "Phường Tân Định" in html
    assert "Phường Sài Gòn" not in html
    assert client.get(f"/field/results/{WARD}/2025").status_code == 200
    assert client.get(f"/field/results/{OTHER_WARD}/2025").status_code == 403
    assert client.get("/field/inspections?year=2025").status_code == 200


def test_surveyors_and_anonymous_are_refused(results):
    surveyor_client = client_as(results, "ban-mttq@example.vn")
    for url in ("/field/results", f"/field/results/{WARD}/2025", "/field/inspections"):
        assert surveyor_client.get(url).status_code == 403, url
        reply = results.test_client().get(url)
        assert reply.status_code == 401 or "/login" in reply.headers.get("Location", ""), url


def test_bad_years(results):
    client = client_as(results, "admin@example.vn")
    for query in ("?year=abc", "?year=25", "?year=1999", "?year=2025-Q1"):
        reply = client.get("/field/results" + query)
        assert reply.status_code == 400, query
        assert "Năm không hợp lệ" in reply.get_data(as_text=True)
        assert client.get("/field/inspections" + query).status_code == 400, query
    assert client.get(f"/field/results/{WARD}/1999").status_code == 404
    assert client.get("/field/results/no-such-ward/2025").status_code == 404
    assert client.get("/field/results").status_code == 200  # the current year


def test_no_interviews_in_a_year(results):
    html = (
        client_as(results, "admin@example.vn")
        .get("/field/results?year=2024")
        .get_data(as_text=True)
    )
    assert "Chưa có phiếu khảo sát hộ gia đình nào trong năm." in html
