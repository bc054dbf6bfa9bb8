"""Report download, the report list of a unit, and the public verification page (its API twin,
POST /api/v1/verify, is in webapp/api/routes.py)."""

from io import BytesIO

from flask import (
    Blueprint,
    abort,
    current_app,
    render_template,
    request,
    send_file,
)
from flask_babel import gettext
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from webapp.access import allow, visible_unit_ids, visible_unit_or_404
from webapp.audit.models import AuditEvent
from webapp.dbtypes import utcnow
from webapp.errors import APIError
from webapp.extensions import db, limiter
from webapp.formatting import datetime_text
from webapp.periods import PeriodError, current_period, parse_period
from webapp.reports import services
from webapp.reports.forms import VerifyForm
from webapp.reports.models import Report
from webapp.reports.verification import verification_reply

bp = Blueprint("reports", __name__, template_folder="templates")

REPORT_ACTIONS = ("report.generate", "report.download")


@bp.app_template_filter("css_string")
def css_string(value) -> Markup:
    """A quoted CSS string for `content:` in @page boxes (inside <style>, so no HTML escaping).

    Backslash, quote and newline are CSS-escaped, and `<` too so that no value can close the
    <style> element.
    """
    text = str(value).replace("\\", "\\5C ").replace('"', "\\22 ").replace("\n", " ")
    return Markup('"' + text.replace("<", "\\3C ") + '"')  # noqa: S704 - escaped above


def _report_period_or_400(code: str):
    """A period that has started: a report of the future would only sign empty tables."""
    try:
        period = parse_period(code)
    except PeriodError as exc:
        raise APIError(400, "invalid_period", str(exc)) from exc
    if period.start > utcnow():
        raise APIError(
            400, "invalid_period", gettext("The period %(code)s has not started yet.", code=code)
        )
    return period


def _report_limit() -> str:
    return current_app.config["REPORT_RATE_LIMIT"]


def _user_key() -> str:
    """Rendering and signing costs a second of CPU: limit it per account."""
    return f"user:{current_user.get_id()}"


def _report_locale() -> str:
    """Vietnamese unless `?lang=en` asks otherwise: the document's language is explicit."""
    lang = request.args.get("lang")
    return lang if lang is not None and lang in current_app.config["LANGUAGES"] else "vi"


@bp.get("/units/<slug>/reports/<period>.pdf")
@allow("admin", "manager", "auditor")
@limiter.limit(_report_limit, key_func=_user_key)
def report_pdf(slug: str, period: str):
    unit = visible_unit_or_404(slug)
    result = services.get_or_build_report(
        unit, _report_period_or_400(period), _report_locale(), user=current_user
    )
    return _send_report(result, unit, f"{unit.slug}-{result.report.period}.pdf")


# --- the field survey's yearly PAPI-axes results (SPEC 13) ------------------------------------


def _field_year_or_404(year: int):
    """A year that has started (else 400), as the results pages read it: 2000 to 2100 in the
    path, else 404 (docs/field.md)."""
    if year < 2000 or year > 2100:
        abort(404)
    return _report_period_or_400(str(year))


