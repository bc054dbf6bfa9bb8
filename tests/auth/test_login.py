"""Sign-in, sign-out, password change, CSRF, rate limit and the audit of logins."""

import re

from sqlalchemy import select

from tests.conftest import make_app
from tests.factories import PASSWORD, login, make_user
from webapp.audit.models import AuditEvent
from webapp.auth.routes import safe_next
from webapp.auth.services import check_password, find_user
from webapp.extensions import db


def _users(app):
    with app.app_context():
        make_user("admin@example.vn", "admin")
        make_user("manager@example.vn", "manager", "tan-dinh")
        db.session.commit()


def _actions(app):
    with app.app_context():
        return [(e.action, e.actor_label) for e in db.session.scalars(select(AuditEvent))]


def test_login_success_redirects_home_and_is_audited(seeded, client):
    _users(seeded)
    page = client.get("/login")
    assert page.status_code == 200
    assert b'name="email"' in page.data
    assert b'name="password"' in page.data
    reply = login(client, "Admin@Example.vn")
    assert reply.status_code == 302
    assert reply.headers["Location"] == "/"
    assert client.get("/").headers["Location"] == "/overview"
    assert ("auth.login", None) in _actions(seeded)
    with seeded.app_context():
        assert find_user("admin@example.vn").last_login_at is not None


def test_manager_with_one_unit_lands_on_it(seeded, client):
    _users(seeded)
    login(client, "manager@example.vn")
    assert client.get("/").headers["Location"] == "/units/tan-dinh"


def test_wrong_password_is_refused_and_audited(seeded, client):
    _users(seeded)
    reply = login(client, "admin@example.vn", "wrong-password-x")
    assert reply.status_code == 401
    assert "Sai e-mail hoặc mật khẩu".encode() in reply.data
    reply = login(client, "nobody@example.vn", "wrong-password-x")
    assert reply.status_code == 401
    failures = [label for action, label in _actions(seeded) if action == "auth.login_failed"]
    assert failures == ["admin@example.vn", "nobody@example.vn"]
    assert client.get("/overview").status_code == 302  # still anonymous


def test_disabled_account_cannot_sign_in(seeded, client):
    _users(seeded)
    with seeded.app_context():
        find_user("manager@example.vn").active = False
        db.session.commit()
    assert login(client, "manager@example.vn").status_code == 401


def test_next_is_followed_only_on_this_site(seeded, client):
    _users(seeded)
    assert client.get("/units/tan-dinh").headers["Location"].startswith("/login?next=")
    reply = client.post(
        "/login?next=/units/tan-dinh", data={"email": "admin@example.vn", "password": PASSWORD}
    )
    assert reply.headers["Location"] == "/units/tan-dinh"
    assert safe_next("https://evil.example/") is None
    assert safe_next("//evil.example/x") is None
    assert safe_next("/\\evil.example") is None
    assert safe_next("/overview?period=2025") == "/overview?period=2025"


def test_logout_ends_the_session(seeded, client):
    _users(seeded)
    login(client, "admin@example.vn")
    assert client.get("/overview").status_code == 200
    assert client.post("/logout").headers["Location"] == "/login"
    assert client.get("/overview").status_code == 302
    assert client.get("/logout").status_code == 405


def test_csrf_token_is_required_for_login_and_logout(seeded):
    _users(seeded)
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    reply = client.post("/login", data={"email": "admin@example.vn", "password": PASSWORD})
    assert reply.status_code == 400
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    reply = client.post(
        "/login", data={"email": "admin@example.vn", "password": PASSWORD, "csrf_token": token}
    )
    assert reply.status_code == 302
    assert client.post("/logout").status_code == 400  # no token: still signed in
    assert client.get("/overview").status_code == 200
    reply = client.post("/admin/units/new", data={"slug": "x", "name_vi": "x", "name_en": "x"})
    assert reply.status_code == 400


def test_login_is_rate_limited(seeded):
    _users(seeded)
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [login(client, "admin@example.vn", "bad-password-1").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    assert client.get("/login").status_code == 200  # only attempts are limited


def test_password_change(seeded, client):
    _users(seeded)
    login(client, "manager@example.vn")
    weak = client.post(
        "/account/password", data={"current": PASSWORD, "new": "short", "confirm": "short"}
    )
    assert weak.status_code == 400
    wrong = client.post(
        "/account/password",
        data={
            "current": "nope-nope-nope",
            "new": "a-much-better-secret",
            "confirm": "a-much-better-secret",
        },
    )
    assert wrong.status_code == 400
    assert "Mật khẩu hiện tại không đúng".encode() in wrong.data
    ok = client.post(
        "/account/password",
        data={
            "current": PASSWORD,
            "new": "a-much-better-secret",
            "confirm": "a-much-better-secret",
        },
    )
    assert ok.status_code == 302
    with seeded.app_context():
        assert check_password(find_user("manager@example.vn"), "a-much-better-secret")
    assert ("auth.password_change", None) in _actions(seeded)


def test_session_cookie_flags(seeded):
    _users(seeded)
    app = make_app(SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    reply = login(client, "admin@example.vn")
    cookie = reply.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
