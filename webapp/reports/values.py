"""What the report template shows: figures turned into plain strings and SVG charts.

Nothing here queries beyond what `figures` returns, hashes or signs; every number and word
goes through the presentation layer (`webapp.formatting`, `webapp.choices`) with the report's
explicit locale, because the CLI builds reports without a request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext

from webapp import charts
from webapp.choices import ALERT_RULES, CASE_STATUSES, FLAG_REASONS
from webapp.dashboard import figures
from webapp.field.scoring import min_n as field_min_n
from webapp.formatting import (
    DASH,
    bilingual,
    chart_point,
    count,
    date_text,
    datetime_text,
    local_time,
    long_date,
    month_short,
    number,
    percent,
    percent_ticks,
    period_label,
    score,
    score_interval,
    share_of_points,
    share_text,
    weekday_names,
)
from webapp.periods import Period
from webapp.units.models import Unit
from webapp.units.services import unit_names

COMMENTS_IN_PDF = 12


@dataclass
class SummaryFigures:
    """A parent unit's figure over everything below it, the units below ranked, their domain
    groups, and per quarter for a year."""

    overall: figures.Share
    rows: list[dict]
    groups: list[dict]
    quarters: list[dict] = field(default_factory=list)  # {"code", "number", "shares"}


def place_date(moment: datetime, locale: str) -> str:
    local = local_time(moment)
    if locale == "vi":
        place = current_app.config.get("REPORT_PLACE_VI", "Thành phố Hồ Chí Minh")
    else:
        place = current_app.config.get("REPORT_PLACE_EN", "Ho Chi Minh City")
    return f"{place}, {long_date(local.date(), locale)}"


def rating_label(value: int) -> str:
    labels = {
        1: gettext("Very dissatisfied"),
        2: gettext("Dissatisfied"),
        3: gettext("Neutral"),
        4: gettext("Satisfied"),
        5: gettext("Very satisfied"),
    }
    return labels.get(value, str(value))


def _question_rows(question, locale: str) -> list[dict]:
    options = {o["code"]: o[locale] for o in question.options}
    rows = []
    for value, answers in question.distribution.items():
        if question.kind == "yesno":
            label = gettext("Yes") if value == "yes" else gettext("No")
        elif question.kind == "rating5":
            label = f"{value} – {rating_label(int(value))}"
        else:
            label = options.get(value, str(value))
        share_pct = 100.0 * answers / question.n if question.n else None
        rows.append(
            {"label": label, "count": count(answers, locale), "pct": percent(share_pct, 0, locale)}
        )
    return rows


def _questions(summary: figures.UnitSummary, locale: str) -> list[dict]:
    return [
        {
            "id": question.id,
            "text": question.text.get(locale) or question.text.get("vi", question.id),
            "kind": question.kind,
            "n": count(question.n, locale),
            "mean": number(question.mean, 2, locale) if question.mean else "–",
            "rows": _question_rows(question, locale),
        }
        for question in summary.questions
        if question.kind != "text"
    ]


def _unit_charts(summary: figures.UnitSummary, months: list[dict], locale: str) -> dict:
    headline = summary.headline
    target = float(headline.target) if headline.target is not None else None
    count_label = lambda value: count(value, locale)  # noqa: E731
    result = {
        "months": charts.trend(
            [
                chart_point(m["label"], s["share"], locale)
                for m, s in zip(months, summary.months, strict=True)
            ],
            target,
            gettext("Satisfaction by month"),
            gettext(
                "Satisfied percentage per month with the 95-percent interval and the target line."
            ),
            gettext("target %(target)s", target=share_text(headline, locale)["target"]),
            tick_label=percent_ticks(locale),
        ),
        "hours": charts.columns(
            list(summary.by_hour),
            [str(h) for h in range(24)],
            gettext("Responses by hour of day"),
            gettext("Number of counted responses per local hour of day."),
            number=count_label,
        ),
        "weekdays": charts.columns(
            list(summary.by_weekday),
            weekday_names(locale),
            gettext("Responses by weekday"),
            gettext("Number of counted responses per weekday."),
            number=count_label,
        ),
    }
    if summary.groups:
        result["groups"] = charts.interval_rows(
            [chart_point(g["name"][locale], g["share"], locale) for g in summary.groups],
            None,
            gettext("Satisfaction by procedure-domain group"),
            gettext("Satisfied percentage per group with the 95-percent interval."),
            tick_label=percent_ticks(locale),
        )
    return result


def unit_section(summary: figures.UnitSummary, locale: str) -> dict:
    """One unit's figures as plain values and SVG charts."""
    months = [
        {"label": month_short(m["period"], locale), **share_text(m["share"], locale)}
        for m in summary.months
    ]
    receipt = summary.receipt_not_received
    return {
        "headline": share_text(summary.headline, locale),
        "groups": [
            {"name": g["name"][locale], **share_text(g["share"], locale)} for g in summary.groups
        ],
        "months": months,
        "questions": _questions(summary, locale),
        "receipt": {
            "count": count(receipt["count"], locale),
            "n": count(receipt["n"], locale),
            "pct": percent(receipt["pct"], 1, locale),
        },
        "has_receipt_question": any(q.id == "receipt" for q in summary.questions),
        "kiosks": [
            {**k, "count": count(k["count"], locale), "flagged": count(k["flagged"], locale)}
            for k in summary.kiosks
        ],
        "comments": [
            {
                "at": datetime_text(datetime.fromisoformat(c["submitted_at"]), locale),
                "overall": c["overall"],
                "text": c["text"],
            }
            for c in summary.comments[:COMMENTS_IN_PDF]
        ],
        "comments_total": count(summary.comments_total, locale),
        "flagged_count": count(summary.flagged_count, locale),
        "has_flagged": bool(summary.flagged_count),
        "flag_reasons": [
            {"reason": FLAG_REASONS.label(code), "count": count(answers, locale)}
            for code, answers in summary.flag_reasons.items()
        ],
        "includes_predecessors": unit_names(summary.includes_predecessors, locale),
        "shared_predecessors": unit_names(summary.shared_predecessors, locale),
        "charts": _unit_charts(summary, months, locale),
    }


