"""Signed PDF reports: figures → plain template values → HTML → PDF → signature → stored row.

Operations flush but never commit: the request (or CLI command) commits once.

Two kinds share one URL (`/units/<slug>/reports/<period>.pdf`):
- "unit": one unit's figures (SPEC section 8);
- "summary": a unit with active child units (the district, a ward with its school and clinic)
  also gets its children ranked with n, interval and target, the domain groups across them,
  and the units below target or with too few answers called out; for a year period the
  ranking also shows each quarter.

Caching: the figures are computed (aggregate queries, cheap) and hashed; when a stored report
for the same unit, period, language and kind has the same data hash and signer, its PDF is
served instead of rendering and signing again.
"""

import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import segno
from babel.dates import format_date
from babel.numbers import format_decimal
from flask import current_app, render_template
from flask_babel import force_locale, gettext
from sqlalchemy import select

from webapp import charts
from webapp.audit.services import record
from webapp.dashboard import figures
from webapp.extensions import db
from webapp.periods import Period, parse_period
from webapp.reports.models import Report
from webapp.reports.rendering import render_pdf
from webapp.reports.signing import sign_pdf, signing_identity
from webapp.units.models import Unit

KIND_UNIT = "unit"
KIND_SUMMARY = "summary"
COMMENTS_IN_PDF = 12
WEEKDAYS = {
    "vi": ["T2", "T3", "T4", "T5", "T6", "T7", "CN"],
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
}
FLAG_REASONS = ("burst", "off_hours", "replay")


@dataclass
class ReportResult:
    report: Report
    generated: bool  # False: served from the cache


# --- formatting (plain strings for the template; Babel, explicit locale: CLI has no request) ---


def fmt_number(value, locale: str, digits: int = 1) -> str:
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=locale)


def fmt_count(value: int, locale: str) -> str:
    """995011 -> "995.011" (vi) / "995,011" (en)."""
    return fmt_number(value, locale, 0)


def fmt_pct(value, locale: str, digits: int = 1) -> str:
    if value is None:
        return "–"
    number = fmt_number(float(value), locale, digits)
    return f"{number} %" if locale == "vi" else f"{number}%"


def fmt_target(target, locale: str) -> str:
    if target is None:
        return "–"
    value = float(target)
    return fmt_pct(value, locale, 0 if value.is_integer() else 1)


def share_view(share, locale: str) -> dict:
    """A figures.Share as display strings plus a status code for colour and wording."""
    if share.n == 0:
        status, label = "no_data", gettext("no answers")
    elif not share.enough:
        status, label = "too_few", gettext("too few answers")
    elif share.meets_target is False:
        status, label = "below", gettext("below target")
    elif share.meets_target:
        status, label = "meets", gettext("meets target")
    else:
        status, label = "no_target", ""
    return {
        "n": share.n,
        "n_label": fmt_count(share.n, locale),
        "satisfied": share.satisfied,
        "pct": fmt_pct(share.pct, locale),
        "interval": (
            f"{fmt_number(share.low, locale)}–{fmt_pct(share.high, locale)}"
            if share.low is not None
            else "–"
        ),
        "target": fmt_target(share.target, locale),
        "status": status,
        "status_label": label,
    }


def chart_point(label: str, share, locale: str) -> "charts.Point":
    if share.n == 0:
        return charts.Point(label, None, value_label=gettext("no answers"))
    view = share_view(share, locale)
    return charts.Point(
        label,
        share.pct,
        share.low,
        share.high,
        value_label=f"{view['pct']} (n={view['n_label']})",
        colour={"below": charts.BAD, "meets": charts.OK}.get(view["status"], charts.MUTED),
    )


def period_label(period: Period, locale: str) -> str:
    year = period.first_day.year
    if period.kind == "quarter":
        quarter = (period.first_day.month - 1) // 3 + 1
        roman = ["I", "II", "III", "IV"][quarter - 1]
        return f"Quý {roman} năm {year}" if locale == "vi" else f"Q{quarter} {year}"
    if period.kind == "month":
        if locale == "vi":
            return f"Tháng {period.first_day.month} năm {year}"
        return format_date(period.first_day, "MMMM y", locale="en")
    return f"Năm {year}" if locale == "vi" else f"Year {year}"


