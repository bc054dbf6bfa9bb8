"""Signed PDF reports: figures → hash → (template values) → HTML → PDF → signature → stored row.

Operations flush but never commit: the request (or CLI command) commits once.

Two kinds share one URL (`/units/<slug>/reports/<period>.pdf`):
- "unit": one unit's figures (SPEC section 8);
- "summary": a unit with active child units (the district, a ward with its school and clinic)
  also gets its children ranked with n, interval and target, the domain groups across them,
  and the units below target or with too few answers called out; for a year period the
  ranking also shows each quarter.

Other kinds have URLs of their own: "officials" (SPEC 11) and the field survey's yearly PAPI
results (SPEC 13): "papi" of one ward, "papi_summary" of the wards compared (its unit is the
district, the root of the unit tree). Those are issued by the Fatherland Front committee when
FIELD_REPORT_ISSUER is "front" (issuers.field_issuer_for).

Caching: the figures are computed (aggregate queries, cheap) and hashed; when a stored report
for the same unit, period, language and kind has the same data hash and signer, its PDF is
served instead of rendering and signing again; the template values (`values`) are only
built when a PDF is rendered.
"""

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta

import segno
from flask import current_app, render_template
from flask_babel import force_locale, gettext
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from webapp.audit.services import chain_head, record
from webapp.dashboard import figures
from webapp.dbtypes import utcnow
from webapp.extensions import db
from webapp.field import scoring
from webapp.formatting import local_time, period_label
from webapp.officials import figures as official_figures
from webapp.officials import views as official_views
from webapp.periods import Period, parse_period
from webapp.reports import loop, values
from webapp.reports.issuers import Issuer, field_issuer_for, issuer_for
from webapp.reports.models import DocumentSequence, Report
from webapp.reports.rendering import render_pdf
from webapp.reports.signing import sign_pdf, signing_identity
from webapp.surveys.models import Survey
from webapp.units.models import Unit

KIND_UNIT = "unit"
KIND_SUMMARY = "summary"
KIND_OFFICIALS = "officials"  # the ranking of officials (SPEC 11)
KIND_PAPI = "papi"  # one ward's field-survey results along the PAPI axes (SPEC 13)
KIND_PAPI_SUMMARY = "papi_summary"  # the wards' field-survey results compared
FIELD_KINDS = (KIND_PAPI, KIND_PAPI_SUMMARY)
OFFICIALS_LISTED_IN_FULL = 120
OFFICIALS_AT_EACH_END = 15


@dataclass
class ReportResult:
    report: Report
    generated: bool  # False: served from the cache


@dataclass
class ReportData:
    kind: str
    data_sha256: str
    own: "figures.UnitSummary | None"
    summary: "values.SummaryFigures | None"
    officials: "list[official_figures.OfficialFigure] | None" = None
    units: list[dict] | None = None  # the units below, ranked (officials report of a parent)
    cases: "list | None" = None  # the unit's cases during the period (SPEC 12)
    loop: "list[loop.UnitLoop] | None" = None  # per unit below: change, complaints, cases
    field: "list[scoring.WardAxes] | None" = None  # field-survey results (one ward or several)


# --- what a report covers and the hash of its figures ------------------------------------------


def has_children(unit: Unit) -> bool:
    return any(child.active for child in unit.children)


def report_kind(unit: Unit) -> str:
    return KIND_SUMMARY if has_children(unit) else KIND_UNIT


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


def summary_figures(unit: Unit, period: Period) -> "values.SummaryFigures":
    """The children ranked (and, for a year, per quarter) and their groups together."""
    children = [c for c in unit.children if c.active and c.type.survey_key]
    quarters = []
    if period.kind == "year":
        year = period.first_day.year
        for number in range(1, 5):
            quarter = parse_period(f"{year}-Q{number}", period.tz)
            shares = {r["unit_slug"]: r["share"] for r in figures.ranking_below(unit, quarter)}
            quarters.append({"code": quarter.code, "number": number, "shares": shares})
    return values.SummaryFigures(
        overall=figures.share_with_units_below(unit, period),
        rows=figures.ranking_below(unit, period),
        groups=groups_across(children, period),
        quarters=quarters,
    )


