"""The one presentation layer: how numbers, percents, periods, dates and verdicts read.

Pages (through the template filters registered here), the XLSX export, the PDFs and the CLI
all call these functions, so a figure reads the same wherever a person meets it. Every
function takes an explicit `locale`; without one it uses the request's (or the forced) locale,
and "vi" outside a request. Infrastructure: imports no feature package.

Percentages keep one decimal because targets sit at 95 % and 99 %: "99,2 %" in Vietnamese
(a non-breaking space before the sign, as Vietnamese typography writes it), "99.2%" in English.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Protocol
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import get_day_names
from babel.numbers import format_decimal
from flask import current_app, has_app_context
from flask_babel import force_locale, get_locale, gettext
from markupsafe import Markup

from webapp import charts, choices
from webapp.periods import DEFAULT_TZ, Period, parse_period

DASH = "–"
PERCENT_SUFFIX = {"vi": "\u00a0%", "en": "%"}
ROMAN_QUARTERS = ("I", "II", "III", "IV")


class ShareLike(Protocol):
    """What the figures service's Share carries (kept structural: no feature import)."""

    # Properties: read-only members, which a frozen dataclass satisfies.
    @property
    def satisfied(self) -> int: ...
    @property
    def n(self) -> int: ...
    @property
    def pct(self) -> float | None: ...
    @property
    def low(self) -> float | None: ...
    @property
    def high(self) -> float | None: ...
    @property
    def target(self) -> Decimal | None: ...
    @property
    def enough(self) -> bool: ...
    @property
    def meets_target(self) -> bool | None: ...


def current_locale() -> str:
    """The request's (or force_locale's) language; "vi" where there is none (CLI, tests)."""
    if not has_app_context():
        return "vi"
    return str(get_locale() or "vi")


def _lang(locale: str | None) -> str:
    return locale or current_locale()


def _translate(message: str, locale: str | None) -> str:
    if locale is None or locale == current_locale():
        return gettext(message)
    with force_locale(locale):
        return gettext(message)


# --- numbers ------------------------------------------------------------------------------------


def number(value, digits: int = 0, locale: str | None = None) -> str:
    """Grouped digits with a fixed number of decimals: 995.011 / 995,011; 4,25 / 4.25."""
    if value is None:
        return DASH
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_lang(locale))


def count(value, locale: str | None = None) -> str:
    return number(value, 0, locale)


def percent(value, digits: int = 1, locale: str | None = None) -> str:
    """99.2 → "99,2 %" (vi) / "99.2%" (en). Babel's percent patterns round to whole numbers
    and glue the sign in Vietnamese, so the suffix is ours."""
    if value is None:
        return DASH
    lang = _lang(locale)
    return number(float(value), digits, lang) + PERCENT_SUFFIX.get(lang, "%")


def target_percent(target, locale: str | None = None) -> str:
    """A target as people write it: "99 %", "96,5 %" (no ".00")."""
    if target is None:
        return DASH
    value = float(target)
    return percent(value, 0 if value.is_integer() else 1, locale)


def plain_decimal(value, locale: str | None = None) -> str:
    """A stored decimal for a form input: 99.00 → "99", 96.50 → "96,5" (vi), no grouping."""
    if value is None:
        return ""
    return format_decimal(Decimal(value).normalize(), format="0.##", locale=_lang(locale))


def parse_decimal_input(text: str) -> str:
    """Accept "96,5" as well as "96.5" from a form (either separator, no grouping)."""
    return text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")


def interval(low, high, locale: str | None = None) -> str:
    """The 95 % interval: "95,1–99,0 %"."""
    if low is None or high is None:
        return DASH
    return f"{number(low, 1, locale)}–{percent(high, 1, locale)}"


def score(value, locale: str | None = None) -> str:
    """A score on PAPI's 1–10 scale, one decimal: "7,3" / "7.3"."""
    return number(value, 1, locale)