def month_label(code: str, locale: str) -> str:
    month = parse_period(code).first_day
    return f"T{month.month}/{month.year}" if locale == "vi" else format_date(month, "MMM y", "en")


def local_time(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))


def fmt_datetime(moment: datetime, locale: str) -> str:
    local = local_time(moment)
    return f"{local:%d/%m/%Y %H:%M}" if locale == "vi" else f"{local:%Y-%m-%d %H:%M}"


def place_date(moment: datetime, locale: str) -> str:
    local = local_time(moment)
    if locale == "vi":
        place = current_app.config.get("REPORT_PLACE_VI", "Thành phố Hồ Chí Minh")
        return f"{place}, ngày {local.day:02d} tháng {local.month:02d} năm {local.year}"
    place = current_app.config.get("REPORT_PLACE_EN", "Ho Chi Minh City")
    return f"{place}, {format_date(local.date(), 'd MMMM y', locale='en')}"


# --- what a report shows ----------------------------------------------------------------------


def has_children(unit: Unit) -> bool:
    return any(child.active for child in unit.children)


def report_kind(unit: Unit) -> str:
    return KIND_SUMMARY if has_children(unit) else KIND_UNIT


def unit_section(summary: "figures.UnitSummary", locale: str) -> dict:
    """One unit's figures as plain values and SVG charts."""
    count_label = functools.partial(fmt_count, locale=locale)
    headline = share_view(summary.headline, locale)
    target = float(summary.headline.target) if summary.headline.target is not None else None
    target_label = gettext("target %(target)s", target=headline["target"])
    months = [
        {"label": month_label(m["period"], locale), **share_view(m["share"], locale)}
        for m in summary.months
    ]
    groups = [{"name": g["name"][locale], **share_view(g["share"], locale)} for g in summary.groups]
    questions = []
    for question in summary.questions:
        if question.kind == "text":
            continue
        options = {o["code"]: o[locale] for o in question.options}
        rows = []
        for value, count in question.distribution.items():
            if question.kind == "yesno":
                label = gettext("Yes") if value == "yes" else gettext("No")
            elif question.kind == "rating5":
                label = f"{value} – {rating_label(int(value))}"
            else:
                label = options.get(value, str(value))
            share_pct = 100.0 * count / question.n if question.n else None
            rows.append(
                {"label": label, "count": count_label(count), "pct": fmt_pct(share_pct, locale, 0)}
            )
        questions.append(
            {
                "id": question.id,
                "text": question.text.get(locale) or question.text.get("vi", question.id),
                "kind": question.kind,
                "n": count_label(question.n),
                "mean": fmt_number(question.mean, locale, 2) if question.mean else "–",
                "rows": rows,
            }
        )
    receipt = summary.receipt_not_received
    flagged = [
        {"reason": flag_label(code), "count": count_label(count)}
        for code, count in summary.flag_reasons.items()
    ]
    weekday_labels = WEEKDAYS.get(locale, WEEKDAYS["vi"])
    charts_svg = {
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
            target_label,
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
            weekday_labels,
            gettext("Responses by weekday"),
            gettext("Number of counted responses per weekday."),
            number=count_label,
        ),
    }
    if groups:
        charts_svg["groups"] = charts.interval_rows(
            [chart_point(g["name"][locale], g["share"], locale) for g in summary.groups],
            None,
            gettext("Satisfaction by procedure-domain group"),
            gettext("Satisfied percentage per group with the 95-percent interval."),
        )
    return {
        "headline": headline,
        "groups": groups,
        "months": months,
        "questions": questions,
        "receipt": {
            "count": count_label(receipt["count"]),
            "n": count_label(receipt["n"]),
            "pct": fmt_pct(receipt["pct"], locale),
        },
        "has_receipt_question": any(q.id == "receipt" for q in summary.questions),
        "kiosks": [
            {**k, "count": count_label(k["count"]), "flagged": count_label(k["flagged"])}
            for k in summary.kiosks
        ],
        "comments": [
            {
                "at": fmt_datetime(datetime.fromisoformat(c["submitted_at"]), locale),
                "overall": c["overall"],
                "text": c["text"],
            }
            for c in summary.comments[:COMMENTS_IN_PDF]
        ],
        "comments_total": count_label(summary.comments_total),
        "flagged_count": count_label(summary.flagged_count),
        "has_flagged": bool(summary.flagged_count),
        "flag_reasons": flagged,
        "includes_predecessors": list(summary.includes_predecessors),
        "charts": charts_svg,
    }


