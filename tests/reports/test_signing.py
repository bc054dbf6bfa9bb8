"""Signing identities and verification of altered, truncated, foreign and non-PDF files."""

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from tests.conftest import make_app
from webapp.extensions import db
from webapp.periods import parse_period
from webapp.reports import rendering, services
from webapp.reports.signing import DEV_CERT_FILE, signing_identity
from webapp.reports.verification import verify_pdf
from webapp.units.services import get_unit


def make_p12(path, password: bytes, name: str = "Văn phòng UBND Quận 1"):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"signer", key, cert, None, serialization.BestAvailableEncryption(password)
        )
    )
    return path


@pytest.fixture
def signed_pdf(figures_app):
    with figures_app.app_context():
        result = services.get_or_build_report(get_unit("tan-dinh"), parse_period("2025-Q1"), "vi")
        db.session.commit()
        return result.report.pdf


def verify(app, data: bytes):
    with app.app_context():
        return verify_pdf(data, signing_identity())


def test_untouched_report_is_valid_with_its_metadata(figures_app, signed_pdf):
    result = verify(figures_app, signed_pdf)
    assert result.valid, result.message
    assert result.unit == "tan-dinh"
    assert result.unit_name == "Phường Tân Định"
    assert result.period == "2025-Q1"
    assert result.kind == "unit"
    assert result.trusted_signer
    assert result.dev_certificate  # no P12 configured in tests
    assert "Hệ thống Hài Lòng" in result.signer
    with figures_app.app_context():
        from webapp.reports.models import Report

        assert result.data_sha256 == db.session.scalar(db.select(Report.data_sha256))


@pytest.mark.parametrize("where", [0.05, 0.5, 0.97])
def test_any_flipped_byte_is_invalid(figures_app, signed_pdf, where):
    data = bytearray(signed_pdf)
    position = int(len(data) * where)
    data[position] ^= 0x01
    result = verify(figures_app, bytes(data))
    assert not result.valid
    assert result.code in ("modified", "unreadable", "appended")
    assert result.message


def test_truncated_file_is_invalid(figures_app, signed_pdf):
    for size in (len(signed_pdf) - 10, len(signed_pdf) // 2, 100):
        result = verify(figures_app, signed_pdf[:size])
        assert not result.valid
        assert result.message


def test_appended_revision_is_invalid(figures_app, signed_pdf):
    result = verify(figures_app, signed_pdf + b"\n1 0 obj\n(x)\nendobj\n")
    assert not result.valid
    assert result.code == "appended"


def test_non_pdf_is_invalid(figures_app):
    result = verify(figures_app, b"GIF89a not a report at all")
    assert not result.valid
    assert result.code == "not_pdf"
    assert "not a PDF" in result.message


def test_unsigned_pdf_is_invalid(figures_app):
    with figures_app.app_context():
        plain = rendering.render_pdf("<p>Báo cáo giả</p>", info={}).pdf
    result = verify(figures_app, plain)
    assert (result.valid, result.code) == (False, "no_signature")


def test_pdf_signed_by_another_certificate_is_invalid(figures_app, signed_pdf, tmp_path):
    """Same report, signed with a different (P12) certificate: intact but not ours."""
    p12 = make_p12(tmp_path / "other.p12", b"other-pass")
    other = make_app(SIGNING_P12_PATH=str(p12), SIGNING_P12_PASSWORD="other-pass")
    with other.app_context():
        foreign = services.get_or_build_report(
            get_unit("tan-dinh"), parse_period("2025-Q1"), "vi", force=True
        ).report.pdf
        db.session.rollback()
        assert verify_pdf(foreign, signing_identity()).valid  # valid for its own signer
    result = verify(figures_app, foreign)
    assert not result.valid
    assert result.code == "untrusted"
    assert result.signer == "Văn phòng UBND Quận 1"
    assert not result.trusted_signer


def test_p12_with_numeric_password_from_environment(figures_app, tmp_path):
    """FLASK_SIGNING_P12_PASSWORD=123456 arrives as an int after JSON parsing."""
    p12 = make_p12(tmp_path / "office.p12", b"123456")
    app = make_app(SIGNING_P12_PATH=str(p12), SIGNING_P12_PASSWORD=123456)
    with app.app_context():
        identity = signing_identity()
        assert not identity.is_dev
        assert identity.common_name == "Văn phòng UBND Quận 1"


def test_dev_certificate_is_created_once(figures_app):
    first = make_app()
    second = make_app()
    with first.app_context():
        one = signing_identity()
        path = signing_identity().signer and first.instance_path
    with second.app_context():
        two = signing_identity()
    assert one.fingerprint == two.fingerprint
    assert (__import__("pathlib").Path(path) / DEV_CERT_FILE).stat().st_mode & 0o077 == 0


def test_renderer_fetches_only_data_uris_and_vendored_fonts():
    fetcher = rendering.sandboxed_fetcher()
    for url in (
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/logo.png",
        "hailong-font:../../../etc/passwd",
        "hailong-font:DejaVuSans.ttf",
        "ftp://example.com/x",
    ):
        with pytest.raises(ValueError, match="refused|disallowed"):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    assert fetcher.fetch("hailong-font:NotoSans-Regular.ttf").read()[:4] == b"\x00\x01\x00\x00"
