"""What the dashboard pages need beyond the figures: period choices, kiosk health, charts.

Every number shown comes from `figures`; this module only arranges and draws it.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from webapp import charts
from webapp.dashboard import figures
from webapp.dbtypes import utcnow
from webapp.extensions import db
from webapp.formatting import (
    chart_description,
    chart_point,
    count,
    month_short,
    percent_ticks,
    target_percent,
    weekday_names,
)
from webapp.kiosk.models import Kiosk
from webapp.periods import Period, current_period, parse_period
from webapp.units.models import Unit, UnitType

SILENT_AFTER = timedelta(days=1)


def period_choices(selected: Period) -> list[tuple[str, list[str]]]:
    """Years, quarters and months of the last three years (and the selected one)."""
    now = current_period("month", current_app.config["TIMEZONE"])
    years = sorted({now.first_day.year - i for i in range(3)} | {selected.first_day.year})
    groups = []
    for year in reversed(years):
        codes = [str(year)] + [f"{year}-Q{q}" for q in range(1, 5)]
        codes += [f"{year}-{m:02d}" for m in range(1, 13)]
        groups.append((str(year), codes))
    return groups


def default_period() -> Period:
    return current_period("quarter", current_app.config["TIMEZONE"])


def resolve_period(code: str | None) -> Period:
    """The period asked for (PeriodError if malformed), else the current quarter."""
    if not code:
        return default_period()
    return parse_period(code, current_app.config["TIMEZONE"])


def unit_types_with_survey() -> list[UnitType]:
    return list(
        db.session.scalars(
            select(UnitType).where(UnitType.survey_key.is_not(None)).order_by(UnitType.code)
        )
    )


def kiosk_health(unit_ids) -> list[dict]:
    """Kiosks of these units with their last report and a 'silent for over a day' warning."""
    kiosks = db.session.scalars(
        select(Kiosk)
        .where(Kiosk.unit_id.in_(list(unit_ids)), Kiosk.surveyor_id.is_(None))
        .order_by(Kiosk.unit_id, Kiosk.id)
    ).all()
    now = utcnow()
    rows = []
    for kiosk in kiosks:
        silent = kiosk.status == "enrolled" and (
            kiosk.last_seen_at is None or now - kiosk.last_seen_at > SILENT_AFTER
        )
        rows.append({"kiosk": kiosk, "silent": silent})
    return rows


def unit_charts(summary: figures.UnitSummary, locale: str) -> dict:
    """Charts of one unit summary; each has a text alternative and a table on the page."""
    target = float(summary.headline.target) if summary.headline.target is not None else None
    target_label = _("target %(pct)s", pct=target_percent(target, locale)) if target else ""
    months = [
        chart_point(month_short(m["period"], locale), m["share"], locale) for m in summary.months
    ]
    trend_desc = chart_description(months)
    result = {
        "trend": charts.trend(
            months,
            target,
            _("Satisfied % by month"),
            trend_desc,
            target_label,
            tick_label=percent_ticks(locale),
        )
    }
    if summary.groups:
        points = [chart_point(g["name"][locale], g["share"], locale) for g in summary.groups]
        result["groups"] = charts.interval_rows(
            points,
            None,
            _("Satisfied % by procedure group"),
            chart_description(points),
            tick_label=percent_ticks(locale),
        )
    hours = list(range(6, 21))
    result["hours"] = charts.columns(
        [summary.by_hour[h] for h in hours],
        [str(h) for h in hours],
        _("Responses by hour of day"),
        "; ".join(f"{h}h: {count(summary.by_hour[h])}" for h in range(24) if summary.by_hour[h]),
        number=count,
    )
    names = weekday_names(locale)
    result["weekdays"] = charts.columns(
        summary.by_weekday,
        names,
        _("Responses by weekday"),
        "; ".join(f"{d}: {count(c)}" for d, c in zip(names, summary.by_weekday, strict=True)),
        number=count,
    )
    overall = next((q for q in summary.questions if q.id == "overall"), None)
    if overall is not None:
        counts = [overall.distribution.get(i, 0) for i in range(1, 6)]
        labels = [str(i) for i in range(1, 6)]
        result["overall"] = charts.stacked_bar(
            counts,
            labels,
            _("Overall rating, 1 (very dissatisfied) to 5 (very satisfied)"),
            "; ".join(f"{i}: {c}" for i, c in zip(labels, counts, strict=True)),
        )
    return result


def ranking_chart(rows: list[dict], locale: str, title: str):
    points = [chart_point(r["unit_name"][locale], r["share"], locale) for r in rows]
    targets = {r["share"].target for r in rows if r["share"].target is not None}
    target = float(targets.pop()) if len(targets) == 1 else None
    return charts.interval_rows(
        points,
        target,
        title,
        chart_description(points),
        _("target %(pct)s", pct=target_percent(target, locale)) if target is not None else "",
        tick_label=percent_ticks(locale),
    )


def units_by_id(ids) -> dict[int, Unit]:
    return {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(list(ids))))}
