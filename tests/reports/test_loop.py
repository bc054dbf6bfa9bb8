"""Reports gain the loop (SPEC 12): each unit's change from the previous period, receipt
complaints and cases opened / resolved / overdue; the unit PDF lists its period's cases."""

import subprocess
from datetime import UTC, date, datetime

import pytest

from tests.factories import add_responses, kiosk_for, make_user
from tests.reports.conftest import pdf_text
from webapp.alerts.models import Case
from webapp.dashboard import figures
from webapp.extensions import db
from webapp.periods import parse_period
from webapp.reports import loop, services
from webapp.units.services import get_unit

Q2 = parse_period("2025-Q2")
Q1_DAY = datetime(2025, 2, 10, 3, 0, tzinfo=UTC)
Q2_DAY = datetime(2025, 5, 12, 3, 0, tzinfo=UTC)


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=3, tzinfo=UTC)


@pytest.fixture
def loop_app(seeded):
    """Tân Định: Q1 40 × 5 (100 %), Q2 38 × 5 + 2 × 1 (95 %): −5,0 points; 4 cases.
    Sài Gòn: nothing in Q1, Q2 40 × 5 with 3 "no receipt" answers."""
    with seeded.app_context():
        tan_dinh, sai_gon = get_unit("tan-dinh"), get_unit("sai-gon")
        add_responses(kiosk_for("tan-dinh"), [5] * 40, at=Q1_DAY)
        add_responses(kiosk_for("tan-dinh", "Quầy 2"), [5] * 38 + [1, 1], at=Q2_DAY)
        kiosk = kiosk_for("sai-gon")
        add_responses(kiosk, [5] * 37, at=Q2_DAY)
        add_responses(kiosk, [5] * 3, at=Q2_DAY, answers={"receipt": "khong"})
        owner = make_user("canbo@example.vn", "manager", "tan-dinh")
        cases = [
            # Opened and resolved before the period: not in it.
            Case(
                unit_id=tan_dinh.id,
                rule="low_rating",
                status="resolved",
                opened_at=at("2025-01-10"),
                resolved_at=at("2025-01-20"),
                action_taken="cũ",
            ),
            # Opened in Q1, resolved in Q2: resolved, not opened.
            Case(
                unit_id=tan_dinh.id,
                rule="below_target",
                status="resolved",
                opened_at=at("2025-03-01"),
                resolved_at=at("2025-04-10"),
                action_taken="Đã nhắc nhở cán bộ tiếp dân",
            ),
            # Opened and resolved in Q2.
            Case(
                unit_id=tan_dinh.id,
                rule="receipt_missing",
                status="resolved",
                opened_at=at("2025-04-05"),
                resolved_at=at("2025-05-01"),
                action_taken="Bổ sung mẫu giấy tiếp nhận",
            ),
            # Opened in Q2, due 20/05, still open: overdue at the period's end.
            Case(
                unit_id=tan_dinh.id,
                rule="low_rating",
                status="in_progress",
                owner=owner,
                opened_at=at("2025-05-10"),
                due_on=date(2025, 5, 20),
            ),
        ]
        db.session.add_all(cases)
        db.session.add(
            Case(
                unit_id=sai_gon.id,
                rule="receipt_missing",
                status="open",
                opened_at=at("2025-05-12"),
                due_on=date(2025, 7, 15),
            )
        )
        db.session.commit()
    return seeded