def score_interval(low, high, locale: str | None = None) -> str:
    """The 95 % interval of a score: "6,1–8,5" ("–" without one)."""
    if low is None or high is None:
        return DASH
    return f"{score(low, locale)}–{score(high, locale)}"


def share_of_points(value, locale: str | None = None) -> str:
    """An item's mean points (0..1) as a percent of the full points: 0.667 → "66,7 %"."""
    if value is None:
        return DASH
    return percent(float(value) * 100, 1, locale)


def bilingual(text, locale: str | None = None) -> str:
    """A {"vi", "en"} text of a definition in the locale (Vietnamese when it lacks one)."""
    if not isinstance(text, dict):
        return DASH if text is None else str(text)
    lang = _lang(locale)
    return str(text.get(lang) or text.get("vi") or DASH)


# --- periods ------------------------------------------------------------------------------------


def _period(value: Period | str) -> Period:
    return value if isinstance(value, Period) else parse_period(str(value))


def period_label(value: Period | str, locale: str | None = None) -> str:
    """ "Quý IV/2026" / "Q4 2026"; "Tháng 4/2024" / "April 2024"; "Năm 2024" / "2024"."""
    period = _period(value)
    lang, year = _lang(locale), period.first_day.year
    if period.kind == "quarter":
        quarter = (period.first_day.month - 1) // 3 + 1
        return f"Quý {ROMAN_QUARTERS[quarter - 1]}/{year}" if lang == "vi" else f"Q{quarter} {year}"
    if period.kind == "month":
        if lang == "vi":
            return f"Tháng {period.first_day.month}/{year}"
        return babel_format_date(period.first_day, "MMMM y", locale=lang)
    return f"Năm {year}" if lang == "vi" else str(year)


def period_text(value, locale: str | None = None) -> str:
    """A period for a template: its label, or the text as given when it is not a period code
    (e.g. read from a foreign PDF on the verify page)."""
    try:
        return period_label(value, locale)
    except ValueError:
        return str(value)


def month_short(value: Period | str, locale: str | None = None) -> str:
    """A month on a chart axis: "T4/2024" / "Apr 2024"."""
    first = _period(value).first_day
    lang = _lang(locale)
    if lang == "vi":
        return f"T{first.month}/{first.year}"
    return babel_format_date(first, "MMM y", locale=lang)


def weekday_names(locale: str | None = None) -> list[str]:
    """Monday first. Vietnamese "short" is "T2 … CN" (its "abbreviated" is "Thứ 2")."""
    lang = _lang(locale)
    names = get_day_names("short" if lang == "vi" else "abbreviated", locale=lang)
    return [names[day] for day in range(7)]


# --- dates and times ----------------------------------------------------------------------------


def _zone() -> ZoneInfo:
    name = current_app.config.get("TIMEZONE", DEFAULT_TZ) if has_app_context() else DEFAULT_TZ
    return ZoneInfo(name)


def local_time(moment: datetime) -> datetime:
    return moment.astimezone(_zone())


def when(moment: datetime | None, style: str = "short", locale: str | None = None) -> str:
    """A moment in the district's time zone in the locale's own style (pages)."""
    if moment is None:
        return DASH
    return babel_format_datetime(moment, style, tzinfo=_zone(), locale=_lang(locale))


def datetime_text(moment: datetime | None, locale: str | None = None) -> str:
    """A moment as documents write it: "03/12/2026 09:15" (vi) / "2026-12-03 09:15" (en)."""
    if moment is None:
        return DASH
    local = local_time(moment)
    return f"{local:%d/%m/%Y %H:%M}" if _lang(locale) == "vi" else f"{local:%Y-%m-%d %H:%M}"


def moment_text(value: datetime | str | None, locale: str | None = None) -> str:
    """An ISO time from a document or signature, in local time with its zone ("GMT+7")."""
    if isinstance(value, str):
        text = value
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            return text
    if value is None:
        return DASH
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    offset = local_time(value).utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset else 0
    return f"{datetime_text(value, locale)} (GMT{hours:+d})"