def rating_label(value: int) -> str:
    labels = {
        1: gettext("Very dissatisfied"),
        2: gettext("Dissatisfied"),
        3: gettext("Neutral"),
        4: gettext("Satisfied"),
        5: gettext("Very satisfied"),
    }
    return labels.get(value, str(value))


def flag_label(code: str) -> str:
    labels = {
        "burst": gettext("burst of responses from one kiosk"),
        "off_hours": gettext("outside office hours"),
        "replay": gettext("replayed response"),
    }
    return labels.get(code, code)


def ranking_view(rows: list[dict], locale: str) -> list[dict]:
    return [
        {
            "rank": row["rank"],
            "slug": row["unit_slug"],
            "name": row["unit_name"][locale],
            "type": row["unit_type"][locale],
            **share_view(row["share"], locale),
        }
        for row in rows
    ]


def groups_across(children: list[Unit], period: Period) -> list[dict]:
    """Procedure-domain groups over all child units together (one aggregate query).

    Uses the figures module's own group query so the numbers match the unit reports.
    """
    ids: list[int] = []
    for child in children:
        ids.extend(figures.unit_ids_with_predecessors(child)[0])
    if not ids:
        return []
    target = max((c.type.target_pct for c in children), default=None)
    return figures.domain_groups(ids, period, target)


def summary_section(unit: Unit, period: Period, locale: str) -> tuple[dict, dict]:
    """Children ranking and district-level callouts; returns (template values, hashed data)."""
    rows = figures.children_ranking(unit, period)
    children = [c for c in unit.children if c.active and c.type.survey_key]
    groups = groups_across(children, period)
    quarters = []
    if period.kind == "year":
        year = period.first_day.year
        for number in range(1, 5):
            quarter = parse_period(f"{year}-Q{number}", period.tz)
            shares = {r["unit_slug"]: r["share"] for r in figures.children_ranking(unit, quarter)}
            quarters.append({"code": quarter.code, "label": f"Q{number}", "shares": shares})
    ranking = ranking_view(rows, locale)
    for row in ranking:
        row["quarters"] = [
            share_view(q["shares"][row["slug"]], locale)
            for q in quarters
            if row["slug"] in q["shares"]
        ]
    below = [r for r in ranking if r["status"] == "below"]
    too_few = [r for r in ranking if r["status"] in ("too_few", "no_data")]
    ranked_points = [
        chart_point(r["unit_name"][locale], r["share"], locale) for r in rows if r["share"].n
    ]
    section = {
        "ranking": ranking,
        "quarter_labels": [q["label"] for q in quarters],
        "groups": [{"name": g["name"][locale], **share_view(g["share"], locale)} for g in groups],
        "below": below,
        "too_few": too_few,
        "min_n": figures.min_n(),
        "chart": (
            charts.interval_rows(
                ranked_points,
                None,
                gettext("Satisfaction by unit"),
                gettext("Satisfied percentage per unit with the 95-percent interval."),
            )
            if ranked_points
            else None
        ),
    }
    data = {
        "ranking": figures.share_to_dict_rows(rows),
        "groups": [{**g, "share": g["share"].to_dict()} for g in groups],
        "quarters": [
            {"code": q["code"], "shares": {k: v.to_dict() for k, v in sorted(q["shares"].items())}}
            for q in quarters
        ],
    }
    return section, data


@dataclass
class ReportData:
    kind: str
    data_sha256: str
    own: "figures.UnitSummary | None"
    summary: dict | None
    summary_data: dict | None


def compute(unit: Unit, period: Period, locale: str) -> tuple[ReportData, dict | None]:
    """The figures of a report and the SHA-256 of their canonical JSON."""
    kind = report_kind(unit)
    own = figures.unit_summary(unit, period) if unit.type.survey_key else None
    if kind == KIND_UNIT:
        own = own or figures.unit_summary(unit, period)
        return ReportData(kind, own.data_sha256, own, None, None), None
    with force_locale(locale):
        section, data = summary_section(unit, period, locale)
    payload = {"unit": own.to_dict() if own else None, "summary": data}
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return ReportData(kind, digest, own, section, data), section


