"""The presentation layer: numbers, percents, periods, dates and the verdict, in vi and en."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask_babel import force_locale

from webapp import charts
from webapp.dashboard.figures import make_share
from webapp.formatting import (
    chart_point,
    count,
    date_text,
    datetime_text,
    interval,
    long_date,
    month_short,
    number,
    percent,
    period_label,
    period_text,
    plain_decimal,
    share_text,
    target_percent,
    verdict,
    weekday_names,
)

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        (99.2, "vi", f"99,2{NBSP}%"),
        (99.2, "en", "99.2%"),
        (100, "vi", f"100,0{NBSP}%"),
        (0.04, "en", "0.0%"),
        (None, "vi", "–"),
    ],
)
def test_percent_has_one_decimal_and_the_locale_sign(value, locale, expected):
    assert percent(value, locale=locale) == expected


def test_percent_with_whole_numbers_and_targets():
    assert percent(33.333, 0, "vi") == f"33{NBSP}%"
    assert target_percent(Decimal("99.00"), "vi") == f"99{NBSP}%"
    assert target_percent(Decimal("96.50"), "vi") == f"96,5{NBSP}%"
    assert target_percent(Decimal("96.50"), "en") == "96.5%"
    assert target_percent(None, "en") == "–"


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [(995011, "vi", "995.011"), (995011, "en", "995,011"), (1234, "vi", "1.234"), (7, "en", "7")],
)
def test_count_groups_thousands_as_the_locale_does(value, locale, expected):
    assert count(value, locale) == expected


def test_number_with_decimals_and_interval():
    assert number(4.256, 2, "vi") == "4,26"
    assert number(4.256, 2, "en") == "4.26"
    assert interval(95.14, 99.04, "vi") == f"95,1–99,0{NBSP}%"
    assert interval(None, None, "en") == "–"


def test_plain_decimal_for_form_inputs():
    assert plain_decimal(Decimal("99.00"), "vi") == "99"
    assert plain_decimal(Decimal("96.50"), "vi") == "96,5"
    assert plain_decimal(Decimal("96.50"), "en") == "96.5"


@pytest.mark.parametrize(
    ("code", "vi", "en"),
    [
        ("2026-Q4", "Quý IV/2026", "Q4 2026"),
        ("2025-Q1", "Quý I/2025", "Q1 2025"),
        ("2024-04", "Tháng 4/2024", "April 2024"),
        ("2024", "Năm 2024", "2024"),
    ],
)
def test_periods_read_as_people_write_them(code, vi, en):
    assert period_label(code, "vi") == vi
    assert period_label(code, "en") == en


def test_month_axis_labels_and_weekdays():
    assert month_short("2024-04", "vi") == "T4/2024"
    assert month_short("2024-04", "en") == "Apr 2024"
    assert weekday_names("vi") == ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]
    assert weekday_names("en") == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def test_period_text_leaves_what_is_not_a_period(app):
    with app.test_request_context("/?lang=vi"):
        assert period_text("2025-Q2") == "Quý II/2025"
        assert period_text("not a period") == "not a period"


def test_dates_in_the_district_time_zone(app):
    moment = datetime(2026, 12, 3, 2, 15, tzinfo=UTC)  # 09:15 in Ho Chi Minh City
    with app.app_context():
        assert datetime_text(moment, "vi") == "03/12/2026 09:15"
        assert datetime_text(moment, "en") == "2026-12-03 09:15"
    assert date_text(date(2026, 1, 5), "vi") == "05/01/2026"
    assert long_date(date(2026, 1, 5), "vi") == "ngày 05 tháng 01 năm 2026"
    assert long_date(date(2026, 1, 5), "en") == "5 January 2026"


@pytest.mark.parametrize(
    ("satisfied", "n", "target", "status", "css", "vi", "en"),
    [
        (0, 0, Decimal("99"), "no_data", "muted", "chưa có câu trả lời", "no answers"),
        (9, 9, Decimal("99"), "too_few", "muted", "quá ít câu trả lời", "too few answers"),
        (99, 100, Decimal("99"), "meets", "ok", "đạt chỉ tiêu", "meets the target"),  # a tie
        (98, 100, Decimal("99"), "below", "bad", "chưa đạt chỉ tiêu", "below the target"),
        (98, 100, None, "no_target", "muted", "", ""),
    ],
)
def test_one_verdict_for_every_share(app, satisfied, n, target, status, css, vi, en):
    with app.app_context():
        share = make_share(satisfied, n, target, minimum=30)
        judged = verdict(share, "vi")
        assert (judged.status, judged.css, judged.label) == (status, css, vi)
        assert verdict(share, "en").label == en
        with force_locale("en"):
            assert verdict(share).label == en  # without a locale: the current one
        assert share_text(share, "vi")["status"] == status


def test_verdict_of_nothing_is_not_judged(app):
    with app.app_context():
        assert verdict(None, "en").css == "muted"


def test_chart_points_carry_the_verdict_colour_and_formatted_values(app):
    with app.app_context():
        below = chart_point("Tân Định", make_share(30, 40, Decimal("99"), minimum=30), "vi")
        assert below.colour == charts.BAD
        assert below.value_label == f"75,0{NBSP}% (n=40)"
        few = chart_point("X", make_share(9, 10, Decimal("99"), minimum=30), "en")
        assert few.colour == charts.MUTED
        assert few.value_label == "90.0% (n=10, too few)"
        empty = chart_point("Y", make_share(0, 0, Decimal("99"), minimum=30), "vi")
        assert (empty.pct, empty.value_label) == (None, "chưa có câu trả lời")


def test_a_long_chart_label_takes_two_lines_instead_of_losing_its_end():
    point = charts.Point("1. Tham gia của người dân ở cấp cơ sở", 80.0, 70.0, 90.0, "80")
    svg = str(charts.interval_rows([point], None, "t", "d"))
    assert ">1. Tham gia của người dân ở cấp</text>" in svg
    assert ">cơ sở</text>" in svg
    assert "…" not in svg
    # What does not fit in two lines is cut, with an ellipsis, never silently.
    words = " ".join(["Phường"] * 20)
    lines = charts._label_lines(words, 32)
    assert len(lines) == 2
    assert lines[-1].endswith("…")
    assert charts._label_lines("Bến Thành", 32) == ["Bến Thành"]