def _summary_data(figs: "values.SummaryFigures") -> dict:
    return {
        "overall": figs.overall.to_dict(),
        "ranking": figures.share_to_dict_rows(figs.rows),
        "groups": [{**g, "share": g["share"].to_dict()} for g in figs.groups],
        "quarters": [
            {"code": q["code"], "shares": {k: v.to_dict() for k, v in sorted(q["shares"].items())}}
            for q in figs.quarters
        ],
    }


def _digest(payload: dict) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def compute_officials(unit: Unit, period: Period) -> ReportData:
    """The officials ranked (with every unit below, for a parent) and the units below."""
    if has_children(unit):
        rows = official_figures.officials_below(unit, period)
        # The unit itself (when it serves citizens) and every unit below it.
        own = [unit] if unit.type.survey_key else []
        units = figures.rank_rows([*own, *figures.units_below(unit)], period)
    else:
        rows, units = official_figures.unit_officials(unit, period), None
    payload = {
        "officials": [r.to_dict() for r in rows],
        "units": figures.share_to_dict_rows(units) if units is not None else None,
    }
    return ReportData(KIND_OFFICIALS, _digest(payload), None, None, rows, units)


def field_payload(results: "list[scoring.WardAxes]") -> list[dict]:
    """The field results as canonical data (what the report's data hash covers)."""
    return [
        {
            "unit": r.unit.slug,
            "year": r.year,
            "respondents": r.respondents,
            "axes": [
                {
                    "axis": a.axis,
                    "n": a.n,
                    "mean": a.mean,
                    "low": a.low,
                    "high": a.high,
                    "shown": a.shown,
                    "method": a.method,
                    "items": [
                        {"id": i.question_id, "n": i.n, "mean_points": i.mean_points}
                        for i in a.items
                    ],
                }
                for a in r.axes
            ],
        }
        for r in results
    ]


FIELD_SURVEY = "papi_household"


def field_unit_types() -> list[str]:
    """The unit types the household survey is about (wards), from its survey row."""
    survey = db.session.scalar(select(Survey).where(Survey.key == FIELD_SURVEY))
    return list(survey.unit_types or []) if survey is not None else []


def field_units(unit_ids: set[int] | None = None) -> list[Unit]:
    """The active wards the household survey is about (among `unit_ids` if given)."""
    query = select(Unit).where(Unit.active.is_(True), Unit.type_code.in_(field_unit_types()))
    if unit_ids is not None:
        query = query.where(Unit.id.in_(unit_ids))
    return list(db.session.scalars(query.order_by(Unit.slug)))


def field_summary_unit() -> Unit | None:
    """The unit the wards' summary is filed under: the district at the root of the tree."""
    return db.session.scalar(
        select(Unit).where(Unit.parent_id.is_(None), Unit.type_code == "district").limit(1)
    )


def compute_field(
    unit: Unit, period: Period, kind: str, unit_ids: set[int] | None = None
) -> ReportData:
    """A ward's PAPI-axes results of the year, or (KIND_PAPI_SUMMARY) those of every ward,
    or of the wards among `unit_ids` (a manager's)."""
    year = period.first_day.year
    if kind == KIND_PAPI:
        results = [scoring.ward_axes(unit, year)]
    else:
        results = scoring.district_axes(year, unit_ids)
    payload = {"kind": kind, "field": field_payload(results)}
    return ReportData(kind, _digest(payload), None, None, field=results)