def test_loop_rows_figures(loop_app):
    with loop_app.app_context():
        units = [get_unit("tan-dinh"), get_unit("sai-gon")]
        rows = {r.unit.slug: r for r in loop.loop_rows(units, Q2, date(2026, 1, 1))}
        td, sg = rows["tan-dinh"], rows["sai-gon"]
        assert (td.share.satisfied, td.share.n, td.previous.n) == (38, 40, 40)
        assert td.change_points == pytest.approx(-5.0)
        assert td.below_target is True
        assert (td.opened, td.resolved, td.overdue) == (2, 2, 1)
        assert td.receipt_complaints == 0
        assert sg.previous.n == 0
        assert sg.change_points is None
        assert (sg.share.n, sg.receipt_complaints) == (40, 3)
        assert (sg.opened, sg.resolved, sg.overdue) == (1, 0, 0)
        # The same shares as the figures service's ranking.
        ranked = {r["unit_slug"]: r["share"] for r in figures.rank_rows(units, Q2)}
        assert ranked["tan-dinh"] == td.share
        # While the period runs, overdue is judged today: on 15/05 the 20/05 case is not late.
        early = {r.unit.slug: r for r in loop.loop_rows(units, Q2, date(2025, 5, 15))}
        assert early["tan-dinh"].overdue == 0


def build_text(app, slug, tmp_path):
    with app.app_context():
        result = services.get_or_build_report(get_unit(slug), Q2, "vi")
        db.session.commit()
        return " ".join(plain_text(result.report.pdf, tmp_path).split()), result.report.data_sha256


def plain_text(pdf: bytes, tmp_path) -> str:
    """The text in reading order (table cells wrap, so -layout would split their words)."""
    path = tmp_path / "loop.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_district_summary_shows_changes_and_case_counts(loop_app, tmp_path):
    text, _result = build_text(loop_app, "quan-1", tmp_path)
    assert "THAY ĐỔI SO VỚI KỲ TRƯỚC" in text  # h2 headings are set in capitals
    assert "\u22125,0 điểm" in text
    assert "kỳ trước không có ý kiến" in text  # Sài Gòn had no previous period
    assert "Đơn vị chưa đạt chỉ tiêu" in text
    # Tân Định's row: 95,0 % (n=40), 100,0 % (n=40), −5,0 điểm, ✘, 0 complaints, 2 / 2 / 1.
    with loop_app.app_context():
        report = services.get_or_build_report(get_unit("quan-1"), Q2, "vi").report
        lines = pdf_text(report.pdf, tmp_path).splitlines()
    (row,) = [line for line in lines if "\u22125,0 điểm" in line]
    # The change, the below-target mark, 0 complaints, 2 opened, 2 resolved, 1 overdue.
    assert " ".join(row.split()).endswith("\u22125,0 điểm ✘ 0 2 2 1")


def test_unit_pdf_lists_its_cases_and_a_changed_case_makes_a_new_version(loop_app, tmp_path):
    with loop_app.app_context():
        assert services.report_kind(get_unit("tan-dinh")) == services.KIND_UNIT
    text, first = build_text(loop_app, "tan-dinh", tmp_path)
    assert "CÁC VIỆC CẦN XỬ LÝ TRONG KỲ" in text
    assert "Đã nhắc nhở cán bộ tiếp dân" in text
    assert "Bổ sung mẫu giấy tiếp nhận" in text
    assert "canbo@example.vn" in text
    assert "20/05/2025" in text
    assert "Đang xử lý".lower() in text.lower()
    assert "cũ" not in text.split("CÁC VIỆC CẦN XỬ LÝ TRONG KỲ")[1].split("Nơi nhận")[0]
    with loop_app.app_context():
        case = db.session.query(Case).filter_by(status="in_progress").one()
        case.action_taken = "Đã gọi lại công dân"
        db.session.commit()
        again = services.get_or_build_report(get_unit("tan-dinh"), Q2, "vi")
        db.session.commit()
        assert again.generated
        assert again.report.data_sha256 != first


def test_unit_pdf_without_cases_says_so(loop_app, tmp_path):
    text, _ = build_text(loop_app, "tan-dinh", tmp_path)  # warm: the Q2 unit has cases
    with loop_app.app_context():
        result = services.get_or_build_report(get_unit("tan-dinh"), parse_period("2024-Q4"), "vi")
        db.session.commit()
        text = " ".join(pdf_text(result.report.pdf, tmp_path).split())
    assert "Không có việc cần xử lý trong kỳ." in text