def date_text(day: date | None, locale: str | None = None) -> str:
    if day is None:
        return DASH
    return f"{day:%d/%m/%Y}" if _lang(locale) == "vi" else f"{day:%Y-%m-%d}"


def long_date(day: date, locale: str | None = None) -> str:
    """ "ngày 03 tháng 12 năm 2026" / "3 December 2026" (the place-and-date line)."""
    if _lang(locale) == "vi":
        return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
    return babel_format_date(day, "d MMMM y", locale=_lang(locale))


# --- the verdict of a share against its target --------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    status: str  # no_data | too_few | no_target | meets | below
    label: str  # what a person reads ("" when there is no target to judge against)
    css: str  # ok | bad | muted
    mark: str  # ✔ | ✘ | ""

    @property
    def colour(self) -> str:
        return {"ok": charts.OK, "bad": charts.BAD}.get(self.css, charts.MUTED)


def verdict(share: ShareLike | None, locale: str | None = None) -> Verdict:
    """The one judgement of a share: too few answers are never judged (SPEC: minimum n)."""
    if share is None or share.n == 0:
        return Verdict("no_data", _translate("no answers", locale), "muted", "")
    if not share.enough:
        return Verdict("too_few", _translate("too few answers", locale), "muted", "")
    if share.meets_target is None:
        return Verdict("no_target", "", "muted", "")
    if share.meets_target:
        return Verdict("meets", _translate("meets the target", locale), "ok", "✔")
    return Verdict("below", _translate("below the target", locale), "bad", "✘")


def verdict_class(share: ShareLike | None) -> str:
    return verdict(share).css


def share_text(share: ShareLike, locale: str | None = None) -> dict:
    """A share as display strings plus its verdict's status (documents and exports)."""
    lang = _lang(locale)
    judged = verdict(share, lang)
    return {
        "n": share.n,
        "n_label": count(share.n, lang),
        "satisfied": share.satisfied,
        "pct": percent(share.pct, 1, lang),
        "interval": interval(share.low, share.high, lang),
        "target": target_percent(share.target, lang),
        "status": judged.status,
        "status_label": judged.label,
    }


def chart_point(label: str, share: ShareLike, locale: str | None = None) -> charts.Point:
    """A share on a chart: its value, interval, n and colour by verdict."""
    lang = _lang(locale)
    if share.n == 0:
        return charts.Point(label, None, value_label=_translate("no answers", lang))
    answers = f"n={count(share.n, lang)}"
    if not share.enough:
        answers += f", {_translate('too few', lang)}"
    value = f"{percent(share.pct, 1, lang)} ({answers})"
    return charts.Point(label, share.pct, share.low, share.high, value, verdict(share, lang).colour)


def percent_ticks(locale: str | None = None):
    """The % axis of a chart in the locale's percent style ("95 %", "97,5 %")."""
    lang = _lang(locale)
    return lambda tick: target_percent(tick, lang)


def chart_description(points: list[charts.Point]) -> str:
    """The text alternative of a chart of shares: "label: value; …"."""
    return "; ".join(f"{p.label}: {p.value_label}" for p in points)


# --- template filters ---------------------------------------------------------------------------


def register_template_filters(app) -> None:
    filters = {
        "num": number,
        "count": count,
        "pct": percent,
        "target_pct": target_percent,
        "interval": lambda share: interval(share.low, share.high),
        "period": period_text,
        "when": when,
        "moment": moment_text,
        "date": date_text,
        "verdict": verdict,
        "verdict_class": verdict_class,
        "label": choices.label,
        "score": score,
        "score_interval": score_interval,
        "points_pct": share_of_points,
        "bilingual": bilingual,
    }
    for name, function in filters.items():
        app.add_template_filter(function, name)
    app.add_template_global(Markup, "Markup")