def compute(
    unit: Unit, period: Period, kind: str | None = None, unit_ids: set[int] | None = None
) -> ReportData:
    """The figures of a report and the SHA-256 of their canonical JSON."""
    if kind == KIND_OFFICIALS:
        return compute_officials(unit, period)
    if kind in FIELD_KINDS:
        return compute_field(unit, period, kind, unit_ids)
    kind = report_kind(unit)
    own = figures.unit_summary(unit, period) if unit.type.survey_key else None
    # The cases are part of the hashed data: a changed case makes a new report version.
    cases = loop.cases_during(figures.unit_ids_with_predecessors(unit)[0], period)
    case_payload = [loop.case_data(c) for c in cases]
    if kind == KIND_UNIT:
        own = own or figures.unit_summary(unit, period)
        # Without cases the hash stays the figures' own (reports built before keep matching).
        digest = (
            _digest({"unit": own.data_sha256, "cases": case_payload})
            if case_payload
            else own.data_sha256
        )
        return ReportData(kind, digest, own, None, cases=cases)
    figs = summary_figures(unit, period)
    rows = loop.loop_rows(figures.units_below(unit), period, figures.local_now().date())
    payload = {
        "unit": own.to_dict() if own else None,
        "summary": _summary_data(figs),
        "cases": case_payload,
        "loop": [r.to_dict() for r in rows],
    }
    return ReportData(kind, _digest(payload), own, figs, cases=cases, loop=rows)


# --- render, sign, cache, audit -----------------------------------------------------------------


@dataclass
class Document:
    """The administrative identity of one issued report: its issuer as of the period's last
    day, its number in the issuer's yearly sequence and the public id its QR code opens."""

    issuer: Issuer
    year: int
    number: int
    public_id: str

    def number_text(self, locale: str) -> str:
        return self.issuer.number_text(self.number, locale)


def verify_url(public_id: str | None = None) -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/verify"
    return f"{base}/{public_id}" if public_id else base


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=3, border=0, dark="#000")


def new_public_id() -> str:
    """13 lowercase letters and digits (64 random bits): short enough to type from paper."""
    return base64.b32encode(secrets.token_bytes(8)).decode().rstrip("=").lower()


def next_document_number(issuer_key: str, year: int) -> int:
    """The issuer's next number this year. The UPDATE holds the sequence row until the
    request commits, so concurrent reports of one issuer get distinct, gapless numbers (a
    rolled-back render gives its number back)."""
    dialect = sqlite if db.engine.dialect.name == "sqlite" else postgresql
    db.session.execute(
        dialect.insert(DocumentSequence)
        .values(issuer_key=issuer_key, year=year, last_number=0)
        .on_conflict_do_nothing()
    )
    return db.session.execute(
        update(DocumentSequence)
        .where(DocumentSequence.issuer_key == issuer_key, DocumentSequence.year == year)
        .values(last_number=DocumentSequence.last_number + 1)
        .returning(DocumentSequence.last_number)
    ).scalar_one()


def issue_document(unit: Unit, period: Period, locale: str, now, kind: str = KIND_UNIT) -> Document:
    choose = field_issuer_for if kind in FIELD_KINDS else issuer_for
    issuer = choose(unit, period.end_day - timedelta(days=1), locale)
    year = local_time(now).year
    return Document(issuer, year, next_document_number(issuer.key, year), new_public_id())