def ranking_view(rows: list[dict], locale: str) -> list[dict]:
    return [
        {
            "rank": row["rank"],
            "slug": row["unit_slug"],
            "name": row["unit_name"][locale],
            "type": row["unit_type"][locale],
            "shared_history": row.get("shared_history", False),
            **share_text(row["share"], locale),
        }
        for row in rows
    ]


def summary_section(figs: SummaryFigures, locale: str) -> dict:
    """Children ranking and the callouts of a summary report."""
    ranking = ranking_view(figs.rows, locale)
    for row in ranking:
        row["quarters"] = [
            share_text(q["shares"][row["slug"]], locale)
            for q in figs.quarters
            if row["slug"] in q["shares"]
        ]
    ranked_points = [
        chart_point(r["unit_name"][locale], r["share"], locale) for r in figs.rows if r["share"].n
    ]
    return {
        "overall": share_text(figs.overall, locale),
        "ranking": ranking,
        "quarter_labels": [f"Q{q['number']}" for q in figs.quarters],
        "groups": [
            {"name": g["name"][locale], **share_text(g["share"], locale)} for g in figs.groups
        ],
        "below": [r for r in ranking if r["status"] == "below"],
        "too_few": [r for r in ranking if r["status"] in ("too_few", "no_data")],
        "min_n": figures.min_n(),
        "chart": (
            charts.interval_rows(
                ranked_points,
                None,
                gettext("Satisfaction by unit"),
                gettext("Satisfied percentage per unit with the 95-percent interval."),
                tick_label=percent_ticks(locale),
            )
            if ranked_points
            else None
        ),
    }


def document_values(
    unit: Unit, period: Period, locale: str, kind: str, data_sha256: str, now: datetime, **extra
) -> dict:
    """The document's heading, footer and verification block."""
    return {
        "locale": locale,
        "kind": kind,
        "place_date": place_date(now, locale),
        "unit_name": unit.name(locale),
        "unit_type": unit.type.name_en if locale == "en" else unit.type.name_vi,
        "unit_slug": unit.slug,
        "period_code": period.code,
        "period_label": period_label(period, locale),
        "period_range": (
            f"{period.first_day:%d/%m/%Y} – {period.end_day - timedelta(days=1):%d/%m/%Y}"
        ),
        "year_period": period.kind == "year",
        "generated_at": datetime_text(now, locale),
        "data_sha256": data_sha256,
        "min_n": figures.min_n(),
        **extra,
    }


def units_with_officials(units: list[dict] | None, officials, locale: str) -> list[dict] | None:
    """The units below ranked, each with "officials meeting the target: k/m" (ranked ones)."""
    if units is None:
        return None
    from webapp.officials.views import units_meeting

    meeting = units_meeting(officials or [])
    rows = ranking_view(units, locale)
    for row in rows:
        met, ranked = meeting.get(row["slug"], (0, 0))
        row["officials_meeting"] = f"{met}/{ranked}" if ranked else "–"
    return rows


def points_change(value: float | None, locale: str) -> str:
    """A change in percentage points: "+1,2 điểm", "−0,8 điểm" (a real minus sign)."""
    if value is None:
        return DASH
    rounded = round(value, 1)
    sign = "+" if rounded > 0 else ("\u2212" if rounded < 0 else "±")
    return gettext("%(value)s points", value=sign + number(abs(rounded), 1, locale))


