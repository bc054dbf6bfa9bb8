"""Inputs and deployments that once produced a 500 or weakened a control (review findings)."""

import io
import logging

import openpyxl
import pytest
from sqlalchemy import select

from tests.conftest import make_app
from tests.factories import PASSWORD, login, make_user
from webapp.access import allow
from webapp.audit.models import AuditEvent
from webapp.auth.models import User
from webapp.auth.services import hash_password
from webapp.extensions import db
from webapp.units.services import get_unit


@pytest.fixture
def admin_client(seeded):
    with seeded.app_context():
        make_user("admin@q1.vn", "admin")
        db.session.commit()
    client = seeded.test_client()
    assert login(client, "admin@q1.vn").status_code == 302
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/units/sai-gon?period=9999-Q4",
        "/units/sai-gon/reports/0000.pdf",
        "/units/sai-gon/responses.csv?period=9999",
        "/overview?period=0001",
    ],
)
def test_periods_outside_the_supported_years_are_400(admin_client, url):
    assert admin_client.get(url).status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/units/sai-gon/responses.csv?period=２０２６",
        "/overview.xlsx?period=٢٠٢٦-Q1",
        "/units/sai-gon/reports/２０２６.pdf",
        "/units/sai-gon?period=2026%0A",
    ],
)
def test_periods_in_other_digits_are_400_not_500(admin_client, url):
    """Probe finding M1: `２０２６` passed the period pattern (\\d is any Unicode digit), then
    broke Content-Disposition with a 500 and archived a report under a non-standard label."""
    from webapp.reports.models import Report

    assert admin_client.get(url).status_code == 400
    with admin_client.application.app_context():
        assert db.session.scalar(select(Report.id)) is None


@pytest.mark.parametrize(
    "url", ["/admin/users/99999999999999999999999", "/kiosks/18446744073709551616/code"]
)
def test_integers_in_urls_beyond_64_bits_are_404(admin_client, url):
    """Probe finding L5: a user id beyond 64 bits answered 500 on SQLite."""
    reply = admin_client.get(url) if "users" in url else admin_client.post(url)
    assert reply.status_code == 404


@pytest.mark.parametrize("url", ["/units/a%00b", "/admin/audit?action=%00", "/overview?period=%00"])
def test_nul_characters_in_urls_are_400(admin_client, url):
    assert admin_client.get(url).status_code == 400


def test_nul_character_in_a_login_form_is_400_and_audits_nothing(seeded):
    client = seeded.test_client()
    reply = client.post("/login", data={"email": "a\x00@x.vn", "password": "x"})
    assert reply.status_code == 400
    with seeded.app_context():
        assert db.session.scalars(select(AuditEvent)).all() == []


def test_huge_page_numbers_are_clamped(admin_client):
    assert admin_client.get("/units/sai-gon?page=99999999999999999999").status_code == 200
    assert admin_client.get("/admin/audit?page=99999999999999999999").status_code == 200


def test_unexpected_errors_are_logged_with_their_traceback(app, caplog):
    failing = make_app(PROPAGATE_EXCEPTIONS=False)

    @failing.get("/explode")
    @allow("public")
    def explode():
        raise RuntimeError("kaboom")

    with caplog.at_level(logging.ERROR):
        assert failing.test_client().get("/explode").status_code == 500
    assert any("unhandled error: GET /explode" in r.message and r.exc_info for r in caplog.records)


def test_password_change_ends_other_sessions(seeded):
    with seeded.app_context():
        make_user("chair@q1.vn", "manager", "sai-gon")
        db.session.commit()
    laptop, phone = seeded.test_client(), seeded.test_client()
    login(laptop, "chair@q1.vn")
    login(phone, "chair@q1.vn")
    assert phone.get("/units/sai-gon").status_code == 200
    with seeded.app_context():
        user = db.session.scalar(select(User).where(User.email == "chair@q1.vn"))
        user.password_hash = hash_password("a brand new passphrase")
        db.session.commit()
    assert phone.get("/units/sai-gon").status_code == 302  # back to the sign-in page


def test_unit_names_are_never_formulas_in_the_xlsx(admin_client, seeded):
    with seeded.app_context():
        get_unit("sai-gon").name_vi = '=HYPERLINK("http://evil.example","x")'
        db.session.commit()
    reply = admin_client.get("/overview.xlsx?period=2025-Q1")
    sheet = openpyxl.load_workbook(io.BytesIO(reply.data)).active
    cells = [c for row in sheet.iter_rows() for c in row if str(c.value).startswith("=")]
    assert cells
    assert all(c.data_type == "s" for c in cells)


