"""Errors: JSON for the API and JSON clients, a page for browsers, a rollback on 500."""

import pytest
from werkzeug.exceptions import BadRequest

from tests.conftest import make_app
from webapp.access import allow
from webapp.extensions import db
from webapp.units.models import ReportGroup


@pytest.fixture
def error_app(app):
    """The test app plus routes that fail on purpose."""
    app = make_app(MAX_CONTENT_LENGTH=100, PROPAGATE_EXCEPTIONS=False)

    @app.post("/boom")
    @allow("public")
    def boom():
        db.session.add(ReportGroup(code="half-written", name_vi="x", name_en="x", target_pct=1))
        db.session.flush()
        raise RuntimeError("unexpected")

    @app.post("/api/v1/echo")
    @allow("public")
    def echo():
        from flask import request

        return {"size": len(request.get_data())}

    @app.get("/undeclared")
    def undeclared():
        return "should never be served"

    @app.get("/bad")
    @allow("public")
    def bad():
        raise BadRequest("the period is missing")

    return app


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [("/api/v1/nothing-here", 404, "not_found"), ("/healthz", 405, "method_not_allowed")],
)
def test_api_and_json_clients_get_json_errors(error_app, path, status, code):
    client = error_app.test_client()
    headers = {"Accept": "application/json"}
    reply = client.post(path, headers=headers) if status == 405 else client.get(path)
    assert reply.status_code == status
    assert reply.get_json()["error"] == code
    assert reply.get_json()["message"]


def test_browsers_get_an_error_page(error_app):
    reply = error_app.test_client().get("/nothing-here", headers={"Accept": "text/html"})
    assert reply.status_code == 404
    assert reply.mimetype == "text/html"
    assert "404" in reply.get_data(as_text=True)


def test_json_accepting_client_gets_json_outside_the_api(error_app):
    reply = error_app.test_client().get("/bad", headers={"Accept": "application/json"})
    assert reply.status_code == 400
    assert reply.get_json() == {"error": "bad_request", "message": "the period is missing"}


def test_unexpected_error_is_a_500_and_rolls_back(error_app):
    reply = error_app.test_client().post("/boom")
    assert reply.status_code == 500
    assert reply.mimetype == "text/html"
    with error_app.app_context():
        assert db.session.get(ReportGroup, "half-written") is None


def test_too_large_body_is_413_json(error_app):
    reply = error_app.test_client().post("/api/v1/echo", data=b"x" * 500)
    assert reply.status_code == 413
    assert reply.get_json()["error"] == "request_entity_too_large"


def test_route_without_access_rule_is_refused(error_app):
    assert error_app.test_client().get("/undeclared").status_code == 403


@pytest.mark.usefixtures("app")
def test_rate_limit_answers_429_with_retry_after():
    from webapp.extensions import limiter

    limited = make_app(RATELIMIT_ENABLED=True)

    @limited.get("/api/v1/limited")
    @allow("public")
    @limiter.limit("2 per minute")
    def limited_view():
        return {"ok": True}

    client = limited.test_client()
    assert [client.get("/api/v1/limited").status_code for _ in range(3)] == [200, 200, 429]
    reply = client.get("/api/v1/limited")
    assert reply.get_json()["error"] == "too_many_requests"
    assert int(reply.headers["Retry-After"]) > 0


@pytest.mark.parametrize(
    ("lang", "method", "path", "status", "words", "english"),
    [
        ("vi", "get", "/nothing-here", 404, "Không tìm thấy trang", "Not Found"),
        ("en", "get", "/nothing-here", 404, "Page not found", "Không tìm thấy"),
        ("vi", "get", "/undeclared", 403, "Bạn không có quyền mở trang này", "Forbidden"),
        ("vi", "post", "/boom", 500, "Máy chủ gặp sự cố", "Internal Server Error"),
        ("vi", "get", "/nothing-here", 404, "Địa chỉ có thể bị gõ sai", "The requested URL"),
    ],
)
def test_error_pages_speak_the_persons_language(
    error_app, lang, method, path, status, words, english
):
    client = error_app.test_client()
    client.get(f"/login?lang={lang}")  # the language choice is kept in the session
    reply = getattr(client, method)(path, headers={"Accept": "text/html"})
    page = reply.get_data(as_text=True)
    assert reply.status_code == status
    assert words in page
    assert english not in page


@pytest.mark.parametrize(
    "headers",
    [{"X-Big": "a" * 5000}, {f"X-Part-{n}": "b" * 3000 for n in range(7)}],
    ids=["one-header", "many-headers"],
)
def test_oversize_headers_are_431_json_for_the_api(client, headers):
    """Probe finding L4: the API answers in JSON even for headers it will not read."""
    reply = client.post("/api/v1/sync", json={}, headers=headers)
    assert reply.status_code == 431
    assert reply.get_json()["error"] == "request_header_fields_too_large"
