"""Reporting periods: `2024` (year), `2024-Q2` (quarter), `2024-04` (month).

Periods are calendar periods in the district's time zone (Asia/Ho_Chi_Minh), turned into
half-open UTC ranges [start, end) for queries.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

_PATTERN = re.compile(r"^(?P<year>[0-9]{4})(?:-Q(?P<quarter>[1-4])|-(?P<month>0[1-9]|1[0-2]))?$")


DEFAULT_TZ = "Asia/Ho_Chi_Minh"
# Reports before the system existed or far in the future are mistakes, and years outside
# what datetime can hold would otherwise fail deep inside date arithmetic.
FIRST_YEAR = 2000
LAST_YEAR = 2100


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    code: str
    kind: str  # year | quarter | month
    first_day: date
    end_day: date  # exclusive
    tz: str = "Asia/Ho_Chi_Minh"

    @property
    def start(self) -> datetime:
        return local_midnight(self.first_day, self.tz)

    @property
    def end(self) -> datetime:
        return local_midnight(self.end_day, self.tz)

    def months(self) -> list["Period"]:
        """The calendar months inside the period, in order."""
        result = []
        day = self.first_day
        while day < self.end_day:
            result.append(parse_period(f"{day.year}-{day.month:02d}", self.tz))
            day = _add_months(day, 1)
        return result

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def __str__(self) -> str:
        return self.code


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def local_midnight(day: date, tz: str) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def _configured_tz() -> str:
    """The app's TIMEZONE inside an app context (pages, CLI), else the district's."""
    from flask import current_app, has_app_context

    return current_app.config["TIMEZONE"] if has_app_context() else DEFAULT_TZ


def parse_period(code: str, tz: str | None = None) -> Period:
    tz = tz or _configured_tz()
    match = _PATTERN.fullmatch(code or "")
    if not match:
        raise PeriodError(_("Invalid period %(code)s: use 2024, 2024-Q2 or 2024-04.", code=code))
    year = int(match["year"])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(
            _(
                "Invalid period %(code)s: the year must be %(first)s–%(last)s.",
                code=code,
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        )
    if match["quarter"]:
        first = date(year, 3 * int(match["quarter"]) - 2, 1)
        return Period(code, "quarter", first, _add_months(first, 3), tz)
    if match["month"]:
        first = date(year, int(match["month"]), 1)
        return Period(code, "month", first, _add_months(first, 1), tz)
    return Period(code, "year", date(year, 1, 1), date(year + 1, 1, 1), tz)


def current_period(kind: str = "quarter", tz: str | None = None) -> Period:
    tz = tz or _configured_tz()
    today = datetime.now(ZoneInfo(tz)).date()
    if kind == "year":
        return parse_period(f"{today.year}", tz)
    if kind == "month":
        return parse_period(f"{today.year}-{today.month:02d}", tz)
    return parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}", tz)


def period_before(period: Period) -> Period:
    """The period of the same kind just before `period` (2024-Q1 → 2023-Q4)."""
    day = period.first_day - timedelta(days=1)
    if period.kind == "year":
        return parse_period(f"{day.year}", period.tz)
    if period.kind == "month":
        return parse_period(f"{day.year}-{day.month:02d}", period.tz)
    return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}", period.tz)


# Names for the scheduled runs (`flask reports build --period last-quarter` from cron).
RELATIVE_PERIODS = ("last-month", "last-quarter", "last-year")


def previous_period(kind: str = "quarter", tz: str | None = None) -> Period:
    """The calendar month, quarter or year before the current one (local time)."""
    current = current_period(kind, tz)
    day = current.first_day - timedelta(days=1)
    if kind == "year":
        return parse_period(f"{day.year}", current.tz)
    if kind == "month":
        return parse_period(f"{day.year}-{day.month:02d}", current.tz)
    return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}", current.tz)


def resolve_relative(code: str, tz: str | None = None) -> Period:
    """A period code, or one of RELATIVE_PERIODS."""
    if code in RELATIVE_PERIODS:
        return previous_period(code.removeprefix("last-"), tz)
    return parse_period(code, tz)