def test_behind_a_proxy_the_client_address_is_used(seeded):
    proxied = make_app(PROXY_HOPS=1)
    with proxied.app_context():
        make_user("x@q1.vn", "auditor")
        db.session.commit()
    client = proxied.test_client()
    client.post(
        "/login",
        data={"email": "x@q1.vn", "password": PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.9"},
    )
    with proxied.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.login"))
        assert event.ip == "203.0.113.9"


def test_guessing_one_account_from_many_addresses_is_limited(seeded):
    """Once an account's failures reach the limit, every address that failed on it is
    refused, and a new address gets one guess (it then fails and is refused too)."""
    limited = make_app(
        PROXY_HOPS=1,
        RATELIMIT_ENABLED=True,
        LOGIN_RATE_LIMIT="100 per minute",
        LOGIN_ACCOUNT_RATE_LIMIT="3 per hour",
    )
    client = limited.test_client()

    def guess(address):
        return client.post(
            "/login",
            data={"email": "chair@q1.vn", "password": "wrong-guess"},
            headers={"X-Forwarded-For": address},
        ).status_code

    assert [guess(f"198.51.100.{i}") for i in range(3)] == [401, 401, 401]
    assert [guess(f"198.51.100.{i}") for i in range(3)] == [429, 429, 429]
    assert guess("198.51.100.77") == 401  # a new address: one guess
    assert guess("198.51.100.77") == 429


def test_the_owner_still_signs_in_while_their_account_is_guessed(seeded):
    """Probe finding M2: 40 wrong passwords locked the owner out for an hour. Now only the
    guessing addresses are slowed down, and the admin is told the account is under attack."""
    from webapp.auth.services import UNDER_ATTACK_FAILURES

    with seeded.app_context():
        make_user("chair@q1.vn", "manager", "sai-gon")
        db.session.commit()
    limited = make_app(
        PROXY_HOPS=1,
        RATELIMIT_ENABLED=True,
        LOGIN_RATE_LIMIT="1000 per minute",
        LOGIN_ACCOUNT_RATE_LIMIT="20 per hour",
    )
    attacker = limited.test_client()
    statuses = [
        attacker.post(
            "/login",
            data={"email": "chair@q1.vn", "password": f"guess-{i}"},
            headers={"X-Forwarded-For": "203.0.113.66"},
        ).status_code
        for i in range(40)
    ]
    assert statuses.count(401) == 20
    assert statuses[20:] == [429] * 20
    owner = limited.test_client()
    reply = owner.post(
        "/login",
        data={"email": "chair@q1.vn", "password": PASSWORD},
        headers={"X-Forwarded-For": "192.0.2.10"},
    )
    assert reply.status_code == 302
    with seeded.app_context():
        alerts = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "auth.account_under_attack")
        ).all()
    assert len(alerts) == 1
    assert alerts[0].details["failures"] == UNDER_ATTACK_FAILURES


def test_reports_of_periods_that_have_not_started_are_refused(admin_client):
    reply = admin_client.get("/units/sai-gon/reports/2099-Q1.pdf")
    assert reply.status_code == 400
    assert "chưa bắt đầu" in reply.get_data(as_text=True)


def test_hsts_only_over_tls_and_coop_everywhere(client):
    """Probe finding L3."""
    plain = client.get("/healthz")
    secure = client.get("/healthz", base_url="https://hailong.example.gov.vn")
    assert "Strict-Transport-Security" not in plain.headers
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert plain.headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.slow
@pytest.mark.usefixtures("seeded")
def test_gunicorn_does_not_advertise_its_name_or_version():
    import urllib.request

    from tests.conftest import gunicorn_server

    with gunicorn_server(workers=1) as url, urllib.request.urlopen(url + "/healthz") as reply:
        assert reply.headers["Server"] == "hailong"


@pytest.mark.slow
@pytest.mark.usefixtures("seeded")
def test_make_runs_server_counts_a_rate_limit_once():
    """Probe finding L1: with memory:// each of 2 workers counted its own limit (19 of a
    configured 10 per minute got through). `make run` serves one process with threads."""
    import urllib.error
    import urllib.parse
    import urllib.request

    from tests.conftest import gunicorn_server

    with gunicorn_server(
        workers=1, threads=4, FLASK_LOGIN_RATE_LIMIT="10 per minute", FLASK_WTF_CSRF_ENABLED="false"
    ) as url:
        statuses = []
        for i in range(14):
            body = urllib.parse.urlencode({"email": f"x{i}@q1.vn", "password": "wrong"}).encode()
            try:
                with urllib.request.urlopen(url + "/login", data=body) as reply:
                    statuses.append(reply.status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
    assert statuses.count(429) == 4