def verify_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/verify"


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=3, border=0, dark="#000")


def issuing_body(locale: str) -> str:
    key = "ISSUING_BODY_EN" if locale == "en" else "ISSUING_BODY_VI"
    return current_app.config.get(key) or current_app.config["ISSUING_BODY_VI"]


def render_html(unit: Unit, period: Period, locale: str, computed: ReportData, section, now):
    identity = signing_identity()
    with force_locale(locale):
        own = unit_section(computed.own, locale) if computed.own is not None else None
        return render_template(
            "reports/report.html",
            doc={
                "locale": locale,
                "kind": computed.kind,
                "issuing_body": issuing_body(locale),
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
                "generated_at": fmt_datetime(now, locale),
                "data_sha256": computed.data_sha256,
                "verify_url": verify_url(),
                "qr": qr_data_uri(verify_url()),
                "signer": identity.common_name,
                "dev_certificate": identity.is_dev,
                "min_n": figures.min_n(),
            },
            own=own,
            summary=section,
        )


def build_pdf(unit: Unit, period: Period, locale: str, computed: ReportData, section) -> bytes:
    """Render and sign; the PDF's /Info carries what verification shows."""
    from webapp.dbtypes import utcnow

    now = utcnow()
    html = render_html(unit, period, locale, computed, section, now)
    rendered = render_pdf(
        html,
        info={
            "Title": f"{unit.name(locale)} – {period_label(period, locale)}",
            "Author": issuing_body(locale),
            "HLUnit": unit.slug,
            "HLUnitName": unit.name(locale),
            "HLPeriod": period.code,
            "HLKind": computed.kind,
            "HLLocale": locale,
            "HLGeneratedAt": now.isoformat(timespec="seconds"),
            "HLDataSHA256": computed.data_sha256,
        },
    )
    return sign_pdf(
        rendered.pdf,
        identity=signing_identity(),
        stamp=rendered.stamp,
        instance_path=current_app.instance_path,
        locale=locale,
        tz=current_app.config["TIMEZONE"],
        timestamp_url=current_app.config.get("TIMESTAMP_URL") or None,
        reason=signing_reason(locale),
        location=issuing_body(locale),
    )


def signing_reason(locale: str) -> str:
    with force_locale(locale):
        return gettext("Satisfaction survey report")


def cached_report(unit: Unit, period: Period, locale: str, kind: str, data_sha256: str):
    return db.session.scalar(
        select(Report)
        .where(
            Report.unit_id == unit.id,
            Report.period == period.code,
            Report.locale == locale,
            Report.kind == kind,
            Report.data_sha256 == data_sha256,
            Report.signer_fingerprint == signing_identity().fingerprint,
        )
        .order_by(Report.generated_at.desc(), Report.id.desc())
        .limit(1)
    )


def get_or_build_report(
    unit: Unit, period: Period, locale: str = "vi", *, user=None, force: bool = False
) -> ReportResult:
    """The signed report for the current figures, rendering only when they changed."""
    computed, section = compute(unit, period, locale)
    if not force:
        existing = cached_report(unit, period, locale, computed.kind, computed.data_sha256)
        if existing is not None:
            return ReportResult(existing, generated=False)
    pdf = build_pdf(unit, period, locale, computed, section)
    report = Report(
        unit_id=unit.id,
        period=period.code,
        locale=locale,
        kind=computed.kind,
        generated_by_id=getattr(user, "id", None),
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        data_sha256=computed.data_sha256,
        signer_fingerprint=signing_identity().fingerprint,
        pdf=pdf,
    )
    db.session.add(report)
    db.session.flush()
    audit(report, unit, "report.generate")
    return ReportResult(report, generated=True)


def audit(report: Report, unit: Unit, action: str, **extra):
    return record(
        action,
        unit_id=unit.id,
        target=f"{unit.slug}/{report.period}",
        period=report.period,
        locale=report.locale,
        kind=report.kind,
        report_id=report.id,
        pdf_sha256=report.pdf_sha256,
        data_sha256=report.data_sha256,
        **extra,
    )


def known_report(pdf_sha256: str) -> Report | None:
    """The stored report with exactly these bytes, if this server produced it."""
    return db.session.scalar(select(Report).where(Report.pdf_sha256 == pdf_sha256).limit(1))