def render_html(
    unit: Unit, period: Period, locale: str, computed: ReportData, now, document: Document
) -> str:
    identity = signing_identity()
    # The audit chain's head when this document is signed: printed copies anchor the chain
    # outside the database (an attacker who rewrites the whole log cannot change them).
    chain_seq, chain_hash = chain_head()
    with force_locale(locale):
        doc = values.document_values(
            unit,
            period,
            locale,
            computed.kind,
            computed.data_sha256,
            now,
            issuer=document.issuer,
            number_text=document.number_text(locale),
            verify_url=verify_url(document.public_id),
            qr=qr_data_uri(verify_url(document.public_id)),
            signer=identity.common_name,
            dev_certificate=identity.is_dev,
            audit_chain_seq=chain_seq,
            audit_chain_hash=chain_hash,
        )
        if computed.kind == KIND_OFFICIALS:
            rows = computed.officials or []
            # A district's 900 officials would take a WeasyPrint minute of 25 pages: its
            # summary ranks the units (with how many officials met the target) and names the
            # best and the lowest ranked; each unit's own ranking lists all of its officials.
            shortened = len(rows) > OFFICIALS_LISTED_IN_FULL
            ranked = [r for r in rows if r.rank is not None]
            if not shortened:
                shown = rows
            elif len(ranked) <= 2 * OFFICIALS_AT_EACH_END:
                shown = ranked
            else:
                shown = ranked[:OFFICIALS_AT_EACH_END] + ranked[-OFFICIALS_AT_EACH_END:]
            return render_template(
                "reports/officials.html",
                doc=doc,
                officials=official_views.ranking_rows(shown, locale),
                shortened=shortened,
                total=len(rows),
                ranked_total=len(ranked),
                at_each_end=OFFICIALS_AT_EACH_END,
                units=values.units_with_officials(computed.units, computed.officials, locale),
            )
        if computed.kind == KIND_PAPI_SUMMARY:
            doc["unit_name"] = gettext("Summary of the wards surveyed")  # the footer's name
        if computed.kind in FIELD_KINDS:
            return render_template(
                "reports/field.html",
                doc=doc,
                field=values.field_section(computed.field or [], locale),
            )
        own = values.unit_section(computed.own, locale) if computed.own is not None else None
        summary = (
            values.summary_section(computed.summary, locale)
            if computed.summary is not None
            else None
        )
        return render_template(
            "reports/report.html",
            doc=doc,
            own=own,
            summary=summary,
            cases=values.cases_view(computed.cases or [], locale),
            remedy=values.loop_view(computed.loop, locale) if computed.loop is not None else None,
        )


def build_pdf(
    unit: Unit, period: Period, locale: str, computed: ReportData, now, document: Document
) -> bytes:
    """Render and sign; the PDF's /Info carries what verification shows."""
    html = render_html(unit, period, locale, computed, now, document)
    rendered = render_pdf(
        html,
        info={
            "Title": f"{unit.name(locale)} – {period_label(period, locale)}",
            "Author": document.issuer.name,
            "HLUnit": unit.slug,
            "HLUnitName": unit.name(locale),
            "HLPeriod": period.code,
            "HLKind": computed.kind,
            "HLLocale": locale,
            "HLGeneratedAt": now.isoformat(timespec="seconds"),
            "HLDataSHA256": computed.data_sha256,
            "HLNumber": document.number_text(locale),
            "HLDocumentId": document.public_id,
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
        reason=signing_reason(locale, computed.kind),
        location=document.issuer.name,
    )


def signing_reason(locale: str, kind: str = KIND_UNIT) -> str:
    with force_locale(locale):
        if kind in FIELD_KINDS:
            return gettext("Household survey report (PAPI axes)")
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
    unit: Unit,
    period: Period,
    locale: str = "vi",
    *,
    user=None,
    force: bool = False,
    kind: str | None = None,
    unit_ids: set[int] | None = None,
) -> ReportResult:
    """The signed report for the current figures, rendering only when they changed. `kind`
    KIND_OFFICIALS asks for the ranking of officials, KIND_PAPI / KIND_PAPI_SUMMARY for the
    field survey's results (the summary limited to the wards among `unit_ids` if given);
    otherwise the unit's own kind."""
    computed = compute(unit, period, kind, unit_ids)
    if not force:
        existing = cached_report(unit, period, locale, computed.kind, computed.data_sha256)
        if existing is not None:
            return ReportResult(existing, generated=False)
    now = utcnow()
    document = issue_document(unit, period, locale, now, computed.kind)
    pdf = build_pdf(unit, period, locale, computed, now, document)
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
        generated_at=now,
        issuer_key=document.issuer.key,
        number_year=document.year,
        number=document.number,
        number_text=document.number_text(locale),
        public_id=document.public_id,
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


def report_by_public_id(public_id: str) -> Report | None:
    return db.session.scalar(select(Report).where(Report.public_id == public_id))


def known_report(pdf_sha256: str) -> Report | None:
    """The stored report with exactly these bytes, if this server produced it."""
    return db.session.scalar(select(Report).where(Report.pdf_sha256 == pdf_sha256).limit(1))