def _send_report(result: "services.ReportResult", unit, download_name: str):
    """Audit the download, commit, and send the stored PDF (the one path of every report)."""
    report = result.report
    services.audit(report, unit, "report.download", cached=not result.generated)
    db.session.commit()
    response = send_file(
        BytesIO(report.pdf),
        mimetype="application/pdf",
        download_name=download_name,
        etag=report.pdf_sha256,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/field/results/<slug>/<int:year>.pdf")
@allow("admin", "manager", "auditor")
@limiter.limit(_report_limit, key_func=_user_key)
def field_ward_pdf(slug: str, year: int):
    """One ward's signed yearly results of the household survey along the PAPI axes."""
    unit = visible_unit_or_404(slug)
    if unit.type_code not in services.field_unit_types():
        abort(404)
    result = services.get_or_build_report(
        unit,
        _field_year_or_404(year),
        _report_locale(),
        user=current_user,
        kind=services.KIND_PAPI,
    )
    return _send_report(result, unit, f"{unit.slug}-{year}-papi.pdf")


@bp.get("/field/results/<int:year>.pdf")
@allow("admin", "manager", "auditor")
@limiter.limit(_report_limit, key_func=_user_key)
def field_summary_pdf(year: int):
    """The wards' results compared: all of them for admins and auditors, the wards a manager
    may see for a manager (403 when none)."""
    period = _field_year_or_404(year)
    district = services.field_summary_unit()
    if district is None:
        abort(404)
    unit_ids = visible_unit_ids(current_user)
    if unit_ids is not None and not services.field_units(unit_ids):
        abort(403)
    result = services.get_or_build_report(
        district,
        period,
        _report_locale(),
        user=current_user,
        kind=services.KIND_PAPI_SUMMARY,
        unit_ids=unit_ids,
    )
    return _send_report(result, district, f"{year}-papi-summary.pdf")


@bp.get("/units/<slug>/reports")
@allow("admin", "manager", "auditor")
def report_list(slug: str):
    unit = visible_unit_or_404(slug)
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.unit_id == unit.id, AuditEvent.action.in_(REPORT_ACTIONS))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(200)
    ).all()
    tz = current_app.config["TIMEZONE"]
    quarter = current_period("quarter", tz)
    suggestions = [quarter.code, current_period("year", tz).code, current_period("month", tz).code]
    rows = [
        {
            "at": datetime_text(e.at),
            "action": e.action,
            "who": e.actor_user.email if e.actor_user else (e.actor_label or "–"),
            "period": (e.details or {}).get("period"),
            "locale": (e.details or {}).get("locale"),
            "kind": (e.details or {}).get("kind"),
            "pdf_sha256": (e.details or {}).get("pdf_sha256") or "",
            "cached": (e.details or {}).get("cached"),
        }
        for e in events
    ]
    stored = db.session.scalar(
        select(db.func.count()).select_from(Report).where(Report.unit_id == unit.id)
    )
    return render_template(
        "reports/list.html",
        unit={"slug": unit.slug, "name": unit.name(str(request.args.get("lang") or "vi"))},
        unit_name_vi=unit.name_vi,
        unit_name_en=unit.name_en,
        events=rows,
        suggestions=suggestions,
        stored=stored,
        kind=services.report_kind(unit),
    )


# --- public verification -----------------------------------------------------------------------


def _limit_upload() -> None:
    """Reports are a few hundred KB; refuse big uploads before reading them (413)."""
    request.max_content_length = current_app.config["VERIFY_MAX_BYTES"]


def _verify_rate_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


@bp.route("/verify", methods=["GET", "POST"])
@allow("public")
@limiter.limit(_verify_rate_limit, methods=["POST"])
def verify_page():
    _limit_upload()
    form = VerifyForm()
    result = None
    if form.validate_on_submit():
        result = verification_reply(form.file.data.read())
    status = 400 if request.method == "POST" and result is None else 200
    return render_template("reports/verify.html", form=form, result=result), status


@bp.route("/verify/<public_id>", methods=["GET", "POST"])
@allow("public")
@limiter.limit(_verify_rate_limit, methods=["POST"])
def verify_record(public_id: str):
    """What a printed copy's QR code opens: the record of the document this server issued
    (issuer, number, unit, period, time, hashes, signer) and a check of an uploaded copy."""
    _limit_upload()
    report = services.report_by_public_id(public_id)
    if report is None:
        return render_template("reports/verify_record.html", record=None, form=None), 404
    form = VerifyForm()
    check = None
    if form.validate_on_submit():
        check = verification_reply(form.file.data.read())
        check["same_document"] = check["file_sha256"] == report.pdf_sha256
    status = 400 if request.method == "POST" and check is None else 200
    return render_template(
        "reports/verify_record.html", record=report, form=form, check=check
    ), status