def cases_view(cases: list, locale: str) -> list[dict]:
    """The period's cases of one unit, as the unit report lists them."""
    return [
        {
            "rule": ALERT_RULES.label(c.rule),
            "opened": date_text(local_time(c.opened_at).date(), locale),
            "due": date_text(c.due_on, locale),
            "status": CASE_STATUSES.label(c.status),
            "owner": c.owner.email if c.owner else DASH,
            "action": c.action_taken or DASH,
        }
        for c in cases
    ]


def loop_view(rows: list, locale: str) -> dict:
    """Per unit below: this period, the change from the previous one, complaints, cases."""
    view = []
    for r in rows:
        now, before = share_text(r.share, locale), share_text(r.previous, locale)
        if r.change_points is not None:
            change = points_change(r.change_points, locale)
        elif not r.previous.n:
            change = gettext("no answers in the previous period")
        elif not r.previous.enough:
            change = gettext("too few answers in the previous period")
        else:
            change = gettext("too few answers in this period")
        view.append(
            {
                "name": r.unit.name(locale),
                "now": now,
                "before": before,
                "change": change,
                "changed": r.change_points is not None,
                "below": r.below_target,
                "receipts": count(r.receipt_complaints, locale),
                "opened": count(r.opened, locale),
                "resolved": count(r.resolved, locale),
                "overdue": count(r.overdue, locale),
            }
        )
    return {"rows": view, "below": [v for v in view if v["below"]]}


# --- the field survey's PAPI-axes results (SPEC 13) ----------------------------------------------


def axis_view(axis, locale: str, min_n: int) -> dict:
    """One axis of one ward: "7,3 (6,8–7,8), n = 42", or why it is not shown."""
    n_text = count(axis.n, locale)
    shown = axis.shown and axis.mean is not None
    if shown:
        interval_text = score_interval(axis.low, axis.high, locale)
        summary = f"{score(axis.mean, locale)} ({interval_text}), n = {n_text}"
    else:
        interval_text = DASH
        summary = gettext(
            "Too few answers (n = %(n)s, at least %(min)s needed)",
            n=n_text,
            min=count(min_n, locale),
        )
    return {
        "axis": axis.axis,
        "title": bilingual(axis.title, locale),
        "method": bilingual(axis.method, locale),
        "n": n_text,
        "score": score(axis.mean, locale) if shown else DASH,
        "interval": interval_text,
        "summary": summary,
        "status": "shown" if shown else "too_few",
        # An item's mean points only where its axis is shown (the same threshold).
        "questions": [
            {
                "text": bilingual(item.text, locale),
                "n": count(item.n, locale),
                "points": share_of_points(item.mean_points if shown else None, locale),
            }
            for item in axis.items
        ],
    }


def field_section(results: list, locale: str) -> dict:
    """The wards' PAPI-axes results as display strings: per ward its axes (the ward report
    shows the first), and the ward × axis table of the summary."""
    min_n = field_min_n()
    wards = [
        {
            "name": r.unit.name(locale),
            "slug": r.unit.slug,
            "respondents": count(r.respondents, locale),
            "axes": [axis_view(a, locale, min_n) for a in r.axes],
        }
        for r in results
    ]
    legend = wards[0]["axes"] if wards else []
    return {
        "chart": _axes_chart(results[0], locale) if len(results) == 1 else None,
        "wards": wards,
        "ward": wards[0] if wards else None,
        "legend": [{"number": i + 1, **a} for i, a in enumerate(legend)],
        "min_n": count(min_n, locale),
        "respondents": count(sum(r.respondents for r in results), locale),
    }


def _on_percent(value: float | None) -> float | None:
    """A 1–10 score placed on the chart's 0–100 axis."""
    return None if value is None else (value - 1) / 9 * 100


def _axes_chart(ward, locale: str):
    """One ward's axes as dots with their 95 % intervals on the 1–10 scale."""
    points = []
    for number_, axis in enumerate(ward.axes, start=1):
        label = f"{number_}. {bilingual(axis.title, locale)}"
        if not (axis.shown and axis.mean is not None):
            points.append(charts.Point(label, None, value_label=gettext("too few answers")))
            continue
        points.append(
            charts.Point(
                label,
                _on_percent(axis.mean),
                _on_percent(axis.low),
                _on_percent(axis.high),
                f"{score(axis.mean, locale)} (n = {count(axis.n, locale)})",
            )
        )
    if not any(p.pct is not None for p in points):
        return None
    return charts.interval_rows(
        points,
        None,
        gettext("Score by axis"),
        gettext("Each axis's score on the 1–10 scale with its 95-percent interval."),
        tick_label=lambda tick: score(1 + 9 * tick / 100, locale),
    )
