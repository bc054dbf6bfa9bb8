"""The PDF itself: Vietnamese text with the fixture's figures, a valid PAdES signature, pages."""

import re
import subprocess
from datetime import timedelta
from io import BytesIO

import pytest
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from tests.factories import add_responses, kiosk_for
from tests.reports.conftest import FEB, pdf_text
from webapp.extensions import db
from webapp.periods import parse_period
from webapp.reports import services
from webapp.reports.models import Report
from webapp.reports.signing import signing_identity
from webapp.units.services import get_unit

Q1 = parse_period("2025-Q1")


def build(app, slug: str, period=Q1, locale: str = "vi"):
    with app.app_context():
        result = services.get_or_build_report(get_unit(slug), period, locale)
        db.session.commit()
        return result.report.pdf, result.generated


def test_unit_report_text_is_vietnamese_with_the_fixture_figures(figures_app, tmp_path):
    pdf, _ = build(figures_app, "tan-dinh")
    text = " ".join(pdf_text(pdf, tmp_path).split())
    assert "Phường Tân Định" in text
    assert "BÁO CÁO KẾT QUẢ KHẢO SÁT MỨC ĐỘ HÀI LÒNG" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "ỦY BAN NHÂN DÂN PHƯỜNG TÂN ĐỊNH" in text  # the ward issues its own report
    assert "Quý I/2025" in text
    assert "100,0 %" in text  # 40 of 40
    assert "n = 40" in text
    assert "http://localhost/verify" in text
    assert "Trang 1/" in text  # footer from the @page margin box
    with figures_app.app_context():
        report = db.session.scalar(db.select(Report))
        assert report.data_sha256 in text.replace(" ", "")


def test_the_audit_chain_head_at_signing_is_printed(figures_app, tmp_path):
    """Issue 15: copies of the chain head outside the database anchor the audit log."""
    from webapp.audit.services import chain_head

    with figures_app.app_context():
        seq, head = chain_head()
    pdf, _ = build(figures_app, "tan-dinh")
    text = " ".join(pdf_text(pdf, tmp_path).split())
    assert f"mục số {seq}" in text
    assert head in text.replace(" ", "")


def test_summary_report_ranks_children_and_calls_out_problems(figures_app, tmp_path):
    """Sài Gòn has its own counter (48/50 = 96,0 %, below 99 %) and a health station (n=12)."""
    pdf, _ = build(figures_app, "sai-gon")
    text = " ".join(pdf_text(pdf, tmp_path).split())
    assert "Phường Sài Gòn" in text
    assert "96,0 %" in text
    assert "n = 50" in text
    assert "chưa đạt chỉ tiêu" in text  # below the target
    assert "Trạm Y tế phường Bến Nghé" in text
    assert "Đơn vị có quá ít phiếu" in text  # too few answers call-out
    assert "Bị gắn cờ" in text or "gắn cờ" in text  # 2 flagged responses, excluded
    assert "phòng chờ hơi nóng" in text  # a comment from the sample


def test_district_year_report_ranks_wards_with_quarters(figures_app, tmp_path):
    pdf, _ = build(figures_app, "quan-1", parse_period("2025"))
    text = " ".join(pdf_text(pdf, tmp_path).split())
    assert "Năm 2025" in text
    assert "XẾP HẠNG NĂM" in text  # section titles are upper-cased by CSS
    # Tân Định (100 %) ranks first, Sài Gòn (96 %) second and is called out below target.
    assert text.index("Phường Tân Định") < text.index("Phường Sài Gòn")
    assert "Q1" in text
    assert "Q4" in text


def test_english_on_request(figures_app, tmp_path):
    pdf, _ = build(figures_app, "tan-dinh", locale="en")
    text = " ".join(pdf_text(pdf, tmp_path).split())
    assert "REPORT ON THE SATISFACTION SURVEY RESULTS" in text
    assert "SOCIALIST REPUBLIC OF VIETNAM" in text
    assert "Tan Dinh" in text
    assert "100.0%" in text
    assert "Q1 2025" in text


def test_signature_validates_with_pyhanko(figures_app):
    pdf, _ = build(figures_app, "tan-dinh")
    with figures_app.app_context():
        cert = signing_identity().certificate
    signatures = PdfFileReader(BytesIO(pdf)).embedded_signatures
    assert len(signatures) == 1
    status = validate_pdf_signature(signatures[0], ValidationContext(trust_roots=[cert]))
    assert status.intact
    assert status.valid
    assert status.bottom_line
    assert status.md_algorithm == "sha256"
    assert signatures[0].sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES


def test_report_is_cached_until_the_data_change(figures_app):
    first, generated = build(figures_app, "tan-dinh")
    assert generated
    again, generated = build(figures_app, "tan-dinh")
    assert not generated
    assert again == first
    with figures_app.app_context():
        add_responses(kiosk_for("tan-dinh"), [3], at=FEB)
        db.session.commit()
    changed, generated = build(figures_app, "tan-dinh")
    assert generated
    assert changed != first
    with figures_app.app_context():
        hashes = db.session.scalars(db.select(Report.data_sha256)).all()
        assert len(hashes) == 2
        assert hashes[0] != hashes[1]


def test_pages_render_and_are_not_blank(figures_app, tmp_path):
    pdf, _ = build(figures_app, "sai-gon")
    (tmp_path / "r.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", str(tmp_path / "r.pdf"), str(tmp_path / "page")],
        check=True,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2
    for page in pages:
        image = Image.open(page).convert("L")
        width, height = image.size
        assert (width, height) == pytest.approx((331, 468), abs=2)  # A4 at 40 dpi
        dark = sum(image.histogram()[:128])
        assert dark > 500, f"{page.name} looks blank"


@pytest.mark.parametrize(("locale", "grouped"), [("vi", "1.234"), ("en", "1,234")])
def test_large_counts_are_grouped_as_the_locale_writes_them(seeded, tmp_path, locale, grouped):
    """A ward's quarter easily passes a thousand answers: counts read 1.234, not 1234."""
    with seeded.app_context():
        add_responses(
            kiosk_for("tan-dinh"),
            [5] * 1234,
            at=FEB,
            step=timedelta(seconds=20),
            answers={"staff": 5},
        )
        db.session.commit()
    pdf, _ = build(seeded, "tan-dinh", locale=locale)
    text = " ".join(pdf_text(pdf, tmp_path).split())
    assert f"n = {grouped}" in text  # the headline
    assert text.count(grouped) >= 4  # kiosk table, question rows and totals too
    assert not re.search(r"(?<![\d.,])1234(?!\d)", text)  # never ungrouped
