"""The PDF as an administrative document (SPEC 8, Decree 30/2020/NĐ-CP): the issuing body as
of the report's date, the per-issuer yearly number, the signer block, "Nơi nhận", the unit's
own result before the units below it, and a QR code that opens the document's own record."""

import re
import shutil
import subprocess
from datetime import date
from io import BytesIO

import pytest

from tests.factories import PASSWORD, login, make_user
from tests.reports.conftest import pdf_text
from webapp.dashboard import figures
from webapp.extensions import db
from webapp.periods import parse_period
from webapp.reports.issuers import abbreviation, issuer_for
from webapp.reports.models import Report
from webapp.reports.services import get_or_build_report
from webapp.units.services import get_unit

BEFORE_REFORM = date(2025, 3, 31)
AFTER_REFORM = date(2026, 12, 31)


@pytest.mark.parametrize(
    ("slug", "on", "name", "superior", "code", "title"),
    [
        ("sai-gon", AFTER_REFORM, "ỦY BAN NHÂN DÂN PHƯỜNG SÀI GÒN", None, "UBND", "CHỦ TỊCH"),
        # A ward retired in the merger still issues its own reports on its own periods.
        ("ben-nghe", BEFORE_REFORM, "ỦY BAN NHÂN DÂN PHƯỜNG BẾN NGHÉ", None, "UBND", "CHỦ TỊCH"),
        ("quan-1", BEFORE_REFORM, "ỦY BAN NHÂN DÂN QUẬN 1", None, "UBND", "CHỦ TỊCH"),
        # The district level was dissolved: its successor issues the district-wide summary.
        (
            "quan-1",
            AFTER_REFORM,
            "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH",
            None,
            "UBND",
            "CHỦ TỊCH",
        ),
        # The district counter is part of the committee.
        ("q1-mot-cua", BEFORE_REFORM, "ỦY BAN NHÂN DÂN QUẬN 1", None, "UBND", "CHỦ TỊCH"),
        # A school issues its own report, under the committee that manages it.
        (
            "q1-mn-ben-thanh",
            AFTER_REFORM,
            "TRƯỜNG MẦM NON BẾN THÀNH",
            "ỦY BAN NHÂN DÂN PHƯỜNG BẾN THÀNH",
            "MNBT",
            "HIỆU TRƯỞNG",
        ),
        # A ward health station's report is issued by its health centre.
        (
            "q1-tyt-ben-nghe",
            BEFORE_REFORM,
            "TRUNG TÂM Y TẾ QUẬN 1",
            "ỦY BAN NHÂN DÂN QUẬN 1",
            "TTYTQ1",
            "GIÁM ĐỐC",
        ),
    ],
)
def test_issuing_body_as_of_the_report_date(seeded, slug, on, name, superior, code, title):
    with seeded.test_request_context():
        issuer = issuer_for(get_unit(slug), on, "vi")
    assert (issuer.name, issuer.superior, issuer.code, issuer.signer_title) == (
        name,
        superior,
        code,
        title,
    )
    assert issuer.recipients[-1] == "Lưu: VT."


def test_a_ward_reports_to_the_district_before_the_reform_and_to_the_city_after(seeded):
    with seeded.test_request_context():
        ward = get_unit("sai-gon")
        before = issuer_for(ward, BEFORE_REFORM, "vi").recipients
        after = issuer_for(ward, AFTER_REFORM, "vi").recipients
    assert before[0] == "Ủy ban nhân dân Quận 1 (để báo cáo)"
    assert after[0] == "Ủy ban nhân dân Thành phố Hồ Chí Minh (để báo cáo)"


def test_abbreviation_drops_diacritics_and_the_kind_word():
    assert abbreviation("Trường Tiểu học Nguyễn Bỉnh Khiêm") == "THNBK"
    assert abbreviation("Đội Quản lý đô thị") == "DQLDT"


@pytest.fixture
def manager(figures_app):
    with figures_app.app_context():
        make_user("admin@q1.vn", "admin")
        get_unit("sai-gon").head_name = "Nguyễn Văn An"
        db.session.commit()
    client = figures_app.test_client()
    assert login(client, "admin@q1.vn", PASSWORD).status_code in (302, 303)
    return client


def test_pdf_reads_as_the_wards_administrative_report(figures_app, manager, tmp_path):
    reply = manager.get("/units/sai-gon/reports/2025-Q1.pdf")
    assert reply.status_code == 200
    text = pdf_text(reply.data, tmp_path)
    header = text.split("BÁO CÁO KẾT QUẢ")[0]
    assert "ỦY BAN NHÂN DÂN PHƯỜNG SÀI GÒN" in header
    assert "QUẬN 1" not in header  # the old bug: every report issued by the district
    assert re.search(r"Số: 1/BC-UBND", header)
    assert "Nơi nhận:" in text
    assert "Ủy ban nhân dân Quận 1 (để báo cáo);" in text
    assert "Lưu: VT." in text
    for line in ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn An"):
        assert line in text
    # The ward's own result comes before the units below it.
    assert text.index("KẾT QUẢ CỦA BẢN THÂN ĐƠN VỊ") < text.index("XẾP HẠNG CÁC ĐƠN VỊ")
    assert "2025-Q1" not in text
    assert "sai-gon" not in text
    # The figure over the ward and everything below it: 48 + 12 satisfied of 50 + 12.
    assert "96,8 %" in text


