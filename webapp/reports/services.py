"""Signed PDF reports: figures → hash → (template values) → HTML → PDF → signature → stored row.

Operations flush but never commit: the request (or CLI command) commits once.

Two kinds share one URL (`/units/<slug>/reports/<period>.pdf`):
- "unit": one unit's figures (SPEC section 8);
- "summary": a unit with active child units (the district, a ward with its school and clinic)
  also gets its children ranked with n, interval and target, the domain groups across them,
  and the units below target or with too few answers called out; for a year period the
  ranking also shows each quarter.

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
from webapp.formatting import local_time, period_label
from webapp.officials import figures as official_figures
from webapp.officials import views as official_views
from webapp.periods import Period, parse_period
from webapp.reports import loop, values
from webapp.reports.issuers import Issuer, issuer_for
from webapp.reports.models import DocumentSequence, Report
from webapp.reports.rendering import render_pdf
from webapp.reports.signing import sign_pdf, signing_identity
from webapp.units.models import Unit

KIND_UNIT = "unit"
KIND_SUMMARY = "summary"
KIND_OFFICIALS = "officials"  # the ranking of officials (SPEC 11)
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


def compute(unit: Unit, period: Period, kind: str | None = None) -> ReportData:
    """The figures of a report and the SHA-256 of their canonical JSON."""
    if kind == KIND_OFFICIALS:
        return compute_officials(unit, period)
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


def issue_document(unit: Unit, period: Period, locale: str, now) -> Document:
    issuer = issuer_for(unit, period.end_day - timedelta(days=1), locale)
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
        reason=signing_reason(locale),
        location=document.issuer.name,
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
    unit: Unit,
    period: Period,
    locale: str = "vi",
    *,
    user=None,
    force: bool = False,
    kind: str | None = None,
) -> ReportResult:
    """The signed report for the current figures, rendering only when they changed. `kind`
    KIND_OFFICIALS asks for the ranking of officials; otherwise the unit's own kind."""
    computed = compute(unit, period, kind)
    if not force:
        existing = cached_report(unit, period, locale, computed.kind, computed.data_sha256)
        if existing is not None:
            return ReportResult(existing, generated=False)
    now = utcnow()
    document = issue_document(unit, period, locale, now)
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
