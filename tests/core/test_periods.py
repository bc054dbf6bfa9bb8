from datetime import UTC, datetime

import pytest

from webapp.periods import PeriodError, parse_period


def test_quarter_is_calendar_quarter_in_ho_chi_minh_time():
    q2 = parse_period("2025-Q2")
    assert q2.start == datetime(2025, 3, 31, 17, 0, tzinfo=UTC)
    assert q2.end == datetime(2025, 6, 30, 17, 0, tzinfo=UTC)
    assert q2.contains(datetime(2025, 3, 31, 17, 30, tzinfo=UTC))  # 1 April 00:30 local
    assert not q2.contains(datetime(2025, 3, 31, 16, 59, tzinfo=UTC))
    assert [m.code for m in q2.months()] == ["2025-04", "2025-05", "2025-06"]


def test_year_and_month():
    assert parse_period("2024").kind == "year"
    assert len(parse_period("2024").months()) == 12
    december = parse_period("2024-12")
    assert december.end == datetime(2024, 12, 31, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "24",
        "2024-Q5",
        "2024-13",
        "2024-1",
        "2024Q1",
        "abcd",
        "２０２６",
        "٢٠٢٦-Q1",
        "2026-٠٤",
        "2026\n",
    ],
)
def test_invalid_periods_are_refused(code):
    with pytest.raises(PeriodError):
        parse_period(code)


@pytest.mark.parametrize("code", ["0000", "0001", "1999", "2101", "9999-12", "9999-Q4"])
def test_years_outside_the_supported_range_are_refused(code):
    with pytest.raises(PeriodError, match="the year must be"):
        parse_period(code)