def test_numbers_follow_each_issuers_yearly_sequence(figures_app, manager, tmp_path):
    manager.get("/units/sai-gon/reports/2025-Q1.pdf")
    with figures_app.test_request_context():
        again = get_or_build_report(get_unit("sai-gon"), parse_period("2025-Q1"), force=True)
        school = get_or_build_report(get_unit("q1-mn-ben-thanh"), parse_period("2025-Q1"))
        db.session.commit()
        numbers = [
            (r.issuer_key, r.number, r.number_text)
            for r in db.session.scalars(db.select(Report).order_by(Report.id))
        ]
        assert again.report.number == 2
        assert school.report.number == 1
        again_pdf = again.report.pdf
    assert numbers == [
        ("unit:sai-gon", 1, "Số: 1/BC-UBND"),
        ("unit:sai-gon", 2, "Số: 2/BC-UBND"),
        ("unit:q1-mn-ben-thanh", 1, "Số: 1/BC-MNBT"),
    ]
    assert "Số: 2/BC-UBND" in pdf_text(again_pdf, tmp_path)


def test_english_keeps_the_same_form(figures_app, manager, tmp_path):
    text = pdf_text(manager.get("/units/sai-gon/reports/2025-Q1.pdf?lang=en").data, tmp_path)
    for words in (
        "SAI GON WARD PEOPLE'S COMMITTEE",
        "No.: 1/BC-UBND",
        "Recipients:",
        "ON BEHALF OF THE PEOPLE'S COMMITTEE",
        "CHAIRMAN",
    ):
        assert words in text


def qr_payload(pdf: bytes, tmp_path) -> str:
    """Decode the QR code of the last page as a phone would (zbarimg on a 200 dpi render)."""
    assert shutil.which("zbarimg"), "zbar-tools is missing (apt-get install zbar-tools)"
    path = tmp_path / "qr.pdf"
    path.write_bytes(pdf)
    pages = int(re.search(r"Pages:\s+(\d+)", _run(["pdfinfo", str(path)])).group(1))
    _run(
        [
            "pdftoppm",
            "-r",
            "200",
            "-png",
            "-f",
            str(pages),
            "-l",
            str(pages),
            str(path),
            str(tmp_path / "page"),
        ]
    )
    image = next(tmp_path.glob("page*.png"))
    return _run(["zbarimg", "--quiet", "--raw", str(image)]).strip()


def _run(args: list[str]) -> str:
    return subprocess.run(args, capture_output=True, check=True, text=True).stdout


def test_qr_opens_the_documents_own_record(figures_app, manager, tmp_path):
    pdf = manager.get("/units/sai-gon/reports/2025-Q1.pdf").data
    with figures_app.app_context():
        report = db.session.scalar(db.select(Report))
        public_id, number = report.public_id, report.number_text
    url = qr_payload(pdf, tmp_path)
    assert url.endswith(f"/verify/{public_id}")
    public = figures_app.test_client()  # a citizen's phone: not signed in
    page = public.get("/" + url.split("://", 1)[1].split("/", 1)[1])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert number in html
    assert "Phường Sài Gòn" in html
    assert report.pdf_sha256 in html
    assert "Quý I/2025" in html


def test_record_checks_an_uploaded_copy(figures_app, manager, tmp_path):
    pdf = manager.get("/units/sai-gon/reports/2025-Q1.pdf").data
    other = manager.get("/units/tan-dinh/reports/2025-Q1.pdf").data
    with figures_app.app_context():
        public_id = db.session.scalar(
            db.select(Report.public_id).where(Report.pdf_sha256.is_not(None)).order_by(Report.id)
        )
    figures_app.config["WTF_CSRF_ENABLED"] = False
    client = figures_app.test_client()

    def upload(data: bytes):
        return client.post(
            f"/verify/{public_id}",
            data={"file": (BytesIO(data), "copy.pdf")},
            content_type="multipart/form-data",
        )

    same = upload(pdf)
    assert same.status_code == 200
    assert 'data-verify-result="valid"' in same.get_data(as_text=True)
    assert "đúng là văn bản này" in same.get_data(as_text=True)
    # A genuine signed report, but another one: not this document.
    wrong = upload(other)
    assert 'data-verify-result="invalid"' in wrong.get_data(as_text=True)
    assert "không phải văn bản này" in wrong.get_data(as_text=True)
    # No file: a clear 400, nothing stored changes.
    with figures_app.app_context():
        before = db.session.scalar(db.select(db.func.count()).select_from(Report))
    assert client.post(f"/verify/{public_id}", data={}).status_code == 400
    with figures_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Report)) == before


def test_unknown_record_is_a_clear_404(seeded):
    reply = seeded.test_client().get("/verify/doesnotexist0")
    assert reply.status_code == 404
    assert "Hệ thống này không phát hành văn bản nào có mã này." in reply.get_data(as_text=True)


def test_land_branch_is_judged_against_the_land_target(seeded):
    with seeded.test_request_context():
        rows = figures.ranking_below(get_unit("quan-1"), parse_period("2025-Q1"))
    target = {r["unit_slug"]: r["share"].target for r in rows}
    assert float(target["q1-dang-ky-dat-dai"]) == 95.0
    assert float(target["sai-gon"]) == 99.0
