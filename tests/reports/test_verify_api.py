"""Public verification: the page (with CSRF) and POST /api/v1/verify."""

import io
import re

import pytest

from tests.conftest import make_app
from webapp.extensions import db
from webapp.periods import parse_period
from webapp.reports import services
from webapp.units.services import get_unit


@pytest.fixture
def report(figures_app):
    with figures_app.app_context():
        result = services.get_or_build_report(get_unit("tan-dinh"), parse_period("2025-Q1"), "vi")
        db.session.commit()
        return {"pdf": result.report.pdf, "data_sha256": result.report.data_sha256}


def upload(client, data: bytes, url="/api/v1/verify", **fields):
    return client.post(
        url,
        data={"file": (io.BytesIO(data), "report.pdf"), **fields},
        content_type="multipart/form-data",
    )


def test_api_valid_report(figures_app, report):
    reply = upload(figures_app.test_client(), report["pdf"])
    assert reply.status_code == 200
    body = reply.get_json()
    assert body["valid"] is True
    assert body["unit"] == "tan-dinh"
    assert body["period"] == "2025-Q1"
    assert body["sha256"] == report["data_sha256"]
    assert "Hệ thống Hài Lòng" in body["signer"]
    assert body["trusted_signer"] is True
    assert body["dev_certificate"] is True
    assert body["archived"] is True
    assert body["generated_at"].startswith("20")


@pytest.mark.parametrize("change", ["flip", "truncate", "not_pdf"])
def test_api_invalid_uploads(figures_app, report, change):
    data = bytearray(report["pdf"])
    if change == "flip":
        data[len(data) // 2] ^= 0x20
    elif change == "truncate":
        data = data[: len(data) * 3 // 4]
    else:
        data = bytearray(b"PK\x03\x04 a zip file, not a PDF")
    reply = upload(figures_app.test_client(), bytes(data))
    assert reply.status_code == 200
    body = reply.get_json()
    assert body["valid"] is False
    assert body["message"]
    assert body["archived"] is False


def test_api_missing_and_empty_file(figures_app):
    client = figures_app.test_client()
    reply = client.post("/api/v1/verify", data={}, content_type="multipart/form-data")
    assert reply.status_code == 400
    assert reply.get_json()["error"] == "missing_file"
    reply = upload(client, b"")
    assert reply.status_code == 400
    assert reply.get_json()["error"] == "empty_file"


def test_api_upload_limit(figures_app, report):
    app = make_app(VERIFY_MAX_BYTES=10_000)
    reply = upload(app.test_client(), report["pdf"])
    assert reply.status_code == 413
    assert reply.is_json
    assert reply.get_json()["error"]


def test_api_needs_no_csrf_but_the_page_does(figures_app, report):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert upload(client, report["pdf"]).status_code == 200  # API: CSRF-exempt
    page = client.get("/verify")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    token = token or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert token, "the form carries a CSRF token"
    refused = upload(client, report["pdf"], url="/verify")
    assert refused.status_code == 400
    assert "data-verify-result" not in refused.get_data(as_text=True)
    accepted = upload(client, report["pdf"], url="/verify", csrf_token=token.group(1))
    assert accepted.status_code == 200
    result = accepted.get_data(as_text=True)
    assert 'data-verify-result="valid"' in result
    assert "HỢP LỆ" in result
    assert "Phường Tân Định" in result
    assert "chứng thư tự cấp dùng cho thử nghiệm" in result  # development certificate warning
    # Issue 11: times in local time with the zone, not UTC ISO; valid unmistakable (icon).
    assert "(GMT+7)" in result
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", result)
    assert "verify-valid" in result
    assert "✔" in result


def test_page_in_english_shows_invalid(figures_app, report):
    client = figures_app.test_client()
    data = bytearray(report["pdf"])
    data[len(data) // 3] ^= 0x01
    reply = upload(client, bytes(data), url="/verify?lang=en")
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200
    assert 'data-verify-result="invalid"' in html
    assert "INVALID" in html
