"""Dashboards: home, a unit's page, the district overview, CSV and XLSX downloads."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from webapp.access import (
    ANY_USER,
    allow,
    visible_unit_ids,
    visible_unit_or_404,
)
from webapp.audit.services import record
from webapp.dashboard import figures, services
from webapp.dashboard.export import overview_xlsx
from webapp.dbtypes import utcnow
from webapp.extensions import db
from webapp.formatting import period_label, when
from webapp.paging import page_number
from webapp.periods import PeriodError
from webapp.responses.export import VariantError, check_variant, export_lines
from webapp.units.services import unit_names

bp = Blueprint("dashboard", __name__, template_folder="templates")
COMMENTS_PER_PAGE = 20


def _locale() -> str:
    return str(get_locale() or "vi")


def _period():
    try:
        return services.resolve_period(request.args.get("period"))
    except PeriodError as exc:
        abort(400, description=str(exc))


@bp.get("/")
@allow("public")
def index():
    """Signed-in staff land on their dashboard; everyone else on the sign-in page."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.role == "official":
        return redirect(url_for("officials.me"))
    if current_user.role == "manager" and len(current_user.units) == 1:
        return redirect(url_for("dashboard.unit", slug=current_user.units[0].slug))
    return redirect(url_for("dashboard.overview"))


@bp.get("/overview")
@allow(*ANY_USER)
def overview():
    period = _period()
    unit_type = request.args.get("type") or None
    types = services.unit_types_with_survey()
    if unit_type and unit_type not in {t.code for t in types}:
        abort(400, description=_("This unit type has no survey."))
    rows = _visible(figures.district_overview(period, unit_type))
    locale = _locale()
    chart = services.ranking_chart(rows, locale, _title(period)) if rows else None
    return render_template(
        "dashboard/overview.html",
        rows=rows,
        period=period,
        unit_type=unit_type,
        types=types,
        chart=chart,
        choices=services.period_choices(period),
        locale=locale,
        whole_district=visible_unit_ids(current_user) is None,
    )


def _title(period) -> str:
    return _("Satisfied %% by unit, %(period)s", period=period_label(period))


def _visible(rows: list[dict]) -> list[dict]:
    """Managers see only their units (and those units' children) in rankings."""
    ids = visible_unit_ids(current_user)
    if ids is None:
        return rows
    slugs = {u.slug for u in services.units_by_id(ids).values()}
    return [r for r in rows if r["unit_slug"] in slugs]


@bp.get("/overview.xlsx")
@allow(*ANY_USER)
def overview_export():
    period = _period()
    unit_type = request.args.get("type") or None
    rows = _visible(figures.district_overview(period, unit_type))
    body = overview_xlsx(rows, period, _locale(), when(utcnow()))
    record("overview.export", target=period.code, unit_type=unit_type, format="xlsx")
    db.session.commit()
    return Response(
        body,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="overview-{period.code}.xlsx"'},
    )


@bp.get("/units/<slug>")
@allow(*ANY_USER)
def unit(slug: str):
    unit = visible_unit_or_404(slug)
    period = _period()
    page = page_number()
    locale = _locale()
    include = request.args.get("predecessors", "1") != "0"
    summary = figures.unit_summary(
        unit,
        period,
        include_predecessors=include,
        locale=locale,
        comments_limit=COMMENTS_PER_PAGE,
        comments_offset=(page - 1) * COMMENTS_PER_PAGE,
    )
    children = figures.ranking_below(unit, period) if unit.children else []
    whole = figures.share_with_units_below(unit, period) if children else None
    pages = max(1, -(-summary.comments_total // COMMENTS_PER_PAGE))
    return render_template(
        "dashboard/unit.html",
        unit=unit,
        period=period,
        summary=summary,
        charts=services.unit_charts(summary, locale),
        children=children,
        whole=whole,
        kiosks=services.kiosk_health([unit.id]),
        choices=services.period_choices(period),
        page=page,
        pages=pages,
        include=include,
        predecessor_names=unit_names(summary.includes_predecessors, locale),
        shared_names=unit_names(summary.shared_predecessors, locale),
        locale=locale,
        min_n=figures.min_n(),
        can_manage_kiosks=current_user.role in ("admin", "manager"),
    )


@bp.get("/units/<slug>/responses.csv")
@allow(*ANY_USER)
def responses_csv(slug: str):
    """The same CSV as `flask responses export --unit SLUG --period P --bom` (SPEC section 9):
    a UTF-8 BOM first so that Excel on Windows reads the Vietnamese; `?bom=0` leaves it out.
    `?variant=analysis` is the file with one column per question (docs/exports.md)."""
    unit = visible_unit_or_404(slug)
    try:
        variant = check_variant(request.args.get("variant"))
    except VariantError as exc:
        abort(400, description=str(exc))
    period = None
    if request.args.get("period"):
        period = _period()
    bom = request.args.get("bom", "1") not in ("0", "false", "no")
    record(
        "responses.export",
        unit_id=unit.id,
        target=unit.slug,
        period=getattr(period, "code", None),
        **({"variant": variant} if variant != "spec" else {}),
    )
    db.session.commit()
    suffix = "-analysis" if variant == "analysis" else ""
    name = f"{unit.slug}-{period.code if period else 'all'}{suffix}.csv"
    current_app.logger.info("CSV export of %s for %s", name, current_user.email)
    return Response(
        stream_with_context(export_lines(unit, period, variant=variant, bom=bom)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
